//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding, then the human summary line (GitHub shows only the first few
//! annotations of each level per step, so the count must be printed too).

use std::fmt::Write;

use super::escape;
use crate::core::FileReport;
use crate::core::Severity;

/// One annotation per finding of one file. Values are escaped before the
/// runner's own escaping, so a line break from the file shows as `\n`
/// instead of breaking the message, and `##[` cannot start a command.
pub(super) fn render_file(report: &FileReport) -> String {
    let mut out = String::new();
    let name = escape::text(&report.name);
    for (d, start, end) in super::located(report) {
        let mut message = escape::text(&d.message).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape::text(help));
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(d.severity),
            property(&name),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("{} ({})", d.rule, d.severity)),
            data(&message)
        );
    }
    out
}

/// GitHub has three levels. Error and security-warning both fail the run by
/// default, so both are shown as errors.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::SecurityWarning => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "notice",
    }
}

/// Escapes a command's message, as the runner's `escapeData` does.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, as the runner's `escapeProperty` does: also `:`
/// and `,`, which would otherwise end the value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
