//! Differential test of `diff` against brute force through the simulator's
//! evaluator, on thousands of random small OLD/NEW pairs whose patterns
//! reach uncatalogued actions (`ecs:DescribeInstance?`, `ens:CreateImage*`,
//! `*:*:*`), fold case across Unicode (the Kelvin, ohm and angstrom signs)
//! and test empty and comma-holding values. For every pair:
//! - `unknown` never comes back;
//! - every witness is allowed by NEW and not by OLD through `simulate`
//!   (so no alarm is false);
//! - when any request of a fixed, tricky request space is allowed by NEW
//!   and not by OLD, `diff` says new access (so no "no new access" is
//!   wrong on that space).
//!
//! `DIFF_PAIRS` sets the number of pairs: 2,000 by default in an optimized
//! build (`cargo test --release --test diff_differential`, about 100 s on
//! one core), 100 in a debug build so the whole suite stays quick.

use policy_check::diff::compare;
use policy_check::model::Policy;
use policy_check::parse;
use policy_check::simulate::eval::{decide, evaluate_policy, Decision, Request};
use policy_check::simulate::{evaluated_resource, simulate, PolicyFile};

const ACTIONS: &[&str] = &[
    "ecs:DescribeInstances",
    "ecs:DescribeInstance?",
    "ens:CreateImage",
    "ens:CreateImage*",
    "ens:createimage",
    "ens:*",
    "*",
    "*:*:*",
    "foo:Get*",
    "e?s:*",
    "ens:\u{212A}ill",
];
const RESOURCES: &[&str] = &[
    "*",
    "?",
    "*?",
    "?*",
    "acs:ens:*:*:instance/*",
    "acs:ens:*:*:instance/i-?",
    "a\u{212B}*",
];
const CONDITIONS: &[&str] = &[
    r#""StringNotLike": {"acs:UserAgent": ["k", "K"]}"#,
    r#""StringNotEqualsIgnoreCase": {"acs:UserAgent": "k"}"#,
    r#""StringEqualsIgnoreCase": {"acs:UserAgent": "\u2126"}"#,
    r#""StringLike": {"acs:UserAgent": "*\u212B?"}"#,
    r#""StringEquals": {"acs:UserAgent": ""}"#,
    r#""StringEquals": {"acs:UserAgent": "a,b"}"#,
    r#""StringNotEquals": {"acs:UserAgent": ["a", "b"]}"#,
    r#""ForAllValues:StringLike": {"acs:UserAgent": "?"}"#,
    r#""ForAnyValue:StringEqualsIgnoreCase": {"acs:UserAgent": ["\u00e5", "x"]}"#,
    r#""IpAddress": {"acs:SourceIp": "10.0.0.0/8"}"#,
    r#""NotIpAddress": {"acs:SourceIp": "10.1.0.0/16"}"#,
    r#""NumericLessThan": {"ens:Count": "10"}"#,
    r#""DateLessThan": {"acs:CurrentTime": "2026-06-30T00:00:00Z"}"#,
    r#""Bool": {"acs:SecureTransport": "true"}"#,
];

/// The brute-force request space.
const CONCRETE_ACTIONS: &[&str] = &[
    "ecs:DescribeInstances",
    "ecs:DescribeInstanceX",
    "ens:CreateImage",
    "ens:CREATEIMAGEs",
    "ens:CreateImageX",
    "ens:DeleteImage",
    "foo:GetThing",
    "e9s:Other",
    "ens:kill",
    "ens:\u{212A}ILL",
    "bar:Baz",
];
const CONCRETE_RESOURCES: &[&str] = &[
    "*",
    "x",
    "acs:ens:cn:1:instance/i-1",
    "acs:ens:cn:1:instance/i-22",
    "a\u{c5}b",
];
const AGENTS: &[&str] = &[
    "k",
    "K",
    "\u{212A}",
    "\u{2126}",
    "\u{3c9}",
    "x\u{212B}y",
    "x\u{e5}y",
    "",
    "a,b",
    "a",
    "b",
    "\u{c5}",
];
const IPS: &[&str] = &["10.0.0.1", "10.1.2.3", "11.0.0.1"];
const COUNTS: &[&str] = &["3", "10", "11"];
const TIMES: &[&str] = &[
    "2026-01-01T00:00:00Z",
    "2026-06-30T00:00:00Z",
    "2027-01-01T00:00:00Z",
];
const BOOLS: &[&str] = &["true", "false"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
    fn some<'a>(&mut self, from: &[&'a str], most: usize) -> Vec<&'a str> {
        let count = 1 + self.below(most);
        let mut out: Vec<&str> = (0..count).map(|_| self.pick(from)).collect();
        out.dedup();
        out
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("string")
}

fn statement(rng: &mut Rng) -> String {
    let effect = if rng.below(4) == 0 { "Deny" } else { "Allow" };
    let element = if rng.below(7) == 0 { "NotAction" } else { "Action" };
    let actions: Vec<String> = rng.some(ACTIONS, 2).into_iter().map(quote).collect();
    let resources: Vec<String> = rng.some(RESOURCES, 2).into_iter().map(quote).collect();
    let mut condition = String::new();
    if rng.below(2) == 0 {
        let mut parts: Vec<&str> = Vec::new();
        for c in rng.some(CONDITIONS, 2) {
            let op = c.split('"').nth(1).unwrap_or("");
            if !parts.iter().any(|p| p.split('"').nth(1) == Some(op)) {
                parts.push(c);
            }
        }
        condition = format!(r#", "Condition": {{{}}}"#, parts.join(", "));
    }
    format!(
        r#"{{"Effect": "{effect}", "{element}": [{}], "Resource": [{}]{condition}}}"#,
        actions.join(", "),
        resources.join(", ")
    )
}

fn policy(rng: &mut Rng) -> Vec<PolicyFile> {
    let count = 1 + rng.below(3);
    let statements: Vec<String> = (0..count).map(|_| statement(rng)).collect();
    PolicyFile::read(
        "p.json",
        &format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(", ")),
    )
}

fn requests(rng: &mut Rng) -> Vec<Request> {
    let mut out = Vec::new();
    for action in CONCRETE_ACTIONS {
        for resource in CONCRETE_RESOURCES {
            out.push(Request {
                action: action.to_string(),
                resource: resource.to_string(),
                context: Vec::new(),
            });
            for _ in 0..6 {
                let mut request = Request {
                    action: action.to_string(),
                    resource: resource.to_string(),
                    context: Vec::new(),
                };
                for (key, values) in [
                    ("acs:UserAgent", AGENTS),
                    ("acs:SourceIp", IPS),
                    ("ens:Count", COUNTS),
                    ("acs:CurrentTime", TIMES),
                    ("acs:SecureTransport", BOOLS),
                ] {
                    if rng.below(3) > 0 {
                        let values = rng.some(values, 2).into_iter().map(str::to_string).collect();
                        request.add_context(key, values);
                    }
                }
                out.push(request);
            }
        }
    }
    out
}

/// The decision through the simulator's evaluator, on a parsed policy.
fn decision(policy: &Policy<'_>, request: &Request) -> Decision {
    let evaluated = Request {
        resource: evaluated_resource(request),
        ..request.clone()
    };
    decide(&evaluate_policy(0, policy, &evaluated).expect("evaluates"))
}

#[test]
fn diff_agrees_with_brute_force_on_random_pairs() {
    let pairs: usize = std::env::var("DIFF_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 100 } else { 2000 });
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut alarms, mut quiet, mut gains, mut replayed) = (0, 0, 0, 0);
    for pair in 0..pairs {
        let old = policy(&mut rng);
        let new = policy(&mut rng);
        let asked = requests(&mut rng);
        let context = || format!("pair {pair}\nOLD {}\nNEW {}", old[0].text, new[0].text);
        let comparison = compare(&old, &new).expect("usable");
        assert!(
            comparison.unknown.is_empty(),
            "unknown: {:?}\n{}",
            comparison.unknown,
            context()
        );
        for found in &comparison.new_access {
            for action in &found.actions {
                let request = Request {
                    action: action.clone(),
                    ..found.request.clone()
                };
                let on = |files: &[PolicyFile]| {
                    simulate(request.clone(), files.to_vec(), None)
                        .expect("simulates")
                        .decision
                };
                assert_eq!(
                    on(&new),
                    Decision::Allow,
                    "false alarm {request:?}\n{}",
                    context()
                );
                assert_ne!(
                    on(&old),
                    Decision::Allow,
                    "false alarm {request:?}\n{}",
                    context()
                );
                replayed += 1;
            }
        }
        let (old_parsed, new_parsed) = (parse::parse(&old[0].text), parse::parse(&new[0].text));
        let old_policy = Policy::from_root(old_parsed.root.as_ref().expect("parses")).expect("policy");
        let new_policy = Policy::from_root(new_parsed.root.as_ref().expect("parses")).expect("policy");
        let gained = asked.iter().find(|r| {
            decision(&new_policy, r) == Decision::Allow && decision(&old_policy, r) != Decision::Allow
        });
        if let Some(request) = gained {
            gains += 1;
            assert_eq!(
                comparison.verdict(),
                "new-access",
                "wrong \"no new access\": {request:?} is new\n{}",
                context()
            );
        }
        if comparison.new_access.is_empty() {
            quiet += 1;
        } else {
            alarms += 1;
        }
    }
    eprintln!(
        "{pairs} pairs: {alarms} new access ({replayed} witness actions replayed through simulate), \
         {quiet} no new access, 0 unknown; brute force found new access in {gains}, all caught"
    );
    // Both answers occur often enough for the test to mean something.
    assert!(
        alarms * 5 > pairs && quiet * 5 > pairs,
        "{alarms} alarms, {quiet} quiet of {pairs}"
    );
}
