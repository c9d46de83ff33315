//! The operation tables through the real binary: what a run says it did not
//! check, access levels declared under `extra-actions`, and the simulator's
//! note for an action an incomplete table lacks.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{stderr, stdout};

fn scratch(files: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    common::tree(&NEXT.fetch_add(1, Ordering::SeqCst).to_string(), files)
}

const MIXED: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:DescribeInstances", "bss:DescribeOrders", "Yundun-X:Get*", "acs-*:Get*", "*"], "Resource": "*"}]}"#;
const ECS_ONLY: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

#[test]
fn the_summary_and_json_name_the_services_not_checked() {
    let dir = scratch(&[("a.json", MIXED), ("b.json", ECS_ONLY)]);
    let output = common::run(&dir, &["a.json", "b.json"], b"");
    let out = stdout(&output);
    assert!(
        out.contains("Not checked: actions of bss, yundun-x (no operation table)."),
        "{out}"
    );
    let output = common::run(&dir, &["--format", "json", "a.json", "b.json"], b"");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!(["bss", "yundun-x"]));
    // Every service catalogued: nothing to say, and an empty list.
    let output = common::run(&dir, &["b.json"], b"");
    assert!(!stdout(&output).contains("Not checked"), "{}", stdout(&output));
    let output = common::run(&dir, &["--format", "json", "b.json"], b"");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!([]));
}

#[test]
fn embedded_policies_report_their_unchecked_services_too() {
    let host = r#"{"Resources": {"R": {"Properties": {"PolicyDocument": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "bss:DescribeOrders", "Resource": "*"}]}}}}}"#;
    let dir = scratch(&[("t.json", host)]);
    let output = common::run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$.Resources.*.Properties.PolicyDocument",
            "t.json",
        ],
        b"",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!(["bss"]));
}

const READ_ONLY: &str = "[[overrides]]\nfiles = [\"**\"]\nallowed-access-levels = [\"list\", \"get\"]\n";

#[test]
fn a_ceiling_fails_closed_unless_extra_actions_declares_the_level() {
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ram:PassRole", "bss:DescribeOrders"], "Resource": "*"}]}"#;
    let dir = scratch(&[("policy-check.toml", READ_ONLY), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    let out = stdout(&output);
    assert_eq!(out.matches("error[access-level-exceeded]").count(), 2, "{out}");
    assert!(
        out.contains("the access level of `ram:PassRole` cannot be verified"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
    let declared = format!(
        "extra-actions = [\n  {{ action = \"ram:PassRole\", access-level = \"get\" }},\n  {{ action = \"bss:DescribeOrders\", access-level = \"list\" }},\n]\n{READ_ONLY}"
    );
    let dir = scratch(&[("policy-check.toml", &declared), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    assert_eq!(stdout(&output), "", "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(0));
    // A declared level above the ceiling is reported as declared.
    let write = declared.replace("\"list\" }", "\"delete\" }");
    let dir = scratch(&[("policy-check.toml", &write), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    assert!(
        stdout(&output)
            .contains("`bss:DescribeOrders` is a delete operation (declared under `extra-actions`)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_declared_level_must_be_a_known_one() {
    let config = "extra-actions = [{ action = \"ram:PassRole\", access-level = \"read\" }]\n";
    let dir = scratch(&[("policy-check.toml", config), ("p.json", ECS_ONLY)]);
    let output = common::run(&dir, &["p.json"], b"");
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("unknown access level `read`"),
        "{}",
        stderr(&output)
    );
    let config = "extra-actions = [{ action = \"ram:PassRole\", level = \"get\" }]\n";
    let dir = scratch(&[("policy-check.toml", config), ("p.json", ECS_ONLY)]);
    let output = common::run(&dir, &["p.json"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown field `level`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn simulate_says_an_incomplete_table_lacks_the_action() {
    let dir = scratch(&[("p.json", ECS_ONLY)]);
    let output = common::run(
        &dir,
        &[
            "simulate",
            "--action",
            "ecs:DescribeInstnces",
            "--resource",
            "*",
            "p.json",
        ],
        b"",
    );
    let out = stdout(&output);
    assert!(
        out.contains("ecs:DescribeInstnces is not in the incomplete ecs operation table"),
        "{out}{}",
        stderr(&output)
    );
    assert!(out.contains("did you mean ecs:DescribeInstances?"), "{out}");
}
