//! A bad `policy-check.toml`, shown as a miette report whose snippet points
//! into the TOML, so a typo in a rule id is found as fast as one in a policy.
//! The config may come from a pull request: name, message and snippet are
//! escaped like a policy's ([`super::escape`]).

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic as MietteDiagnostic, LabeledSpan, NamedSource, SourceCode};

use super::escape::{self, Shown};
use super::Style;
use crate::config::ConfigError;

pub(crate) fn write(
    name: &str,
    text: &str,
    error: &ConfigError,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown = Shown::new(text);
    let span = shown.span(error.span);
    let name = escape::text(name);
    let report = Report {
        message: format!(
            "invalid configuration in `{name}`: {}",
            escape::text(&error.message)
        ),
        span: (span.start, span.len()),
        source: NamedSource::new(name, shown.text().to_string()),
    };
    let mut rendered = String::new();
    if super::human::handler(style)
        .render_report(&mut rendered, &report)
        .is_err()
    {
        rendered = format!("policy-check: {}\n", report.message);
    }
    out.write_all(escape::lines(&rendered).as_bytes())
}

struct Report {
    message: String,
    span: (usize, usize),
    source: NamedSource<String>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl MietteDiagnostic for Report {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(
            None, self.span,
        ))))
    }
}
