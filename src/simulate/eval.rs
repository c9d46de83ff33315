//! RAM's evaluation of a principal's identity policies for one request:
//! which statements apply, and the decision they add up to.
//!
//! Explicit Deny beats Allow, and no applicable Allow is an implicit deny
//! (RAM's "basic evaluation process"). A statement applies when its Action
//! matches the request's action (or its NotAction does not), its Resource
//! matches the request's resource (or its NotResource does not), and its
//! Condition holds; the checks run in that order and the first that fails is
//! the statement's reason.

use crate::conditions::{evaluate_condition, EvalError, RequestContext};
use crate::core::{Span, Spanned};
use crate::model::{Effect, Element, Policy, Statement};
use crate::wildcard::{self, Case};

/// What is being asked: one action on one resource, with a context.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub action: String,
    pub resource: String,
    /// Condition keys and their values, in the order given; a key given
    /// twice has its values merged.
    pub context: Vec<(String, Vec<String>)>,
}

impl Request {
    /// Adds values to `key` (ignoring case, as condition keys are compared).
    pub fn add_context(&mut self, key: &str, values: Vec<String>) {
        match self.context.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, existing)) => existing.extend(values),
            None => self.context.push((key.to_string(), values)),
        }
    }

    fn condition_context(&self) -> RequestContext {
        let mut context = RequestContext::new();
        for (key, values) in &self.context {
            context.insert(key.clone(), values.clone());
        }
        context
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
        }
    }
}

/// How one statement came out, with spans into its file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementResult {
    /// Index of the file in the evaluated set.
    pub file: usize,
    pub index: usize,
    pub effect: Effect,
    pub applies: bool,
    /// Why it applies (every check that passed) or why not (the first that failed).
    pub reason: String,
    /// The whole statement object.
    pub span: Span,
    /// The element the reason is about: the Effect of an applying statement,
    /// else the Action, Resource or condition key that failed.
    pub reason_span: Span,
    /// For an applying statement: short labels on the action, resource and
    /// condition that made it apply.
    pub evidence: Vec<(Span, String)>,
    /// Condition keys the statement tests that the request context lacks,
    /// for statements whose Action and Resource matched: what AWS's
    /// simulator calls missing context values.
    pub missing_context: Vec<String>,
}

/// A condition that could not be evaluated: the request cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationError {
    pub file: usize,
    pub span: Span,
    pub message: String,
}

/// Evaluates every statement of `policy` (the file numbered `file`) for `request`.
pub fn evaluate_policy(
    file: usize,
    policy: &Policy<'_>,
    request: &Request,
) -> Result<Vec<StatementResult>, EvaluationError> {
    let context = request.condition_context();
    policy
        .statements
        .iter()
        .filter_map(|statement| {
            // Statements without a valid Effect make the document unusable;
            // such documents never reach here.
            let effect = statement.effect?;
            Some(evaluate_statement(file, statement, effect, request, &context))
        })
        .collect()
}

fn evaluate_statement(
    file: usize,
    statement: &Statement<'_>,
    effect: Spanned<Effect>,
    request: &Request,
    context: &RequestContext,
) -> Result<StatementResult, EvaluationError> {
    let (effect, effect_span) = (effect.value, effect.span);
    let not_applying = |reason: String, reason_span: Span| StatementResult {
        file,
        index: statement.index,
        effect,
        applies: false,
        reason,
        span: statement.node.span,
        reason_span,
        evidence: Vec::new(),
        missing_context: Vec::new(),
    };
    let mut passed = Vec::new();
    let mut evidence = Vec::new();
    for (element, name, case, wanted) in [
        (&statement.action, "Action", Case::Insensitive, &request.action),
        (
            &statement.resource,
            "Resource",
            Case::Sensitive,
            &request.resource,
        ),
    ] {
        let Some(element) = element else {
            let span = statement.open_brace();
            return Ok(not_applying(format!("the statement has no {name} element"), span));
        };
        match match_element(element, name, case, wanted) {
            Ok((reason, span, label)) => {
                evidence.push((span, label));
                passed.push(reason);
            }
            Err((reason, span)) => return Ok(not_applying(reason, span)),
        }
    }
    let mut missing_context: Vec<String> = Vec::new();
    for entry in statement.condition.iter().flat_map(|block| &block.entries) {
        let key = entry.key.value;
        let known = missing_context.iter().any(|k| k.eq_ignore_ascii_case(key));
        if context.get(key).is_none() && !known {
            missing_context.push(key.to_string());
        }
    }
    let outcome = evaluate_condition(&statement.condition, context).map_err(|failure| {
        let message = match &failure.error {
            EvalError::RequestValue { .. } => format!("{} (check --context)", failure.error),
            _ => failure.error.to_string(),
        };
        EvaluationError {
            file,
            span: failure.span,
            message,
        }
    })?;
    if !outcome.holds {
        let span = outcome
            .span
            .unwrap_or(statement.condition_span.unwrap_or(effect_span));
        return Ok(StatementResult {
            missing_context,
            ..not_applying(outcome.reason, span)
        });
    }
    if let Some(span) = statement.condition_span {
        evidence.push((span, "condition holds".to_string()));
    }
    passed.push(outcome.reason);
    Ok(StatementResult {
        file,
        index: statement.index,
        effect,
        applies: true,
        reason: passed.join("; "),
        span: statement.node.span,
        reason_span: effect_span,
        evidence,
        missing_context,
    })
}

/// Whether one Action (`resource` false) or Resource value matches `wanted`.
///
/// The resource `*` is what an operation without resource-level
/// authorization is evaluated on: only a value of `*` alone grants it
/// (RAM: "Resource must be `*`"), not `?`, `*?` or `?*`, which would match
/// the one-character string. The linter's `resource-not-supported` says the
/// same, and `diff` decides with this function.
pub fn value_matches(value: &str, resource: bool, case: Case, wanted: &str) -> bool {
    if resource && wanted == "*" {
        !value.is_empty() && value.chars().all(|c| c == '*')
    } else {
        wildcard::matches(value, wanted, case)
    }
}

/// Whether a statement's Action/NotAction (`resource` false) or
/// Resource/NotResource element lets `wanted` through; a missing element
/// never does.
pub fn element_applies(element: Option<&Element<'_>>, resource: bool, wanted: &str) -> bool {
    let case = if resource {
        Case::Sensitive
    } else {
        Case::Insensitive
    };
    element.is_some_and(|element| {
        let hit = element
            .values
            .iter()
            .any(|v| value_matches(v.value, resource, case, wanted));
        hit != element.negated
    })
}

/// Whether an Action/Resource (or NotAction/NotResource) element covers
/// `wanted`: `Ok` with what matched, its span and a short label for it, or
/// `Err` with why not and the span at fault.
fn match_element(
    element: &Element<'_>,
    name: &str,
    case: Case,
    wanted: &str,
) -> Result<(String, Span, String), (String, Span)> {
    let hit = element
        .values
        .iter()
        .find(|v| value_matches(v.value, name == "Resource", case, wanted));
    match (element.negated, hit) {
        (false, Some(v)) => Ok((
            format!("{name} `{}` matches `{wanted}`", v.value),
            v.span,
            format!("matches {wanted}"),
        )),
        (false, None) => Err((
            format!("{name} {} does not match `{wanted}`", listed(element)),
            element.value_span,
        )),
        (true, Some(v)) => Err((format!("Not{name} `{}` excludes `{wanted}`", v.value), v.span)),
        (true, None) => Ok((
            format!("Not{name} {} does not exclude `{wanted}`", listed(element)),
            element.value_span,
            format!("does not exclude {wanted}"),
        )),
    }
}

fn listed(element: &Element<'_>) -> String {
    match element.values.as_slice() {
        [] => "(no values)".to_string(),
        [one] => format!("`{}`", one.value),
        many => format!(
            "[{}]",
            many.iter()
                .map(|v| format!("`{}`", v.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The decision over every statement of every evaluated file: any applying
/// Deny, else any applying Allow, else the implicit deny.
pub fn decide(results: &[StatementResult]) -> Decision {
    let applying = |effect| results.iter().any(|r| r.applies && r.effect == effect);
    if applying(Effect::Deny) {
        Decision::ExplicitDeny
    } else if applying(Effect::Allow) {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// Whether a statement decided the outcome: the applying Denies of an
/// explicit deny, the applying Allows of an allow, none for an implicit deny.
pub fn is_deciding(result: &StatementResult, decision: Decision) -> bool {
    result.applies
        && match decision {
            Decision::ExplicitDeny => result.effect == Effect::Deny,
            Decision::Allow => result.effect == Effect::Allow,
            Decision::ImplicitDeny => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn results(text: &str, request: &Request) -> Vec<StatementResult> {
        let root = parse(text).root.expect("parses");
        let policy = Policy::from_root(&root).expect("object");
        evaluate_policy(0, &policy, request).expect("evaluates")
    }

    fn ask(context: &[(&str, &[&str])]) -> Request {
        let mut request = Request {
            action: "ens:CreateImage".into(),
            resource: "*".into(),
            context: Vec::new(),
        };
        for (key, values) in context {
            request.add_context(key, values.iter().map(|v| v.to_string()).collect());
        }
        request
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn reasons_and_spans_name_the_first_failing_check() {
        let text = r#"{"Version":"1","Statement":[
            {"Effect":"Allow","Action":"ens:Describe*","Resource":"*"},
            {"Effect":"Allow","Action":"ens:CreateImage","Resource":"acs:ens:*:*:image/*"},
            {"Effect":"Deny","NotAction":["ens:createimage"],"Resource":"*"},
            {"Effect":"Allow","Action":"ens:*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"true"}}}
        ]}"#;
        let found = results(text, &ask(&[("acs:securetransport", &["true"])]));
        let summary: Vec<(bool, &str, &str)> = found
            .iter()
            .map(|r| (r.applies, r.reason.as_str(), slice(text, r.reason_span)))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    false,
                    "Action `ens:Describe*` does not match `ens:CreateImage`",
                    "\"ens:Describe*\""
                ),
                (
                    false,
                    "Resource `acs:ens:*:*:image/*` does not match `*`",
                    "\"acs:ens:*:*:image/*\""
                ),
                (
                    false,
                    "NotAction `ens:createimage` excludes `ens:CreateImage`",
                    "\"ens:createimage\""
                ),
                (
                    true,
                    "Action `ens:*` matches `ens:CreateImage`; Resource `*` matches `*`; \
                     condition Bool `acs:SecureTransport`: `true` equals `true`",
                    "\"Allow\""
                ),
            ]
        );
        let missing: Vec<&Vec<String>> = found.iter().map(|r| &r.missing_context).collect();
        assert!(missing.iter().all(|m| m.is_empty()), "{missing:?}");
        let without = results(text, &ask(&[]));
        assert_eq!(without[3].missing_context, ["acs:SecureTransport"]);
        let labels: Vec<&str> = found[3].evidence.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["matches ens:CreateImage", "matches *", "condition holds"]
        );
        assert_eq!(decide(&found), Decision::Allow);
    }

    #[test]
    fn explicit_deny_beats_allow_and_nothing_is_an_implicit_deny() {
        let allow = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let deny = r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"ens:Create*","Resource":"*"}]}"#;
        let mut both = results(allow, &ask(&[]));
        both.extend(results(deny, &ask(&[])));
        assert_eq!(decide(&both), Decision::ExplicitDeny);
        let deciding: Vec<Effect> = both
            .iter()
            .filter(|r| is_deciding(r, Decision::ExplicitDeny))
            .map(|r| r.effect)
            .collect();
        assert_eq!(deciding, [Effect::Deny], "the overridden Allow does not decide");
        assert_eq!(
            decide(&results(deny, &ask(&[]))),
            Decision::ExplicitDeny,
            "a Deny needs no Allow"
        );
        let other = Request {
            action: "ecs:RunInstances".into(),
            ..ask(&[])
        };
        let none = results(deny, &other);
        assert_eq!((none.len(), decide(&none)), (1, Decision::ImplicitDeny));
        assert_eq!(decide(&[]), Decision::ImplicitDeny);
    }

    #[test]
    fn repeated_context_keys_merge_ignoring_case() {
        let mut request = ask(&[("acs:SourceIp", &["192.0.2.1"])]);
        request.add_context("ACS:SOURCEIP", vec!["192.0.2.2".into()]);
        assert_eq!(
            request.context,
            [(
                "acs:SourceIp".to_string(),
                vec!["192.0.2.1".to_string(), "192.0.2.2".to_string()]
            )]
        );
    }

    #[test]
    fn an_unparsable_condition_that_is_reached_is_an_error() {
        let text = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ens:CreateImage","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.300/8"}}}]}"#;
        let root = parse(text).root.expect("parses");
        let policy = Policy::from_root(&root).expect("object");
        let error =
            evaluate_policy(3, &policy, &ask(&[("acs:SourceIp", &["10.0.0.1"])])).expect_err("bad CIDR");
        assert_eq!((error.file, slice(text, error.span)), (3, "\"10.0.0.300/8\""));
        let elsewhere = Request {
            action: "ens:DeleteImage".into(),
            ..ask(&[])
        };
        assert!(
            evaluate_policy(3, &policy, &elsewhere).is_ok(),
            "not reached when the action differs"
        );
    }
}
