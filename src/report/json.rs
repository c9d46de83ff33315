//! `--format json`: one versioned JSON document, documented in the README.

use std::io::{self, Write};

use serde::Serialize;

use super::count_by_severity;
use crate::lint::FileReport;
use crate::source::{LineIndex, Span};

/// Bumped on any incompatible change to the document's shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: usize,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
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

pub fn write(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let [error, security_warning, warning, suggestion] = count_by_severity(reports);
    let mut diagnostics = Vec::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&report.text);
        for d in &report.diagnostics {
            diagnostics.push(JsonDiagnostic {
                file: &report.name,
                rule: d.rule.id(),
                severity: d.severity.as_str(),
                message: &d.message,
                help: d.help.as_deref(),
                path: &d.path,
                span: json_span(&index, &report.text, d.span),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        message: &l.message,
                        span: json_span(&index, &report.text, l.span),
                    })
                    .collect(),
            });
        }
    }
    let document = Document {
        version: SCHEMA_VERSION,
        files: reports.len(),
        summary: Summary {
            error,
            security_warning,
            warning,
            suggestion,
        },
        diagnostics,
    };
    serde_json::to_writer(&mut *out, &document).map_err(io::Error::other)?;
    writeln!(out)
}
