//! Stage 1 of the pipeline: bytes -> a JSON tree where every key and value
//! carries its byte span. Nothing here knows about RAM; `model` does.

pub mod json;

pub use json::{count_parse, parse, parses_on_this_thread, Member, Node, ParseError, Parsed, Value};

use crate::core::{Diagnostic, Edit, Fix, Rule, Span};

/// Parse errors as `invalid-json` findings; a trailing comma comes with the
/// fix that removes it.
pub fn parse_diagnostics(errors: &[ParseError]) -> impl Iterator<Item = Diagnostic> + '_ {
    errors.iter().map(|error| {
        let mut diagnostic = syntax_error(error.span, error.message.clone());
        if error.is_trailing_comma() {
            diagnostic = diagnostic.with_fix(Fix::safe("remove the comma", vec![Edit::delete(error.span)]));
        }
        match &error.help {
            Some(help) => diagnostic.with_help(help.clone()),
            None => diagnostic,
        }
    })
}

/// The finding for text that does not parse (JSON, and for now the HCL and
/// YAML of host files too), or is not UTF-8: the one place `invalid-json`
/// findings are made.
pub fn syntax_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Rule::InvalidJson, span, message)
}
