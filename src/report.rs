//! Stage 4: reporters. They alone turn byte spans into lines and columns and
//! decide how findings look; they see finished [`FileReport`]s only.

pub mod config_error;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::lint::FileReport;

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

pub fn write(format: Format, reports: &[FileReport], style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(reports, style, out),
        Format::Json => json::write(reports, out),
        Format::Short => short::write(reports, out),
        Format::Sarif => sarif::write(reports, out),
        Format::Github => github::write(reports, out),
    }
}

/// Findings per severity, in [`Severity::ALL`] order.
pub fn count_by_severity(reports: &[FileReport]) -> [usize; 4] {
    let mut counts = [0; 4];
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        counts[Severity::ALL.iter().position(|s| *s == d.severity).unwrap_or(0)] += 1;
    }
    counts
}
