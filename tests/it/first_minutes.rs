//! What a new user meets in the first minutes: the documented JSON is the
//! JSON the tool prints, the documented plan example works as written, and
//! the summary lines of `--write-baseline` and `--show-files` say what
//! happened.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{stderr, stdout, tree};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    common::run(dir, args, b"")
}

/// The first fenced block of `language` after `heading` in a docs page.
fn block_after(page: &str, heading: &str, language: &str) -> String {
    let text = fs::read_to_string(repo().join(page)).expect("docs page");
    let after = &text[text
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} in {page}"))..];
    let fence = format!("```{language}\n");
    let start = after.find(&fence).expect("a fenced block") + fence.len();
    after[start..start + after[start..].find("```").expect("block closes")].to_string()
}

fn keys(value: &serde_json::Value) -> BTreeSet<String> {
    value.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn the_documented_json_is_what_the_tool_prints() {
    let documented: serde_json::Value =
        serde_json::from_str(&block_after("docs/formats.md", "## `--format json`", "json"))
            .expect("docs JSON parses");
    let dir = tree(
        "json-doc",
        &[(
            "policies/images.json",
            "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\n      \"Effect\": \"allow\",\n      \"Action\": \"ens:CreateImage\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        )],
    );
    let output = run(&dir, &["--format", "json", "policies"]);
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(documented["version"], printed["version"]);
    assert_eq!(keys(&documented), keys(&printed));
    let (doc, real) = (&documented["diagnostics"][0], &printed["diagnostics"][0]);
    assert_eq!(keys(doc), keys(real));
    // The example is this very finding: same values where they are shown.
    for field in [
        "file", "rule", "severity", "message", "help", "document", "path", "span", "fix",
    ] {
        assert_eq!(doc[field], real[field], "{field}");
    }
}

#[test]
fn the_documented_gitlab_issue_is_what_the_tool_prints() {
    let documented = block_after("docs/formats.md", "## `--format gitlab`", "json");
    let dir = tree(
        "gitlab-doc",
        &[(
            "policies/images.json",
            "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\n      \"Effect\": \"allow\",\n      \"Action\": \"ens:CreateImage\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n",
        )],
    );
    let output = run(&dir, &["--format", "gitlab", "policies"]);
    assert_eq!(stdout(&output), documented, "{}", stderr(&output));
    let output = run(&dir, &["--format", "junit", "policies"]);
    assert_eq!(
        stdout(&output),
        block_after("docs/formats.md", "## `--format junit`", "xml")
    );
}

const BAD: &str = r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

#[test]
fn writing_a_baseline_does_not_say_no_problems_found() {
    let dir = tree(
        "write-baseline",
        &[("policies/a.json", BAD), ("policies/b.json", BAD)],
    );
    let output = run(&dir, &["--write-baseline", "baseline.json", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(!text.contains("No problems found"), "{text}");
    assert!(text.starts_with("Linted 2 files.\n"), "{text}");
    assert!(
        text.contains("Wrote 2 findings to the baseline baseline.json."),
        "{text}"
    );
}

#[test]
fn the_baseline_file_is_not_a_skipped_input() {
    let dir = tree(
        "baseline-walked",
        &[("policies/a.json", BAD), ("notes.json", "{\"a\": 1}")],
    );
    for args in [
        &["--write-baseline", "baseline.json", "."][..],
        &["--write-baseline", "baseline.json", "."][..],
        &["--baseline", "baseline.json", "."][..],
    ] {
        let output = run(&dir, args);
        let text = stdout(&output);
        // notes.json is skipped; the baseline file, walked, is not counted.
        assert!(
            text.contains("Skipped 1 file that holds no policy."),
            "{args:?}: {text}"
        );
    }
    let output = run(&dir, &["--baseline", "baseline.json", "--show-files", "."]);
    assert!(!stdout(&output).contains("baseline.json:"), "{}", stdout(&output));
}

#[test]
fn show_files_calls_no_finding_blocking_since_it_exits_0() {
    let dir = tree("show-files-summary", &[("a.json", BAD)]);
    let output = run(&dir, &["--show-files", "a.json"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("a.json: linted (1 policy document, 1 finding)"),
        "{text}"
    );
    assert!(!text.contains("blocking"), "{text}");
    // Without --show-files the same finding blocks, and says so.
    let output = run(&dir, &["a.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("1 blocking (error)"),
        "{}",
        stdout(&output)
    );
}

/// The shell lines of a fenced `sh` block that run policy-check, as
/// arguments (single-quoted words kept whole).
fn policy_check_lines(block: &str) -> Vec<Vec<String>> {
    block
        .lines()
        .filter_map(|line| line.strip_prefix("policy-check "))
        .map(|rest| {
            let mut words = Vec::new();
            let mut rest = rest.trim();
            while !rest.is_empty() {
                if let Some(quoted) = rest.strip_prefix('\'') {
                    let end = quoted.find('\'').expect("quote closes");
                    words.push(quoted[..end].to_string());
                    rest = quoted[end + 1..].trim_start();
                } else {
                    let end = rest.find(' ').unwrap_or(rest.len());
                    words.push(rest[..end].to_string());
                    rest = rest[end..].trim_start();
                }
            }
            words
        })
        .collect()
}

#[test]
fn the_documented_plan_commands_find_the_plan_s_mistake() {
    let plan = fs::read_to_string(repo().join("testdata/hosts/fail-plan.json")).expect("plan fixture");
    let dir = tree("plan-doc", &[("plan.json", &plan)]);
    let text = fs::read_to_string(repo().join("docs/embedded-policies.md")).expect("page");
    let after = &text[text.find("A plan needs no `--jsonpath`").expect("plan section")..];
    let mut commands = Vec::new();
    for block in after.split("```sh\n").skip(1).take(2) {
        commands.extend(policy_check_lines(&block[..block.find("```").expect("closes")]));
    }
    assert_eq!(commands.len(), 2, "{commands:?}");
    for args in commands {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.splice(0..0, ["--format", "short"]);
        let output = run(&dir, &args);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", stdout(&output));
        assert!(
            stdout(&output).contains("plan.json:14:205: error[condition-value-type]"),
            "{args:?}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn select_and_ignore_accept_groups() {
    // An allow-all (security-warning) and a lowercase effect (error).
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;
    let dir = tree("select-groups", &[("p.json", policy)]);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "short"];
        all.extend_from_slice(args);
        all.push("p.json");
        let output = run(&dir, &all);
        stdout(&output)
            .lines()
            .filter_map(|l| l.split('[').nth(1)?.split(']').next().map(str::to_string))
            .collect()
    };
    let everything = rules(&[]);
    assert!(
        everything.contains(&"allow-all".to_string()) && everything.contains(&"invalid-effect".to_string())
    );
    assert_eq!(rules(&["--select", "security"]), ["allow-all"]);
    assert_eq!(rules(&["--select", "correctness"]), ["invalid-effect"]);
    assert_eq!(
        rules(&["--select", "security,invalid-effect"]),
        ["allow-all", "invalid-effect"]
    );
    assert!(!rules(&["--ignore", "security"]).contains(&"allow-all".to_string()));
    // A typo is a usage error that names the nearest group.
    let output = run(&dir, &["--select", "securty", "p.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `security`?"),
        "{}",
        stderr(&output)
    );
    // A group never ignores unreadable files; naming io-error is still refused.
    let output = run(&dir, &["--ignore", "error", "missing.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stdout(&output).contains("missing.json"), "{}", stdout(&output));
    let output = run(&dir, &["--ignore", "io-error", "p.json"]);
    assert_eq!(output.status.code(), Some(2));
}
