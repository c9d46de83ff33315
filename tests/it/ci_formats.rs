//! The formats CI platforms read natively: GitLab Code Quality JSON and
//! JUnit XML. Snapshots of both on one fixture (regenerate with
//! `UPDATE_SNAPSHOTS=1 cargo test --test it ci_formats::`), the GitLab report
//! against a schema written from GitLab's documentation, and untrusted text
//! (a file's content, a file's name) escaped in each.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{stderr, stdout};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    common::run(dir, args, b"")
}

fn check_snapshot(name: &str, rendered: &str) {
    let path = repo().join("testdata/formats").join(name);
    if let Err(failure) = common::snapshot(&path, rendered) {
        panic!("{failure}");
    }
}

fn gitlab_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let path = repo().join("testdata/schemas/gitlab-code-quality.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(path).expect("schema present")).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://policy-check.invalid/schemas/gitlab-code-quality.json";
    compiler.add_resource(url, schema).expect("schema added");
    let index = compiler.compile(url, &mut schemas).expect("schema compiles");
    (schemas, index)
}

fn assert_valid_gitlab(report: &serde_json::Value) {
    let (schemas, index) = gitlab_validator();
    if let Err(error) = schemas.validate(report, index) {
        panic!("not a valid Code Quality report: {error:#}\n{report:#}");
    }
}

#[test]
fn gitlab_report_matches_its_snapshot_and_the_documented_format() {
    let output = run(&repo(), &["--format", "gitlab", "testdata/formats/policy.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    check_snapshot("gitlab.json.snap", &stdout(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_valid_gitlab(&report);
    let issues = report.as_array().expect("an array");
    // Same findings and lines as the short format, in the same order.
    let short = run(&repo(), &["--format", "short", "testdata/formats/policy.json"]);
    let expected: Vec<(String, u64)> = stdout(&short)
        .lines()
        .map(|l| {
            let rule = l
                .split('[')
                .nth(1)
                .and_then(|r| r.split(']').next())
                .expect("rule");
            let line = l.split(':').nth(1).and_then(|n| n.parse().ok()).expect("line");
            (rule.to_string(), line)
        })
        .collect();
    let found: Vec<(String, u64)> = issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().expect("check_name").to_string(),
                i["location"]["lines"]["begin"].as_u64().expect("begin"),
            )
        })
        .collect();
    assert_eq!(found, expected);
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints must be unique");
}

#[test]
fn gitlab_fingerprints_survive_lines_added_above_a_finding() {
    let text = fs::read_to_string(repo().join("testdata/formats/policy.json")).expect("fixture");
    let dir = common::tree(
        "moved",
        &[("a.json", &text), ("b.json", &format!("\n\n\n{text}"))],
    );
    let output = run(&dir, &["--format", "gitlab", "a.json", "b.json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let of = |file: &str| -> Vec<(String, u64)> {
        report
            .as_array()
            .expect("array")
            .iter()
            .filter(|i| i["location"]["path"] == file)
            .map(|i| {
                (
                    i["fingerprint"].as_str().expect("fp").to_string(),
                    i["location"]["lines"]["begin"].as_u64().expect("line"),
                )
            })
            .collect()
    };
    let (a, b) = (of("a.json"), of("b.json"));
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    for ((fa, la), (fb, lb)) in a.iter().zip(&b) {
        assert_eq!(la + 3, *lb, "the findings moved down three lines");
        // The file name is part of the key, so the two files differ; within
        // one file only the occurrence number could change, and it did not.
        assert_ne!(fa, fb);
    }
    // The same file moved down: same fingerprints.
    let moved = common::tree("moved-same", &[("a.json", &format!("\n\n\n{text}"))]);
    let again: serde_json::Value =
        serde_json::from_slice(&run(&moved, &["--format", "gitlab", "a.json"]).stdout).expect("JSON");
    let again: Vec<&str> = again
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    assert_eq!(again, a.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>());
}

#[test]
fn junit_report_matches_its_snapshot() {
    let output = run(&repo(), &["--format", "junit", "testdata/formats/policy.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    check_snapshot("junit.xml.snap", &text);
    assert_well_formed(&text);
    let short = run(&repo(), &["--format", "short", "testdata/formats/policy.json"]);
    let findings = stdout(&short).lines().count();
    assert!(findings >= 3, "{}", stdout(&short));
    assert_eq!(text.matches("<testcase ").count(), findings);
    assert_eq!(text.matches("<failure ").count(), findings);
    assert!(
        text.contains(&format!("tests=\"{findings}\" failures=\"{findings}\"")),
        "{text}"
    );
}

#[test]
fn clean_runs_are_an_empty_report_and_one_passing_test() {
    let output = run(&repo(), &["--format", "gitlab", "testdata/examples/good"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "[]\n");
    let output = run(&repo(), &["--format", "junit", "testdata/examples/good"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert_well_formed(&text);
    assert!(text.contains("<testcase name=\"No problems found\""), "{text}");
    assert!(!text.contains("<failure"), "{text}");
}

#[test]
fn untrusted_names_and_values_are_escaped_in_both() {
    // An action holding an escape sequence and markup, in a file whose name
    // holds markup and a quote.
    let policy = "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \
                  \"Action\": \"ens:Cr\\u001b[31m<b>&\\\"x##[error]\", \"Resource\": \"*\"}]}";
    let name = "a<b>&\"c'.json";
    let dir = common::tree("escaping", &[(name, policy)]);

    let output = run(&dir, &["--format", "junit", name]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(!text.contains("##["), "{text}");
    assert!(
        text.contains("name=\"a&lt;b&gt;&amp;&quot;c&apos;.json\""),
        "{text}"
    );
    assert!(text.contains("\\u001b[31m&lt;b&gt;&amp;"), "{text}");
    assert_well_formed(&text);

    let output = run(&dir, &["--format", "gitlab", name]);
    let raw = stdout(&output);
    assert!(!raw.contains('\u{1b}') && !raw.contains("##["), "{raw}");
    let report: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
    assert_valid_gitlab(&report);
    // JSON escapes decode to the real value: consumers see the true text.
    let issue = &report[0];
    assert_eq!(issue["location"]["path"], name);
    assert!(
        issue["description"]
            .as_str()
            .expect("description")
            .contains("ens:Cr\u{1b}[31m<b>&\"x##[error]"),
        "{issue}"
    );
}

/// A small well-formedness check: every tag closes in order, attribute
/// values are quoted, and `&` starts one of the five entities.
fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find(['<', '&']) {
        let (text, tail) = rest.split_at(at);
        assert!(!text.contains('>'), "a bare `>` in text: {text}");
        if tail.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .into_iter()
                .find(|e| tail.starts_with(e))
                .unwrap_or_else(|| panic!("a bare `&`: {}", &tail[..tail.len().min(20)]));
            rest = &tail[entity.len()..];
            continue;
        }
        let end = tail.find('>').expect("tag closes");
        let tag = &tail[1..end];
        assert!(
            !tag.contains('<') && !tag.contains('&') || tag.contains('='),
            "tag: {tag}"
        );
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "closes out of order: {tag}");
        } else if !tag.ends_with('/') {
            open.push(tag.split(' ').next().expect("name"));
        }
        rest = &tail[end + 1..];
    }
    assert!(open.is_empty(), "left open: {open:?}");
}
