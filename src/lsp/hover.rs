//! Hover: what the word under the cursor means to RAM. An action or a
//! wildcard lists the operations it covers (from the operation tables, with
//! access levels and resource types); a condition key says its type and
//! whether the statement's actions can carry it; an operator says what it
//! compares; a finding's rule, or a rule id written out, shows the rule docs.

use std::fmt::Write as _;

use crate::catalog::{catalog, Operation, ResourceType};
use crate::conditions::{vocabulary, Compare, Quantifier};
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::Span;
use crate::host::outline::Outline;

use super::context::{self, Slot};

/// Operations listed one by one in a hover; more are counted.
const LISTED: usize = 40;

/// The hover text (Markdown) at `offset` of a document, and the span it is
/// about; `None` when there is nothing to say.
/// `findings` and `outline` are the engine's reading of `text`.
pub(super) fn hover(
    text: &str,
    offset: usize,
    (findings, outline): (&[Diagnostic], &Outline),
    yaml: bool,
) -> Option<(String, Span)> {
    let at = context::at(text, offset, yaml);
    let word = &text[at.word.start..at.word.end];
    let mut sections = Vec::new();
    let mut span = at.word;
    if !word.is_empty() {
        if let Some(rule) = Rule::from_id(word) {
            sections.push(rule_docs(rule));
        } else if at.slot == Slot::Action || (word.contains(':') && at.slot != Slot::ConditionKey) {
            sections.extend(action(word));
        }
        if sections.is_empty() {
            sections.extend(operator(word));
        }
        if sections.is_empty() {
            sections.extend(condition_key(word, outline.statement_actions(offset)));
        }
    }
    // Every finding under the cursor explains its rule.
    for finding in findings
        .iter()
        .filter(|d| d.span.start <= offset && offset <= d.span.end)
    {
        let docs = rule_docs(finding.rule);
        if !sections.contains(&docs) {
            sections.push(docs);
        }
        if sections.len() == 1 {
            span = finding.span;
        }
    }
    (!sections.is_empty()).then(|| (sections.join("\n\n---\n\n"), span))
}

/// A rule's documentation, as `policy-check explain` prints it.
pub(super) fn rule_docs(rule: Rule) -> String {
    let meta = rule.meta();
    let mut out = format!(
        "**{}** ({})\n\n{}\n\n**What it catches**: {}\n\n**Why it matters**: {}\n",
        meta.id, meta.severity, meta.summary, meta.what, meta.why
    );
    if let Some(config) = meta.config {
        let _ = write!(out, "\nWith this `policy-check.toml`:\n```toml\n{config}\n```\n");
    }
    let _ = write!(
        out,
        "\nBad:\n```json\n{}\n```\nGood:\n```json\n{}\n```",
        meta.bad, meta.good
    );
    out
}

fn resource_text(resource: &ResourceType) -> String {
    match resource {
        ResourceType::AllResources => "all resources (`*`)".into(),
        ResourceType::ResourceLevel { name, required, arn } => {
            let mut text = format!("`{name}`");
            if *required {
                text.push_str(" (required)");
            }
            if let Some(arn) = arn {
                let _ = write!(text, " `{arn}`");
            }
            text
        }
        ResourceType::Unknown => "unknown".into(),
    }
}

fn level_text(op: &Operation) -> String {
    op.level_text().unwrap_or_else(|| "unknown".into())
}

/// An action or pattern: the operations it covers.
fn action(word: &str) -> Option<String> {
    let (service, _) = word.split_once(':')?;
    if !crate::wildcard::has_wildcard(word) {
        if let Some(op) = catalog().lookup(word) {
            let mut out = format!(
                "**{}**\n\n- access level: {}\n- resource type: {}\n",
                op.action,
                level_text(op),
                resource_text(&op.resource_type)
            );
            if let Some(keys) = op.condition_keys.as_ref().filter(|k| !k.is_empty()) {
                let _ = writeln!(out, "- condition keys: {}", quoted(keys));
            }
            if let Some(deps) = op.dependent_actions.as_ref().filter(|d| !d.is_empty()) {
                let _ = writeln!(out, "- dependent actions: {}", quoted(deps));
            }
            let _ = write!(out, "\nSource: {}", op.source);
            return Some(out);
        }
    }
    if !crate::wildcard::has_wildcard(service) && !catalog().is_catalogued(service) {
        return Some(format!(
            "**{word}**\n\nService `{service}` has no operation table: its actions are not checked."
        ));
    }
    let ops = catalog().resolve(word);
    if ops.is_empty() {
        return Some(format!("**{word}** matches no catalogued operation."));
    }
    let mut levels: Vec<(String, usize)> = Vec::new();
    for op in &ops {
        let level = op.access_level.map_or("unknown".to_string(), |l| l.to_string());
        match levels.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) => *n += 1,
            None => levels.push((level, 1)),
        }
    }
    let levels: Vec<String> = levels.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let mut out = format!(
        "**{word}** covers {} operation{} (access levels: {})\n\n",
        ops.len(),
        if ops.len() == 1 { "" } else { "s" },
        levels.join(", ")
    );
    for op in ops.iter().take(LISTED) {
        let _ = writeln!(
            out,
            "- `{}`: {}; {}",
            op.action,
            level_text(op),
            resource_text(&op.resource_type)
        );
    }
    if ops.len() > LISTED {
        let _ = writeln!(out, "- … and {} more", ops.len() - LISTED);
    }
    Some(out)
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A condition operator, with its set qualifier if any.
fn operator(word: &str) -> Option<String> {
    let parsed = vocabulary().parse_operator(word)?;
    let op = parsed.operator;
    let test = match op.compare {
        Compare::Equal => "equal to",
        Compare::Less => "less than",
        Compare::LessOrEqual => "less than or equal to",
        Compare::Greater => "greater than",
        Compare::GreaterOrEqual => "greater than or equal to",
        Compare::In => "inside the range of",
    };
    let mut out = format!(
        "**{word}**: condition operator\n\nHolds when the request's value is {}{test} one of the policy's values; values are {}.",
        if op.negated { "not " } else { "" },
        op.family.expected()
    );
    if op.ignore_case {
        out.push_str(" Case is ignored.");
    }
    if op.wildcards {
        out.push_str(" `*` and `?` in the policy's values are wildcards.");
    }
    if let Some(q) = parsed.qualifier {
        let _ = write!(
            out,
            "\n\n`{}:` {}",
            q.name,
            match q.quantifier {
                Quantifier::All =>
                    "every value of a multi-valued request key must satisfy it (true when the key is absent)",
                Quantifier::Any => "at least one value of a multi-valued request key must satisfy it",
            }
        );
    }
    Some(out)
}

/// A condition key: a global key's type and meaning, or which of the
/// statement's actions list a service key.
fn condition_key(word: &str, actions: Option<&[String]>) -> Option<String> {
    if let Some(key) = vocabulary().global_key(word) {
        return Some(format!(
            "**{word}**: global condition key, {}\n\n{}\n\nEvery action can be conditioned on a global key.",
            key.family.expected(),
            key.about
        ));
    }
    let (service, _) = word.split_once(':')?;
    let table = catalog().table(service)?;
    let listing: Vec<&str> = table
        .operations()
        .iter()
        .filter(|op| {
            op.condition_keys
                .as_ref()
                .is_some_and(|k| k.iter().any(|k| k.eq_ignore_ascii_case(word)))
        })
        .map(|op| op.action)
        .collect();
    let mut out = format!(
        "**{word}**: condition key of `{}`, listed by {} operation{}",
        table.service(),
        listing.len(),
        if listing.len() == 1 { "" } else { "s" }
    );
    if let Some(actions) = actions {
        let carried: Vec<&str> = listing
            .iter()
            .copied()
            .filter(|op| {
                actions
                    .iter()
                    .any(|a| crate::wildcard::matches(a, op, crate::wildcard::Case::Insensitive))
            })
            .collect();
        if carried.is_empty() {
            out.push_str(
                "\n\nNone of this statement's actions lists it: the condition cannot match their requests.",
            );
        } else {
            let _ = write!(
                out,
                "\n\nThis statement's actions that can carry it: {}",
                quoted(&carried)
            );
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hover with no findings and no statements known.
    fn bare(text: &str, offset: usize) -> Option<(String, Span)> {
        hover(text, offset, (&[], &Outline::default()), false)
    }

    #[test]
    fn a_wildcard_lists_what_it_covers() {
        let text = r#"{"Statement": [{"Action": "ens:Create*"}]}"#;
        let (hover, span) = bare(text, 30).unwrap();
        assert!(hover.contains("`ens:CreateImage`: create"), "{hover}");
        assert_eq!(&text[span.start..span.end], "ens:Create*");
    }

    #[test]
    fn operators_keys_and_rules() {
        let text = r#"{"Statement": [{"Action": "ens:CreateImage", "Condition": {"IpAddress": {"acs:SourceIp": "1.2.3.4"}}}]}"#;
        let at = |needle: &str| text.find(needle).unwrap() + 2;
        let (op, _) = bare(text, at("IpAddress")).unwrap();
        assert!(op.contains("condition operator"), "{op}");
        let (key, _) = bare(text, at("acs:SourceIp")).unwrap();
        assert!(key.contains("global condition key"), "{key}");
        let (rule, _) = bare("unknown-action", 3).unwrap();
        assert!(rule.starts_with("**unknown-action**"), "{rule}");
    }

    #[test]
    fn a_service_key_is_judged_against_the_statement_the_engine_read() {
        let text = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*", "Condition": {"StringEquals": {"ens:NoSuchKey": "x"}}}]}"#;
        let analysis = crate::engine::analyze(
            crate::engine::Input {
                name: "p.json".into(),
                bytes: text.as_bytes().to_vec(),
                origin: crate::core::Origin::Named,
            },
            &crate::engine::Settings {
                outline: true,
                ..Default::default()
            },
        );
        let outline = analysis.outline.expect("asked for");
        let at = text.find("ens:NoSuchKey").unwrap() + 2;
        let (key, _) = hover(text, at, (&[], &outline), false).unwrap();
        assert!(key.contains("None of this statement's actions lists it"), "{key}");
        // Without the engine's reading, nothing is said of the statement.
        let (key, _) = bare(text, at).unwrap();
        assert!(!key.contains("this statement"), "{key}");
    }
}
