//! `--format short`: one `path:line:col: severity[rule-id] message` line per
//! finding and nothing else, for editors' problem matchers and `grep`.

use std::fmt::Write;

use super::escape;
use crate::core::FileReport;

/// One line per finding of one file. Name and message are escaped, so a
/// line break in either cannot start a line that looks like a finding.
pub(super) fn render_file(report: &FileReport) -> String {
    let mut out = String::new();
    let name = escape::text(&report.name);
    for (d, at, _) in super::located(report) {
        let _ = writeln!(
            out,
            "{name}:{}:{}: {}[{}] {}",
            at.line,
            at.column,
            d.severity,
            d.rule,
            escape::text(&d.message)
        );
    }
    match escape::lines(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(guarded) => guarded,
    }
}
