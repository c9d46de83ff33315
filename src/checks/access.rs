//! `access-level-exceeded`: a ceiling on what policies in a folder may
//! allow, set per path by `allowed-access-levels` in `policy-check.toml`.
//! Levels come from the operation table; an operation the table gives no
//! level (blank, or `none`: the API reference names none) never fires, so the
//! rule reports only what the table knows.

use super::Context;
use crate::catalog::{catalog, AccessLevel, Operation};
use crate::diagnostic::Diagnostic;
use crate::model::{Policy, Statement};
use crate::rules::Rule;
use crate::source::Span;
use crate::wildcard::{self, Case};

/// Operations named per access level before "and N more".
const SHOWN: usize = 2;

/// An operation above the ceiling: its action and its level.
type Beyond = (&'static str, AccessLevel);

pub fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(allowed) = &cx.options.allowed_access_levels else {
        return;
    };
    let beyond = |op: &Operation| match op.access_level {
        None | Some(AccessLevel::Unrated) => None,
        Some(level) if allowed.iter().any(|a| a == level.as_str()) => None,
        Some(level) => Some((op.action, level)),
    };
    let ceiling = if allowed.is_empty() {
        "no level".to_string()
    } else {
        allowed.join(", ")
    };
    for statement in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(action) = &statement.action else {
            continue;
        };
        if action.negated {
            if !action.complete {
                // An unknown value might name the operations found here.
                continue;
            }
            // NotAction allows every operation it does not name.
            let found: Vec<Beyond> = catalog()
                .operations()
                .iter()
                .filter(|op| {
                    !action
                        .values
                        .iter()
                        .any(|v| wildcard::matches(v.value, op.action, Case::Insensitive))
                })
                .filter_map(beyond)
                .collect();
            if !found.is_empty() {
                out.push(finding(
                    statement,
                    action.key_span,
                    format!(
                        "beyond the levels allowed here ({ceiling}), `NotAction` allows {}",
                        describe(&found)
                    ),
                ));
            }
            continue;
        }
        for value in &action.values {
            let found: Vec<Beyond> = catalog()
                .resolve(value.value)
                .into_iter()
                .filter_map(beyond)
                .collect();
            let message = match found.as_slice() {
                [] => continue,
                [(name, level)] if !wildcard::has_wildcard(value.value) => {
                    format!("`{name}` is a {level} operation, beyond the levels allowed here ({ceiling})")
                }
                _ => format!(
                    "beyond the levels allowed here ({ceiling}), `{}` allows {}",
                    value.value,
                    describe(&found)
                ),
            };
            out.push(finding(statement, value.span, message));
        }
    }
}

fn finding(statement: &Statement<'_>, span: Span, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::new(Rule::AccessLevelExceeded, span, message).with_help(
        "remove the action, move the policy to a folder whose `allowed-access-levels` permits it, \
         or widen that list in policy-check.toml",
    );
    match &statement.effect {
        Some(effect) => diagnostic.with_label(effect.span, "allowed by this statement"),
        None => diagnostic,
    }
}

/// "4 operations: create (`ens:CreateImage`, `ens:ImportImage`), delete
/// (`ens:DeleteImage`)...": grouped by level, a few names per level.
fn describe(found: &[Beyond]) -> String {
    let groups: Vec<String> = AccessLevel::ALL
        .iter()
        .filter_map(|level| {
            let names: Vec<&str> = found
                .iter()
                .filter(|(_, l)| l == level)
                .map(|(name, _)| *name)
                .collect();
            let (shown, rest) = names.split_at(names.len().min(SHOWN));
            let shown: Vec<String> = shown.iter().map(|name| format!("`{name}`")).collect();
            let more = match rest.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            (!names.is_empty()).then(|| format!("{level} ({}{more})", shown.join(", ")))
        })
        .collect();
    let noun = if found.len() == 1 {
        "operation"
    } else {
        "operations"
    };
    format!("{} {noun}: {}", found.len(), groups.join(", "))
}
