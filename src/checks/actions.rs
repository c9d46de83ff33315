//! Action checks: each `Action`/`NotAction` value against RAM's action
//! grammar and the operation catalogue, and what an Allow's actions really
//! grant (broad wildcards, full access, NotAction, Allows a Deny overrides).

use std::cell::RefCell;

use super::memo::Memo;
use super::resources::covers_resource;
use super::{nearest, Context};
use crate::catalog::{catalog, Catalog};
use crate::diagnostic::Diagnostic;
use crate::model::{Element, Policy, Statement};
use crate::rules::Rule;
use crate::source::{Span, Spanned};
use crate::wildcard::{self, has_wildcard, Case};

/// The operation the semantic rules are built around.
const CREATE_IMAGE: &str = "ens:CreateImage";

pub fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let catalog = catalog();
    for statement in &policy.statements {
        let Some(action) = &statement.action else {
            continue;
        };
        for value in &action.values {
            action_value(catalog, value, cx, out);
        }
        redundant(action, out);
        if statement.is_allow() {
            allow_grants(catalog, statement, action, out);
        }
    }
    shadowed_allows(policy, out);
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
                "write `<service>:<action>`, such as `ens:CreateImage`, or `*` for every action".into()
            };
            out.push(
                Diagnostic::new(
                    Rule::InvalidAction,
                    value.span,
                    format!("`{text}` is not a valid action: {reason}"),
                )
                .with_help(help),
            );
            return;
        }
    };
    let Some(code) = catalog.service_code(service) else {
        return;
    };
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
                )),
            ),
            Some(_) => {}
            None if extra(text) => {}
            None => out.push(unknown_action(value, code, cx)),
        }
        return;
    }
    let covered = catalog.resolve(text);
    if covered.is_empty() {
        if !extra(text) {
            out.push(
                Diagnostic::new(
                    Rule::WildcardMatchesNothing,
                    value.span,
                    format!(
                        "`{text}` matches none of the {} known {code} operations",
                        count(catalog, code)
                    ),
                )
                .with_help("check the spelling of the pattern; it grants or denies nothing as written"),
            );
        }
        return;
    }
    if !catalog.matches_any_with(text, Case::Sensitive) {
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
}

fn unknown_action(value: &Spanned<&str>, code: &str, cx: &Context<'_>) -> Diagnostic {
    let text = value.value;
    let help = match suggestion(text, code, &cx.options.extra_actions) {
        Some(best) => format!("did you mean `{best}`? if `{text}` is newer than the built-in table, list it under `extra-actions` in policy-check.toml"),
        None => format!("no known {code} action is close; if `{text}` is newer than the built-in table, list it under `extra-actions` in policy-check.toml"),
    };
    Diagnostic::new(
        Rule::UnknownAction,
        value.span,
        format!("`{text}` is not a known {code} action"),
    )
    .with_help(help)
}

thread_local! {
    /// "Did you mean" per unknown action of the built-in catalogue: each
    /// answer is a similarity scan of the service's whole table, and real
    /// trees repeat the same few misspellings across many files.
    static SUGGESTIONS: RefCell<Memo<Option<&'static str>>> = RefCell::new(Memo::new());
}

/// The known action closest to `text`, an unknown action of service `code`.
fn suggestion<'a>(text: &str, code: &str, extra: &'a [String]) -> Option<&'a str> {
    let catalogued = || -> Vec<&'static str> {
        catalog()
            .operations()
            .iter()
            .filter(|op| op.service() == code)
            .map(|op| op.action)
            .collect()
    };
    if extra.is_empty() {
        // `code` is `text`'s own service, so `text` alone is the key.
        return SUGGESTIONS.with(|memo| {
            memo.borrow_mut()
                .get_or_compute(text, || nearest(text, &catalogued()))
        });
    }
    // Extra actions differ per configuration; they are rare, so not memoized.
    let mut candidates: Vec<&str> = catalogued();
    candidates.extend(extra.iter().map(String::as_str));
    nearest(text, &candidates)
}

fn count(catalog: &Catalog, code: &str) -> usize {
    catalog
        .operations()
        .iter()
        .filter(|op| op.service() == code)
        .count()
}

fn operations(n: usize) -> String {
    if n == 1 {
        "1 operation".into()
    } else {
        format!("{n} operations")
    }
}

/// Values repeated, or covered by another value of the same element.
fn redundant(element: &Element<'_>, out: &mut Vec<Diagnostic>) {
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
        out.push(diagnostic.with_help(format!("remove `{}`", value.value)));
    }
}

fn unconditional(statement: &Statement<'_>) -> bool {
    statement.condition_complete && statement.condition.iter().all(|block| block.entries.is_empty())
}

/// `*`, `**`: every resource.
pub(super) fn is_every_resource(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '*')
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
        let well_formed = is_every_action(value.value) || split_action(value.value).is_ok();
        if !has_wildcard(value.value)
            || !well_formed
            || !wildcard::matches(value.value, CREATE_IMAGE, Case::Insensitive)
        {
            continue;
        }
        let covered = catalog.resolve(value.value);
        let every_service = value
            .value
            .split_once(':')
            .is_none_or(|(service, _)| has_wildcard(service));
        let message = if every_service && covered.len() == 1 {
            format!(
                "`{}` covers the action of that name in every service, including {CREATE_IMAGE}",
                value.value
            )
        } else if every_service {
            format!(
                "`{}` covers actions of every service, including {CREATE_IMAGE} and {} other ens operations",
                value.value,
                covered.len().saturating_sub(1)
            )
        } else if covered.len() > 1 {
            format!(
                "`{}` covers {}, including {CREATE_IMAGE}",
                value.value,
                operations(covered.len())
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(Rule::BroadActionWildcard, value.span, message)
                .with_label(effect.span, "effect set here")
                .with_help(format!("to grant image creation, write `{CREATE_IMAGE}`; name every other operation the principal needs")),
        );
    }
}

/// Allowed actions that an unconditional Deny in the same document always
/// overrides.
fn shadowed_allows(policy: &Policy<'_>, out: &mut Vec<Diagnostic>) {
    let denies: Vec<&Statement<'_>> = policy
        .statements
        .iter()
        .filter(|s| s.is_deny() && unconditional(s) && s.action.is_some())
        .collect();
    if denies.is_empty() {
        return;
    }
    for allow in policy.statements.iter().filter(|s| s.is_allow()) {
        let Some(action) = allow.action.as_ref().filter(|a| !a.negated) else {
            continue;
        };
        for value in &action.values {
            if has_wildcard(value.value) || split_action(value.value).is_err() {
                continue;
            }
            if let Some((deny, evidence)) = denies.iter().find_map(|deny| {
                denied_by(deny, value.value)
                    .filter(|_| resources_covered(allow, deny))
                    .map(|evidence| (deny, evidence))
            }) {
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
}

/// Where `deny` denies `action`: the matching Action value, or the NotAction
/// key when its list does not exclude the action.
fn denied_by(deny: &Statement<'_>, action: &str) -> Option<Span> {
    let element = deny.action.as_ref()?;
    let hit = element
        .values
        .iter()
        .find(|d| wildcard::covers(d.value, action, Case::Insensitive));
    match (element.negated, hit) {
        (false, Some(d)) => Some(d.span),
        // An unknown NotAction value might name the action.
        (true, None) if !element.values.is_empty() && element.complete => Some(element.key_span),
        _ => None,
    }
}

/// Whether the Deny's resources include every resource the Allow names.
fn resources_covered(allow: &Statement<'_>, deny: &Statement<'_>) -> bool {
    match (&allow.resource, &deny.resource) {
        (None, None) => true,
        // Unknown Allow resources might lie outside the Deny's.
        (Some(a), Some(d)) if !a.negated && !d.negated && a.complete => a
            .values
            .iter()
            .all(|r| d.values.iter().any(|dr| covers_resource(dr.value, r.value))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let ens: Vec<&str> = catalog().operations().iter().map(|op| op.action).collect();
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
