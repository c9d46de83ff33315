//! The linter and the simulator must never contradict each other: when the
//! linter says a statement can never authorize ens:CreateImage
//! (`resource-not-supported`), `simulate` must not find that statement
//! allowing it, whatever resource is asked. Checked over every statement of
//! the real corpus, the shipped examples and the rule fixtures.

use std::fs;
use std::path::{Path, PathBuf};

use policy_check::checks::LintOptions;
use policy_check::core::Rule;
use policy_check::engine::pipeline::lint_text;
use policy_check::model::Policy;
use policy_check::parse;
use policy_check::simulate::eval::Request;
use policy_check::simulate::{load_policies, simulate, FileStatus};

const ACTION: &str = "ens:CreateImage";

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files = Vec::new();
    for dir in ["corpus/real", "examples", "rules/resource-not-supported"] {
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A concrete resource a pattern matches: every wildcard becomes `x`.
fn instance_of(pattern: &str) -> String {
    pattern.replace(['*', '?'], "x")
}

#[test]
fn simulate_never_allows_what_the_linter_says_is_never_authorized() {
    let mut never = 0;
    let mut contradictions = Vec::new();
    for path in documents() {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let findings = lint_text(&text, &LintOptions::default());
        let parsed = parse::parse(&text);
        let Some(policy) = parsed.root.as_ref().and_then(Policy::from_root) else {
            continue;
        };
        let files = load_policies(std::slice::from_ref(&path)).files;
        if files.iter().any(|f| f.status != FileStatus::Evaluated) {
            continue;
        }
        for statement in &policy.statements {
            let linter_never = findings.iter().any(|d| {
                d.rule == Rule::ResourceNotSupported
                    && statement.node.span.contains(d.span)
                    && d.message.contains(ACTION)
            });
            // Ask for each resource the statement names, and for `*`.
            let mut resources: Vec<String> = statement
                .resource
                .iter()
                .flat_map(|r| r.values.iter().map(|v| instance_of(v.value)))
                .collect();
            resources.push("*".to_string());
            for resource in resources {
                let request = Request {
                    action: ACTION.to_string(),
                    resource: resource.clone(),
                    context: Vec::new(),
                };
                let Ok(sim) = simulate(request, files.clone(), None) else {
                    continue;
                };
                assert_eq!(sim.evaluated_resource, "*", "{ACTION} is evaluated on `*`");
                let allows = sim
                    .results
                    .iter()
                    .any(|r| r.index == statement.index && r.applies && statement.is_allow());
                if linter_never && allows {
                    contradictions.push(format!(
                        "{}: statement {} asked on `{resource}`",
                        path.display(),
                        statement.index
                    ));
                }
            }
            never += usize::from(linter_never);
        }
    }
    assert!(
        never >= 2,
        "the documents must hold statements the linter says never authorize {ACTION}"
    );
    assert!(
        contradictions.is_empty(),
        "simulate allows what the linter says is never authorized:\n{}",
        contradictions.join("\n")
    );
}

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Random Resource lists, `?`, `*?`, `?*` and friends included: the linter
/// says "never authorizes" exactly when `simulate` never allows, both ways.
#[test]
fn random_resource_patterns_agree() {
    let pieces = [
        "*",
        "?",
        "*?",
        "?*",
        "**",
        "??",
        "*",
        "acs:ens:*:*:instance/*",
        "a",
        "acs:ens:*:*:*",
        "x?y",
        "*a",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut never, mut allowed) = (0, 0);
    for case in 0..400 {
        let count = 1 + rng.next() % 3;
        let values: Vec<String> = (0..count).map(|_| format!("{:?}", rng.pick(&pieces))).collect();
        let text = format!(
            r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"{ACTION}","Resource":[{}]}}]}}"#,
            values.join(",")
        );
        let findings = lint_text(&text, &LintOptions::default());
        let linter_never = findings
            .iter()
            .any(|d| d.rule == Rule::ResourceNotSupported && d.message.contains(ACTION));
        let dir = std::env::temp_dir().join(format!("policy-check-agreement-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("p.json");
        fs::write(&path, &text).expect("write");
        let files = load_policies(std::slice::from_ref(&path)).files;
        assert!(files.iter().all(|f| f.status == FileStatus::Evaluated), "{text}");
        for resource in ["*", "acs:ens:*:*:instance/i-1", "a", "?"] {
            let request = Request {
                action: ACTION.to_string(),
                resource: resource.to_string(),
                context: Vec::new(),
            };
            let sim = simulate(request, files.clone(), None).expect("simulates");
            let allows = sim.decision == policy_check::simulate::eval::Decision::Allow;
            assert!(
                linter_never != allows,
                "case {case}: {text} on `{resource}`: linter says never: {linter_never}, simulate allows: {allows}"
            );
            allowed += usize::from(allows);
        }
        never += usize::from(linter_never);
    }
    assert!(
        never > 50 && allowed > 50,
        "both outcomes occur: {never} never, {allowed} allowed"
    );
}
