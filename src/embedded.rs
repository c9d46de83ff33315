//! `--jsonpath`: policy documents embedded in any JSON file, selected by
//! the user. It is the one input kind not chosen by [`crate::host::KINDS`]
//! (the flag or config chooses it), and like the others it only turns the
//! host into [`Document`]s: the shared host pipeline checks them, with every
//! finding pointing into the host file's bytes. A match that is a JSON
//! string (`terraform show -json` keeps policies as strings) is read from
//! its content, and spans are mapped back through the escapes.
//!
//! serde_json_path evaluates the expression: it passes the whole RFC 9535
//! compliance suite and returns each match's location as structured path
//! elements, which we walk over our own span tree.

use serde_json_path::{JsonPath, NormalizedPath, PathElement};

use crate::host::{self, Document, Source};
use crate::lint::{decode, finalize, parse_diagnostics, FileReport, LintOptions, RuleSettings};
use crate::parse::{self, Node, Value};

/// A compiled `--jsonpath` expression.
#[derive(Debug, Clone)]
pub struct Query(JsonPath);

impl Query {
    pub fn parse(expression: &str) -> Result<Query, String> {
        JsonPath::parse(expression)
            .map(Query)
            .map_err(|e| format!("invalid JSONPath expression: {e}"))
    }
}

/// Lints every policy `query` selects in the host file; the host itself is
/// not a policy, so only its JSON syntax is checked.
pub fn lint_host(
    name: String,
    bytes: Vec<u8>,
    query: &Query,
    options: &LintOptions,
    settings: &RuleSettings,
) -> FileReport {
    let (text, mut diagnostics) = decode(bytes);
    let parsed = parse::parse(&text);
    // As in `lint_file`: no parse error on the undecodable byte itself.
    let undecodable = diagnostics.first().map(|d| d.span);
    diagnostics.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    if let Some(root) = &parsed.root {
        for document in documents(root, &text, query) {
            host::lint_document(&document, &text, options, &mut diagnostics);
        }
    }
    finalize(&mut diagnostics, None, settings);
    let text = if diagnostics.is_empty() {
        String::new()
    } else {
        text
    };
    FileReport {
        name,
        text,
        diagnostics,
    }
}

/// The documents `query` selects, each located by its normalized path.
fn documents<'h>(root: &Node<'h>, text: &str, query: &Query) -> Vec<Document<'h>> {
    let value = to_value(root);
    let mut seen = Vec::new();
    let mut found = Vec::new();
    for located in query.0.query_located(&value) {
        let Some(node) = resolve(root, located.location()) else {
            continue;
        };
        // `$..PolicyDocument` can reach one document by two paths.
        if seen.contains(&node.span) {
            continue;
        }
        seen.push(node.span);
        let source = match &node.value {
            Value::String(content) => host::json_string_document(text, node.span, content, false),
            _ => Source::Tree(host::ros::lower_intrinsics(node.clone())),
        };
        found.push(Document {
            location: located.location().to_string(),
            source,
        });
    }
    found
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
        // Only `--jsonpath` trees from plain JSON reach here; they hold none.
        Value::Unknown => J::Null,
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
