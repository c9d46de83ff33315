//! The engine's stages for one document: bytes -> text -> JSON tree ->
//! policy model -> checks -> finalised diagnostics (severity from settings,
//! path, order); and a file that is one plain policy.

use crate::checks::{self, Context, LintOptions};
use crate::core::Rule;
use crate::core::Span;
use crate::core::Syntax;
use crate::core::{Diagnostic, Severity};
use crate::core::{FileReport, Origin, RuleSettings};
use crate::embedded::shaped_documents;
use crate::host::outline::Outline;
use crate::model::{normalized_path, Policy, PolicyKind};
use crate::parse::{self, parse_diagnostics, Node};

/// RAM's top-level elements (`Id` is undocumented but accepted).
const TOP_LEVEL: &[&str] = &["Version", "Statement", "Id"];

/// Why a JSON value is not taken for a policy document, or `None` when it is
/// one: its top level has `Statement`, or `Version` and nothing outside RAM's
/// grammar (so `appsettings.json` with `"Version": "3.1"` is not one).
pub fn not_a_policy(root: &Node<'_>) -> Option<&'static str> {
    let Some(members) = root.as_object() else {
        return Some("its top level is not a JSON object");
    };
    let has = |name: &str| members.iter().any(|m| m.key.eq_ignore_ascii_case(name));
    if has("Statement") {
        return None;
    }
    if !has("Version") {
        return Some("its top level has neither `Statement` nor `Version`");
    }
    let foreign = members
        .iter()
        .any(|m| !TOP_LEVEL.iter().any(|known| m.key.eq_ignore_ascii_case(known)));
    if foreign {
        Some("its top level has `Version` but no `Statement`, and keys RAM's grammar does not have")
    } else {
        None
    }
}

/// Lints one file's bytes as a policy document. A walked file that is not a
/// policy is skipped; a named one that plainly is not (no `Statement` and no
/// `Version` at its top level) gets `no-policy-found`.
pub fn lint_file(
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    options: &LintOptions,
    settings: &RuleSettings,
) -> FileReport {
    lint_plain(name, bytes, origin, (options, settings), None)
}

/// [`lint_file`], keeping what the editor's cursor needs of the documents
/// in `outline` when it is given.
pub(super) fn lint_plain(
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    (options, settings): (&LintOptions, &RuleSettings),
    mut outline: Option<&mut Outline>,
) -> FileReport {
    let (text, mut diagnostics) = decode(bytes);
    let parsed = parse::parse(&text);
    let verdict = match &parsed.root {
        Some(root) => not_a_policy(root),
        // Broken JSON cannot be asked for its keys; a file that never
        // mentions them (a tsconfig.json with comments) is not a policy.
        None if text.contains("\"Statement\"") || text.contains("\"Version\"") => None,
        None => Some("it is not valid JSON and never names `Statement` or `Version`"),
    };
    if let (Some(_), Some(root)) = (verdict, &parsed.root) {
        let shaped = check_shaped(
            root,
            &text,
            true,
            (options, settings),
            outline.as_deref_mut(),
            &mut diagnostics,
        );
        if let Some(documents) = shaped {
            return FileReport::linted(name, text, diagnostics, documents.0, 0, documents.1);
        }
    }
    if let Some(reason) = verdict {
        if origin == Origin::Walked {
            return FileReport::skipped(name, format!("not a policy: {reason}"));
        }
        // Named, with its top level plainly not a policy's: say so rather
        // than list every element it lacks. A policy with only a mistake or
        // two (no `Statement` but `Version`) is still linted as one.
        if parsed.root.as_ref().is_some_and(|root| {
            root.as_object()
                .is_some_and(|m| !m.iter().any(|m| m.key.eq_ignore_ascii_case("Version")))
        }) {
            let root = parsed.root.as_ref().map(|r| r.span).unwrap_or_default();
            let mut found = vec![no_policy_found(
                Span::new(root.start, (root.start + 1).min(root.end)),
                "a RAM policy document (a JSON object with `Statement` or `Version` at its top level)",
            )];
            finalize(&mut found, None, settings);
            return FileReport::linted(name, text, found, 0, 0, Vec::new());
        }
    }
    // Past an undecodable byte the parser sees U+FFFD; an error on that very
    // character would only repeat the UTF-8 finding.
    let undecodable = diagnostics.first().map(|d| d.span);
    diagnostics.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    let unchecked_services = match &parsed.root {
        Some(root) => {
            if let Some(outline) = outline {
                outline.document(root, &|span| span);
            }
            check_document(root, &text, options, settings, (true, None), &mut diagnostics)
        }
        None => Vec::new(),
    };
    finalize(&mut diagnostics, parsed.root.as_ref(), settings);
    FileReport::linted(name, text, diagnostics, 1, 0, unchecked_services)
}

/// The finding for an input in which no policy document was found; `sought`
/// says what was looked for.
pub fn no_policy_found(span: Span, sought: &str) -> Diagnostic {
    Diagnostic::new(
        Rule::NoPolicyFound,
        span,
        format!("no policy document found: looked for {sought}"),
    )
    .with_help("check the path or the JSONPath expression; a file with no policy in it was not checked")
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
            let diagnostic =
                parse::syntax_error(Span::new(valid, valid + width), "the file is not valid UTF-8")
                    .with_help("JSON text must be UTF-8; re-save the file as UTF-8");
            (text, vec![diagnostic])
        }
    }
}

/// [`decode`] for a file a host kind reads: one in a syntax of its own
/// (Terraform's HCL, YAML) that is not UTF-8 gets `invalid-syntax`, as any
/// other syntax error in it would; a JSON host keeps `invalid-json`.
pub fn decode_host(name: &str, bytes: Vec<u8>) -> (String, Vec<Diagnostic>) {
    let (text, mut found) = decode(bytes);
    if matches!(Syntax::of(name), Some(Syntax::Hcl | Syntax::Yaml)) {
        for d in &mut found {
            d.rule = Rule::InvalidSyntax;
            d.help = Some("Terraform and YAML files must be UTF-8; re-save the file as UTF-8".into());
        }
    }
    (text, found)
}

/// Runs the checks on one parsed document whose spans index into `text`.
/// `exact_text` says the root's span in `text` is the document exactly as
/// RAM receives it (not a tree lowered from YAML or HCL), so it can be measured.
/// `declared` is what the host says the document is (a session or control
/// policy), which its content does not show.
/// Returns the services its actions name that have no operation table.
/// A check whose rules are all off in `settings` does not run.
pub fn check_document(
    root: &Node<'_>,
    text: &str,
    options: &LintOptions,
    settings: &RuleSettings,
    (exact_text, declared): (bool, Option<PolicyKind>),
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    match Policy::from_root(root) {
        Some(mut policy) => {
            if let Some(kind) = declared {
                policy.kind = kind;
            }
            let cx = Context {
                text,
                options,
                settings,
                exact_text,
            };
            checks::run(&policy, &cx, out);
            checks::unchecked_services(&policy)
        }
        None => {
            out.push(
                Diagnostic::new(
                    Rule::InvalidDocument,
                    root.span,
                    format!(
                        "a policy document must be a JSON object, found {}",
                        root.type_name()
                    ),
                )
                .with_help("write {\"Version\": \"1\", \"Statement\": [...]}"),
            );
            Vec::new()
        }
    }
}

/// Applies rule settings, fills in element paths and sorts into output order.
pub fn finalize(diagnostics: &mut Vec<Diagnostic>, root: Option<&Node<'_>>, settings: &RuleSettings) {
    diagnostics.retain_mut(|d| match settings.severity(d.rule) {
        Some(severity) => {
            d.severity = if d.uncertain && severity.reaches(Severity::SecurityWarning) {
                Severity::Warning
            } else {
                severity
            };
            true
        }
        None => false,
    });
    // Findings in a host file's documents already carry their path.
    for d in diagnostics.iter_mut().filter(|d| d.path.is_none()) {
        if d.rule != Rule::IoError {
            d.path = Some(root.map_or_else(|| "$".to_string(), |root| normalized_path(root, d.span)));
        }
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
    .diagnostics
}

/// Checks the policies a file that is no policy holds by their shape
/// (`embedded::shaped_documents`), keeping their statements in `outline`
/// when given; `None` when it holds none, so the caller says it holds no
/// policy. Returns how many, and the services without an
/// operation table. `exact_text`: the file is JSON, whose documents are
/// measured as RAM receives them.
pub fn check_shaped(
    root: &Node<'_>,
    text: &str,
    exact_text: bool,
    (options, settings): (&LintOptions, &RuleSettings),
    mut outline: Option<&mut Outline>,
    out: &mut Vec<Diagnostic>,
) -> Option<(usize, Vec<String>)> {
    let found = shaped_documents(root);
    if found.is_empty() {
        return None;
    }
    let mut unchecked = Vec::new();
    for document in &found {
        if let Some(outline) = outline.as_deref_mut() {
            outline.document(document, &|span| span);
        }
        unchecked.extend(check_document(
            document,
            text,
            options,
            settings,
            (exact_text, None),
            out,
        ));
    }
    finalize(out, Some(root), settings);
    Some((found.len(), unchecked))
}
