//! The fix engine end to end. Fixtures in `testdata/fixes/<rule-id>/`:
//! `safe-*` files are fixed with safe fixes only, `unsafe-*` with unsafe
//! ones too; each has its fixed text beside it as `<file>.fixed`
//! (regenerate with `UPDATE_SNAPSHOTS=1 cargo test --test it fixes::`, then
//! review the diff). Then properties over the real corpus: safe fixes of
//! mutated real policies restore their meaning, and `--fix` on a copy of the
//! corpus changes only what safe fixes may.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value as J;

use policy_check::checks::LintOptions;
use policy_check::core::Applicability;
use policy_check::core::Diagnostic;
use policy_check::core::FileReport;
use policy_check::core::Rule;
use policy_check::core::{Origin, RuleSettings};
use policy_check::engine::fix_loop::{fix_until_stable, Fixed};
use policy_check::engine::kinds::lint_input;
use policy_check::model::Policy;
use policy_check::parse::{self, Node, Value};
use policy_check::simulate::eval::{decide, evaluate_policy, Request};
use policy_check::simulate::{evaluated_resource, BLOCKING};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lint(name: &str, text: &str) -> FileReport {
    lint_input(
        name.to_string(),
        text.as_bytes().to_vec(),
        Origin::Named,
        &LintOptions::default(),
        &RuleSettings::default(),
    )
}

/// What `--fix` (with `--unsafe-fixes` when `unsafe_fixes`) makes of `text`.
fn fix(name: &str, text: &str, unsafe_fixes: bool) -> Fixed {
    fix_until_stable(text.to_string(), unsafe_fixes, |t| lint(name, t))
}

/// Actions, resources and condition contexts to ask about: a fixed set,
/// plus every literal value the given policies name, so each of their
/// statements is asked about something it matches and something it does not.
fn requests(texts: &[&str]) -> Vec<Request> {
    let mut actions: Vec<String> = [
        "ens:CreateImage",
        "ens:DescribeImages",
        "ens:DescribeInstances",
        "ens:DeleteImage",
        "ens:StartInstance",
        "ens:StopInstance",
        "ecs:DescribeInstances",
        "ecs:RunInstances",
        "oss:GetObject",
        "oss:PutObject",
        "ram:ListUsers",
        "sts:AssumeRole",
    ]
    .map(String::from)
    .to_vec();
    let mut resources: Vec<String> = [
        "*",
        "acs:ens:*:*:instance/i-1",
        "acs:oss:*:*:bucket/object",
        "acs:ecs:cn-hangzhou:123:instance/i-1",
    ]
    .map(String::from)
    .to_vec();
    let mut conditions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for text in texts {
        let Ok(value) = serde_json::from_str::<J>(text) else {
            continue;
        };
        gather(&value, &mut actions, &mut resources, &mut conditions);
    }
    actions.sort();
    actions.dedup();
    resources.sort();
    resources.dedup();
    let mut contexts: Vec<Vec<(String, Vec<String>)>> = vec![Vec::new()];
    contexts.push(
        conditions
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), vec![v.first()?.clone()])))
            .collect(),
    );
    contexts.push(
        conditions
            .keys()
            .map(|k| (k.clone(), vec!["other-value".to_string()]))
            .collect(),
    );
    let mut out = Vec::new();
    for action in &actions {
        for resource in &resources {
            for context in &contexts {
                let mut request = Request {
                    action: action.clone(),
                    resource: resource.clone(),
                    context: Vec::new(),
                };
                for (k, v) in context {
                    request.add_context(k, v.clone());
                }
                request.resource = evaluated_resource(&request);
                out.push(request);
            }
        }
    }
    out
}

fn gather(
    value: &J,
    actions: &mut Vec<String>,
    resources: &mut Vec<String>,
    conditions: &mut BTreeMap<String, Vec<String>>,
) {
    let strings = |v: &J| -> Vec<String> {
        match v {
            J::String(s) => vec![s.clone()],
            J::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect(),
            J::Bool(b) => vec![b.to_string()],
            _ => Vec::new(),
        }
    };
    let Some(statements) = value.get("Statement").and_then(J::as_array) else {
        return;
    };
    for statement in statements {
        for key in ["Action", "NotAction"] {
            if let Some(v) = statement.get(key) {
                actions.extend(strings(v).into_iter().map(|a| a.replace('*', "Describe")));
            }
        }
        for key in ["Resource", "NotResource"] {
            if let Some(v) = statement.get(key) {
                resources.extend(strings(v).into_iter().map(|r| r.replace('*', "x")));
            }
        }
        if let Some(blocks) = statement.get("Condition").and_then(J::as_object) {
            for entries in blocks.values().filter_map(J::as_object) {
                for (key, v) in entries {
                    conditions.entry(key.clone()).or_default().extend(strings(v));
                }
            }
        }
    }
}

/// The decision for each request, or `None` when the simulator would refuse
/// the document (a finding in [`BLOCKING`]).
fn decisions(text: &str, requests: &[Request]) -> Option<Vec<String>> {
    let report = lint("policy.json", text);
    if report.diagnostics.iter().any(|d| BLOCKING.contains(&d.rule)) {
        return None;
    }
    let parsed = parse::parse(text);
    let policy = Policy::from_root(parsed.root.as_ref()?)?;
    Some(
        requests
            .iter()
            .map(|request| match evaluate_policy(0, &policy, request) {
                Ok(results) => decide(&results).as_str().to_string(),
                Err(error) => format!("error: {}", error.message),
            })
            .collect(),
    )
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in fs::read_dir(repo().join("testdata/fixes")).expect("testdata/fixes exists") {
        let dir = dir.expect("entry").path();
        for file in fs::read_dir(&dir).expect("rule folder") {
            let file = file.expect("entry").path();
            if file.extension().is_some_and(|e| e != "fixed") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

fn has_fix(d: &Diagnostic, applicability: Applicability) -> bool {
    d.fix.as_ref().is_some_and(|f| f.applicability == applicability)
}

#[test]
fn fixtures_fix_to_their_snapshots() {
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(files.len() >= 25, "fixtures are missing: {files:?}");
    let mut covered: Vec<(Rule, Applicability)> = Vec::new();
    for path in files {
        let rule_id = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .expect("rule folder name");
        let rule = Rule::from_id(rule_id).unwrap_or_else(|| panic!("`{rule_id}` is not a rule id"));
        let file_name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let applicability = if file_name.starts_with("safe-") {
            Applicability::Safe
        } else if file_name.starts_with("unsafe-") {
            Applicability::Unsafe
        } else {
            panic!("{file_name}: fixture names start with safe- or unsafe-");
        };
        let shown = format!("{rule_id}/{file_name}");
        let before = fs::read_to_string(&path).expect("fixture");
        let found = lint(file_name, &before);
        if !found
            .diagnostics
            .iter()
            .any(|d| d.rule == rule && has_fix(d, applicability))
        {
            failures.push(format!(
                "{shown}: no {rule_id} finding with a {applicability:?} fix"
            ));
            continue;
        }
        let fixed = fix(file_name, &before, applicability == Applicability::Unsafe);
        let left: Vec<String> = fixed
            .report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| d.message.clone())
            .collect();
        if !left.is_empty() {
            failures.push(format!("{shown}: still has {rule_id} after fixing: {left:?}"));
        }
        if let Err(damage) = preserved(file_name, &before, &fixed) {
            failures.push(format!("{shown}: {damage}"));
        }
        if applicability == Applicability::Safe {
            // Safe fixes alone make the snapshot, and unsafe ones are not needed.
            let safe_only = fixed
                .report
                .diagnostics
                .iter()
                .filter(|d| has_fix(d, Applicability::Safe));
            if let Some(d) = safe_only.into_iter().next() {
                failures.push(format!("{shown}: a safe fix is left: {}", d.message));
            }
            if file_name.ends_with(".json") {
                let asked = requests(&[&before, &fixed.text]);
                match (decisions(&before, &asked), decisions(&fixed.text, &asked)) {
                    (Some(a), Some(b)) if a != b => {
                        failures.push(format!("{shown}: a safe fix changed a simulated decision"))
                    }
                    // RAM rejects the document as written, so it has no
                    // decision to keep: the fix must make it one the
                    // simulator reads (its meaning is checked against the
                    // original in `safe_fixes_restore_mutated_real_policies`).
                    (_, None) => failures.push(format!("{shown}: the simulator cannot read the fixed file")),
                    _ => {}
                }
            }
        }
        covered.push((rule, applicability));
        let snapshot = path.with_file_name(format!("{file_name}.fixed"));
        if let Err(failure) = common::snapshot(&snapshot, &fixed.text) {
            failures.push(format!("{shown}: the fixed text\n{failure}"));
        }
    }
    // Every fix the engine offers has a fixture.
    for needed in [
        (Rule::InvalidEffect, Applicability::Safe),
        (Rule::InvalidVersion, Applicability::Safe),
        (Rule::ActionCase, Applicability::Safe),
        (Rule::UnknownElement, Applicability::Safe),
        (Rule::RedundantAction, Applicability::Safe),
        (Rule::RedundantResource, Applicability::Safe),
        (Rule::InvalidValueType, Applicability::Safe),
        (Rule::InvalidJson, Applicability::Safe),
        (Rule::UnknownAction, Applicability::Unsafe),
        (Rule::ResourceNotSupported, Applicability::Unsafe),
        (Rule::RedundantAction, Applicability::Unsafe),
        (Rule::RedundantResource, Applicability::Unsafe),
        (Rule::UnknownConditionOperator, Applicability::Unsafe),
        (Rule::UnknownElement, Applicability::Unsafe),
        (Rule::InvalidEffect, Applicability::Unsafe),
    ] {
        if !covered.contains(&needed) {
            failures.push(format!("no passing fixture for {:?}", needed));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Without `--unsafe-fixes` an unsafe fixture is left as it is.
#[test]
fn unsafe_fixes_wait_for_the_flag() {
    for path in fixture_files() {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        if !name.starts_with("unsafe-") {
            continue;
        }
        let before = fs::read_to_string(&path).expect("fixture");
        let fixed = fix(name, &before, false);
        let safe_left = lint(name, &before)
            .diagnostics
            .iter()
            .any(|d| has_fix(d, Applicability::Safe));
        if !safe_left {
            assert_eq!(fixed.text, before, "{name}: changed by safe fixes alone");
        }
    }
}

/// Real corpus documents that are strict JSON, by name.
fn corpus() -> Vec<(String, String)> {
    let dir = repo().join("testdata/corpus/real");
    let mut files: Vec<(String, String)> = fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            if !name.ends_with(".json") {
                return None;
            }
            Some((name, fs::read_to_string(&path).ok()?))
        })
        .collect();
    files.sort();
    files
}

/// One mutation a safe fix undoes: an edit of the original text.
#[derive(Debug, Clone)]
struct Mutation {
    at: usize,
    end: usize,
    content: String,
}

/// Every mutation of `root` (parsed from `text`) a safe fix should undo.
fn mutations(text: &str, root: &Node<'_>) -> Vec<Mutation> {
    let mut out = Vec::new();
    let lexeme = |node: &Node<'_>| text[node.span.start..node.span.end].to_string();
    let Some(members) = root.as_object() else {
        return out;
    };
    for m in members {
        match (m.key.as_ref(), &m.value.value) {
            ("Version", Value::String(_)) => {
                out.push(Mutation {
                    at: m.value.span.start,
                    end: m.value.span.end,
                    content: "1".into(),
                });
                out.push(Mutation {
                    at: m.key_span.start,
                    end: m.key_span.end,
                    content: "\"version\"".into(),
                });
            }
            ("Statement", Value::Array(statements)) => {
                for statement in statements {
                    let Some(fields) = statement.as_object() else {
                        continue;
                    };
                    if let Some(last) = fields.last() {
                        out.push(Mutation {
                            at: last.value.span.end,
                            end: last.value.span.end,
                            content: ",".into(),
                        });
                    }
                    for f in fields {
                        let lower = f.key.to_ascii_lowercase();
                        if lower != f.key && !fields.iter().any(|o| o.key == lower) {
                            out.push(Mutation {
                                at: f.key_span.start,
                                end: f.key_span.end,
                                content: format!("\"{lower}\""),
                            });
                        }
                        match (f.key.as_ref(), &f.value.value) {
                            ("Effect", Value::String(e)) => out.push(Mutation {
                                at: f.value.span.start,
                                end: f.value.span.end,
                                content: format!("\" {} \"", e.to_ascii_uppercase()),
                            }),
                            ("Action" | "NotAction" | "Resource", Value::Array(items)) => {
                                for item in items.iter().filter(|i| i.as_str().is_some()) {
                                    out.push(Mutation {
                                        at: item.span.end,
                                        end: item.span.end,
                                        content: format!(", {}", lexeme(item)),
                                    });
                                }
                            }
                            _ => {}
                        }
                        if matches!(f.key.as_ref(), "Action" | "NotAction") {
                            let values: Vec<&Node<'_>> = match &f.value.value {
                                Value::Array(items) => items.iter().collect(),
                                Value::String(_) => vec![&f.value],
                                _ => Vec::new(),
                            };
                            for v in values {
                                let written = lexeme(v);
                                if written.contains('\\') {
                                    continue;
                                }
                                out.push(Mutation {
                                    at: v.span.start,
                                    end: v.span.end,
                                    content: written.to_ascii_lowercase(),
                                });
                            }
                        }
                        if f.key == "Condition" {
                            for block in f.value.as_object().unwrap_or(&[]) {
                                for entry in block.value.as_object().unwrap_or(&[]) {
                                    if let Some(b @ ("true" | "false")) = entry.value.as_str() {
                                        out.push(Mutation {
                                            at: entry.value.span.start,
                                            end: entry.value.span.end,
                                            content: b.to_string(),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                if let Some(last) = statements.last() {
                    out.push(Mutation {
                        at: last.span.end,
                        end: last.span.end,
                        content: ",".into(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// `text` with the chosen mutations applied (those that would overlap or
/// share an offset with one applied before are left out).
fn mutate(text: &str, all: &[Mutation], picks: &[usize]) -> String {
    let mut chosen: Vec<&Mutation> = Vec::new();
    for &pick in picks {
        let m = &all[pick % all.len()];
        let clashes = chosen.iter().any(|c| c.at <= m.end && m.at <= c.end);
        if !clashes {
            chosen.push(m);
        }
    }
    chosen.sort_by_key(|m| m.at);
    let mut out = String::new();
    let mut at = 0;
    for m in chosen {
        out.push_str(&text[at..m.at]);
        out.push_str(&m.content);
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// A real policy with mistakes only safe fixes undo (case, whitespace,
    /// a numeric Version, repeats, bare booleans, trailing commas, element
    /// names in lower case): `--fix` makes it strict JSON again, and the
    /// simulator decides every request as it does for the original.
    #[test]
    fn safe_fixes_restore_mutated_real_policies(
        file in any::<prop::sample::Index>(),
        picks in prop::collection::vec(any::<usize>(), 1..5),
    ) {
        let corpus = corpus();
        let (name, original) = &corpus[file.index(corpus.len())];
        let parsed = parse::parse(original);
        let Some(root) = parsed.root.as_ref().filter(|_| parsed.errors.is_empty()) else {
            return Ok(());
        };
        let all = mutations(original, root);
        prop_assume!(!all.is_empty());
        let mutated = mutate(original, &all, &picks);
        let fixed = fix(name, &mutated, false);
        prop_assert!(preserved(name, &mutated, &fixed).is_ok(), "{:?}", preserved(name, &mutated, &fixed));
        let reparsed = parse::parse(&fixed.text);
        prop_assert!(reparsed.errors.is_empty(), "{name}: fixed text does not parse:\n{}", fixed.text);
        let asked = requests(&[original]);
        if let Some(expected) = decisions(original, &asked) {
            let got = decisions(&fixed.text, &asked);
            prop_assert_eq!(Some(expected), got, "{}: decisions changed\nmutated:\n{}\nfixed:\n{}", name, mutated, fixed.text);
        }
    }
}

/// The JSON value with what safe fixes may change normalized away: element
/// names and Effect values in canonical case, Version as "1", actions in
/// lower case and each once, resources each once, condition values as
/// strings.
fn normalized(value: &J) -> J {
    let canonical = [
        "Version",
        "Statement",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
        "Principal",
        "Sid",
    ];
    let key = |k: &str| {
        canonical
            .iter()
            .find(|c| c.eq_ignore_ascii_case(k))
            .map_or(k.to_string(), |c| c.to_string())
    };
    let once = |items: Vec<J>| {
        let mut seen = Vec::new();
        for item in items {
            if !seen.contains(&item) {
                seen.push(item);
            }
        }
        J::Array(seen)
    };
    let as_string = |v: &J| match v {
        J::Bool(b) => J::String(b.to_string()),
        J::Number(n) => J::String(n.to_string()),
        other => other.clone(),
    };
    let Some(top) = value.as_object() else {
        return value.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, v) in top {
        let k = key(k);
        let v = match k.as_str() {
            "Version" => J::String("1".into()),
            "Statement" => J::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        let Some(fields) = s.as_object() else {
                            return s.clone();
                        };
                        let mut o = serde_json::Map::new();
                        for (fk, fv) in fields {
                            let fk = key(fk);
                            let fv = match fk.as_str() {
                                "Effect" => J::String(fv.as_str().map_or(String::new(), |e| {
                                    let e = e.trim().to_ascii_lowercase();
                                    e[..1.min(e.len())].to_ascii_uppercase() + &e[1.min(e.len())..]
                                })),
                                "Action" | "NotAction" => match fv {
                                    J::Array(items) => once(
                                        items
                                            .iter()
                                            .map(|i| {
                                                i.as_str()
                                                    .map_or(i.clone(), |a| J::String(a.to_ascii_lowercase()))
                                            })
                                            .collect(),
                                    ),
                                    J::String(a) => J::Array(vec![J::String(a.to_ascii_lowercase())]),
                                    other => other.clone(),
                                },
                                "Resource" | "NotResource" => match fv {
                                    J::Array(items) => once(items.clone()),
                                    J::String(r) => J::Array(vec![J::String(r.clone())]),
                                    other => other.clone(),
                                },
                                "Condition" => {
                                    let mut blocks = fv.clone();
                                    for block in
                                        blocks.as_object_mut().into_iter().flat_map(|b| b.values_mut())
                                    {
                                        for entry in
                                            block.as_object_mut().into_iter().flat_map(|e| e.values_mut())
                                        {
                                            *entry = match &*entry {
                                                J::Array(items) => {
                                                    J::Array(items.iter().map(as_string).collect())
                                                }
                                                other => as_string(other),
                                            };
                                        }
                                    }
                                    blocks
                                }
                                _ => fv.clone(),
                            };
                            o.insert(fk, fv);
                        }
                        J::Object(o)
                    })
                    .collect(),
            ),
            _ => v.clone(),
        };
        out.insert(k, v);
    }
    J::Object(out)
}

/// The characters that give a JSON text its shape, outside strings.
fn skeleton(text: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, '{' | '}' | '[' | ']' | ':') {
            out.push(c);
        }
    }
    out
}

/// `--fix` on a copy of the real corpus: files without a safe fix are
/// byte for byte untouched; in the others only what safe fixes may change
/// changed (same value up to those changes, same structure), the result
/// parses at least as well, and no safe fix is left.
#[test]
fn fix_on_the_real_corpus_changes_only_what_safe_fixes_allow() {
    let dir = common::scratch("corpus-fix");
    let corpus = corpus();
    for (name, text) in &corpus {
        fs::write(dir.join(name), text).expect("copy corpus file");
    }
    let output = std::process::Command::new(common::BIN)
        .args(["--isolated", "--fix", "."])
        .current_dir(&dir)
        .output()
        .expect("run policy-check");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    let mut changed = 0;
    for (name, before) in &corpus {
        let after = fs::read_to_string(dir.join(name)).expect("fixed file");
        let had_safe_fix = lint(name, before)
            .diagnostics
            .iter()
            .any(|d| has_fix(d, Applicability::Safe));
        if !had_safe_fix {
            assert_eq!(&after, before, "{name}: changed without a safe fix");
            continue;
        }
        if after != *before {
            changed += 1;
        }
        let report = lint(name, &after);
        let left: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| has_fix(d, Applicability::Safe))
            .collect();
        assert!(left.is_empty(), "{name}: safe fixes left: {left:?}");
        let parse_errors = |t: &str| parse::parse(t).errors.len();
        assert!(
            parse_errors(&after) <= parse_errors(before),
            "{name}: parses worse"
        );
        // Trailing commas aside, the text's structure is unchanged.
        assert_eq!(skeleton(&after), skeleton(before), "{name}: structure changed");
        if let (Ok(a), Ok(b)) = (
            serde_json::from_str::<J>(before),
            serde_json::from_str::<J>(&after),
        ) {
            assert_eq!(
                normalized(&a),
                normalized(&b),
                "{name}: a value changed beyond safe fixes"
            );
        }
    }
    assert!(changed >= 5, "only {changed} corpus files were fixed");
    // A second run finds nothing more to fix.
    let again = std::process::Command::new(common::BIN)
        .args(["--isolated", "--diff", "."])
        .current_dir(&dir)
        .output()
        .expect("run policy-check");
    assert_eq!(again.stdout, b"", "{}", String::from_utf8_lossy(&again.stdout));
}

/// One safe fix (`allow`) and one unsafe one (`ens:CreateImag`).
const MIXED: &str = "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\"Effect\": \"allow\", \"Action\": \"ens:DescribeImag\", \"Resource\": \"*\"}\n  ]\n}\n";
const MIXED_SAFE: &str = "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"ens:DescribeImag\", \"Resource\": \"*\"}\n  ]\n}\n";
const MIXED_ALL: &str = "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"ens:DescribeImages\", \"Resource\": \"*\"}\n  ]\n}\n";

#[test]
fn without_fix_nothing_is_written() {
    let dir = common::tree("no-write", &[("p.json", MIXED)]);
    for format in ["human", "json", "sarif", "short", "github"] {
        let output = common::run(
            &dir,
            &["--isolated", "--format", format, "--unsafe-fixes", "p.json"],
            b"",
        );
        assert_eq!(output.status.code(), Some(1), "{format}");
        assert_eq!(
            fs::read_to_string(dir.join("p.json")).expect("read"),
            MIXED,
            "{format}"
        );
    }
    let left: Vec<_> = fs::read_dir(&dir).expect("list").collect();
    assert_eq!(left.len(), 1, "no file was created");
}

#[test]
fn diff_prints_what_fix_would_write_and_writes_nothing() {
    let dir = common::tree("diff", &[("p.json", MIXED), ("clean.json", MIXED_ALL)]);
    let output = common::run(&dir, &["--isolated", "--diff", "p.json"], b"");
    assert_eq!(output.status.code(), Some(1), "something to fix exits 1, as ruff");
    assert_eq!(
        common::stdout(&output),
        "--- a/p.json\n+++ b/p.json\n@@ -1,6 +1,6 @@\n {\n   \"Version\": \"1\",\n   \"Statement\": [\n-    {\"Effect\": \"allow\", \"Action\": \"ens:DescribeImag\", \"Resource\": \"*\"}\n+    {\"Effect\": \"Allow\", \"Action\": \"ens:DescribeImag\", \"Resource\": \"*\"}\n   ]\n }\n"
    );
    assert_eq!(
        common::stderr(&output),
        "Would fix 1 problem (1 more with `--unsafe-fixes`).\n"
    );
    assert_eq!(fs::read_to_string(dir.join("p.json")).expect("read"), MIXED);
    let unsafe_too = common::run(&dir, &["--isolated", "--diff", "--unsafe-fixes", "p.json"], b"");
    assert!(common::stdout(&unsafe_too)
        .contains("+    {\"Effect\": \"Allow\", \"Action\": \"ens:DescribeImages\""));
    assert_eq!(common::stderr(&unsafe_too), "Would fix 2 problems.\n");
    let with_fix = common::run(&dir, &["--isolated", "--fix", "--diff", "p.json"], b"");
    assert_eq!(with_fix.stdout, output.stdout, "--fix --diff is --diff");
    assert_eq!(fs::read_to_string(dir.join("p.json")).expect("read"), MIXED);
    let clean = common::run(&dir, &["--isolated", "--diff", "clean.json"], b"");
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(common::stdout(&clean), "");
    assert_eq!(common::stderr(&clean), "No problems would be fixed.\n");
}

#[test]
fn fix_writes_in_place_keeps_the_mode_and_exits_on_what_is_left() {
    let dir = common::tree("fix", &[("p.json", MIXED), ("q.json", MIXED)]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.join("p.json"), fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let output = common::run(&dir, &["--isolated", "--fix", "p.json"], b"");
    // The unknown action is left, and it is an error.
    assert_eq!(output.status.code(), Some(1));
    let text = common::stdout(&output);
    assert!(
        text.starts_with("Fixed 1 problem.\n") || text.contains("\nFixed 1 problem.\n"),
        "{text}"
    );
    assert!(!text.contains("invalid-effect"), "{text}");
    assert!(
        text.contains("No fixes with `--fix`; 1 with `--fix --unsafe-fixes`."),
        "{text}"
    );
    assert_eq!(fs::read_to_string(dir.join("p.json")).expect("read"), MIXED_SAFE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.join("p.json"))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    let all = common::run(&dir, &["--isolated", "--fix", "--unsafe-fixes", "q.json"], b"");
    assert_eq!(all.status.code(), Some(0), "{}", common::stdout(&all));
    assert_eq!(fs::read_to_string(dir.join("q.json")).expect("read"), MIXED_ALL);
    let left: Vec<_> = fs::read_dir(&dir).expect("list").collect();
    assert_eq!(left.len(), 2, "no temporary file is left");
    let stdin = common::run(&dir, &["--fix", "-"], MIXED.as_bytes());
    assert_eq!(stdin.status.code(), Some(2));
}

#[test]
fn human_output_marks_fixable_findings_and_counts_them() {
    let dir = common::tree("human", &[("p.json", MIXED)]);
    let output = common::stdout(&common::run(&dir, &["--isolated", "p.json"], b""));
    assert!(output.contains("× [*] `Effect` must be"), "{output}");
    assert!(
        !output.contains("[*] `ens:DescribeImag`"),
        "unsafe fixes are not marked: {output}"
    );
    assert!(
        output.ends_with("[*] 1 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).\n"),
        "{output}"
    );
    let with_unsafe = common::stdout(&common::run(
        &dir,
        &["--isolated", "--unsafe-fixes", "p.json"],
        b"",
    ));
    assert!(with_unsafe.contains("[*] `ens:DescribeImag`"), "{with_unsafe}");
    assert!(
        with_unsafe.ends_with("[*] 2 fixable with `--fix --unsafe-fixes`.\n"),
        "{with_unsafe}"
    );
}

/// Applies the `fix` of each JSON finding (as an editor would) to `text`.
fn apply_json_fixes(text: &str, diagnostics: &[J], applicability: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = diagnostics
        .iter()
        .filter(|d| d["fix"]["applicability"] == applicability)
        .flat_map(|d| d["fix"]["edits"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            let offset = e["offset"].as_u64().expect("offset") as usize;
            let length = e["length"].as_u64().expect("length") as usize;
            (
                offset,
                offset + length,
                e["content"].as_str().expect("content").to_string(),
            )
        })
        .collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, content) in edits.into_iter().rev() {
        out.replace_range(start..end, &content);
    }
    out
}

#[test]
fn json_and_sarif_carry_host_byte_edits() {
    let tf_json = fs::read_to_string(repo().join("testdata/fixes/redundant-action/safe-tf-json.tf.json"))
        .expect("fixture");
    let dir = common::tree("formats", &[("p.json", MIXED), ("t.tf.json", &tf_json)]);
    let json = common::run(
        &dir,
        &["--isolated", "--format", "json", "p.json", "t.tf.json"],
        b"",
    );
    let log: J = serde_json::from_str(&common::stdout(&json)).expect("JSON output");
    let diagnostics = log["diagnostics"].as_array().expect("diagnostics");
    let of = |file: &str| -> Vec<J> {
        diagnostics
            .iter()
            .filter(|d| d["file"] == file)
            .cloned()
            .collect()
    };
    let p = of("p.json");
    let effect = p
        .iter()
        .find(|d| d["rule"] == "invalid-effect")
        .expect("invalid-effect");
    assert_eq!(effect["fix"]["applicability"], "safe");
    assert_eq!(effect["fix"]["message"], "write \"Allow\"");
    assert_eq!(effect["fix"]["edits"][0]["content"], "\"Allow\"");
    assert_eq!(apply_json_fixes(MIXED, &p, "safe"), MIXED_SAFE);
    let unknown = p
        .iter()
        .find(|d| d["rule"] == "unknown-action")
        .expect("unknown-action");
    assert_eq!(unknown["fix"]["applicability"], "unsafe");
    // In a .tf.json the policy is a JSON string: the edit is host bytes.
    let t = of("t.tf.json");
    let repeat = t
        .iter()
        .find(|d| d["rule"] == "redundant-action")
        .expect("redundant-action");
    let edit = &repeat["fix"]["edits"][0];
    let start = edit["offset"].as_u64().expect("offset") as usize;
    let end = start + edit["length"].as_u64().expect("length") as usize;
    assert_eq!(&tf_json[start..end], ", \\\"ens:DescribeImages\\\"");
    assert_eq!(
        apply_json_fixes(&tf_json, &t, "safe"),
        fs::read_to_string(repo().join("testdata/fixes/redundant-action/safe-tf-json.tf.json.fixed"))
            .expect("snapshot")
    );
    assert!(
        diagnostics
            .iter()
            .all(|d| d.get("fix").is_some_and(|f| f.is_null() || f.is_object())),
        "every finding has `fix`, null when there is none"
    );

    let sarif = common::run(&dir, &["--isolated", "--format", "sarif", "p.json"], b"");
    let log: J = serde_json::from_str(&common::stdout(&sarif)).expect("SARIF is JSON");
    let schema: J = serde_json::from_str(
        &fs::read_to_string(repo().join("testdata/schemas/sarif-2.1.0.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://json.schemastore.org/sarif-2.1.0.json";
    compiler.add_resource(url, schema).expect("schema added");
    let index = compiler.compile(url, &mut schemas).expect("schema compiles");
    if let Err(error) = schemas.validate(&log, index) {
        panic!("SARIF with fixes does not match the 2.1.0 schema: {error:#}");
    }
    let results = log["runs"][0]["results"].as_array().expect("results");
    let effect = results
        .iter()
        .find(|r| r["ruleId"] == "invalid-effect")
        .expect("result");
    let fix = &effect["fixes"][0];
    assert_eq!(fix["description"]["text"], "write \"Allow\"");
    assert_eq!(fix["properties"]["policy-check-applicability"], "safe");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "p.json");
    let replacement = &change["replacements"][0];
    let offset = replacement["deletedRegion"]["byteOffset"]
        .as_u64()
        .expect("offset") as usize;
    assert_eq!(&MIXED[offset..offset + 7], "\"allow\"");
    assert_eq!(replacement["insertedContent"]["text"], "\"Allow\"");
}

/// Policy-shaped noise: pieces of policies, joined at random.
fn policy_noise() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\"Version\"",
        "1",
        "\"1\"",
        "\"Statement\"",
        "\"effect\"",
        "\"allow\"",
        "\"Action\"",
        "\"ens:createimage\"",
        "\"ens:CreateImag\"",
        "\"Resource\"",
        "\"*\"",
        "\"Condition\"",
        "\"Bool\"",
        "\"acs:SecureTransport\"",
        "true",
        "\"IpAdress\"",
        "\"- a\"",
    ]);
    prop::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the input, fixing terminates, and (with unsafe fixes too)
    /// never leaves more parse errors than there were.
    #[test]
    fn fixing_noise_never_parses_worse(text in policy_noise(), unsafe_fixes in any::<bool>()) {
        let fixed = fix("noise.json", &text, unsafe_fixes);
        let errors = |t: &str| lint("noise.json", t).diagnostics.iter().filter(|d| d.rule == Rule::InvalidJson).count();
        prop_assert!(errors(&fixed.text) <= errors(&text), "{text:?} -> {:?}", fixed.text);
    }
}

/// A suppressed finding is not fixed, as ruff leaves `noqa` lines alone.
#[test]
fn suppressed_findings_are_not_fixed() {
    let config = "[[suppress]]\npath = \"p.json\"\nrule = \"invalid-effect\"\nreason = \"legacy, owned by another team\"\n";
    let dir = common::tree("suppressed", &[("p.json", MIXED), ("policy-check.toml", config)]);
    let output = common::run(&dir, &["--fix", "p.json"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", common::stdout(&output));
    assert_eq!(fs::read_to_string(dir.join("p.json")).expect("read"), MIXED);
}

/// What a fix must keep: no finding that says structure was lost or merged
/// (a key swallowed, two keys made one, a document gone) appears that the
/// input did not have, and every comment mark stays.
fn preserved(name: &str, before: &str, fixed: &Fixed) -> Result<(), String> {
    let original = lint(name, before);
    // A text that did not parse hid its structure (see `fix/passes.rs`).
    if original.diagnostics.iter().any(|d| d.rule == Rule::InvalidJson) {
        return Ok(());
    }
    for rule in [
        Rule::InvalidJson,
        Rule::InvalidDocument,
        Rule::InvalidStatement,
        Rule::DuplicateKey,
        Rule::MissingAction,
        Rule::MissingResource,
    ] {
        let count = |r: &FileReport| r.diagnostics.iter().filter(|d| d.rule == rule).count();
        if count(&fixed.report) > count(&original) {
            return Err(format!("the fix added {} findings:\n{}", rule.id(), fixed.text));
        }
    }
    let marks = |t: &str| t.matches('#').count() + t.matches("//").count() + t.matches("/*").count();
    if marks(&fixed.text) < marks(before) {
        return Err(format!("the fix dropped a comment:\n{}", fixed.text));
    }
    Ok(())
}

/// Safe fixes that used to damage a file while it still parsed: each must
/// now leave every key, document and comment in place.
#[test]
fn safe_fixes_never_merge_keys_swallow_lines_or_drop_comments() {
    let ros = |statement: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Policy:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyName: p\n      PolicyDocument:\n        Version: '1'\n        Statement:\n{statement}"
        )
    };
    let block_scalar = ros("          - Effect: |-\n              allow\n            Action: ens:CreateImage\n            Resource: '*'\n");
    let flow_comment = ros(
        "          - Effect: Allow\n            Action: [ens:CreateImage, # keep me\n                     ens:CreateImage]\n            Resource: '*'\n",
    );
    let hcl_comment = "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name     = \"p\"\n  policy_document = jsonencode({\n    Version = \"1\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = [\"ens:CreateImage\", # keep me\n                  \"ens:CreateImage\"]\n      Resource = \"*\"\n    }]\n  })\n}\n";
    let key_case = r#"{"Version": "1", "Statement": [{"effect": "Allow", "EFFECT": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
    for (name, text) in [
        ("block.yaml", block_scalar.as_str()),
        ("flow.yaml", flow_comment.as_str()),
        ("main.tf", hcl_comment),
        ("keys.json", key_case),
    ] {
        let fixed = fix(name, text, false);
        let damage: Vec<&Rule> = [Rule::MissingAction, Rule::DuplicateKey, Rule::InvalidJson]
            .iter()
            .filter(|rule| {
                let count = |r: &FileReport| r.diagnostics.iter().filter(|d| d.rule == **rule).count();
                count(&fixed.report) > count(&lint(name, text))
            })
            .collect();
        assert!(
            damage.is_empty(),
            "{name}: {damage:?} after the fix:\n{}",
            fixed.text
        );
        assert!(
            fixed.text.contains("Action") || fixed.text.contains("\"Action\""),
            "{name}"
        );
        assert_eq!(
            fixed.text.matches('#').count(),
            text.matches('#').count(),
            "{name}: a comment was dropped:\n{}",
            fixed.text
        );
        assert!(!fixed.text.contains("AllowAction"), "{name}:\n{}", fixed.text);
    }
}
