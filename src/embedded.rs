//! `--jsonpath`: policy documents embedded in a larger JSON file (ROS
//! templates, Terraform JSON). Sits beside [`crate::lint::lint_file`]: the
//! host file is parsed once, each match is checked as a policy, and every
//! finding points into the host file's bytes. A match that is a JSON string
//! (`terraform show -json` keeps policies as strings) is parsed from its
//! content, and spans are mapped back through the escapes.
//!
//! serde_json_path evaluates the expression: it passes the whole RFC 9535
//! compliance suite and returns each match's location as structured path
//! elements, which we walk over our own span tree.

use serde_json_path::{JsonPath, NormalizedPath, PathElement};

use crate::diagnostic::Diagnostic;
use crate::lint::{
    check_document, decode, finalize, no_policy_found, not_a_policy, parse_diagnostics, FileReport,
    LintOptions, Origin, Outcome, RuleSettings,
};
use crate::parse::{self, Node, Value};
use crate::source::Span;

/// A compiled `--jsonpath` expression, with its text as written.
#[derive(Debug, Clone)]
pub struct Query {
    path: JsonPath,
    expression: String,
}

impl Query {
    pub fn parse(expression: &str) -> Result<Query, String> {
        JsonPath::parse(expression)
            .map(|path| Query {
                path,
                expression: expression.to_string(),
            })
            .map_err(|e| format!("invalid JSONPath expression: {e}"))
    }

    /// The expression as written.
    pub fn expression(&self) -> &str {
        &self.expression
    }
}

/// Where a JSONPath expression came from: it decides what an expression
/// that matches nothing means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    /// `--jsonpath` applies to every file of the run: a walked file it
    /// matches nothing in is linted as a policy if it is one, else skipped.
    ByCommandLine(Origin),
    /// A configuration override chose this file for the expression, so
    /// finding nothing in it is worth a finding.
    ByConfig,
}

/// Lints every policy `query` selects in the host file; the host itself is
/// not a policy, so only its JSON syntax is checked. When the expression
/// selects nothing the file is linted as a policy if it is one (plain policy
/// files in a `--jsonpath` run), else it gets `no-policy-found` or is skipped.
pub fn lint_host(
    name: String,
    bytes: Vec<u8>,
    query: &Query,
    selected: Selected,
    options: &LintOptions,
    settings: &RuleSettings,
) -> FileReport {
    let (text, mut diagnostics) = decode(bytes);
    let parsed = parse::parse(&text);
    // As in `lint_file`: no parse error on the undecodable byte itself.
    let undecodable = diagnostics.first().map(|d| d.span);
    diagnostics.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    let mut documents = 0;
    if let Some(root) = &parsed.root {
        let value = to_value(root);
        let mut seen = Vec::new();
        for located in query.path.query_located(&value) {
            let Some(node) = resolve(root, located.location()) else {
                continue;
            };
            // `$..PolicyDocument` can reach one document by two paths.
            if seen.contains(&node.span) {
                continue;
            }
            seen.push(node.span);
            documents += 1;
            match &node.value {
                Value::String(content) => {
                    check_string(node.span, content, &text, options, settings, &mut diagnostics)
                }
                _ => check_document(node, &text, options, settings, &mut diagnostics),
            }
        }
        if documents == 0 {
            if not_a_policy(root).is_none() {
                check_document(root, &text, options, settings, &mut diagnostics);
                documents = 1;
            } else if selected == Selected::ByCommandLine(Origin::Walked) {
                return FileReport::skipped(
                    name,
                    format!(
                        "not a policy, and the JSONPath expression `{}` matches nothing in it",
                        query.expression
                    ),
                );
            } else {
                let at = Span::new(root.span.start, (root.span.start + 1).min(root.span.end));
                diagnostics.push(no_policy_found(
                    at,
                    &format!(
                        "policy documents at the JSONPath expression `{}`, which matches nothing here",
                        query.expression
                    ),
                ));
            }
        }
    }
    finalize(&mut diagnostics, parsed.root.as_ref(), settings);
    let text = if diagnostics.is_empty() {
        String::new()
    } else {
        text
    };
    FileReport {
        name,
        text,
        diagnostics,
        outcome: Outcome::Linted { documents },
    }
}

/// Checks the policy held in a JSON string whose literal (quotes included)
/// is at `span` in `host`.
fn check_string(
    span: Span,
    content: &str,
    host: &str,
    options: &LintOptions,
    settings: &RuleSettings,
    out: &mut Vec<Diagnostic>,
) {
    let map = EscapeMap::new(&host[span.start + 1..span.end - 1], span.start + 1);
    let parsed = parse::parse(content);
    let mut found: Vec<Diagnostic> = parse_diagnostics(&parsed.errors).collect();
    if let Some(root) = &parsed.root {
        check_document(root, content, options, settings, &mut found);
    }
    for mut d in found {
        d.span = map.span(d.span);
        for label in &mut d.labels {
            label.span = map.span(label.span);
        }
        out.push(d);
    }
}

/// The node a normalized path leads to. serde_json keeps the last of
/// duplicate keys, so a name resolves to the last member with that key.
fn resolve<'t, 'a>(root: &'t Node<'a>, path: &NormalizedPath<'_>) -> Option<&'t Node<'a>> {
    path.iter().try_fold(root, |node, element| match element {
        PathElement::Name(name) => node
            .as_object()?
            .iter()
            .rev()
            .find(|m| m.key == *name)
            .map(|m| &m.value),
        PathElement::Index(i) => node.as_array()?.get(*i),
    })
}

fn to_value(node: &Node<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        // A number serde_json cannot hold (`1e999`) is already reported by
        // the parser; as null it simply matches no numeric filter.
        Value::Number(lexeme) => lexeme.parse().map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(items.iter().map(to_value).collect()),
        Value::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.to_string(), to_value(&m.value)))
                .collect(),
        ),
    }
}

/// Byte offsets in a JSON string's decoded content -> offsets in the host
/// text. One entry per source unit (a character or an escape sequence).
struct EscapeMap {
    /// `(decoded offset, host offset)` of each unit's start, then of the end.
    units: Vec<(usize, usize)>,
}

impl EscapeMap {
    /// `raw` is the literal's text between the quotes, found at `host_start`.
    fn new(raw: &str, host_start: usize) -> Self {
        let bytes = raw.as_bytes();
        let mut units = Vec::new();
        let (mut i, mut decoded) = (0, 0);
        while i < raw.len() {
            units.push((decoded, host_start + i));
            let (raw_len, decoded_len) = if bytes[i] == b'\\' {
                escape_lengths(&raw[i..])
            } else {
                let width = raw[i..].chars().next().map_or(1, char::len_utf8);
                (width, width)
            };
            i += raw_len;
            decoded += decoded_len;
        }
        units.push((decoded, host_start + raw.len()));
        EscapeMap { units }
    }

    /// A span of the content as a span of the host: it starts where the unit
    /// holding its start starts and ends where the unit holding its last
    /// byte ends.
    fn span(&self, span: Span) -> Span {
        let start_unit = self
            .units
            .partition_point(|(d, _)| *d <= span.start)
            .saturating_sub(1);
        let end_unit = self
            .units
            .partition_point(|(d, _)| *d < span.end)
            .min(self.units.len() - 1);
        let start = self.units[start_unit].1;
        Span::new(start, self.units[end_unit].1.max(start))
    }
}

/// Source and decoded length of the escape at the start of `raw`.
fn escape_lengths(raw: &str) -> (usize, usize) {
    let hex = |s: &str| s.get(2..6).and_then(|h| u32::from_str_radix(h, 16).ok());
    match raw.as_bytes().get(1) {
        Some(b'u') => match hex(raw) {
            Some(0xD800..=0xDBFF) => {
                let low = raw.get(6..).filter(|r| r.starts_with("\\u")).and_then(hex);
                match low {
                    // A surrogate pair: one 4-byte character.
                    Some(0xDC00..=0xDFFF) => (12, 4),
                    _ => (6, char::REPLACEMENT_CHARACTER.len_utf8()),
                }
            }
            Some(code) => (6, char::from_u32(code).map_or(3, char::len_utf8)),
            None => (2, 1),
        },
        _ => (2, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_map_covers_whole_escapes() {
        // Content `a"é😀b` written as `a\"\u00e9\ud83d\ude00b` at offset 10.
        let raw = r#"a\"\u00e9\ud83d\ude00b"#;
        let map = EscapeMap::new(raw, 10);
        // `"` (decoded 1..2) is `\"` (host 11..13).
        assert_eq!(map.span(Span::new(1, 2)), Span::new(11, 13));
        // `é` (2..4) is `\u00e9` (13..19); the emoji (4..8) is both escapes.
        assert_eq!(map.span(Span::new(2, 4)), Span::new(13, 19));
        assert_eq!(map.span(Span::new(4, 8)), Span::new(19, 31));
        // An offset inside a character still covers the whole escape.
        assert_eq!(map.span(Span::new(5, 6)), Span::new(19, 31));
        // Empty spans at the end stay before the closing quote.
        assert_eq!(
            map.span(Span::new(9, 9)),
            Span::new(10 + raw.len(), 10 + raw.len())
        );
    }
}
