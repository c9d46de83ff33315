//! `--format junit`: JUnit XML, as ruff writes it, for CI systems that show
//! test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure DevOps).
//! Each file with findings is a `<testsuite>` and each finding a failed
//! `<testcase>`; a run with none is one passing test case. Written file by
//! file: the root element carries no counts, so nothing waits for the end.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape;
use crate::core::FileReport;

/// The XML declaration and the opening root element.
pub(super) fn write_start(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<testsuites name=\"policy-check\">")
}

/// One `<testsuite>` for a file with findings; nothing for a clean file.
pub(super) fn render_file(report: &FileReport) -> String {
    if report.diagnostics.is_empty() {
        return String::new();
    }
    let name = escape::xml(&report.name);
    let count = report.diagnostics.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" tests=\"{count}\" failures=\"{count}\" errors=\"0\" skipped=\"0\">"
    );
    for (d, at, _) in super::located(report) {
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"{name}\" file=\"{name}\" line=\"{}\">",
            d.rule.id(),
            at.line
        );
        let mut body = format!(
            "{name}:{}:{}: {}[{}] {}",
            at.line,
            at.column,
            d.severity,
            d.rule,
            escape::xml(&d.message)
        );
        if let Some(help) = &d.help {
            let _ = write!(body, "\nhelp: {}", escape::xml(help));
        }
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{body}</failure>",
            escape::xml(&d.message),
            d.severity
        );
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
    escape::lines(&out).into_owned()
}

/// Closes the root element; a run with no finding is one passing test case,
/// so a report always holds a test.
pub(super) fn write_end(any_finding: bool, out: &mut dyn Write) -> io::Result<()> {
    if !any_finding {
        writeln!(
            out,
            "  <testsuite name=\"policy-check\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"No problems found\" classname=\"policy-check\"/>\n  </testsuite>"
        )?;
    }
    writeln!(out, "</testsuites>")
}
