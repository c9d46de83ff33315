//! The command line as users meet it: exit codes, standard input, output
//! order, both output formats, walking rules, and the rule documentation
//! commands. Runs the real binary.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{stdout, tree};

const CLEAN: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
const BAD_EFFECT: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
const ONLY_WARNING: &str = r#"{"Version": "1", "Statement": [{"Sid": "x", "Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;

fn policy_check(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    common::run(cwd, args, stdin.unwrap_or("").as_bytes())
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("JSON output ({e}): {}", stdout(output)))
}

/// One string field of every diagnostic in a JSON report, in output order.
fn field<'a>(report: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics array");
    diagnostics
        .iter()
        .map(|d| d[key].as_str().unwrap_or_else(|| panic!("string `{key}`")))
        .collect()
}

#[test]
fn exit_codes_follow_blocking_severities() {
    let dir = tree(
        "exit",
        &[
            ("clean.json", CLEAN),
            ("bad.json", BAD_EFFECT),
            ("warn.json", ONLY_WARNING),
        ],
    );
    assert_eq!(policy_check(&["clean.json"], &dir, None).status.code(), Some(0));
    assert_eq!(policy_check(&["bad.json"], &dir, None).status.code(), Some(1));
    assert_eq!(
        policy_check(&["warn.json"], &dir, None).status.code(),
        Some(0),
        "warnings do not block"
    );
    let strict = policy_check(&["--fail-on", "warning", "warn.json"], &dir, None);
    assert_eq!(
        strict.status.code(),
        Some(1),
        "a warning threshold blocks warnings"
    );
    let lowest = policy_check(&["--fail-on", "suggestion", "bad.json"], &dir, None);
    assert_eq!(
        lowest.status.code(),
        Some(1),
        "a threshold blocks everything at or above it: an error blocks under suggestion"
    );
    let highest = policy_check(&["--fail-on", "error", "warn.json"], &dir, None);
    assert_eq!(
        highest.status.code(),
        Some(0),
        "a warning is below an error threshold"
    );
}

#[test]
fn unreadable_paths_exit_2_and_the_rest_is_still_linted() {
    let dir = tree("missing", &[("bad.json", BAD_EFFECT)]);
    let output = policy_check(&["--format", "json", "missing.json", "bad.json"], &dir, None);
    assert_eq!(output.status.code(), Some(2));
    let report = json(&output);
    let rules = field(&report, "rule");
    assert_eq!(
        rules,
        ["invalid-effect", "io-error"],
        "sorted by path: bad.json before missing.json"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree("usage", &[]);
    let output = policy_check(&["--format", "yaml"], &dir, None);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("yaml"));
    assert_eq!(
        policy_check(&["--fail-on", "fatal", "x.json"], &dir, None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn stdin_is_linted_under_the_given_name() {
    let dir = tree("stdin", &[]);
    let output = policy_check(
        &["--format", "json", "--stdin-filename", "policies/p.json", "-"],
        &dir,
        Some(BAD_EFFECT),
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["diagnostics"][0]["file"], "policies/p.json");
    let unnamed = policy_check(&["-"], &dir, Some(BAD_EFFECT));
    assert!(stdout(&unnamed).contains("<stdin>:1:"), "{}", stdout(&unnamed));
}

#[test]
fn output_is_ordered_by_path_then_offset_then_rule() {
    let two_findings =
        r#"{"Version": 2, "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
    let dir = tree(
        "order",
        &[
            ("b.json", two_findings),
            ("a/z.json", BAD_EFFECT),
            ("a.json", BAD_EFFECT),
        ],
    );
    let output = policy_check(&["--format", "json", "b.json", "a", "a.json"], &dir, None);
    let report = json(&output);
    let found: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_string(),
                d["span"]["offset"].as_u64().expect("offset"),
            )
        })
        .collect();
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted);
    assert_eq!(
        found.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        ["a.json", "a/z.json", "b.json", "b.json"]
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let text = "{\n  \"Version\": \"1\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"}]\n}\n";
    let dir = tree("json-shape", &[("p.json", text)]);
    let report = json(&policy_check(&["--format", "json", "p.json"], &dir, None));
    assert_eq!(report["version"], 2);
    assert_eq!(report["files"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"error": 1, "security-warning": 0, "warning": 0, "suggestion": 0, "blocking": 1})
    );
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["excluded"], 0);
    assert_eq!(report["unreadable"], 0);
    assert_eq!(report["configs"], serde_json::json!([]));
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-effect");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "$['Statement'][0]['Effect']");
    let offset = text.find("\"allow\"").expect("token") as u64;
    assert_eq!(
        d["span"],
        serde_json::json!({"offset": offset, "length": 7, "start": {"line": 3, "column": 28}, "end": {"line": 3, "column": 35}})
    );
    assert!(d["help"].as_str().expect("help").contains("\"Allow\""));
    assert_eq!(d["labels"], serde_json::json!([]));
}

#[test]
fn human_output_shows_the_snippet_the_rule_and_a_summary() {
    let dir = tree("human", &[("p.json", BAD_EFFECT), ("ok.json", CLEAN)]);
    let output = stdout(&policy_check(&["p.json", "ok.json"], &dir, None));
    assert!(output.contains("error[invalid-effect]"), "{output}");
    assert!(output.contains("╭─[p.json:1:43]"), "{output}");
    assert!(output.contains("help: values are case-sensitive"), "{output}");
    assert!(
        output.trim_end().ends_with(
            "Found 1 problem (1 error) in 1 of 2 files; 1 blocking (error).\n[*] 1 fixable with `--fix`."
        ),
        "{output}"
    );
    assert!(
        !output.contains('\u{1b}'),
        "no colours or hyperlinks when not a terminal"
    );
    let clean = stdout(&policy_check(&["ok.json"], &dir, None));
    assert_eq!(clean, "No problems found in 1 file.\n");
}

#[test]
fn walking_skips_hidden_folders_and_non_policies_but_named_files_are_linted() {
    let dir = tree(
        "walk",
        &[
            ("policies/p.json", BAD_EFFECT),
            ("policies/.cache/p.json", BAD_EFFECT),
            ("policies/package.json", r#"{"name": "x"}"#),
            (
                "policies/tsconfig.json",
                "{\n  // not strict JSON, and not a policy\n  \"compilerOptions\": {}\n}\n",
            ),
            ("policies/broken.json", "{\"Version\": \"1\", \"Statement\": [,]}"),
            ("policies/notes.txt", BAD_EFFECT),
            ("policies/UPPER.JSON", BAD_EFFECT),
        ],
    );
    let report = json(&policy_check(&["--format", "json"], &dir, None));
    let files = field(&report, "file");
    assert_eq!(
        files,
        ["policies/UPPER.JSON", "policies/broken.json", "policies/p.json"]
    );
    assert_eq!(
        report["files"], 3,
        "package.json and tsconfig.json are not policies and are not counted"
    );
    assert_eq!(
        report["skipped"], 2,
        "package.json and tsconfig.json are counted as skipped"
    );
    let named = json(&policy_check(
        &["--format", "json", "policies/package.json"],
        &dir,
        None,
    ));
    let rules = field(&named, "rule");
    assert_eq!(
        rules,
        ["no-policy-found"],
        "a named file that holds no policy says so instead of passing"
    );
}

#[test]
fn rules_lists_every_rule_and_explain_prints_its_docs() {
    let dir = tree("docs", &[]);
    let listing = stdout(&policy_check(&["rules"], &dir, None));
    for rule in policy_check::core::Rule::ALL {
        assert!(
            listing
                .lines()
                .any(|l| l.starts_with(rule.id()) && l.contains(rule.default_severity().as_str())),
            "{}",
            rule.id()
        );
    }
    let explained = policy_check(&["explain", "invalid-effect"], &dir, None);
    assert_eq!(explained.status.code(), Some(0));
    let text = stdout(&explained);
    for section in ["What it catches", "Why it matters", "Bad", "Good", "\"allow\""] {
        assert!(text.contains(section), "{section}: {text}");
    }
    let unknown = policy_check(&["explain", "invalid-efect"], &dir, None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `invalid-effect`"));
}

#[test]
fn shipped_examples_lint_as_the_readme_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = policy_check(&["--format", "json", "testdata/examples"], root, None);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let files: std::collections::BTreeSet<&str> = field(&report, "file").into_iter().collect();
    assert!(
        files.iter().all(|f| f.starts_with("testdata/examples/bad/")),
        "good examples stay clean: {files:?}"
    );
    assert_eq!(files.len(), 8, "{files:?}");
}
