//! Stage 4: reporters. They alone turn byte spans into lines and columns and
//! decide how findings look; they see finished [`FileReport`]s only. Each
//! file is rendered on its own (in the worker that linted it), so output can
//! stream and a file's text is dropped as soon as its findings are written.

pub(crate) mod config_error;
mod emitter;
pub mod escape;
mod github;
mod gitlab;
pub(crate) mod human;
pub(crate) mod json;
mod junit;
mod sarif;
pub(crate) mod settings;
mod short;

use std::io::{self, Write};

pub use emitter::DocumentFormat;
pub(crate) use emitter::{print, Lines, Printed};

use crate::config::ConfigSummary;
use crate::core::Applicability;
use crate::core::Rule;
use crate::core::{Diagnostic, Severity};
use crate::core::{FileReport, Outcome};
use crate::core::{LineColumn, LineIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with source snippets, and a summary line
    Human,
    /// one JSON document (schema in docs/formats.md)
    Json,
    /// one `path:line:col: severity[rule-id] message` line per finding
    Short,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report (JSON), for `artifacts:reports:codequality`
    Gitlab,
    /// JUnit XML, one failed test case per finding
    Junit,
}

/// How the terminal the output goes to should be treated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub links: bool,
}

/// The run's counts, accumulated file by file as output streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Files linted (skipped, excluded and unreadable ones are not counted).
    pub files: usize,
    pub files_with_findings: usize,
    /// Findings per severity, in [`Severity::ALL`] order.
    pub by_severity: [usize; 4],
    /// Findings at or above their file's `fail-on` threshold, per severity.
    pub blocking: [usize; 4],
    /// Findings per rule, in [`Rule::ALL`] order (for `--statistics`).
    pub by_rule: Vec<usize>,
    /// Files found by walking that hold no policy.
    pub skipped: usize,
    /// Files found by walking that the configuration excludes.
    pub excluded: usize,
    /// Files that could not be read.
    pub io_errors: usize,
    /// Folders the walk left out (hidden, or reached through a link).
    pub left_out: usize,
    /// Values a host computes (known only at deployment) or a document
    /// it holds that could not be read: not checked.
    pub unknown_values: usize,
    /// Services whose actions were not checked (no operation table), sorted.
    pub unchecked_services: std::collections::BTreeSet<String>,
    /// Findings with a safe fix, and with an unsafe one.
    pub fixable_safe: usize,
    pub fixable_unsafe: usize,
    /// Fixes `--fix` applied (or `--diff` would apply).
    pub fixed: usize,
    /// Findings hidden by suppressions, and by the baseline.
    pub suppressed: usize,
    pub baselined: usize,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            files: 0,
            files_with_findings: 0,
            by_severity: [0; 4],
            blocking: [0; 4],
            by_rule: vec![0; Rule::ALL.len()],
            skipped: 0,
            excluded: 0,
            io_errors: 0,
            left_out: 0,
            unknown_values: 0,
            unchecked_services: std::collections::BTreeSet::new(),
            fixable_safe: 0,
            fixable_unsafe: 0,
            fixed: 0,
            suppressed: 0,
            baselined: 0,
        }
    }
}

fn severity_slot(severity: Severity) -> usize {
    Severity::ALL.iter().position(|s| *s == severity).unwrap_or(0)
}

impl Totals {
    fn add_file(&mut self, report: &FileReport, fail_on: Severity) {
        match report.outcome {
            Outcome::Linted { unknown, .. } => {
                self.files += 1;
                self.unknown_values += unknown;
            }
            Outcome::Skipped(_) => self.skipped += 1,
            Outcome::Excluded(_) => self.excluded += 1,
            Outcome::Unreadable => self.io_errors += 1,
        }
        self.unchecked_services
            .extend(report.unchecked_services.iter().cloned());
        self.suppressed += report.suppressed;
        self.baselined += report.baselined;
        if !report.diagnostics.is_empty() && matches!(report.outcome, Outcome::Linted { .. }) {
            self.files_with_findings += 1;
        }
        for d in &report.diagnostics {
            self.by_severity[severity_slot(d.severity)] += 1;
            if d.severity.reaches(fail_on) {
                self.blocking[severity_slot(d.severity)] += 1;
            }
            self.by_rule[d.rule as usize] += 1;
            match d.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => self.fixable_safe += 1,
                Some(Applicability::Unsafe) => self.fixable_unsafe += 1,
                Some(Applicability::DisplayOnly) | None => {}
            }
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.files += other.files;
        self.files_with_findings += other.files_with_findings;
        self.io_errors += other.io_errors;
        self.left_out += other.left_out;
        self.unknown_values += other.unknown_values;
        self.skipped += other.skipped;
        self.excluded += other.excluded;
        self.fixable_safe += other.fixable_safe;
        self.fixable_unsafe += other.fixable_unsafe;
        self.fixed += other.fixed;
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.unchecked_services
            .extend(other.unchecked_services.iter().cloned());
        for (sum, n) in self.by_severity.iter_mut().zip(other.by_severity) {
            *sum += n;
        }
        for (sum, n) in self.blocking.iter_mut().zip(other.blocking) {
            *sum += n;
        }
        for (sum, n) in self.by_rule.iter_mut().zip(&other.by_rule) {
            *sum += n;
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.by_severity[severity_slot(severity)]
    }

    /// Findings that fail the run.
    pub fn blocking_count(&self) -> usize {
        self.blocking.iter().sum()
    }

    /// The severities of the blocking findings, most severe first.
    pub fn blocking_severities(&self) -> Vec<Severity> {
        Severity::ALL
            .into_iter()
            .zip(self.blocking)
            .filter(|(_, n)| *n > 0)
            .map(|(s, _)| s)
            .collect()
    }
}

/// Facts about the whole run that the summary reports besides the counts.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    /// Every configuration file applied, with what it changes.
    pub configs: Vec<ConfigSummary>,
    /// `--unsafe-fixes` was given: unsafe fixes count as fixable.
    pub unsafe_fixes: bool,
    /// The baseline compared against or written, if any.
    pub baseline: Option<crate::baseline::BaselineFacts>,
    /// `--show-files`: the run lists its inputs and fails on no finding, so
    /// the summary must not call any "blocking".
    pub listing: bool,
}

/// One file's contribution to the output, prepared in a worker thread so the
/// file's text and findings can be dropped before the next files are read.
pub struct Rendered {
    /// The file's output text.
    text: String,
    totals: Totals,
}

impl Rendered {
    /// Records that `--fix` applied `fixes` fixes to this file.
    pub fn with_fixed(mut self, fixes: usize) -> Self {
        self.totals.fixed += fixes;
        self
    }

    /// Prints `text` for this file instead of its findings (`--diff`).
    pub fn with_text(mut self, text: String) -> Self {
        self.text = text;
        self
    }
}

/// What the run prints for each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The findings, in the output format.
    Findings,
    /// `--show-files`: one line per input saying what was done with it.
    Files,
    /// `--statistics`: nothing per file; a count per rule at the end.
    Statistics,
}

/// Renders files for one output format; shared by the worker threads.
pub struct Renderer {
    format: Format,
    style: Style,
    mode: Mode,
    emitter: Box<dyn emitter::Emitter>,
}

impl Renderer {
    pub fn new(format: Format, style: Style) -> Self {
        Renderer::with_mode(format, Mode::Findings, style)
    }

    pub fn with_mode(format: Format, mode: Mode, style: Style) -> Self {
        Renderer {
            format,
            style,
            mode,
            emitter: emitter::for_format(format, style, false),
        }
    }

    /// Marks unsafe fixes fixable in human output, as `--unsafe-fixes` does.
    pub fn with_unsafe_fixes(mut self, unsafe_fixes: bool) -> Self {
        self.emitter = emitter::for_format(self.format, self.style, unsafe_fixes);
        self
    }

    /// Prepares one file's output, consuming its report; findings at or
    /// above `fail_on` count as blocking.
    pub fn render(&self, report: FileReport, fail_on: Severity) -> Rendered {
        let mut totals = Totals::default();
        totals.add_file(&report, fail_on);
        let text = match self.mode {
            Mode::Files => file_line(&report),
            Mode::Statistics => String::new(),
            Mode::Findings => self.emitter.file(report),
        };
        Rendered { text, totals }
    }
}

/// A walked file or folder left out: listed by `--show-files` only. What an
/// ignore file leaves out counts in no total; a folder the walk itself
/// leaves out (hidden, or a link) counts in [`Totals::left_out`], so the
/// summary says a module there was not read.
pub fn ignored_line(name: &str, reason: &str, left_out: bool, listing: bool) -> Rendered {
    let line = format!(
        "{name}: {} ({reason})",
        if left_out { "left out" } else { "ignored" }
    );
    let totals = Totals {
        left_out: usize::from(left_out),
        ..Totals::default()
    };
    Rendered {
        text: if listing {
            format!("{}\n", escape::lines(&escape::text(&line)))
        } else {
            String::new()
        },
        totals,
    }
}

/// `--show-files`: `name: linted (1 document, 2 findings)`, escaped as a
/// whole (name and reasons come from the file system and the file).
fn file_line(report: &FileReport) -> String {
    let plural = crate::core::text::count;
    let what = match &report.outcome {
        Outcome::Linted { documents, unknown } => {
            let mut parts = vec![
                plural(*documents, "policy document"),
                plural(report.diagnostics.len(), "finding"),
            ];
            if *unknown > 0 {
                parts.push(format!(
                    "{} not known until deployment",
                    plural(*unknown, "value")
                ));
            }
            if report.suppressed > 0 {
                parts.push(format!("{} suppressed", report.suppressed));
            }
            if report.baselined > 0 {
                parts.push(format!("{} in the baseline", report.baselined));
            }
            format!("linted ({})", parts.join(", "))
        }
        Outcome::Skipped(reason) => format!("skipped ({reason})"),
        Outcome::Excluded(reason) => format!("excluded ({reason})"),
        Outcome::Unreadable => {
            let reason = report.diagnostics.first().map_or("", |d| d.message.as_str());
            format!("not read ({reason})")
        }
    };
    let line = format!("{}: {what}", report.name);
    format!("{}\n", escape::lines(&escape::text(&line)))
}

/// Writes rendered files in the order they are pushed, then the totals.
pub struct Stream<'w> {
    emitter: &'w dyn emitter::Emitter,
    mode: Mode,
    out: &'w mut dyn Write,
    totals: Totals,
    /// Whether a file's findings were written, so the next needs the
    /// format's separator.
    wrote: bool,
}

impl<'w> Stream<'w> {
    pub fn start(renderer: &'w Renderer, out: &'w mut dyn Write) -> io::Result<Self> {
        if renderer.mode == Mode::Findings {
            renderer.emitter.start(out)?;
        }
        Ok(Stream {
            emitter: renderer.emitter.as_ref(),
            mode: renderer.mode,
            out,
            totals: Totals::default(),
            wrote: false,
        })
    }

    pub fn push(&mut self, rendered: Rendered) -> io::Result<()> {
        if self.mode == Mode::Findings && !rendered.text.is_empty() {
            if self.wrote {
                self.out.write_all(self.emitter.separator().as_bytes())?;
            }
            self.wrote = true;
        }
        self.out.write_all(rendered.text.as_bytes())?;
        self.totals.merge(&rendered.totals);
        Ok(())
    }

    /// Writes what comes after the files (summary, closing brackets);
    /// `quiet` leaves out the human summary.
    pub fn finish(self, run: &RunFacts, quiet: bool) -> io::Result<Totals> {
        let totals = self.totals;
        match self.mode {
            Mode::Findings => self.emitter.finish(&totals, run, quiet, self.out)?,
            Mode::Statistics => {
                self.emitter.statistics(&totals, self.out)?;
                self.emitter.summary(&totals, run, quiet, self.out)?;
            }
            Mode::Files => self.emitter.summary(&totals, run, quiet, self.out)?,
        }
        Ok(totals)
    }
}

/// `--statistics`: `    12  redundant-action`, most frequent first.
pub(crate) fn write_statistics(totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
    for (rule, count) in statistics(totals) {
        writeln!(out, "{count:>6}  {}", rule.id())?;
    }
    Ok(())
}

/// Rules with findings and their counts, most frequent first, then by id.
pub(crate) fn statistics(totals: &Totals) -> Vec<(Rule, usize)> {
    let mut rows: Vec<(Rule, usize)> = Rule::ALL
        .iter()
        .zip(&totals.by_rule)
        .filter(|(_, n)| **n > 0)
        .map(|(rule, n)| (*rule, *n))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id().cmp(b.0.id())));
    rows
}

/// Each finding of a file with its start and end line and column, for the
/// line-oriented formats.
pub(crate) fn located(report: &FileReport) -> impl Iterator<Item = (&Diagnostic, LineColumn, LineColumn)> {
    let index = (!report.diagnostics.is_empty()).then(|| LineIndex::new(&report.text));
    report.diagnostics.iter().filter_map(move |d| {
        let index = index.as_ref()?;
        Some((
            d,
            index.line_column(&report.text, d.span.start),
            index.line_column(&report.text, d.span.end),
        ))
    })
}

/// Writes finished reports in one format: the streaming path, for callers
/// that already hold every report.
pub fn write(
    format: Format,
    reports: &[FileReport],
    style: Style,
    out: &mut dyn Write,
) -> io::Result<Totals> {
    let renderer = Renderer::new(format, style);
    let mut stream = Stream::start(&renderer, out)?;
    for report in reports {
        stream.push(renderer.render(report.clone(), crate::workspace::settings::DEFAULT_FAIL_ON))?;
    }
    stream.finish(&RunFacts::default(), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;

    fn report() -> FileReport {
        let text = r#"{"Version": "1", "Statement": [{"Effect": "allow"}]}"#;
        FileReport {
            name: "p.json".into(),
            diagnostics: vec![Diagnostic::new(
                Rule::InvalidEffect,
                Span::new(42, 49),
                "bad effect",
            )],
            text: text.into(),
            outcome: crate::core::Outcome::Linted {
                documents: 1,
                unknown: 0,
            },
            unchecked_services: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }

    fn human(style: Style, docs: Option<&'static str>) -> String {
        let mut human = emitter::Human::new(style, false);
        human.docs = docs;
        emitter::Emitter::file(&human, report())
    }

    /// On a terminal the rule id is an OSC 8 hyperlink to its section of
    /// the rule reference, and nothing else of the output changes.
    #[test]
    fn rule_ids_link_to_their_docs_on_a_terminal() {
        let base = "https://example.invalid/policy-check/blob/main/docs/rules.md";
        let style = Style {
            links: true,
            ..Style::default()
        };
        let linked = human(style, Some(base));
        let link = format!("\u{1b}]8;;{base}#invalid-effect\u{1b}\\error[invalid-effect] \u{1b}]8;;\u{1b}\\");
        assert!(linked.contains(&link), "{linked:?}");
        let plain = human(Style::default(), None);
        assert!(!plain.contains('\u{1b}') && !plain.contains("http"), "{plain:?}");
        assert_eq!(linked.replace(&link, "error[invalid-effect]"), plain);
    }

    /// Off a terminal there is no link, and the address is not printed as
    /// text either; and the link target is what this build publishes.
    #[test]
    fn links_follow_the_style_and_the_published_docs() {
        let off = Style::default();
        assert_eq!(emitter::Human::new(off, false).docs, None);
        let on = Style {
            links: true,
            ..Style::default()
        };
        assert_eq!(emitter::Human::new(on, false).docs, crate::rule_docs::PUBLISHED);
        let base = "https://example.invalid/docs/rules.md";
        assert!(!human(off, Some(base)).contains("example.invalid"));
    }
}
