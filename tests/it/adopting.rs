//! Adopting policy-check on an existing repository: baselines written and
//! compared on the real corpus, `[[suppress]]` entries (reason, expiry,
//! element paths, unused ones) and suppression comments in Terraform and
//! YAML, through the real binary. docs/adopting.md describes what these pin.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{scratch, stdout, tree};

/// Runs the binary in `dir`, with `today` as the date suppressions expire by.
fn run(dir: &Path, args: &[&str], today: Option<&str>) -> Output {
    let mut command = Command::new(common::BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("POLICY_CHECK_TODAY")
        .stdin(Stdio::null());
    if let Some(today) = today {
        command.env("POLICY_CHECK_TODAY", today);
    }
    command.output().expect("run policy-check")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("JSON output ({e}): {}", stdout(output)))
}

/// `(file, rule)` of every finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A scratch copy of testdata/corpus/real.
fn corpus_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/corpus/real");
    for entry in fs::read_dir(source).expect("corpus") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", file.display());
    fs::write(file, text.replacen(from, to, 1)).expect("write");
}

const CORPUS_094: &str = "094-lz-ack-DefaultRolePolicy2-odd-actions.json";
const CORPUS_004: &str = "004-docs-AliyunSNSUFullAccess-mixed-case-prefix.json";
const CORPUS_001: &str = "001-ens-AliyunENSReadOnlyAccess-system-policy.json";

#[test]
fn a_baseline_of_the_real_corpus_round_trips() {
    let dir = corpus_copy("baseline-round-trip");
    let plain = run(&dir, &["--isolated", "--format", "json", "."], None);
    assert_eq!(plain.status.code(), Some(1), "the corpus has blocking findings");
    let total = findings(&json(&plain)).len();
    assert!(total > 100, "{total}");

    let written = run(
        &dir,
        &["--isolated", "--write-baseline", "baseline.json", "."],
        None,
    );
    assert_eq!(written.status.code(), Some(0), "{}", stdout(&written));
    assert!(
        stdout(&written).contains(&format!("Wrote {total} findings to the baseline baseline.json.")),
        "{}",
        stdout(&written)
    );
    let baseline = fs::read_to_string(dir.join("baseline.json")).expect("baseline written");
    // Stable, sorted, one finding a line: fit for review.
    let parsed: serde_json::Value = serde_json::from_str(&baseline).expect("baseline is JSON");
    assert_eq!(parsed["policy-check-baseline"], 1);
    let lines: Vec<&str> = baseline.lines().filter(|l| l.starts_with("    {")).collect();
    assert_eq!(
        lines.len(),
        parsed["findings"].as_array().expect("findings").len()
    );
    let mut sorted = parsed["findings"].as_array().expect("findings").clone();
    sorted.sort_by_key(|e| {
        (
            e["file"].to_string(),
            e["document"].to_string(),
            e["rule"].to_string(),
        )
    });
    assert_eq!(&sorted, parsed["findings"].as_array().expect("findings"));
    let counted: u64 = sorted.iter().map(|e| e["count"].as_u64().expect("count")).sum();
    assert_eq!(counted as usize, total);
    assert!(!baseline.contains("\"line\""), "no line numbers in fingerprints");
    let again = run(
        &dir,
        &["--isolated", "--write-baseline", "baseline.json", "."],
        None,
    );
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.join("baseline.json")).expect("baseline"),
        baseline,
        "deterministic"
    );

    let compare = [
        "--isolated",
        "--baseline",
        "baseline.json",
        "--format",
        "json",
        ".",
    ];
    let clean = run(&dir, &compare, None);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    let report = json(&clean);
    assert_eq!(findings(&report), Vec::<(String, String)>::new());
    assert_eq!(report["baselined"], total);
    assert_eq!(report["baseline"]["unmatched"], 0);

    // A statement inserted above old findings shifts every index: nothing resurfaces.
    edit(
        &dir.join(CORPUS_094),
        "\"Statement\": [",
        "\"Statement\": [\n        {\"Effect\": \"Allow\", \"Action\": \"ens:DescribeImages\", \"Resource\": \"*\"},",
    );
    let inserted = run(&dir, &compare, None);
    assert_eq!(inserted.status.code(), Some(0), "{}", stdout(&inserted));
    assert_eq!(findings(&json(&inserted)), Vec::<(String, String)>::new());

    // A new mistake is the only finding, and it fails the run.
    edit(
        &dir.join(CORPUS_001),
        "\"Statement\": [",
        "\"Statement\": [\n    {\"Effect\": \"allow\", \"Action\": \"ens:DescribeImages\", \"Resource\": \"*\"},",
    );
    let mistake = run(&dir, &compare, None);
    assert_eq!(mistake.status.code(), Some(1), "{}", stdout(&mistake));
    assert_eq!(
        findings(&json(&mistake)),
        vec![(CORPUS_001.to_string(), "invalid-effect".to_string())]
    );

    // Editing the offending token resurfaces its finding, and the old
    // fingerprint is counted as no longer matching.
    edit(&dir.join(CORPUS_004), "\"Snsu:*\"", "\"SNSU:*\"");
    let edited = json(&run(&dir, &compare, None));
    let in_004: Vec<String> = findings(&edited)
        .into_iter()
        .filter(|(file, _)| file == CORPUS_004)
        .map(|(_, rule)| rule)
        .collect();
    assert!(in_004.contains(&"broad-action-wildcard".to_string()), "{edited}");
    assert!(
        edited["baseline"]["unmatched"].as_u64().expect("unmatched") >= 1,
        "{edited}"
    );

    // A baselined file that was deleted leaves its findings unmatched.
    fs::remove_file(dir.join(CORPUS_094)).expect("remove");
    let human = run(&dir, &["--isolated", "--baseline", "baseline.json", "."], None);
    assert!(stdout(&human).contains("no longer occur"), "{}", stdout(&human));
}

/// Files are keyed relative to the baseline's folder, so a run from a
/// subfolder matches a baseline written at the top.
#[test]
fn a_baseline_matches_from_another_folder() {
    let dir = tree("baseline-elsewhere", &[("policies/admin.json", ADMIN)]);
    let written = run(&dir, &["--write-baseline", "baseline.json", "policies"], None);
    assert_eq!(written.status.code(), Some(0), "{}", stdout(&written));
    let baseline = fs::read_to_string(dir.join("baseline.json")).expect("written");
    assert!(
        baseline.contains("\"file\":\"policies/admin.json\""),
        "{baseline}"
    );
    let inside = dir.join("policies");
    let out = run(
        &inside,
        &["--baseline", "../baseline.json", "--format", "json", "."],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["baselined"], 1);
    let nowhere = run(
        &dir,
        &["--write-baseline", "missing/baseline.json", "policies"],
        None,
    );
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(
        common::stderr(&nowhere).contains("cannot write baseline `missing/baseline.json`"),
        "{}",
        common::stderr(&nowhere)
    );
}

#[test]
fn a_baseline_that_is_no_baseline_is_refused() {
    let dir = tree(
        "baseline-bad",
        &[("p.json", "{}"), ("b.json", "{\"findings\": 3}")],
    );
    let out = run(&dir, &["--baseline", "b.json", "p.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("not a policy-check baseline"),
        "{}",
        common::stderr(&out)
    );
    let missing = run(&dir, &["--baseline", "none.json", "p.json"], None);
    assert_eq!(missing.status.code(), Some(2));
}

const ADMIN: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const TWO_REDUNDANT: &str = r#"{"Version": "1", "Statement": [
  {"Effect": "Allow", "Action": ["ens:DescribeImages", "ens:DescribeImages"], "Resource": "*"},
  {"Effect": "Allow", "Action": ["ens:CreateImage", "ens:CreateImage"], "Resource": "*"}
]}"#;

#[test]
fn a_suppression_with_a_reason_hides_its_findings_visibly() {
    let config = r#"
[[suppress]]
path = "break-glass/*.json"
rule = "allow-all"
reason = "break-glass role, reviewed by security"
"#;
    let dir = tree(
        "suppress-reason",
        &[
            ("policy-check.toml", config),
            ("break-glass/admin.json", ADMIN),
            ("other/admin.json", ADMIN),
        ],
    );
    let out = run(&dir, &["--format", "json", "break-glass"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report = json(&out);
    assert_eq!(findings(&report), Vec::<(String, String)>::new());
    assert_eq!(report["suppressed"], 1);
    let entry = &report["configs"][0]["suppress"][0];
    assert_eq!(entry["rule"], "allow-all");
    assert_eq!(entry["reason"], "break-glass role, reviewed by security");
    assert_eq!(entry["suppressed"], 1);
    // The glob is relative to the configuration's folder: other/ is not covered.
    let other = run(&dir, &["--format", "json", "other"], None);
    assert_eq!(other.status.code(), Some(1));
    let human = run(&dir, &["break-glass"], None);
    let text = stdout(&human);
    assert!(text.contains("Suppressed 1 finding"), "{text}");
    assert!(
        text.contains("suppresses allow-all for `break-glass/*.json` (1 finding)"),
        "{text}"
    );
    let settings = stdout(&run(&dir, &["--show-settings", "break-glass/admin.json"], None));
    assert!(
        settings.contains("  suppress: allow-all (break-glass role, reviewed by security)\n"),
        "{settings}"
    );
    let files = stdout(&run(&dir, &["--show-files", "break-glass"], None));
    assert!(
        files.contains("break-glass/admin.json: linted (1 policy document, 0 findings, 1 suppressed)"),
        "{files}"
    );
}

#[test]
fn a_suppression_needs_a_reason() {
    for entry in [
        "[[suppress]]\npath = \"*.json\"\nrule = \"allow-all\"\n",
        "[[suppress]]\npath = \"*.json\"\nrule = \"allow-all\"\nreason = \"  \"\n",
    ] {
        let dir = tree(
            "suppress-no-reason",
            &[("policy-check.toml", entry), ("p.json", ADMIN)],
        );
        let out = run(&dir, &["p.json"], None);
        assert_eq!(out.status.code(), Some(2), "{entry}");
        assert!(
            common::stderr(&out).contains("reason"),
            "{}",
            common::stderr(&out)
        );
    }
    for (entry, says) in [
        ("rule = \"allow-al\"\nreason = \"x\"", "did you mean"),
        ("rule = \"io-error\"\nreason = \"x\"", "cannot be suppressed"),
        (
            "rule = \"allow-all\"\nreason = \"x\"\nexpires = \"June\"",
            "YYYY-MM-DD",
        ),
        (
            "rule = \"allow-all\"\nreason = \"x\"\njsonpath = \"$.Statement\"",
            "not an element path",
        ),
    ] {
        let config = format!("[[suppress]]\npath = \"*.json\"\n{entry}\n");
        let dir = tree(
            "suppress-bad-entry",
            &[("policy-check.toml", &config), ("p.json", ADMIN)],
        );
        let out = run(&dir, &["p.json"], None);
        assert_eq!(out.status.code(), Some(2), "{config}");
        assert!(common::stderr(&out).contains(says), "{}", common::stderr(&out));
    }
}

#[test]
fn an_expired_suppression_stops_applying_and_says_so() {
    let config = "[[suppress]]\npath = \"*.json\"\nrule = \"allow-all\"\nreason = \"until the migration\"\nexpires = 2026-06-30\n";
    let dir = tree(
        "suppress-expired",
        &[("policy-check.toml", config), ("p.json", ADMIN)],
    );
    let on_the_day = run(&dir, &["--format", "json", "p.json"], Some("2026-06-30"));
    assert_eq!(on_the_day.status.code(), Some(0), "it applies through its date");
    assert_eq!(json(&on_the_day)["suppressed"], 1);
    let after = run(&dir, &["--format", "json", "p.json"], Some("2026-07-01"));
    assert_eq!(after.status.code(), Some(1), "the finding is back and blocks");
    let report = json(&after);
    assert_eq!(
        findings(&report),
        vec![
            ("p.json".to_string(), "allow-all".to_string()),
            ("policy-check.toml".to_string(), "expired-suppression".to_string()),
        ]
    );
    // At the `expires` value.
    let expired = &report["diagnostics"][1];
    assert_eq!(expired["span"]["start"]["line"], 5);
    assert_eq!(report["configs"][0]["suppress"][0]["expired"], true);
    let bad_today = run(&dir, &["p.json"], Some("tomorrow"));
    assert_eq!(bad_today.status.code(), Some(2));
}

#[test]
fn jsonpath_selects_the_element_a_suppression_hides() {
    let config = "[[suppress]]\npath = \"p.json\"\nrule = \"redundant-action\"\njsonpath = \"$['Statement'][0]\"\nreason = \"kept for the old console\"\n";
    let dir = tree(
        "suppress-jsonpath",
        &[("policy-check.toml", config), ("p.json", TWO_REDUNDANT)],
    );
    let report = json(&run(&dir, &["--format", "json", "p.json"], None));
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["$['Statement'][1]['Action'][1]"]);
    assert_eq!(report["suppressed"], 1);
}

#[test]
fn an_unused_entry_is_reported_when_its_files_are_linted() {
    let config = "[[suppress]]\npath = \"p.json\"\nrule = \"allow-all\"\nreason = \"was admin\"\n\n[[suppress]]\npath = \"gone/*.json\"\nrule = \"allow-all\"\nreason = \"was admin\"\n";
    let clean = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
    let dir = tree(
        "suppress-unused",
        &[
            ("policy-check.toml", config),
            ("p.json", clean),
            ("q.json", clean),
        ],
    );
    // Only q.json is linted: neither entry can be judged.
    let q = json(&run(&dir, &["--format", "json", "q.json"], None));
    assert_eq!(findings(&q), Vec::<(String, String)>::new());
    let p = json(&run(&dir, &["--format", "json", "p.json"], None));
    assert_eq!(
        findings(&p),
        vec![("policy-check.toml".to_string(), "unused-suppression".to_string())]
    );
    // Walking the whole folder also judges the entry whose glob matches no file.
    let all = json(&run(&dir, &["--format", "json", "."], None));
    assert_eq!(findings(&all).len(), 2, "{all}");
    // Off in the configuration: not reported.
    let off = format!("{config}\n[rules]\nunused-suppression = \"off\"\n");
    fs::write(dir.join("policy-check.toml"), off).expect("write");
    assert_eq!(
        findings(&json(&run(&dir, &["--format", "json", "."], None))).len(),
        0
    );
}

const TERRAFORM: &str = r#"resource "alicloud_ram_policy" "admin" {
  policy_name = "admin"
  # policy-check: ignore[allow-all] break-glass role, reviewed by security
  policy_document = <<EOF
  {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
  EOF
}

resource "alicloud_ram_policy" "ops" {
  policy_name = "ops"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] # policy-check: ignore[allow-all] ops on-call
  })
}

resource "alicloud_ram_policy" "dev" {
  policy_name = "dev"
  # policy-check: ignore[allow-all]
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
"#;

const YAML: &str = r#"ROSTemplateFormatVersion: '2015-09-01'
Resources:
  Admin:
    Type: ALIYUN::RAM::ManagedPolicy
    Properties:
      PolicyName: admin
      PolicyDocument:
        Version: '1'
        Statement:
          # policy-check: ignore[allow-all] break-glass role
          - Effect: Allow
            Action: '*'
            Resource: '*'
          - Effect: Allow
            Action: ['ens:DescribeImages', 'ens:DescribeImages'] # policy-check: ignore[redundant-action, allow-all] legacy
            Resource: '*'
"#;

#[test]
fn comments_suppress_in_terraform_and_yaml() {
    let dir = tree(
        "suppress-comments",
        &[("main.tf", TERRAFORM), ("template.yaml", YAML)],
    );
    let tf = json(&run(&dir, &["--format", "json", "main.tf"], None));
    // The heredoc and the end-of-line comment hide theirs; the comment
    // without a reason hides nothing and is reported.
    assert_eq!(
        findings(&tf),
        vec![
            ("main.tf".to_string(), "invalid-suppression".to_string()),
            ("main.tf".to_string(), "allow-all".to_string()),
        ]
    );
    assert_eq!(tf["suppressed"], 2);
    assert_eq!(
        tf["diagnostics"][1]["document"],
        "alicloud_ram_policy.dev.policy_document"
    );
    let yaml = json(&run(&dir, &["--format", "json", "template.yaml"], None));
    // allow-all on the second item's line has no finding there.
    assert_eq!(
        findings(&yaml),
        vec![("template.yaml".to_string(), "unused-suppression".to_string())]
    );
    assert_eq!(yaml["suppressed"], 2);
    assert_eq!(yaml["diagnostics"][0]["span"]["start"]["line"], 15);
    // Without the comments, the findings are there.
    fs::write(dir.join("template.yaml"), YAML.replace("policy-check:", "note:")).expect("write");
    let bare = json(&run(&dir, &["--format", "json", "template.yaml"], None));
    assert_eq!(bare["suppressed"], 0);
    assert_eq!(findings(&bare).len(), 2, "{bare}");
}

const ALLOW_ALL_TF: &str = r#"resource "alicloud_ram_policy" "NAME" {
  policy_name     = "NAME"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
"#;

#[test]
fn a_bracket_in_a_block_comment_does_not_stretch_a_suppression() {
    let first = ALLOW_ALL_TF.replace("NAME", "first").replacen(
        "policy_name",
        "/* a ( in a comment */\n  policy_name",
        1,
    );
    let text = format!(
        "# policy-check: ignore[allow-all] break-glass role, reviewed\n{first}{}",
        ALLOW_ALL_TF.replace("NAME", "second")
    );
    let dir = tree("block-comment-bracket", &[("main.tf", &text)]);
    let report = json(&run(&dir, &["--isolated", "--format", "json", "main.tf"], None));
    let allow_all: Vec<_> = findings(&report)
        .into_iter()
        .filter(|(_, rule)| rule == "allow-all")
        .collect();
    assert_eq!(allow_all.len(), 1, "the second resource is not covered: {report}");
}

#[test]
fn a_block_comment_suppresses_and_a_string_is_no_comment() {
    let text = format!(
        "/* policy-check: ignore[allow-all] break-glass role, reviewed */\n{}{}",
        ALLOW_ALL_TF.replace("NAME", "first"),
        ALLOW_ALL_TF.replace("NAME", "second").replace(
            "policy_name     = \"second\"",
            "policy_name     = \"# policy-check: ignore[allow-all] in a string\""
        )
    );
    let dir = tree("block-comment", &[("main.tf", &text)]);
    let report = json(&run(&dir, &["--isolated", "--format", "json", "main.tf"], None));
    let allow_all = findings(&report)
        .into_iter()
        .filter(|(_, rule)| rule == "allow-all")
        .count();
    assert_eq!(allow_all, 1, "{report}");
    assert_eq!(report["suppressed"], 1, "{report}");
}

/// 30,000 comment lines in a row: each looked for the next line of code
/// from its own line on (1.17 MB took 25 s); now one pass finds them all.
#[test]
fn many_suppression_comments_are_scanned_in_linear_time() {
    let comments = "# policy-check: ignore[allow-all] reviewed\n".repeat(30_000);
    let text = format!("{comments}{}", ALLOW_ALL_TF.replace("NAME", "p"));
    let dir = tree("many-comments", &[("main.tf", &text)]);
    let started = std::time::Instant::now();
    let output = run(&dir, &["--isolated", "--format", "json", "main.tf"], None);
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let report = json(&output);
    assert_eq!(report["suppressed"], 1, "{}", stdout(&output).len());
}
