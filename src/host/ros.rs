//! ROS templates (Alibaba Cloud Resource Orchestration Service), in JSON
//! and in YAML, recognised by `ROSTemplateFormatVersion` however the key is
//! written. The policy documents are the resource properties listed in
//! `rules/data/ros-resources.tsv`, as maps or as JSON text; intrinsic functions
//! (`Ref`, `Fn::Sub`, `Fn::Join`, `Fn::GetAtt`, ..., and the YAML short
//! tags) are computed at deployment, so they are unknown values.

use std::sync::OnceLock;

use super::{json_string_document, Document, Embedded, Extraction, Kind, Source, SourceMap};
use crate::core::{Span, Syntax};
use crate::fix::Encoding;
use crate::model::PolicyKind;
use crate::parse::parse_diagnostics;
use crate::parse::{self, Member, Node, Value};

const MARKER: &str = "ROSTemplateFormatVersion";

pub const JSON_KIND: Kind = Kind {
    name: "ROS template (JSON)",
    claims: |name, text| {
        // A byte-order mark is no whitespace to `trim_start`.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        Syntax::of(name) == Some(Syntax::Json)
            && body.trim_start().starts_with('{')
            && (body.contains(MARKER) || (body.contains("\\u") && marked(parse::parse(text).root.as_ref())))
    },
    extract: extract_json,
};

pub const YAML_KIND: Kind = Kind {
    name: "ROS template (YAML)",
    claims: |name, text| {
        Syntax::of(name) == Some(Syntax::Yaml)
            && (text.contains(MARKER)
                // The key written with an escape (`\x46`), through an alias
                // or with a tag: only the parsed keys tell.
                || (text.contains(['\\', '*', '!'])
                    && marked(super::yaml::parse(text).ok().flatten().as_ref())))
    },
    extract: extract_yaml,
};

/// Whether a template's root has the marker key, however it is written.
fn marked(root: Option<&Node<'_>>) -> bool {
    root.is_some_and(|root| root.get(MARKER).is_some())
}

/// Where a resource type's policy documents are: one row of
/// `rules/data/ros-resources.tsv`.
#[derive(Debug)]
struct Row {
    /// A type, or a prefix when the table's type ends in `*`.
    kind: &'static str,
    prefix: bool,
    place: Place,
    /// A session or control policy (the table's kind), which grants
    /// nothing by itself.
    policy: Option<PolicyKind>,
}

#[derive(Debug)]
enum Place {
    /// The first of these properties that is set (ROS reads
    /// `PolicyDocumentUnchecked` instead of `PolicyDocument` when it is).
    Property(Vec<&'static str>),
    /// A list property whose items hold the document under `key`, or,
    /// without `key`, are documents themselves (or system policy names).
    Items {
        list: &'static str,
        key: Option<&'static str>,
    },
}

impl Row {
    fn matches(&self, kind: &str) -> bool {
        if self.prefix {
            kind.starts_with(self.kind)
        } else {
            kind == self.kind
        }
    }
}

const TABLE: &str = include_str!("../../rules/data/ros-resources.tsv");

/// The rows of the table (build.rs has checked their shape).
fn table() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        super::resource_table(TABLE)
            .map(|(kind, property, policy)| {
                let (kind, prefix) = match kind.strip_suffix('*') {
                    Some(prefix) => (prefix, true),
                    None => (kind, false),
                };
                let place = match property.split_once("[]") {
                    Some((list, key)) => Place::Items {
                        list,
                        key: key.strip_prefix('.'),
                    },
                    None => Place::Property(property.split('|').collect()),
                };
                Row {
                    kind,
                    prefix,
                    place,
                    policy,
                }
            })
            .collect()
    })
}

fn extract_json(text: &str) -> Extraction<'_> {
    let parsed = parse::parse(text);
    // A byte-order mark before a template is the template's, not the
    // policy's: ROS sends RAM each document re-serialised from the parsed
    // template, so no mark reaches RAM.
    let bom = text.starts_with('\u{feff}');
    let errors: Vec<_> = parsed
        .errors
        .iter()
        .filter(|e| !(bom && e.span == Span::new(0, 3)))
        .cloned()
        .collect();
    let mut extraction = Extraction {
        diagnostics: parse_diagnostics(&errors).collect(),
        ..Extraction::default()
    };
    if let Some(root) = &parsed.root {
        documents(root, Host::Json(text), &mut extraction);
    }
    extraction
}

fn extract_yaml(text: &str) -> Extraction<'_> {
    let mut extraction = Extraction::default();
    match super::yaml::parse(text) {
        Ok(Some(root)) => documents(&root, Host::Yaml(text), &mut extraction),
        Ok(None) => {}
        Err(diagnostic) => extraction.diagnostics.push(*diagnostic),
    }
    extraction
}

/// The template's text and syntax, so that a document given as a string
/// can be read from its literal.
#[derive(Clone, Copy)]
enum Host<'h> {
    Json(&'h str),
    Yaml(&'h str),
}

/// The template's policy documents, where `rules/data/ros-resources.tsv`
/// says they are.
fn documents<'h>(root: &Node<'h>, host: Host<'h>, out: &mut Extraction<'h>) {
    terraform_workspace(root, out);
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
        let rows: Vec<&Row> = table().iter().filter(|row| row.matches(kind)).collect();
        for row in &rows {
            let Place::Property(names) = &row.place else {
                continue;
            };
            let chosen = names.iter().find_map(|name| {
                last(properties, name)
                    .filter(|m| !matches!(m.value.value, Value::Null))
                    .map(|m| (name, m))
            });
            if let Some((name, m)) = chosen {
                push(&m.value, at(name), host, row.policy, out);
            }
        }
        // Each list once, whatever rows name it.
        let mut lists: Vec<&str> = rows
            .iter()
            .filter_map(|row| match row.place {
                Place::Items { list, .. } => Some(list),
                Place::Property(_) => None,
            })
            .collect();
        lists.sort_unstable();
        lists.dedup();
        for list in lists {
            let keys: Vec<Option<&str>> = rows
                .iter()
                .filter_map(|row| match row.place {
                    Place::Items { list: l, key } if l == list => Some(key),
                    _ => None,
                })
                .collect();
            items(properties, list, &keys, &at, host, out);
        }
    }
}

/// A template with `Transform: Aliyun::Terraform-...` carries Terraform
/// files as strings under `Workspace`; their policies are not read yet
/// (docs/inputs.md), so each `.tf` file that names a `Statement` is counted
/// as a value not known, never passed over as holding no policy.
fn terraform_workspace(root: &Node<'_>, out: &mut Extraction<'_>) {
    let terraform = root
        .get("Transform")
        .and_then(|m| m.value.as_str())
        .is_some_and(|t| t.starts_with("Aliyun::Terraform"));
    let Some(files) = root
        .get("Workspace")
        .and_then(|m| m.value.as_object())
        .filter(|_| terraform)
    else {
        return;
    };
    out.unknown += files
        .iter()
        .filter(|f| f.key.ends_with(".tf"))
        .filter(|f| f.value.as_str().is_some_and(|s| s.contains("Statement")))
        .count();
}

/// The documents in the list property `list`: each item's member named by
/// one of `keys`, or (for a `None` key) the item itself when it reads as a
/// document.
fn items<'h>(
    properties: &Node<'h>,
    list: &str,
    keys: &[Option<&str>],
    at: &dyn Fn(&str) -> String,
    host: Host<'h>,
    out: &mut Extraction<'h>,
) {
    let Some(policies) = last(properties, list) else {
        return;
    };
    let Some(entries) = policies.value.as_array() else {
        if policies.value.is_unknown() || is_intrinsic(&policies.value) {
            out.unknown += 1;
        }
        return;
    };
    for (i, item) in entries.iter().enumerate() {
        let held = keys
            .iter()
            .flatten()
            .find_map(|key| last(item, key).map(|m| (*key, m)));
        match held {
            Some((key, m)) => push(&m.value, at(&format!("{list}[{i}].{key}")), host, None, out),
            // A list that also takes documents themselves (or a system
            // policy's name, which is no document).
            None if keys.contains(&None)
                && (item.get("Statement").is_some() || item.get("Version").is_some()) =>
            {
                push(item, at(&format!("{list}[{i}]")), host, None, out)
            }
            None if is_intrinsic(item) || item.is_unknown() => out.unknown += 1,
            None => {}
        }
    }
}

/// The last member named `key`, as ROS's JSON reader keeps it.
fn last<'t, 'h>(node: &'t Node<'h>, key: &str) -> Option<&'t Member<'h>> {
    node.as_object()?.iter().rev().find(|m| m.key == key)
}

fn push<'h>(
    value: &Node<'h>,
    location: String,
    host: Host<'h>,
    kind: Option<PolicyKind>,
    out: &mut Extraction<'h>,
) {
    let source = match (&value.value, host) {
        (Value::Object(_), _) if !is_intrinsic(value) => {
            Source::Tree(as_ros_sends(lower_intrinsics(value.clone())))
        }
        (Value::String(content), Host::Json(text)) => json_string_document(text, value.span, content, false),
        (Value::String(content), Host::Yaml(text)) => match yaml_string_document(text, value.span, content) {
            Some(source) => source,
            None => {
                out.unknown += 1;
                return;
            }
        },
        // A computed document.
        _ => {
            out.unknown += 1;
            return;
        }
    };
    out.documents.push(Document {
        location,
        source,
        kind,
    });
}

/// A document tree as ROS hands it to RAM: ROS types a policy's `Version`
/// as a string and converts the scalar written there (`Version: 1` is
/// sent as "1"), so a number there is the string of its digits.
fn as_ros_sends(mut root: Node<'_>) -> Node<'_> {
    if let Value::Object(members) = &mut root.value {
        for m in members.iter_mut().filter(|m| m.key == "Version") {
            if let Value::Number(n) = &m.value.value {
                m.value.value = Value::String(n.clone());
            }
        }
    }
    root
}

/// A document written as JSON text in a YAML string: a double-quoted
/// string on one line with JSON's escapes only, a single-quoted one on
/// one line, or a literal block (`|`). Other forms (folded, plain, quoted
/// over several lines) are not mapped back to the host: `None`, counted
/// as unknown.
fn yaml_string_document<'h>(host: &str, span: Span, content: &str) -> Option<Source<'h>> {
    let raw = host.get(span.start..span.end)?;
    let (map, encoding) = match raw.as_bytes().first()? {
        b'"' => {
            let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
            // JSON's escapes mean the same in YAML; YAML's others (`\x46`,
            // line folding) are not mapped.
            let mut escapes = inner.split('\\');
            let mut json_only = true;
            escapes.next();
            let mut escaped_backslash = false;
            for after in escapes {
                if escaped_backslash {
                    escaped_backslash = false;
                    continue;
                }
                match after.as_bytes().first() {
                    None => escaped_backslash = true,
                    Some(b'"' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u') => {}
                    Some(_) => json_only = false,
                }
            }
            if inner.contains('\n') || !json_only {
                return None;
            }
            return Some(json_string_document(host, span, content, false));
        }
        b'\'' => {
            let inner = raw.strip_prefix('\'')?.strip_suffix('\'')?;
            if inner.contains('\n') {
                return None;
            }
            // `''` is one quote; everything else is copied.
            let mut map = SourceMap::default();
            let mut i = 0;
            while i < inner.len() {
                let at = span.start + 1 + i;
                if inner[i..].starts_with("''") {
                    map.push(1, Span::new(at, at + 2));
                    i += 2;
                } else {
                    let width = inner[i..].chars().next().map_or(1, char::len_utf8);
                    map.push(width, Span::new(at, at + width));
                    i += width;
                }
            }
            (map, Encoding::YamlSingleQuoted)
        }
        // A block scalar's span starts at its content, below the header.
        _ => (literal_block(host, span, content)?, Encoding::YamlBlock),
    };
    Some(Source::Text(Embedded {
        text: content.to_string(),
        map,
        holes: Vec::new(),
        encoding,
    }))
}

/// The map of a literal block scalar's content: each line without its
/// indentation, copied byte for byte. `None` when the scalar is no literal
/// block (a plain or folded one), or when the lines do not give `content`
/// back (an explicit indentation indicator, tabs, a chomping this reading
/// does not follow): the caller then counts it unknown.
fn literal_block(host: &str, span: Span, content: &str) -> Option<SourceMap> {
    let before = host.get(..span.start)?;
    let body_start = before.rfind('\n')? + 1;
    if !before[body_start..].bytes().all(|b| b == b' ') {
        return None;
    }
    let header_line = &before[..body_start - 1];
    let header = header_line[header_line.rfind('\n').map_or(0, |i| i + 1)..].trim_end();
    // `key: |`, `- |-`, `key: |+ # comment`: the indicator ends the line
    // before any comment.
    let header = header.split(" #").next().unwrap_or(header).trim_end();
    if !(header.ends_with('|') || header.ends_with("|-") || header.ends_with("|+")) {
        return None;
    }
    let body = host.get(body_start..)?;
    let indent = body
        .lines()
        .find(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())?;
    let mut map = SourceMap::default();
    let mut rebuilt = String::with_capacity(content.len());
    let mut offset = body_start;
    for line in body.split_inclusive('\n') {
        if rebuilt.len() >= content.len() {
            break;
        }
        let blank = line.trim().is_empty();
        let skip = if blank {
            line.len() - usize::from(line.ends_with('\n'))
        } else {
            indent
        };
        if !blank && !line.starts_with(&" ".repeat(indent)) {
            break;
        }
        let kept = &line[skip..];
        let take = kept.len().min(content.len() - rebuilt.len());
        map.push(take, Span::new(offset + skip, offset + skip + take));
        rebuilt.push_str(&kept[..take]);
        offset += line.len();
    }
    (rebuilt == content).then_some(map)
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
