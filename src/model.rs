//! Stage 2: the typed RAM policy view over a parsed JSON tree.
//!
//! The model is lenient: it keeps whatever is well typed and leaves the rest to
//! the grammar checks, which read the raw tree and report it. Later checks and
//! the evaluator can then rely on the model's types without re-validating.

use crate::core::path::{push_index, push_name};
use crate::core::{Span, Spanned};
use crate::parse::{Member, Node, Partial, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// Identity policies are attached to users, groups and roles; trust (and other
/// resource) policies name a `Principal` and need no `Resource`. Session and
/// control policies only narrow what something else grants, so a host that
/// knows it holds one says so (`rules/data/*-resources.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Identity,
    Trust,
    /// An STS session policy (`assume_role { policy }`): the session gets
    /// what both it and the role allow.
    Session,
    /// A Resource Directory control policy: a guardrail over what the
    /// member accounts' own policies grant.
    Control,
}

impl PolicyKind {
    /// The kind a host's resource table names (`identity`, `trust`,
    /// `session`, `control`); build.rs has checked the cells.
    pub fn from_table(cell: &str) -> Option<PolicyKind> {
        match cell {
            "identity" => Some(PolicyKind::Identity),
            "trust" => Some(PolicyKind::Trust),
            "session" => Some(PolicyKind::Session),
            "control" => Some(PolicyKind::Control),
            _ => None,
        }
    }

    /// Whether an Allow in it grants access by itself: not in a session or
    /// control policy, whose Allow `*` on `*` is the default that narrows
    /// nothing.
    pub fn grants(self) -> bool {
        matches!(self, PolicyKind::Identity | PolicyKind::Trust)
    }
}

#[derive(Debug)]
pub struct Policy<'a> {
    pub root: &'a Node<'a>,
    pub kind: PolicyKind,
    pub statements: Vec<Statement<'a>>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource` with its string values.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    /// True for `NotAction` / `NotResource`.
    pub negated: bool,
    pub key_span: Span,
    pub value_span: Span,
    /// The string values (a lone string is a one-element list); values of
    /// other types are left out here and reported by the grammar checks.
    pub values: Vec<Spanned<&'a str>>,
    /// The spans of every item when the value is an array (strings or not),
    /// for fixes that remove one; empty for a lone value.
    pub items: Vec<Span>,
    /// False when the value holds an unknown (a host expression): then
    /// `values` is only part of what RAM will see, and no check may conclude
    /// from what the list lacks.
    pub complete: bool,
    /// The partly known strings among the values
    /// (`"acs:ens:*:${var.account}:instance/*"`), which checks may judge by
    /// what no value of their holes changes.
    pub partial: Vec<Spanned<Partial<'a, 'a>>>,
    /// True when the value holds an unknown that is not such a string (a
    /// whole value computed by the host): then nothing may be concluded
    /// from what the list lacks even with the partial strings judged.
    pub opaque: bool,
}

#[derive(Debug, Clone)]
pub struct ConditionBlock<'a> {
    /// The operator as written, qualifier included (`ForAllValues:StringEquals`).
    pub operator: Spanned<&'a str>,
    pub entries: Vec<ConditionEntry<'a>>,
}

#[derive(Debug, Clone)]
pub struct ConditionEntry<'a> {
    pub key: Spanned<&'a str>,
    pub value_span: Span,
    pub values: Vec<Spanned<&'a str>>,
}

#[derive(Debug, Clone)]
pub struct Statement<'a> {
    pub index: usize,
    pub node: &'a Node<'a>,
    /// The effect, when it is exactly `Allow` or `Deny`.
    pub effect: Option<Spanned<Effect>>,
    pub action: Option<Element<'a>>,
    pub resource: Option<Element<'a>>,
    pub condition: Vec<ConditionBlock<'a>>,
    pub condition_span: Option<Span>,
    /// False when `Condition` holds an unknown operator block or key set:
    /// then the statement may be conditional even if `condition` looks empty.
    pub condition_complete: bool,
    pub principal: Option<&'a Member<'a>>,
}

impl<'a> Statement<'a> {
    pub fn is_allow(&self) -> bool {
        matches!(
            self.effect,
            Some(Spanned {
                value: Effect::Allow,
                ..
            })
        )
    }

    pub fn is_deny(&self) -> bool {
        matches!(
            self.effect,
            Some(Spanned {
                value: Effect::Deny,
                ..
            })
        )
    }

    /// Span of the opening `{`: where findings about a missing element point.
    pub fn open_brace(&self) -> Span {
        Span::new(self.node.span.start, self.node.span.start + 1)
    }
}

/// The last member named `key`: with duplicate keys, most JSON parsers keep the
/// last one, so that is what RAM most likely sees.
pub fn member<'a>(node: &'a Node<'a>, key: &str) -> Option<&'a Member<'a>> {
    node.as_object()?.iter().rev().find(|m| m.key == key)
}

impl<'a> Policy<'a> {
    /// Builds the model, or `None` when the root is not an object.
    pub fn from_root(root: &'a Node<'a>) -> Option<Policy<'a>> {
        root.as_object()?;
        let statements: Vec<Statement<'a>> = member(root, "Statement")
            .and_then(|m| m.value.as_array())
            .unwrap_or(&[])
            .iter()
            .filter(|node| node.as_object().is_some())
            .enumerate()
            .map(|(index, node)| Statement::from_node(index, node))
            .collect();
        let kind = if statements.iter().any(|s| s.principal.is_some()) {
            PolicyKind::Trust
        } else {
            PolicyKind::Identity
        };
        Some(Policy {
            root,
            kind,
            statements,
        })
    }
}

impl<'a> Statement<'a> {
    fn from_node(index: usize, node: &'a Node<'a>) -> Statement<'a> {
        let effect = member(node, "Effect").and_then(|m| {
            let effect = match m.value.as_str()? {
                "Allow" => Effect::Allow,
                "Deny" => Effect::Deny,
                _ => return None,
            };
            Some(Spanned::new(effect, m.value.span))
        });
        let condition_member = member(node, "Condition");
        Statement {
            index,
            node,
            effect,
            action: element(node, "Action", "NotAction"),
            resource: element(node, "Resource", "NotResource"),
            condition: condition_member
                .map(|m| condition_blocks(&m.value))
                .unwrap_or_default(),
            condition_span: condition_member.map(|m| m.value.span),
            condition_complete: condition_member.is_none_or(|m| condition_known(&m.value)),
            principal: member(node, "Principal"),
        }
    }
}

fn element<'a>(node: &'a Node<'a>, positive: &str, negative: &str) -> Option<Element<'a>> {
    let (m, negated) = member(node, positive)
        .map(|m| (m, false))
        .or_else(|| member(node, negative).map(|m| (m, true)))?;
    Some(Element {
        negated,
        key_span: m.key_span,
        value_span: m.value.span,
        values: string_values(&m.value),
        items: m
            .value
            .as_array()
            .map_or_else(Vec::new, |items| items.iter().map(|i| i.span).collect()),
        complete: !holds_unknown(&m.value),
        partial: partial_values(&m.value),
        opaque: match &m.value.value {
            Value::Partial(_) => false,
            Value::Array(items) => items.iter().any(|i| holds_unknown(i) && i.as_partial().is_none()),
            _ => holds_unknown(&m.value),
        },
    })
}

/// The partly known strings of a string or an array of strings.
fn partial_values<'a>(node: &'a Node<'a>) -> Vec<Spanned<Partial<'a, 'a>>> {
    match &node.value {
        Value::Partial(_) => node
            .as_partial()
            .map(|p| Spanned::new(p, node.span))
            .into_iter()
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| item.as_partial().map(|p| Spanned::new(p, item.span)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `node` or anything inside it is an unknown value.
pub fn holds_unknown(node: &Node<'_>) -> bool {
    match &node.value {
        Value::Unknown | Value::Partial(_) => true,
        Value::Array(items) => items.iter().any(holds_unknown),
        Value::Object(members) => members.iter().any(|m| holds_unknown(&m.value)),
        _ => false,
    }
}

/// Whether the operators and keys of a `Condition` are all known (their
/// values may still be unknown: that does not make a block disappear).
fn condition_known(node: &Node<'_>) -> bool {
    match &node.value {
        Value::Unknown | Value::Partial(_) => false,
        Value::Object(operators) => operators.iter().all(|op| !op.value.is_unknown()),
        _ => true,
    }
}

/// A string, or the strings of an array; anything else contributes nothing.
pub fn string_values<'a>(node: &'a Node<'a>) -> Vec<Spanned<&'a str>> {
    match &node.value {
        Value::String(s) => vec![Spanned::new(s.as_ref(), node.span)],
        Value::Array(items) => items
            .iter()
            .filter_map(|item| item.as_str().map(|s| Spanned::new(s, item.span)))
            .collect(),
        _ => Vec::new(),
    }
}

fn condition_blocks<'a>(node: &'a Node<'a>) -> Vec<ConditionBlock<'a>> {
    let Some(operators) = node.as_object() else {
        return Vec::new();
    };
    operators
        .iter()
        .filter_map(|op| {
            let entries = op.value.as_object()?;
            Some(ConditionBlock {
                operator: Spanned::new(op.key.as_ref(), op.key_span),
                entries: entries
                    .iter()
                    .map(|entry| ConditionEntry {
                        key: Spanned::new(entry.key.as_ref(), entry.key_span),
                        value_span: entry.value.span,
                        values: string_values(&entry.value),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The RFC 9535 normalized path of the deepest element whose key or value
/// holds `span`, such as `$['Statement'][0]['Action'][1]`.
pub fn normalized_path(root: &Node<'_>, span: Span) -> String {
    // Room for a statement element's path, so it is not grown four times.
    let mut path = String::with_capacity(48);
    path.push('$');
    let mut node = root;
    loop {
        let next = match &node.value {
            // Children are in source order and do not overlap, so the only
            // candidate is the last one starting at or before the span: a
            // binary search keeps a file's paths linear in its findings.
            // A one-byte finding at an object's first byte is on the object
            // itself (where a missing element is reported): in JSON that
            // byte is its `{`; in a YAML block mapping it is also the first
            // key's, which must not take the finding.
            Value::Object(_) if span.start == node.span.start && span.len() <= 1 && node.span != span => None,
            Value::Object(members) => members[..members.partition_point(|m| m.key_span.start <= span.start)]
                .last()
                .filter(|m| m.key_span.contains(span) || m.value.span.contains(span))
                .map(|m| {
                    push_name(&mut path, &m.key);
                    &m.value
                }),
            Value::Array(items) => {
                let i = items.partition_point(|item| item.span.start <= span.start);
                items[..i]
                    .last()
                    .filter(|item| item.span.contains(span))
                    .inspect(|_| push_index(&mut path, i - 1))
            }
            _ => None,
        };
        match next {
            Some(child) if child.span.contains(span) => node = child,
            _ => return path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn model_reads_elements_with_spans() {
        let text = r#"{"Version":"1","Statement":[{"Effect":"Deny","NotAction":["ens:A","ens:B"],"Resource":"*","Condition":{"Bool":{"acs:MFAPresent":"false"}}}]}"#;
        let root = parse(text).root.expect("parses");
        let policy = Policy::from_root(&root).expect("object");
        assert_eq!(policy.kind, PolicyKind::Identity);
        let statement = &policy.statements[0];
        assert!(statement.is_deny());
        let action = statement.action.as_ref().expect("action");
        assert!(action.negated);
        assert_eq!(action.values[1].value, "ens:B");
        let span = action.values[1].span;
        assert_eq!(&text[span.start..span.end], "\"ens:B\"");
        assert_eq!(statement.condition[0].entries[0].values[0].value, "false");
        assert_eq!(normalized_path(&root, span), "$['Statement'][0]['NotAction'][1]");
    }

    #[test]
    fn normalized_paths_escape_names() {
        let text = r#"{"it's\\":{"a":1}}"#;
        let root = parse(text).root.expect("parses");
        let inner = root.as_object().expect("object")[0].value.span;
        assert_eq!(normalized_path(&root, inner), r"$['it\'s\\']");
    }
}
