//! Terraform JSON: `*.tf.json` (the HCL resources in JSON syntax, whose
//! strings are templates) and plan JSON (`terraform show -json`, whose
//! `planned_values` and `resource_changes` hold rendered values), both
//! found by their shape.

use std::borrow::Cow;

use super::{json_string_document, Document, Extraction, Kind, Source};
use crate::parse::parse_diagnostics;
use crate::parse::{self, Member, Node, Value};

pub const KIND: Kind = Kind {
    name: "Terraform JSON",
    claims: |name, text| {
        let lower = name.to_ascii_lowercase();
        lower.ends_with(".tf.json")
            || (lower.ends_with(".json")
                && text.contains("\"format_version\"")
                && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\"")))
    },
    extract,
};

fn extract(text: &str) -> Extraction<'_> {
    let parsed = parse::parse(text);
    let mut out = Extraction {
        diagnostics: parse_diagnostics(&parsed.errors).collect(),
        ..Extraction::default()
    };
    let Some(root) = &parsed.root else {
        return out;
    };
    if root.get("format_version").is_some() {
        plan(root, text, &mut out);
        return out;
    }
    if let Some(resources) = root.get("resource") {
        configuration(&resources.value, text, &mut out);
    }
    if let Some(data) = root.get("data") {
        data_sources(&data.value, &mut out);
    }
    out
}

/// Each value of a member, or of each member of a list of objects (JSON
/// syntax allows a block type or label to repeat that way).
fn entries<'n, 'h>(node: &'n Node<'h>) -> Vec<&'n Member<'h>> {
    match &node.value {
        Value::Array(items) => items.iter().flat_map(|i| i.as_object().unwrap_or(&[])).collect(),
        _ => node.as_object().unwrap_or(&[]).iter().collect(),
    }
}

/// A node's objects: itself, or the items of a list of them.
fn objects<'n, 'h>(node: &'n Node<'h>) -> Vec<&'n Node<'h>> {
    match &node.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![node],
    }
}

/// `"data": {"alicloud_ram_policy_document": {"NAME": {"statement": [...]}}}`:
/// each data source is a document of this file, as in HCL
/// (`terraform.rs`), its fields renamed as the provider renders them.
fn data_sources<'h>(data: &Node<'h>, out: &mut Extraction<'h>) {
    for kind in entries(data) {
        if kind.key != super::terraform::POLICY_DOCUMENT {
            continue;
        }
        for source in entries(&kind.value) {
            for block in objects(&source.value) {
                let location = format!("data.{}.{}", super::terraform::POLICY_DOCUMENT, source.key);
                let mut tree = data_document(block, source.key_span);
                templates_in(&mut tree);
                out.documents.push(Document {
                    location,
                    source: Source::Tree(tree),
                    kind: None,
                });
            }
        }
    }
}

fn synthetic<'h>(key: &'static str, span: crate::core::Span, value: Value<'h>) -> Member<'h> {
    Member {
        key: Cow::Borrowed(key),
        key_span: span,
        value: Node { span, value },
    }
}

fn data_document<'h>(block: &Node<'h>, head: crate::core::Span) -> Node<'h> {
    let Some(fields) = block.as_object() else {
        return Node {
            span: block.span,
            value: Value::Unknown,
        };
    };
    let mut members = Vec::new();
    match fields.iter().find(|m| m.key == "version") {
        Some(version) => members.push(renamed("Version", version)),
        None => members.push(synthetic("Version", head, Value::String(Cow::Borrowed("1")))),
    }
    if fields.iter().any(|m| m.key == "dynamic") {
        members.push(synthetic("Statement", head, Value::Unknown));
    } else if let Some(statement) = fields.iter().find(|m| m.key == "statement") {
        let items = objects(&statement.value)
            .into_iter()
            .map(data_statement)
            .collect();
        members.push(Member {
            key: Cow::Borrowed("Statement"),
            key_span: statement.key_span,
            value: Node {
                span: statement.value.span,
                value: Value::Array(items),
            },
        });
    }
    Node {
        span: block.span,
        value: Value::Object(members),
    }
}

fn renamed<'h>(key: &'static str, member: &Member<'h>) -> Member<'h> {
    Member {
        key: Cow::Borrowed(key),
        key_span: member.key_span,
        value: member.value.clone(),
    }
}

/// One `statement` object: `effect` (default Allow), `action`, `resource`,
/// `sid`; `principal` and `condition` blocks and `dynamic` ones are not
/// lowered here, so a statement holding one is unknown whole.
fn data_statement<'h>(statement: &Node<'h>) -> Node<'h> {
    let unknown = Node {
        span: statement.span,
        value: Value::Unknown,
    };
    let Some(fields) = statement.as_object() else {
        return unknown;
    };
    let mut members = Vec::new();
    for field in fields {
        let key = match field.key.as_ref() {
            "effect" => "Effect",
            "action" => "Action",
            "resource" => "Resource",
            "sid" => "Sid",
            "principal" | "condition" | "dynamic" => return unknown,
            _ => continue,
        };
        members.push(renamed(key, field));
    }
    if !members.iter().any(|m| m.key == "Effect") {
        members.push(synthetic(
            "Effect",
            statement.span,
            Value::String(Cow::Borrowed("Allow")),
        ));
    }
    members.sort_by_key(|m| m.key_span.start);
    Node {
        span: statement.span,
        value: Value::Object(members),
    }
}

/// `"resource": {"TYPE": {"NAME": {attributes}}}` (a list of such objects
/// is allowed too).
fn configuration<'h>(resources: &Node<'h>, text: &'h str, out: &mut Extraction<'h>) {
    let groups: Vec<&Node<'h>> = match &resources.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![resources],
    };
    for group in groups {
        for kind in group.as_object().unwrap_or(&[]) {
            for resource in kind.value.as_object().unwrap_or(&[]) {
                let attributes = match &resource.value.value {
                    Value::Array(items) => items.iter().collect(),
                    _ => vec![&resource.value],
                };
                for attrs in attributes {
                    attributes_of(&kind.key, &resource.key, attrs, text, true, out);
                }
            }
        }
    }
}

/// Plan JSON: the values Terraform will apply, from `planned_values`, and
/// from `resource_changes` for resources `planned_values` does not hold
/// (the two repeat each other, and one finding per token is enough).
fn plan<'h>(root: &Node<'h>, text: &'h str, out: &mut Extraction<'h>) {
    let mut seen = Vec::new();
    if let Some(resources) = root
        .get("planned_values")
        .and_then(|m| m.value.get("root_module"))
        .and_then(|m| m.value.get("resources"))
        .and_then(|m| m.value.as_array())
    {
        for resource in resources {
            if let Some(address) = resource.get("address").and_then(|m| m.value.as_str()) {
                seen.push(address.to_string());
            }
            plan_resource(resource, "values", text, "planned_values", out);
        }
    }
    for change in root
        .get("resource_changes")
        .and_then(|m| m.value.as_array())
        .unwrap_or(&[])
    {
        let address = change.get("address").and_then(|m| m.value.as_str());
        if address.is_some_and(|a| seen.iter().any(|s| s == a)) {
            continue;
        }
        if let (Some(kind), Some(name), Some(after)) = (
            change.get("type").and_then(|m| m.value.as_str()),
            change.get("name").and_then(|m| m.value.as_str()),
            change.get("change").and_then(|m| m.value.get("after")),
        ) {
            let prefix = format!("resource_changes.{kind}.{name}");
            attributes_at(kind, &prefix, &after.value, text, out);
        }
    }
}

fn plan_resource<'h>(
    resource: &Node<'h>,
    values: &str,
    text: &'h str,
    section: &str,
    out: &mut Extraction<'h>,
) {
    let (Some(kind), Some(name), Some(values)) = (
        resource.get("type").and_then(|m| m.value.as_str()),
        resource.get("name").and_then(|m| m.value.as_str()),
        resource.get(values),
    ) else {
        return;
    };
    let prefix = format!("{section}.{kind}.{name}");
    attributes_at(kind, &prefix, &values.value, text, out);
}

fn attributes_at<'h>(kind: &str, prefix: &str, values: &Node<'h>, text: &'h str, out: &mut Extraction<'h>) {
    for attribute in super::terraform::attributes_for(kind) {
        let Some(member) = values.get(attribute) else {
            continue;
        };
        let location = format!("{prefix}.{attribute}");
        push(&member.value, location, text, false, out);
    }
}

fn attributes_of<'h>(
    kind: &str,
    name: &str,
    attrs: &Node<'h>,
    text: &'h str,
    template: bool,
    out: &mut Extraction<'h>,
) {
    for attribute in super::terraform::attributes_for(kind) {
        let Some(member) = attrs.get(attribute) else {
            continue;
        };
        let location = format!("{kind}.{name}.{attribute}");
        push(&member.value, location, text, template, out);
    }
}

fn push<'h>(value: &Node<'h>, location: String, text: &'h str, template: bool, out: &mut Extraction<'h>) {
    match &value.value {
        Value::String(content) => {
            let source = json_string_document(text, value.span, content, template);
            if let Source::Text(embedded) = &source {
                // A whole-string interpolation (`"${data.x.document}"`) is no document.
                if embedded
                    .holes
                    .iter()
                    .any(|h| h.start == 0 && h.end == embedded.text.len())
                {
                    out.unknown += 1;
                    return;
                }
            }
            out.documents.push(Document {
                location,
                source,
                kind: None,
            });
        }
        // Terraform wants a string here (`jsonencode(...)`), but the object
        // says which policy is meant: it is linted as that policy, its
        // strings read as templates in a configuration.
        Value::Object(_) => {
            let mut tree = value.clone();
            if template {
                templates_in(&mut tree);
            }
            out.documents.push(Document {
                location,
                source: Source::Tree(tree),
                kind: None,
            });
        }
        Value::Null => {}
        _ => out.unknown += 1,
    }
}

/// Marks the strings of a tree that Terraform renders as templates: a
/// string with `${...}` is partly known (or unknown when nothing of it is
/// literal), one with a `%{...}` directive unknown.
fn templates_in(node: &mut Node<'_>) {
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(templates_in),
        Value::Object(members) => {
            if members
                .iter()
                .any(|m| m.key.contains("${") || m.key.contains("%{"))
            {
                node.value = Value::Unknown;
                return;
            }
            members.iter_mut().for_each(|m| templates_in(&mut m.value));
        }
        Value::String(text) if text.contains("${") || text.contains("%{") => {
            let original = text.to_string();
            let mut filled = original.clone();
            let holes = super::terraform::template_holes(&mut filled);
            if holes.is_empty() {
                return;
            }
            if holes.iter().any(|h| original.as_bytes()[h.start] == b'%') {
                node.value = Value::Unknown;
                return;
            }
            let mut segments: Vec<std::borrow::Cow<str>> = Vec::new();
            let mut at = 0;
            for hole in &holes {
                segments.push(std::borrow::Cow::Owned(original[at..hole.start].to_string()));
                at = hole.end;
            }
            segments.push(std::borrow::Cow::Owned(original[at..].to_string()));
            node.value = if segments.iter().all(|s| s.is_empty()) {
                Value::Unknown
            } else {
                Value::Partial(segments)
            };
        }
        _ => {}
    }
}
