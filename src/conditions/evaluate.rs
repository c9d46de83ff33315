//! Condition evaluation for the simulator: decides whether a statement's
//! `Condition` holds for a request context, and says why in words.
//!
//! Semantics (RAM documents the first three; the rest follow AWS, whose
//! grammar RAM reuses):
//! - every operator block must hold, and every key in a block (AND);
//! - any policy value of a key may match (OR);
//! - a negated operator holds when the request value matches none of them;
//! - a key absent from the request makes a positive operator false and a
//!   negated one true;
//! - with several request values and no qualifier, a positive operator holds
//!   when some value matches and a negated one when none does;
//! - `ForAnyValue:` holds when at least one request value satisfies the
//!   operator (false for an absent key or no values);
//! - `ForAllValues:` holds when every request value does (true for an absent
//!   key or no values, as in AWS).

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

use super::values::{
    parse_bool, parse_date_time, parse_ip, parse_ip_range, parse_number, Decimal, Instant, IpRange,
};
use super::vocabulary::{vocabulary, Compare, Family, Operator, Quantifier};
use crate::core::Span;
use crate::model::ConditionBlock;
use crate::wildcard::{self, Case};

/// Whether one condition (or a whole `Condition` element) holds, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Evaluation {
    pub holds: bool,
    /// A lowercase phrase such as "condition IpAddress `acs:SourceIp`:
    /// `192.0.2.1` is not in `203.0.113.0/24`".
    pub reason: String,
}

/// Why a condition could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EvalError {
    /// Not one of RAM's operators (optionally qualified).
    UnknownOperator { operator: String },
    /// The policy's value at `index` does not parse for the operator.
    PolicyValue {
        index: usize,
        value: String,
        why: String,
    },
    /// A request value does not parse for the operator.
    RequestValue { key: String, value: String, why: String },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::UnknownOperator { operator } => {
                write!(f, "`{operator}` is not a RAM condition operator")
            }
            EvalError::PolicyValue { value, why, .. } => {
                write!(f, "the policy value `{value}` does not parse: {why}")
            }
            EvalError::RequestValue { key, value, why } => {
                write!(f, "the request value `{value}` of `{key}` does not parse: {why}")
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// Decides one condition: `operator` as written (qualifier included), the
/// policy's `policy_values` for `key`, and the request's values for it
/// (`None` when the request lacks the key).
pub(crate) fn evaluate<P: AsRef<str>, R: AsRef<str>>(
    operator: &str,
    key: &str,
    policy_values: &[P],
    request_values: Option<&[R]>,
) -> Result<Evaluation, EvalError> {
    let parsed = vocabulary()
        .parse_operator(operator)
        .ok_or_else(|| EvalError::UnknownOperator {
            operator: operator.to_string(),
        })?;
    let op = parsed.operator;
    let quantifier = parsed.qualifier.map(|q| q.quantifier);
    let policy = policy_values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let value = value.as_ref();
            parse_policy_value(op, value).map_err(|why| EvalError::PolicyValue {
                index,
                value: value.to_string(),
                why,
            })
        })
        .collect::<Result<Vec<Typed>, EvalError>>()?;
    let request = match request_values {
        Some(values) => values
            .iter()
            .map(|value| {
                let value = value.as_ref();
                parse_request_value(op, value)
                    .map(|typed| (value, typed))
                    .map_err(|why| EvalError::RequestValue {
                        key: key.to_string(),
                        value: value.to_string(),
                        why,
                    })
            })
            .collect::<Result<Vec<(&str, Typed)>, EvalError>>()?,
        None => Vec::new(),
    };
    let prefix = format!("condition {operator} `{key}`: ");

    if request.is_empty() {
        let missing = if request_values.is_none() {
            format!("`{key}` not in the request context")
        } else {
            format!("`{key}` has no values in the request context")
        };
        let (holds, why) = match (quantifier, op.negated) {
            (Some(Quantifier::All), _) => (true, "ForAllValues holds when there are no values"),
            (Some(Quantifier::Any), _) => (false, "ForAnyValue needs at least one value"),
            (None, true) => (true, "a negated operator holds without it"),
            (None, false) => (false, "a positive operator is false without it"),
        };
        return Ok(Evaluation {
            holds,
            reason: format!("{prefix}{missing}, and {why}"),
        });
    }

    // For each request value: the first policy value it matches, if any, and
    // whether it satisfies the operator (a negated one wants no match).
    let outcomes: Vec<(&str, Option<usize>, bool)> = request
        .iter()
        .map(|(text, typed)| {
            let matched = policy.iter().position(|p| matches(op, p, typed));
            (*text, matched, matched.is_some() != op.negated)
        })
        .collect();
    let every = match quantifier {
        Some(Quantifier::All) => true,
        Some(Quantifier::Any) => false,
        // Unqualified: positive is "some value matches", negated is "no value
        // matches", that is every value satisfies it.
        None => op.negated,
    };
    let holds = if every {
        outcomes.iter().all(|o| o.2)
    } else {
        outcomes.iter().any(|o| o.2)
    };
    let describe = |(text, matched, _): &(&str, Option<usize>, bool)| -> String {
        let (yes, no) = phrases(op);
        match matched {
            Some(i) => format!("`{text}` {yes} `{}`", policy_values[*i].as_ref()),
            None => {
                let list = policy_values
                    .iter()
                    .map(|p| format!("`{}`", p.as_ref()))
                    .collect::<Vec<_>>()
                    .join(", ");
                match policy_values.len() {
                    0 => format!("`{text}` {no} anything: the key has no policy values"),
                    1 => format!("`{text}` {no} {list}"),
                    _ => format!("`{text}` {no} any of {list}"),
                }
            }
        }
    };
    // The deciding value alone when one value decides; otherwise all of them.
    let deciding = match (every, holds) {
        (false, true) => outcomes.iter().find(|o| o.2),
        (true, false) => outcomes.iter().find(|o| !o.2),
        _ => None,
    };
    let detail = match deciding {
        Some(outcome) => describe(outcome),
        None => outcomes.iter().map(describe).collect::<Vec<_>>().join("; "),
    };
    Ok(Evaluation {
        holds,
        reason: format!("{prefix}{detail}"),
    })
}

/// The request's condition values, keyed case-insensitively (RAM's
/// validator treats keys differing only in case as the same key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequestContext {
    entries: Vec<(String, Vec<String>)>,
}

impl RequestContext {
    pub(crate) fn new() -> Self {
        RequestContext::default()
    }

    /// Sets `key`'s values, replacing any earlier values of the same key.
    pub(crate) fn insert(&mut self, key: impl Into<String>, values: Vec<String>) {
        let key = key.into();
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some(entry) => entry.1 = values,
            None => self.entries.push((key, values)),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, values)| values.as_slice())
    }
}

/// How a statement's whole `Condition` came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConditionOutcome {
    pub holds: bool,
    /// The failing condition's reason, or every condition's reason joined
    /// with `; ` when all hold ("no condition" when there are none).
    pub reason: String,
    /// The key of the first condition that does not hold.
    pub span: Option<Span>,
}

/// An evaluation error with the span of the operator or value at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConditionFailure {
    pub span: Span,
    pub error: EvalError,
}

/// Evaluates a statement's `Condition` blocks against `context`: all blocks
/// and all keys must hold. Stops at the first condition that does not hold.
pub(crate) fn evaluate_condition(
    blocks: &[ConditionBlock<'_>],
    context: &RequestContext,
) -> Result<ConditionOutcome, ConditionFailure> {
    let mut reasons = Vec::new();
    for block in blocks {
        for entry in &block.entries {
            let values: Vec<&str> = entry.values.iter().map(|v| v.value).collect();
            let evaluation = evaluate(
                block.operator.value,
                entry.key.value,
                &values,
                context.get(entry.key.value),
            )
            .map_err(|error| {
                let span = match &error {
                    EvalError::UnknownOperator { .. } => block.operator.span,
                    EvalError::PolicyValue { index, .. } => {
                        entry.values.get(*index).map_or(entry.value_span, |v| v.span)
                    }
                    EvalError::RequestValue { .. } => entry.key.span,
                };
                ConditionFailure { span, error }
            })?;
            if !evaluation.holds {
                return Ok(ConditionOutcome {
                    holds: false,
                    reason: evaluation.reason,
                    span: Some(entry.key.span),
                });
            }
            reasons.push(evaluation.reason);
        }
    }
    Ok(ConditionOutcome {
        holds: true,
        reason: if reasons.is_empty() {
            "no condition".to_string()
        } else {
            reasons.join("; ")
        },
        span: None,
    })
}

/// A value parsed for its operator's family.
#[derive(Debug, Clone)]
enum Typed {
    Text(String),
    Number(Decimal),
    Time(Instant),
    Bool(bool),
    Range(IpRange),
    Address(IpAddr),
}

fn parse_policy_value(op: &Operator, value: &str) -> Result<Typed, String> {
    match op.family {
        Family::Ip => parse_ip_range(value).map(Typed::Range),
        _ => parse_request_value(op, value),
    }
}

/// Request values are single items: an address, not a block.
fn parse_request_value(op: &Operator, value: &str) -> Result<Typed, String> {
    Ok(match op.family {
        Family::String => Typed::Text(value.to_string()),
        Family::Numeric => Typed::Number(parse_number(value)?),
        Family::Date => Typed::Time(parse_date_time(value)?),
        Family::Bool => Typed::Bool(parse_bool(value)?),
        Family::Ip => {
            if value.contains('/') {
                return Err("a request carries one IP address, not a CIDR block".into());
            }
            Typed::Address(parse_ip(value)?)
        }
    })
}

/// Whether request value `r` passes the operator's test (before negation)
/// against policy value `p`.
fn matches(op: &Operator, p: &Typed, r: &Typed) -> bool {
    let ordered = |ordering: Ordering| match op.compare {
        Compare::Equal => ordering == Ordering::Equal,
        Compare::Less => ordering == Ordering::Less,
        Compare::LessOrEqual => ordering != Ordering::Greater,
        Compare::Greater => ordering == Ordering::Greater,
        Compare::GreaterOrEqual => ordering != Ordering::Less,
        Compare::In => false,
    };
    match (p, r) {
        (Typed::Text(p), Typed::Text(r)) => match (op.wildcards, op.ignore_case) {
            // One folding rule for every case-insensitive comparison.
            (true, true) => wildcard::matches(p, r, Case::Insensitive),
            (true, false) => wildcard::matches(p, r, Case::Sensitive),
            (false, true) => wildcard::fold_str(p) == wildcard::fold_str(r),
            (false, false) => p == r,
        },
        // The request value is on the left: `DateLessThan` holds when the
        // request time is before the policy's.
        (Typed::Number(p), Typed::Number(r)) => ordered(r.cmp(p)),
        (Typed::Time(p), Typed::Time(r)) => ordered(r.cmp(p)),
        (Typed::Bool(p), Typed::Bool(r)) => p == r,
        (Typed::Range(p), Typed::Address(r)) => p.contains(*r),
        _ => false,
    }
}

/// The words for "matches" and "does not match" under the operator's test.
fn phrases(op: &Operator) -> (&'static str, &'static str) {
    match (op.family, op.compare) {
        (Family::String, _) if op.wildcards => ("matches", "does not match"),
        (Family::String, _) if op.ignore_case => ("equals (ignoring case)", "does not equal (ignoring case)"),
        (Family::Date, Compare::Equal) => ("is the same time as", "is not the same time as"),
        (Family::Date, Compare::Less) => ("is before", "is not before"),
        (Family::Date, Compare::LessOrEqual) => ("is not after", "is after"),
        (Family::Date, Compare::Greater) => ("is after", "is not after"),
        (Family::Date, Compare::GreaterOrEqual) => ("is not before", "is before"),
        (_, Compare::Less) => ("is less than", "is not less than"),
        (_, Compare::LessOrEqual) => ("is at most", "is not at most"),
        (_, Compare::Greater) => ("is greater than", "is not greater than"),
        (_, Compare::GreaterOrEqual) => ("is at least", "is not at least"),
        (_, Compare::In) => ("is in", "is not in"),
        (_, Compare::Equal) => ("equals", "does not equal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Policy;
    use crate::parse::parse;

    /// One row: operator, policy values, request values (`None` = absent),
    /// expected result.
    type Row = (
        &'static str,
        &'static [&'static str],
        Option<&'static [&'static str]>,
        bool,
    );

    fn check(key: &str, rows: &[Row]) {
        for (operator, policy, request, expected) in rows {
            let result = evaluate(operator, key, policy, *request)
                .unwrap_or_else(|e| panic!("{operator} {policy:?} {request:?}: {e}"));
            assert_eq!(
                result.holds, *expected,
                "{operator} {policy:?} {request:?}: {}",
                result.reason
            );
        }
    }

    #[test]
    fn string_operators() {
        check(
            "acs:SourceVpc",
            &[
                ("StringEquals", &["vpc-1"], Some(&["vpc-1"]), true),
                ("StringEquals", &["vpc-1"], Some(&["VPC-1"]), false),
                ("StringEquals", &["vpc-1", "vpc-2"], Some(&["vpc-2"]), true),
                ("StringEquals", &["vpc-*"], Some(&["vpc-1"]), false),
                ("StringEquals", &["vpc-1"], None, false),
                ("StringNotEquals", &["vpc-1"], Some(&["vpc-1"]), false),
                ("StringNotEquals", &["vpc-1", "vpc-2"], Some(&["vpc-2"]), false),
                ("StringNotEquals", &["vpc-1", "vpc-2"], Some(&["vpc-3"]), true),
                ("StringNotEquals", &["vpc-1"], None, true),
                ("StringEqualsIgnoreCase", &["vpc-1"], Some(&["VPC-1"]), true),
                ("StringEqualsIgnoreCase", &["vpc-1"], Some(&["vpc-2"]), false),
                ("StringEqualsIgnoreCase", &["vpc-1"], None, false),
                ("StringNotEqualsIgnoreCase", &["vpc-1"], Some(&["VPC-1"]), false),
                ("StringNotEqualsIgnoreCase", &["vpc-1"], Some(&["vpc-2"]), true),
                ("StringNotEqualsIgnoreCase", &["vpc-1"], None, true),
                // One folding rule (wildcard::fold_char): the Kelvin, ohm
                // and angstrom signs fold like the letters they look like.
                ("StringEqualsIgnoreCase", &["k"], Some(&["\u{212A}"]), true),
                ("StringEqualsIgnoreCase", &["\u{3c9}"], Some(&["\u{2126}"]), true),
                (
                    "StringNotEqualsIgnoreCase",
                    &["\u{212B}"],
                    Some(&["\u{c5}"]),
                    false,
                ),
                ("StringLike", &["k*"], Some(&["\u{212A}"]), false),
                ("StringEqualsIgnoreCase", &["ss"], Some(&["\u{df}"]), false),
                ("StringLike", &["vpc-*"], Some(&["vpc-123"]), true),
                ("StringLike", &["vpc-?"], Some(&["vpc-12"]), false),
                ("StringLike", &["vpc-*"], Some(&["VPC-123"]), false),
                ("StringLike", &["a*", "vpc-*"], Some(&["vpc-9"]), true),
                ("StringLike", &["vpc-*"], None, false),
                ("StringNotLike", &["vpc-*"], Some(&["vpc-123"]), false),
                ("StringNotLike", &["vpc-*"], Some(&["other"]), true),
                ("StringNotLike", &["vpc-*"], None, true),
            ],
        );
    }

    #[test]
    fn numeric_operators() {
        check(
            "ecs:Count",
            &[
                ("NumericEquals", &["10"], Some(&["10.0"]), true),
                ("NumericEquals", &["10"], Some(&["11"]), false),
                ("NumericEquals", &["10"], None, false),
                ("NumericNotEquals", &["10"], Some(&["10"]), false),
                ("NumericNotEquals", &["10", "11"], Some(&["12"]), true),
                ("NumericNotEquals", &["10"], None, true),
                ("NumericLessThan", &["10"], Some(&["9"]), true),
                ("NumericLessThan", &["10"], Some(&["10"]), false),
                ("NumericLessThanEquals", &["10"], Some(&["10"]), true),
                ("NumericLessThanEquals", &["10"], Some(&["10.5"]), false),
                ("NumericGreaterThan", &["10"], Some(&["10.01"]), true),
                ("NumericGreaterThan", &["10"], Some(&["-11"]), false),
                ("NumericGreaterThanEquals", &["10"], Some(&["10"]), true),
                ("NumericGreaterThanEquals", &["10"], Some(&["9"]), false),
                ("NumericGreaterThanEquals", &["10"], None, false),
            ],
        );
    }

    #[test]
    fn date_operators_compare_instants_across_offsets() {
        check(
            "acs:CurrentTime",
            &[
                (
                    "DateGreaterThan",
                    &["2027-01-01T00:00:00Z"],
                    Some(&["2026-12-31T23:00:00-02:00"]),
                    true,
                ),
                (
                    "DateLessThan",
                    &["2027-01-01T00:00:00Z"],
                    Some(&["2026-12-31T23:00:00-02:00"]),
                    false,
                ),
                (
                    "DateEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00Z"]),
                    true,
                ),
                (
                    "DateEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T17:00:00Z"]),
                    false,
                ),
                (
                    "DateNotEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00Z"]),
                    false,
                ),
                (
                    "DateNotEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:01Z"]),
                    true,
                ),
                ("DateNotEquals", &["2019-08-12T17:00:00+08:00"], None, true),
                (
                    "DateLessThan",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T08:59:59Z"]),
                    true,
                ),
                ("DateLessThan", &["2019-08-12T17:00:00+08:00"], None, false),
                (
                    "DateLessThanEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00Z"]),
                    true,
                ),
                (
                    "DateLessThanEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00.1Z"]),
                    false,
                ),
                (
                    "DateGreaterThanEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00Z"]),
                    true,
                ),
                (
                    "DateGreaterThanEquals",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T08:00:00Z"]),
                    false,
                ),
                (
                    "DateGreaterThan",
                    &["2019-08-12T17:00:00+08:00"],
                    Some(&["2019-08-12T09:00:00Z"]),
                    false,
                ),
            ],
        );
    }

    #[test]
    fn bool_operator() {
        check(
            "acs:SecureTransport",
            &[
                ("Bool", &["true"], Some(&["true"]), true),
                ("Bool", &["true"], Some(&["false"]), false),
                ("Bool", &["false"], Some(&["false"]), true),
                ("Bool", &["false"], None, false),
            ],
        );
    }

    #[test]
    fn ip_operators_v4_and_v6() {
        check(
            "acs:SourceIp",
            &[
                ("IpAddress", &["203.0.113.0/24"], Some(&["203.0.113.7"]), true),
                ("IpAddress", &["203.0.113.0/24"], Some(&["192.0.2.1"]), false),
                (
                    "IpAddress",
                    &["192.168.0.0/16", "172.16.215.218"],
                    Some(&["172.16.215.218"]),
                    true,
                ),
                ("IpAddress", &["2001:db8::/32"], Some(&["2001:db8::1"]), true),
                ("IpAddress", &["2001:db8::/32"], Some(&["2001:db9::1"]), false),
                ("IpAddress", &["::/0"], Some(&["192.0.2.1"]), false),
                ("IpAddress", &["0.0.0.0/0"], Some(&["::1"]), false),
                ("IpAddress", &["203.0.113.0/24"], None, false),
                ("NotIpAddress", &["203.0.113.0/24"], Some(&["203.0.113.7"]), false),
                ("NotIpAddress", &["203.0.113.0/24"], Some(&["192.0.2.1"]), true),
                ("NotIpAddress", &["2001:db8::/32"], Some(&["192.0.2.1"]), true),
                ("NotIpAddress", &["203.0.113.0/24"], None, true),
            ],
        );
    }

    #[test]
    fn several_request_values_and_qualifiers() {
        let two: Option<&[&str]> = Some(&["a", "b"]);
        let empty: Option<&[&str]> = Some(&[]);
        check(
            "ram:TrustedPrincipalTypes",
            &[
                // Unqualified: some value matches / no value matches.
                ("StringEquals", &["a"], two, true),
                ("StringEquals", &["c"], two, false),
                ("StringNotEquals", &["a"], two, false),
                ("StringNotEquals", &["c"], two, true),
                ("StringEquals", &["a"], empty, false),
                ("StringNotEquals", &["a"], empty, true),
                // ForAnyValue: at least one value; false with none.
                ("ForAnyValue:StringEquals", &["a"], two, true),
                ("ForAnyValue:StringEquals", &["c"], two, false),
                ("ForAnyValue:StringNotEquals", &["a"], two, true),
                ("ForAnyValue:StringNotEquals", &["a", "b"], two, false),
                ("ForAnyValue:StringEquals", &["a"], None, false),
                ("ForAnyValue:StringNotEquals", &["a"], None, false),
                ("ForAnyValue:StringEquals", &["a"], empty, false),
                // ForAllValues: every value; true with none.
                ("ForAllValues:StringEquals", &["a", "b", "c"], two, true),
                ("ForAllValues:StringEquals", &["a"], two, false),
                ("ForAllValues:StringNotEquals", &["c"], two, true),
                ("ForAllValues:StringNotEquals", &["a"], two, false),
                ("ForAllValues:StringEquals", &["a"], None, true),
                ("ForAllValues:StringNotEquals", &["a"], None, true),
                ("ForAllValues:StringEquals", &["a"], empty, true),
                (
                    "ForAllValues:StringLike",
                    &["a*", "b*"],
                    Some(&["ab", "ba"]),
                    true,
                ),
            ],
        );
        check(
            "acs:SourceIp",
            &[
                (
                    "ForAnyValue:IpAddress",
                    &["10.0.0.0/8"],
                    Some(&["192.0.2.1", "10.1.2.3"]),
                    true,
                ),
                (
                    "ForAllValues:IpAddress",
                    &["10.0.0.0/8"],
                    Some(&["192.0.2.1", "10.1.2.3"]),
                    false,
                ),
                (
                    "ForAllValues:NotIpAddress",
                    &["10.0.0.0/8"],
                    Some(&["192.0.2.1", "::1"]),
                    true,
                ),
            ],
        );
    }

    fn reason(operator: &str, key: &str, policy: &[&str], request: Option<&[&str]>) -> String {
        evaluate(operator, key, policy, request)
            .expect("evaluates")
            .reason
    }

    #[test]
    fn reasons_name_the_deciding_values() {
        assert_eq!(
            reason(
                "IpAddress",
                "acs:SourceIp",
                &["203.0.113.0/24"],
                Some(&["192.0.2.1"])
            ),
            "condition IpAddress `acs:SourceIp`: `192.0.2.1` is not in `203.0.113.0/24`"
        );
        assert_eq!(
            reason("IpAddress", "acs:SourceIp", &["203.0.113.0/24"], None),
            "condition IpAddress `acs:SourceIp`: `acs:SourceIp` not in the request context, and a positive operator is false without it"
        );
        assert_eq!(
            reason("NotIpAddress", "acs:SourceIp", &["203.0.113.0/24"], None),
            "condition NotIpAddress `acs:SourceIp`: `acs:SourceIp` not in the request context, and a negated operator holds without it"
        );
        assert_eq!(
            reason(
                "StringNotEquals",
                "acs:SourceVpc",
                &["vpc-1", "vpc-2"],
                Some(&["vpc-2"])
            ),
            "condition StringNotEquals `acs:SourceVpc`: `vpc-2` equals `vpc-2`"
        );
        assert_eq!(
            reason(
                "StringEquals",
                "acs:SourceVpc",
                &["vpc-1", "vpc-2"],
                Some(&["vpc-3"])
            ),
            "condition StringEquals `acs:SourceVpc`: `vpc-3` does not equal any of `vpc-1`, `vpc-2`"
        );
        assert_eq!(
            reason("DateLessThan", "acs:CurrentTime", &["2027-01-01T00:00:00Z"], Some(&["2026-12-31T23:00:00-02:00"])),
            "condition DateLessThan `acs:CurrentTime`: `2026-12-31T23:00:00-02:00` is not before `2027-01-01T00:00:00Z`"
        );
        assert_eq!(
            reason("ForAllValues:StringEquals", "k:k", &["a"], Some(&["a", "b"])),
            "condition ForAllValues:StringEquals `k:k`: `b` does not equal `a`"
        );
        assert_eq!(
            reason("ForAllValues:StringEquals", "k:k", &["a"], Some(&[])),
            "condition ForAllValues:StringEquals `k:k`: `k:k` has no values in the request context, and ForAllValues holds when there are no values"
        );
    }

    #[test]
    fn errors_name_what_does_not_parse() {
        let none: Option<&[&str]> = None;
        assert_eq!(
            evaluate("StringEqualsIfExists", "k:k", &["a"], none),
            Err(EvalError::UnknownOperator {
                operator: "StringEqualsIfExists".into()
            })
        );
        assert_eq!(
            evaluate(
                "IpAddress",
                "acs:SourceIp",
                &["10.0.0.0/8", "10.0.0.300/8"],
                Some(&["10.0.0.1"])
            ),
            Err(EvalError::PolicyValue {
                index: 1,
                value: "10.0.0.300/8".into(),
                why: "`300` exceeds 255".into()
            })
        );
        let error = evaluate(
            "IpAddress",
            "acs:SourceIp",
            &["10.0.0.0/8"],
            Some(&["10.0.0.0/24"]),
        )
        .expect_err("a block is not an address");
        assert_eq!(
            error.to_string(),
            "the request value `10.0.0.0/24` of `acs:SourceIp` does not parse: a request carries one IP address, not a CIDR block"
        );
        assert!(evaluate("Bool", "acs:MFAPresent", &["true"], Some(&["yes"])).is_err());
        assert!(evaluate("NumericEquals", "k:k", &["ten"], none).is_err());
    }

    fn outcome(text: &str, context: &RequestContext) -> Result<ConditionOutcome, ConditionFailure> {
        let root = parse(text).root.expect("parses");
        let policy = Policy::from_root(&root).expect("object");
        evaluate_condition(&policy.statements[0].condition, context)
    }

    const TWO_BLOCKS: &str = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ens:CreateImage","Resource":"*",
        "Condition":{"IpAddress":{"acs:SourceIp":["203.0.113.0/24"]},"Bool":{"acs:SecureTransport":"true"}}}]}"#;

    #[test]
    fn whole_conditions_and_blocks_and_keys() {
        let mut context = RequestContext::new();
        context.insert("acs:SourceIp", vec!["203.0.113.9".into()]);
        context.insert("ACS:SecureTransport", vec!["true".into()]);
        let result = outcome(TWO_BLOCKS, &context).expect("evaluates");
        assert!(result.holds, "{}", result.reason);
        assert_eq!(result.span, None);
        assert!(result.reason.contains("; "), "both reasons: {}", result.reason);

        context.insert("acs:securetransport", vec!["false".into()]);
        let result = outcome(TWO_BLOCKS, &context).expect("evaluates");
        assert!(!result.holds);
        let span = result.span.expect("failing key");
        assert_eq!(&TWO_BLOCKS[span.start..span.end], "\"acs:SecureTransport\"");
        assert_eq!(
            result.reason,
            "condition Bool `acs:SecureTransport`: `false` does not equal `true`"
        );

        let result = outcome(TWO_BLOCKS, &RequestContext::new()).expect("evaluates");
        assert!(!result.holds);
        assert!(result.reason.contains("not in the request context"));

        let none = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert_eq!(
            outcome(none, &RequestContext::new()).expect("evaluates").reason,
            "no condition"
        );
    }

    #[test]
    fn failures_point_at_the_culprit() {
        let text =
            r#"{"Statement":[{"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","10.0.0.300/8"]}}}]}"#;
        let mut context = RequestContext::new();
        context.insert("acs:SourceIp", vec!["10.0.0.1".into()]);
        let failure = outcome(text, &context).expect_err("bad value");
        assert_eq!(&text[failure.span.start..failure.span.end], "\"10.0.0.300/8\"");

        let text = r#"{"Statement":[{"Condition":{"NullIfExists":{"acs:SourceIp":"x"}}}]}"#;
        let failure = outcome(text, &context).expect_err("bad operator");
        assert_eq!(&text[failure.span.start..failure.span.end], "\"NullIfExists\"");
    }
}
