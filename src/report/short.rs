//! `--format short`: one `path:line:col: severity[rule-id] message` line per
//! finding and nothing else, for editors' problem matchers and `grep`.

use std::io::{self, Write};

use crate::lint::FileReport;
use crate::source::LineIndex;

pub fn write(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports.iter().filter(|r| !r.diagnostics.is_empty()) {
        let index = LineIndex::new(&report.text);
        for d in &report.diagnostics {
            let at = index.line_column(&report.text, d.span.start);
            // A message is one line today; flattening keeps the format
            // line-based even if one ever is not.
            let message = d.message.replace(['\r', '\n'], " ");
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {message}",
                report.name, at.line, at.column, d.severity, d.rule
            )?;
        }
    }
    Ok(())
}
