//! The workflow surface, through the real binary: configuration files and
//! their errors, command-line overrides, the short / SARIF / GitHub formats,
//! `--jsonpath` over host files, shell completions, and the example
//! repository under `testdata/workflow/example-repo` end to end.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{stderr, stdout};

const ROS_QUERY: &str = "$.Resources.*.Properties.PolicyDocument";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh scratch folder holding `files`.
fn scratch(files: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    common::tree(&NEXT.fetch_add(1, Ordering::SeqCst).to_string(), files)
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    run_with_stdin(dir, args, "")
}

fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    common::run(dir, args, stdin.as_bytes())
}

const LOWERCASE_ALLOW: &str = r#"{
  "Version": "1",
  "Statement": [
    {"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}
  ]
}
"#;

const EMPTY_RESOURCE: &str = r#"{
  "Version": "1",
  "Statement": [
    {"Effect": "Allow", "Action": "ens:CreateImage", "Resource": []}
  ]
}
"#;

// ---------------------------------------------------------------- formats

#[test]
fn short_format_is_one_line_per_finding() {
    let dir = scratch(&[("p.json", LOWERCASE_ALLOW), ("q.json", EMPTY_RESOURCE)]);
    let output = run_in(&dir, &["--format", "short", "."]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "p.json:4:16: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"allow\"\n\
         q.json:4:66: warning[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
}

#[test]
fn github_format_escapes_properties_and_data() {
    // `,` and `:` in a file name would end the property; the help's line
    // break would end the command.
    let dir = scratch(&[("a,b:c.json", LOWERCASE_ALLOW), ("q.json", EMPTY_RESOURCE)]);
    let output = run_in(&dir, &["--format", "github", "."]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=a%2Cb%3Ac.json,line=4,col=16,endLine=4,endColumn=23,title=invalid-effect (error)\
         ::`Effect` must be \"Allow\" or \"Deny\", found \"allow\"%0Ahelp: values are case-sensitive: write \"Allow\""
    );
    assert!(
        lines[1].starts_with("::warning file=q.json,line=4,col=66,"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "Found 2 problems (1 error, 1 warning) in 2 of 2 files; 1 blocking (error)."
    );
    assert_eq!(lines[3], "[*] 1 fixable with `--fix`.");
    assert_eq!(lines.len(), 4);
}

fn sarif_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let schema_path = repo().join("testdata/schemas/sarif-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&schema_path).expect("schema present"))
            .expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = "https://json.schemastore.org/sarif-2.1.0.json";
    compiler.add_resource(url, schema).expect("schema added");
    let index = compiler.compile(url, &mut schemas).expect("schema compiles");
    (schemas, index)
}

#[test]
fn sarif_is_valid_and_counts_utf16_columns() {
    // Two astral characters before `allow`: 2 characters, 4 UTF-16 units.
    let wide =
        "{\"Version\": \"1\", \"Statement\": [{\"Sid\": \"\u{1F600}\u{1F600}\", \"Effect\": \"allow\", \
                \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"}]}\n";
    let dir = scratch(&[("wide.json", wide), ("q.json", EMPTY_RESOURCE), ("clean.json", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ens:CreateImage\",\"Resource\":\"*\"}]}")]);
    let output = run_in(&dir, &["--format", "sarif", "."]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");

    let (schemas, index) = sarif_validator();
    if let Err(error) = schemas.validate(&log, index) {
        panic!("SARIF does not match the 2.1.0 schema: {error:#}");
    }

    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["empty-value", "invalid-effect", "undocumented-element"]);
    let rule = &run["tool"]["driver"]["rules"][1];
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert!(rule["shortDescription"]["text"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert!(rule["help"]["markdown"]
        .as_str()
        .is_some_and(|t| t.contains("```json")));

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let effect = results
        .iter()
        .find(|r| r["ruleId"] == "invalid-effect")
        .expect("invalid-effect result");
    // Results are streamed before the rule table, so they name their rule
    // by id (SARIF's `ruleIndex` is optional).
    assert!(effect.get("ruleIndex").is_none());
    assert_eq!(effect["level"], "error");
    let region = &effect["locations"][0]["physicalLocation"]["region"];
    let offset = wide.find("\"allow\"").expect("present");
    assert_eq!(region["byteOffset"], offset);
    assert_eq!(region["byteLength"], 7);
    // Characters before `"allow"`: offset bytes minus 3 extra per emoji;
    // UTF-16 units: 2 per emoji, i.e. one more than characters each.
    let chars = wide[..offset].chars().count();
    assert_eq!(region["startColumn"], chars + 2 + 1);
    assert_eq!(region["endColumn"], chars + 2 + 1 + 7);
    assert_eq!(
        effect["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "wide.json"
    );
    assert_eq!(run["columnKind"], "utf16CodeUnits");
}

#[test]
fn sarif_for_a_clean_run_is_valid_and_empty() {
    let dir = scratch(&[("clean.json", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ens:CreateImage\",\"Resource\":\"*\"}]}")]);
    let output = run_in(&dir, &["--format", "sarif", "."]);
    assert_eq!(output.status.code(), Some(0));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    let (schemas, index) = sarif_validator();
    assert!(schemas.validate(&log, index).is_ok());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], serde_json::json!([]));
}

// ---------------------------------------------------------- configuration

/// Runs with `config` as `policy-check.toml` beside `p.json` and `q.json`.
fn with_config(config: &str, args: &[&str]) -> Output {
    let dir = scratch(&[
        ("policy-check.toml", config),
        ("p.json", LOWERCASE_ALLOW),
        ("sub/q.json", EMPTY_RESOURCE),
    ]);
    let mut all = vec!["--format", "short"];
    all.extend_from_slice(args);
    run_in(&dir, &all)
}

#[test]
fn the_nearest_config_is_found_from_a_subfolder() {
    let dir = scratch(&[
        ("policy-check.toml", "[rules]\nempty-value = \"error\"\n"),
        ("sub/deeper/q.json", EMPTY_RESOURCE),
    ]);
    let output = run_in(&dir.join("sub"), &["--format", "short"]);
    assert_eq!(
        stdout(&output),
        "deeper/q.json:4:66: error[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_explicit_config_wins_over_the_nearest_one() {
    let dir = scratch(&[
        ("policy-check.toml", "[rules]\nempty-value = \"error\"\n"),
        ("other.toml", "[rules]\nempty-value = \"off\"\n"),
        ("q.json", EMPTY_RESOURCE),
    ]);
    let output = run_in(&dir, &["--format", "short", "--config", "other.toml"]);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn rules_set_levels_and_turn_rules_off() {
    let output = with_config(
        "[rules]\ninvalid-effect = \"off\"\nempty-value = \"suggestion\"\n",
        &[],
    );
    assert_eq!(
        stdout(&output),
        "sub/q.json:4:66: suggestion[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn include_and_exclude_filter_walked_files_relative_to_the_config() {
    let output = with_config("include = [\"sub/**\"]\n", &[]);
    assert!(stdout(&output).starts_with("sub/q.json:"), "{}", stdout(&output));
    assert_eq!(stdout(&output).lines().count(), 1);

    let output = with_config("exclude = [\"sub/**\"]\n", &[]);
    assert!(stdout(&output).starts_with("p.json:"), "{}", stdout(&output));
    assert_eq!(stdout(&output).lines().count(), 1);

    // Named files are linted even when excluded, unless --force-exclude.
    let output = with_config("exclude = [\"sub/**\"]\n", &["sub/q.json"]);
    assert!(stdout(&output).starts_with("sub/q.json:"), "{}", stdout(&output));
    let output = with_config("exclude = [\"sub/**\"]\n", &["--force-exclude", "sub/q.json"]);
    assert_eq!(stdout(&output), "");
}

#[test]
fn force_exclude_skips_named_json_files_that_are_not_policies() {
    let dir = scratch(&[("package.json", "{\"name\": \"x\"}"), ("p.json", LOWERCASE_ALLOW)]);
    let output = run_in(&dir, &["--format", "short", "package.json", "p.json"]);
    assert!(stdout(&output).contains("package.json:"), "{}", stdout(&output));
    let output = run_in(
        &dir,
        &["--format", "short", "--force-exclude", "package.json", "p.json"],
    );
    assert!(!stdout(&output).contains("package.json"), "{}", stdout(&output));
    assert!(stdout(&output).contains("p.json:4:16"), "{}", stdout(&output));
}

#[test]
fn fail_on_from_the_file_and_from_the_command_line() {
    // Only a warning (empty-value) remains once invalid-effect is off.
    let base = "[rules]\ninvalid-effect = \"off\"\n";
    assert_eq!(with_config(base, &[]).status.code(), Some(0));
    let config = format!("fail-on = \"warning\"\n{base}");
    assert_eq!(with_config(&config, &[]).status.code(), Some(1));
    // The command line overrides the file.
    assert_eq!(
        with_config(&config, &["--fail-on", "error"]).status.code(),
        Some(0)
    );
}

#[test]
fn select_and_ignore_override_the_file() {
    let config = "[rules]\nempty-value = \"off\"\n";
    let output = with_config(config, &["--select", "empty-value"]);
    assert_eq!(
        stdout(&output),
        "sub/q.json:4:66: warning[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
    let output = with_config("", &["--ignore", "invalid-effect,empty-value"]);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
    let output = with_config("", &["--select", "invalid-efect"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid-efect"), "{}", stderr(&output));
}

#[test]
fn max_policy_length_is_configurable() {
    let output = with_config("max-policy-length = 50\n", &["p.json"]);
    assert!(
        stdout(&output).contains("error[policy-too-large]"),
        "{}",
        stdout(&output)
    );
    let output = with_config("", &["p.json"]);
    assert!(
        !stdout(&output).contains("policy-too-large"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn extra_actions_are_known_actions() {
    let newer = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:SomeNewerApi", "Resource": "*"}]}"#;
    let dir = scratch(&[("p.json", newer)]);
    let output = run_in(&dir, &["--format", "short"]);
    assert!(
        stdout(&output).contains("error[unknown-action]"),
        "{}",
        stdout(&output)
    );
    fs::write(
        dir.join("policy-check.toml"),
        "extra-actions = [\"ens:SomeNewerApi\"]\n",
    )
    .expect("write");
    let output = run_in(&dir, &["--format", "short"]);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_access_ceiling_applies_only_under_its_override() {
    let create = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ens:DescribeImages", "ens:Create*"], "Resource": "*"}]}"#;
    let config = "[[overrides]]\nfiles = [\"readonly/**\"]\nallowed-access-levels = [\"list\", \"get\"]\n\
                  [[overrides]]\nfiles = [\"builders/**\"]\nallowed-access-levels = [\"list\", \"get\", \"create\"]\n";
    let dir = scratch(&[
        ("policy-check.toml", config),
        ("readonly/p.json", create),
        ("builders/p.json", create),
        ("admin/p.json", create),
    ]);
    let output = run_in(&dir, &["--format", "short", "--ignore", "broad-action-wildcard"]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(
            "readonly/p.json:1:85: error[access-level-exceeded] beyond the levels allowed here (list, get), \
             `ens:Create*` allows"
        ),
        "{text}"
    );
    assert!(text.contains("create (`"), "{text}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn overrides_apply_by_path() {
    let config = "[[overrides]]\nfiles = [\"sub/**\"]\nrules = { empty-value = \"error\" }\n";
    let output = with_config(config, &[]);
    assert!(
        stdout(&output).contains("sub/q.json:4:66: error[empty-value]"),
        "{}",
        stdout(&output)
    );
    // Another folder is untouched by the override.
    let dir = scratch(&[("policy-check.toml", config), ("other/q.json", EMPTY_RESOURCE)]);
    let output = run_in(&dir, &["--format", "short"]);
    assert!(
        stdout(&output).contains("warning[empty-value]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn stdin_uses_the_settings_of_its_stdin_filename() {
    let dir = scratch(&[(
        "policy-check.toml",
        "[[overrides]]\nfiles = [\"strict/**\"]\nrules = { empty-value = \"error\" }\n",
    )]);
    let output = run_with_stdin(
        &dir,
        &["--format", "short", "--stdin-filename", "strict/buffer.json", "-"],
        EMPTY_RESOURCE,
    );
    assert_eq!(
        stdout(&output),
        "strict/buffer.json:4:66: error[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
}

#[test]
fn force_exclude_applies_to_the_stdin_filename() {
    let dir = scratch(&[("policy-check.toml", "exclude = [\"vendor/**\"]\n")]);
    let args = ["--format", "short", "--stdin-filename", "vendor/p.json", "-"];
    let output = run_with_stdin(&dir, &args, EMPTY_RESOURCE);
    assert!(
        stdout(&output).starts_with("vendor/p.json:4:66:"),
        "{}",
        stdout(&output)
    );
    let mut forced = vec!["--force-exclude"];
    forced.extend(args);
    let output = run_with_stdin(&dir, &forced, EMPTY_RESOURCE);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

/// Each bad configuration: exit 2, the message, and a snippet whose
/// underline sits on `underlined`.
#[test]
fn config_errors_point_into_the_toml() {
    let cases: &[(&str, &str, &str)] = &[
        ("colour = 1\n", "unknown field `colour`", "colour"),
        (
            "[rules]\nempty-valu = \"off\"\n",
            "unknown rule `empty-valu`; did you mean `empty-value`?",
            "empty-valu",
        ),
        (
            "[rules]\nempty-value = \"loud\"\n",
            "unknown level `loud` (expected off, error, security-warning, warning or suggestion)",
            "\"loud\"",
        ),
        ("fail-on = \"fatal\"\n", "unknown severity `fatal`", "\"fatal\""),
        (
            "fail-on = [\"error\"]\n",
            "`fail-on` is a threshold, not a list",
            "[\"error\"]",
        ),
        (
            "[rules]\nio-error = \"off\"\n",
            "`io-error` cannot be configured",
            "io-error",
        ),
        (
            "extra-condition-keys = [\"SourceVpc\"]\n",
            "not a condition key of the form",
            "\"SourceVpc\"",
        ),
        ("include = [\"a/{b\"]\n", "invalid glob `a/{b`", "\"a/{b\""),
        (
            "max-policy-length = \"big\"\n",
            "invalid type: string \"big\", expected usize",
            "\"big\"",
        ),
        (
            "extra-actions = \"ens:X\"\n",
            "invalid type: string \"ens:X\", expected a sequence",
            "\"ens:X\"",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\nallowed-access-levels = [\"read\"]\n",
            "unknown access level `read`",
            "\"read\"",
        ),
        (
            "[[overrides]]\nallowed-access-levels = [\"list\"]\n",
            "missing field `files`",
            "",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\njsonpath = \"$.Resources[\"\n",
            "invalid JSONPath expression",
            "\"$.Resources[\"",
        ),
        (
            "[[overrides]]\nfiles = [\"a/**\"]\nrules = { nope = \"off\" }\n",
            "unknown rule `nope`",
            "nope",
        ),
    ];
    let mut failures = Vec::new();
    for (config, message, underlined) in cases {
        let output = with_config(config, &[]);
        let err = stderr(&output);
        // miette wraps long messages onto `│` continuation lines, at spaces
        // or after hyphens; compare without whitespace and wrap marks.
        let squeeze =
            |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace() && *c != '│').collect() };
        let message_text = squeeze(&err);
        if output.status.code() != Some(2) {
            failures.push(format!("{config:?}: exit {:?}", output.status.code()));
        }
        if !message_text.contains(&squeeze(message)) {
            failures.push(format!("{config:?}: message {message:?} not in\n{err}"));
        }
        if !err.contains("policy-check.toml:") || !err.contains('╭') {
            failures.push(format!("{config:?}: no snippet of the TOML in\n{err}"));
        }
        // The underline (`─` per character) must sit under the token.
        if !underlined.is_empty() {
            let line = config
                .lines()
                .find(|l| l.contains(underlined))
                .expect("token in config");
            let column = line.find(underlined).expect("token on line");
            let lines: Vec<&str> = err.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.ends_with(line))
                .expect("config line shown");
            let marker = lines.get(at + 1).copied().unwrap_or_default();
            let gutter = lines[at].chars().count() - line.chars().count();
            let expected = "─".repeat(underlined.chars().count());
            let under: String = marker
                .chars()
                .skip(gutter + column)
                .take(underlined.chars().count())
                .collect();
            if under != expected {
                failures.push(format!("{config:?}: underline not under {underlined:?}\n{err}"));
            }
        }
        if !stdout(&output).is_empty() {
            failures.push(format!("{config:?}: files were linted despite the bad config"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_unreadable_explicit_config_is_a_usage_error() {
    let dir = scratch(&[("p.json", LOWERCASE_ALLOW)]);
    let output = run_in(&dir, &["--config", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read configuration `missing.toml`"));
}

// -------------------------------------------------------------- jsonpath

/// The text of the host file under the finding's span, from `--format json`.
fn flagged(host: &str, output: &Output) -> Vec<(String, String, String)> {
    let report: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON output");
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let offset = d["span"]["offset"].as_u64().expect("offset") as usize;
            let length = d["span"]["length"].as_u64().expect("length") as usize;
            (
                d["rule"].as_str().expect("rule").to_string(),
                host[offset..offset + length].to_string(),
                d["path"].as_str().expect("path").to_string(),
            )
        })
        .collect()
}

#[test]
fn jsonpath_lints_embedded_objects_in_place() {
    let host = fs::read_to_string(repo().join("testdata/workflow/example-repo/templates/ros-stack.json"))
        .expect("template");
    let dir = scratch(&[("stack.json", &host)]);
    let output = run_in(&dir, &["--format", "json", "--jsonpath", ROS_QUERY, "stack.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        flagged(&host, &output),
        [(
            "invalid-effect".to_string(),
            "\"allow\"".to_string(),
            "$['Statement'][0]['Effect']".to_string()
        )]
    );
    let short = run_in(
        &dir,
        &["--format", "short", "--jsonpath", ROS_QUERY, "stack.json"],
    );
    assert!(
        stdout(&short).starts_with("stack.json:13:25: error[invalid-effect]"),
        "{}",
        stdout(&short)
    );
}

#[test]
fn jsonpath_maps_string_embedded_policies_through_escapes() {
    // As `terraform show -json` prints them: the policy is a JSON string,
    // with `\"`, `\n`, `\u00e9` and a surrogate pair before the findings.
    let host = r#"{"values": {"root_module": {"resources": [{"type": "alicloud_ram_policy",
  "values": {"name": "caf\u00e9 \ud83d\ude00", "document": "{\n  \"Version\": \"1\",\n  \"Statement\": [{\"Sid\": \"\u00e9\ud83d\ude00\", \"Effect\": \"allow\", \"Action\": [], \"Resource\": \"*\"}]\n}"}}]}}}
"#;
    let dir = scratch(&[("plan.json", host)]);
    let query = "$.values.root_module.resources[*].values.document";
    let output = run_in(&dir, &["--format", "json", "--jsonpath", query, "plan.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(
        report["diagnostics"][0]["document"],
        "$['values']['root_module']['resources'][0]['values']['document']"
    );
    let at = |element: &str| format!("$['Statement'][0]['{element}']");
    assert_eq!(
        flagged(host, &output),
        [
            (
                "undocumented-element".to_string(),
                r#"\"Sid\""#.to_string(),
                at("Sid")
            ),
            (
                "invalid-effect".to_string(),
                r#"\"allow\""#.to_string(),
                at("Effect")
            ),
            ("empty-value".to_string(), "[]".to_string(), at("Action")),
        ]
    );
}

#[test]
fn jsonpath_reports_a_string_that_is_not_json_inside_the_host() {
    let host = "{\"p\": \"{\\\"Version\\\": \\\"1\\\",}\"}";
    let dir = scratch(&[("h.json", host)]);
    let output = run_in(&dir, &["--format", "json", "--jsonpath", "$.p", "h.json"]);
    let found = flagged(host, &output);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "invalid-json");
    assert!(found[0].1 == "}" || found[0].1 == ",", "{found:?}");
}

#[test]
fn jsonpath_does_not_lint_the_host_itself() {
    // The host has a top-level Version but a key outside RAM's grammar, so
    // it is no policy; the expression matches nothing: the host is not
    // linted, and the run says nothing was found instead of passing.
    let dir = scratch(&[("h.json", "{\"Version\": 2, \"Other\": {}}")]);
    let output = run_in(
        &dir,
        &["--format", "short", "--jsonpath", "$.Resources.*", "h.json"],
    );
    assert_eq!(
        stdout(&output),
        "h.json:1:1: warning[no-policy-found] no policy document found: looked for policy documents at the JSONPath expression `$.Resources.*`, which matches nothing here\n"
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "a warning does not block by default"
    );
    let output = run_in(&dir, &["--jsonpath", "$[", "h.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid JSONPath"),
        "{}",
        stderr(&output)
    );
}

// ------------------------------------------------------------ completions

#[test]
fn completions_for_each_shell() {
    let dir = repo();
    for (shell, marker) in [
        ("bash", "complete -F _policy__check"),
        ("zsh", "#compdef policy-check"),
        ("fish", "complete -c policy-check"),
    ] {
        let output = run_in(&dir, &["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        assert!(script.contains("jsonpath"), "{shell}: flags missing");
        assert!(
            script.contains("access-level-exceeded"),
            "{shell}: rule ids missing"
        );
    }
    assert_eq!(run_in(&dir, &["completions", "tcsh"]).status.code(), Some(2));
}

/// What the generated bash script offers for `words` (the last one is the
/// word being completed), asked of a real bash the way bash asks on TAB:
/// COMP_WORDS and COMP_CWORD set, the registered function called with the
/// command, the current word and the previous one.
fn bash_completions(script: &Path, cases: &[&[&str]]) -> Vec<Vec<String>> {
    let mut driver = format!(
        "source '{}' || exit 3\nf=$(complete -p policy-check | sed -E 's/.* -F ([^ ]+) .*/\\1/')\n",
        script.display()
    );
    for words in cases {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        driver.push_str(&format!(
            "COMP_WORDS=({})\nCOMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\nCOMPREPLY=()\n\
             \"$f\" policy-check \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             echo \"${{COMPREPLY[*]}}\"\n",
            quoted.join(" ")
        ));
    }
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &driver])
        .output()
        .expect("bash runs (the completion test needs it)");
    assert!(output.status.success(), "bash: {}", stderr(&output));
    let lines: Vec<Vec<String>> = stdout(&output)
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert_eq!(lines.len(), cases.len(), "{}", stdout(&output));
    lines
}

/// clap_complete's bash script once completed nothing after a subcommand
/// (its states were spelled two ways for a hyphenated binary name): every
/// subcommand's flags and values, and rule ids after `explain`, complete.
#[test]
fn bash_completion_completes_in_a_real_bash() {
    let dir = scratch(&[]);
    let output = run_in(&dir, &["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = dir.join("policy-check.bash");
    fs::write(&script, &output.stdout).expect("write the script");
    let cases: &[&[&str]] = &[
        &["policy-check", "simulate", "--for"],
        &["policy-check", "simulate", "--format", ""],
        &["policy-check", "explain", "invalid-e"],
        &["policy-check", "explain", ""],
        &["policy-check", "rules", "--d"],
        &["policy-check", "completions", "f"],
        &["policy-check", "test", "--h"],
        &["policy-check", "--ignore", "unknown-a"],
        &["policy-check", "sim"],
    ];
    let got = bash_completions(&script, cases);
    let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(got[0], words(&["--format"]));
    assert_eq!(got[1], words(&["human", "json"]));
    assert_eq!(got[2], words(&["invalid-effect"]));
    for rule in policy_check::core::Rule::ALL {
        assert!(
            got[3].iter().any(|w| w == rule.id()),
            "explain: {} missing",
            rule.id()
        );
    }
    assert_eq!(got[4], words(&["--docs"]));
    assert_eq!(got[5], words(&["fish"]));
    assert_eq!(got[6], words(&["--help"]));
    assert_eq!(got[7], words(&["unknown-action"]));
    assert_eq!(got[8], words(&["simulate"]));
}

// ------------------------------------------------------- example repository

#[test]
fn example_repository_end_to_end() {
    let example = repo().join("testdata/workflow/example-repo");
    let output = run_in(&example, &["--format", "short"]);
    // Legacy policies are excluded, package.json is not a policy, the
    // readonly override raises empty-value to an error and sets the access
    // ceiling, the top-level rules table lowers undocumented-element, and
    // the templates override lints the documents inside the ROS template.
    assert_eq!(
        stdout(&output),
        "policies/admin/image-builder.json:5:7: suggestion[undocumented-element] `Sid` is not a documented RAM policy element\n\
         policies/readonly/viewer.json:6:65: error[access-level-exceeded] `ens:CreateImage` is a create operation, beyond the levels allowed here (list, get)\n\
         policies/readonly/viewer.json:7:19: error[empty-value] `Resource` is an empty array: it matches nothing\n\
         templates/ros-stack.json:13:25: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"allow\"\n\
         templates/ros-stack.json:57:84: warning[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
    assert_eq!(output.status.code(), Some(1));

    // `--jsonpath` on the command line wins over the configuration's.
    let output = run_in(
        &example,
        &["--format", "short", "--jsonpath", ROS_QUERY, "templates"],
    );
    assert_eq!(
        stdout(&output),
        "templates/ros-stack.json:13:25: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"allow\"\n"
    );
    assert_eq!(output.status.code(), Some(1));

    // Every document a ROS template can hold: managed policies, a role's
    // trust policy (Principal, no Resource) and its inline policies.
    let all = "$.Resources.*.Properties..['PolicyDocument','AssumeRolePolicyDocument']";
    let output = run_in(&example, &["--format", "short", "--jsonpath", all, "templates"]);
    assert_eq!(
        stdout(&output),
        "templates/ros-stack.json:13:25: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"allow\"\n\
         templates/ros-stack.json:57:84: warning[empty-value] `Resource` is an empty array: it matches nothing\n"
    );
}

#[test]
fn example_repository_in_sarif_and_github_formats() {
    let example = repo().join("testdata/workflow/example-repo");
    let output = run_in(&example, &["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    let (schemas, index) = sarif_validator();
    if let Err(error) = schemas.validate(&log, index) {
        panic!("SARIF does not match the 2.1.0 schema: {error:#}");
    }
    let results = log["runs"][0]["results"].as_array().expect("results");
    let ceiling = results
        .iter()
        .find(|r| r["ruleId"] == "access-level-exceeded")
        .expect("access-level-exceeded result");
    // The statement's Effect is a secondary label: a related location.
    let related = &ceiling["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "allowed by this statement");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 5);
    assert_eq!(
        ceiling["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/readonly/viewer.json"
    );
    // The configured level, not the rule's default, is the result's level.
    let sid = results
        .iter()
        .find(|r| r["ruleId"] == "undocumented-element")
        .expect("undocumented-element result");
    assert_eq!(sid["level"], "note");

    let output = run_in(&example, &["--format", "github"]);
    let text = stdout(&output);
    assert!(
        text.starts_with("::notice file=policies/admin/image-builder.json,line=5,col=7,"),
        "{text}"
    );
    assert!(
        text.contains("::error file=policies/readonly/viewer.json,line=6,col=65,endLine=6,endColumn=82,"),
        "{text}"
    );
}
