//! `--format gitlab`: a GitLab Code Quality report (the subset of the Code
//! Climate issue format GitLab reads), one JSON array of issues, for
//! `artifacts:reports:codequality`. Written file by file like `--format json`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::core::FileReport;
use crate::core::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's five levels. The two that fail a run by default are the two
/// highest GitLab shows before `blocker`, which is left for nothing: the
/// `fail-on` threshold, not the format, decides what blocks.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::SecurityWarning => "major",
        Severity::Warning => "minor",
        Severity::Suggestion => "info",
    }
}

/// One file's issues as JSON objects separated by commas.
pub(super) fn render_file(report: &FileReport) -> String {
    if report.diagnostics.is_empty() {
        return String::new();
    }
    let mut out = Vec::new();
    // Findings alike in everything the fingerprint sees are numbered in
    // file order, so each fingerprint is unique within the report.
    let mut seen: Vec<u64> = Vec::new();
    for (i, (d, start, end)) in super::located(report).enumerate() {
        let key = fingerprint_key(&report.name, d);
        let occurrence = seen.iter().filter(|k| **k == key).count();
        seen.push(key);
        let mut description = format!("{}: {}", d.rule.id(), d.message);
        if let Some(help) = &d.help {
            let _ = write!(description, " (help: {help})");
        }
        let issue = Issue {
            description,
            check_name: d.rule.id(),
            fingerprint: format!("{key:016x}{occurrence:04x}"),
            severity: severity(d.severity),
            location: Location {
                path: &report.name,
                lines: Lines {
                    begin: start.line,
                    end: end.line,
                },
            },
        };
        if i > 0 {
            out.push(b',');
        }
        // Serializing plain structs into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &issue);
    }
    super::escape::json(String::from_utf8(out).unwrap_or_default())
}

/// What identifies a finding across commits, as GitLab compares reports of
/// the source and target branches: the file, the rule, the element's path
/// in its document and the message, never a line number (an edit above a
/// finding must not make it "new"). FNV-1a 64, stable across Rust versions.
fn fingerprint_key(file: &str, d: &Diagnostic) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [
        file,
        d.rule.id(),
        d.document.as_deref().unwrap_or(""),
        d.path.as_deref().unwrap_or(""),
        &d.message,
    ];
    for part in parts {
        // A separator no part holds, so `ab`+`c` and `a`+`bc` differ.
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
