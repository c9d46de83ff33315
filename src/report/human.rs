//! `--format human`: miette graphical reports, then a one-line summary.
//! Names, messages and snippets are escaped first ([`super::escape`]).
//!
//! miette's own `SourceCode` for strings rescans the file from its start for
//! every label, which is quadratic on large files with many findings;
//! [`IndexedSource`] answers the same questions from a line index.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::escape::{self, Shown};
use super::{RunFacts, Style, Totals};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::lint::{FileReport, Outcome};
use crate::rules::Rule;
use crate::source::LineIndex;

/// Width reports are wrapped at; fixed so output does not depend on the terminal.
const WIDTH: usize = 100;

/// Findings further than this many bytes into their line (minified JSON) are
/// shown without a snippet: miette pads up to a label's column with a format
/// width, which panics past 65,535, and rescans the line for every label.
const MAX_SNIPPET_COLUMN: usize = 10_000;

/// Every finding of one file, rendered against its source; with `docs` (the
/// address of the rule reference, see [`links_to`]) each rule id links to
/// its section.
/// A finding `--fix` would fix (with `unsafe_fixes`, also by an unsafe fix)
/// is marked `[*]` after its rule id, as ruff marks them.
pub fn render_file(
    handler: &GraphicalReportHandler,
    report: &FileReport,
    docs: Option<&str>,
    unsafe_fixes: bool,
) -> String {
    let mut rendered = String::new();
    if report.diagnostics.is_empty() {
        return rendered;
    }
    let shown = Shown::new(&report.text);
    let name = escape::text(&report.name);
    let source = IndexedSource::escaped(&name, &shown);
    for d in &report.diagnostics {
        let mut d = shown_diagnostic(d, &shown);
        if d.fix.as_ref().is_some_and(|fix| fix.applies(unsafe_fixes)) {
            d.message = format!("[*] {}", d.message);
        }
        if report.outcome == Outcome::Unreadable {
            // Nothing was read, so there is no snippet to show.
            let adapter = Adapter {
                diagnostic: &d,
                source: &source,
                snippet: false,
                docs,
            };
            if handler.render_report(&mut rendered, &adapter).is_err() {
                rendered.push_str(&format!("{}[{}]: {}\n", d.severity, d.rule, d.message));
            }
            rendered.push('\n');
        } else if source.can_show(&d) {
            render(handler, &d, &source, docs, &mut rendered);
        } else {
            render_without_snippet(handler, &d, &source, docs, &mut rendered);
        }
    }
    match escape::lines(&rendered) {
        std::borrow::Cow::Borrowed(_) => rendered,
        std::borrow::Cow::Owned(guarded) => guarded,
    }
}

/// `d` as it is drawn against `shown`: its spans moved onto the shown text
/// and its message, help and labels escaped.
pub fn shown_diagnostic(d: &Diagnostic, shown: &Shown<'_>) -> Diagnostic {
    Diagnostic {
        message: escape::text(&d.message).into_owned(),
        help: d.help.as_deref().map(|h| escape::text(h).into_owned()),
        span: shown.span(d.span),
        labels: d
            .labels
            .iter()
            .map(|l| Label {
                span: shown.span(l.span),
                message: escape::text(&l.message).into_owned(),
            })
            .collect(),
        ..d.clone()
    }
}

pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Without links miette would print a diagnostic's URL as text after
    // the rule id; with them the rule id alone is the link text.
    GraphicalReportHandler::new_themed(theme)
        .with_links(style.links)
        .with_urls(style.links)
        .with_link_display_text("")
        .with_width(WIDTH)
}

/// Where rule ids link to under `style`: the published rule reference on a
/// terminal, nothing elsewhere or when none is published.
pub fn links_to(style: Style) -> Option<&'static str> {
    crate::rule_docs::PUBLISHED.filter(|_| style.links)
}

/// Renders one diagnostic against its file into `out`.
pub fn render<S: SourceCode>(
    handler: &GraphicalReportHandler,
    d: &Diagnostic,
    source: &S,
    docs: Option<&str>,
    out: &mut String,
) {
    let adapter = Adapter {
        diagnostic: d,
        source,
        snippet: true,
        docs,
    };
    if handler.render_report(out, &adapter).is_err() {
        // A span the source cannot show: fall back to the message alone.
        out.push_str(&format!("{}[{}]: {}\n", d.severity, d.rule, d.message));
    }
    out.push('\n');
}

/// Renders one diagnostic with its location instead of a source snippet.
fn render_without_snippet(
    handler: &GraphicalReportHandler,
    d: &Diagnostic,
    source: &IndexedSource<'_>,
    docs: Option<&str>,
    out: &mut String,
) {
    let adapter = Adapter {
        diagnostic: d,
        source,
        snippet: false,
        docs,
    };
    if handler.render_report(out, &adapter).is_err() {
        out.push_str(&format!("{}[{}]: {}\n", d.severity, d.rule, d.message));
    }
    let at = source.file_line_column(d.span.start);
    out.push_str(&format!(
        "  at {}:{}:{} (the line is too long to show)\n\n",
        source.name, at.line, at.column
    ));
}

/// "Found 3 problems (2 errors, 1 warning) in 2 of 5 files; 2 blocking
/// (error)." then what was passed over, then the configuration applied.
pub fn summary(totals: &Totals, run: &RunFacts) -> String {
    let total: usize = totals.by_severity.iter().sum();
    let noun = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    // Unreadable files are said on their own line below.
    let unread = totals.by_rule[Rule::IoError as usize];
    let mut out = if total == unread && unread > 0 {
        format!("Linted {}.", noun(totals.files, "file"))
    } else if total == 0 {
        format!("No problems found in {}.", noun(totals.files, "file"))
    } else {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .zip(totals.by_severity)
            .filter(|(_, n)| *n > 0)
            .map(|(severity, n)| noun(n, severity.as_str()))
            .collect();
        let blocking = totals.blocking_severities();
        let blocking = if blocking.is_empty() {
            "none blocking".to_string()
        } else {
            let names: Vec<&str> = blocking.iter().map(|s| s.as_str()).collect();
            format!("{} blocking ({})", totals.blocking_count(), names.join(", "))
        };
        format!(
            "Found {} ({}) in {} of {}; {blocking}.",
            noun(total, "problem"),
            parts.join(", "),
            totals.files_with_findings,
            noun(totals.files, "file"),
        )
    };
    if totals.fixed > 0 {
        out = format!("Fixed {}.\n{out}", noun(totals.fixed, "problem"));
    }
    out.push_str(&fixable_line(totals, run.unsafe_fixes));
    let mut passed_over = Vec::new();
    if totals.skipped > 0 {
        let verb = if totals.skipped == 1 { "holds" } else { "hold" };
        passed_over.push(format!(
            "skipped {} that {verb} no policy",
            noun(totals.skipped, "file")
        ));
    }
    if totals.excluded > 0 {
        passed_over.push(format!(
            "excluded {} by configuration",
            noun(totals.excluded, "file")
        ));
    }
    if totals.io_errors > 0 {
        passed_over.push(format!("{} could not be read", noun(totals.io_errors, "file")));
    }
    if !passed_over.is_empty() {
        let mut line = passed_over.join("; ");
        if let Some(first) = line.get(..1) {
            line = first.to_uppercase() + &line[1..];
        }
        out.push_str(&format!("\n{line}."));
    }
    if !totals.unchecked_services.is_empty() {
        let names: Vec<&str> = totals.unchecked_services.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "\nNot checked: actions of {} (no operation table).",
            names.join(", ")
        ));
    }
    for config in &run.configs {
        let effects = config.effects();
        if effects.is_empty() {
            out.push_str(&format!("\nConfiguration: {}.", escape::text(&config.path)));
        } else {
            // Effects quote the configuration's globs and paths.
            out.push_str(&format!(
                "\nConfiguration: {} ({}).",
                escape::text(&config.path),
                escape::text(&effects.join("; "))
            ));
        }
    }
    out
}

/// "[*] 3 fixable with `--fix` (2 more with `--fix --unsafe-fixes`).", or
/// nothing when no finding has a fix.
fn fixable_line(totals: &Totals, unsafe_fixes: bool) -> String {
    let (safe, unsafe_) = (totals.fixable_safe, totals.fixable_unsafe);
    if unsafe_fixes && safe + unsafe_ > 0 {
        return format!("\n[*] {} fixable with `--fix --unsafe-fixes`.", safe + unsafe_);
    }
    match (safe, unsafe_) {
        (0, 0) => String::new(),
        (0, n) => format!("\nNo fixes with `--fix`; {n} with `--fix --unsafe-fixes`."),
        (n, 0) => format!("\n[*] {n} fixable with `--fix`."),
        (n, m) => format!("\n[*] {n} fixable with `--fix` ({m} more with `--fix --unsafe-fixes`)."),
    }
}

struct Adapter<'a, S> {
    diagnostic: &'a Diagnostic,
    source: &'a S,
    snippet: bool,
    /// The rule reference's address, for the rule id's link.
    docs: Option<&'a str>,
}

impl<S> fmt::Debug for Adapter<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl<S> fmt::Display for Adapter<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl<S> std::error::Error for Adapter<'_, S> {}

impl<S: SourceCode> MietteDiagnostic for Adapter<'_, S> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let d = self.diagnostic;
        Some(Box::new(format!("{}[{}]", d.severity, d.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::SecurityWarning | Severity::Warning => miette::Severity::Warning,
            Severity::Suggestion => miette::Severity::Advice,
        })
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let docs = self.docs?;
        Some(Box::new(crate::rule_docs::url(docs, self.diagnostic.rule)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.then_some(self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.snippet {
            return None;
        }
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(None, (d.span.start, d.span.len()));
        let secondary = d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), (l.span.start, l.span.len())));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// A named source text with a line index, implementing miette's
/// [`SourceCode`] in time logarithmic in the file size.
pub struct IndexedSource<'a> {
    name: &'a str,
    text: &'a str,
    index: LineIndex,
    /// When `text` is a file's escaped text: the file, so locations name
    /// the file's own columns.
    file: Option<&'a Shown<'a>>,
}

impl<'a> IndexedSource<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        IndexedSource {
            name,
            text,
            index: LineIndex::new(text),
            file: None,
        }
    }

    /// A file's escaped text; spans drawn against it must be mapped with
    /// [`Shown::span`] (see [`shown_diagnostic`]).
    pub fn escaped(name: &'a str, shown: &'a Shown<'a>) -> Self {
        IndexedSource {
            file: Some(shown),
            ..IndexedSource::new(name, shown.text())
        }
    }
}

impl IndexedSource<'_> {
    fn file_offset(&self, offset: usize) -> usize {
        self.file.map_or(offset, |shown| shown.file_offset(offset))
    }

    /// Line and column in the file of `offset` in the shown text.
    fn file_line_column(&self, offset: usize) -> crate::source::LineColumn {
        let Some(shown) = self.file else {
            return self.index.line_column(self.text, offset);
        };
        let line = self.index.line_of(offset.min(self.text.len()));
        let start = self.file_offset(self.index.line_start(line));
        crate::source::LineColumn {
            line: line + 1,
            column: shown
                .source()
                .get(start..self.file_offset(offset))
                .map_or(0, |before| before.chars().count())
                + 1,
        }
    }

    /// Whether every span of `d` starts and ends near enough to the start of
    /// its line for miette to draw it.
    fn can_show(&self, d: &Diagnostic) -> bool {
        std::iter::once(d.span)
            .chain(d.labels.iter().map(|l| l.span))
            .flat_map(|span| [span.start, span.end])
            .all(|offset| {
                let offset = offset.min(self.text.len());
                offset - self.index.line_start(self.index.line_of(offset)) <= MAX_SNIPPET_COLUMN
            })
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let index = &self.index;
        let first_line = index.line_of(start);
        let last_line = index.line_of(end.saturating_sub(1).max(start));
        let first = first_line.saturating_sub(context_lines_before);
        let last = (last_line + context_lines_after).min(index.line_count() - 1);
        let (data_start, column) = if context_lines_before == 0 {
            // The header's column: where the span starts in the file.
            (
                start,
                self.file_offset(start) - self.file_offset(index.line_start(first_line)),
            )
        } else {
            (index.line_start(first), 0)
        };
        let data_end = if last + 1 < index.line_count() {
            index.line_start(last + 1)
        } else {
            self.text.len()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            first,
            column,
            last + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;
    use crate::source::Span;

    /// Minified JSON puts findings at columns past 65,535, where miette's
    /// padding panics: they are shown with their location instead.
    #[test]
    fn findings_far_into_a_long_line_render_without_a_snippet() {
        let text = format!("[{}\"x\"]", " ".repeat(70_000));
        let report = FileReport {
            name: "min.json".into(),
            diagnostics: vec![
                Diagnostic::new(Rule::InvalidDocument, Span::new(70_001, 70_004), "far")
                    .with_label(Span::new(0, 1), "near"),
                Diagnostic::new(Rule::InvalidDocument, Span::new(0, 1), "near"),
            ],
            text,
            outcome: crate::lint::Outcome::Linted {
                documents: 1,
                unknown: 0,
            },
            unchecked_services: Vec::new(),
        };
        let out = render_file(&handler(Style::default()), &report, None, false);
        assert!(
            out.contains("at min.json:1:70002 (the line is too long to show)"),
            "{out}"
        );
        assert!(
            out.contains("[min.json:1:1]"),
            "the near finding keeps its snippet: {out}"
        );
    }

    /// The indexed source must render exactly as miette's own string source.
    #[test]
    fn indexed_source_renders_like_miettes_string_source() {
        let text = "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\"Effect\": \"allow\"}\n  ]\n}";
        let spans = [
            (0, 1),
            (13, 16),
            (24, 36),
            (24, 60),
            (text.len() - 1, 1),
            (text.len(), 0),
            (52, 59),
        ];
        let handler = handler(Style::default());
        for (start, len) in spans {
            let d = Diagnostic::new(Rule::InvalidEffect, Span::new(start, start + len), "m")
                .with_label(Span::new(3, 12), "label");
            let indexed = IndexedSource::new("p.json", text);
            let mut ours = String::new();
            render(&handler, &d, &indexed, None, &mut ours);

            let named = miette::NamedSource::new("p.json", text.to_string());
            let mut theirs = String::new();
            render(&handler, &d, &named, None, &mut theirs);
            assert_eq!(ours, theirs, "span {start}+{len}");
        }
    }
}
