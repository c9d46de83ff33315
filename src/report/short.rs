//! `--format short`: one `path:line:col: severity[rule-id] message` line per
//! finding and nothing else, for editors' problem matchers and `grep`.

use std::fmt::Write;

use crate::lint::FileReport;

/// One line per finding of one file.
pub fn render_file(report: &FileReport) -> String {
    let mut out = String::new();
    for (d, at, _) in super::located(report) {
        // A message is one line today; flattening keeps the format
        // line-based even if one ever is not.
        let message = d.message.replace(['\r', '\n'], " ");
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {message}",
            report.name, at.line, at.column, d.severity, d.rule
        );
    }
    out
}
