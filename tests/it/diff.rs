//! `policy-check diff` as users run it: one fixture per kind of change under
//! testdata/diff/ (exit code, the new actions, the witness, the span of the
//! NEW statement), a human-output snapshot, `--reference`, and usage errors.
//! Runs the real binary.

use crate::common;

use std::path::Path;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn diff(args: &[&str]) -> (i32, String, String) {
    diff_in(root(), args)
}

/// Runs the binary in `dir`; every witness a `diff` prints is re-run
/// through its own `check:` line (human) or its request (JSON), on NEW
/// (allowed, exit 0) and OLD (not).
fn diff_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = common::run(dir, args, b"");
    let (code, out, err) = (
        output.status.code().unwrap_or(-1),
        common::stdout(&output),
        common::stderr(&output),
    );
    if args.first() == Some(&"diff") && !args.contains(&"--base") && code != 2 {
        let (old, new) = (&args[args.len() - 2..args.len() - 1], &args[args.len() - 1..]);
        let replayed = if args.contains(&"json") {
            let report = serde_json::from_str(&out).expect("a JSON report");
            common::replay_json_witnesses(dir, &report, old, new)
        } else {
            common::replay_witnesses(dir, &out, old, new)
        };
        // Exit 1 with new access prints a witness, and every one replays.
        let found = out.lines().any(|l| l.starts_with("new access:")) || out.contains("\"new-access\"");
        assert_eq!(replayed > 0, found, "{out}");
    }
    (code, out, err)
}

fn replay_checks(dir: &Path, out: &str, old: &str, new: &str) {
    common::replay_witnesses(dir, out, &[old], &[new]);
}

fn diff_json(case: &str) -> (i32, Value) {
    let old = format!("testdata/diff/{case}/old.json");
    let new = format!("testdata/diff/{case}/new.json");
    let (code, out, err) = diff(&["diff", "--format", "json", &old, &new]);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{case}: JSON ({e}): {out}{err}"));
    (code, doc)
}

/// Each fixture: exit code, an action that must be among the new ones (its
/// witness group's) and a context key its witness must carry.
const CASES: &[(&str, i32, Option<&str>, Option<&str>)] = &[
    ("add-action", 1, Some("ens:DeleteImage"), None),
    ("widen-wildcard", 1, Some("ens:StartInstance"), None),
    ("remove-deny", 1, Some("ens:DeleteImage"), None),
    ("cidr", 1, Some("ens:CreateImage"), Some("acs:SourceIp")),
    ("later-date", 1, Some("ens:CreateImage"), Some("acs:CurrentTime")),
    (
        "equals-to-like",
        1,
        Some("ens:CreateImage"),
        Some("acs:UserAgent"),
    ),
    ("drop-key", 1, Some("ens:CreateImage"), Some("acs:SourceIp")),
    ("instance-to-star", 1, Some("ens:CreateImage"), None),
    ("notaction-new", 1, Some("ens:CreateImage"), None),
    ("same-rewrite", 0, None, None),
    ("notaction-old", 0, None, None),
];

#[test]
fn every_fixture_gets_its_verdict_and_witness() {
    for &(case, expected, action, key) in CASES {
        let (code, doc) = diff_json(case);
        assert_eq!(code, expected, "{case}: {doc:#}");
        let found = doc["new_access"].as_array().expect("new_access");
        assert!(
            doc["unknown"].as_array().expect("unknown").is_empty(),
            "{case}: {doc:#}"
        );
        let Some(action) = action else {
            assert_eq!(doc["result"], "no-new-access", "{case}");
            assert!(found.is_empty(), "{case}");
            continue;
        };
        assert_eq!(doc["result"], "new-access", "{case}");
        let group = found
            .iter()
            .find(|f| {
                f["actions"]
                    .as_array()
                    .expect("actions")
                    .iter()
                    .any(|a| a == action)
            })
            .unwrap_or_else(|| panic!("{case}: {action} not reported: {doc:#}"));
        if let Some(key) = key {
            assert!(
                group["request"]["context"].get(key).is_some(),
                "{case}: {group:#}"
            );
        }
        // The span is the whole NEW statement that allows the witness.
        let at = &group["allowed_by"][0];
        let text = std::fs::read_to_string(root().join(at["file"].as_str().expect("file"))).expect("read");
        let (start, end) = (
            at["span"]["start"].as_u64().unwrap() as usize,
            at["span"]["end"].as_u64().unwrap() as usize,
        );
        assert!(
            text[start..end].starts_with('{') && text[start..end].ends_with('}'),
            "{case}"
        );
        assert_ne!(group["old"]["decision"], "allow", "{case}");
    }
}

#[test]
fn the_witness_replays_through_simulate() {
    let (_, doc) = diff_json("later-date");
    let request = &doc["new_access"][0]["request"];
    let value = request["context"]["acs:CurrentTime"][0].as_str().expect("a date");
    let context = format!("acs:CurrentTime={value}");
    let simulate = |file: &str| {
        diff(&[
            "simulate",
            "--action",
            "ens:CreateImage",
            "--context",
            &context,
            file,
        ])
        .0
    };
    assert_eq!(simulate("testdata/diff/later-date/new.json"), 0, "NEW allows it");
    assert_eq!(simulate("testdata/diff/later-date/old.json"), 1, "OLD does not");
}

#[test]
fn human_output_snapshot() {
    let (code, out, _) = diff(&[
        "diff",
        "testdata/diff/cidr/old.json",
        "testdata/diff/cidr/new.json",
    ]);
    assert_eq!(code, 1);
    if let Err(failure) = common::snapshot(&root().join("testdata/diff/cidr/expected.txt"), &out) {
        panic!("{failure}");
    }
}

#[test]
fn reference_is_the_old_side() {
    let (code, out, _) = diff(&[
        "diff",
        "--reference",
        "testdata/diff/allowlist.json",
        "testdata/diff/cidr/new.json",
    ]);
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = diff(&[
        "diff",
        "--reference",
        "testdata/diff/allowlist.json",
        "testdata/diff/cidr/old.json",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn usage_errors_and_unusable_documents_exit_2() {
    let (code, _, err) = diff(&["diff", "testdata/diff/cidr/old.json"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = diff(&["diff", "--reference", "testdata/diff/allowlist.json", "a", "b"]);
    assert_eq!(code, 2, "{err}");
    let dir = common::tree(
        "unusable",
        &[("bad.json", "{\"Version\": \"1\", \"Statement\": [")],
    );
    let bad = dir.join("bad.json");
    let (code, _, err) = diff(&[
        "diff",
        "testdata/diff/cidr/old.json",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("NEW cannot be evaluated"), "{err}");
}

/// The output a page documents for `$ COMMAND`: the lines after it up to
/// the next `$ ` line or the end of the block, and the exit code when the
/// next line is `$ echo $?`.
fn documented(page: &str, command: &str) -> (String, Option<i32>) {
    let text = std::fs::read_to_string(root().join(page)).expect("page");
    let marker = format!("$ {command}\n");
    let at = text
        .find(&marker)
        .unwrap_or_else(|| panic!("{page} documents no `$ {command}`"))
        + marker.len();
    let mut output = String::new();
    let mut lines = text[at..].lines();
    for line in lines.by_ref() {
        if line.starts_with("$ ") || line.starts_with("```") {
            let code = (line == "$ echo $?")
                .then(|| lines.next().and_then(|l| l.parse().ok()))
                .flatten();
            return (output, code);
        }
        output.push_str(line);
        output.push('\n');
    }
    panic!("{page}: the block of `$ {command}` does not end");
}

/// The diff step of the simulate walkthrough (docs/simulate.md, repeated in
/// docs/diff.md): exactly the documented command, in the documented
/// directory, gives exactly the documented output and exit code.
#[test]
fn walkthrough_pull_request_widening_the_office_cidr_is_caught() {
    let dir = root().join("testdata/diff/walkthrough");
    let command = "policy-check diff before after";
    let output = common::run(&dir, &["diff", "before", "after"], b"");
    let actual = common::stdout(&output);
    replay_checks(&dir, &actual, "before", "after");
    let (expected, code) = documented("docs/simulate.md", command);
    assert!(
        std::fs::read_to_string(root().join("docs/simulate.md"))
            .expect("page")
            .contains(&format!("$ cd testdata/diff/walkthrough\n$ {command}\n")),
        "docs/simulate.md runs it in testdata/diff/walkthrough"
    );
    assert_eq!((output.status.code(), actual.as_str()), (code, expected.as_str()));
    assert_eq!(code, Some(1));
    assert!(actual.contains("acs:SourceIp=203.0.0.0"), "{actual}");
    let (in_diff_page, _) = documented("docs/diff.md", command);
    assert_eq!(actual, in_diff_page, "docs/diff.md");
    let unchanged = common::run(&dir, &["diff", "before", "before"], b"");
    assert_eq!(unchanged.status.code(), Some(0), "{}", common::stdout(&unchanged));
}

#[test]
fn terraform_hosts_are_compared_with_spans_in_the_tf_file() {
    // OLD writes the policy as a heredoc, NEW as `jsonencode` with the CIDR
    // widened: the witness points at NEW's statement in new.tf.
    let (code, out, err) = diff(&[
        "diff",
        "--format",
        "json",
        "testdata/diff/terraform/old.tf",
        "testdata/diff/terraform/new.tf",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let found = &doc["new_access"][0];
    assert_eq!(found["request"]["action"], "ens:CreateImage");
    let by = &found["allowed_by"][0];
    assert_eq!(by["file"], "testdata/diff/terraform/new.tf");
    assert_eq!(
        (by["line"].as_u64(), by["column"].as_u64()),
        (Some(6), Some(7)),
        "{by}"
    );
    // The other way round the heredoc grants nothing the wider policy does not.
    let (code, out, err) = diff(&[
        "diff",
        "testdata/diff/terraform/new.tf",
        "testdata/diff/terraform/old.tf",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_policy_terraform_computes_cannot_be_compared() {
    let (code, out, err) = diff(&[
        "diff",
        "testdata/diff/terraform/old.tf",
        "testdata/diff/terraform/computed.tf",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("computed.tf (alicloud_ram_policy.image_builder.policy_document)"),
        "{err}"
    );
    assert!(!out.contains("no new access"), "{out}");
}

/// A wildcard service part reaches every catalogued service (300 of them):
/// the search for uncatalogued actions stays exact, and finds one.
#[test]
fn a_star_allow_finds_uncatalogued_actions_exactly() {
    let dir = common::tree(
        "diff-star",
        &[
            (
                "old.json",
                r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": ["ecs:Delete*", "x*:Get*"], "Resource": "*"}]}"#,
            ),
            (
                "new.json",
                r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
            ),
        ],
    );
    let output = common::run(&dir, &["diff", "--format", "json", "old.json", "new.json"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    let doc: Value = serde_json::from_str(&common::stdout(&output)).expect("JSON");
    assert_eq!(doc["unknown"], serde_json::json!([]), "{doc}");
    let new: Vec<String> = doc["new_access"]
        .as_array()
        .expect("new access")
        .iter()
        .flat_map(|g| g["actions"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    assert!(new.iter().any(|a| a == "ecs:DeleteInstance"), "{new:?}");
    // An action of an uncatalogued service matching `x*:Get*`.
    let catalog = policy_check::catalog::catalog();
    assert!(
        new.iter().any(|a| {
            a.split_once(':').is_some_and(|(s, n)| {
                s.starts_with(['x', 'X'])
                    && n.to_ascii_lowercase().starts_with("get")
                    && !catalog.is_catalogued(s)
            })
        }),
        "{new:?}"
    );
}

/// One policy document of `statements`.
fn doc(statements: &str) -> String {
    format!(r#"{{"Version": "1", "Statement": [{statements}]}}"#)
}

/// The cases of issue 23 that were answered wrongly: each with its verdict,
/// and a witness that replays (through `diff_in`).
#[test]
fn uncatalogued_actions_unicode_folding_and_malformed_actions() {
    let allow = |action: &str| format!(r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}"#);
    let deny_unless = |condition: &str| {
        format!(
            r#"{{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}},
               {{"Effect": "Deny", "Action": "ecs:DescribeInstances", "Resource": "*", "Condition": {{{condition}}}}}"#
        )
    };
    let cases: Vec<(&str, String, String, i32, Option<&str>)> = vec![
        (
            "wider-question",
            doc(&allow("ecs:DescribeInstances")),
            doc(&allow("ecs:DescribeInstance?")),
            1,
            Some("(not in the operation table)"),
        ),
        (
            "wider-star",
            doc(&allow("ens:CreateImage")),
            doc(&allow("ens:CreateImage*")),
            1,
            Some("new access: ens:CreateImage"),
        ),
        (
            "kelvin",
            doc(&deny_unless(r#""StringNotLike": {"acs:UserAgent": ["k", "K"]}"#)),
            doc(&deny_unless(
                r#""StringNotEqualsIgnoreCase": {"acs:UserAgent": "k"}"#,
            )),
            1,
            Some("acs:UserAgent=\u{212A}"),
        ),
        (
            "no-real-action-has-two-colons",
            doc(&format!(
                r#"{}, {{"Effect": "Deny", "Action": "*:*:*", "Resource": "*"}}"#,
                allow("*")
            )),
            doc(&allow("*")),
            0,
            None,
        ),
        (
            "empty-and-comma-values",
            doc(&allow("ens:CreateImage")).replace(
                r#""Resource": "*"}"#,
                r#""Resource": "*", "Condition": {"StringNotEquals": {"acs:UserAgent": ["", "a,b"]}}}"#,
            ),
            doc(&allow("ens:CreateImage")),
            1,
            Some("--context-json"),
        ),
    ];
    for (name, old, new, expected, shown) in cases {
        let dir = common::tree(name, &[("old.json", &old), ("new.json", &new)]);
        let (code, out, err) = diff_in(&dir, &["diff", "old.json", "new.json"]);
        assert_eq!(code, expected, "{name}: {out}{err}");
        assert!(!out.contains("unknown"), "{name}: {out}");
        if let Some(shown) = shown {
            assert!(out.contains(shown), "{name}: {out}");
        }
        for line in out.lines().filter(|l| l.starts_with("new access: ")) {
            for action in line["new access: ".len()..].split(", ") {
                let action = action.split(' ').next().unwrap_or("");
                let (service, rest) = action.split_once(':').expect("service:Name");
                assert!(
                    !service.is_empty() && !rest.is_empty() && !rest.contains(':'),
                    "{name}: {line}"
                );
            }
        }
    }
}

/// Sixteen statements on one action and two keys, reversed: the same grant,
/// decided as such (it was `unknown`). A change on top of the reordering
/// is still found.
#[test]
fn reordered_statements_are_no_new_access() {
    let statements: Vec<String> = (0..16)
        .map(|i| {
            format!(
                r#"{{"Effect": "{}", "Action": "ens:CreateImage", "Resource": "*", "Condition": {{"IpAddress": {{"acs:SourceIp": "10.{i}.0.0/16"}}, "StringLike": {{"acs:UserAgent": "agent-{i}*"}}}}}}"#,
                if i % 3 == 0 { "Deny" } else { "Allow" }
            )
        })
        .collect();
    let mut reversed = statements.clone();
    reversed.reverse();
    let dir = common::tree(
        "reordered",
        &[
            ("old.json", &doc(&statements.join(", "))),
            ("new.json", &doc(&reversed.join(", "))),
        ],
    );
    let (code, out, err) = diff_in(&dir, &["diff", "old.json", "new.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no new access"), "{out}");
    let widened = doc(&reversed.join(", ")).replacen("10.14.0.0/16", "10.14.0.0/15", 1);
    let dir = common::tree(
        "reordered-widened",
        &[("old.json", &doc(&statements.join(", "))), ("new.json", &widened)],
    );
    let (code, out, err) = diff_in(&dir, &["diff", "old.json", "new.json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("acs:SourceIp=10.15."), "{out}");
}

/// Issue 20 item 3: file names, witness values and the `--base` revision
/// reach no output raw, JSON escapes U+202E, and the printed `check:` line
/// is quoted so a shell runs nothing from the policy.
#[test]
fn diff_output_is_escaped_and_the_check_line_is_shell_quoted() {
    let hostile = "x'$(touch pwned)';touch pwned2;\u{1b}[31m\u{202e}::error::";
    let resource = serde_json::to_string(&format!("{hostile}*")).expect("json");
    let agent = serde_json::to_string(&format!("{hostile}\n::add-mask::")).expect("json");
    let old = doc(r#"{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}"#);
    let new = doc(&format!(
        r#"{{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": {resource}}},
           {{"Effect": "Allow", "Action": "ecs:StartInstance", "Resource": "*", "Condition": {{"StringEquals": {{"acs:UserAgent": {agent}}}}}}}"#
    ));
    let name = "new\u{1b}]0;\u{202e}.json";
    let dir = common::tree("hostile", &[("old.json", &old), (name, &new)]);
    let (code, out, err) = diff_in(&dir, &["diff", "old.json", name]);
    assert_eq!(code, 1, "{out}{err}");
    let raw = |s: &str| s.chars().any(|c| c == '\u{1b}' || c == '\u{202e}' || c == '\r');
    assert!(!raw(&out) && !raw(&err), "{out:?}");
    assert!(!out.lines().any(|l| l.trim_start().starts_with("::")), "{out}");
    assert!(out.contains("check: policy-check simulate"), "{out}");
    // `diff_in` pasted each check line into `sh -c`: it ran `simulate` and
    // nothing else.
    assert!(!dir.join("pwned").exists() && !dir.join("pwned2").exists());
    let (_, json, _) = diff_in(&dir, &["diff", "--format", "json", "old.json", name]);
    assert!(!raw(&json), "{json}");
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("json");
    let file = parsed["new_access"][0]["allowed_by"][0]["file"]
        .as_str()
        .expect("file");
    assert!(
        file.contains('\u{202e}'),
        "escapes decode to the real name: {file:?}"
    );
    let revision = "HEAD\u{1b}[2J\u{202e}";
    let (code, _, err) = diff_in(&dir, &["diff", "--base", revision, "old.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(!raw(&err), "{err:?}");
}

/// A comparison that runs past the delay draws a progress line on a
/// terminal and clears it; CI, a short run and a pipe get none. The delay
/// is set to zero through `POLICY_CHECK_PROGRESS_DELAY_MS` so the test
/// need not be slow.
#[cfg(unix)]
#[test]
fn a_terminal_gets_a_progress_line_once_the_delay_has_passed() {
    let dir = root().join("testdata/diff/walkthrough");
    let args = ["diff", "before", "after"];
    let (_, piped, _) = diff_in(&dir, &args);
    let no_delay = ("POLICY_CHECK_PROGRESS_DELAY_MS", "0");
    let (code, stdout, terminal) = common::run_on_terminal(&dir, &args, &[no_delay]);
    assert_eq!(code, Some(1), "{stdout}{terminal}");
    assert_eq!(stdout, piped, "the report is the same on a terminal");
    assert!(
        terminal.contains("\rpolicy-check diff: compared ") && terminal.contains(" action groups"),
        "no progress line drawn: {terminal:?}"
    );
    assert!(
        terminal.ends_with("\r\u{1b}[K"),
        "the line is cleared: {terminal:?}"
    );
    let (_, _, terminal) = common::run_on_terminal(&dir, &args, &[no_delay, ("CI", "true")]);
    assert_eq!(terminal, "", "CI logs get no progress line");
    let long_delay = ("POLICY_CHECK_PROGRESS_DELAY_MS", "60000");
    let (_, _, terminal) = common::run_on_terminal(&dir, &args, &[long_delay]);
    assert_eq!(
        terminal, "",
        "a comparison shorter than the delay prints nothing extra"
    );
    let output = std::process::Command::new(common::BIN)
        .args(args)
        .current_dir(&dir)
        .env_remove("CI")
        .env("POLICY_CHECK_PROGRESS_DELAY_MS", "0")
        .output()
        .expect("run");
    assert_eq!(common::stderr(&output), "", "a pipe never gets one");
}

/// Sizes that used to answer `unknown` (a cap of 4,096 value sets for a
/// key tested by "every value" operators): 16 and 64 statements sharing
/// one action and one key, `StringNotEquals` and `ForAllValues:` mixed,
/// reversed with one Allow narrowed (so no shortcut proves it): no new
/// access, exit 0. Dropping one Deny from NEW grants new access, with a
/// witness that replays.
#[test]
fn every_value_operators_on_one_key_are_decided_at_any_size() {
    let statement = |i: usize, narrowed: bool| {
        let like: Vec<String> = (i..i + 4).map(|j| format!("\"agent-{j}*\"")).collect();
        format!(
            r#"{{"Effect": "{}", "Action": "ecs:DescribeInstances", "Resource": "*", "Condition": {{"StringNotEquals": {{"acs:UserAgent": "agent-{i}"}}, "ForAllValues:StringLike": {{"acs:UserAgent": [{}]}}{}}}}}"#,
            if i.is_multiple_of(3) { "Deny" } else { "Allow" },
            like.join(", "),
            if narrowed {
                r#", "Bool": {"acs:SecureTransport": "true"}"#
            } else {
                ""
            }
        )
    };
    for count in [16, 64] {
        let old: Vec<String> = (0..count).map(|i| statement(i, false)).collect();
        let new: Vec<String> = (0..count).rev().map(|i| statement(i, i == 4)).collect();
        let dropped: Vec<String> = (0..count)
            .rev()
            .filter(|&i| i != 9)
            .map(|i| statement(i, i == 4))
            .collect();
        let dir = common::tree(
            &format!("every-value-{count}"),
            &[
                ("old.json", &doc(&old.join(", "))),
                ("new.json", &doc(&new.join(", "))),
                ("dropped.json", &doc(&dropped.join(", "))),
            ],
        );
        let (code, out, err) = diff_in(&dir, &["diff", "old.json", "new.json"]);
        assert_eq!(code, 0, "{count}: {out}{err}");
        assert!(out.contains("no new access") && !out.contains("unknown"), "{out}");
        let (code, out, err) = diff_in(&dir, &["diff", "old.json", "dropped.json"]);
        assert_eq!(code, 1, "{count}: {out}{err}");
        assert!(
            out.contains("OLD: explicit-deny: old.json statement 9 denies it"),
            "{out}"
        );
    }
}
