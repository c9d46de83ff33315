//! Stage 4: reporters. They alone turn byte spans into lines and columns and
//! decide how findings look; they see finished [`FileReport`]s only. Each
//! file is rendered on its own (in the worker that linted it), so output can
//! stream and a file's text is dropped as soon as its findings are written.

pub mod config_error;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::FileReport;
use crate::rules::Rule;
use crate::source::{LineColumn, LineIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with source snippets, and a summary line
    Human,
    /// one JSON document (schema in the README)
    Json,
    /// one `path:line:col: severity[rule-id] message` line per finding
    Short,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

/// How the terminal the output goes to should be treated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub links: bool,
}

/// The run's counts, accumulated file by file as output streams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files linted (walked non-policies are not counted).
    pub files: usize,
    pub files_with_findings: usize,
    /// Findings per severity, in [`Severity::ALL`] order.
    pub by_severity: [usize; 4],
    /// Files that could not be read.
    pub io_errors: usize,
}

impl Totals {
    fn add_file(&mut self, report: &FileReport) {
        self.files += 1;
        if !report.diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        for d in &report.diagnostics {
            self.by_severity[Severity::ALL.iter().position(|s| *s == d.severity).unwrap_or(0)] += 1;
        }
        if report.diagnostics.iter().any(|d| d.rule == Rule::IoError) {
            self.io_errors += 1;
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.files += other.files;
        self.files_with_findings += other.files_with_findings;
        self.io_errors += other.io_errors;
        for (sum, n) in self.by_severity.iter_mut().zip(other.by_severity) {
            *sum += n;
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.by_severity[Severity::ALL.iter().position(|s| *s == severity).unwrap_or(0)]
    }
}

/// One file's contribution to the output, prepared in a worker thread so the
/// file's text and findings can be dropped before the next files are read.
pub struct Rendered {
    /// Output text for formats that print file by file.
    text: String,
    /// The report itself, for formats that need the whole run (SARIF's rule
    /// table lists the rules that appear anywhere).
    kept: Option<FileReport>,
    totals: Totals,
}

/// Renders files for one output format; shared by the worker threads.
pub struct Renderer {
    format: Format,
    handler: miette::GraphicalReportHandler,
    /// Where rule ids link to in human output.
    docs: Option<&'static str>,
}

impl Renderer {
    pub fn new(format: Format, style: Style) -> Self {
        Renderer {
            format,
            handler: human::handler(style),
            docs: human::links_to(style),
        }
    }

    /// Prepares one file's output, consuming its report.
    pub fn render(&self, report: FileReport) -> Rendered {
        let mut totals = Totals::default();
        totals.add_file(&report);
        let (text, kept) = match self.format {
            Format::Human => (human::render_file(&self.handler, &report, self.docs), None),
            Format::Json => (json::render_file(&report), None),
            Format::Short => (short::render_file(&report), None),
            Format::Github => (github::render_file(&report), None),
            Format::Sarif => (String::new(), Some(report)),
        };
        Rendered { text, kept, totals }
    }
}

/// Writes rendered files in the order they are pushed, then the totals.
pub struct Stream<'w> {
    format: Format,
    out: &'w mut dyn Write,
    totals: Totals,
    kept: Vec<FileReport>,
}

impl<'w> Stream<'w> {
    pub fn start(renderer: &Renderer, out: &'w mut dyn Write) -> io::Result<Self> {
        if renderer.format == Format::Json {
            json::write_start(out)?;
        }
        Ok(Stream {
            format: renderer.format,
            out,
            totals: Totals::default(),
            kept: Vec::new(),
        })
    }

    pub fn push(&mut self, rendered: Rendered) -> io::Result<()> {
        if self.format == Format::Json && !rendered.text.is_empty() && self.totals.files_with_findings > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(rendered.text.as_bytes())?;
        self.totals.merge(&rendered.totals);
        self.kept.extend(rendered.kept);
        Ok(())
    }

    /// Writes what comes after the files (summary, closing brackets).
    pub fn finish(self) -> io::Result<Totals> {
        let totals = self.totals;
        match self.format {
            Format::Human | Format::Github => writeln!(self.out, "{}", human::summary(&totals))?,
            Format::Json => json::write_end(&totals, self.out)?,
            Format::Sarif => sarif::write(&self.kept, self.out)?,
            Format::Short => {}
        }
        Ok(totals)
    }
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
        stream.push(renderer.render(report.clone()))?;
    }
    stream.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

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
        }
    }

    fn human(style: Style, docs: Option<&'static str>) -> String {
        let renderer = Renderer {
            docs,
            ..Renderer::new(Format::Human, style)
        };
        renderer.render(report()).text
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
        assert_eq!(Renderer::new(Format::Human, off).docs, None);
        let on = Style {
            links: true,
            ..Style::default()
        };
        assert_eq!(Renderer::new(Format::Human, on).docs, crate::rule_docs::PUBLISHED);
        let base = "https://example.invalid/docs/rules.md";
        let not_a_terminal = Renderer {
            docs: Some(base),
            ..Renderer::new(Format::Human, off)
        };
        assert!(!not_a_terminal.render(report()).text.contains("example.invalid"));
    }
}
