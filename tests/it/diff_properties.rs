//! Property test of `diff`'s exactness: random OLD/NEW pairs built from the
//! ENS operation table, resource patterns and every family of condition
//! operator. Each "no new access" answer is checked against many random
//! concrete requests through the evaluator (none may be allowed by NEW and
//! denied by OLD), and each witness is replayed through `simulate` on both
//! sides.

use policy_check::diff::compare;
use policy_check::simulate::eval::{Decision, Request};
use policy_check::simulate::{simulate, PolicyFile};
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "ens:CreateImage",
    "ens:DescribeImages",
    "ens:StartInstance",
    "ens:Delete*",
    "ens:*",
    "ens:Describe*",
    "ens:createimage",
    "foo:Get*",
    "foo:GetThing",
];
const RESOURCES: &[&str] = &[
    "*",
    "acs:ens:*:*:instance/i-1",
    "acs:ens:*:*:instance/*",
    "acs:ens:*:*:instance/i-?",
];
const CONDITIONS: &[&str] = &[
    r#""IpAddress": {"acs:SourceIp": "10.0.0.0/8"}"#,
    r#""IpAddress": {"acs:SourceIp": ["10.1.0.0/16", "192.0.2.1"]}"#,
    r#""NotIpAddress": {"acs:SourceIp": "10.1.0.0/16"}"#,
    r#""DateLessThan": {"acs:CurrentTime": "2026-06-30T00:00:00Z"}"#,
    r#""DateGreaterThanEquals": {"acs:CurrentTime": "2026-01-01T00:00:00Z"}"#,
    r#""StringEquals": {"acs:UserAgent": "bot"}"#,
    r#""StringLike": {"acs:UserAgent": "b*"}"#,
    r#""StringNotEquals": {"acs:UserAgent": "bot"}"#,
    r#""StringEqualsIgnoreCase": {"acs:UserAgent": "BOT"}"#,
    r#""StringNotLike": {"acs:UserAgent": "*t"}"#,
    r#""ForAnyValue:StringEquals": {"acs:UserAgent": ["bot", "cat"]}"#,
    r#""ForAllValues:StringLike": {"acs:UserAgent": "b*"}"#,
    r#""NumericLessThan": {"ens:Count": "10"}"#,
    r#""NumericGreaterThanEquals": {"ens:Count": "2.5"}"#,
    r#""Bool": {"acs:SecureTransport": "true"}"#,
];

/// Concrete values the random requests draw from, per key.
const SOURCE_IPS: &[&str] = &[
    "10.0.0.1",
    "10.1.2.3",
    "192.0.2.1",
    "192.0.2.2",
    "11.0.0.0",
    "2001:db8::1",
];
const TIMES: &[&str] = &[
    "2025-12-31T23:59:59Z",
    "2026-01-01T00:00:00Z",
    "2026-03-01T00:00:00Z",
    "2026-06-30T00:00:00Z",
    "2027-01-01T00:00:00Z",
];
const AGENTS: &[&str] = &["bot", "BOT", "cat", "bat", "b", "x"];
const COUNTS: &[&str] = &["1", "2.5", "3", "10", "11"];
const BOOLS: &[&str] = &["true", "false"];
const CONCRETE_ACTIONS: &[&str] = &[
    "ens:CreateImage",
    "ens:DescribeImages",
    "ens:StartInstance",
    "ens:DeleteImage",
    "foo:GetThing",
    "foo:GetOther",
    "ens:RebootInstance",
];
const CONCRETE_RESOURCES: &[&str] = &[
    "*",
    "acs:ens:cn:1:instance/i-1",
    "acs:ens:cn:1:instance/i-22",
    "acs:ens:cn:1:instance/i-2",
    "x",
];

fn statement() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.85),
        prop::sample::subsequence(ACTIONS, 1..3),
        prop::sample::select(RESOURCES),
        prop::sample::subsequence(CONDITIONS, 0..3),
    )
        .prop_map(|(allow, plain, actions, resource, conditions)| {
            let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
            let condition = if conditions.is_empty() {
                String::new()
            } else {
                // Distinct operators only: a repeated key is another finding.
                let mut seen: Vec<&str> = Vec::new();
                let mut parts = Vec::new();
                for c in conditions {
                    let op = c.split('"').nth(1).unwrap_or("");
                    if !seen.contains(&op) {
                        seen.push(op);
                        parts.push(c.to_string());
                    }
                }
                format!(r#", "Condition": {{{}}}"#, parts.join(", "))
            };
            format!(
                r#"{{"Effect": "{}", "{}": [{}], "Resource": "{resource}"{condition}}}"#,
                if allow { "Allow" } else { "Deny" },
                if plain { "Action" } else { "NotAction" },
                actions.join(", ")
            )
        })
}

fn policy() -> impl Strategy<Value = Vec<PolicyFile>> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| {
        PolicyFile::read(
            "p.json",
            &format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(", ")),
        )
    })
}

fn request() -> impl Strategy<Value = Request> {
    let key = |values: &'static [&'static str]| prop::option::of(prop::sample::subsequence(values, 1..3));
    (
        prop::sample::select(CONCRETE_ACTIONS),
        prop::sample::select(CONCRETE_RESOURCES),
        (key(SOURCE_IPS), key(TIMES), key(AGENTS), key(COUNTS), key(BOOLS)),
    )
        .prop_map(|(action, resource, (ip, time, agent, count, secure))| {
            let mut request = Request {
                action: action.into(),
                resource: resource.into(),
                context: Vec::new(),
            };
            for (name, values) in [
                ("acs:SourceIp", ip),
                ("acs:CurrentTime", time),
                ("acs:UserAgent", agent),
                ("ens:Count", count),
                ("acs:SecureTransport", secure),
            ] {
                if let Some(values) = values {
                    request.add_context(name, values.iter().map(|v| v.to_string()).collect());
                }
            }
            request
        })
}

fn decision(request: &Request, files: &[PolicyFile]) -> Decision {
    simulate(request.clone(), files.to_vec(), None)
        .expect("evaluates")
        .decision
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn no_new_access_holds_and_witnesses_replay(
        old in policy(),
        new in policy(),
        requests in prop::collection::vec(request(), 200),
    ) {
        let comparison = compare(&old, &new).expect("usable");
        for found in &comparison.new_access {
            for action in &found.actions {
                let asked = Request { action: action.clone(), ..found.request.clone() };
                prop_assert_eq!(decision(&asked, &new), Decision::Allow, "{}", new[0].text);
                prop_assert_ne!(decision(&asked, &old), Decision::Allow, "{}", old[0].text);
            }
        }
        if comparison.verdict() == "no-new-access" {
            for request in &requests {
                let gained = decision(request, &new) == Decision::Allow
                    && decision(request, &old) != Decision::Allow;
                prop_assert!(!gained, "{:?} is new access\nOLD {}\nNEW {}", request, old[0].text, new[0].text);
            }
        }
    }
}
