//! Host files: a file the user opened holds zero or more policy documents
//! (a plain policy is one, a Terraform module or a ROS template may hold
//! many). Each input kind is one module that turns the host's text into
//! [`Document`]s, and one row of [`KINDS`]; everything after that (checks,
//! element paths, severities, spans into the host bytes) is the engine's
//! (`engine::hosts`); lowering a document to its tree, and what the
//! editor's cursor needs of the documents lowered ([`outline`]: statements
//! for hover, where a suppression comment goes), are here.

pub mod files;
pub mod map;
pub mod outline;
pub mod ros;
pub mod terraform;
pub mod terraform_json;
pub mod terraform_module;
pub mod yaml;

use crate::model::PolicyKind;
use std::borrow::Cow;
use std::path::Path;

use crate::core::Diagnostic;
use crate::core::{Span, Syntax};
use crate::fix::Encoding;

use crate::parse::{self, parse_diagnostics, Node, Value};

pub use files::FileReference;
pub use map::SourceMap;

/// The rows of a host's resource table (`rules/data/*-resources.tsv`,
/// whose shape build.rs has checked): the resource type, the property that
/// holds a policy, and the policy kind when it grants nothing by itself
/// (a session or control policy).
pub(crate) fn resource_table(
    table: &'static str,
) -> impl Iterator<Item = (&'static str, &'static str, Option<PolicyKind>)> {
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (kind, property) = (fields.next()?, fields.next()?);
            let policy = PolicyKind::from_table(fields.next()?).filter(|k| !k.grants());
            Some((kind, property, policy))
        })
}

/// One policy document found in a host file.
#[derive(Debug)]
pub struct Document<'h> {
    /// Where the document sits in its host, such as
    /// `alicloud_ram_policy.images.policy_document` or
    /// `Resources.ImagePolicy.Properties.PolicyDocument`.
    pub location: String,
    pub source: Source<'h>,
    /// What the host's resource table says the document is, when that is
    /// more than its content shows: a session or control policy.
    pub kind: Option<PolicyKind>,
}

/// A document's tree, or the text it is written as.
#[derive(Debug)]
pub enum Source<'h> {
    /// Lowered from the host's own syntax (a YAML mapping, an HCL object, a
    /// JSON object in a template): every span is already a host span.
    Tree(Node<'h>),
    /// JSON written as text inside a host string.
    Text(Embedded),
}

/// JSON text decoded from a host string, with the way back to host bytes.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub text: String,
    pub map: SourceMap,
    /// Decoded spans computed by the host (`${...}` interpolations), each
    /// already replaced in `text` by a placeholder of the same length; any
    /// value they touch is unknown.
    pub holes: Vec<Span>,
    /// How the host writes the text, for writing fixes back.
    pub encoding: Encoding,
}

/// What one host kind found in a file.
#[derive(Debug, Default)]
pub struct Extraction<'h> {
    pub documents: Vec<Document<'h>>,
    /// Problems with the host itself (it does not parse).
    pub diagnostics: Vec<Diagnostic>,
    /// Documents left unknown because the host computes them whole (values
    /// inside the documents found are counted from the documents).
    pub unknown: usize,
    /// Policies this file uses that another file of its Terraform module
    /// holds (a data source, a local): linted there.
    pub elsewhere: usize,
    /// Documents the host names by path (`file("x.json")`): the caller,
    /// which knows where the host lives, lints them under their own names.
    pub files: Vec<FileReference>,
    /// Where the host's strings are (byte ranges), taken from the parse that
    /// found the documents, for reading its suppression comments without
    /// parsing it again: filled by a host whose comments need its parser
    /// (Terraform), and only when the file holds a suppression marker.
    pub strings: Option<Vec<std::ops::Range<usize>>>,
}

/// A registered input kind.
pub struct Kind {
    pub name: &'static str,
    /// Whether this kind reads the file, by its name and a cheap look at its
    /// text. The first kind that claims a file reads it.
    pub claims: fn(name: &str, text: &str) -> bool,
    pub extract: for<'h> fn(&'h str) -> Extraction<'h>,
}

/// Every host kind, in the order they are asked. A file no kind claims is
/// read as a plain policy document
/// (`engine::pipeline::lint_file`); `--jsonpath` bypasses the
/// table (`embedded`).
pub const KINDS: &[Kind] = &[
    terraform::KIND,
    terraform_json::KIND,
    ros::JSON_KIND,
    ros::YAML_KIND,
];

/// The kind that reads `name` with `text`, if any.
pub fn kind_for(name: &str, text: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| (kind.claims)(name, text))
}

/// Whether a walk should pick up `path` (the name alone decides; content
/// decides later whether it holds a policy).
pub fn is_walked_name(path: &Path) -> bool {
    // A name that is not UTF-8 is still walked (and reported as unreadable
    // or linted under its lossy name).
    let Some(name) = path.file_name() else {
        return false;
    };
    Syntax::of(&name.to_string_lossy()).is_some()
}

/// Whether a host kind claims a file by its name alone (`.tf`, `.tf.json`,
/// `.yaml`, `.yml`), so that it is never read as a plain policy when walked.
pub fn read_by_kind(name: &str) -> bool {
    is_yaml_or_tf(name) || name.to_ascii_lowercase().ends_with(".tf.json")
}

/// A name only a host kind reads (never a plain policy): one no kind
/// claims holds no policy.
pub fn is_yaml_or_tf(name: &str) -> bool {
    matches!(Syntax::of(name), Some(Syntax::Hcl | Syntax::Yaml))
}

/// A document's tree, parsed once for both the checks and the evaluator.
#[derive(Debug)]
pub struct Lowered<'t> {
    /// Where the document sits in its host.
    pub location: &'t str,
    /// `None` when the text does not parse (`errors` say why).
    pub root: Option<Cow<'t, Node<'t>>>,
    /// What the tree's spans index: the host, or the decoded text of a
    /// host string.
    pub text: &'t str,
    /// The host string a document written as text was decoded from: its
    /// map leads back to host bytes.
    pub embedded: Option<&'t Embedded>,
    /// Parse errors, as findings with spans into `text`.
    pub errors: Vec<Diagnostic>,
    /// The host's word on what the document is ([`Document::kind`]).
    pub kind: Option<PolicyKind>,
    /// `text` is the document exactly as RAM receives it, so it can be
    /// measured (not a tree lowered from YAML or HCL, no interpolations).
    pub exact_text: bool,
}

impl Lowered<'_> {
    /// A span of the tree in host bytes.
    pub fn host_span(&self, span: Span) -> Span {
        self.embedded.map_or(span, |embedded| embedded.map.span(span))
    }

    /// Whether the host computes any value in it (or all of it).
    pub fn has_unknown(&self) -> bool {
        self.root.as_deref().is_some_and(|root| count_unknown(root) > 0)
    }
}

/// Lowers one document: a tree is taken as it is, a text is parsed and
/// every value its holes touch becomes unknown. `None` when a text with
/// holes does not parse: what Terraform renders into the holes may well be
/// JSON, so nothing is known about it.
pub fn lower<'t>(document: &'t Document<'_>, host: &'t str) -> Option<Lowered<'t>> {
    let location = document.location.as_str();
    match &document.source {
        Source::Tree(root) => Some(Lowered {
            location,
            root: Some(Cow::Borrowed(root)),
            text: host,
            embedded: None,
            errors: Vec::new(),
            kind: document.kind,
            exact_text: false,
        }),
        Source::Text(embedded) => {
            let parsed = parse::parse(&embedded.text);
            if !embedded.holes.is_empty() && !parsed.errors.is_empty() {
                return None;
            }
            let root = parsed.root.map(|mut root| {
                mark_holes(&mut root, &embedded.holes, &embedded.text);
                Cow::Owned(root)
            });
            Some(Lowered {
                location,
                root,
                text: &embedded.text,
                embedded: Some(embedded),
                errors: parse_diagnostics(&parsed.errors).collect(),
                kind: document.kind,
                exact_text: embedded.holes.is_empty(),
            })
        }
    }
}

/// Turns every value a hole touches into [`Value::Unknown`], or, for a
/// string with literal text around its holes, into [`Value::Partial`]; an
/// object with an unknown key becomes unknown whole.
fn mark_holes(root: &mut Node<'_>, holes: &[Span], text: &str) {
    if holes.is_empty() {
        return;
    }
    let touches = |span: Span| holes.iter().any(|h| h.start < span.end && span.start < h.end);
    fn walk(node: &mut Node<'_>, touches: &dyn Fn(Span) -> bool, holes: &[Span], text: &str) {
        if !touches(node.span) {
            return;
        }
        match &mut node.value {
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, touches, holes, text)),
            Value::Object(members) => {
                if members.iter().any(|m| touches(m.key_span)) {
                    node.value = Value::Unknown;
                    return;
                }
                members
                    .iter_mut()
                    .for_each(|m| walk(&mut m.value, touches, holes, text));
            }
            _ => node.value = partial(node.span, holes, text).unwrap_or(Value::Unknown),
        }
    }
    walk(root, &touches, holes, text);
}

/// The string at `span` of `text` as literal segments around the holes
/// inside it, when it is a JSON string written without escapes (so text
/// offsets are value offsets) and holds some literal text.
fn partial<'a>(span: Span, holes: &[Span], text: &str) -> Option<Value<'a>> {
    let raw = text.get(span.start..span.end)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        return None;
    }
    let (start, end) = (span.start + 1, span.end - 1);
    let mut segments: Vec<Cow<str>> = Vec::new();
    let mut at = start;
    for hole in holes.iter().filter(|h| h.start < end && start < h.end) {
        if hole.start < start || hole.end > end {
            return None;
        }
        segments.push(Cow::Owned(text[at..hole.start].to_string()));
        at = hole.end;
    }
    segments.push(Cow::Owned(text[at..end].to_string()));
    (segments.len() >= 2 && segments.iter().any(|s| !s.is_empty())).then_some(Value::Partial(segments))
}

/// Unknown values inside the documents: interpolations in their text,
/// unknown nodes in their trees.
pub(crate) fn count_unknown_in(documents: &[Document<'_>]) -> usize {
    documents
        .iter()
        .map(|d| match &d.source {
            Source::Text(embedded) => embedded.holes.len(),
            Source::Tree(root) => count_unknown(root),
        })
        .sum()
}

/// Counts the unknown values in a tree (for `--show-files`).
fn count_unknown(node: &Node<'_>) -> usize {
    match &node.value {
        Value::Unknown | Value::Partial(_) => 1,
        Value::Array(items) => items.iter().map(count_unknown).sum(),
        Value::Object(members) => members.iter().map(|m| count_unknown(&m.value)).sum(),
        _ => 0,
    }
}

/// A JSON-string document inside a host JSON file (a ROS `PolicyDocument`
/// given as a string, a plan's `policy_document`): its literal is at `span`.
/// With `template`, the content is a Terraform template whose `${...}` and
/// `%{...}` are unknown.
pub fn json_string_document<'h>(host: &str, span: Span, content: &str, template: bool) -> Source<'h> {
    let map = SourceMap::json_string(&host[span.start + 1..span.end - 1], span.start + 1);
    let mut text = content.to_string();
    let holes = if template {
        let holes = terraform::template_holes(&mut text);
        terraform::repair_holes(&mut text, &holes);
        holes
    } else {
        Vec::new()
    };
    Source::Text(Embedded {
        text,
        map,
        holes,
        encoding: Encoding::JsonString,
    })
}

/// The host spans of every value in `documents` the host computes whole:
/// what no finding may rest on. (A partly known string may hold one that
/// is true whatever its holes hold.)
pub fn unknown_spans(documents: &[Document<'_>], host: &str) -> Vec<Span> {
    fn walk(node: &Node<'_>, out: &mut Vec<Span>, to_host: &dyn Fn(Span) -> Span) {
        match &node.value {
            Value::Unknown => out.push(to_host(node.span)),
            Value::Array(items) => items.iter().for_each(|item| walk(item, out, to_host)),
            Value::Object(members) => members.iter().for_each(|m| walk(&m.value, out, to_host)),
            _ => {}
        }
    }
    let mut spans = Vec::new();
    for document in documents {
        let Some(lowered) = lower(document, host) else {
            continue;
        };
        if let Some(root) = lowered.root.as_deref() {
            walk(root, &mut spans, &|span| lowered.host_span(span));
        }
    }
    spans
}
