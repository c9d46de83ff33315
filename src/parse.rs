//! Stage 1 of the pipeline: bytes -> a JSON tree where every key and value
//! carries its byte span. Nothing here knows about RAM; `model` does.

pub mod json;

pub use json::{count_parse, parse, parses_on_this_thread, Member, Node, ParseError, Parsed, Partial, Value};

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

/// The finding for JSON text that does not parse, or is not UTF-8: the one
/// place `invalid-json` findings are made.
pub fn syntax_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Rule::InvalidJson, span, message)
}

/// The finding for a host file in another syntax (Terraform's HCL, YAML)
/// that does not parse, or is not UTF-8: the one place `invalid-syntax`
/// findings are made. The policies inside such a host are JSON or trees;
/// their own syntax errors stay `invalid-json`.
pub fn host_syntax_error(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Rule::InvalidSyntax, span, message)
}
