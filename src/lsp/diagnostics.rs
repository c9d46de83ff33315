//! Linting an open document as the command line would lint the file (its
//! nearest `policy-check.toml`, its host kind, its suppressions), and turning findings into
//! LSP diagnostics: rule id as `code`, severity mapped, labels as related
//! information, ranges in the negotiated encoding.

use std::path::{Path, PathBuf};

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::config;
use crate::core::Origin;
use crate::core::{date, Date};
use crate::core::{Diagnostic, Severity};
use crate::embedded::Selected;
use crate::engine;
use crate::host::outline::Outline;
use crate::workspace::read::{format_size, DEFAULT_MAX_FILE_SIZE};
use crate::workspace::settings::{ConfigSource, LoadError, Overrides, Workspace};

use super::documents::{file_uri, Document, Encoding, Text};

/// The `source` every diagnostic carries.
pub(super) const SOURCE: &str = "policy-check";

/// A configuration file that could not be used, with where to show it.
#[derive(Debug)]
pub(super) struct ConfigProblem {
    /// The TOML file's URI when it is known, else the document's.
    pub uri: Uri,
    pub diagnostic: lsp_types::Diagnostic,
}

/// What linting one document gives.
#[derive(Debug, Default)]
pub(super) struct Linted {
    pub findings: Vec<Diagnostic>,
    /// Diagnostics with no finding behind them (a document too large to lint).
    pub notes: Vec<lsp_types::Diagnostic>,
    pub config_problems: Vec<ConfigProblem>,
    /// The text with its safe fixes applied, when asked for and different.
    pub fixed: Option<String>,
    /// What hover and code actions need of the documents, as the engine
    /// read them (empty when the document was not linted).
    pub outline: Outline,
}

/// A fresh set of configuration lookups, rooted at `root`: rebuilt whenever
/// a `policy-check.toml` changes, so nothing stale is cached.
pub(super) fn workspace(root: &Path) -> Workspace {
    // Discovery cannot fail up front: files are read by `resolve`.
    Workspace::new(root, ConfigSource::Discover, Overrides::default())
        .unwrap_or_else(|_| unreachable!("discovered configuration is loaded lazily"))
}

/// Whether `path` is a configuration file (whose diagnostics are ours to
/// publish, not a document's).
pub(super) fn is_config(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == config::FILE_NAME)
}

/// Lints `doc` with the settings of its file. A file the configuration
/// excludes, or one that holds no policy, gets no findings: an editor shows
/// every JSON and YAML file, and most are not policies.
pub(super) fn lint(doc: &Document, workspace: &mut Workspace, encoding: Encoding) -> Linted {
    analyze(doc, workspace, encoding, false)
}

/// [`lint`], and with `fix` the document's safe fixes applied as `--fix`
/// applies them (the engine's fix loop): `fixed` is then the fixed text,
/// when it differs.
pub(super) fn analyze(doc: &Document, workspace: &mut Workspace, encoding: Encoding, fix: bool) -> Linted {
    let mut linted = Linted::default();
    if doc.text.text.len() as u64 > DEFAULT_MAX_FILE_SIZE {
        linted.notes.push(lsp_types::Diagnostic {
            range: doc.text.range(crate::core::Span::new(0, 0), encoding),
            severity: Some(DiagnosticSeverity::INFORMATION),
            source: Some(SOURCE.into()),
            message: format!(
                "not linted: the document is larger than {}, the command line's default --max-file-size",
                format_size(DEFAULT_MAX_FILE_SIZE)
            ),
            ..Default::default()
        });
        return linted;
    }
    let path = doc.path.clone().unwrap_or_else(|| PathBuf::from(&doc.name));
    if doc.path.is_some() {
        for error in workspace.resolve([path.as_path()]) {
            linted
                .config_problems
                .push(config_problem(error, &path, &doc.uri, encoding));
        }
    }
    let settings = workspace.for_path(&path);
    if !settings.selects(Origin::Walked, true) {
        return linted;
    }
    let (options, rules) = settings.lint_settings();
    // An open `.tf` file sees its module's other files as saved on disk.
    let module = doc
        .path
        .as_deref()
        .and_then(|path| {
            crate::workspace::read::terraform_module(path, crate::workspace::read::DEFAULT_MAX_FILE_SIZE)
        })
        .map(|(_, module)| module);
    // As the command line does: `[[suppress]]` entries and comments hide
    // what they cover, and a comment that hides nothing is reported.
    let analysis = engine::analyze(
        engine::Input {
            name: doc.name.clone(),
            bytes: doc.text.text.as_bytes().to_vec(),
            origin: Origin::Walked,
        },
        &engine::Settings {
            options,
            rules,
            module: module.as_ref(),
            plain: false,
            suppressions: settings.suppressions(today()),
            jsonpath: settings
                .config_jsonpath()
                .map(|query| (query, Selected::ByConfig)),
            baseline: None,
            fix: fix.then_some(false),
            write: None,
            outline: !fix,
        },
    );
    linted.findings = analysis.report.diagnostics;
    linted.fixed = analysis.fixed.map(|fixed| fixed.after);
    linted.outline = analysis.outline.unwrap_or_default();
    linted
}

/// The date expiring suppressions are compared with: `POLICY_CHECK_TODAY`
/// when it holds one, as for the command line, else today (UTC).
fn today() -> Date {
    date::today().unwrap_or_else(|_| Date::today_utc())
}

/// A configuration that failed to load, as a diagnostic in the TOML file
/// itself (or on the document when the file cannot be named).
fn config_problem(error: LoadError, document: &Path, doc_uri: &Uri, encoding: Encoding) -> ConfigProblem {
    let fallback = "; the documents under it are linted with the built-in defaults until it is fixed";
    match error {
        LoadError::Invalid { text, error, .. } => {
            let text = Text::new(text);
            let uri = nearest_config(document)
                .and_then(|p| file_uri(&p))
                .unwrap_or_else(|| doc_uri.clone());
            ConfigProblem {
                uri,
                diagnostic: lsp_types::Diagnostic {
                    range: text.range(error.span, encoding),
                    severity: Some(DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("invalid-configuration".into())),
                    source: Some(SOURCE.into()),
                    message: format!("{}{fallback}", error.message),
                    ..Default::default()
                },
            }
        }
        LoadError::Io(message) => ConfigProblem {
            uri: doc_uri.clone(),
            diagnostic: lsp_types::Diagnostic {
                range: Default::default(),
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String("invalid-configuration".into())),
                source: Some(SOURCE.into()),
                message: format!("{message}{fallback}"),
                ..Default::default()
            },
        },
    }
}

/// The nearest `policy-check.toml` above `document`, as discovery finds it.
pub(super) fn nearest_config(document: &Path) -> Option<PathBuf> {
    document
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(config::FILE_NAME))
        .find(|candidate| std::fs::symlink_metadata(candidate).is_ok())
}

/// The LSP severity of a finding: security warnings are shown as errors,
/// as the command line fails on them by default.
pub(super) fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error | Severity::SecurityWarning => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Suggestion => DiagnosticSeverity::HINT,
    }
}

/// One finding as an LSP diagnostic of the document `uri` with text `text`.
pub(super) fn to_lsp(
    finding: &Diagnostic,
    uri: &Uri,
    text: &Text,
    encoding: Encoding,
) -> lsp_types::Diagnostic {
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), text.range(label.span, encoding)),
            message: label.message.clone(),
        })
        .collect();
    let href = crate::rule_docs::PUBLISHED
        .and_then(|base| crate::rule_docs::url(base, finding.rule).parse().ok())
        .map(|href| CodeDescription { href });
    lsp_types::Diagnostic {
        range: text.range(finding.span, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.id().into())),
        code_description: href,
        source: Some(SOURCE.into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Rule;
    use crate::core::Span;

    #[test]
    fn severities_map_as_documented() {
        assert_eq!(severity(Severity::Error), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::SecurityWarning), DiagnosticSeverity::ERROR);
        assert_eq!(severity(Severity::Warning), DiagnosticSeverity::WARNING);
        assert_eq!(severity(Severity::Suggestion), DiagnosticSeverity::HINT);
    }

    #[test]
    fn labels_become_related_information() {
        let text = Text::new("{\"Effect\": \"allow\"}".to_string());
        let uri: Uri = "file:///p.json".parse().unwrap();
        let finding = Diagnostic::new(Rule::InvalidEffect, Span::new(11, 18), "bad")
            .with_help("write Allow")
            .with_label(Span::new(1, 9), "here");
        let lsp = to_lsp(&finding, &uri, &text, Encoding::Utf16);
        assert_eq!(lsp.code, Some(NumberOrString::String("invalid-effect".into())));
        assert_eq!(lsp.message, "bad\nhelp: write Allow");
        let related = lsp.related_information.unwrap();
        assert_eq!(related[0].location.range.start.character, 1);
        assert_eq!(related[0].message, "here");
    }
}
