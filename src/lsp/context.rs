//! Where the cursor is in a policy, for hover and completion: the word
//! under it, and what the policy expects there (an action, a condition
//! operator or key, an element name). Read lexically, not from the parse
//! tree, because while the user types the document rarely parses: a JSON or
//! HCL text is scanned for brackets, strings and keys up to the cursor (this
//! covers a plain policy, a Terraform heredoc, `jsonencode` and a data
//! source's `statement` blocks), a YAML text by its indentation.

use crate::core::Span;

/// What the policy expects at the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// A value of `Action`/`NotAction`.
    Action,
    /// A key of `Condition` (or a data source's `operator`).
    ConditionOperator,
    /// A key inside an operator's block (or a data source's `variable`).
    ConditionKey,
    /// A key of a statement.
    StatementElement,
    /// A key of a policy document's top level.
    DocumentElement,
    Other,
}

/// The cursor's word and slot.
#[derive(Debug, Clone)]
pub(super) struct Context {
    pub slot: Slot,
    /// The whole word around the cursor (what a completion replaces).
    pub word: Span,
    /// The part of the word before the cursor.
    pub prefix: Span,
}

/// Characters of an action, a condition key or operator, or a rule id.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '?' | '_' | '-' | '.' | '/')
}

/// The context at byte `offset` of `text`; `yaml` picks the indentation reading.
pub(super) fn at(text: &str, offset: usize, yaml: bool) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    // A YAML key's colon is not part of the word.
    let end = if text[start..end].ends_with(':') && end > offset {
        end - 1
    } else {
        end
    };
    let slot = if yaml {
        yaml_slot(text, start)
    } else {
        bracket_slot(&text[..start])
    };
    Context {
        slot,
        word: Span::new(start, end),
        prefix: Span::new(start, offset),
    }
}

/// A key's name reduced for comparison: `NotAction`, `not_actions` and
/// `notaction` are one.
fn key_is(key: Option<&str>, names: &[&str]) -> bool {
    key.is_some_and(|key| {
        let reduced: String = key
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        names.contains(&reduced.as_str())
    })
}

const ACTION_KEYS: &[&str] = &["action", "notaction", "actions", "notactions"];
const DOCUMENT_KEYS: &[&str] = &[
    "policydocument",
    "assumerolepolicydocument",
    "policy",
    "document",
    "jsonencode",
];

fn is_operator(key: Option<&str>) -> bool {
    key.is_some_and(|k| crate::conditions::vocabulary().parse_operator(k).is_some())
}

/// Decides the slot from the innermost object's owner key and own key.
fn classify(owner: Option<&str>, grand_owner: Option<&str>, key: Option<&str>, expecting_key: bool) -> Slot {
    if !expecting_key {
        return match key {
            k if key_is(k, ACTION_KEYS) => Slot::Action,
            k if key_is(k, &["operator", "test"]) => Slot::ConditionOperator,
            k if key_is(k, &["variable"]) => Slot::ConditionKey,
            _ => Slot::Other,
        };
    }
    if key_is(owner, &["condition"]) {
        Slot::ConditionOperator
    } else if is_operator(owner) || key_is(grand_owner, &["condition"]) {
        Slot::ConditionKey
    } else if key_is(owner, &["statement"]) {
        Slot::StatementElement
    } else if owner.is_none() || key_is(owner, DOCUMENT_KEYS) {
        Slot::DocumentElement
    } else {
        Slot::Other
    }
}

#[derive(Debug)]
struct Frame {
    array: bool,
    /// The key whose value this container is.
    owner: Option<String>,
    /// In an object: the key whose value is being written.
    key: Option<String>,
    /// In an object: that key's value has been written.
    value_done: bool,
}

/// JSON and HCL: scans `before` (the text up to the cursor's word).
fn bracket_slot(before: &str) -> Slot {
    let root = Frame {
        array: false,
        owner: None,
        key: None,
        value_done: false,
    };
    let mut stack = vec![root];
    let bytes = before.as_bytes();
    let mut i = 0;
    // The last string or bare word read, not yet known to be a key.
    let mut last_word: Option<String> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= bytes.len() {
                    // The cursor's word is inside this string.
                    break;
                }
                last_word = Some(before[i + 1..j].to_string());
                i = j + 1;
                mark_value(&mut stack);
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b':' | b'=' if last_word.is_some() => {
                let top = stack.last_mut().expect("the root frame stays");
                top.key = last_word.take();
                top.value_done = false;
            }
            b'{' | b'[' => {
                let top = stack.last().expect("the root frame stays");
                let owner = if top.array {
                    top.owner.clone()
                } else {
                    top.key.clone()
                };
                stack.push(Frame {
                    array: b == b'[',
                    owner,
                    key: None,
                    value_done: false,
                });
                last_word = None;
            }
            b'}' | b']' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                mark_value(&mut stack);
                last_word = None;
            }
            b',' | b'\n' => {
                let top = stack.last_mut().expect("the root frame stays");
                if !top.array && (b == b',' || top.value_done) {
                    top.key = None;
                }
                last_word = None;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let mut j = i;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
                {
                    j += 1;
                }
                last_word = Some(before[i..j].to_string());
                i = j;
                mark_value(&mut stack);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let top = stack.last().expect("the root frame stays");
    let grand = stack.len().checked_sub(2).map(|i| &stack[i]);
    if top.array {
        let slot = classify(top.owner.as_deref(), None, top.owner.as_deref(), false);
        return slot;
    }
    // The owner of an object in an array is the array's owner.
    let grand_owner = grand.and_then(|g| {
        if g.array {
            grand_owner_of(&stack)
        } else {
            g.owner.clone()
        }
    });
    classify(
        top.owner.as_deref(),
        grand_owner.as_deref(),
        top.key.as_deref(),
        top.key.is_none(),
    )
}

/// The owner key two containers up, skipping arrays.
fn grand_owner_of(stack: &[Frame]) -> Option<String> {
    let objects: Vec<&Frame> = stack.iter().filter(|f| !f.array).collect();
    objects
        .len()
        .checked_sub(2)
        .and_then(|i| objects[i].owner.clone())
}

/// A value was read in the innermost object.
fn mark_value(stack: &mut [Frame]) {
    if let Some(top) = stack.last_mut() {
        if !top.array && top.key.is_some() {
            top.value_done = true;
        }
    }
}

/// YAML: the keys above the cursor's line by indentation, and what the
/// line itself holds before the word.
fn yaml_slot(text: &str, word_start: usize) -> Slot {
    let line_start = text[..word_start].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[line_start..word_start];
    // `Action: ens:Cr` or `- Action: [ens:Cr`: the key on this line.
    if let Some((key, _)) = head.split_once(": ") {
        let key = key.trim_start().trim_start_matches("- ").trim();
        return classify(None, None, Some(key), false);
    }
    let (column, item) = content_column(head);
    // Owner keys, innermost first: the lines above that end in a key with
    // no value of their own (`Action:`), each further left than the last.
    let mut owners: Vec<String> = Vec::new();
    let mut limit = column;
    for line in text[..line_start].lines().rev() {
        let body = line.split(" #").next().unwrap_or("").trim_end();
        if body.trim().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        let (line_column, _) = content_column(body);
        if line_column >= limit {
            continue;
        }
        if let Some(key) = body.trim_start().trim_start_matches("- ").strip_suffix(':') {
            owners.push(key.trim().trim_matches(['"', '\'']).to_string());
            limit = line_column;
            if owners.len() == 2 {
                break;
            }
        }
    }
    let owner = owners.first().map(String::as_str);
    let grand = owners.get(1).map(String::as_str);
    if item {
        // `- word`: a list value, or (under Statement) a statement's first key.
        if key_is(owner, ACTION_KEYS) {
            return Slot::Action;
        }
        if key_is(owner, &["statement"]) {
            return Slot::StatementElement;
        }
    }
    classify(owner, grand, None, true)
}

/// Where a line's content starts (after the dash of a list item), and
/// whether it is a list item.
fn content_column(line: &str) -> (usize, bool) {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    match rest.strip_prefix('-') {
        Some(after) if after.is_empty() || after.starts_with(' ') => {
            (indent + 1 + after.len() - after.trim_start().len(), true)
        }
        _ => (indent, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(text: &str, yaml: bool) -> Slot {
        let at_cursor = text.find('|').unwrap();
        let text = text.replace('|', "");
        at(&text, at_cursor, yaml).slot
    }

    #[test]
    fn json_slots() {
        assert_eq!(
            slot(r#"{"Statement": [{"Action": ["ecs:A", "ens:CreateIm|"#, false),
            Slot::Action
        );
        assert_eq!(slot(r#"{"Statement": [{"Action": "ens:Cr|"#, false), Slot::Action);
        assert_eq!(
            slot(r#"{"Statement": [{"Action": "x", "Ef|"#, false),
            Slot::StatementElement
        );
        assert_eq!(
            slot(
                "{\"Statement\": [{\"Effect\": \"Allow\",\n \"Condition\": {\"Str|",
                false
            ),
            Slot::ConditionOperator
        );
        assert_eq!(
            slot(
                r#"{"Statement": [{"Condition": {"StringEquals": {"a": "b"}, "Bool": {"acs:|"#,
                false
            ),
            Slot::ConditionKey
        );
        assert_eq!(slot(r#"{"Ver|"#, false), Slot::DocumentElement);
        assert_eq!(slot(r#"{"Statement": [{"Resource": "acs:|"#, false), Slot::Other);
    }

    #[test]
    fn hcl_slots() {
        let heredoc =
            "resource \"r\" \"n\" {\n  policy_document = <<EOF\n{\"Statement\": [{\"Action\": [\"ens:Cre|";
        assert_eq!(slot(heredoc, false), Slot::Action);
        let data = "statement {\n  action = [\"ens:|\"]";
        assert_eq!(slot(data, false), Slot::Action);
        let data = "condition {\n  operator = \"Str|\"";
        assert_eq!(slot(data, false), Slot::ConditionOperator);
        let encoded = "policy = jsonencode({\n Statement = [{\n Effect = \"Allow\"\n Act|";
        assert_eq!(slot(encoded, false), Slot::StatementElement);
    }

    #[test]
    fn yaml_slots() {
        let doc =
            "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Action:\n        - ens:CreateIm|\n";
        assert_eq!(slot(doc, true), Slot::Action);
        let doc = "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Action:\n      - ens:Cr|\n";
        assert_eq!(slot(doc, true), Slot::Action);
        let doc = "PolicyDocument:\n  Statement:\n    - Effect: Allow\n      Act|";
        assert_eq!(slot(doc, true), Slot::StatementElement);
        let doc = "Statement:\n  - Effect: Allow\n    Condition:\n      StringEquals:\n        acs:|";
        assert_eq!(slot(doc, true), Slot::ConditionKey);
        let doc = "Statement:\n  - Effect: Allow\n    Condition:\n      Str|";
        assert_eq!(slot(doc, true), Slot::ConditionOperator);
        let doc = "Statement:\n  - Action: [ens:Cr|";
        assert_eq!(slot(doc, true), Slot::Action);
    }

    #[test]
    fn the_word_spans_the_cursor() {
        let text = r#"{"Action": "ens:Create*"}"#;
        let context = at(text, 16, false);
        assert_eq!(&text[context.word.start..context.word.end], "ens:Create*");
        assert_eq!(&text[context.prefix.start..context.prefix.end], "ens:");
    }
}
