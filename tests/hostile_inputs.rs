//! Files and flags built to make the tool slow or stuck (issue 11, items 4,
//! 5 and 8): each run must finish within the hang guard of `common::run`,
//! where the code before took minutes or never returned.

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
        assert!(
            out.stdout.len() < 1_000 * n,
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
