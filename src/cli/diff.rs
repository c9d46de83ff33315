//! `policy-check diff`: the glue from its arguments to the comparison
//! ([`crate::diff`]) and its reports, with the exit code each outcome gives.

use std::io::{self, Write};

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::diff::output::{load_sides, Report};
use crate::diff::{compare_with_progress, DiffArgs, Progress};
use crate::report::{escape, print, DocumentFormat, Lines, Style};

/// Runs `diff`; returns the exit code (0 no new access, 1 new access or
/// unknown, 2 usage error or an unusable document).
pub(super) fn run_diff(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let style = Style::default();
    let (old, new) = match load_sides(args) {
        Ok(sides) => sides,
        Err(message) => {
            let line = format!("policy-check diff: {}\n", escape::text(&message));
            print(&Lines(&line), DocumentFormat::Human, style, err)?;
            return Ok(EXIT_ERROR);
        }
    };
    let progress = Progress::on_terminal();
    let comparison = match compare_with_progress(&old, &new, progress.as_ref()) {
        Ok(comparison) => comparison,
        Err(unusable) => {
            print(&unusable, DocumentFormat::Human, style, err)?;
            return Ok(EXIT_ERROR);
        }
    };
    let report = Report {
        comparison: &comparison,
        old: &old,
        new: &new,
    };
    print(&report, args.format, style, out)?;
    Ok(
        if !comparison.new_access.is_empty() || !comparison.unknown.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        },
    )
}
