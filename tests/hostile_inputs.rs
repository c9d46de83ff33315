//! Files and flags built to make the tool slow or stuck (issue 11, items 4,
//! 5 and 8): each run must finish within the hang guard of `common::run`,
//! where the code before took minutes or never returned.

#[path = "it/common/mod.rs"]
mod common;

use common::{run, scratch, stderr};

/// One line of `n` statements, each drawing an `invalid-effect` finding.
fn one_line_policy(n: usize) -> String {
    let statement = r#"{"Effect":"allow","Action":"ens:CreateImage","Resource":"*"}"#;
    format!(
        r#"{{"Version":"1","Statement":[{}]}}"#,
        vec![statement; n].join(",")
    )
}

/// A 700 KB one-line file with 11,000 findings: columns were counted from the
/// line's start for every finding (SARIF took 28.5 s on 689 KB), and human
/// output printed the whole line for each of the first findings (1.86 GB on
/// 0.92 MB). Now every format finishes, and human output stays within a few
/// hundred bytes per finding.
#[test]
fn a_long_line_with_many_findings_is_linear_in_every_format() {
    let dir = scratch("long-line");
    let n = 11_000;
    std::fs::write(dir.join("min.json"), one_line_policy(n)).expect("write");
    for format in ["json", "sarif", "short", "github", "human"] {
        let out = run(&dir, &["--format", format, "min.json"], b"");
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        // A constant amount per finding; SARIF's is the largest, with each
        // finding's `fixes` entry (about 900 bytes pretty-printed).
        assert!(
            out.stdout.len() < 2_500 * n,
            "{format}: {} bytes for {n} findings",
            out.stdout.len()
        );
    }
}

/// `-j 1000000000` tried to start a billion threads and hung.
#[test]
fn jobs_is_capped_with_a_clear_message() {
    let dir = scratch("jobs");
    for name in ["a.json", "b.json"] {
        std::fs::write(dir.join(name), one_line_policy(1)).expect("write");
    }
    let out = run(&dir, &["-j", "1000000000", "a.json", "b.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at most 256 worker threads are allowed"),
        "{}",
        stderr(&out)
    );
    let out = run(&dir, &["-j", "256", "a.json", "b.json"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// Issue 11, item 5, through the binary: a long run between stars against a
/// long value, in an Action, in Resource ARNs (lint, `redundant-resource`,
/// `shadowed-allow`) and in a `StringLike` condition evaluated by `test`
/// and `simulate`. With backtracking (the code before) n = 160k took 15.7 s
/// for the Action alone, and the time grew with n²; now each run finishes
/// within the hang guard in a debug build, and the answers are right.
#[test]
fn long_runs_between_stars_match_in_linear_time_everywhere() {
    let n = 160_000;
    let long = "a".repeat(n);
    let run_b = format!("*{}b*", "a".repeat(n / 2));
    let star_run = format!("*{}*", "a".repeat(n / 2));
    let dir = scratch("long-runs");
    let instance = |tail: &str| format!("acs:ens:*:*:instance/{tail}");
    let policy = serde_json::json!({
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [format!("ens:{long}"), format!("ens:{run_b}"), "ens:RebootInstance"],
                "Resource": [instance(&long), instance(&run_b), instance(&star_run)],
                "Condition": { "StringLike": { "acs:UserAgent": [run_b.clone(), star_run.clone()] } }
            },
            {
                "Effect": "Deny",
                "Action": "ens:DeleteImage",
                "Resource": instance(&run_b)
            }
        ]
    });
    std::fs::write(dir.join("policy.json"), policy.to_string()).expect("write");
    let out = run(&dir, &["--format", "json", "policy.json"], b"");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    // `instance/<a..a>` and `instance/*a..ab*` are both covered by `instance/*a..a*`.
    assert_eq!(
        rules.iter().filter(|r| **r == "redundant-resource").count(),
        2,
        "{rules:?}"
    );
    let case = |name: &str, agent: &str, expect: &str| {
        serde_json::json!({
            "name": name,
            "action": "ens:RebootInstance",
            "resource": instance(&long),
            "context": { "acs:UserAgent": agent },
            "expect": expect
        })
    };
    let tests = serde_json::json!({
        "policies": ["policy.json"],
        "cases": [
            case("a long agent matches the second pattern", &long, "allow"),
            case("an agent without the run matches neither", "b", "implicit-deny"),
        ]
    });
    std::fs::write(dir.join("long.test.json"), tests.to_string()).expect("write");
    let out = run(&dir, &["test", "long.test.json"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        common::stdout(&out).contains("2 passed, 0 failed"),
        "{}",
        common::stdout(&out)
    );
    // One argument may hold at most 128 KiB, so `simulate` gets a value
    // just longer than the run.
    let value = "a".repeat(n / 2 + 10);
    let resource = format!("--resource={}", instance(&value));
    let context = format!("acs:UserAgent={value}");
    let out = run(
        &dir,
        &[
            "simulate",
            "policy.json",
            "--action",
            "ens:RebootInstance",
            &resource,
            "--context",
            &context,
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        common::stdout(&out).starts_with("allow"),
        "{}",
        &common::stdout(&out)[..200]
    );
}

/// One 10 KB pattern covering 1,000 short actions: every `redundant-action`
/// message quoted the whole pattern (250 KB of input printed 400 MB). Quoted
/// tokens are now cut to their ends, so output grows with the findings, not
/// with the findings times the pattern.
#[test]
fn a_long_covering_pattern_is_not_repeated_in_every_message() {
    let dir = scratch("long-cover");
    let pattern = format!("ens:{}", "*".repeat(10_000));
    let n = 1_000;
    let mut actions = vec![format!("\"{pattern}\"")];
    actions.extend((0..n).map(|i| format!("\"ens:Describe{i}\"")));
    let policy = format!(
        r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    std::fs::write(dir.join("p.json"), &policy).expect("write");
    for format in ["json", "human"] {
        let out = run(&dir, &["--isolated", "--format", format, "p.json"], b"");
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(
            out.stdout.len() < 2_500 * n,
            "{format}: {} bytes for {n} findings on {} bytes",
            out.stdout.len(),
            policy.len()
        );
    }
}

/// The peak memory of one run of the binary, in KiB, from `wait4` (which
/// reaps the child, so `Child::wait` is never called).
#[cfg(unix)]
#[allow(clippy::zombie_processes)]
fn peak_kib(dir: &std::path::Path, args: &[&str]) -> i64 {
    use std::os::unix::process::ExitStatusExt;
    let child = std::process::Command::new(common::BIN)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in; the pid is
    // our own child's, reaped once here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(reaped, child.id() as i32);
    assert_eq!(std::process::ExitStatus::from_raw(status).code(), Some(1));
    usage.ru_maxrss
}

/// SARIF was built whole in memory, pretty-printed and escaped in copies
/// (3.3 MB of input took 1.8 GB). Streamed, it needs no more than the
/// compact `short` format does for the same findings.
#[cfg(unix)]
#[test]
fn sarif_is_streamed_in_the_memory_of_the_findings() {
    let dir = scratch("sarif-memory");
    std::fs::write(dir.join("big.json"), one_line_policy(20_000)).expect("write");
    let short = peak_kib(&dir, &["--isolated", "--format", "short", "big.json"]);
    let sarif = peak_kib(&dir, &["--isolated", "--format", "sarif", "big.json"]);
    assert!(
        sarif * 2 < short * 3,
        "SARIF peaked at {sarif} KiB, short at {short} KiB"
    );
}
