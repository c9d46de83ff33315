//! The seam every lint output format goes through: one [`Emitter`] per
//! format, and [`for_format`], the one place a [`Format`] is matched. A new
//! format is one file beside this one and one row there.

use std::io::{self, Write};

use super::{
    github, gitlab, human, json, junit, sarif, short, write_statistics, Format, RunFacts, Style, Totals,
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
