//! The progress bar shows on a terminal only: standard error is given a
//! pseudo-terminal here, and the bar must appear there once the run passes
//! the delay, and never when standard error is a pipe, in CI (`CI` set), or
//! before the delay. The delay is set to zero through
//! `POLICY_CHECK_PROGRESS_DELAY_MS` so the test need not be slow.

#![cfg(unix)]

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

const POLICY: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

fn many_files(name: &str, count: usize) -> std::path::PathBuf {
    let names: Vec<String> = (0..count).map(|i| format!("p{i:04}.json")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), POLICY)).collect();
    common::tree(name, &files)
}

fn run_on_terminal(dir: &Path, env: &[(&str, &str)]) -> (String, String) {
    let (_, stdout, terminal) = common::run_on_terminal(dir, &["."], env);
    (stdout, terminal)
}

#[test]
fn a_terminal_gets_the_bar_once_the_delay_has_passed() {
    let dir = many_files("terminal", 300);
    let (stdout, terminal) = run_on_terminal(&dir, &[("POLICY_CHECK_PROGRESS_DELAY_MS", "0")]);
    assert!(stdout.contains("No problems found in 300 files"), "{stdout}");
    assert!(terminal.contains("/300 files"), "no bar drawn: {terminal:?}");
}

#[test]
fn no_bar_in_ci_or_before_the_delay() {
    let dir = many_files("quiet", 300);
    let (_, terminal) = run_on_terminal(&dir, &[("POLICY_CHECK_PROGRESS_DELAY_MS", "0"), ("CI", "true")]);
    assert_eq!(terminal, "", "CI logs get no bar");
    // The default delay is a second; three files take milliseconds.
    let small = many_files("fast", 3);
    let (_, terminal) = run_on_terminal(&small, &[]);
    assert_eq!(terminal, "", "a short run prints nothing extra");
}

#[test]
fn no_bar_when_standard_error_is_not_a_terminal() {
    let dir = many_files("piped", 300);
    let output = common::run(&dir, &["."], b"");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("files "),
        "stdout holds no bar"
    );
    let stderr = common::stderr(&output);
    assert!(
        !stderr.contains("files") && !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    // Even with no delay at all: a pipe never gets one.
    let output = Command::new(common::BIN)
        .arg(".")
        .current_dir(&dir)
        .env_remove("CI")
        .env("POLICY_CHECK_PROGRESS_DELAY_MS", "0")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(common::stderr(&output), "");
    assert!(common::stdout(&output).contains("No problems found in 300 files"));
}
