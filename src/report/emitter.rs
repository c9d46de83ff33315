//! The seam every lint output format goes through: one [`Emitter`] per
//! format, and [`for_format`], the one place a [`Format`] is matched. A new
//! format is one file beside this one and one row there.

use std::io::{self, Write};

use super::{github, human, json, sarif, short, write_statistics, Format, RunFacts, Style, Totals};
use crate::core::FileReport;

/// One output format of a lint run. Files are rendered one by one in the
/// workers ([`Emitter::file`]); [`super::Stream`] writes them in order, with
/// what comes before, between and after.
pub(crate) trait Emitter: Send + Sync {
    /// Written before the first file's findings.
    fn start(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// One file's findings as text, or the report kept for
    /// [`Emitter::finish`] (a format that needs the whole run).
    fn file(&self, report: FileReport) -> Output;

    /// Written between two files' findings that are not empty.
    fn separator(&self) -> &'static str {
        ""
    }

    /// Written after the files' findings: `kept` are the reports
    /// [`Emitter::file`] handed back; `quiet` leaves out a summary.
    fn finish(
        &self,
        totals: &Totals,
        run: &RunFacts,
        _kept: &[FileReport],
        quiet: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
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
}

/// What an emitter makes of one file.
pub(crate) enum Output {
    /// Its text, written in input order.
    Text(String),
    /// The report, kept until the end of the run.
    Kept(FileReport),
}

/// The emitter of `format`; `unsafe_fixes` marks unsafe fixes fixable.
pub(crate) fn for_format(format: Format, style: Style, unsafe_fixes: bool) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(Human::new(style, unsafe_fixes)),
        Format::Json => Box::new(Json),
        Format::Short => Box::new(Short),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
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
    fn file(&self, report: FileReport) -> Output {
        Output::Text(human::render_file(
            &self.handler,
            &report,
            self.docs,
            self.unsafe_fixes,
        ))
    }
}

/// One JSON document: the files' findings in one array, then the totals.
struct Json;

impl Emitter for Json {
    fn start(&self, out: &mut dyn Write) -> io::Result<()> {
        json::write_start(out)
    }

    fn file(&self, report: FileReport) -> Output {
        Output::Text(json::render_file(&report))
    }

    fn separator(&self) -> &'static str {
        ","
    }

    fn finish(
        &self,
        totals: &Totals,
        run: &RunFacts,
        _kept: &[FileReport],
        _quiet: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
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
    fn file(&self, report: FileReport) -> Output {
        Output::Text(short::render_file(&report))
    }

    fn finish(
        &self,
        _totals: &Totals,
        _run: &RunFacts,
        _kept: &[FileReport],
        _quiet: bool,
        _out: &mut dyn Write,
    ) -> io::Result<()> {
        Ok(())
    }
}

/// SARIF 2.1.0: one document at the end, whose rule table lists the rules
/// that appear anywhere in the run.
struct Sarif;

impl Emitter for Sarif {
    fn file(&self, report: FileReport) -> Output {
        Output::Kept(report)
    }

    fn finish(
        &self,
        _totals: &Totals,
        _run: &RunFacts,
        kept: &[FileReport],
        _quiet: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        sarif::write(kept, out)
    }
}

/// GitHub Actions workflow commands (annotations), and a summary line.
struct Github;

impl Emitter for Github {
    fn file(&self, report: FileReport) -> Output {
        Output::Text(github::render_file(&report))
    }
}
