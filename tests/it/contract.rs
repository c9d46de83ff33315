//! The contract a CI user relies on, through the real binary: what blocks a
//! run (`--fail-on` as a threshold), that no file passes unchecked
//! (`no-policy-found`, skipped counts, `--show-files`), that configuration
//! is found from each file and says what it changes, and the smaller flags
//! (`--stdin-filename`, size units, `--quiet`, `--output-file`,
//! `--statistics`, `--color`).

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{stderr, stdout};

const CLEAN: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
const BAD_EFFECT: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
const ONLY_WARNING: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": []}]}"#;

fn scratch(files: &[(&str, &str)]) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    common::tree(&format!("c{}", NEXT.fetch_add(1, Ordering::SeqCst)), files)
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, b"")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}{}", stdout(output), stderr(output)))
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["rule"].as_str().expect("rule").to_string())
        .collect()
}

// ------------------------------------------------------------ 1. fail-on

#[test]
fn fail_on_is_the_lowest_blocking_severity() {
    let dir = scratch(&[
        ("broken.json", "{\"Version\": \"1\", \"Statement\": [,]}"),
        ("warn.json", ONLY_WARNING),
    ]);
    // An error is above a warning threshold: it blocks.
    let output = run(&dir, &["--fail-on", "warning", "broken.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("; 1 blocking (error)."),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        run(&dir, &["--fail-on", "warning", "warn.json"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&dir, &["--fail-on", "error", "warn.json"]).status.code(),
        Some(0)
    );
    // The default threshold is security-warning: a warning does not block.
    let output = run(&dir, &["warn.json"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("; none blocking."),
        "{}",
        stdout(&output)
    );
    // A list is not a threshold.
    let output = run(&dir, &["--fail-on", "error,warning", "warn.json"]);
    assert_eq!(output.status.code(), Some(2));
    // The configuration key is the same threshold.
    fs::write(dir.join("policy-check.toml"), "fail-on = \"warning\"\n").expect("write");
    assert_eq!(run(&dir, &["warn.json"]).status.code(), Some(1));
    let report = json(&run(&dir, &["--format", "json", "warn.json"]));
    assert_eq!(report["summary"]["blocking"], 1);
}

// -------------------------------------------- 2. no file is clean unchecked

const PLAN: &str = r#"{"planned_values": {"root_module": {"resources": [
  {"type": "alicloud_ram_policy", "values": {"policy_document": "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"}]}"}}
]}}}"#;

#[test]
fn a_jsonpath_that_matches_nothing_is_reported() {
    let dir = scratch(&[("plan.json", PLAN)]);
    let output = run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$..values.document",
            "plan.json",
        ],
    );
    let report = json(&output);
    assert_eq!(rules(&report), ["no-policy-found"]);
    let message = report["diagnostics"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("$..values.document"),
        "says what was looked for: {message}"
    );
    // The right expression finds the policy, with its span in the host.
    let output = run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$..values.policy_document",
            "plan.json",
        ],
    );
    assert_eq!(rules(&json(&output)), ["invalid-effect"]);
}

#[test]
fn command_line_jsonpath_still_lints_plain_policies() {
    let dir = scratch(&[
        ("plan.json", PLAN),
        ("policies/p.json", BAD_EFFECT),
        (
            "policies/appsettings.json",
            r#"{"Version": "3.1", "Logging": {}}"#,
        ),
    ]);
    let output = run(
        &dir,
        &["--format", "json", "--jsonpath", "$..values.policy_document", "."],
    );
    let report = json(&output);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["file"].as_str().expect("file"))
        .collect();
    assert_eq!(
        files,
        ["plan.json", "policies/p.json"],
        "the plain policy is linted too"
    );
    assert_eq!(report["files"], 2);
    assert_eq!(report["skipped"], 1, "appsettings.json is counted as skipped");
}

#[test]
fn a_version_key_alone_does_not_make_a_policy() {
    let dir = scratch(&[
        (
            "appsettings.json",
            r#"{"Version": "3.1", "ConnectionStrings": {}}"#,
        ),
        ("p.json", r#"{"Version": "1", "Id": "x"}"#),
    ]);
    let report = json(&run(&dir, &["--format", "json", "."]));
    assert_eq!(report["skipped"], 1, "{report}");
    assert_eq!(report["files"], 1, "Version with only RAM's keys is a policy");
    assert!(rules(&report).contains(&"invalid-statement".to_string()));
    let output = run(&dir, &["."]);
    assert!(
        stdout(&output).contains("Skipped 1 file that holds no policy."),
        "{}",
        stdout(&output)
    );
}

#[test]
fn show_files_lists_what_was_done_with_every_file() {
    let dir = scratch(&[
        ("policy-check.toml", "exclude = [\"legacy/**\"]\n"),
        ("a.json", BAD_EFFECT),
        ("legacy/old.json", BAD_EFFECT),
        ("package.json", r#"{"name": "x"}"#),
    ]);
    let output = run(&dir, &["--show-files", ".", "missing.json"]);
    assert_eq!(
        stdout(&output).lines().take(4).collect::<Vec<_>>(),
        [
            "a.json: linted (1 policy document, 1 finding)",
            "legacy/old.json: excluded (by `include`/`exclude` in policy-check.toml)",
            "missing.json: not read (cannot read `missing.json`: No such file or directory (os error 2))",
            "package.json: skipped (not a policy: its top level has neither `Statement` nor `Version`)",
        ]
    );
    assert_eq!(output.status.code(), Some(2), "an unreadable file still fails");
}

// ------------------------------------------ 4. configuration per linted file

#[test]
fn configuration_is_found_from_each_file_not_the_working_directory() {
    let repo = scratch(&[
        ("repo/policy-check.toml", "[rules]\ninvalid-effect = \"off\"\n"),
        ("repo/policies/p.json", BAD_EFFECT),
        ("repo/other/policy-check.toml", "fail-on = \"warning\"\n"),
        ("repo/other/q.json", ONLY_WARNING),
        ("elsewhere/.keep", ""),
    ]);
    let elsewhere = repo.join("elsewhere");
    let policies = repo.join("repo/policies");
    let output = run(
        &elsewhere,
        &["--format", "json", policies.to_str().expect("UTF-8")],
    );
    assert_eq!(
        rules(&json(&output)),
        Vec::<String>::new(),
        "repo/policy-check.toml applies"
    );
    assert_eq!(output.status.code(), Some(0));
    // Each file gets its own nearest configuration in one run.
    let both = run(&repo, &["--format", "json", "repo"]);
    let report = json(&both);
    assert_eq!(rules(&report), ["empty-value"]);
    assert_eq!(both.status.code(), Some(1), "other/ blocks on warnings");
    let configs: Vec<&str> = report["configs"]
        .as_array()
        .expect("configs")
        .iter()
        .map(|c| c["path"].as_str().expect("path"))
        .collect();
    assert_eq!(configs.len(), 2, "{configs:?}");
    // --config overrides for the whole run; --isolated ignores every file.
    let isolated = run(
        &elsewhere,
        &[
            "--format",
            "json",
            "--isolated",
            policies.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(rules(&json(&isolated)), ["invalid-effect"]);
}

#[test]
fn show_settings_prints_the_settings_of_one_file_and_their_source() {
    let dir = scratch(&[
        (
            "policy-check.toml",
            "fail-on = \"warning\"\n[rules]\nallow-all = \"off\"\n",
        ),
        ("sub/p.json", CLEAN),
    ]);
    let output = run(&dir, &["--show-settings", "sub/p.json"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text.starts_with("Settings for sub/p.json\n  configuration: policy-check.toml\n"),
        "{text}"
    );
    assert!(text.contains("  fail-on: warning\n"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().eq(["allow-all", "off"])),
        "{text}"
    );
    let isolated = stdout(&run(&dir, &["--isolated", "--show-settings", "sub/p.json"]));
    assert!(
        isolated.contains("configuration: (none: built-in defaults)"),
        "{isolated}"
    );
}

#[test]
fn the_summary_names_what_each_configuration_turns_off() {
    let dir = scratch(&[
        (
            "policy-check.toml",
            "exclude = [\"**/skip/**\"]\nfail-on = \"error\"\n[rules]\nallow-all = \"off\"\n",
        ),
        ("p.json", CLEAN),
    ]);
    let text = stdout(&run(&dir, &["."]));
    assert!(
        text.ends_with(
            "Configuration: policy-check.toml (turns off allow-all; excludes `**/skip/**`; fail-on error).\n"
        ),
        "{text}"
    );
}

// ----------------------------------------------------- 7. smaller contracts

#[test]
fn stdin_filename_without_stdin_is_a_usage_error() {
    let dir = scratch(&[("p.json", BAD_EFFECT)]);
    let output = run(&dir, &["--stdin-filename", "x.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`-` is not among the paths"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty(), "the working directory is not linted");
}

#[test]
fn io_error_cannot_be_turned_off() {
    let dir = scratch(&[("p.json", CLEAN)]);
    let output = run(&dir, &["--ignore", "io-error", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`io-error` cannot be ignored"),
        "{}",
        stderr(&output)
    );
    fs::write(dir.join("policy-check.toml"), "[rules]\nio-error = \"off\"\n").expect("write");
    let output = run(&dir, &["missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`io-error` cannot be configured"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn sizes_take_decimal_and_binary_units_and_help_shows_mib() {
    let dir = scratch(&[("p.json", CLEAN)]);
    for size in ["10MB", "1.5M", "512KiB", "1048576"] {
        assert_eq!(
            run(&dir, &["--max-file-size", size, "p.json"]).status.code(),
            Some(0),
            "{size}"
        );
    }
    assert_eq!(
        run(&dir, &["--max-file-size", "10XB", "p.json"]).status.code(),
        Some(2)
    );
    let help = stdout(&run(&dir, &["--help"]));
    assert!(help.contains("[default: 10MiB]"), "{help}");
    let small = run(&dir, &["--max-file-size", "0.01KB", "p.json"]);
    assert_eq!(small.status.code(), Some(2), "10 bytes is less than the file");
}

#[test]
fn a_missing_path_is_an_io_error_without_a_snippet() {
    let dir = scratch(&[]);
    let output = run(&dir, &["nothere.json"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.contains("cannot read `nothere.json`"), "{text}");
    assert!(!text.contains('╭'), "no snippet box: {text}");
    assert!(
        text.contains("Linted 0 files.\n1 file could not be read."),
        "{text}"
    );
    let report = json(&run(&dir, &["--format", "json", "nothere.json"]));
    assert_eq!(report["files"], 0, "not counted as a linted file");
    assert_eq!(report["unreadable"], 1);
    assert_eq!(report["diagnostics"][0]["path"], serde_json::Value::Null);
}

#[test]
fn extra_condition_keys_declare_keys_the_vocabulary_lacks() {
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*",
        "Condition": {"StringEquals": {"acs:NewlyDocumentedKey": "x"}}}]}"#;
    let dir = scratch(&[("p.json", policy)]);
    let report = json(&run(&dir, &["--format", "json", "p.json"]));
    assert_eq!(rules(&report), ["unknown-global-condition-key"]);
    let help = report["diagnostics"][0]["help"].as_str().expect("help");
    assert!(help.contains("extra-condition-keys"), "{help}");
    assert!(
        !help.contains("rules/data"),
        "no advice to edit a compiled-in file: {help}"
    );
    fs::write(
        dir.join("policy-check.toml"),
        "extra-condition-keys = [\"acs:NewlyDocumentedKey\"]\n",
    )
    .expect("write");
    assert_eq!(
        rules(&json(&run(&dir, &["--format", "json", "p.json"]))),
        Vec::<String>::new()
    );
}

#[test]
fn quiet_output_file_statistics_and_color() {
    let dir = scratch(&[
        ("a.json", BAD_EFFECT),
        ("b.json", BAD_EFFECT),
        ("c.json", ONLY_WARNING),
    ]);
    let quiet = stdout(&run(&dir, &["--quiet", "."]));
    assert!(quiet.contains("error[invalid-effect]"), "{quiet}");
    assert!(!quiet.contains("Found"), "no summary: {quiet}");

    let output = run(&dir, &["--format", "json", "--output-file", "out.json", "a.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("out.json")).expect("written")).expect("JSON");
    assert_eq!(written["files"], 1);

    let stats = stdout(&run(&dir, &["--statistics", "a.json", "b.json", "c.json"]));
    assert!(
        stats.starts_with("     2  invalid-effect\n     1  empty-value\n"),
        "{stats}"
    );
    let stats = json(&run(&dir, &["--statistics", "--format", "json", "."]));
    assert_eq!(stats[0]["rule"], "invalid-effect");
    assert_eq!(stats[0]["count"], 2);

    let colored = run(&dir, &["--color", "always", "a.json"]);
    assert!(stdout(&colored).contains('\u{1b}'), "colour forced on");
    let plain = run(&dir, &["--color", "never", "a.json"]);
    assert!(!stdout(&plain).contains('\u{1b}'));
    let forced = std::process::Command::new(common::BIN)
        .args(["a.json"])
        .current_dir(&dir)
        .env("FORCE_COLOR", "1")
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'),
        "FORCE_COLOR"
    );
}

// ---------------------------------------- 9. documented behaviours, pinned

#[test]
fn the_last_of_duplicate_keys_is_what_the_model_reads() {
    // Effect is first "Deny" then "Allow": the model must read "Allow", so
    // the Allow-only check (allow-all) fires on it.
    let text = r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let dir = scratch(&[("p.json", text)]);
    let found = rules(&json(&run(&dir, &["--format", "json", "p.json"])));
    assert!(found.contains(&"allow-all".to_string()), "{found:?}");
    let reversed = text.replace(
        r#""Effect": "Deny", "Effect": "Allow""#,
        r#""Effect": "Allow", "Effect": "Deny""#,
    );
    fs::write(dir.join("p.json"), reversed).expect("write");
    let found = rules(&json(&run(&dir, &["--format", "json", "p.json"])));
    assert!(!found.contains(&"allow-all".to_string()), "{found:?}");
}

#[test]
fn a_star_in_config_globs_stays_within_one_folder() {
    let dir = scratch(&[
        ("policy-check.toml", "exclude = [\"policies/*.json\"]\n"),
        ("policies/top.json", BAD_EFFECT),
        ("policies/deeper/nested.json", BAD_EFFECT),
    ]);
    let report = json(&run(&dir, &["--format", "json", "."]));
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, ["policies/deeper/nested.json"], "`*` does not cross `/`");
    assert_eq!(report["excluded"], 1);
}

#[test]
fn a_document_reached_by_two_jsonpath_routes_is_reported_once() {
    let host = r#"{"Resources": {"P": {"Properties": {"PolicyDocument": {"Version": "1", "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}}}}}"#;
    let dir = scratch(&[("t.json", host)]);
    let output = run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$['Resources']..['PolicyDocument']",
            "t.json",
        ],
    );
    assert_eq!(rules(&json(&output)), ["invalid-effect"]);
    let twice = run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$.Resources.P.Properties['PolicyDocument','PolicyDocument']",
            "t.json",
        ],
    );
    assert_eq!(
        rules(&json(&twice)),
        ["invalid-effect"],
        "one document, one finding"
    );
}

#[test]
fn a_duplicate_key_makes_a_document_unusable_for_simulate() {
    let text = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Action": "ens:DeleteImage", "Resource": "*"}]}"#;
    let dir = scratch(&[("p.json", text)]);
    let output = run(&dir, &["simulate", "p.json"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        format!("{}{}", stdout(&output), stderr(&output)).contains("duplicate-key"),
        "{}",
        stdout(&output)
    );
}
