//! The per-file pipeline: bytes -> text -> JSON tree -> policy model ->
//! checks -> finalised diagnostics (severity from settings, path, order).

use crate::checks::{self, Context};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{normalized_path, Policy};
use crate::parse::{self, Node};
use crate::rules::Rule;
use crate::source::Span;

/// RAM's documented limit for a custom policy document, in characters.
pub const DEFAULT_MAX_POLICY_LENGTH: usize = 6144;

/// Options that change what the checks find.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub max_policy_length: usize,
    /// Actions to treat as known although the built-in operation table lacks them.
    pub extra_actions: Vec<String>,
    /// Access levels a document may allow (`access-level-exceeded`); `None` allows all.
    pub allowed_access_levels: Option<Vec<String>>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            max_policy_length: DEFAULT_MAX_POLICY_LENGTH,
            extra_actions: Vec::new(),
            allowed_access_levels: None,
        }
    }
}

/// Which rules run and at what severity; `None` turns a rule off.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    severities: Vec<Option<Severity>>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            severities: Rule::ALL.iter().map(|r| Some(r.default_severity())).collect(),
        }
    }
}

impl RuleSettings {
    /// Settings with only `rule` on, at its default severity.
    pub fn only(rule: Rule) -> Self {
        let mut settings = RuleSettings {
            severities: vec![None; Rule::ALL.len()],
        };
        settings.set(rule, Some(rule.default_severity()));
        settings
    }

    pub fn set(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities[rule as usize] = severity;
    }

    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities[rule as usize]
    }
}

/// How a file came to be linted: a walked file that is not a policy is
/// skipped, a named one is always linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Named,
    Walked,
}

/// One linted file: its (possibly lossily decoded) text, kept only when there
/// is something to render, and its findings in output order.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// A file that could not be read.
    pub fn io_error(name: String, message: String) -> Self {
        FileReport {
            name,
            text: String::new(),
            diagnostics: vec![Diagnostic::new(Rule::IoError, Span::default(), message)],
        }
    }
}

/// Lints one file's bytes. Returns `None` for a walked JSON file that is not a
/// policy (its top level has neither `Statement` nor `Version`).
pub fn lint_file(
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    options: &LintOptions,
    settings: &RuleSettings,
) -> Option<FileReport> {
    let (text, mut diagnostics) = decode(bytes);
    let parsed = parse::parse(&text);
    if origin == Origin::Walked {
        let is_policy = match &parsed.root {
            Some(root) => root.get("Statement").is_some() || root.get("Version").is_some(),
            // Broken JSON cannot be asked for its keys; a file that never
            // mentions them (a tsconfig.json with comments) is not a policy.
            None => text.contains("\"Statement\"") || text.contains("\"Version\""),
        };
        if !is_policy {
            return None;
        }
    }
    // Past an undecodable byte the parser sees U+FFFD; an error on that very
    // character would only repeat the UTF-8 finding.
    let undecodable = diagnostics.first().map(|d| d.span);
    diagnostics.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    if let Some(root) = &parsed.root {
        check_document(root, &text, options, settings, &mut diagnostics);
    }
    finalize(&mut diagnostics, parsed.root.as_ref(), settings);
    let text = if diagnostics.is_empty() {
        String::new()
    } else {
        text
    };
    Some(FileReport {
        name,
        text,
        diagnostics,
    })
}

/// The file's text, decoded lossily, with an `invalid-json` finding at the
/// first byte that is not UTF-8.
pub fn decode(bytes: Vec<u8>) -> (String, Vec<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, Vec::new()),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let width = text[valid..].chars().next().map_or(0, char::len_utf8);
            let diagnostic = Diagnostic::new(
                Rule::InvalidJson,
                Span::new(valid, valid + width),
                "the file is not valid UTF-8",
            )
            .with_help("JSON text must be UTF-8; re-save the file as UTF-8");
            (text, vec![diagnostic])
        }
    }
}

/// Runs the checks on one parsed document whose spans index into `text`;
/// a check whose rules are all off in `settings` does not run.
pub fn check_document(
    root: &Node<'_>,
    text: &str,
    options: &LintOptions,
    settings: &RuleSettings,
    out: &mut Vec<Diagnostic>,
) {
    match Policy::from_root(root) {
        Some(policy) => checks::run(
            &policy,
            &Context {
                text,
                options,
                settings,
            },
            out,
        ),
        None => out.push(
            Diagnostic::new(
                Rule::InvalidDocument,
                root.span,
                format!(
                    "a policy document must be a JSON object, found {}",
                    root.type_name()
                ),
            )
            .with_help("write {\"Version\": \"1\", \"Statement\": [...]}"),
        ),
    }
}

pub fn parse_diagnostics(errors: &[parse::ParseError]) -> impl Iterator<Item = Diagnostic> + '_ {
    errors.iter().map(|error| {
        let diagnostic = Diagnostic::new(Rule::InvalidJson, error.span, error.message.clone());
        match &error.help {
            Some(help) => diagnostic.with_help(help.clone()),
            None => diagnostic,
        }
    })
}

/// Applies rule settings, fills in element paths and sorts into output order.
pub fn finalize(diagnostics: &mut Vec<Diagnostic>, root: Option<&Node<'_>>, settings: &RuleSettings) {
    diagnostics.retain_mut(|d| match settings.severity(d.rule) {
        Some(severity) => {
            d.severity = severity;
            true
        }
        None => false,
    });
    for d in diagnostics.iter_mut() {
        d.path = root.map_or_else(|| "$".to_string(), |root| normalized_path(root, d.span));
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Lints a policy given as text, with every rule at its default severity.
pub fn lint_text(text: &str, options: &LintOptions) -> Vec<Diagnostic> {
    lint_file(
        String::new(),
        text.as_bytes().to_vec(),
        Origin::Named,
        options,
        &RuleSettings::default(),
    )
    .map(|report| report.diagnostics)
    .unwrap_or_default()
}
