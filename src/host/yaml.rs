//! YAML text -> the span-carrying JSON tree ([`crate::parse::Node`]), for
//! ROS templates written in YAML. saphyr-parser reports every event with
//! its tag and its character range; ranges are turned into byte offsets
//! here. Tagged nodes other than the core schema's (`!Ref`, `!Sub`,
//! `!GetAtt`, ...) are computed by ROS, so they become [`Value::Unknown`];
//! the core schema's tags, however written (`!!str`, the verbatim
//! `!<tag:yaml.org,2002:str>`), and the non-specific `!` are plain YAML.
//! Anchors, aliases and merge keys (`<<`) are plain YAML, resolved here as
//! any YAML loader does, within [`MAX_EXPANDED_NODES`] so that nested
//! aliases cannot multiply a small file into a huge tree.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::core::Diagnostic;
use crate::core::Span;
use crate::parse::json::MAX_DEPTH;
use crate::parse::{Member, Node, Value};

/// The most nodes a document may hold once its aliases are expanded: far
/// above any real template, far below what "a billion laughs" asks for.
const MAX_EXPANDED_NODES: usize = 1_000_000;

/// The first document of `text` as a tree, or the reason it does not parse.
pub fn parse(text: &str) -> Result<Option<Node<'_>>, Box<Diagnostic>> {
    crate::parse::count_parse();
    let offsets = ByteOffsets::new(text);
    let mut stack: Vec<Open<'_>> = Vec::new();
    // Each anchored node, with how many nodes it holds.
    let mut anchors: std::collections::HashMap<usize, (Node<'_>, usize)> = Default::default();
    let mut expanded = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(pair) => pair,
            Err(error) => {
                let at = offsets.byte(error.marker().index());
                let width = text[at..].chars().next().map_or(0, char::len_utf8);
                return Err(Box::new(crate::parse::host_syntax_error(
                    Span::new(at, at + width),
                    format!("the YAML does not parse: {}", error.info()),
                )));
            }
        };
        let span = Span::new(offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        let (node, anchor, size) = match event {
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Box::new(crate::parse::host_syntax_error(
                        span,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    )));
                }
                stack.push(Open {
                    start: span.start,
                    anchor,
                    size: 1,
                    computed: tag.as_deref().is_some_and(|tag| tagged(tag) == Tagged::Computed),
                    mapping: matches!(event, Event::MappingStart(..)),
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(open) = stack.pop() else { continue };
                let span = Span::new(open.start, span.end.max(open.start));
                let value = if open.computed {
                    Value::Unknown
                } else if open.mapping {
                    mapping(open.items)
                } else {
                    Value::Array(open.items)
                };
                (Node { span, value }, open.anchor, open.size)
            }
            Event::Scalar(value, style, anchor, tag) => {
                (scalar(text, span, value, style, tag.as_deref()), anchor, 1)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, size)) => {
                    expanded += size;
                    if expanded > MAX_EXPANDED_NODES {
                        return Err(Box::new(crate::parse::host_syntax_error(
                            span,
                            format!(
                                "the YAML's aliases expand to more than {MAX_EXPANDED_NODES} nodes; it was not read further"
                            ),
                        )));
                    }
                    (node.clone(), 0, *size)
                }
                // An alias before its anchor is not YAML; saphyr reports it.
                None => (
                    Node {
                        span,
                        value: Value::Unknown,
                    },
                    0,
                    1,
                ),
            },
            Event::DocumentEnd => break,
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), size));
        }
        match stack.last_mut() {
            Some(open) => {
                open.size = open.size.saturating_add(size);
                open.items.push(node);
            }
            None => return Ok(Some(node)),
        }
    }
    Ok(None)
}

/// A collection being read: its items, keys and values alternating for a
/// mapping.
struct Open<'a> {
    start: usize,
    /// Its anchor's id, 0 for none.
    anchor: usize,
    /// Nodes in it so far, itself included.
    size: usize,
    computed: bool,
    mapping: bool,
    items: Vec<Node<'a>>,
}

/// Pairs of key and value nodes -> members; a key that is not a string
/// (a mapping as key, an unknown) makes the whole mapping unknown. A merge
/// key (`<<: *base`, `<<: [*a, *b]`) adds the merged mappings' members that
/// the mapping does not set itself, the first merged mapping first, as YAML's
/// merge type says; merging what is not a mapping makes it unknown.
fn mapping(items: Vec<Node<'_>>) -> Value<'_> {
    let mut members = Vec::with_capacity(items.len() / 2);
    let mut merged: Vec<Member<'_>> = Vec::new();
    // Keys already merged, so a long merge stays linear.
    let mut merged_keys = std::collections::HashSet::new();
    let mut items = items.into_iter();
    while let (Some(key), Some(value)) = (items.next(), items.next()) {
        let name = match key.value {
            Value::String(s) => s,
            Value::Number(n) => n,
            Value::Bool(b) => Cow::Owned(b.to_string()),
            _ => return Value::Unknown,
        };
        if name == "<<" {
            let sources = match value.value {
                Value::Array(nodes) => nodes,
                _ => vec![value],
            };
            for source in sources {
                let Value::Object(from) = source.value else {
                    return Value::Unknown;
                };
                for member in from {
                    if merged_keys.insert(member.key.clone()) {
                        merged.push(member);
                    }
                }
            }
            continue;
        }
        members.push(Member {
            key: name,
            key_span: key.span,
            value,
        });
    }
    if !merged.is_empty() {
        let own: std::collections::HashSet<Cow<'_, str>> = members.iter().map(|m| m.key.clone()).collect();
        members.extend(merged.into_iter().filter(|m| !own.contains(&m.key)));
    }
    Value::Object(members)
}

/// What a tag makes of its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tagged<'t> {
    /// A core schema tag by its name (`str`, `int`, `map`, ...), written
    /// `!!str` or verbatim as `!<tag:yaml.org,2002:str>`.
    Core(&'t str),
    /// The non-specific tag `!`: YAML 1.2 (section 6.9.1) resolves a
    /// scalar so tagged to a string and a collection to a map or sequence.
    NonSpecific,
    /// Any other tag: a ROS function (`!Ref`, `!Sub`, ...) computed at
    /// deployment.
    Computed,
}

/// How `tag` reads. saphyr gives a verbatim tag an empty handle and the
/// whole URI as suffix, and `!` an empty handle and the suffix `!`.
fn tagged(tag: &Tag) -> Tagged<'_> {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.is_yaml_core_schema() {
        return Tagged::Core(&tag.suffix);
    }
    match (tag.handle.as_str(), tag.suffix.as_str()) {
        ("", "!") => Tagged::NonSpecific,
        ("", uri) => uri.strip_prefix(CORE).map_or(Tagged::Computed, Tagged::Core),
        _ => Tagged::Computed,
    }
}

fn scalar<'a>(
    text: &'a str,
    span: Span,
    value: Cow<'a, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Node<'a> {
    let value = match tag.map(tagged) {
        Some(Tagged::Computed) => Value::Unknown,
        Some(Tagged::Core("str") | Tagged::NonSpecific) => Value::String(value),
        _ if style != ScalarStyle::Plain => Value::String(value),
        _ => plain(&text[span.start..span.end], value),
    };
    Node { span, value }
}

/// A plain scalar under the YAML 1.2 core schema.
fn plain<'a>(lexeme: &'a str, value: Cow<'a, str>) -> Value<'a> {
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        v if is_number(v) && lexeme == v => Value::Number(Cow::Borrowed(lexeme)),
        _ => Value::String(value),
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.parse::<f64>().is_ok()
        && !digits.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
}

/// Character index -> byte offset; the identity for ASCII text.
struct ByteOffsets {
    starts: Option<Vec<usize>>,
    len: usize,
}

impl ByteOffsets {
    fn new(text: &str) -> Self {
        let starts = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        ByteOffsets {
            starts,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.starts {
            None => char_index.min(self.len),
            Some(starts) => starts.get(char_index).copied().unwrap_or(self.len),
        }
    }
}
