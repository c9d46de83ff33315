//! Resource checks: each `Resource` value against RAM's ARN grammar, and
//! against the statement's actions (All Resources operations, services).

use super::actions::{is_every_action, removal, split_action};
use super::shared::{covers_resource, is_every_resource};
use super::Context;
use crate::catalog::{catalog, ResourceType};
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::Spanned;
use crate::core::{Edit, Fix};
use crate::fix;
use crate::model::{Element, Policy, Statement};
use crate::parse::Partial;
use crate::wildcard::{self, has_wildcard, Case};

/// Action services documented to act on other services' resources: STS
/// assumes RAM roles, SLB attaches ECS backends, DMS logs in to the databases
/// of many services.
const CROSS_SERVICE: &[(&str, &[&str])] = &[("sts", &["ram"]), ("slb", &["ecs"]), ("dms", &["*"])];

const ARN_SHAPE: &str = "acs:<service>:<region>:<account-id>:<relative-id>";

pub(super) fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for statement in &policy.statements {
        let Some(resource) = &statement.resource else {
            continue;
        };
        for value in &resource.values {
            if let Err((reason, help)) = arn(value.value) {
                out.push(
                    Diagnostic::new(
                        Rule::InvalidResource,
                        value.span,
                        format!("`{}` is not a valid resource: {reason}", value.value),
                    )
                    .with_help(help),
                );
            }
        }
        for value in &resource.partial {
            if let Some((reason, help)) = partial_arn_error(value.value) {
                out.push(
                    Diagnostic::new(
                        Rule::InvalidResource,
                        value.span,
                        format!(
                            "`{}` is not a valid resource, whatever the host computes in it: {reason}",
                            value.value.shown()
                        ),
                    )
                    .with_help(help),
                );
            }
        }
        if cx.on(Rule::RedundantResource) {
            redundant(resource, cx.text, out);
        }
        if resource.negated {
            continue;
        }
        if statement.is_allow() {
            all_resources_only(statement, resource, out);
            if cx.on(Rule::ResourceFitsNoTemplate) {
                fits_no_template(statement, resource, out);
            }
        }
        service_mismatch(statement, resource, out);
    }
}

/// The ARN's service field, or why the value is not `*` or an ARN. Empty
/// values are empty-value's finding and pass here.
fn arn(value: &str) -> Result<Option<&str>, (String, String)> {
    if value.is_empty() || is_every_resource(value) {
        return Ok(None);
    }
    let shape = || format!("RAM resources are `*` or `{ARN_SHAPE}`");
    if value.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:")) {
        return Err((
            "it is an AWS ARN".into(),
            format!("{}; RAM does not know `arn:` ARNs", shape()),
        ));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(("it contains whitespace".into(), shape()));
    }
    if let Some(placeholder) = placeholder(value) {
        let help = if placeholder.starts_with("${") {
            "render the template and check its output, or write the real value or `*`"
        } else if placeholder.starts_with("{#") {
            "this is the API reference's notation: write the real value or `*`"
        } else {
            "write the real value or `*`"
        };
        return Err((
            format!("`{placeholder}` is a placeholder, not a value"),
            help.into(),
        ));
    }
    // Split into a fixed array: every Resource value of every file comes
    // through here, and a Vec per value showed in profiles.
    let mut fields = [""; 5];
    let mut count = 0;
    for (slot, field) in fields.iter_mut().zip(value.splitn(5, ':')) {
        *slot = field;
        count += 1;
    }
    if fields[0] != "acs" {
        return Err(("it does not start with `acs:`".into(), shape()));
    }
    let [_, service, region, account, relative] = fields;
    if count < 5 {
        return Err((
            format!("it has {count} of the 5 fields of `{ARN_SHAPE}`"),
            "region and account may be empty or `*`, but every `:` must be there".into(),
        ));
    };
    if service.is_empty() {
        return Err((
            "its service field is empty".into(),
            format!(
                "write the service code second, as in `acs:ram:*:*:*`; {}",
                shape()
            ),
        ));
    }
    // `$accountId`-style shell placeholders, where no real value has a `$`.
    if let Some(field) = [region, account].into_iter().find(|f| f.contains('$')) {
        return Err((
            format!("`{field}` is a placeholder, not a value"),
            "write the real value or `*`".into(),
        ));
    }
    if relative.is_empty() {
        return Err((
            "its relative id (after the fourth `:`) is empty".into(),
            "name the resource, such as `instance/*`, or use `*`".into(),
        ));
    }
    Ok(Some(service))
}

/// What [`arn`] finds wrong in a partly known value whatever its holes
/// hold: only what the literal text decides (a hole may add `:` fields,
/// fill an empty field or the relative id, so those are never concluded).
fn partial_arn_error(value: Partial<'_, '_>) -> Option<(String, String)> {
    let shape = || format!("RAM resources are `*` or `{ARN_SHAPE}`");
    let prefix = value.prefix();
    if prefix.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:")) {
        return Some((
            "it is an AWS ARN".into(),
            format!("{}; RAM does not know `arn:` ARNs", shape()),
        ));
    }
    if value.holds(char::is_whitespace) {
        return Some(("it contains whitespace".into(), shape()));
    }
    if !(prefix.starts_with("acs:") || "acs:".starts_with(prefix)) {
        return Some(("it does not start with `acs:`".into(), shape()));
    }
    if prefix.starts_with("acs::") {
        return Some((
            "its service field is empty".into(),
            format!(
                "write the service code second, as in `acs:ram:*:*:*`; {}",
                shape()
            ),
        ));
    }
    None
}

/// The service field of a partly known ARN when its literal prefix holds
/// it whole (`acs:oss:` ...).
fn partial_service<'v>(value: &Partial<'v, '_>) -> Option<&'v str> {
    let mut fields = value.0.first()?.splitn(3, ':');
    let (Some("acs"), Some(service), Some(_)) = (fields.next(), fields.next(), fields.next()) else {
        return None;
    };
    (!service.is_empty()).then_some(service)
}

/// A documentation or template placeholder left in the value:
/// `{#accountId}`, `${var.name}` or `<bucket-name>`.
fn placeholder(value: &str) -> Option<&str> {
    // Every value comes through here; nearly none holds an opening.
    if !value.bytes().any(|b| matches!(b, b'{' | b'$' | b'<')) {
        return None;
    }
    for (open, close) in [("{#", "}"), ("${", "}"), ("<", ">")] {
        if let Some(start) = value.find(open) {
            if let Some(len) = value[start..].find(close) {
                return Some(&value[start..start + len + close.len()]);
            }
        }
    }
    None
}

/// Values repeated, or covered by another value of the same element.
fn redundant(element: &Element<'_>, text: &str, out: &mut Vec<Diagnostic>) {
    let values: Vec<&Spanned<&str>> = element.values.iter().filter(|v| !v.value.is_empty()).collect();
    let texts: Vec<&str> = values.iter().map(|v| v.value).collect();
    let covers = wildcard::first_covers(&texts, Case::Sensitive, covers_resource);
    for (value, j) in values.iter().zip(covers) {
        let Some(other) = j.map(|j| values[j]) else {
            continue;
        };
        let diagnostic = if value.value == other.value {
            Diagnostic::new(
                Rule::RedundantResource,
                value.span,
                format!("`{}` is listed twice", value.value),
            )
            .with_label(other.span, "first listed here")
        } else {
            Diagnostic::new(
                Rule::RedundantResource,
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

/// Named All Resources operations in a statement whose resources are all
/// specific ARNs: the Allow never authorizes them.
fn all_resources_only(statement: &Statement<'_>, resource: &Element<'_>, out: &mut Vec<Diagnostic>) {
    // An unknown resource might be `*`; a partly known one only when its
    // literal text is all `*`.
    if resource.opaque
        || (resource.values.is_empty() && resource.partial.is_empty())
        || resource.values.iter().any(|v| is_every_resource(v.value))
        || resource.partial.iter().any(|v| v.value.can_be_all('*'))
    {
        return;
    }
    let Some(action) = statement.action.as_ref().filter(|a| !a.negated) else {
        return;
    };
    let catalog = catalog();
    for value in &action.values {
        if has_wildcard(value.value) {
            continue;
        }
        let Some(op) = catalog.lookup(value.value) else {
            continue;
        };
        if op.resource_type != ResourceType::AllResources {
            continue;
        }
        out.push(
            Diagnostic::new(
                Rule::ResourceNotSupported,
                value.span,
                format!(
                    "`{}` supports only All Resources, but no resource of this statement is `*`: the statement never authorizes it",
                    op.action
                ),
            )
            .with_label(resource.value_span, "resources set here")
            .with_help(format!(
                "{} has no resource-level authorization; grant it in a statement with \"Resource\": \"*\"",
                op.action
            ))
            .with_fix(Fix::unsafe_(
                "replace the statement's resources with \"*\" (this widens every action of the statement)",
                vec![Edit::replace(resource.value_span, every_resource(resource))],
            )),
        );
    }
}

/// Resources longer than this are not matched against ARN templates: the
/// match costs the product of the two lengths, and no real ARN comes close.
const TEMPLATE_MATCH_LIMIT: usize = 1024;

/// ARNs of an Allow that fit none of the ARN templates the catalogue gives
/// for the statement's actions (`acs:pvtz::{#accountId}:zone/{#ZoneId}`):
/// the statement authorizes none of its actions on them. Only statements
/// whose every action is named exactly and has known templates are judged.
fn fits_no_template(statement: &Statement<'_>, resource: &Element<'_>, out: &mut Vec<Diagnostic>) {
    let Some(action) = statement.action.as_ref().filter(|a| !a.negated && a.complete) else {
        return;
    };
    if resource.opaque || action.values.is_empty() {
        return;
    }
    let catalog = catalog();
    let mut templates: Vec<&'static str> = Vec::new();
    for value in &action.values {
        if has_wildcard(value.value) {
            return;
        }
        let Some(op) = catalog.lookup(value.value) else {
            return;
        };
        let types = op.resource_types();
        if types.is_empty() {
            return;
        }
        for resource_type in types {
            match resource_type {
                ResourceType::ResourceLevel { arn: Some(arn), .. } => templates.push(arn),
                // All Resources (resource-not-supported's case) or a type
                // without a template: nothing to compare with.
                _ => return,
            }
        }
    }
    templates.sort_unstable();
    templates.dedup();
    // A partly known ARN is judged with each hole as `*`: whatever the hole
    // holds, the ARN matches no more than that pattern does.
    let patterns: Vec<(String, String, crate::core::Span)> = resource
        .partial
        .iter()
        .map(|p| (p.value.as_pattern(), p.value.shown(), p.span))
        .collect();
    let values = resource
        .values
        .iter()
        .map(|v| (v.value, v.value.to_string(), v.span))
        .chain(
            patterns
                .iter()
                .map(|(p, shown, span)| (p.as_str(), shown.clone(), *span)),
        );
    for (text, shown_value, span) in values {
        if text.len() > TEMPLATE_MATCH_LIMIT || !matches!(arn(text), Ok(Some(_))) {
            continue;
        }
        if templates.iter().any(|t| fits(text, t)) {
            continue;
        }
        let shown: Vec<String> = templates.iter().take(3).map(|t| format!("`{t}`")).collect();
        let more = if templates.len() > 3 {
            format!(" and {} more", templates.len() - 3)
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                Rule::ResourceFitsNoTemplate,
                span,
                format!(
                    "`{shown_value}` fits none of the resource ARNs of the statement's actions: the statement authorizes none of them on it"
                ),
            )
            .with_label(action.value_span, "actions set here")
            .with_help(format!(
                "the operation tables give {}{more} ({{#...}} stands for any value); check the resource type and the region and account fields",
                shown.join(", ")
            )),
        );
    }
}

/// Whether some ARN matches both `value` (with `*` and `?`) and `template`,
/// whose `{#placeholders}` stand for any text without a `:` (an ID, a
/// region, an account; never a field boundary). ASCII case is ignored, so
/// only a real difference of shape is reported.
fn fits(value: &str, template: &str) -> bool {
    let a = value.as_bytes();
    let b = template_pattern(template);
    // reach[j]: the first i bytes of `a` and the first j of `b` can match
    // the same text; computed row by row, `a`'s byte i at a time.
    let mut reach = vec![false; b.len() + 1];
    reach[0] = true;
    for j in 0..b.len() {
        reach[j + 1] = reach[j] && matches!(b[j], Glob::Star | Glob::Field);
    }
    for &byte in a {
        let mut next = vec![false; b.len() + 1];
        for j in 0..=b.len() {
            next[j] = match (byte, j.checked_sub(1).map(|k| b[k])) {
                // `*` in the value absorbs the template's byte j-1, or nothing.
                (b'*', previous) => reach[j] || previous.is_some() && next[j - 1],
                (_, Some(Glob::Star)) => reach[j] || next[j - 1],
                // A placeholder absorbs the value's byte unless it is a `:`.
                (_, Some(Glob::Field)) => next[j - 1] || reach[j] && byte != b':',
                (_, Some(Glob::Byte(t))) => reach[j - 1] && (byte == b'?' || t.eq_ignore_ascii_case(&byte)),
                (_, None) => false,
            };
        }
        reach = next;
    }
    reach[b.len()]
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Glob {
    /// A literal `*` in the template: any text.
    Star,
    /// A `{#placeholder}`: any text without a `:`.
    Field,
    Byte(u8),
}

/// A template as a pattern: `{#...}` matches a field's text, `*` any text.
fn template_pattern(template: &str) -> Vec<Glob> {
    let mut out = Vec::with_capacity(template.len());
    let mut bytes = template.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'{' => {
                for inner in bytes.by_ref() {
                    if inner == b'}' {
                        break;
                    }
                }
                out.push(Glob::Field);
            }
            b'*' => out.push(Glob::Star),
            byte => out.push(Glob::Byte(byte)),
        }
    }
    out
}

/// `*` written as the element was: a list stays a list (a Terraform
/// `resources` argument must stay one).
fn every_resource(resource: &Element<'_>) -> String {
    if resource.items.is_empty() {
        fix::json_string("*")
    } else {
        format!("[{}]", fix::json_string("*"))
    }
}

/// ARNs whose service none of the statement's actions belongs to.
fn service_mismatch(statement: &Statement<'_>, resource: &Element<'_>, out: &mut Vec<Diagnostic>) {
    // An unknown action might be of the ARN's service.
    let Some(action) = statement.action.as_ref().filter(|a| !a.negated && a.complete) else {
        return;
    };
    let mut services = Vec::new();
    for value in &action.values {
        if is_every_action(value.value) {
            return;
        }
        match split_action(value.value) {
            // A wildcard service part may stand for the ARN's service.
            Ok((service, _)) if has_wildcard(service) => return,
            Ok((service, _)) => services.push(service),
            Err(_) => {}
        }
    }
    if services.is_empty() {
        return;
    }
    let known = resource.values.iter().filter_map(|value| match arn(value.value) {
        Ok(Some(service)) => Some((service, value.value.to_string(), value.span)),
        _ => None,
    });
    // A partly known ARN whose literal prefix names its service.
    let partly = resource
        .partial
        .iter()
        .filter_map(|p| partial_service(&p.value).map(|service| (service, p.value.shown(), p.span)));
    for (service, shown_value, span) in known.chain(partly) {
        let related = |s: &&str| {
            s.eq_ignore_ascii_case(service)
                || CROSS_SERVICE.iter().any(|(actions, resources)| {
                    s.eq_ignore_ascii_case(actions)
                        && resources
                            .iter()
                            .any(|r| *r == "*" || r.eq_ignore_ascii_case(service))
                })
        };
        if has_wildcard(service) || services.iter().any(related) {
            continue;
        }
        let mut listed: Vec<&str> = Vec::new();
        for s in &services {
            if !listed.iter().any(|l| l.eq_ignore_ascii_case(s)) {
                listed.push(s);
            }
        }
        out.push(
            Diagnostic::new(
                Rule::ResourceServiceMismatch,
                span,
                format!(
                    "`{shown_value}` is a resource of `{service}`, but the statement's actions are of {}",
                    listed
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_label(action.value_span, "actions set here")
            .with_help("an action applies to resources of its own service, apart from documented cross-service cases; check the ARN's service field"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_have_five_fields_and_a_service() {
        assert_eq!(arn("*"), Ok(None));
        assert_eq!(arn("acs:ram::123456789012****:root"), Ok(Some("ram")));
        assert_eq!(arn("acs:oss:*:*:bucket/a:b"), Ok(Some("oss")));
        for bad in [
            "acs::ram::*",
            "acs:ram:*:*",
            "acs:ram:*:*:",
            "arn:aws:s3:::b",
            "ACS:ram:*:*:x",
            "acs:ram:*:{#accountId}:x",
        ] {
            assert!(arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn placeholders_are_found_whole() {
        assert_eq!(placeholder("acs:oss:*:*:${var.b}/*"), Some("${var.b}"));
        assert_eq!(placeholder("acs:ens:*:{#accountId}:x"), Some("{#accountId}"));
        assert_eq!(placeholder("acs:oss:*:*:<bucket>"), Some("<bucket>"));
        assert_eq!(placeholder("acs:oss:*:*:a{b}"), None);
    }

    #[test]
    fn resource_coverage_does_not_span_slashes() {
        assert!(covers_resource(
            "acs:ens:*:*:instance/*",
            "acs:ens:*:*:instance/i-1"
        ));
        assert!(covers_resource("*", "acs:kms:*:*:*/*"));
        assert!(!covers_resource("acs:kms:*:*:*", "acs:kms:*:*:*/*"));
        assert!(!covers_resource(
            "acs:ens:*:*:instance/I-*",
            "acs:ens:*:*:instance/i-1"
        ));
    }
}
