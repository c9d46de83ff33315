//! A stranger's pull request as the tree being linted: names that look
//! alike must not hide a file, links must not make the tool print files
//! outside the tree (secrets through a symlinked config or policy), and a
//! configuration that switches checking off must say so.

#![cfg(unix)]

use crate::common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{stderr, stdout};

const CLEAN: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
const BAD: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, b"")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", stdout(output), stderr(output)))
}

fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

#[test]
fn names_that_decode_alike_are_two_files_in_either_order() {
    // `a\xef\xbf\xbd.json` is U+FFFD spelled in UTF-8; `a\xff.json` is not
    // UTF-8 at all and decodes lossily to the same text.
    let replacement = OsStr::from_bytes(b"a\xef\xbf\xbd.json");
    let invalid = OsStr::from_bytes(b"a\xff.json");
    for (first, second) in [(replacement, invalid), (invalid, replacement)] {
        let dir = common::scratch(&format!("collide-{}", first.as_bytes()[1]));
        let f = dir.join("f");
        fs::create_dir_all(&f).expect("mkdir");
        for name in [first, second] {
            let text = if name == invalid { BAD } else { CLEAN };
            fs::write(f.join(name), text).expect("write");
        }
        let output = run(&dir, &["--format", "json", "f"]);
        let report = json(&output);
        assert_eq!(report["files"], 2, "{report}");
        assert_eq!(output.status.code(), Some(1), "the bad file is not hidden");
        assert_eq!(
            report["diagnostics"][0]["file"], "f/a\\xff.json",
            "undecodable bytes shown as \\xff"
        );
    }
}

#[test]
fn a_config_linked_to_a_secret_is_refused_unread() {
    let dir = common::scratch("config-environ");
    write(dir.join("p.json"), CLEAN);
    symlink("/proc/self/environ", dir.join("policy-check.toml")).expect("symlink");
    let output = std::process::Command::new(common::BIN)
        .arg("p.json")
        .current_dir(&dir)
        .env("MY_SECRET", "hunter2-do-not-print")
        .output()
        .expect("run");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(!all.contains("hunter2"), "the environment was printed: {all}");
    assert!(all.contains("symbolic link"), "{all}");
}

#[test]
fn a_config_linked_into_git_is_refused_unread() {
    let dir = common::scratch("config-git");
    write(
        dir.join(".git/config"),
        "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n",
    );
    write(dir.join("p.json"), CLEAN);
    symlink(".git/config", dir.join("policy-check.toml")).expect("symlink");
    let output = run(&dir, &["p.json"]);
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(2));
    assert!(!all.contains("c2VjcmV0"), "{all}");
    // A link to a `.toml` file inside the repository is an ordinary config.
    fs::remove_file(dir.join("policy-check.toml")).expect("rm");
    write(dir.join("shared/base.toml"), "[rules]\nallow-all = \"off\"\n");
    symlink("shared/base.toml", dir.join("policy-check.toml")).expect("symlink");
    write(dir.join("p.json"), BAD);
    let output = run(&dir, &["p.json"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn a_walked_link_out_of_the_tree_is_not_followed() {
    let dir = common::scratch("walk-link");
    write(
        dir.join("outside/credentials.json"),
        "{\"Version\": \"1\", \"Statement\": \"aws_secret=XYZ\"}",
    );
    write(dir.join("tree/policies/ok.json"), CLEAN);
    symlink(
        dir.join("outside/credentials.json"),
        dir.join("tree/policies/x.json"),
    )
    .expect("symlink");
    write(dir.join("tree/policies/inner.json"), BAD);
    symlink("inner.json", dir.join("tree/policies/alias.json")).expect("symlink");
    let output = run(&dir.join("tree"), &["policies"]);
    let text = stdout(&output);
    assert!(!text.contains("aws_secret"), "{text}");
    assert!(
        text.contains("leads outside `policies`; it was not followed"),
        "{text}"
    );
    assert!(
        text.contains("policies/alias.json"),
        "a link inside the tree is linted: {text}"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_configuration_that_switches_checks_off_is_named() {
    let dir = common::scratch("pr-config");
    write(dir.join("p.json"), BAD);
    write(
        dir.join("policy-check.toml"),
        "exclude = [\"nothing/**\"]\n[rules]\nallow-all = \"off\"\n",
    );
    let output = run(&dir, &["."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output)
            .contains("Configuration: policy-check.toml (turns off allow-all; excludes `nothing/**`)."),
        "{}",
        stdout(&output)
    );
    let report = json(&run(&dir, &["--format", "json", "."]));
    assert_eq!(
        report["configs"][0]["rules_off"],
        serde_json::json!(["allow-all"])
    );
    // --isolated: the pull request's configuration is not read at all.
    let isolated = run(&dir, &["--isolated", "."]);
    assert_eq!(isolated.status.code(), Some(1));
    assert!(!stdout(&isolated).contains("Configuration:"));
}
