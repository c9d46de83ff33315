//! What a new user meets in the first minutes: the documented JSON is the
//! JSON the tool prints, the documented plan example works as written, and
//! the summary lines of `--write-baseline` and `--show-files` say what
//! happened.

mod common;

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
