//! `policy-check diff` as users run it: one fixture per kind of change under
//! testdata/diff/ (exit code, the new actions, the witness, the span of the
//! NEW statement), a human-output snapshot, `--reference`, and usage errors.
//! Runs the real binary.

mod common;

use std::path::Path;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn diff(args: &[&str]) -> (i32, String, String) {
    let output = common::run(root(), args, b"");
    (
        output.status.code().unwrap_or(-1),
        common::stdout(&output),
        common::stderr(&output),
    )
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
    let expected = std::fs::read_to_string(root().join("testdata/diff/cidr/expected.txt")).expect("snapshot");
    assert_eq!((code, out.as_str()), (1, expected.as_str()));
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
