//! Stage 3 condition checks: operators, keys and values of each statement's
//! `Condition` against the vocabulary in [`crate::conditions`].

use std::cell::RefCell;

use super::memo::Memo;
use super::Context;
use crate::catalog::catalog;
use crate::conditions::{
    is_well_formed_key, values, vocabulary, Family, GlobalKey, ParsedOperator, Quantifier,
};
use crate::core::text::nearest;
use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::{Edit, Fix};
use crate::core::{Span, Spanned};
use crate::fix;
use crate::model::{ConditionBlock, ConditionEntry, Policy, Statement};
use crate::wildcard::{self, Case};

/// Statement elements that authors mistake for condition keys.
const ELEMENTS: &[&str] = &[
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Effect",
    "Principal",
];

pub(super) fn check(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for statement in &policy.statements {
        for block in &statement.condition {
            let parsed = operator(block, &statement.condition, out);
            for entry in &block.entries {
                // A key the configuration declares is taken as documented.
                let declared = cx
                    .options
                    .extra_condition_keys
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(entry.key.value));
                let global = if declared {
                    None
                } else if key_format(entry, out) {
                    let global = global_key(entry, out);
                    unsupported_key(statement, parsed, entry, out);
                    global
                } else {
                    None
                };
                if let Some(parsed) = parsed {
                    value_types(block, parsed, entry, out);
                    if let Some(global) = global {
                        operator_mismatch(block, parsed, entry, global, out);
                    } else if !declared {
                        service_key_values(block, parsed, entry, out);
                    }
                }
            }
        }
    }
}

/// Reports an operator RAM does not have; returns the parsed operator.
/// `blocks` are the statement's operator blocks, `block` among them.
fn operator(
    block: &ConditionBlock<'_>,
    blocks: &[ConditionBlock<'_>],
    out: &mut Vec<Diagnostic>,
) -> Option<ParsedOperator> {
    let v = vocabulary();
    let written = block.operator.value;
    if let Some(parsed) = v.parse_operator(written) {
        return Some(parsed);
    }
    let (help, replacement) = remembered_operator_help(written);
    let d = Diagnostic::new(
        Rule::UnknownConditionOperator,
        block.operator.span,
        format!("`{written}` is not a RAM condition operator"),
    )
    .with_help(help);
    // Unsafe even for a change of case: the condition starts to apply, and
    // an AWS operator's RAM stem (`StringEqualsIfExists` -> `StringEquals`)
    // treats a missing key differently. Never onto a block the statement has.
    let replacement = replacement.filter(|r| blocks.iter().all(|b| b.operator.value != r));
    out.push(match replacement {
        Some(r) => d.with_fix(Fix::unsafe_(
            format!("write `{r}`"),
            vec![Edit::replace(block.operator.span, fix::json_string(&r))],
        )),
        None => d,
    });
    None
}

thread_local! {
    /// The help per unknown operator: each costs similarity scans of the
    /// vocabulary, and real trees repeat the same few misspellings.
    static OPERATOR_HELP: RefCell<Memo<(String, Option<String>)>> = RefCell::new(Memo::new());
}

fn remembered_operator_help(written: &str) -> (String, Option<String>) {
    OPERATOR_HELP.with(|memo| {
        memo.borrow_mut()
            .get_or_compute(written, || operator_help(written))
    })
}

/// How to fix `written`, an operator RAM does not have, and the operator
/// to write instead when there is one.
fn operator_help(written: &str) -> (String, Option<String>) {
    let v = vocabulary();
    // Explanations match the operator without a qualifier RAM accepts.
    let bare = match written.split_once(':') {
        Some((q, rest)) if v.qualifiers.iter().any(|known| known.name == q) => rest,
        _ => written,
    };
    // Qualifier and operator are corrected separately: whole-string
    // similarity prefers a wrong operator with the right-looking qualifier.
    let names: Vec<&str> = v.operators.iter().map(|op| op.name.as_str()).collect();
    let suggestion = match written.split_once(':') {
        Some((q, op)) => {
            let qualifiers: Vec<&str> = v.qualifiers.iter().map(|q| q.name.as_str()).collect();
            nearest(q, &qualifiers)
                .zip(nearest(op, &names))
                .map(|(q, op)| format!("{q}:{op}"))
        }
        None => nearest(written, &names).map(str::to_string),
    };
    match (v.aws_only(bare), suggestion) {
        (Some(aws), _) => {
            let replacement = aws
                .pattern
                .strip_prefix('*')
                .and_then(|suffix| bare.strip_suffix(suffix))
                .filter(|stem| v.operator(stem).is_some())
                .map(|stem| written.replacen(bare, stem, 1));
            match replacement {
                Some(fix) => (format!("{}; write `{fix}`", aws.help), Some(fix)),
                None => (aws.help.clone(), None),
            }
        }
        (None, Some(fix)) if fix.eq_ignore_ascii_case(written) => {
            (format!("operators are case-sensitive: write `{fix}`"), Some(fix))
        }
        (None, Some(fix)) => (format!("did you mean `{fix}`?"), Some(fix)),
        (None, None) => (
            format!(
                "RAM's operators are {}, optionally prefixed with {}",
                v.operators
                    .iter()
                    .map(|op| format!("`{}`", op.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                v.qualifiers
                    .iter()
                    .map(|q| format!("`{}:`", q.name))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            None,
        ),
    }
}

/// Reports a key not of the form `<service>:<key>`; true when well formed.
fn key_format(entry: &ConditionEntry<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let key = entry.key.value;
    if is_well_formed_key(key) {
        return true;
    }
    let v = vocabulary();
    let global_names: Vec<&str> = v
        .global_keys
        .iter()
        .filter(|k| !k.prefix)
        .filter_map(|k| k.name.strip_prefix("acs:"))
        .collect();
    let help = if ELEMENTS.contains(&key) {
        format!(
            "`{key}` is a statement element, not a condition key: RAM has no condition on it; narrow `{key}` itself or add a Deny statement"
        )
    } else if key.chars().any(char::is_whitespace) {
        "remove the whitespace: keys are written `<service>:<key>`".to_string()
    } else if let Some(name) = nearest(key, &global_names) {
        format!("did you mean the global key `acs:{name}`?")
    } else {
        "write `acs:<key>` for a global key (such as `acs:SourceIp`) or `<service>:<key>` for a service key"
            .to_string()
    };
    out.push(
        Diagnostic::new(
            Rule::InvalidConditionKey,
            entry.key.span,
            format!("`{key}` is not a condition key of the form `<service>:<key>`"),
        )
        .with_help(help),
    );
    false
}

/// Reports an `acs:` key that is not a known global key; returns the known one.
fn global_key(entry: &ConditionEntry<'_>, out: &mut Vec<Diagnostic>) -> Option<&'static GlobalKey> {
    let key = entry.key.value;
    let (service, _) = key.split_once(':')?;
    if !service.eq_ignore_ascii_case("acs") {
        return None;
    }
    let v = vocabulary();
    if let Some(known) = v.global_key(key) {
        return Some(known);
    }
    let names: Vec<&str> = v.global_keys.iter().map(|k| k.name.as_str()).collect();
    // Compare names without the shared `acs:`, which would make every key
    // look similar, and tag keys only up to the `/`, since tags are free text.
    let short: Vec<&str> = names.iter().filter_map(|n| n.strip_prefix("acs:")).collect();
    let name = &key[service.len() + 1..];
    let (head, tag) = match name.find('/') {
        Some(i) => name.split_at(i + 1),
        None => (name, ""),
    };
    let best = nearest(head, &short).map(|b| format!("acs:{b}"));
    let help = match best.as_deref() {
        Some(best) if best.ends_with('/') && tag.is_empty() => {
            format!("`{best}` keys name a tag: write `{best}<tag-key>`")
        }
        Some(best) if best.ends_with('/') => format!("did you mean `{best}{tag}`?"),
        Some(best) if best.eq_ignore_ascii_case(key) => {
            format!("write `{best}`: global keys are documented in this spelling")
        }
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "known global keys (as of {}): {}; if Alibaba documents this key, declare it with `extra-condition-keys` in policy-check.toml",
            v.as_of,
            names
                .iter()
                .map(|n| if n.ends_with('/') { format!("`{n}<tag-key>`") } else { format!("`{n}`") })
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push(
        Diagnostic::new(
            Rule::UnknownGlobalConditionKey,
            entry.key.span,
            format!("`{key}` is not a known global condition key"),
        )
        .with_help(help),
    );
    None
}

/// Reports a service key none of the statement's actions can carry, or that
/// a documented action of its service lacks: such requests never have it, so
/// the condition is decided by its absence.
fn unsupported_key(
    statement: &Statement<'_>,
    parsed: Option<ParsedOperator>,
    entry: &ConditionEntry<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let key = entry.key.value;
    let Some((service, _)) = key.split_once(':') else {
        return;
    };
    if service.eq_ignore_ascii_case("acs") {
        return;
    }
    // NotAction covers every action of every service.
    // An unknown action might be one that supports the key.
    let Some(action) = statement.action.as_ref().filter(|a| !a.negated && a.complete) else {
        return;
    };
    let v = vocabulary();
    let unable: Vec<&Spanned<&str>> = action
        .values
        .iter()
        .filter(|a| !can_carry(a.value, key, service))
        .collect();
    let every = !action.values.is_empty() && unable.len() == action.values.len();
    // When other actions may carry the key, still report the documented
    // actions of its own service that cannot (`ens:CreateImage` next to
    // `ens:DescribeImages`): their requests are decided by its absence.
    let documented: Vec<&Spanned<&str>> = unable
        .iter()
        .copied()
        .filter(|a| {
            a.value
                .split_once(':')
                .is_some_and(|(s, _)| s.eq_ignore_ascii_case(service))
                && documented_keys(a.value).is_some()
        })
        .collect();
    if !every && documented.is_empty() {
        return;
    }
    // Without the key a positive operator is false; a negated one, and
    // ForAllValues, hold.
    let holds_without = parsed.is_some_and(|p| match p.qualifier.map(|q| q.quantifier) {
        Some(Quantifier::All) => true,
        Some(Quantifier::Any) => false,
        None => p.operator.negated,
    });
    let consequence = match (every, holds_without, statement.is_allow(), statement.is_deny()) {
        (true, false, true, _) => "so this Allow can never match",
        (true, false, _, true) => "so this Deny never applies",
        (true, false, _, _) => "so the condition never holds",
        (true, true, true, _) => "so the condition always holds and does not restrict this Allow",
        (true, true, _, true) => "so the condition always holds and does not narrow this Deny",
        (true, true, _, _) => "so the condition always holds",
        (false, false, true, _) => "so this Allow never matches them",
        (false, false, _, true) => "so this Deny never applies to them",
        (false, false, _, _) => "so the condition never holds for them",
        (false, true, true, _) => "so for them the condition always holds and does not restrict this Allow",
        (false, true, _, true) => "so for them the condition always holds and does not narrow this Deny",
        (false, true, _, _) => "so for them the condition always holds",
    };
    let message = if every {
        let names = list(&action.values);
        let carrier = if action.values.len() == 1 {
            names
        } else {
            format!("any of the statement's actions ({names})")
        };
        format!("`{key}` is not a condition key of {carrier}: requests never carry it, {consequence}")
    } else {
        let owner = if documented.len() == 1 {
            "that action"
        } else {
            "those actions"
        };
        format!(
            "`{key}` is not a condition key of {}: requests for {owner} never carry it, {consequence}",
            list(&documented.iter().map(|a| **a).collect::<Vec<_>>())
        )
    };
    let federation = v
        .federation
        .iter()
        .find(|f| f.services.iter().any(|s| s.eq_ignore_ascii_case(service)));
    // An action of the key's own service that documents having no keys.
    let keyless = action.values.iter().find_map(|a| {
        let same_service = a
            .value
            .split_once(':')
            .is_some_and(|(s, _)| s.eq_ignore_ascii_case(service));
        let op = catalog().lookup(a.value)?;
        (same_service && op.condition_keys.as_ref().is_some_and(Vec::is_empty)).then_some(op)
    });
    let help = match (federation, keyless) {
        (Some(f), _) => format!(
            "`{service}:` keys come with identity federation: only requests to {} carry them, in a role's trust policy",
            f.actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        ),
        (None, Some(op)) => format!(
            "`{}` supports no condition keys of its own; condition on global keys such as `acs:SourceIp` or `acs:CurrentTime` instead",
            op.action
        ),
        (None, None) => format!(
            "`{key}` belongs to the `{service}` service; move the condition to a statement of `{service}` actions, or use a global `acs:` key"
        ),
    };
    let mut diagnostic = Diagnostic::new(Rule::UnsupportedConditionKey, entry.key.span, message);
    diagnostic = if every {
        diagnostic.with_label(action.value_span, "actions set here")
    } else {
        documented
            .iter()
            .fold(diagnostic, |d, a| d.with_label(a.span, "action named here"))
    };
    out.push(diagnostic.with_help(help));
}

/// Whether a request for (some action matching) `action` may carry `key`.
/// Unknowns count as yes, so only certain cases are reported.
fn can_carry(action: &str, key: &str, key_service: &str) -> bool {
    let v = vocabulary();
    let Some((action_service, _)) = action.split_once(':') else {
        // `*`, or a malformed action that invalid-action reports.
        return true;
    };
    if v.is_federation_key(key_service, action) {
        return true;
    }
    if !wildcard::matches(action_service, key_service, Case::Insensitive) {
        return false;
    }
    if wildcard::has_wildcard(action) {
        return true;
    }
    documented_keys(action).is_none_or(|keys| keys.iter().any(|k| k.eq_ignore_ascii_case(key)))
}

/// The service condition keys the operation table documents for `action`;
/// `None` when it does not say.
fn documented_keys(action: &str) -> Option<&'static [&'static str]> {
    catalog().lookup(action)?.condition_keys.as_deref()
}

fn list(values: &[Spanned<&str>]) -> String {
    values
        .iter()
        .map(|a| format!("`{}`", a.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reports values that do not parse for the operator, and several values
/// for a Bool condition.
fn value_types(
    block: &ConditionBlock<'_>,
    parsed: ParsedOperator,
    entry: &ConditionEntry<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let op = parsed.operator;
    let written = block.operator.value;
    for value in &entry.values {
        let text = value.value;
        if text.is_empty() {
            // empty-value reports it.
            continue;
        }
        let (what, result) = match op.family {
            Family::String => continue,
            Family::Numeric => ("a number", values::parse_number(text).err()),
            Family::Date => ("an ISO 8601 date-time", values::parse_date_time(text).err()),
            Family::Bool => ("a boolean", values::parse_bool(text).err()),
            Family::Ip => ("an IP address or CIDR block", values::parse_ip_range(text).err()),
        };
        if let Some(why) = result {
            let d = value_type(value.span, format!("`{text}` is not {what}: {why}"))
                .with_help(format!("`{written}` takes {}", op.family.expected()));
            // A calendar date is ISO 8601 too, and RAM's documentation says
            // only "ISO 8601": whether RAM reads it (and as which instant)
            // is not documented, so the finding is not certain.
            out.push(if op.family == Family::Date && values::is_calendar_date(text) {
                d.uncertain()
            } else {
                d
            });
        }
    }
    if op.family == Family::Bool && entry.values.len() > 1 {
        let message = format!(
            "`{}` has {} values, but a boolean condition takes one",
            entry.key.value,
            entry.values.len()
        );
        out.push(
            value_type(entry.value_span, message)
                .with_help("RAM rejects several values for a `Bool` key; keep one of \"true\" or \"false\""),
        );
    }
}

/// The one maker of `condition-value-type` findings.
fn value_type(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(Rule::ConditionValueType, span, message)
}

/// The one maker of `condition-operator-mismatch` findings: at the
/// operator, with the key labelled.
fn mismatch(block: &ConditionBlock<'_>, entry: &ConditionEntry<'_>, message: String) -> Diagnostic {
    Diagnostic::new(Rule::ConditionOperatorMismatch, block.operator.span, message)
        .with_label(entry.key.span, "key used here")
}

/// Reports an operator whose family does not fit the key's known type.
fn operator_mismatch(
    block: &ConditionBlock<'_>,
    parsed: ParsedOperator,
    entry: &ConditionEntry<'_>,
    key: &GlobalKey,
    out: &mut Vec<Diagnostic>,
) {
    let family = parsed.operator.family;
    if family == key.family {
        return;
    }
    let fitting: Vec<String> = vocabulary()
        .operators
        .iter()
        .filter(|op| op.family == key.family)
        .map(|op| format!("`{}`", op.name))
        .collect();
    let help = match fitting.as_slice() {
        [one] => format!("use {one}"),
        [init @ .., last] => format!("use {} or {last}", init.join(", ")),
        [] => String::new(),
    };
    let message = format!(
        "`{}` compares {}, but `{}` is {} ({})",
        block.operator.value,
        plural(family),
        entry.key.value,
        singular(key.family),
        key.about
    );
    out.push(mismatch(block, entry, message).with_help(help));
}

/// A service key the operation tables define with a type (`log:Encrypted`,
/// a boolean) or a closed set of values (`log:TLSVersion`): an operator of
/// another family, or an exact value outside the set, never matches.
fn service_key_values(
    block: &ConditionBlock<'_>,
    parsed: ParsedOperator,
    entry: &ConditionEntry<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let key = entry.key.value;
    let Some((kind, allowed)) = catalog().condition_key(key) else {
        return;
    };
    let family = match kind {
        "string" => Family::String,
        "boolean" => Family::Bool,
        "long" | "integer" | "number" | "numeric" => Family::Numeric,
        _ => return,
    };
    let op = parsed.operator;
    if op.family != family {
        let message = format!(
            "`{}` compares {}, but `{key}` is {} (its service's RAM metadata)",
            block.operator.value,
            plural(op.family),
            singular(family)
        );
        out.push(mismatch(block, entry, message));
        return;
    }
    if family != Family::String || allowed.is_empty() || op.wildcards {
        return;
    }
    for value in &entry.values {
        let known = allowed.iter().any(|a| {
            if op.ignore_case {
                a.eq_ignore_ascii_case(value.value)
            } else {
                *a == value.value
            }
        });
        if !value.value.is_empty() && !known {
            let message = format!(
                "`{}` is not a value of `{key}`, which is one of {}",
                value.value,
                allowed.join(", ")
            );
            out.push(value_type(value.span, message).with_help(
                "requests carry one of the listed values (the service's RAM metadata), so this one never matches",
            ));
        }
    }
}

fn plural(family: Family) -> &'static str {
    match family {
        Family::String => "strings",
        Family::Numeric => "numbers",
        Family::Date => "dates",
        Family::Bool => "booleans",
        Family::Ip => "IP addresses",
    }
}

fn singular(family: Family) -> &'static str {
    match family {
        Family::String => "a string",
        Family::Numeric => "a number",
        Family::Date => "a date",
        Family::Bool => "a boolean",
        Family::Ip => "an IP address",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_operator_help_matches_a_fresh_answer() {
        let written = [
            "StringEqual",
            "stringequals",
            "IpAdress",
            "StringEqualsIfExists2",
            "Boolean",
            "ForAnyValue:StringEqual",
            "ForAnyValu:StringEquals",
            "Zzz",
        ];
        // Twice over, so the second round answers from the memo.
        for _ in 0..2 {
            for w in written {
                assert_eq!(remembered_operator_help(w), operator_help(w), "{w}");
            }
        }
        assert!(remembered_operator_help("IpAdress").0.contains("IpAddress"));
        assert!(remembered_operator_help("stringequals")
            .0
            .contains("case-sensitive"));
    }
}
