//! Policies where they live: Terraform HCL, Terraform JSON and plans, ROS
//! templates. Fixtures under testdata/hosts/ (each `fail-*` with a snapshot
//! of the human output beside it, each `pass-*` silent although it holds
//! unknown values in every position), and the real IaC corpus in
//! testdata/corpus/iac/ (see its SOURCES.md).

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use policy_check::checks::LintOptions;
use policy_check::core::FileReport;
use policy_check::core::{LineIndex, Span};
use policy_check::core::{Origin, RuleSettings};
use policy_check::host;
use policy_check::report::{self, Format, Style};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("readable entry").path())
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

/// Lints `path` as the CLI does for a named file, shown under `shown`.
fn lint(path: &Path, shown: &str) -> FileReport {
    let bytes = fs::read(path).expect("readable fixture");
    policy_check::engine::kinds::lint_input(
        shown.to_string(),
        bytes,
        Origin::Named,
        &LintOptions::default(),
        &RuleSettings::default(),
    )
}

/// Documents found and unknown values in a host file, and the unknown
/// values' host spans.
fn extract(path: &Path) -> (usize, usize, Vec<Span>) {
    let text = fs::read_to_string(path).expect("UTF-8");
    let kind = host::kind_for(&file_name(path), &text).expect("a host kind claims the file");
    let extraction = (kind.extract)(&text);
    (
        extraction.documents.len(),
        extraction.unknown,
        host::unknown_spans(&extraction.documents, &text),
    )
}

/// Findings whose span overlaps an unknown value's span.
fn resting_on_unknown(report: &FileReport, unknown: &[Span]) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| {
            unknown
                .iter()
                .any(|u| d.span.start < u.end && u.start < d.span.end)
        })
        .map(|d| format!("{}: {} at {:?}", report.name, d.rule.id(), d.span))
        .collect()
}

fn human(report: &FileReport) -> String {
    let mut rendered = Vec::new();
    report::write(
        Format::Human,
        std::slice::from_ref(report),
        Style::default(),
        &mut rendered,
    )
    .expect("renders");
    String::from_utf8(rendered).expect("UTF-8 output")
}

#[test]
fn host_fixtures_fire_exactly_where_their_snapshots_say() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for file in files_in(&repo().join("testdata/hosts")) {
        let name = file_name(&file);
        // Folders are fixtures of more than one file, tested below.
        if name.ends_with(".snap") || file.is_dir() {
            continue;
        }
        seen += 1;
        let shown = format!("testdata/hosts/{name}");
        let report = lint(&file, &shown);
        let (documents, unknown, unknown_spans) = extract(&file);
        if documents == 0 {
            failures.push(format!("{shown}: no policy document found"));
        }
        failures.extend(resting_on_unknown(&report, &unknown_spans));
        if name.starts_with("pass-") {
            if unknown == 0 || unknown_spans.is_empty() {
                failures.push(format!("{shown}: a silent fixture here must hold unknown values"));
            }
            if !report.diagnostics.is_empty() {
                failures.push(format!("{shown}: expected silence, got {:?}", report.diagnostics));
            }
            continue;
        }
        if report.diagnostics.is_empty() {
            failures.push(format!("{shown}: nothing fired"));
            continue;
        }
        let rendered = human(&report);
        let snap = file.with_file_name(format!("{name}.snap"));
        if let Err(failure) = common::snapshot(&snap, &rendered) {
            failures.push(failure);
        }
    }
    assert_eq!(seen, 29, "fixtures went missing or were added without this count");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Policy documents per corpus file, judged by reading each file (see
/// SOURCES.md for what each holds). Files no host kind claims (the plain
/// policies 024/025, the non-ROS configs 046/047) are plain JSON or not
/// policies, and are listed with `None`.
const CORPUS: &[(&str, Option<usize>)] = &[
    ("001", Some(2)),
    ("002", Some(1)),
    ("003", Some(1)),
    ("004", Some(2)),
    ("005", Some(1)),
    ("006", Some(2)),
    ("007", Some(1)),
    ("008", Some(1)),
    ("009", Some(1)),
    ("010", Some(1)),
    ("011", Some(1)),
    ("012", Some(1)),
    ("013", Some(1)),
    ("014", Some(1)),
    ("015", Some(1)),
    ("016", Some(1)),
    ("017", Some(2)),
    ("018", Some(1)),
    ("019", Some(2)),
    ("020", Some(1)),
    ("021", Some(1)),
    ("022", Some(1)),
    // `file(join(...))`: the path is computed; 024 and 025 are the files.
    ("023", Some(0)),
    ("024", None),
    ("025", None),
    ("026", Some(1)),
    ("027", Some(15)),
    ("028", Some(2)),
    ("029", Some(1)),
    ("030", Some(2)),
    ("031", Some(1)),
    // A MaxCompute role policy, not RAM: `alicloud_max_compute_role` is not listed.
    ("032", Some(0)),
    ("033", Some(1)),
    // A `%{for}` directive: the document is computed.
    ("034", Some(0)),
    ("035", Some(2)),
    ("036", Some(1)),
    ("037", Some(1)),
    ("038", Some(14)),
    ("039", Some(1)),
    ("040", Some(1)),
    ("041", Some(2)),
    ("042", Some(1)),
    ("043", Some(2)),
    ("044", Some(4)),
    ("045", Some(1)),
    ("046", None),
    ("047", None),
    ("048", Some(1)),
    ("049", Some(1)),
    ("050", Some(1)),
    ("051", Some(1)),
    ("052", Some(2)),
    ("053", Some(1)),
    ("054", Some(1)),
    ("055", Some(1)),
    ("056", Some(2)),
    ("057", Some(2)),
    ("058", Some(2)),
    ("059", Some(2)),
    ("060", Some(4)),
    ("061", Some(24)),
    ("062", Some(1)),
    // Terraform files inside a ROS `Transform`: not read.
    ("063", Some(0)),
    ("064", Some(1)),
    ("065", Some(1)),
    ("066", Some(1)),
    ("067", Some(5)),
    ("068", Some(2)),
    ("069", Some(2)),
    ("070", Some(4)),
];

/// Error-level findings SOURCES.md leads to expect: the two condition keys
/// it calls suspicious (an element name used as a condition key). 059 and
/// 064 write `Version: 1` as a number, which ROS converts to the string RAM
/// wants (ROS types the field as a string), so they draw nothing.
const CORPUS_ERRORS: &[(&str, usize, &str)] = &[
    ("010", 12, "invalid-condition-key"),
    ("036", 57, "invalid-condition-key"),
];

#[test]
fn every_corpus_file_is_read_and_its_mistakes_are_found_on_their_lines() {
    let dir = repo().join("testdata/corpus/iac");
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0;
    // The first 70 files; tests/corpus.rs reads the ones vendored after them.
    let files: Vec<PathBuf> = files_in(&dir)
        .into_iter()
        .filter(|f| file_name(f) != "SOURCES.md" && file_name(f).as_str() < "071")
        .collect();
    assert_eq!(files.len(), CORPUS.len(), "the corpus and the table disagree");
    for (file, (number, expected)) in files.iter().zip(CORPUS) {
        let name = file_name(file);
        assert!(name.starts_with(number), "{name} is not {number}");
        let text = fs::read_to_string(file).expect("UTF-8");
        let claimed = host::kind_for(&name, &text).is_some();
        match expected {
            None if claimed => failures.push(format!("{name}: read as a host file")),
            None => {}
            Some(count) => {
                let (documents, _, unknown_spans) = extract(file);
                total += documents;
                if documents != *count {
                    failures.push(format!("{name}: {documents} documents, expected {count}"));
                }
                let report = lint(file, &name);
                failures.extend(resting_on_unknown(&report, &unknown_spans));
                let index = LineIndex::new(&report.text);
                for d in &report.diagnostics {
                    if d.severity == policy_check::core::Severity::Error {
                        let line = index.line_column(&report.text, d.span.start).line;
                        errors.push((number.to_string(), line, d.rule.id().to_string()));
                    }
                }
            }
        }
    }
    let expected: Vec<(String, usize, String)> = CORPUS_ERRORS
        .iter()
        .map(|(n, l, r)| (n.to_string(), *l, r.to_string()))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(errors, expected, "error findings in the corpus");
    assert_eq!(total, 142, "policies found in the corpus");
}

#[test]
fn a_walk_reads_host_files_and_skips_what_holds_no_policy() {
    let heredoc = fs::read_to_string(repo().join("testdata/hosts/fail-heredoc.tf")).expect("fixture");
    let ros = fs::read_to_string(repo().join("testdata/hosts/fail-ros-short-tags.yaml")).expect("fixture");
    let dir = common::tree(
        "walk",
        &[
            ("main.tf", &heredoc),
            (
                "network.tf",
                "resource \"alicloud_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/8\"\n}\n",
            ),
            ("templates/stack.yml", &ros),
            ("config.yaml", "name: not a template\n"),
            (".terraform/modules/m/main.tf", &heredoc),
            (".github/workflows/ci.yml", "on: push\n"),
        ],
    );
    let output = common::run(&dir, &["--format", "short", "."], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let files: Vec<&str> = stdout.lines().filter_map(|l| l.split(':').next()).collect();
    assert!(files.iter().any(|f| f.ends_with("main.tf")), "{stdout}");
    assert!(files.iter().any(|f| f.ends_with("stack.yml")), "{stdout}");
    assert!(!stdout.contains(".terraform"), "{stdout}");
    assert!(
        !stdout.contains("network.tf") && !stdout.contains("config.yaml"),
        "{stdout}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn json_output_says_where_each_document_sits() {
    let dir = repo().join("testdata/hosts");
    let output = common::run(
        &dir,
        &[
            "--format",
            "json",
            "fail-ros-short-tags.yaml",
            "fail-jsonencode.tf",
        ],
        b"",
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    assert_eq!(report["version"], 2);
    let found: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap_or_default().to_string();
            (text("rule"), text("document"), text("path"))
        })
        .collect();
    let expect =
        |rule: &str, document: &str, path: &str| (rule.to_string(), document.to_string(), path.to_string());
    assert_eq!(
        found,
        [
            expect(
                "redundant-action",
                "alicloud_ram_policy.encoded.policy_document",
                "$['Statement'][0]['Action'][1]"
            ),
            expect(
                "invalid-value-type",
                "alicloud_ram_policy.encoded.policy_document",
                "$['Statement'][0]['Condition']['Bool']['acs:MFAPresent']"
            ),
            expect(
                "missing-resource",
                "Resources.Builder.Properties.Policies[0].PolicyDocument",
                "$['Statement'][0]"
            ),
        ]
    );
}

#[test]
fn a_terraform_file_that_is_not_utf8_gets_the_utf8_finding() {
    let dir = common::tree("not-utf8", &[]);
    let mut bytes = fs::read(repo().join("testdata/hosts/fail-heredoc.tf")).expect("fixture");
    bytes.splice(0..0, b"# caf\xe9\n".iter().copied());
    fs::write(dir.join("main.tf"), &bytes).expect("write");
    let report = lint(&dir.join("main.tf"), "main.tf");
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.id()).collect();
    assert_eq!(
        rules,
        ["invalid-syntax", "invalid-effect"],
        "{:?}",
        report.diagnostics
    );
    // The span covers the replacement character in the decoded text.
    assert_eq!(report.diagnostics[0].span, Span::new(5, 8));
}

/// `file("x.json")`: the named file is linted once, under its own name,
/// with spans into it, whether the `.tf` file is named or its folder walked.
#[test]
fn files_named_by_file_are_linted_in_their_own_lines() {
    let output = common::run(&repo(), &["testdata/hosts/fail-file/main.tf"], b"");
    let rendered = String::from_utf8(output.stdout).expect("UTF-8");
    if let Err(failure) = common::snapshot(&repo().join("testdata/hosts/fail-file.snap"), &rendered) {
        panic!("{failure}");
    }
    assert_eq!(output.status.code(), Some(1));

    // Walked, named as well, or both: each finding once, in the JSON file.
    for args in [
        &["--format", "short", "testdata/hosts/fail-file"][..],
        &[
            "--format",
            "short",
            "testdata/hosts/fail-file",
            "testdata/hosts/fail-file/main.tf",
        ],
        &[
            "--format",
            "short",
            "testdata/hosts/fail-file/main.tf",
            "testdata/hosts/fail-file/policies/images.json",
        ],
    ] {
        let output = common::run(&repo(), args, b"");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "testdata/hosts/fail-file/policies/images.json:6:37: error[unknown-action] `ens:DescribeImagez` is not a known ens action",
                "testdata/hosts/fail-file/policies/trust.json:5:17: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"allow\"",
            ],
            "{args:?}"
        );
    }

    // The computed path and the one outside the folder are unknown values.
    let output = common::run(
        &repo(),
        &["--show-files", "testdata/hosts/fail-file/main.tf"],
        b"",
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        stdout.contains("testdata/hosts/fail-file/main.tf: linted (0 policy documents, 0 findings, 2 values not known until deployment)"),
        "{stdout}"
    );
}

/// Issue 11's rule holds for `file()`: nothing outside the tree being
/// linted is read, through `..` or through a symbolic link.
#[cfg(unix)]
#[test]
fn file_never_reads_outside_the_tree() {
    let bad = "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"}]}\n";
    let main = r#"resource "alicloud_ram_policy" "up" {
  policy_name     = "up"
  policy_document = file("../secret.json")
}

resource "alicloud_ram_policy" "link" {
  policy_name     = "link"
  policy_document = file("${path.module}/link.json")
}

resource "alicloud_ram_policy" "missing" {
  policy_name     = "missing"
  policy_document = file("missing.json")
}
"#;
    let dir = common::tree("file-outside", &[("secret.json", bad), ("infra/main.tf", main)]);
    std::os::unix::fs::symlink(dir.join("secret.json"), dir.join("infra/link.json")).expect("symlink");
    for args in [
        &["--format", "short", "infra/main.tf"][..],
        &["--format", "short", "infra"],
    ] {
        let output = common::run(&dir, args, b"");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(
            !stdout.contains("invalid-effect") && !stdout.contains("secret"),
            "{args:?}: {stdout}"
        );
        let errors: Vec<&str> = stdout.lines().filter(|l| l.contains("io-error")).collect();
        assert_eq!(errors.len(), 2, "{args:?}: {stdout}");
        assert!(
            errors[0].starts_with("infra/link.json:") && errors[0].contains("leads outside"),
            "{stdout}"
        );
        assert!(
            errors[1].starts_with("infra/missing.json:") && errors[1].contains("cannot read"),
            "{stdout}"
        );
    }
    // Walking the folder above reads each file once, as an input (the
    // walk lints a link that stays inside the tree under its own name).
    let output = common::run(&dir, &["--format", "short", "."], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let effect: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("invalid-effect"))
        .map(|l| l.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(effect, ["infra/link.json", "secret.json"], "{stdout}");
}

/// Anchors, aliases and merge keys are plain YAML, not values ROS computes:
/// an allow-all written through an alias is found, a statement that merges
/// its Effect and Resource from an anchor draws no false "missing" error,
/// and aliases that would expand without bound stop the read with a finding.
#[test]
fn yaml_aliases_and_merge_keys_are_resolved_within_a_bound() {
    let template = |statements: &str| {
        format!(
            "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Policy:\n    Type: ALIYUN::RAM::ManagedPolicy\n    Properties:\n      PolicyName: p\n      PolicyDocument:\n        Version: '1'\n        Statement:\n{statements}"
        )
    };
    let merged = template(
        "          - &base\n            Effect: Allow\n            Action: ens:CreateImage\n            Resource: '*'\n          - <<: *base\n            Action: ens:DescribeImages\n",
    );
    let aliased = template(
        "          - Effect: Allow\n            Action: &everything '*'\n            Resource: *everything\n",
    );
    let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f"])
    {
        laughs.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 10].join(", ")
        ));
    }
    laughs.push_str("ROSTemplateFormatVersion: '2015-09-01'\n");
    let dir = common::tree(
        "yaml-aliases",
        &[
            ("merged.yaml", &merged),
            ("aliased.yaml", &aliased),
            ("laughs.yaml", &laughs),
        ],
    );
    let rules = |file: &str| -> Vec<String> {
        let output = common::run(&dir, &["--isolated", "--format", "json", file], b"");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(rules("merged.yaml"), Vec::<String>::new());
    assert!(
        rules("aliased.yaml").contains(&"allow-all".to_string()),
        "{:?}",
        rules("aliased.yaml")
    );
    let started = std::time::Instant::now();
    assert_eq!(rules("laughs.yaml"), ["invalid-syntax"]);
    assert!(started.elapsed().as_secs() < 10);
}

/// A module in a hidden folder or behind a folder link is not walked (as
/// ripgrep and ruff do), but it is never dropped without a word: the
/// summary counts each such folder and `--show-files` lists it with the
/// reason. Version-control folders are left out silently.
#[test]
fn folders_a_walk_leaves_out_are_counted_and_listed() {
    let heredoc = fs::read_to_string(repo().join("testdata/hosts/fail-heredoc.tf")).expect("fixture");
    let outside = common::tree("left-out-target", &[("main.tf", &heredoc)]);
    let dir = common::tree(
        "left-out",
        &[
            (
                "main.tf",
                "resource \"alicloud_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/8\"\n}\n",
            ),
            (".modules/iam/main.tf", &heredoc),
            (".git/config.json", "{}"),
        ],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("linked")).expect("symlink");
    let linked = usize::from(cfg!(unix));

    let output = common::run(&dir, &["."], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let folders = 1 + linked;
    let plural = if folders == 1 { "" } else { "s" };
    assert!(
        stdout.contains(&format!(
            "left out {folders} folder{plural} (hidden, or a link; --show-files lists them)"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains(".git"), "{stdout}");

    let output = common::run(&dir, &["--show-files", "."], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        stdout.contains("./.modules/: left out (a hidden folder, not walked; name it to lint it)")
            || stdout.contains(".modules/: left out (a hidden folder, not walked; name it to lint it)"),
        "{stdout}"
    );
    if cfg!(unix) {
        assert!(
            stdout.contains("linked/: left out (a symbolic link to a folder"),
            "{stdout}"
        );
    }
    assert!(!stdout.contains(".git"), "{stdout}");

    // Named, the hidden folder is walked and its module linted.
    let output = common::run(&dir, &["--format", "short", ".modules"], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(stdout.contains("iam/main.tf"), "{stdout}");
}

/// Another tool's JSON or YAML config that holds RAM policies (a landing
/// zone's guardrails, read by Terraform's `jsondecode` or `yamldecode`) is
/// linted where the policies sit, not skipped as holding none; an AWS policy
/// in a CloudFormation template and a `package.json` stay skipped.
#[test]
fn policies_inside_other_configs_are_found_by_their_shape() {
    let output = common::run(&repo(), &["--format", "short", "testdata/hosts/configs"], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "testdata/hosts/configs/guardrail.json:7:19: error[invalid-effect] `Effect` must be \"Allow\" or \"Deny\", found \"deny\"",
            "testdata/hosts/configs/guardrail.yaml:6:15: security-warning[allow-all] `*` on every resource without conditions grants full administrator access",
        ]
    );
    let listed = common::run(&repo(), &["--show-files", "testdata/hosts/configs"], b"");
    let listed = String::from_utf8(listed.stdout).expect("UTF-8");
    for (file, status) in [
        ("cloudformation.yaml", "skipped (not a policy"),
        ("guardrail.json", "linted (1 policy document, 1 finding)"),
        ("guardrail.yaml", "linted (1 policy document, 1 finding)"),
        ("package.json", "skipped (not a policy"),
    ] {
        let line = format!("testdata/hosts/configs/{file}: {status}");
        assert!(listed.contains(&line), "{line}\n{listed}");
    }
}
