//! `--format human`: miette graphical reports, then a one-line summary.
//! Names, messages and snippets are escaped first ([`super::escape`]).
//!
//! miette's own `SourceCode` for strings rescans the file from its start for
//! every label, which is quadratic on large files with many findings;
//! [`IndexedSource`] answers the same questions from a line index.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::escape::{self, Shown};
use super::{RunFacts, Style, Totals};
use crate::core::Rule;
use crate::core::{Diagnostic, Label, Severity};
use crate::core::{FileReport, Outcome};
use crate::core::{LineIndex, Span};

/// Width reports are wrapped at; fixed so output does not depend on the terminal.
const WIDTH: usize = 100;

/// Findings further than this many bytes into their line (minified JSON) are
/// shown without a snippet: miette pads up to a label's column with a format
/// width, which panics past 65,535, and rescans the line for every label.
const MAX_SNIPPET_COLUMN: usize = 10_000;

/// Lines longer than this many bytes (minified JSON, or a hostile one-line
/// file) are shown as windows around the spans on them, as rustc does, so
/// output grows with the findings and not with findings x line length.
const LONG_LINE: usize = 240;

/// Bytes kept on each side of a span's start or end on a long line.
const WINDOW_CONTEXT: usize = 60;

/// What stands for the bytes left out of a long line.
const ELLIPSIS: &str = "...";

/// Every finding of one file, rendered against its source; with `docs` (the
/// address of the rule reference, see [`links_to`]) each rule id links to
/// its section.
/// A finding `--fix` would fix (with `unsafe_fixes`, also by an unsafe fix)
/// is marked `[*]` after its rule id, as ruff marks them.
pub(crate) fn render_file(
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
        } else if let Some(window) = Window::around(&source, &d) {
            // A long line: show windows of it around the spans.
            match window.diagnostic.as_ref().filter(|w| window.source.can_show(w)) {
                Some(windowed) => render(handler, windowed, &window, docs, &mut rendered),
                None => render_without_snippet(handler, &d, &source, docs, &mut rendered),
            }
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
pub(crate) fn shown_diagnostic(d: &Diagnostic, shown: &Shown<'_>) -> Diagnostic {
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

pub(crate) fn handler(style: Style) -> GraphicalReportHandler {
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
pub(crate) fn links_to(style: Style) -> Option<&'static str> {
    crate::rule_docs::PUBLISHED.filter(|_| style.links)
}

/// Renders one diagnostic against its file into `out`.
pub(crate) fn render<S: SourceCode>(
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
pub(crate) fn summary(totals: &Totals, run: &RunFacts) -> String {
    let total: usize = totals.by_severity.iter().sum();
    let noun = crate::core::text::count;
    // Unreadable files are said on their own line below.
    let unread = totals.by_rule[Rule::IoError as usize];
    // Writing a baseline reports no finding: saying "No problems found"
    // before "Wrote 27 findings" would contradict it.
    let recording = run.baseline.as_ref().is_some_and(|b| b.written);
    let mut out = if (total == unread && unread > 0) || (recording && total == 0) {
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
        let blocking = if run.listing {
            // `--show-files` exits 0 on findings: none blocks this run.
            "--show-files lists them and fails on none".to_string()
        } else if blocking.is_empty() {
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
    out.push_str(&passed_over(totals));
    if totals.suppressed > 0 {
        out.push_str(&format!(
            "\nSuppressed {} (by `[[suppress]]` entries and `policy-check: ignore` comments).",
            noun(totals.suppressed, "finding")
        ));
    }
    match &run.baseline {
        Some(baseline) if baseline.written => out.push_str(&format!(
            "\nWrote {} to the baseline {}.",
            noun(totals.baselined, "finding"),
            escape::text(&baseline.file)
        )),
        Some(baseline) => {
            out.push_str(&format!(
                "\nNot reported: {} the baseline {} holds",
                noun(totals.baselined, "finding"),
                escape::text(&baseline.file)
            ));
            if baseline.unmatched > 0 {
                out.push_str(&format!(
                    "; {} of its findings no longer {} (fixed or changed: rewrite it with --write-baseline)",
                    baseline.unmatched,
                    if baseline.unmatched == 1 {
                        "occurs"
                    } else {
                        "occur"
                    }
                ));
            }
            out.push('.');
        }
        None => {}
    }
    if totals.unknown_values > 0 {
        out.push_str(&format!(
            "\nNot checked: {} the host computes or that could not be read (--show-files lists where).",
            crate::core::text::count(totals.unknown_values, "value")
        ));
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
pub(crate) struct IndexedSource<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    index: LineIndex,
    /// When `text` is a file's escaped text: the file, so locations name
    /// the file's own columns.
    file: Option<&'a Shown<'a>>,
}

impl<'a> IndexedSource<'a> {
    pub(crate) fn new(name: &'a str, text: &'a str) -> Self {
        IndexedSource::owned(name, Cow::Borrowed(text))
    }

    fn owned(name: &'a str, text: Cow<'a, str>) -> Self {
        IndexedSource {
            name,
            index: LineIndex::new(&text),
            text,
            file: None,
        }
    }

    /// A file's escaped text; spans drawn against it must be mapped with
    /// [`Shown::span`] (see [`shown_diagnostic`]).
    pub(crate) fn escaped(name: &'a str, shown: &'a Shown<'a>) -> Self {
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
    pub(crate) fn file_line_column(&self, offset: usize) -> crate::core::LineColumn {
        let Some(shown) = self.file else {
            return self.index.line_column(&self.text, offset);
        };
        let line = self.index.line_of(offset.min(self.text.len()));
        let start = self.file_offset(self.index.line_start(line));
        crate::core::LineColumn {
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
        self.can_show_spans(std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)))
    }

    /// Whether every span (into the shown text) starts and ends near enough
    /// to the start of its line for miette to draw it.
    pub(crate) fn can_show_spans(&self, spans: impl IntoIterator<Item = Span>) -> bool {
        spans
            .into_iter()
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

/// The lines around one diagnostic with each long line cut down to windows
/// around the spans on it, and the diagnostic with its spans moved into
/// that text. To miette it reads like the file itself: line numbers, and the
/// column of the header, are the file's.
struct Window<'a> {
    source: IndexedSource<'a>,
    /// The file's line number of the window's first line.
    first_line: usize,
    /// Each span end in the window, with its column (bytes) in the file.
    columns: Vec<(usize, usize)>,
    diagnostic: Option<Diagnostic>,
}

impl<'a> Window<'a> {
    /// The window for `d` (drawn against `source`), when a line it would show is long.
    fn around(source: &IndexedSource<'a>, d: &Diagnostic) -> Option<Window<'a>> {
        let (text, index) = (source.text.as_ref(), &source.index);
        let spans: Vec<Span> = std::iter::once(d.span)
            .chain(d.labels.iter().map(|l| l.span))
            .collect();
        if spans.iter().any(|s| s.end > text.len() || s.start > s.end) {
            return None;
        }
        let first = spans
            .iter()
            .map(|s| index.line_of(s.start))
            .min()?
            .saturating_sub(1);
        let last = spans
            .iter()
            .map(|s| index.line_of(s.end))
            .max()?
            .saturating_add(1)
            .min(index.line_count() - 1);
        let long = |line: usize| index.line_end(text, line) - index.line_start(line) > LONG_LINE;
        if !(first..=last).any(long) {
            return None;
        }
        let mut points: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        points.sort_unstable();
        points.dedup();
        let mut window = String::new();
        // Each kept piece of the text: where it starts and ends there, and
        // where it starts in the window.
        let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
        for line in first..=last {
            let (start, end) = (index.line_start(line), index.line_end(text, line));
            let next = if line + 1 < index.line_count() {
                index.line_start(line + 1)
            } else {
                text.len()
            };
            let kept = if end - start <= LONG_LINE {
                vec![(start, next)]
            } else {
                let mut on_line: Vec<usize> = points
                    .iter()
                    .copied()
                    .filter(|&p| start <= p && p <= end)
                    .collect();
                if on_line.is_empty() {
                    // A context line, or one inside a long span: its start.
                    on_line.push(start);
                }
                let mut kept: Vec<(usize, usize)> = Vec::new();
                for p in on_line {
                    let from = floor(text, p.saturating_sub(WINDOW_CONTEXT).max(start));
                    let to = ceil(text, (p + WINDOW_CONTEXT).min(end));
                    match kept.last_mut() {
                        Some(last) if from <= last.1 + ELLIPSIS.len() => last.1 = last.1.max(to),
                        _ => kept.push((from, to)),
                    }
                }
                // The line break stays as it was.
                if let Some(last) = kept.last_mut() {
                    if last.1 == end {
                        last.1 = next;
                    }
                }
                kept
            };
            let mut at = start;
            for (from, to) in kept {
                if from > at {
                    window.push_str(ELLIPSIS);
                }
                pieces.push((from, to, window.len()));
                window.push_str(&text[from..to]);
                at = to;
            }
            if at < next {
                window.push_str(ELLIPSIS);
                window.push_str(&text[end..next]);
            }
        }
        let place = |p: usize| {
            pieces
                .iter()
                .find(|(from, to, _)| *from <= p && p <= *to)
                .map(|(from, _, at)| at + (p - from))
        };
        let moved = |s: Span| Some(Span::new(place(s.start)?, place(s.end)?));
        let diagnostic = (|| {
            let mut moved_d = d.clone();
            moved_d.span = moved(d.span)?;
            for label in &mut moved_d.labels {
                label.span = moved(label.span)?;
            }
            Some(moved_d)
        })();
        let columns = points
            .iter()
            .filter_map(|&p| {
                let line_start = index.line_start(index.line_of(p));
                Some((place(p)?, source.file_offset(p) - source.file_offset(line_start)))
            })
            .collect();
        Some(Window {
            source: IndexedSource::owned(source.name, Cow::Owned(window)),
            first_line: first,
            columns,
            diagnostic,
        })
    }
}

impl SourceCode for Window<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .source
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = match context_lines_before {
            // The header's column: the file's.
            0 => self
                .columns
                .iter()
                .find(|(at, _)| *at == span.offset())
                .map_or(contents.column(), |(_, column)| *column),
            _ => contents.column(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.source.name.to_string(),
            contents.data(),
            *contents.span(),
            contents.line() + self.first_line,
            column,
            contents.line_count() + self.first_line,
        )))
    }
}

/// `offset` moved back, or forward, to a character boundary of `text`.
fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The summary's line on what was not linted: files that hold no policy,
/// excluded or unreadable, and folders the walk left out; empty when none.
fn passed_over(totals: &Totals) -> String {
    let noun = crate::core::text::count;
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
    if totals.left_out > 0 {
        passed_over.push(format!(
            "left out {} (hidden, or a link; --show-files lists them)",
            noun(totals.left_out, "folder")
        ));
    }
    if !passed_over.is_empty() {
        let mut line = passed_over.join("; ");
        if let Some(first) = line.get(..1) {
            line = first.to_uppercase() + &line[1..];
        }
        return format!("\n{line}.");
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Rule;
    use crate::core::Span;

    fn one_line(text: String, diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport {
            name: "min.json".into(),
            diagnostics,
            text,
            outcome: crate::core::Outcome::Linted {
                documents: 1,
                unknown: 0,
            },
            unchecked_services: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }

    /// Minified JSON puts findings at columns past 65,535, where miette's
    /// padding panics: they are shown in a window of their line, with the
    /// real line and column, and `...` for what is left out.
    #[test]
    fn findings_far_into_a_long_line_show_a_window_of_it() {
        let text = format!("[{}\"x\"{}]", " ".repeat(70_000), " ".repeat(500));
        let report = one_line(
            text,
            vec![
                Diagnostic::new(Rule::InvalidDocument, Span::new(70_001, 70_004), "far")
                    .with_label(Span::new(0, 1), "near"),
                Diagnostic::new(Rule::InvalidDocument, Span::new(0, 1), "near"),
            ],
        );
        let out = render_file(&handler(Style::default()), &report, None, false);
        assert!(out.contains("[min.json:1:70002]"), "{out}");
        assert!(
            out.contains(&format!(
                " 1 │ [{}...{}\"x\"{}...\n",
                " ".repeat(60),
                " ".repeat(60),
                " ".repeat(60)
            )),
            "{out}"
        );
        assert!(
            out.contains("[min.json:1:1]"),
            "the near finding keeps its snippet: {out}"
        );
        assert!(out.lines().all(|l| l.len() < 400), "{out}");
    }

    /// Output grows with the findings, not with findings x line length.
    #[test]
    fn output_on_a_long_line_is_bounded_per_finding() {
        let statement = r#"{"Effect":"allow","Action":"ens:CreateImage","Resource":"*"},"#;
        let render = |n: usize| {
            let text = format!("[{}]", statement.repeat(n));
            let diagnostics = (0..n)
                .map(|i| {
                    let at = 1 + i * statement.len() + 10;
                    Diagnostic::new(Rule::InvalidEffect, Span::new(at, at + 7), "lower case")
                })
                .collect();
            render_file(
                &handler(Style::default()),
                &one_line(text, diagnostics),
                None,
                false,
            )
            .len()
        };
        let (small, large) = (render(100), render(1000));
        // Ten times the findings on a ten times longer line: ten times the output, not a hundred.
        assert!(large < small * 11, "{small} -> {large}");
        assert!(large / 1000 < 1000, "{large} bytes for 1000 findings");
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
