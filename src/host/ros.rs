//! ROS templates (Alibaba Cloud Resource Orchestration Service), in JSON
//! and in YAML, recognised by `ROSTemplateFormatVersion`. The policy
//! documents are properties of the RAM resources; intrinsic functions
//! (`Ref`, `Fn::Sub`, `Fn::Join`, `Fn::GetAtt`, ..., and the YAML short
//! tags) are computed at deployment, so they are unknown values.

use super::{json_string_document, Document, Extraction, Kind, Source};
use crate::core::Syntax;
use crate::parse::parse_diagnostics;
use crate::parse::{self, Member, Node, Value};

const MARKER: &str = "ROSTemplateFormatVersion";

pub const JSON_KIND: Kind = Kind {
    name: "ROS template (JSON)",
    claims: |name, text| {
        Syntax::of(name) == Some(Syntax::Json) && text.contains(MARKER) && text.trim_start().starts_with('{')
    },
    extract: extract_json,
};

pub const YAML_KIND: Kind = Kind {
    name: "ROS template (YAML)",
    claims: |name, text| Syntax::of(name) == Some(Syntax::Yaml) && text.contains(MARKER),
    extract: extract_yaml,
};

/// Which properties of which resource types hold policy documents.
/// `PolicyDocumentUnchecked` is listed first: ROS uses it instead of
/// `PolicyDocument` when it is set.
const PROPERTIES: &[(&str, &[&str])] = &[
    (
        "ALIYUN::RAM::ManagedPolicy",
        &["PolicyDocumentUnchecked", "PolicyDocument"],
    ),
    ("ALIYUN::RAM::Role", &["AssumeRolePolicyDocument"]),
];

/// Resource types whose `Policies` list holds inline documents.
const POLICY_LISTS: &[&str] = &["ALIYUN::RAM::Role", "ALIYUN::RAM::User", "ALIYUN::RAM::Group"];

fn extract_json(text: &str) -> Extraction<'_> {
    let parsed = parse::parse(text);
    let mut extraction = Extraction {
        diagnostics: parse_diagnostics(&parsed.errors).collect(),
        ..Extraction::default()
    };
    if let Some(root) = &parsed.root {
        documents(root, Some(text), &mut extraction);
    }
    extraction
}

fn extract_yaml(text: &str) -> Extraction<'_> {
    let mut extraction = Extraction::default();
    match super::yaml::parse(text) {
        Ok(Some(root)) => documents(&root, None, &mut extraction),
        Ok(None) => {}
        Err(diagnostic) => extraction.diagnostics.push(*diagnostic),
    }
    extraction
}

/// The template's policy documents. `json_host` is the host text when the
/// template is JSON, so a document given as a JSON string can be read.
fn documents<'h>(root: &Node<'h>, json_host: Option<&'h str>, out: &mut Extraction<'h>) {
    let Some(resources) = root.get("Resources").and_then(|m| m.value.as_object()) else {
        return;
    };
    for resource in resources {
        let Some(kind) = resource.value.get("Type").and_then(|m| m.value.as_str()) else {
            continue;
        };
        let Some(properties) = resource.value.get("Properties").map(|m| &m.value) else {
            continue;
        };
        let at = |property: &str| format!("Resources.{}.Properties.{property}", resource.key);
        if let Some((_, names)) = PROPERTIES.iter().find(|(t, _)| *t == kind) {
            let chosen = names.iter().find_map(|name| {
                last(properties, name)
                    .filter(|m| !matches!(m.value.value, Value::Null))
                    .map(|m| (name, m))
            });
            if let Some((name, m)) = chosen {
                push(&m.value, at(name), json_host, out);
            }
        }
        let serverless = kind.starts_with("Aliyun::Serverless::");
        if POLICY_LISTS.contains(&kind) || serverless {
            let Some(policies) = last(properties, "Policies") else {
                continue;
            };
            let Some(items) = policies.value.as_array() else {
                if policies.value.is_unknown() || is_intrinsic(&policies.value) {
                    out.unknown += 1;
                }
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                match last(item, "PolicyDocument") {
                    Some(m) => push(
                        &m.value,
                        at(&format!("Policies[{i}].PolicyDocument")),
                        json_host,
                        out,
                    ),
                    // Serverless lists also take a document itself (or a
                    // system policy's name, which is no document).
                    None if serverless
                        && (item.get("Statement").is_some() || item.get("Version").is_some()) =>
                    {
                        push(item, at(&format!("Policies[{i}]")), json_host, out)
                    }
                    None if is_intrinsic(item) || item.is_unknown() => out.unknown += 1,
                    None => {}
                }
            }
        }
    }
}

/// The last member named `key`, as ROS's JSON reader keeps it.
fn last<'t, 'h>(node: &'t Node<'h>, key: &str) -> Option<&'t Member<'h>> {
    node.as_object()?.iter().rev().find(|m| m.key == key)
}

fn push<'h>(value: &Node<'h>, location: String, json_host: Option<&'h str>, out: &mut Extraction<'h>) {
    let source = match &value.value {
        Value::Object(_) if !is_intrinsic(value) => Source::Tree(lower_intrinsics(value.clone())),
        Value::String(content) if json_host.is_some() => {
            json_string_document(json_host.unwrap_or_default(), value.span, content, false)
        }
        // A computed document, or a string in YAML: nothing to check.
        _ => {
            out.unknown += 1;
            return;
        }
    };
    out.documents.push(Document { location, source });
}

/// An object that is a call of an intrinsic function: one member named
/// `Ref` or `Fn::...`.
pub fn is_intrinsic(node: &Node<'_>) -> bool {
    matches!(node.as_object(), Some([m]) if m.key == "Ref" || m.key.starts_with("Fn::"))
}

/// The tree with every intrinsic function call replaced by an unknown value.
pub fn lower_intrinsics(mut node: Node<'_>) -> Node<'_> {
    if is_intrinsic(&node) {
        node.value = Value::Unknown;
        return node;
    }
    match &mut node.value {
        Value::Array(items) => {
            let taken = std::mem::take(items);
            *items = taken.into_iter().map(lower_intrinsics).collect();
        }
        Value::Object(members) => {
            for m in members.iter_mut() {
                let placeholder = Node {
                    span: m.value.span,
                    value: Value::Null,
                };
                let value = std::mem::replace(&mut m.value, placeholder);
                m.value = lower_intrinsics(value);
            }
        }
        _ => {}
    }
    node
}
