//! `--format json`: one versioned JSON document, documented in docs/formats.md.

use std::io::{self, Write};

use serde::Serialize;

use super::{RunFacts, Totals};
use crate::core::FileReport;
use crate::core::{Diagnostic, Severity};
use crate::core::{LineIndex, Span};

/// Bumped on any incompatible change to the document's shape.
/// 2: `path` is the element's path inside its policy document (for an
/// embedded policy it was the path in the host file), and `document` says
/// where that document sits in the host (`null` for a plain policy file).
/// (Adding `fix` to each finding is compatible: no bump.)
pub(crate) const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Summary {
    error: usize,
    #[serde(rename = "security-warning")]
    security_warning: usize,
    warning: usize,
    suggestion: usize,
    /// Findings at or above their file's `fail-on` threshold.
    blocking: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    document: Option<&'a str>,
    /// `null` for a file that could not be read.
    path: Option<&'a str>,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
    /// `null` when the tool knows no fix.
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// Byte offset and length into the host file, and the text that replaces them.
#[derive(Serialize)]
struct JsonEdit<'a> {
    offset: usize,
    length: usize,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    span: JsonSpan,
}

#[derive(Serialize)]
pub(crate) struct JsonSpan {
    offset: usize,
    length: usize,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

pub(crate) fn json_span(index: &LineIndex, text: &str, span: Span) -> JsonSpan {
    let start = index.line_column(text, span.start);
    let end = index.line_column(text, span.end);
    JsonSpan {
        offset: span.start,
        length: span.len(),
        start: Position {
            line: start.line,
            column: start.column,
        },
        end: Position {
            line: end.line,
            column: end.column,
        },
    }
}

fn json_diagnostic<'a>(index: &LineIndex, report: &'a FileReport, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        file: &report.name,
        rule: d.rule.id(),
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        document: d.document.as_deref(),
        path: d.path.as_deref(),
        span: json_span(index, &report.text, d.span),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: &l.message,
                span: json_span(index, &report.text, l.span),
            })
            .collect(),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    offset: e.span.start,
                    length: e.span.len(),
                    content: &e.content,
                })
                .collect(),
        }),
    }
}

/// Opens the document. The totals come after the findings, so findings can
/// be written as each file is done instead of being held for the whole run.
pub(crate) fn write_start(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{{\"version\":{SCHEMA_VERSION},\"diagnostics\":[")
}

/// One file's findings as JSON objects separated by commas.
pub(crate) fn render_file(report: &FileReport) -> String {
    if report.diagnostics.is_empty() {
        return String::new();
    }
    // About what one finding takes, so a file with many findings is not
    // copied again at every doubling.
    let each = 512 + report.name.len();
    let mut out = Vec::with_capacity(report.diagnostics.len().saturating_mul(each));
    let index = LineIndex::new(&report.text);
    for (i, d) in report.diagnostics.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Serializing plain structs into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &json_diagnostic(&index, report, d));
    }
    super::escape::json(String::from_utf8(out).unwrap_or_default())
}

/// Closes the document with the run's totals.
pub(crate) fn write_end(totals: &Totals, run: &RunFacts, out: &mut dyn Write) -> io::Result<()> {
    let summary = Summary {
        error: totals.count(Severity::Error),
        security_warning: totals.count(Severity::SecurityWarning),
        warning: totals.count(Severity::Warning),
        suggestion: totals.count(Severity::Suggestion),
        blocking: totals.blocking_count(),
    };
    write!(
        out,
        "],\"files\":{},\"skipped\":{},\"excluded\":{},\"unreadable\":{},\"summary\":",
        totals.files, totals.skipped, totals.excluded, totals.io_errors
    )?;
    serde_json::to_writer(&mut *out, &summary).map_err(io::Error::other)?;
    write!(out, ",\"unchecked_services\":")?;
    serde_json::to_writer(&mut *out, &totals.unchecked_services).map_err(io::Error::other)?;
    write!(
        out,
        ",\"suppressed\":{},\"baselined\":{},\"baseline\":",
        totals.suppressed, totals.baselined
    )?;
    let baseline = serde_json::to_string(&run.baseline).map_err(io::Error::other)?;
    out.write_all(super::escape::json(baseline).as_bytes())?;
    write!(out, ",\"configs\":")?;
    let configs = serde_json::to_string(&run.configs).map_err(io::Error::other)?;
    out.write_all(super::escape::json(configs).as_bytes())?;
    writeln!(out, "}}")
}

/// `--statistics --format json`: `[{"rule": ..., "count": ...}]`, most frequent first.
pub(crate) fn write_statistics(totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Row {
        rule: &'static str,
        count: usize,
    }
    let rows: Vec<Row> = super::statistics(totals)
        .into_iter()
        .map(|(rule, count)| Row {
            rule: rule.id(),
            count,
        })
        .collect();
    serde_json::to_writer(&mut *out, &rows).map_err(io::Error::other)?;
    writeln!(out)
}
