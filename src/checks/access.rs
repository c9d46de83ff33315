//! `access-level-exceeded`: a ceiling on what policies in a folder may
//! allow, set per path by `allowed-access-levels` in `policy-check.toml`.
//! Levels come from the operation tables (documented, or inferred from the
//! operation's verb and said to be), or from `extra-actions` entries that
//! declare one. The ceiling fails closed: an allowed action whose level
//! cannot be known (a service without a table, an action its table lacks, a
//! row without a level) is reported as unverifiable. Only the tables' literal
//! `none` (the API reference names no level) never fires.

use super::actions::{is_every_action, split_action};
use super::Context;
use crate::catalog::{catalog, AccessLevel, Operation};
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::Span;
use crate::model::{Policy, Statement};
use crate::wildcard::{self, has_wildcard, Case};

/// Operations named per group before "and N more".
const SHOWN: usize = 2;

/// What the ceiling knows of one allowed operation's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// From the API reference, or declared under `extra-actions`.
    Known(AccessLevel),
    /// Guessed from the operation's name.
    Inferred(AccessLevel),
    /// Nobody says.
    Unknown,
}

/// An operation above the ceiling, or one it cannot verify.
type Beyond = (&'static str, Level);

pub(super) fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(allowed) = &cx.options.allowed_access_levels else {
        return;
    };
    if !policy.kind.grants() {
        return;
    }
    let permitted = |level: AccessLevel| allowed.iter().any(|a| a == level.as_str());
    let declared = |action: &str| {
        cx.options
            .extra_action_levels
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(action))
            .map(|(_, level)| *level)
    };
    let beyond = |op: &Operation| {
        let level = match (op.access_level, declared(op.action)) {
            (Some(AccessLevel::Unrated), _) => return None,
            (Some(level), _) if !op.level_inferred => Level::Known(level),
            (_, Some(level)) => Level::Known(level),
            (Some(level), None) => Level::Inferred(level),
            (None, None) => Level::Unknown,
        };
        match level {
            Level::Known(level) | Level::Inferred(level) if permitted(level) => None,
            _ => Some((op.action, level)),
        }
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
            if let Some(message) = value_finding(value.value, &ceiling, &beyond, &declared, &permitted) {
                out.push(finding(statement, value.span, message));
            }
        }
    }
}

/// What one Action value allows beyond the ceiling, as a message.
fn value_finding(
    text: &str,
    ceiling: &str,
    beyond: &dyn Fn(&Operation) -> Option<Beyond>,
    declared: &dyn Fn(&str) -> Option<AccessLevel>,
    permitted: &dyn Fn(AccessLevel) -> bool,
) -> Option<String> {
    let every = is_every_action(text);
    // Malformed actions are invalid-action's finding and allow nothing.
    let (service, _) = if every {
        ("*", "*")
    } else {
        split_action(text).ok()?
    };
    let catalog = catalog();
    if !has_wildcard(text) {
        let table = catalog.table(service);
        if let Some(op) = catalog.lookup(text) {
            let (name, level) = beyond(op)?;
            return Some(match level {
                Level::Known(level) => {
                    format!("`{name}` is a {level} operation, beyond the levels allowed here ({ceiling})")
                }
                Level::Inferred(level) => format!(
                    "`{name}` is a {level} operation (inferred from its name), beyond the levels allowed here ({ceiling})"
                ),
                Level::Unknown => format!(
                    "the access level of `{name}` cannot be verified (the {} table gives none), so it is not within the levels allowed here ({ceiling})",
                    op.service()
                ),
            });
        }
        if let Some(level) = declared(text) {
            return (!permitted(level)).then(|| {
                format!("`{text}` is a {level} operation (declared under `extra-actions`), beyond the levels allowed here ({ceiling})")
            });
        }
        let why = match table {
            // A complete table lacking it: the action does not exist and
            // allows nothing (unknown-action reports it).
            Some(table) if table.is_complete() => return None,
            Some(table) => format!("the {} table does not list it", table.service()),
            None => format!("`{service}` has no operation table"),
        };
        return Some(format!(
            "the access level of `{text}` cannot be verified ({why}), so it is not within the levels allowed here ({ceiling})"
        ));
    }
    let found: Vec<Beyond> = catalog.resolve(text).into_iter().filter_map(beyond).collect();
    // A wildcard service part also reaches services without a table, whose
    // levels nobody knows.
    let uncatalogued = has_wildcard(service);
    let service_level_unknown = !uncatalogued && !catalog.is_catalogued(service);
    if service_level_unknown {
        return Some(format!(
            "the access levels of `{text}` cannot be verified (`{service}` has no operation table), so it is not within the levels allowed here ({ceiling})"
        ));
    }
    if found.is_empty() && !uncatalogued {
        return None;
    }
    let also = if uncatalogued {
        ", and actions of services without an operation table, whose levels cannot be verified"
    } else {
        ""
    };
    Some(if found.is_empty() {
        format!("beyond the levels allowed here ({ceiling}), `{text}` allows actions of services without an operation table, whose levels cannot be verified")
    } else {
        format!(
            "beyond the levels allowed here ({ceiling}), `{text}` allows {}{also}",
            describe(&found)
        )
    })
}

fn finding(statement: &Statement<'_>, span: Span, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::new(Rule::AccessLevelExceeded, span, message).with_help(
        "remove the action, move the policy to a folder whose `allowed-access-levels` permits it, \
         or widen that list in policy-check.toml; an action whose level is unknown can be declared \
         there: extra-actions = [{ action = \"svc:Action\", access-level = \"get\" }]",
    );
    match &statement.effect {
        Some(effect) => diagnostic.with_label(effect.span, "allowed by this statement"),
        None => diagnostic,
    }
}

/// "4 operations: create (`ens:CreateImage`, `ens:ImportImage`), delete,
/// inferred from names (`ecs:DeleteDisk`), level unknown (`ram:PassRole`)":
/// grouped by level, documented before inferred, a few names per group.
fn describe(found: &[Beyond]) -> String {
    let mut groups: Vec<(String, Level)> = Vec::new();
    for level in AccessLevel::ALL {
        groups.push((level.to_string(), Level::Known(level)));
        groups.push((format!("{level}, inferred from names"), Level::Inferred(level)));
    }
    groups.push(("level unknown".to_string(), Level::Unknown));
    let groups: Vec<String> = groups
        .iter()
        .filter_map(|(label, level)| {
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
            (!names.is_empty()).then(|| format!("{label} ({}{more})", shown.join(", ")))
        })
        .collect();
    let noun = if found.len() == 1 {
        "operation"
    } else {
        "operations"
    };
    format!("{} {noun}: {}", found.len(), groups.join(", "))
}
