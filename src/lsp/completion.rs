//! Completion: action names in `Action`/`NotAction` (from the operation
//! tables, with the access level as detail), condition operators, global
//! condition keys and the service keys of the operation tables, and element
//! names. Each item replaces the whole word at the cursor, so the client
//! filters them as the user types.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Range, TextEdit};

use crate::catalog::{catalog, ResourceType};
use crate::conditions::vocabulary;

use super::context::{self, Slot};

const STATEMENT_ELEMENTS: &[(&str, &str)] = &[
    ("Effect", "`Allow` or `Deny`"),
    ("Action", "the actions the statement is about"),
    ("NotAction", "every action except these"),
    ("Resource", "the resources the statement is about"),
    ("NotResource", "every resource except these"),
    ("Condition", "when the statement applies"),
    ("Principal", "who may assume the role (trust policies)"),
    ("Sid", "a name for the statement"),
];
const DOCUMENT_ELEMENTS: &[(&str, &str)] = &[
    ("Version", "the policy language version: \"1\""),
    ("Statement", "the list of statements"),
];

/// Completion items at byte `offset`; `range` turns a span into the
/// client's range. Empty when the cursor is in no slot we know.
pub(super) fn complete(
    text: &str,
    offset: usize,
    yaml: bool,
    range: &dyn Fn(crate::core::Span) -> Range,
) -> Vec<CompletionItem> {
    let at = context::at(text, offset, yaml);
    let prefix = &text[at.prefix.start..at.prefix.end];
    let replace = range(at.word);
    let item = |label: String, kind: CompletionItemKind, detail: Option<String>, doc: Option<String>| {
        CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(replace, label.clone()))),
            label,
            kind: Some(kind),
            detail,
            documentation: doc.map(lsp_types::Documentation::String),
            ..Default::default()
        }
    };
    match at.slot {
        Slot::Action => action_items(prefix, &item),
        Slot::ConditionOperator => {
            let mut items: Vec<CompletionItem> = vocabulary()
                .operators
                .iter()
                .map(|op| {
                    item(
                        op.name.clone(),
                        CompletionItemKind::OPERATOR,
                        Some(format!("compares {}", op.family.expected())),
                        None,
                    )
                })
                .collect();
            if let Some((qualifier, _)) = prefix.split_once(':') {
                let Some(q) = vocabulary().qualifiers.iter().find(|q| q.name == qualifier) else {
                    return items;
                };
                items = vocabulary()
                    .operators
                    .iter()
                    .map(|op| {
                        item(
                            format!("{}:{}", q.name, op.name),
                            CompletionItemKind::OPERATOR,
                            Some(format!("compares {}", op.family.expected())),
                            None,
                        )
                    })
                    .collect();
            }
            items
        }
        Slot::ConditionKey => key_items(prefix, &item),
        Slot::StatementElement | Slot::DocumentElement => {
            let names = if at.slot == Slot::StatementElement {
                STATEMENT_ELEMENTS
            } else {
                DOCUMENT_ELEMENTS
            };
            names
                .iter()
                .map(|(name, about)| {
                    item(
                        name.to_string(),
                        CompletionItemKind::FIELD,
                        Some(about.to_string()),
                        None,
                    )
                })
                .collect()
        }
        Slot::Other => Vec::new(),
    }
}

/// Builds one completion item: label, kind, detail, documentation.
type Item<'a> = dyn Fn(String, CompletionItemKind, Option<String>, Option<String>) -> CompletionItem + 'a;

/// Actions: a service's operations once its prefix is typed, else the services.
fn action_items(prefix: &str, item: &Item<'_>) -> Vec<CompletionItem> {
    match prefix.split_once(':') {
        Some((service, _)) => match catalog().table(service) {
            Some(table) => table
                .operations()
                .iter()
                .map(|op| {
                    let resource = match &op.resource_type {
                        ResourceType::AllResources => "resource: all resources (*)".to_string(),
                        ResourceType::ResourceLevel { name, .. } => format!("resource: {name}"),
                        ResourceType::Unknown => "resource: unknown".to_string(),
                    };
                    item(
                        op.action.to_string(),
                        CompletionItemKind::FUNCTION,
                        Some(op.level_text().unwrap_or_else(|| "access level unknown".into())),
                        Some(resource),
                    )
                })
                .collect(),
            None => Vec::new(),
        },
        None => catalog()
            .tables()
            .map(|t| {
                item(
                    format!("{}:", t.service()),
                    CompletionItemKind::MODULE,
                    Some(format!("{} operations", t.operations().len())),
                    None,
                )
            })
            .collect(),
    }
}

/// Condition keys: the global ones, and those of the service typed.
fn key_items(prefix: &str, item: &Item<'_>) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = vocabulary()
        .global_keys
        .iter()
        .map(|key| {
            item(
                key.name.clone(),
                CompletionItemKind::PROPERTY,
                Some(format!("global key, {}", key.family.expected())),
                Some(key.about.clone()),
            )
        })
        .collect();
    if let Some(table) = prefix.split_once(':').and_then(|(s, _)| catalog().table(s)) {
        let mut keys: Vec<&str> = table
            .operations()
            .iter()
            .filter_map(|op| op.condition_keys.as_ref())
            .flatten()
            .copied()
            .collect();
        keys.sort_unstable();
        keys.dedup();
        items.extend(keys.into_iter().map(|k| {
            item(
                k.to_string(),
                CompletionItemKind::PROPERTY,
                Some(format!("condition key of {}", table.service())),
                None,
            )
        }));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, yaml: bool) -> Vec<String> {
        let at = text.find('|').unwrap();
        let text = text.replace('|', "");
        complete(&text, at, yaml, &|_| Range::default())
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn actions_operators_keys_and_elements() {
        let actions = labels(r#"{"Statement": [{"Action": ["ens:CreateIm|"#, false);
        assert!(actions.contains(&"ens:CreateImage".to_string()), "{actions:?}");
        assert!(labels(r#"{"Statement": [{"Action": ["|"#, false).contains(&"ens:".to_string()));
        let ops = labels(r#"{"Statement": [{"Condition": {"Str|"#, false);
        assert!(ops.contains(&"StringEquals".to_string()));
        let qualified = labels(r#"{"Statement": [{"Condition": {"ForAllValues:|"#, false);
        assert!(
            qualified.contains(&"ForAllValues:StringEquals".to_string()),
            "{qualified:?}"
        );
        let keys = labels(r#"{"Statement": [{"Condition": {"IpAddress": {"acs:|"#, false);
        assert!(keys.contains(&"acs:SourceIp".to_string()));
        let elements = labels("Statement:\n  - Effect: Allow\n    Re|", true);
        assert!(elements.contains(&"Resource".to_string()));
        assert!(labels(r#"{"Statement": [{"Resource": "acs:|"#, false).is_empty());
    }
}
