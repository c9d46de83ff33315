//! `--format json`: one versioned JSON document, documented in the README.

use std::io::{self, Write};

use serde::Serialize;

use super::count_by_severity;
use crate::diagnostic::Diagnostic;
use crate::lint::FileReport;
use crate::source::{LineIndex, Span};

/// Bumped on any incompatible change to the document's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: usize,
    summary: Summary,
    diagnostics: Diagnostics<'a>,
}

/// Serialized straight from the reports, one finding at a time, so a run
/// with tens of thousands of findings does not hold them all a second time.
struct Diagnostics<'a>(&'a [FileReport]);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .filter(|report| !report.diagnostics.is_empty())
                .flat_map(|report| {
                    let index = LineIndex::new(&report.text);
                    report
                        .diagnostics
                        .iter()
                        .map(move |d| json_diagnostic(&index, report, d))
                }),
        )
    }
}

#[derive(Serialize)]
struct Summary {
    error: usize,
    #[serde(rename = "security-warning")]
    security_warning: usize,
    warning: usize,
    suggestion: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    span: JsonSpan,
    labels: Vec<JsonLabel<'a>>,
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
        path: &d.path,
        span: json_span(index, &report.text, d.span),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: &l.message,
                span: json_span(index, &report.text, l.span),
            })
            .collect(),
    }
}

pub fn write(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let [error, security_warning, warning, suggestion] = count_by_severity(reports);
    let document = Document {
        version: SCHEMA_VERSION,
        files: reports.len(),
        summary: Summary {
            error,
            security_warning,
            warning,
            suggestion,
        },
        diagnostics: Diagnostics(reports),
    };
    serde_json::to_writer(&mut *out, &document).map_err(io::Error::other)?;
    writeln!(out)
}
