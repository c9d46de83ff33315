//! Action checks: each `Action`/`NotAction` value against RAM's action
//! grammar and the operation catalogue, and what an Allow's actions really
//! grant (broad wildcards, full access, NotAction, Allows a Deny overrides).

use std::cell::RefCell;
use std::collections::HashMap;

use super::memo::Memo;
use super::shared::{covers_resource, is_every_resource};
use super::Context;
use crate::catalog::{catalog, Catalog, Table};
use crate::core::text::{nearest, Vocabulary};
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::{Edit, Fix};
use crate::core::{Span, Spanned};
use crate::fix;
use crate::model::{Element, Policy, Statement};
use crate::wildcard::{self, has_wildcard, Case, CoverIndex};

/// The operation the semantic rules are built around.
const CREATE_IMAGE: &str = "ens:CreateImage";

pub(super) fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let catalog = catalog();
    for statement in &policy.statements {
        let Some(action) = &statement.action else {
            continue;
        };
        for value in &action.values {
            action_value(catalog, value, cx, out);
        }
        for value in &action.partial {
            if let Some(reason) = partial_action_error(value.value) {
                out.push(invalid_action(
                    value.span,
                    format!(
                        "`{}` is not a valid action, whatever the host computes in it: {reason}",
                        value.value.shown()
                    ),
                    ACTION_SHAPE.into(),
                ));
            }
        }
        if cx.on(Rule::RedundantAction) {
            redundant(action, cx.text, out);
        }
        // What an Allow grants is only a question where it grants.
        if statement.is_allow() && policy.kind.grants() {
            allow_grants(catalog, statement, action, out);
        }
    }
    if cx.on(Rule::ShadowedAllow) {
        shadowed_allows(policy, out);
    }
}

/// The services a policy's actions name that have no operation table, so
/// whose actions no check could verify: lower case, sorted, each once.
/// Service wildcards (`*`, `yundun-*`) name no service and are left out.
pub fn unchecked_services(policy: &Policy<'_>) -> Vec<String> {
    let catalog = catalog();
    let mut services: Vec<String> = policy
        .statements
        .iter()
        .filter_map(|statement| statement.action.as_ref())
        .flat_map(|action| &action.values)
        .filter_map(|value| split_action(value.value).ok())
        .map(|(service, _)| service)
        .filter(|service| !has_wildcard(service) && !catalog.is_catalogued(service))
        .map(str::to_ascii_lowercase)
        .collect();
    services.sort();
    services.dedup();
    services
}

/// An action split into service code and name, or why it is not one.
pub(super) fn split_action(value: &str) -> Result<(&str, &str), String> {
    if value.chars().any(char::is_whitespace) {
        return Err("it contains whitespace".into());
    }
    let Some((service, name)) = value.split_once(':') else {
        return Err("it has no `:` between the service code and the action name".into());
    };
    if service.is_empty() {
        return Err("the service code before `:` is empty".into());
    }
    if name.is_empty() {
        return Err("the action name after `:` is empty".into());
    }
    if name.contains(':') {
        return Err("it has more than one `:`".into());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_');
    if let Some(c) = service.chars().find(|&c| !allowed(c)) {
        return Err(format!("`{c}` cannot appear in a service code"));
    }
    if let Some(c) = name.chars().find(|&c| !allowed(c) && c != '.') {
        return Err(format!("`{c}` cannot appear in an action name"));
    }
    Ok((service, name))
}

const ACTION_SHAPE: &str = "write `<service>:<action>`, such as `ens:CreateImage`, or `*` for every action";

/// The one maker of `invalid-action`.
fn invalid_action(span: crate::core::Span, message: String, help: String) -> Diagnostic {
    Diagnostic::new(Rule::InvalidAction, span, message).with_help(help)
}

/// What [`split_action`] finds wrong in a partly known action whatever its
/// holes hold: only what the literal text decides (whitespace, a character
/// no action has, a second `:`, an empty service code). A hole may hold the
/// `:`, the service or the name, so nothing else is concluded.
fn partial_action_error(value: crate::parse::Partial<'_, '_>) -> Option<String> {
    if value.holds(char::is_whitespace) {
        return Some("it contains whitespace".into());
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '-' | '_' | '.' | ':');
    if value.holds(|c| !allowed(c)) {
        let c = value.0.iter().flat_map(|s| s.chars()).find(|&c| !allowed(c))?;
        return Some(format!("`{c}` cannot appear in an action"));
    }
    if value.0.iter().map(|s| s.matches(':').count()).sum::<usize>() > 1 {
        return Some("it has more than one `:`".into());
    }
    if value.prefix().starts_with(':') {
        return Some("the service code before `:` is empty".into());
    }
    None
}

/// `*`, `**`, `*:*`: every action of every service.
pub(super) fn is_every_action(value: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    all_stars(value)
        || value
            .split_once(':')
            .is_some_and(|(s, n)| all_stars(s) && all_stars(n))
}

fn action_value(catalog: &Catalog, value: &Spanned<&str>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let text = value.value;
    // Empty strings are empty-value's finding.
    if text.is_empty() || is_every_action(text) {
        return;
    }
    let (service, _) = match split_action(text) {
        Ok(parts) => parts,
        Err(reason) => {
            let help = if text.trim() != text && split_action(text.trim()).is_ok() {
                format!("remove the surrounding whitespace: `{}`", text.trim())
            } else {
                ACTION_SHAPE.into()
            };
            out.push(invalid_action(
                value.span,
                format!("`{text}` is not a valid action: {reason}"),
                help,
            ));
            return;
        }
    };
    let Some(table) = catalog.table(service) else {
        return;
    };
    let code = table.service();
    let extra = |pattern: &str| {
        cx.options
            .extra_actions
            .iter()
            .any(|a| wildcard::matches(pattern, a, Case::Insensitive))
    };
    if !has_wildcard(text) {
        match catalog.lookup(text) {
            Some(op) if op.action != text => out.push(
                Diagnostic::new(
                    Rule::ActionCase,
                    value.span,
                    format!("`{text}` differs in case from the documented `{}`", op.action),
                )
                .with_help(format!(
                    "write `{}`; RAM matches most actions in any case, but not every service promises it",
                    op.action
                ))
                .with_fix(Fix::safe(
                    format!("write `{}`", op.action),
                    vec![Edit::replace(value.span, fix::json_string(op.action))],
                )),
            ),
            Some(_) => {}
            None if extra(text) => {}
            None if catalog.renamed(text).is_some() => {
                if let Some(ram) = catalog.renamed(text) {
                    out.push(renamed_action(value, table, ram));
                }
            }
            None if table.is_complete() => out.push(unknown_action(value, code, cx)),
            None => out.push(unlisted_action(value, table, cx)),
        }
        return;
    }
    // A pattern that matches in the documented case is fine, and finding one
    // such operation is cheaper than listing all it covers.
    if catalog.matches_any_with(text, Case::Sensitive) {
        return;
    }
    let covered = catalog.resolve(text);
    if covered.is_empty() {
        if !extra(text) {
            let known = if table.is_complete() {
                format!("the {} known {code} operations", table.operations().len())
            } else {
                format!(
                    "the {} {code} operations of its incomplete table, as of {}",
                    table.operations().len(),
                    table.as_of()
                )
            };
            out.push(
                Diagnostic::new(
                    Rule::WildcardMatchesNothing,
                    value.span,
                    format!("`{text}` matches none of {known}"),
                )
                .with_help("check the spelling of the pattern; it grants or denies nothing as written"),
            );
        }
        return;
    }
    out.push(
        Diagnostic::new(
            Rule::ActionCase,
            value.span,
            format!(
                "`{text}` matches {} only when case is ignored, such as `{}`",
                operations(covered.len()),
                covered[0].action
            ),
        )
        .with_help("spell the pattern in the documented case; RAM matches most actions in any case, but not every service promises it"),
    );
}

fn unknown_action(value: &Spanned<&str>, code: &str, cx: &Context<'_>) -> Diagnostic {
    let text = value.value;
    let best = near_miss(text, code, cx);
    let help = match best {
        Some(best) => format!("did you mean `{best}`? if `{text}` is newer than the built-in table, list it under `extra-actions` in policy-check.toml"),
        None => format!("no known {code} action is close; if `{text}` is newer than the built-in table, list it under `extra-actions` in policy-check.toml"),
    };
    let diagnostic = Diagnostic::new(
        Rule::UnknownAction,
        value.span,
        format!("`{text}` is not a known {code} action"),
    )
    .with_help(help);
    match best {
        // Unsafe: the statement starts granting (or denying) an action it
        // never matched.
        Some(best) => diagnostic.with_fix(Fix::unsafe_(
            format!("write `{best}`"),
            vec![Edit::replace(value.span, fix::json_string(best))],
        )),
        None => diagnostic,
    }
}

/// An API's name where RAM authorizes the API under another name
/// (`cr:DeleteRepoSyncRule` is `cr:DeleteSyncRule`): the action as written
/// matches nothing. An error where the table is complete, else a warning.
fn renamed_action(value: &Spanned<&str>, table: &Table, ram: &'static str) -> Diagnostic {
    let text = value.value;
    let rule = if table.is_complete() {
        Rule::UnknownAction
    } else {
        Rule::UnlistedAction
    };
    Diagnostic::new(
        rule,
        value.span,
        format!("`{text}` is an API's name, but RAM authorizes that API as `{ram}`"),
    )
    .with_help(format!(
        "write `{ram}` (rules/operations/renames.tsv lists the actions whose RAM name differs from the API's)"
    ))
    // Unsafe: the statement starts granting (or denying) what it never did.
    .with_fix(Fix::unsafe_(
        format!("write `{ram}`"),
        vec![Edit::replace(value.span, fix::json_string(ram))],
    ))
}

/// The known action closest to `text` when it is close enough to be a
/// typo: one or two edits (a swap of two neighbours counts as one),
/// ignoring case. A farther one is no help: `ecs:CreateTags` is five
/// edits from `ecs:CreateImage`, another action altogether.
fn near_miss<'a>(text: &str, code: &str, cx: &'a Context<'_>) -> Option<&'a str> {
    suggestion(text, code, &cx.options.extra_actions)
        .filter(|best| strsim::osa_distance(&text.to_ascii_lowercase(), &best.to_ascii_lowercase()) <= 2)
}

/// An action an incomplete table lacks: likely a typo, but possibly an action
/// the table's sources never named, so a warning that says where the table
/// comes from.
fn unlisted_action(value: &Spanned<&str>, table: &Table, cx: &Context<'_>) -> Diagnostic {
    let text = value.value;
    let code = table.service();
    let best = near_miss(text, code, cx);
    let guess = match best {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("no listed {code} action is close."),
    };
    let diagnostic = Diagnostic::new(
        Rule::UnlistedAction,
        value.span,
        format!(
            "`{text}` is not in the {code} operation table; {guess} That table is incomplete, as of {}",
            table.as_of()
        ),
    )
    .with_help(format!(
        "fix the spelling; if `{text}` is a real action (RAM-only, or newer than the table), list it under `extra-actions` in policy-check.toml"
    ));
    match best {
        // One or two edits from a listed action: most likely a typo, so the
        // fix is offered, unsafe as it changes what the statement grants.
        Some(best) => diagnostic.with_fix(Fix::unsafe_(
            format!("write `{best}`"),
            vec![Edit::replace(value.span, fix::json_string(best))],
        )),
        _ => diagnostic,
    }
}

thread_local! {
    /// "Did you mean" per unknown action of the built-in catalogue: each
    /// answer is a similarity scan of the service's whole table, and real
    /// trees repeat the same few misspellings across many files.
    static SUGGESTIONS: RefCell<Memo<Option<&'static str>>> = RefCell::new(Memo::new());
    /// Each table's actions prepared for the scan, once per thread.
    static VOCABULARIES: RefCell<HashMap<&'static str, Vocabulary<'static>>> = RefCell::new(HashMap::new());
}

/// The known action closest to `text`, an unknown action of service `code`.
fn suggestion<'a>(text: &str, code: &str, extra: &'a [String]) -> Option<&'a str> {
    let table = catalog().table(code);
    if extra.is_empty() {
        // `code` is `text`'s own service, so `text` alone is the key.
        return SUGGESTIONS.with(|memo| {
            memo.borrow_mut().get_or_compute(text, || {
                let table = table?;
                VOCABULARIES.with(|all| {
                    all.borrow_mut()
                        .entry(table.service())
                        .or_insert_with(|| {
                            let actions: Vec<&'static str> =
                                table.operations().iter().map(|op| op.action).collect();
                            Vocabulary::new(&actions)
                        })
                        .nearest(text)
                })
            })
        });
    }
    // Extra actions differ per configuration; they are rare, so not memoized.
    let mut candidates: Vec<&str> = table
        .map(|table| table.operations().iter().map(|op| op.action).collect())
        .unwrap_or_default();
    candidates.extend(extra.iter().map(String::as_str));
    nearest(text, &candidates)
}

fn operations(n: usize) -> String {
    crate::core::text::count(n, "operation")
}

/// Values repeated, or covered by another value of the same element.
fn redundant(element: &Element<'_>, text: &str, out: &mut Vec<Diagnostic>) {
    let values: Vec<&Spanned<&str>> = element.values.iter().filter(|v| !v.value.is_empty()).collect();
    let texts: Vec<&str> = values.iter().map(|v| v.value).collect();
    let covers = wildcard::first_covers(&texts, Case::Insensitive, |general, specific| {
        wildcard::covers(general, specific, Case::Insensitive)
    });
    for (i, (value, j)) in values.iter().zip(covers).enumerate() {
        let Some(j) = j else {
            continue;
        };
        let other = values[j];
        let diagnostic = if value.value == other.value {
            Diagnostic::new(
                Rule::RedundantAction,
                value.span,
                format!("`{}` is listed twice", value.value),
            )
            .with_label(other.span, "first listed here")
        } else if value.value.eq_ignore_ascii_case(other.value) && j < i {
            Diagnostic::new(
                Rule::RedundantAction,
                value.span,
                format!("`{}` repeats `{}` up to case", value.value, other.value),
            )
            .with_label(other.span, "first listed here")
        } else {
            Diagnostic::new(
                Rule::RedundantAction,
                value.span,
                format!("`{}` is already covered by `{}`", value.value, other.value),
            )
            .with_label(other.span, "covers it")
        };
        let diagnostic = diagnostic.with_help(format!("remove `{}`", value.value));
        out.push(match removal(element, value, value.value == other.value, text) {
            Some(fix) => diagnostic.with_fix(fix),
            None => diagnostic,
        });
    }
}

/// The fix that removes a redundant `value` from its element's array: safe
/// for an exact repeat, unsafe otherwise (a repeat up to case, a value a
/// pattern covers), since it rests on how RAM compares the two.
/// `text` is the document's text, which the spans index.
pub(super) fn removal(element: &Element<'_>, value: &Spanned<&str>, exact: bool, text: &str) -> Option<Fix> {
    // Items are in text order: a search keeps many removals linear.
    let index = element
        .items
        .binary_search_by_key(&value.span.start, |span| span.start)
        .ok()
        .filter(|&i| element.items[i] == value.span)?;
    let edit = fix::remove_item(text, &element.items, index)?;
    let message = format!("remove `{}`", value.value);
    Some(if exact {
        Fix::safe(message, vec![edit])
    } else {
        Fix::unsafe_(message, vec![edit])
    })
}

fn unconditional(statement: &Statement<'_>) -> bool {
    statement.condition_complete && statement.condition.iter().all(|block| block.entries.is_empty())
}

/// The statement's `Resource: "*"` value, when it has one.
fn every_resource<'s>(statement: &'s Statement<'_>) -> Option<&'s Spanned<&'s str>> {
    statement
        .resource
        .as_ref()
        .filter(|r| !r.negated)?
        .values
        .iter()
        .find(|v| is_every_resource(v.value))
}

/// What an Allow statement's actions grant.
fn allow_grants(
    catalog: &Catalog,
    statement: &Statement<'_>,
    action: &Element<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(effect) = statement.effect else {
        return;
    };
    if action.negated {
        out.push(
            Diagnostic::new(
                Rule::AllowNotAction,
                action.key_span,
                "`NotAction` in an Allow grants every action of every service except the ones listed",
            )
            .with_label(effect.span, "effect set here")
            .with_help("list what the principal may do under `Action`; keep `NotAction` for Deny statements that carve out exceptions"),
        );
        return;
    }
    let full_access = every_resource(statement).filter(|_| unconditional(statement));
    for value in &action.values {
        if is_every_action(value.value) {
            if let Some(resource) = full_access {
                out.push(
                    Diagnostic::new(
                        Rule::AllowAll,
                        value.span,
                        format!("`{}` on every resource without conditions grants full administrator access", value.value),
                    )
                    .with_label(resource.span, "on every resource")
                    .with_label(effect.span, "effect set here")
                    .with_help("grant only the actions the principal needs; if full access is intended, attach the AdministratorAccess system policy so reviews see it"),
                );
                continue;
            }
        }
        broad_wildcard(catalog, statement, value, effect.span, out);
    }
}

/// The services an Allow statement's resources can reach: `None` for every
/// service (`*`, a wildcard service in an ARN, `NotResource`, or no
/// resource element), else their lower-case codes.
fn reached_services(statement: &Statement<'_>) -> Option<Vec<String>> {
    let resource = statement.resource.as_ref().filter(|r| !r.negated)?;
    let mut services: Vec<String> = Vec::new();
    for value in &resource.values {
        if is_every_resource(value.value) {
            return None;
        }
        let mut parts = value.value.splitn(3, ':');
        let (Some("acs"), Some(service)) = (parts.next(), parts.next()) else {
            continue;
        };
        if has_wildcard(service) {
            return None;
        }
        let service = service.to_ascii_lowercase();
        if !services.contains(&service) {
            services.push(service);
        }
    }
    Some(services)
}

/// Whether the statement's resources cover every resource of `service`:
/// `*`, or an ARN of that service (or of every service) whose region and
/// resource parts are `*` (`acs:ecs:*:*:*`, `acs:ecs:*:123456:*`).
fn whole_service_resources(statement: &Statement<'_>, service: &str) -> bool {
    let Some(resource) = statement.resource.as_ref().filter(|r| !r.negated) else {
        return true;
    };
    resource.values.iter().any(|value| {
        if is_every_resource(value.value) {
            return true;
        }
        let parts: Vec<&str> = value.value.splitn(5, ':').collect();
        matches!(parts.as_slice(), ["acs", arn_service, region, _, rest]
            if (is_every_resource(arn_service) || arn_service.eq_ignore_ascii_case(service))
                && is_every_resource(region)
                && is_every_resource(rest))
    })
}

/// `broad-action-wildcard`: a wildcard that grants whole services, or that
/// covers ens:CreateImage together with other operations. Only operations
/// the statement's resources can reach are counted, and a statement that
/// cannot reach ENS is never described in terms of image creation.
fn broad_wildcard(
    catalog: &Catalog,
    statement: &Statement<'_>,
    value: &Spanned<&str>,
    effect: crate::core::Span,
    out: &mut Vec<Diagnostic>,
) {
    let pattern = value.value;
    if !has_wildcard(pattern) {
        return;
    }
    let (service_pattern, name_pattern) = if is_every_action(pattern) {
        ("*", "*")
    } else {
        match split_action(pattern) {
            Ok(parts) => parts,
            Err(_) => return,
        }
    };
    let reached = reached_services(statement);
    let reaches = |service: &str| {
        reached
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s.eq_ignore_ascii_case(service)))
    };
    let diagnostic = |message: String, help: String| {
        Diagnostic::new(Rule::BroadActionWildcard, value.span, message)
            .with_label(effect, "effect set here")
            .with_help(help)
    };
    // Full access to whole services: `*` or `ecs:*` on those services'
    // resources (or on `*`).
    if is_every_resource(name_pattern) {
        let granted: Vec<String> = match &reached {
            None if has_wildcard(service_pattern) => {
                if whole_service_resources(statement, "*") {
                    let count = catalog.operation_count();
                    out.push(diagnostic(
                        format!(
                            "`{pattern}` grants every action of every service ({count} catalogued operations, ens:CreateImage among them)"
                        ),
                        "grant only the actions the principal needs; if full access is intended, attach a system policy so reviews see it".to_string(),
                    ));
                }
                return;
            }
            None => vec![service_pattern.to_ascii_lowercase()],
            Some(list) => list
                .iter()
                .filter(|s| wildcard::matches(service_pattern, s, Case::Insensitive))
                .cloned()
                .collect(),
        };
        let whole: Vec<String> = granted
            .into_iter()
            .filter(|s| whole_service_resources(statement, s))
            .collect();
        if !whole.is_empty() {
            let counted: Vec<String> = whole
                .iter()
                .map(|s| match catalog.table(s) {
                    Some(table) => format!("{s} ({})", operations(table.operations().len())),
                    None => s.clone(),
                })
                .collect();
            let help = if whole.iter().any(|s| s == "ens") {
                format!("to grant image creation, write `{CREATE_IMAGE}`; name every other operation the principal needs")
            } else {
                "name the actions the principal needs instead of whole services".to_string()
            };
            out.push(diagnostic(
                format!("`{pattern}` grants every action of {}", join_list(&counted)),
                help,
            ));
            return;
        }
    }
    if !reaches("ens") || !wildcard::matches(pattern, CREATE_IMAGE, Case::Insensitive) {
        return;
    }
    let every_service = has_wildcard(service_pattern);
    let message = if every_service && !has_wildcard(name_pattern) {
        format!("`{pattern}` covers the action of that name in every service, including {CREATE_IMAGE}")
    } else if let covered @ 2.. = reached_operations(catalog, pattern, reaches) {
        let scope = if every_service {
            "operations of several services"
        } else {
            "ens operations"
        };
        let within = if reached.is_some() {
            " on this statement's resources"
        } else {
            ""
        };
        format!("`{pattern}` covers {covered} {scope}{within}, including {CREATE_IMAGE}")
    } else {
        return;
    };
    out.push(diagnostic(
        message,
        format!(
            "to grant image creation, write `{CREATE_IMAGE}`; name every other operation the principal needs"
        ),
    ));
}

/// How many catalogued operations `pattern` covers in the services
/// `reaches` accepts.
fn reached_operations(catalog: &Catalog, pattern: &str, reaches: impl Fn(&str) -> bool) -> usize {
    catalog
        .covered_per_service(pattern)
        .filter(|(service, _)| reaches(service))
        .map(|(_, count)| count)
        .sum()
}

/// `a`, `a and b`, `a, b and c`.
fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Allowed actions that an unconditional Deny in the same document always
/// overrides: for each, the first such Deny.
///
/// Statements come from strangers, so no Allow is compared with every Deny:
/// the Deny's action values and resources are indexed ([`CoverIndex`]), and
/// of the Denies that deny an action and those that cover the Allow's
/// resources, the smaller set is walked in order and checked against the other.
fn shadowed_allows(policy: &Policy<'_>, out: &mut Vec<Diagnostic>) {
    let denies: Vec<&Statement<'_>> = policy
        .statements
        .iter()
        .filter(|s| s.is_deny() && unconditional(s) && s.action.is_some())
        .collect();
    if denies.is_empty() {
        return;
    }
    let index = DenyIndex::new(&denies);
    for allow in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(action) = allow.action.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        // The Denies whose resources cover the Allow's, once per Allow.
        let mut covering: Option<Vec<usize>> = None;
        for value in &action.values {
            if has_wildcard(value.value) || split_action(value.value).is_err() {
                continue;
            }
            let covering = covering.get_or_insert_with(|| index.covering_resources(allow));
            let Some((k, evidence)) = index.first_denying(value.value, covering) else {
                continue;
            };
            let deny = denies[k];
            let mut diagnostic = Diagnostic::new(
                Rule::ShadowedAllow,
                value.span,
                format!(
                    "the Allow of `{}` never takes effect: an unconditional Deny in this policy always overrides it",
                    value.value
                ),
            )
            .with_label(evidence, "denied here");
            if let Some(effect) = deny.effect {
                diagnostic = diagnostic.with_label(effect.span, "effect set here");
            }
            out.push(diagnostic.with_help(
                "remove the action from the Allow, or narrow the Deny with a condition or a more specific `Action`",
            ));
        }
    }
}

/// The unconditional Denies of one document, indexed by action and resource.
struct DenyIndex<'d, 'a> {
    denies: &'d [&'d Statement<'a>],
    /// Every Deny's action values in order, with the Deny each belongs to.
    actions: Vec<&'d Spanned<&'a str>>,
    action_owner: Vec<usize>,
    action_index: CoverIndex,
    /// Denies with `NotAction` and at least one value, in order.
    not_action: Vec<usize>,
    /// Every resource value of a Deny with a `Resource` list, with its Deny.
    resources: Vec<&'a str>,
    resource_owner: Vec<usize>,
    resource_index: CoverIndex,
    /// Denies (ascending) with `*` among their resources: the only ones
    /// that cover a partly known resource.
    every_resource: Vec<usize>,
}

impl<'d, 'a> DenyIndex<'d, 'a> {
    fn new(denies: &'d [&'d Statement<'a>]) -> Self {
        let mut actions: Vec<&Spanned<&str>> = Vec::new();
        let (mut action_owner, mut not_action) = (Vec::new(), Vec::new());
        let (mut resources, mut resource_owner) = (Vec::new(), Vec::new());
        let mut every_resource = Vec::new();
        for (k, deny) in denies.iter().enumerate() {
            if let Some(element) = &deny.action {
                // An unknown NotAction value might name any action.
                if element.negated && !element.values.is_empty() && element.complete {
                    not_action.push(k);
                }
                actions.extend(element.values.iter());
                action_owner.extend(std::iter::repeat_n(k, element.values.len()));
            }
            if let Some(element) = deny.resource.as_ref().filter(|r| !r.negated) {
                if element.values.iter().any(|v| is_every_resource(v.value)) {
                    every_resource.push(k);
                }
                resources.extend(element.values.iter().map(|v| v.value));
                resource_owner.extend(std::iter::repeat_n(k, element.values.len()));
            }
        }
        let texts: Vec<&str> = actions.iter().map(|v| v.value).collect();
        DenyIndex {
            denies,
            action_index: CoverIndex::new(&texts, Case::Insensitive),
            actions,
            action_owner,
            not_action,
            resource_index: CoverIndex::new(&resources, Case::Sensitive),
            resources,
            resource_owner,
            every_resource,
        }
    }

    /// The Denies (ascending) whose resources include every resource
    /// `allow` names: both without `Resource`, or each of the Allow's
    /// resources covered by one of the Deny's.
    fn covering_resources(&self, allow: &Statement<'_>) -> Vec<usize> {
        let all = 0..self.denies.len();
        let Some(element) = &allow.resource else {
            return all.filter(|&k| self.denies[k].resource.is_none()).collect();
        };
        let with_resources = |k: &usize| self.denies[*k].resource.as_ref().is_some_and(|r| !r.negated);
        // Unknown Allow resources might lie outside every Deny's.
        if element.negated || element.opaque {
            return Vec::new();
        }
        let mut covering: Option<Vec<usize>> = None;
        // A partly known resource is covered whatever its holes hold only
        // by a Deny of every resource (a hole may add any `/`).
        let every = &self.every_resource;
        let partly = element.partial.iter().map(|_| None);
        for r in element.values.iter().map(Some).chain(partly) {
            let mut here: Vec<usize> = Vec::new();
            let Some(r) = r else {
                here.clone_from(every);
                if here.is_empty() {
                    return here;
                }
                covering = Some(match covering {
                    None => here,
                    Some(before) => before
                        .into_iter()
                        .filter(|k| every.binary_search(k).is_ok())
                        .collect(),
                });
                continue;
            };
            for id in self.resource_index.candidates(r.value) {
                let at = self.resource_index.occurrences(id);
                if covers_resource(self.resources[at[0]], r.value) {
                    here.extend(at.iter().map(|&i| self.resource_owner[i]));
                }
            }
            here.sort_unstable();
            here.dedup();
            let kept = match covering {
                None => here,
                Some(before) => before
                    .into_iter()
                    .filter(|k| here.binary_search(k).is_ok())
                    .collect(),
            };
            if kept.is_empty() {
                return kept;
            }
            covering = Some(kept);
        }
        covering.unwrap_or_else(|| all.filter(with_resources).collect())
    }

    /// The first Deny among `covering` (ascending) that denies `action`, with
    /// where: its first value that covers the action, or its NotAction key
    /// when no value there excludes it.
    fn first_denying(&self, action: &str, covering: &[usize]) -> Option<(usize, Span)> {
        // Action values that cover `action`, as lists of places in `actions`.
        let hits: Vec<&[usize]> = self
            .action_index
            .candidates(action)
            .into_iter()
            .map(|id| self.action_index.occurrences(id))
            .filter(|at| wildcard::covers(self.actions[at[0]].value, action, Case::Insensitive))
            .collect();
        let negated = |k: usize| self.denies[k].action.as_ref().is_some_and(|a| a.negated);
        // The first place a value of Deny `k` covers the action.
        let first_hit = |k: usize| {
            hits.iter()
                .filter_map(|at| {
                    let from = at.partition_point(|&i| self.action_owner[i] < k);
                    at.get(from).copied().filter(|&i| self.action_owner[i] == k)
                })
                .min()
        };
        let denies = |k: usize| match (negated(k), first_hit(k)) {
            (false, Some(i)) => Some((k, self.actions[i].span)),
            (true, None) if self.not_action.binary_search(&k).is_ok() => {
                self.denies[k].action.as_ref().map(|a| (k, a.key_span))
            }
            _ => None,
        };
        let named: usize = hits.iter().map(|at| at.len()).sum::<usize>() + self.not_action.len();
        if covering.len() <= named {
            return covering.iter().find_map(|&k| denies(k));
        }
        // Fewer Denies name the action than cover the resources: walk those.
        let mut named: Vec<usize> = hits
            .iter()
            .flat_map(|at| at.iter().map(|&i| self.action_owner[i]))
            .filter(|&k| !negated(k))
            .chain(self.not_action.iter().copied())
            .collect();
        named.sort_unstable();
        named.dedup();
        named
            .into_iter()
            .filter(|k| covering.binary_search(k).is_ok())
            .find_map(denies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `shadowed_allows` found before it was indexed: every Allow value
    /// against every Deny, in order.
    fn shadowed_by_every_pair(policy: &Policy<'_>) -> Vec<(Span, Span)> {
        let denies: Vec<&Statement<'_>> = policy
            .statements
            .iter()
            .filter(|s| s.is_deny() && unconditional(s) && s.action.is_some())
            .collect();
        let denied_by = |deny: &Statement<'_>, action: &str| {
            let element = deny.action.as_ref()?;
            let hit = element
                .values
                .iter()
                .find(|d| wildcard::covers(d.value, action, Case::Insensitive));
            match (element.negated, hit) {
                (false, Some(d)) => Some(d.span),
                (true, None) if !element.values.is_empty() && element.complete => Some(element.key_span),
                _ => None,
            }
        };
        let resources_covered =
            |allow: &Statement<'_>, deny: &Statement<'_>| match (&allow.resource, &deny.resource) {
                (None, None) => true,
                (Some(a), Some(d)) if !a.negated && !d.negated && !a.opaque => {
                    a.values
                        .iter()
                        .all(|r| d.values.iter().any(|dr| covers_resource(dr.value, r.value)))
                        && (a.partial.is_empty() || d.values.iter().any(|dr| is_every_resource(dr.value)))
                }
                _ => false,
            };
        let mut found = Vec::new();
        for allow in policy.statements.iter().filter(|s| s.is_allow()) {
            let Some(action) = allow.action.as_ref().filter(|a| !a.negated) else {
                continue;
            };
            for value in &action.values {
                if has_wildcard(value.value) || split_action(value.value).is_err() {
                    continue;
                }
                if let Some(evidence) = denies
                    .iter()
                    .find_map(|deny| denied_by(deny, value.value).filter(|_| resources_covered(allow, deny)))
                {
                    found.push((value.span, evidence));
                }
            }
        }
        found
    }

    fn statement() -> impl Strategy<Value = String> {
        let effect = prop::sample::select(vec!["Allow", "Deny"]);
        let action_key = prop::sample::select(vec!["Action", "Action", "NotAction"]);
        let actions = prop::collection::vec(
            prop::sample::select(vec!["a:X", "a:x", "a:Y", "a:*", "*", "a:?", "b:X", "a:X*"]),
            0..4,
        );
        let resource_key = prop::sample::select(vec!["Resource", "Resource", "NotResource", ""]);
        let resources =
            prop::collection::vec(prop::sample::select(vec!["*", "r/1", "r/2", "r/*", "s"]), 0..3);
        (effect, action_key, actions, resource_key, resources).prop_map(|(e, ak, a, rk, r)| {
            let list = |v: Vec<&str>| {
                format!(
                    "[{}]",
                    v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(",")
                )
            };
            let resource = if rk.is_empty() {
                String::new()
            } else {
                format!(",\"{rk}\":{}", list(r))
            };
            format!("{{\"Effect\":\"{e}\",\"{ak}\":{}{resource}}}", list(a))
        })
    }

    fn statements(n: usize, statement: impl Fn(usize) -> String) -> String {
        let all: Vec<String> = (0..n).map(statement).collect();
        format!("{{\"Version\":\"1\",\"Statement\":[{}]}}", all.join(","))
    }

    /// Alternating Allow and Deny statements (issue 11: 40k took 25.7 s):
    /// each Allow is compared with the few Denies the index names, not all.
    /// How many globs `shadowed_allows` runs on `text`, which it must find
    /// nothing in.
    fn globs_for_no_finding(text: &str) -> usize {
        let parsed = crate::parse::parse(text);
        let root = parsed.root.expect("parses");
        let policy = Policy::from_root(&root).expect("an object");
        let before = wildcard::glob_calls();
        let mut out = Vec::new();
        shadowed_allows(&policy, &mut out);
        assert!(out.is_empty());
        wildcard::glob_calls() - before
    }

    #[test]
    fn allows_are_not_compared_with_every_deny() {
        let n = 4_000;
        let text = statements(n, |i| {
            let effect = if i % 2 == 0 { "Allow" } else { "Deny" };
            format!("{{\"Effect\":\"{effect}\",\"Action\":\"ens:Describe{i}\",\"Resource\":\"acs:ens:*:*:instance/i-{i}\"}}")
        });
        let calls = globs_for_no_finding(&text);
        assert!(calls < 4 * n, "{calls} globs for {n} statements");
        // Same actions, resources the Deny does not cover: still no pairs.
        let text = statements(n, |i| {
            let effect = if i % 2 == 0 { "Allow" } else { "Deny" };
            format!("{{\"Effect\":\"{effect}\",\"Action\":\"ens:*\",\"Resource\":\"acs:ens:*:*:instance/i-{i}\"}}")
        })
        .replace("{\"Effect\":\"Allow\",\"Action\":\"ens:*\"", "{\"Effect\":\"Allow\",\"Action\":\"ens:DescribeImages\"");
        let calls = globs_for_no_finding(&text);
        assert!(calls < 4 * n, "{calls} globs for {n} statements");
    }

    /// A rule that is off does not run: `--ignore shadowed-allow` took as
    /// long as running it (25.4 s on issue 11's file).
    #[test]
    fn a_rule_that_is_off_does_not_run() {
        let text = r#"{"Version":"1","Statement":[
            {"Effect":"Allow","Action":"a:X","Resource":"*"},
            {"Effect":"Deny","Action":"a:X*","Resource":"*"}]}"#;
        let globs = |settings: &crate::core::RuleSettings| {
            let parsed = crate::parse::parse(text);
            let root = parsed.root.expect("parses");
            let before = wildcard::glob_calls();
            let mut out = Vec::new();
            let policy = Policy::from_root(&root).expect("an object");
            let options = crate::checks::LintOptions::default();
            let cx = Context {
                text,
                options: &options,
                settings,
                exact_text: true,
            };
            crate::checks::run(&policy, &cx, &mut out);
            (
                wildcard::glob_calls() - before,
                out.iter().any(|d| d.rule == Rule::ShadowedAllow),
            )
        };
        let on = crate::core::RuleSettings::default();
        let mut off = on.clone();
        off.set(Rule::ShadowedAllow, None);
        let (calls, found) = globs(&on);
        assert!(calls > 0 && found);
        assert_eq!(globs(&off), (0, false));
    }

    proptest! {
        #[test]
        fn indexed_shadowed_allows_find_what_every_pair_finds(statements in prop::collection::vec(statement(), 0..8)) {
            let text = format!("{{\"Version\":\"1\",\"Statement\":[{}]}}", statements.join(","));
            let parsed = crate::parse::parse(&text);
            let root = parsed.root.expect("generated JSON parses");
            let policy = Policy::from_root(&root).expect("an object");
            let mut out = Vec::new();
            shadowed_allows(&policy, &mut out);
            let found: Vec<(Span, Span)> = out.iter().map(|d| (d.span, d.labels[0].span)).collect();
            prop_assert_eq!(found, shadowed_by_every_pair(&policy), "{}", text);
        }
    }

    #[test]
    fn actions_split_into_service_and_name() {
        assert_eq!(split_action("ens:CreateImage"), Ok(("ens", "CreateImage")));
        assert_eq!(split_action("yundun-*:*"), Ok(("yundun-*", "*")));
        for bad in [
            "1",
            "ens:",
            ":CreateImage",
            "ens::X",
            "ens:Create Image",
            "ens/CreateImage",
            "ens:Create,",
        ] {
            assert!(split_action(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn remembered_suggestions_match_a_fresh_search() {
        let ens: Vec<&str> = catalog()
            .table("ens")
            .map(|t| t.operations().iter().map(|op| op.action).collect())
            .unwrap_or_default();
        let extra = vec!["ens:CreateImageV2".to_string()];
        let with_extra: Vec<&str> = ens
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .collect();
        let texts = [
            "ens:CreatImage",
            "ens:CreateImages",
            "ens:DescribeImage",
            "ens:Create-Image",
            "ENS:CREATIMAGE",
            "ens:CreateImageV",
            "ens:Zzz",
        ];
        // Twice over, so the second round answers from the memo.
        for _ in 0..2 {
            for text in texts {
                assert_eq!(suggestion(text, "ens", &[]), nearest(text, &ens), "{text}");
                assert_eq!(
                    suggestion(text, "ens", &extra),
                    nearest(text, &with_extra),
                    "{text}"
                );
            }
        }
        assert_eq!(suggestion("ens:CreatImage", "ens", &[]), Some("ens:CreateImage"));
        assert_eq!(
            suggestion("ens:CreateImageV", "ens", &extra),
            Some("ens:CreateImageV2")
        );
    }

    #[test]
    fn only_star_forms_mean_every_action() {
        for every in ["*", "**", "*:*"] {
            assert!(is_every_action(every), "{every}");
        }
        for not in ["", "ens:*", "*:Describe*", "*:", ":*"] {
            assert!(!is_every_action(not), "{not}");
        }
    }
}
