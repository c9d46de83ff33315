//! `simulate` reports: the human view (decision line, miette snippets of the
//! deciding statements, every other statement with its reason) and the
//! versioned JSON document described in docs/simulate.md.
//! Everything taken from policies, names and requests is escaped
//! ([`crate::report::escape`]), as in lint output.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic as MietteDiagnostic, LabeledSpan, SourceCode};
use serde::Serialize;

use super::api::Response;
use super::eval::{is_deciding, Decision, StatementResult};
use super::{FileStatus, PolicyFile, Simulation};
use crate::core::{LineIndex, Span};
use crate::report::escape::{self, Shown};
use crate::report::human::{handler, links_to, render, shown_diagnostic, IndexedSource};
use crate::report::json::{json_span, JsonSpan};
use crate::report::{Printed, Style};

/// Bumped on any incompatible change to the JSON document's shape.
pub const SCHEMA_VERSION: u32 = 1;

/// The one-line verdict, such as "allow: ens:CreateImage on `*` is allowed by 1 statement".
pub fn decision_line(sim: &Simulation) -> String {
    let deciding = sim
        .results
        .iter()
        .filter(|r| is_deciding(r, sim.decision))
        .count();
    let statements = if deciding == 1 { "statement" } else { "statements" };
    let what = if sim.evaluated_resource == sim.request.resource {
        format!("{} on `{}`", sim.request.action, sim.request.resource)
    } else {
        format!(
            "{} on `{}` (evaluated on `{}`)",
            sim.request.action, sim.request.resource, sim.evaluated_resource
        )
    };
    match sim.decision {
        Decision::Allow => format!("allow: {what} is allowed by {deciding} {statements}"),
        Decision::ExplicitDeny => {
            format!("explicit-deny: {what} is denied by {deciding} Deny {statements}")
        }
        Decision::ImplicitDeny => {
            format!("implicit-deny: {what} is not allowed: no Allow statement applies")
        }
    }
}

/// Where a statement is, as `file:line:column`.
fn location(file: &PolicyFile, index: &LineIndex, span: Span) -> String {
    let at = index.line_column(&file.text, span.start);
    format!("{}:{}:{}", file.name, at.line, at.column)
}

/// One line index per file, built once: a file may hold many statements.
fn line_indexes(files: &[PolicyFile]) -> Vec<LineIndex> {
    files.iter().map(|f| LineIndex::new(&f.text)).collect()
}

/// A simulation as each format prints it ([`crate::report::print`]).
impl Printed for Simulation {
    fn human(&self, style: Style, out: &mut dyn Write) -> io::Result<()> {
        human(self, style, out)
    }

    fn json(&self) -> Option<io::Result<String>> {
        Some(json(self))
    }
}

/// The findings of the documents that make a simulation impossible.
pub struct Unusable<'a>(pub &'a [PolicyFile]);

impl Printed for Unusable<'_> {
    fn human(&self, style: Style, out: &mut dyn Write) -> io::Result<()> {
        write_unusable(self.0, style, out)
    }
}

/// A condition that cannot be evaluated, at its place in `file`.
pub struct Unevaluable<'a> {
    pub file: &'a PolicyFile,
    pub span: Span,
    pub message: &'a str,
}

impl Printed for Unevaluable<'_> {
    fn human(&self, style: Style, out: &mut dyn Write) -> io::Result<()> {
        write_evaluation_error(self.file, self.span, self.message, style, out)
    }
}

fn human(sim: &Simulation, style: Style, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", escape::text(&decision_line(sim)))?;
    let handler = handler(style);
    let mut rendered = String::new();
    for result in sim.results.iter().filter(|r| is_deciding(r, sim.decision)) {
        let file = &sim.files[result.file];
        let shown = Shown::new(&file.text);
        let name = escape::text(&file.name);
        let source = IndexedSource::escaped(&name, &shown);
        rendered.clear();
        let spans = std::iter::once(result.reason_span).chain(result.evidence.iter().map(|(span, _)| *span));
        // miette cannot draw a span far into a long line (minified JSON):
        // the location is given instead.
        let drawable = source.can_show_spans(spans.map(|span| shown.span(span)));
        let snippet = Snippet {
            result,
            reason: escape::text(&result.reason),
            source: &source,
            shown: &shown,
            denied: sim.decision == Decision::ExplicitDeny,
            drawable,
        };
        if handler.render_report(&mut rendered, &snippet).is_err() {
            rendered.push_str(&format!("{snippet}: {}\n", snippet.reason));
        }
        if !drawable {
            let at = source.file_line_column(shown.span(result.reason_span).start);
            rendered.push_str(&format!(
                "  at {name}:{}:{} (the line is too long to show)\n",
                at.line, at.column
            ));
        }
        writeln!(out)?;
        out.write_all(rendered.as_bytes())?;
    }
    let others: Vec<&StatementResult> = sim
        .results
        .iter()
        .filter(|r| !is_deciding(r, sim.decision))
        .collect();
    if !others.is_empty() {
        writeln!(out, "\nOther statements:")?;
        let indexes = line_indexes(&sim.files);
        for r in others {
            let file = &sim.files[r.file];
            let verdict = if r.applies {
                "applies, but an explicit Deny overrides it"
            } else {
                "does not apply"
            };
            let line = format!(
                "  {} statement {} ({}): {verdict}: {}",
                location(file, &indexes[r.file], r.span),
                r.index,
                r.effect.as_str(),
                r.reason
            );
            writeln!(out, "{}", escape::text(&line))?;
        }
    }
    let skipped: Vec<(&PolicyFile, &String)> = sim
        .files
        .iter()
        .filter_map(|f| match &f.status {
            FileStatus::Skipped(why) => Some((f, why)),
            _ => None,
        })
        .collect();
    if !skipped.is_empty() {
        writeln!(out, "\nSkipped:")?;
        for (file, why) in skipped {
            writeln!(out, "  {}", escape::text(&format!("{}: {why}", file.name)))?;
        }
    }
    if !sim.notes.is_empty() {
        writeln!(out)?;
        for note in &sim.notes {
            writeln!(out, "note: {}", escape::text(note))?;
        }
    }
    if let Some(call) = &sim.call {
        writeln!(out, "\nRequest, checked against the {}:", call.spec.provenance())?;
        if call.check.is_valid() {
            writeln!(out, "  valid")?;
        }
        for e in &call.check.errors {
            writeln!(
                out,
                "  {}",
                escape::text(&format!("error {}: {}", e.code, e.detail))
            )?;
        }
        for w in &call.check.warnings {
            writeln!(out, "  warning: {}", escape::text(w))?;
        }
        writeln!(
            out,
            "\nSimulated response (HTTP {}):\n{}",
            call.response.http_status(),
            escape::json(serde_json::to_string_pretty(&call.response).map_err(io::Error::other)?)
        )?;
    }
    Ok(())
}

/// A deciding statement as a miette report: the Effect labelled "allowed
/// here" or "denied here", with the matching Action, Resource and Condition.
struct Snippet<'a, S> {
    result: &'a StatementResult,
    /// The result's reason, escaped.
    reason: std::borrow::Cow<'a, str>,
    source: &'a S,
    /// Where the file's spans are in the text `source` shows.
    shown: &'a Shown<'a>,
    denied: bool,
    /// Whether the spans can be drawn in a snippet.
    drawable: bool,
}

impl<S> fmt::Debug for Snippet<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.result, f)
    }
}

impl<S> fmt::Display for Snippet<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.result;
        write!(f, "statement {} ({}) applies", r.index, r.effect.as_str())
    }
}

impl<S> std::error::Error for Snippet<'_, S> {}

impl<S: SourceCode> MietteDiagnostic for Snippet<'_, S> {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.reason))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.denied {
            miette::Severity::Error
        } else {
            miette::Severity::Advice
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.drawable.then_some(self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.drawable {
            return None;
        }
        let r = self.result;
        let here = if self.denied {
            "denied here"
        } else {
            "allowed here"
        };
        let reason_span = self.shown.span(r.reason_span);
        let primary = LabeledSpan::new_primary_with_span(
            Some(here.to_string()),
            (reason_span.start, reason_span.len()),
        );
        let evidence = r.evidence.iter().map(|(span, label)| {
            let span = self.shown.span(*span);
            LabeledSpan::new_with_span(Some(escape::text(label).into_owned()), (span.start, span.len()))
        });
        Some(Box::new(std::iter::once(primary).chain(evidence)))
    }
}

/// Findings of unusable documents, rendered like `policy-check` lint output.
fn write_unusable(files: &[PolicyFile], style: Style, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(style);
    let mut rendered = String::new();
    let mut count = 0;
    for file in files {
        let FileStatus::Unusable(diagnostics) = &file.status else {
            continue;
        };
        count += 1;
        let shown = Shown::new(&file.text);
        let name = escape::text(&file.name);
        let source = IndexedSource::escaped(&name, &shown);
        for d in diagnostics {
            rendered.clear();
            render(
                &handler,
                &shown_diagnostic(d, &shown),
                &source,
                links_to(style),
                &mut rendered,
            );
            out.write_all(rendered.as_bytes())?;
        }
    }
    writeln!(
        out,
        "policy-check: cannot simulate: {count} {} unusable (fix the errors above, or leave the {} out)",
        if count == 1 { "policy is" } else { "policies are" },
        if count == 1 { "file" } else { "files" },
    )
}

/// A condition that cannot be evaluated, shown at its place in the policy.
fn write_evaluation_error(
    file: &PolicyFile,
    span: Span,
    message: &str,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown = Shown::new(&file.text);
    let source = miette::NamedSource::new(escape::text(&file.name), shown.text().to_string());
    let message = escape::text(message);
    let at = shown.span(span);
    let report = miette::MietteDiagnostic::new(format!("cannot evaluate a condition: {message}"))
        .with_severity(miette::Severity::Error)
        .with_label(LabeledSpan::new_primary_with_span(
            Some("here".to_string()),
            (at.start, at.len()),
        ));
    let mut rendered = String::new();
    let report = miette::Report::new(report).with_source_code(source);
    if handler(style)
        .render_report(&mut rendered, report.as_ref())
        .is_err()
    {
        rendered = format!(
            "{}: cannot evaluate a condition: {message}\n",
            escape::text(&location(file, &LineIndex::new(&file.text), span))
        );
    }
    out.write_all(rendered.as_bytes())
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    action: &'a str,
    resource: &'a str,
    /// `*` for an operation without resource-level authorization.
    evaluated_resource: &'a str,
    context: BTreeMap<&'a str, &'a [String]>,
    decision: &'static str,
    statements: Vec<JsonStatement<'a>>,
    skipped: Vec<JsonSkipped<'a>>,
    missing_context: &'a [String],
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<JsonRequest<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<&'a Response>,
}

#[derive(Serialize)]
struct JsonStatement<'a> {
    file: &'a str,
    index: usize,
    effect: &'static str,
    applies: bool,
    deciding: bool,
    reason: &'a str,
    span: JsonSpan,
    reason_span: JsonSpan,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    file: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonRequest<'a> {
    valid: bool,
    errors: Vec<JsonParameterError<'a>>,
    warnings: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonParameterError<'a> {
    #[serde(rename = "parameter")]
    parameter: &'a str,
    http_status: u16,
    code: &'a str,
    message: &'a str,
    #[serde(rename = "detail")]
    detail: &'a str,
}

fn json(sim: &Simulation) -> io::Result<String> {
    let indexes = line_indexes(&sim.files);
    let statements = sim
        .results
        .iter()
        .map(|r| {
            let file = &sim.files[r.file];
            let index = &indexes[r.file];
            JsonStatement {
                file: &file.name,
                index: r.index,
                effect: r.effect.as_str(),
                applies: r.applies,
                deciding: is_deciding(r, sim.decision),
                reason: &r.reason,
                span: json_span(index, &file.text, r.span),
                reason_span: json_span(index, &file.text, r.reason_span),
            }
        })
        .collect();
    let skipped = sim
        .files
        .iter()
        .filter_map(|f| match &f.status {
            FileStatus::Skipped(reason) => Some(JsonSkipped {
                file: &f.name,
                reason,
            }),
            _ => None,
        })
        .collect();
    let request = sim.call.as_ref().map(|call| JsonRequest {
        valid: call.check.is_valid(),
        errors: call
            .check
            .errors
            .iter()
            .map(|e| JsonParameterError {
                parameter: &e.parameter,
                http_status: e.http_status,
                code: &e.code,
                message: &e.message,
                detail: &e.detail,
            })
            .collect(),
        warnings: &call.check.warnings,
    });
    let document = Document {
        version: SCHEMA_VERSION,
        action: &sim.request.action,
        resource: &sim.request.resource,
        evaluated_resource: &sim.evaluated_resource,
        context: sim
            .request
            .context
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect(),
        decision: sim.decision.as_str(),
        statements,
        skipped,
        missing_context: &sim.missing_context,
        notes: &sim.notes,
        request,
        response: sim.call.as_ref().map(|call| &call.response),
    };
    serde_json::to_string_pretty(&document).map_err(io::Error::other)
}
