//! The engine parses each file once: `diff` of two 6 KB policies, run
//! in-process through the command line's own entry point, parses each file
//! exactly once (the engine keeps the trees it read; the comparison and the
//! re-check of every witness evaluate those trees).
//!
//! How parses are counted: the JSON parser counts each text it parses on
//! the calling thread (`engine::parses_on_this_thread`). The diff runs in a
//! one-thread rayon pool made of this very thread, so work `diff` hands to
//! rayon is counted too.

use std::io::Write as _;

use clap::Parser as _;
use policy_check::cli::{run, Cli};
use policy_check::engine::parses_on_this_thread;

/// A policy of `statements` statements over ENS actions, about 6 KB at 40.
fn policy(statements: usize, actions: &[&str]) -> String {
    let statements: Vec<String> = (0..statements)
        .map(|i| {
            let action = actions[i % actions.len()];
            format!(
                r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": ["ens:{action}"], "Resource": "acs:ens:*:*:instance/i-{i:04}", "Condition": {{"IpAddress": {{"acs:SourceIp": "10.0.{i}.0/24"}}}}}}"#
            )
        })
        .collect();
    format!(
        "{{\"Version\": \"1\", \"Statement\": [\n{}\n]}}\n",
        statements.join(",\n")
    )
}

/// Runs `policy-check ARGS` in this process on this thread alone; returns
/// its exit code and how many texts it parsed.
fn run_counting(args: &[&str]) -> (u8, usize, String) {
    let cli = Cli::try_parse_from(args).expect("valid arguments");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .expect("a one-thread pool");
    let before = parses_on_this_thread();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = pool.install(|| run(cli, &mut std::io::empty(), &mut out, &mut err));
    let parses = parses_on_this_thread() - before;
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err)
    );
    (code, parses, output)
}

#[test]
fn diff_of_two_6_kb_policies_parses_each_file_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let old = policy(40, &["DescribeInstances", "StartInstance"]);
    // NEW grants one more action, so a witness is found and re-checked.
    let new = policy(40, &["DescribeInstances", "StartInstance", "StopInstance"]);
    for text in [&old, &new] {
        assert!((5_500..7_500).contains(&text.len()), "{} bytes", text.len());
    }
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::File::create(&old_path)
        .and_then(|mut f| f.write_all(old.as_bytes()))
        .expect("written");
    std::fs::File::create(&new_path)
        .and_then(|mut f| f.write_all(new.as_bytes()))
        .expect("written");

    let (code, parses, output) = run_counting(&[
        "policy-check",
        "diff",
        old_path.to_str().expect("UTF-8"),
        new_path.to_str().expect("UTF-8"),
    ]);
    assert_eq!(code, 1, "NEW allows more: {output}");
    assert!(output.contains("ens:StopInstance"), "{output}");
    assert_eq!(parses, 2, "one parse per file:\n{output}");
}

#[test]
fn the_counter_sees_a_parse() {
    // The counter itself can fail: linting one file parses it.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("p.json");
    std::fs::write(&path, policy(1, &["DescribeInstances"])).expect("written");
    let (_, parses, output) = run_counting(&["policy-check", path.to_str().expect("UTF-8")]);
    assert_eq!(parses, 1, "{output}");
}
