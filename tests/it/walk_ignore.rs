//! Walking respects ignore files as ripgrep and ruff do: `.gitignore`,
//! `.ignore` and `.git/info/exclude` leave files out of a walk (even outside
//! a git repository), `--no-ignore` brings them back, a file named on the
//! command line is always linted, and `--show-files` says what was left
//! out and by which pattern.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{stderr, stdout, tree};

/// Draws `invalid-effect` (an error, blocking by default).
const BAD: &str = r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;
const CLEAN: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, b"")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

#[test]
fn a_gitignored_vendor_folder_is_not_linted_and_no_ignore_brings_it_back() {
    let dir = tree(
        "vendor",
        &[
            (".gitignore", "vendor/\n"),
            ("vendor/module/policy.json", BAD),
            ("policies/clean.json", CLEAN),
        ],
    );
    let output = run(&dir, &["--format", "short", "."]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(!stdout(&output).contains("vendor"), "{}", stdout(&output));

    let output = run(&dir, &["--format", "short", "--no-ignore", "."]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("vendor/module/policy.json:1:"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_file_named_on_the_command_line_is_linted_even_when_ignored() {
    let dir = tree(
        "named",
        &[(".gitignore", "vendor/\n*.json\n"), ("vendor/policy.json", BAD)],
    );
    let output = run(&dir, &["--format", "short", "vendor/policy.json"]);
    assert_eq!(code(&output), 1, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("vendor/policy.json:1:"),
        "{}",
        stdout(&output)
    );
    // The folder that holds it, walked, leaves it out.
    let output = run(&dir, &["--format", "short", "."]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

#[test]
fn dot_ignore_and_git_info_exclude_are_respected_and_negation_re_includes() {
    let dir = tree(
        "kinds",
        &[
            (".ignore", "generated/\n"),
            (".git/info/exclude", "scratch.json\n"),
            ("nested/.gitignore", "*.json\n!keep.json\n"),
            ("generated/policy.json", BAD),
            ("scratch.json", BAD),
            ("nested/drop.json", BAD),
            ("nested/keep.json", BAD),
        ],
    );
    let output = run(&dir, &["--format", "short", "."]);
    let text = stdout(&output);
    assert_eq!(code(&output), 1, "{text}{}", stderr(&output));
    assert!(text.contains("nested/keep.json:1:"), "{text}");
    for left_out in ["generated/", "scratch.json", "nested/drop.json"] {
        assert!(!text.contains(left_out), "{left_out} should be ignored:\n{text}");
    }
    let output = run(&dir, &["--format", "short", "--no-ignore", "."]);
    let text = stdout(&output);
    for back in [
        "generated/policy.json",
        "scratch.json",
        "nested/drop.json",
        "nested/keep.json",
    ] {
        assert!(
            text.contains(&format!("{back}:1:")),
            "{back} should be linted:\n{text}"
        );
    }
}

#[test]
fn show_files_says_what_was_ignored_and_by_which_pattern() {
    let dir = tree(
        "show",
        &[
            (".gitignore", "vendor/\n*.tmp.json\n"),
            (".ignore", "out/\n"),
            ("vendor/a.json", BAD),
            ("vendor/b.json", BAD),
            ("out/c.json", BAD),
            ("policies/x.tmp.json", BAD),
            ("policies/clean.json", CLEAN),
            // Not a kind the walk reads: not listed even though ignored.
            ("notes.tmp.json.txt", "x"),
        ],
    );
    let output = run(&dir, &["--show-files", "."]);
    let text = stdout(&output);
    assert_eq!(code(&output), 0, "{text}{}", stderr(&output));
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        lines,
        [
            "out/: ignored (by `out/` in .ignore; --no-ignore lints it)",
            "policies/clean.json: linted (1 policy document, 0 findings)",
            "policies/x.tmp.json: ignored (by `*.tmp.json` in .gitignore; --no-ignore lints it)",
            // A folder once, not each file in it.
            "vendor/: ignored (by `vendor/` in .gitignore; --no-ignore lints it)",
        ],
        "{text}"
    );
    // Ignored entries are no inputs: the summary counts the one linted file.
    assert!(text.contains("in 1 file"), "{text}");

    // Without ignore files nothing is listed as ignored.
    let output = run(&dir, &["--show-files", "--no-ignore", "."]);
    assert!(!stdout(&output).contains("ignored"), "{}", stdout(&output));
}

#[test]
fn a_root_whose_folders_are_walked_side_by_side_leaves_out_what_one_walk_does() {
    // With more than one thread each folder of the root is walked as a root
    // of its own; the root's ignore files, anchored patterns among them,
    // must still apply inside it, as in the one walk `--jobs 1` makes.
    let dir = tree(
        "side-by-side",
        &[
            (".gitignore", "/a/skip.json\nb/deep/\n*.tmp.json\n"),
            (".ignore", "!b/deep/\n"),
            ("a/skip.json", BAD),
            ("a/keep.json", BAD),
            ("a/x.tmp.json", BAD),
            ("a/nested/skip.json", BAD),
            ("b/deep/kept-by-ignore.json", BAD),
            ("b/.hidden/p.json", BAD),
            ("b/nested/.gitignore", "*.json\n"),
            ("b/nested/dropped.json", BAD),
            ("c/d/e/f.json", BAD),
            ("top.json", BAD),
        ],
    );
    let mut outputs = Vec::new();
    for jobs in ["1", "2", "3"] {
        let output = run(&dir, &["--show-files", "--jobs", jobs, "."]);
        // Listing files fails on nothing.
        assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
        outputs.push(stdout(&output));
    }
    let linted: Vec<&str> = outputs[0]
        .lines()
        .filter_map(|l| l.strip_suffix(" (1 policy document, 1 finding)"))
        .filter_map(|l| l.strip_suffix(": linted"))
        .collect();
    assert_eq!(
        linted,
        [
            "a/keep.json",
            "a/nested/skip.json",
            "b/deep/kept-by-ignore.json",
            "c/d/e/f.json",
            "top.json"
        ],
        "{}",
        outputs[0]
    );
    assert!(outputs[0].contains("b/.hidden/"), "{}", outputs[0]);
    assert_eq!(outputs[0], outputs[1], "--jobs 1 against --jobs 2");
    assert_eq!(outputs[0], outputs[2], "--jobs 1 against --jobs 3");
}
