//! `--format json`: one versioned JSON document, documented in docs/formats.md.

use std::io::{self, Write};

use serde::Serialize;

use super::escape::push_json_string;
use super::{RunFacts, Totals};
use crate::core::FileReport;
use crate::core::Severity;
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

/// Opens the document. The totals come after the findings, so findings can
/// be written as each file is done instead of being held for the whole run.
pub(crate) fn write_start(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{{\"version\":{SCHEMA_VERSION},\"diagnostics\":[")
}

/// One file's findings as JSON objects separated by commas, fields in the
/// order docs/formats.md lists them. Written by hand rather than through
/// serde: this is most of the work of a run with many findings.
pub(crate) fn render_file(report: &FileReport) -> String {
    if report.diagnostics.is_empty() {
        return String::new();
    }
    // About what one finding takes, so a file with many findings is not
    // copied again at every doubling.
    let each = 512 + report.name.len();
    let mut out = String::with_capacity(report.diagnostics.len().saturating_mul(each));
    let index = LineIndex::new(&report.text);
    let span = |out: &mut String, span: Span| write_span(out, &json_span(&index, &report.text, span));
    for (i, d) in report.diagnostics.iter().enumerate() {
        out.push_str(if i > 0 { ",{\"file\":" } else { "{\"file\":" });
        push_json_string(&mut out, &report.name);
        out.push_str(",\"rule\":");
        push_json_string(&mut out, d.rule.id());
        out.push_str(",\"severity\":");
        push_json_string(&mut out, d.severity.as_str());
        out.push_str(",\"message\":");
        push_json_string(&mut out, &d.message);
        for (key, value) in [("help", &d.help), ("document", &d.document), ("path", &d.path)] {
            out.push_str(",\"");
            out.push_str(key);
            out.push_str("\":");
            push_optional(&mut out, value.as_deref());
        }
        out.push_str(",\"span\":");
        span(&mut out, d.span);
        out.push_str(",\"labels\":[");
        for (i, label) in d.labels.iter().enumerate() {
            out.push_str(if i > 0 { ",{\"message\":" } else { "{\"message\":" });
            push_json_string(&mut out, &label.message);
            out.push_str(",\"span\":");
            span(&mut out, label.span);
            out.push('}');
        }
        out.push_str("],\"fix\":");
        match &d.fix {
            None => out.push_str("null"),
            Some(fix) => {
                out.push_str("{\"applicability\":");
                push_json_string(&mut out, fix.applicability.as_str());
                out.push_str(",\"message\":");
                push_json_string(&mut out, &fix.message);
                out.push_str(",\"edits\":[");
                for (i, edit) in fix.edits.iter().enumerate() {
                    out.push_str(if i > 0 { ",{\"offset\":" } else { "{\"offset\":" });
                    push_number(&mut out, edit.span.start);
                    out.push_str(",\"length\":");
                    push_number(&mut out, edit.span.len());
                    out.push_str(",\"content\":");
                    push_json_string(&mut out, &edit.content);
                    out.push('}');
                }
                out.push_str("]}");
            }
        }
        out.push('}');
    }
    out
}

fn push_optional(out: &mut String, value: Option<&str>) {
    match value {
        Some(value) => push_json_string(out, value),
        None => out.push_str("null"),
    }
}

fn write_span(out: &mut String, span: &JsonSpan) {
    for (key, number) in [
        ("{\"offset\":", span.offset),
        (",\"length\":", span.length),
        (",\"start\":{\"line\":", span.start.line),
        (",\"column\":", span.start.column),
        ("},\"end\":{\"line\":", span.end.line),
        (",\"column\":", span.end.column),
    ] {
        out.push_str(key);
        push_number(out, number);
    }
    out.push_str("}}");
}

/// `number` in decimal, without the formatting machinery: a run with many
/// findings writes six of these per span.
fn push_number(out: &mut String, number: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
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
