//! `--jsonpath`: policy documents embedded in any JSON file, selected by
//! the user. It is the one input kind not chosen by [`crate::host::KINDS`]
//! (the flag or config chooses it), and like the others it only turns the
//! host into [`Document`]s: the engine checks them (`engine`), with every
//! finding pointing into the host file's bytes. A match that is a JSON
//! string (`terraform show -json` keeps policies as strings) is read from
//! its content, and spans are mapped back through the escapes.
//!
//! serde_json_path evaluates the expression: it passes the whole RFC 9535
//! compliance suite and returns each match's location as structured path
//! elements, which we walk over our own span tree.

use serde_json_path::{JsonPath, NormalizedPath, PathElement};

use crate::core::Origin;
use crate::host::{self, Document, Source};
use crate::parse::{Node, Value};

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

/// The documents `query` selects, each located by its normalized path.
pub(crate) fn selected_documents<'h>(root: &Node<'h>, text: &str, query: &Query) -> Vec<Document<'h>> {
    let value = to_value(root);
    let mut seen = Vec::new();
    let mut found = Vec::new();
    for located in query.path.query_located(&value) {
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
            kind: None,
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
        Value::Unknown | Value::Partial(_) => J::Null,
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

/// Policy documents inside a JSON or YAML file that is neither a policy
/// nor a template a host kind reads (a landing-zone config that Terraform
/// reads with `jsondecode`, say): every object below the top with a
/// `Statement` list and RAM's `Version` `"1"`, in document order. The
/// version keeps out an AWS policy (`2012-10-17`) in a CloudFormation
/// template, which RAM's grammar would misjudge.
pub(crate) fn shaped_documents<'t, 'h>(root: &'t Node<'h>) -> Vec<&'t Node<'h>> {
    let mut found = Vec::new();
    let mut stack: Vec<&Node<'h>> = vec![root];
    while let Some(node) = stack.pop() {
        if !std::ptr::eq(node, root) && is_ram_policy(node) {
            found.push(node);
            continue;
        }
        match &node.value {
            Value::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

fn is_ram_policy(node: &Node<'_>) -> bool {
    let version_one = node.get("Version").is_some_and(|m| match &m.value.value {
        Value::String(v) | Value::Number(v) => v == "1",
        _ => false,
    });
    version_one
        && node
            .get("Statement")
            .is_some_and(|m| m.value.as_array().is_some())
}
