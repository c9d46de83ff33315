//! Grammar checks: the document's shape against RAM's policy grammar
//! (elements, their JSON types, required pairs, the length limit).

use std::collections::HashMap;

use super::Context;
use crate::core::text::nearest;
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::Span;
use crate::core::{Edit, Fix};
use crate::fix;
use crate::model::{member, Policy, PolicyKind};
use crate::parse::{Member, Node, Value};

const TOP_LEVEL: &[&str] = &["Version", "Statement"];
const STATEMENT: &[&str] = &[
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "Condition",
    "Principal",
];
const PRINCIPAL_TYPES: &[&str] = &["RAM", "Service", "Federated"];

pub(super) fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let root = policy.root;
    duplicate_keys(root, false, out);
    policy_length(root, cx, out);
    let open = Span::new(root.span.start, root.span.start + 1);

    let Some(members) = root.as_object() else {
        return;
    };
    for m in members {
        element_name(m, members, TOP_LEVEL, &["Id"], out);
    }
    version(member(root, "Version"), open, out);
    let Some(statement) = member(root, "Statement") else {
        out.push(
            Diagnostic::new(
                Rule::InvalidStatement,
                open,
                "the policy has no `Statement` element",
            )
            .with_help("add \"Statement\": [ { \"Effect\": ..., \"Action\": ..., \"Resource\": ... } ]"),
        );
        return;
    };
    if statement.value.is_unknown() {
        return;
    }
    let Some(items) = statement.value.as_array() else {
        let help = if statement.value.as_object().is_some() {
            "RAM expects a list even for one statement: wrap the object in [ ]"
        } else {
            "`Statement` is an array of statement objects"
        };
        out.push(
            Diagnostic::new(
                Rule::InvalidStatement,
                statement.value.span,
                format!(
                    "`Statement` must be an array, found {}",
                    statement.value.type_name()
                ),
            )
            .with_help(help),
        );
        return;
    };
    if items.is_empty() {
        out.push(
            Diagnostic::new(
                Rule::InvalidStatement,
                statement.value.span,
                "`Statement` is empty",
            )
            .with_help("a policy needs one or more statements"),
        );
    }
    for item in items {
        if item.as_object().is_none() && !item.is_unknown() {
            out.push(Diagnostic::new(
                Rule::InvalidStatement,
                item.span,
                format!("a statement must be an object, found {}", item.type_name()),
            ));
        }
    }
    for statement in &policy.statements {
        statement_shape(statement.node, policy.kind, out);
    }
}

fn version(version: Option<&Member<'_>>, open: Span, out: &mut Vec<Diagnostic>) {
    let Some(version) = version else {
        out.push(
            Diagnostic::new(Rule::InvalidVersion, open, "the policy has no `Version` element")
                .with_help("add \"Version\": \"1\""),
        );
        return;
    };
    let value = &version.value;
    let message = match &value.value {
        Value::String(s) if s == "1" => return,
        Value::Unknown => return,
        // Partly computed: certain only when no value of the holes gives "1".
        Value::Partial(segments) if crate::parse::Partial(segments).can_be("1") => return,
        Value::Partial(segments) => format!(
            "`Version` must be \"1\", found \"{}\", which is never \"1\" whatever the host computes in it",
            crate::parse::Partial(segments).as_pattern()
        ),
        Value::String(s) => format!("`Version` must be \"1\", found \"{s}\""),
        Value::Number(n) => format!("`Version` must be the string \"1\", found the number {n}"),
        _ => format!("`Version` must be the string \"1\", found {}", value.type_name()),
    };
    let d = Diagnostic::new(Rule::InvalidVersion, value.span, message).with_help("write \"Version\": \"1\"");
    // RAM has one policy language version: whatever was written, the
    // statements can only mean what they mean under "1".
    out.push(match value.value {
        Value::String(_) | Value::Number(_) => d.with_fix(Fix::safe(
            "write \"1\"",
            vec![Edit::replace(value.span, fix::json_string("1"))],
        )),
        _ => d,
    });
}

fn statement_shape(node: &Node<'_>, kind: PolicyKind, out: &mut Vec<Diagnostic>) {
    let open = Span::new(node.span.start, node.span.start + 1);
    let members = node.as_object().unwrap_or(&[]);
    for m in members {
        element_name(m, members, STATEMENT, &["Sid", "NotResource"], out);
    }
    let present = |key: &str| members.iter().find(|m| m.key == key);

    effect(present("Effect").map(|m| &m.value), open, out);

    let action = present("Action");
    let not_action = present("NotAction");
    if action.is_none() && not_action.is_none() {
        out.push(
            Diagnostic::new(
                Rule::MissingAction,
                open,
                "the statement has neither `Action` nor `NotAction`",
            )
            .with_help("add an `Action` element, such as \"Action\": \"ens:CreateImage\""),
        );
    }
    let resource = present("Resource");
    let not_resource = present("NotResource");
    if kind != PolicyKind::Trust && resource.is_none() && not_resource.is_none() {
        out.push(
            Diagnostic::new(
                Rule::MissingResource,
                open,
                "the statement has neither `Resource` nor `NotResource`",
            )
            .with_help("add a `Resource` element; operations without resource-level authorization take \"Resource\": \"*\""),
        );
    }
    for (a, b) in [(action, not_action), (resource, not_resource)] {
        if let (Some(a), Some(b)) = (a, b) {
            let (first, second) = if a.key_span < b.key_span { (a, b) } else { (b, a) };
            out.push(
                Diagnostic::new(
                    Rule::ConflictingElements,
                    second.key_span,
                    format!("a statement cannot have both `{}` and `{}`", a.key, b.key),
                )
                .with_label(first.key_span, format!("`{}` set here", first.key))
                .with_help(format!("keep one of `{}` and `{}`", a.key, b.key)),
            );
        }
    }
    for m in members {
        match m.key.as_ref() {
            "Action" | "NotAction" | "Resource" | "NotResource" => string_list(m, out),
            "Condition" => condition(&m.value, out),
            "Principal" => principal(&m.value, out),
            "Sid" if m.value.as_str().is_none() && !m.value.is_unknown() => out.push(invalid_type(
                m.value.span,
                format!("`Sid` must be a string, found {}", m.value.type_name()),
            )),
            _ => {}
        }
    }
}

/// Flags keys that are not in `known`, or that are only `undocumented`.
/// `siblings` are the object's members, `m` among them.
fn element_name(
    m: &Member<'_>,
    siblings: &[Member<'_>],
    known: &[&str],
    undocumented: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let key = m.key.as_ref();
    if known.contains(&key) {
        return;
    }
    if undocumented.contains(&key) {
        out.push(
            Diagnostic::new(
                Rule::UndocumentedElement,
                m.key_span,
                format!("`{key}` is not a documented RAM policy element"),
            )
            .with_help(match key {
                "NotResource" => {
                    "RAM may reject `NotResource` or ignore it; prefer `Resource` with the resources meant"
                }
                _ => "RAM's validator may reject the document; remove the element",
            }),
        );
        return;
    }
    let candidates: Vec<&str> = known.iter().chain(undocumented).copied().collect();
    let mut diagnostic = Diagnostic::new(
        Rule::UnknownElement,
        m.key_span,
        format!("`{key}` is not a RAM policy element here"),
    );
    diagnostic = match nearest(key, &candidates) {
        Some(best) => {
            let d = diagnostic.with_help(format!("did you mean `{best}`? element names are case-sensitive"));
            // Renaming onto an element the object already has would make a
            // duplicate key. A change of case only is what was meant (safe);
            // another name (`Actions`) is a guess (unsafe).
            if siblings.iter().any(|other| other.key == best) {
                d
            } else {
                let edits = vec![Edit::replace(m.key_span, fix::json_string(best))];
                let message = format!("rename to `{best}`");
                d.with_fix(if best.eq_ignore_ascii_case(key) {
                    Fix::safe(message, edits)
                } else {
                    Fix::unsafe_(message, edits)
                })
            }
        }
        None => diagnostic.with_help(format!("valid elements here: {}", known.join(", "))),
    };
    out.push(diagnostic);
}

/// The statement's `Effect` (`None` when it has none; `open` is its `{`).
fn effect(value: Option<&Node<'_>>, open: Span, out: &mut Vec<Diagnostic>) {
    let Some(value) = value else {
        out.push(
            Diagnostic::new(Rule::InvalidEffect, open, "the statement has no `Effect` element")
                .with_help("add \"Effect\": \"Allow\" or \"Effect\": \"Deny\""),
        );
        return;
    };
    if value.is_unknown() {
        return;
    }
    let diagnostic = match value.as_str() {
        Some("Allow" | "Deny") => return,
        Some(s) => {
            let d = Diagnostic::new(
                Rule::InvalidEffect,
                value.span,
                format!("`Effect` must be \"Allow\" or \"Deny\", found \"{s}\""),
            );
            let trimmed = s.trim();
            let write = |effect: &str| vec![Edit::replace(value.span, fix::json_string(effect))];
            if trimmed != s && matches!(trimmed, "Allow" | "Deny") {
                out.push(
                    d.with_help(format!(
                        "remove the whitespace around the value: write \"{trimmed}\""
                    ))
                    .with_fix(Fix::safe(format!("write \"{trimmed}\""), write(trimmed))),
                );
                return;
            }
            // Another case (or stray whitespace) is plainly the same effect;
            // a misspelling (`Alow`) is only a guess.
            match nearest(s, &["Allow", "Deny"]) {
                Some(effect) => {
                    let message = format!("write \"{effect}\"");
                    d.with_help(format!("values are case-sensitive: write \"{effect}\""))
                        .with_fix(if effect.eq_ignore_ascii_case(trimmed) {
                            Fix::safe(message, write(effect))
                        } else {
                            Fix::unsafe_(message, write(effect))
                        })
                }
                None => d.with_help("write \"Allow\" or \"Deny\""),
            }
        }
        None => Diagnostic::new(
            Rule::InvalidEffect,
            value.span,
            format!(
                "`Effect` must be the string \"Allow\" or \"Deny\", found {}",
                value.type_name()
            ),
        ),
    };
    out.push(diagnostic);
}

/// `Action`, `NotAction`, `Resource`, `NotResource`: a string or an array of strings.
fn string_list(m: &Member<'_>, out: &mut Vec<Diagnostic>) {
    let name = m.key.as_ref();
    match &m.value.value {
        Value::String(s) if s.is_empty() => {
            out.push(empty(m.value.span, format!("`{name}` is an empty string")))
        }
        Value::String(_) | Value::Unknown | Value::Partial(_) => {}
        Value::Array(items) if items.is_empty() => out.push(empty(
            m.value.span,
            format!("`{name}` is an empty array: it matches nothing"),
        )),
        Value::Array(items) => {
            for item in items {
                match item.as_str() {
                    Some("") => out.push(empty(item.span, format!("empty string in `{name}`"))),
                    Some(_) => {}
                    None if item.is_unknown() => {}
                    None => out.push(wrong_type(item, &format!("each `{name}` value must be a string"))),
                }
            }
        }
        _ => out.push(wrong_type(
            &m.value,
            &format!("`{name}` must be a string or an array of strings"),
        )),
    }
}

fn condition(value: &Node<'_>, out: &mut Vec<Diagnostic>) {
    if value.is_unknown() {
        return;
    }
    let Some(operators) = value.as_object() else {
        out.push(wrong_type(
            value,
            "`Condition` must be an object of operator blocks",
        ));
        return;
    };
    for op in operators {
        if op.value.is_unknown() {
            continue;
        }
        let Some(entries) = op.value.as_object() else {
            out.push(wrong_type(
                &op.value,
                &format!("the `{}` block must be an object of condition keys", op.key),
            ));
            continue;
        };
        for entry in entries {
            let key = entry.key.as_ref();
            match &entry.value.value {
                Value::String(s) if s.is_empty() => {
                    out.push(empty(entry.value.span, format!("`{key}` has an empty value")))
                }
                Value::String(_) | Value::Unknown | Value::Partial(_) => {}
                Value::Array(items) if items.is_empty() => out.push(empty(
                    entry.value.span,
                    format!("`{key}` has no values: the condition can never hold"),
                )),
                Value::Array(items) => {
                    for item in items {
                        if item.as_str().is_none() && !item.is_unknown() {
                            out.push(condition_value_type(item, key));
                        }
                    }
                }
                _ => out.push(condition_value_type(&entry.value, key)),
            }
        }
    }
}

fn condition_value_type(value: &Node<'_>, key: &str) -> Diagnostic {
    let d = wrong_type(value, &format!("values of `{key}` must be strings"));
    // The string RAM wants is exactly the value as written.
    let as_string = |text: String| {
        let edits = vec![Edit::replace(value.span, fix::json_string(&text))];
        Fix::safe(format!("write \"{text}\""), edits)
    };
    match &value.value {
        Value::Bool(b) => d
            .with_help(format!("RAM wants every value as a JSON string: write \"{b}\""))
            .with_fix(as_string(b.to_string())),
        Value::Number(n) => d
            .with_help(format!("RAM wants every value as a JSON string: write \"{n}\""))
            .with_fix(as_string(n.to_string())),
        _ => d,
    }
}

fn principal(value: &Node<'_>, out: &mut Vec<Diagnostic>) {
    if value.is_unknown() {
        return;
    }
    let Some(members) = value.as_object() else {
        let d = Diagnostic::new(
            Rule::InvalidPrincipal,
            value.span,
            format!("`Principal` must be an object, found {}", value.type_name()),
        );
        out.push(d.with_help("name the principal type: {\"RAM\": [\"acs:ram::<account-id>:root\"]}, {\"Service\": [...]} or {\"Federated\": [...]}"));
        return;
    };
    for m in members {
        if !PRINCIPAL_TYPES.contains(&m.key.as_ref()) {
            let d = Diagnostic::new(
                Rule::InvalidPrincipal,
                m.key_span,
                format!("`{}` is not a RAM principal type", m.key),
            );
            let help = match nearest(&m.key, PRINCIPAL_TYPES) {
                Some(fix) => format!("did you mean `{fix}`?"),
                None if m.key == "AWS" => "AWS principals do not exist in RAM: use `RAM` with an ARN such as acs:ram::<account-id>:root".into(),
                None => "RAM principal types are `RAM`, `Service` and `Federated`".into(),
            };
            out.push(d.with_help(help));
        }
        let bad_values: Vec<&Node<'_>> = match &m.value.value {
            Value::String(_) | Value::Unknown | Value::Partial(_) => Vec::new(),
            Value::Array(items) => items
                .iter()
                .filter(|i| i.as_str().is_none() && !i.is_unknown())
                .collect(),
            _ => vec![&m.value],
        };
        for bad in bad_values {
            out.push(Diagnostic::new(
                Rule::InvalidPrincipal,
                bad.span,
                format!("principal values must be strings, found {}", bad.type_name()),
            ));
        }
    }
}

fn wrong_type(value: &Node<'_>, expectation: &str) -> Diagnostic {
    let found = match value.value {
        Value::Array(_) => "an array (nested arrays are not allowed)",
        _ => value.type_name(),
    };
    invalid_type(value.span, format!("{expectation}, found {found}"))
}

/// An `invalid-value-type` finding.
fn invalid_type(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(Rule::InvalidValueType, span, message)
}

fn empty(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(Rule::EmptyValue, span, message)
}

/// Reports repeated keys in every object of the tree. Keys of a condition
/// operator block (`fold_case`) also clash when equal up to ASCII case.
fn duplicate_keys(node: &Node<'_>, fold_case: bool, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Array(items) => items.iter().for_each(|item| duplicate_keys(item, false, out)),
        Value::Object(members) => {
            repeated_keys(members, fold_case, out);
            for m in members {
                match m.value.as_object() {
                    Some(blocks) if m.key == "Condition" && !fold_case => {
                        // Operators are case-sensitive, so only their keys fold case.
                        repeated_keys(blocks, false, out);
                        blocks
                            .iter()
                            .for_each(|block| duplicate_keys(&block.value, true, out));
                    }
                    _ => duplicate_keys(&m.value, false, out),
                }
            }
        }
        _ => {}
    }
}

/// Objects up to this many members are searched pairwise, without building
/// a key per member: nearly every object of a policy is that small.
const PAIRWISE: usize = 16;

fn repeated_keys(members: &[Member<'_>], fold_case: bool, out: &mut Vec<Diagnostic>) {
    let keys: Vec<&str> = members.iter().map(|m| m.key.as_ref()).collect();
    let firsts = first_with_same_key(&keys, fold_case, keys.len() <= PAIRWISE);
    for (m, first) in members.iter().zip(firsts) {
        let Some(first) = first.map(|j| &members[j]) else {
            continue;
        };
        let message = if first.key == m.key {
            format!("duplicate key `{}`", m.key)
        } else {
            format!("condition key `{}` repeats `{}` up to case", m.key, first.key)
        };
        out.push(
            Diagnostic::new(Rule::DuplicateKey, m.key_span, message)
                .with_label(first.key_span, "first defined here")
                .with_help("merge the values into one key; parsers disagree on which duplicate wins"),
        );
    }
}

/// For each key, the index of the first earlier key equal to it (up to ASCII
/// case with `fold_case`), found by comparing pairs or through a map.
fn first_with_same_key(keys: &[&str], fold_case: bool, pairwise: bool) -> Vec<Option<usize>> {
    if pairwise {
        let same = |a: &str, b: &str| {
            if fold_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        return keys
            .iter()
            .enumerate()
            .map(|(i, key)| keys[..i].iter().position(|earlier| same(earlier, key)))
            .collect();
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(keys.len());
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            let folded = if fold_case {
                key.to_ascii_lowercase()
            } else {
                key.to_string()
            };
            // Only a key's first occurrence is inserted.
            match seen.get(&folded) {
                Some(&first) => Some(first),
                None => {
                    seen.insert(folded, i);
                    None
                }
            }
        })
        .collect()
}

fn policy_length(root: &Node<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.exact_text {
        return;
    }
    let limit = cx.options.max_policy_length;
    let document = &cx.text[root.span.start..root.span.end];
    let length = document.chars().count();
    if length <= limit {
        return;
    }
    let compact = document.chars().filter(|c| !c.is_whitespace()).count();
    let finding = Diagnostic::new(
        Rule::PolicyTooLarge,
        Span::new(root.span.start, root.span.start + 1),
        format!(
            "the policy is {length} characters long ({compact} without whitespace); RAM's limit is {limit}"
        ),
    );
    // RAM does not document whether whitespace counts: over the limit only
    // with it is a warning, not an error.
    out.push(if compact <= limit {
        finding
            .with_help("without whitespace it fits; RAM does not document whether whitespace counts, so minify the document or split it")
            .uncertain()
    } else {
        finding.with_help("split the statements across several policies")
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Small objects compare pairs, large ones use a map: both find the
        /// same first duplicates.
        #[test]
        fn pairwise_and_map_find_the_same_duplicates(keys in prop::collection::vec("[aAbB]{0,2}", 0..24)) {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            for fold_case in [false, true] {
                prop_assert_eq!(
                    first_with_same_key(&keys, fold_case, true),
                    first_with_same_key(&keys, fold_case, false),
                    "fold_case {}", fold_case
                );
            }
        }
    }

    #[test]
    fn duplicates_point_at_the_first_occurrence() {
        let keys = ["a", "A", "b", "a", "A"];
        assert_eq!(
            first_with_same_key(&keys, false, true),
            [None, None, None, Some(0), Some(1)]
        );
        assert_eq!(
            first_with_same_key(&keys, true, true),
            [None, Some(0), None, Some(0), Some(0)]
        );
    }
}
