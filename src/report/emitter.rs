//! The seam every printed byte goes through: one [`Emitter`] per format,
//! and [`for_format`], the one place a [`Format`] is matched. A new format
//! is one file beside this one and one row there. A lint run streams file
//! reports through it; `simulate`, `test`, `diff` and their errors hand it a
//! [`Printed`] result whole ([`print`]). Each emitter applies its format's
//! last escaping guard, so no caller writes to the output itself.

use std::io::{self, Write};

use super::{
    escape, github, gitlab, human, json, junit, sarif, short, write_statistics, Format, RunFacts, Style,
    Totals,
};
use crate::core::FileReport;

/// One output format of a lint run. Files are rendered one by one in the
/// workers ([`Emitter::file`]); [`super::Stream`] writes them in order, with
/// what comes before, between and after.
pub(crate) trait Emitter: Send + Sync {
    /// Written before the first file's findings.
    fn start(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// One file's findings as text.
    fn file(&self, report: FileReport) -> String;

    /// Written between two files' findings that are not empty.
    fn separator(&self) -> &'static str {
        ""
    }

    /// Written after the files' findings; `quiet` leaves out a summary.
    fn finish(&self, totals: &Totals, run: &RunFacts, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        self.summary(totals, run, quiet, out)
    }

    /// Written after a listing that replaces the findings (`--show-files`,
    /// `--statistics`).
    fn summary(&self, totals: &Totals, run: &RunFacts, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        if quiet {
            return Ok(());
        }
        writeln!(out, "{}", human::summary(totals, run))
    }

    /// `--statistics`: a count per rule.
    fn statistics(&self, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        write_statistics(totals, out)
    }

    /// A result printed whole, as line-based text with the lines guard
    /// ([`escape::lines`]) applied.
    fn document(&self, printed: &dyn Printed, style: Style, out: &mut dyn Write) -> io::Result<()> {
        let mut text = Vec::new();
        printed.human(style, &mut text)?;
        out.write_all(escape::lines(&String::from_utf8_lossy(&text)).as_bytes())
    }
}

/// A result a command other than the lint prints whole (`simulate`'s
/// verdict, `test`'s cases, `diff`'s new access, their errors): what each
/// format makes of it. Values taken from inputs are escaped as they are
/// placed ([`escape::text`]); the emitter adds its format's last guard.
pub(crate) trait Printed {
    /// Line-based text for a reader.
    fn human(&self, style: Style, out: &mut dyn Write) -> io::Result<()>;

    /// The JSON document, serialized; `None` when the result has no JSON
    /// form (it is then printed as text).
    fn json(&self) -> Option<io::Result<String>> {
        None
    }
}

/// Lines of plain text (a usage error, a summary): printed as they are,
/// through the lines guard.
pub(crate) struct Lines<'a>(pub(crate) &'a str);

impl Printed for Lines<'_> {
    fn human(&self, _style: Style, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.0.as_bytes())
    }
}

/// `--format` of the commands that print one result (`simulate`, `diff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentFormat {
    /// Text for a reader
    Human,
    /// One JSON document (its schema is in the command's docs)
    Json,
}

/// Prints `printed` in `format` through its emitter.
pub(crate) fn print(
    printed: &dyn Printed,
    format: DocumentFormat,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let format = match format {
        DocumentFormat::Human => Format::Human,
        DocumentFormat::Json => Format::Json,
    };
    for_format(format, style, false).document(printed, style, out)
}

/// The emitter of `format`; `unsafe_fixes` marks unsafe fixes fixable.
pub(crate) fn for_format(format: Format, style: Style, unsafe_fixes: bool) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(Human::new(style, unsafe_fixes)),
        Format::Json => Box::new(Json),
        Format::Short => Box::new(Short),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
        Format::Gitlab => Box::new(Gitlab),
        Format::Junit => Box::new(Junit),
    }
}

/// miette reports with source snippets, and a summary line.
pub(crate) struct Human {
    handler: miette::GraphicalReportHandler,
    /// Where rule ids link to.
    pub(crate) docs: Option<&'static str>,
    unsafe_fixes: bool,
}

impl Human {
    pub(crate) fn new(style: Style, unsafe_fixes: bool) -> Self {
        Human {
            handler: human::handler(style),
            docs: human::links_to(style),
            unsafe_fixes,
        }
    }
}

impl Emitter for Human {
    fn file(&self, report: FileReport) -> String {
        human::render_file(&self.handler, &report, self.docs, self.unsafe_fixes)
    }
}

/// One JSON document: the files' findings in one array, then the totals.
struct Json;

impl Emitter for Json {
    fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write_start(out)
    }

    /// The JSON document with the JSON guard ([`escape::json`]) applied;
    /// a result with no JSON form is printed as text.
    fn document(&self, printed: &dyn Printed, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match printed.json() {
            Some(document) => writeln!(out, "{}", escape::json(document?)),
            None => Human::new(style, false).document(printed, style, out),
        }
    }

    fn file(&self, report: FileReport) -> String {
        json::render_file(&report)
    }

    fn separator(&self) -> &'static str {
        ","
    }

    fn finish(&self, totals: &Totals, run: &RunFacts, _quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        json::write_end(totals, run, out)
    }

    fn summary(
        &self,
        _totals: &Totals,
        _run: &RunFacts,
        _quiet: bool,
        _out: &mut dyn Write,
    ) -> io::Result<()> {
        Ok(())
    }

    fn statistics(&self, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        json::write_statistics(totals, out)
    }
}

/// One `path:line:col: severity[rule-id] message` line per finding.
struct Short;

impl Emitter for Short {
    fn file(&self, report: FileReport) -> String {
        short::render_file(&report)
    }

    fn finish(
        &self,
        _totals: &Totals,
        _run: &RunFacts,
        _quiet: bool,
        _out: &mut dyn Write,
    ) -> io::Result<()> {
        Ok(())
    }
}

/// SARIF 2.1.0, streamed: the results file by file, then the tool with the
/// rules that appeared anywhere in the run.
struct Sarif;

impl Emitter for Sarif {
    fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        sarif::write_start(out)
    }

    fn file(&self, report: FileReport) -> String {
        sarif::render_file(&report)
    }

    fn separator(&self) -> &'static str {
        ","
    }

    fn finish(&self, totals: &Totals, _run: &RunFacts, _quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        sarif::write_end(totals, out)
    }
}

/// GitHub Actions workflow commands (annotations), and a summary line.
struct Github;

impl Emitter for Github {
    fn file(&self, report: FileReport) -> String {
        github::render_file(&report)
    }
}

/// GitLab Code Quality: one JSON array of issues, nothing else.
struct Gitlab;

impl Emitter for Gitlab {
    fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[")
    }

    fn file(&self, report: FileReport) -> String {
        gitlab::render_file(&report)
    }

    fn separator(&self) -> &'static str {
        ","
    }

    fn finish(&self, _totals: &Totals, _run: &RunFacts, _quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"]\n")
    }
}

/// JUnit XML: a test suite per file with findings, one passing case when
/// there are none.
struct Junit;

impl Emitter for Junit {
    fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        junit::write_start(out)
    }

    fn file(&self, report: FileReport) -> String {
        junit::render_file(&report)
    }

    fn finish(&self, totals: &Totals, _run: &RunFacts, _quiet: bool, out: &mut dyn Write) -> io::Result<()> {
        junit::write_end(totals.by_severity.iter().any(|&n| n > 0), out)
    }
}
