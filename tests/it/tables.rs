//! The operation tables through the real binary: what a run says it did not
//! check, access levels declared under `extra-actions`, and the simulator's
//! note for an action an incomplete table lacks.

use crate::common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{stderr, stdout};

fn scratch(files: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    common::tree(&NEXT.fetch_add(1, Ordering::SeqCst).to_string(), files)
}

const MIXED: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ecs:DescribeInstances", "bss:DescribeOrders", "Yundun-X:Get*", "acs-*:Get*", "*"], "Resource": "*"}]}"#;
const ECS_ONLY: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

#[test]
fn the_summary_and_json_name_the_services_not_checked() {
    let dir = scratch(&[("a.json", MIXED), ("b.json", ECS_ONLY)]);
    let output = common::run(&dir, &["a.json", "b.json"], b"");
    let out = stdout(&output);
    assert!(
        out.contains("Not checked: actions of bss, yundun-x (no operation table)."),
        "{out}"
    );
    let output = common::run(&dir, &["--format", "json", "a.json", "b.json"], b"");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!(["bss", "yundun-x"]));
    // Every service catalogued: nothing to say, and an empty list.
    let output = common::run(&dir, &["b.json"], b"");
    assert!(!stdout(&output).contains("Not checked"), "{}", stdout(&output));
    let output = common::run(&dir, &["--format", "json", "b.json"], b"");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!([]));
}

#[test]
fn embedded_policies_report_their_unchecked_services_too() {
    let host = r#"{"Resources": {"R": {"Properties": {"PolicyDocument": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "bss:DescribeOrders", "Resource": "*"}]}}}}}"#;
    let dir = scratch(&[("t.json", host)]);
    let output = common::run(
        &dir,
        &[
            "--format",
            "json",
            "--jsonpath",
            "$.Resources.*.Properties.PolicyDocument",
            "t.json",
        ],
        b"",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    assert_eq!(json["unchecked_services"], serde_json::json!(["bss"]));
}

const READ_ONLY: &str = "[[overrides]]\nfiles = [\"**\"]\nallowed-access-levels = [\"list\", \"get\"]\n";

#[test]
fn a_ceiling_fails_closed_unless_extra_actions_declares_the_level() {
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ram:PassRole", "bss:DescribeOrders"], "Resource": "*"}]}"#;
    let dir = scratch(&[("policy-check.toml", READ_ONLY), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    let out = stdout(&output);
    assert_eq!(out.matches("error[access-level-exceeded]").count(), 2, "{out}");
    assert!(
        out.contains("the access level of `ram:PassRole` cannot be verified"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
    let declared = format!(
        "extra-actions = [\n  {{ action = \"ram:PassRole\", access-level = \"get\" }},\n  {{ action = \"bss:DescribeOrders\", access-level = \"list\" }},\n]\n{READ_ONLY}"
    );
    let dir = scratch(&[("policy-check.toml", &declared), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    assert_eq!(stdout(&output), "", "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(0));
    // A declared level above the ceiling is reported as declared.
    let write = declared.replace("\"list\" }", "\"delete\" }");
    let dir = scratch(&[("policy-check.toml", &write), ("p.json", policy)]);
    let output = common::run(&dir, &["--format", "short", "p.json"], b"");
    assert!(
        stdout(&output)
            .contains("`bss:DescribeOrders` is a delete operation (declared under `extra-actions`)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_declared_level_must_be_a_known_one() {
    let config = "extra-actions = [{ action = \"ram:PassRole\", access-level = \"read\" }]\n";
    let dir = scratch(&[("policy-check.toml", config), ("p.json", ECS_ONLY)]);
    let output = common::run(&dir, &["p.json"], b"");
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("unknown access level `read`"),
        "{}",
        stderr(&output)
    );
    let config = "extra-actions = [{ action = \"ram:PassRole\", level = \"get\" }]\n";
    let dir = scratch(&[("policy-check.toml", config), ("p.json", ECS_ONLY)]);
    let output = common::run(&dir, &["p.json"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown field `level`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn simulate_says_an_incomplete_table_lacks_the_action() {
    let dir = scratch(&[("p.json", ECS_ONLY)]);
    let output = common::run(
        &dir,
        &[
            "simulate",
            "--action",
            "ecs:DescribeInstnces",
            "--resource",
            "*",
            "p.json",
        ],
        b"",
    );
    let out = stdout(&output);
    assert!(
        out.contains("ecs:DescribeInstnces is not in the incomplete ecs operation table"),
        "{out}{}",
        stderr(&output)
    );
    assert!(out.contains("did you mean ecs:DescribeInstances?"), "{out}");
}

/// The product -> RAM code rule of scripts/generate-catalog.py, over the
/// vendored mapping: `product/version`, then `product`, else the product's
/// code in lower case.
fn ram_code(file: &str) -> String {
    let mapping = include_str!("../../rules/operations/product-codes.tsv");
    let product = file.split('/').next().unwrap_or(file);
    let row = |key: &str| {
        mapping
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|cells| cells[0] == key)
            .map(|cells| cells[1].to_string())
    };
    row(file)
        .or_else(|| row(product))
        .unwrap_or_else(|| product.to_ascii_lowercase())
}

#[test]
fn sampled_levels_agree_with_the_metadata_snapshot() {
    use policy_check::catalog::catalog;
    // Every 97th API of the snapshot the generator read, with the level its
    // systemTags give: written by the generator, read here without the clone.
    let sample = include_str!("../../testdata/operations/metadata-sample.tsv");
    let (mut checked, mut services) = (0, std::collections::BTreeSet::new());
    for line in sample.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let [file, api, level] = cells[..] else {
            panic!("three cells: {line}")
        };
        let code = ram_code(file);
        let api_action = format!("{code}:{api}");
        let action = catalog().renamed(&api_action).unwrap_or(&api_action);
        let op = catalog()
            .lookup(action)
            .unwrap_or_else(|| panic!("{action} ({file}) is not catalogued"));
        // A `ram` block's own level wins over systemTags (they disagree on a
        // few APIs), and ENS keeps its hand-checked table.
        if op.source_kind() != "openapi-systemtags" {
            continue;
        }
        assert_eq!(
            op.access_level.map(|l| l.as_str()),
            Some(level),
            "{action} from {file}"
        );
        assert!(!op.level_inferred, "{action}");
        checked += 1;
        services.insert(code);
    }
    assert!(checked >= 200, "{checked} sampled");
    assert!(services.len() >= 100, "{} services sampled", services.len());
}

#[test]
fn the_audited_names_and_levels_are_fixed() {
    use policy_check::catalog::{catalog, AccessLevel};
    let c = catalog();
    for (api, ram) in [
        ("cr:DeleteRepoSyncRule", "cr:DeleteSyncRule"),
        ("cms:DescribeMetricLast", "cms:QueryMetricLast"),
        ("ecs:ModifyVpcAttribute", "vpc:ModifyVpcAttribute"),
    ] {
        assert!(c.lookup(api).is_none(), "{api} authorizes nothing");
        assert_eq!(c.renamed(api), Some(ram));
        assert!(c.lookup(ram).is_some(), "{ram}");
    }
    let level = |a: &str| c.lookup(a).and_then(|op| op.access_level);
    assert_eq!(level("slb:ListTagResources"), Some(AccessLevel::Get));
    assert_eq!(level("ecs:UntagResources"), Some(AccessLevel::Delete));
    assert_eq!(level("ram:TagResources"), Some(AccessLevel::Create));
    assert_eq!(level("cr:DeleteSyncRule"), Some(AccessLevel::Delete));
    assert_eq!(level("cms:QueryMetricLast"), Some(AccessLevel::Get));
    assert_eq!(level("vpc:ModifyVpcAttribute"), Some(AccessLevel::Update));
}

#[test]
fn every_renamed_action_resolves() {
    use policy_check::catalog::catalog;
    let renames = include_str!("../../rules/operations/renames.tsv");
    let rows: Vec<Vec<&str>> = renames
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    // The metadata's `ram` blocks name 32 actions unlike their APIs.
    assert_eq!(rows.iter().filter(|r| r[2].starts_with("ram-block")).count(), 32);
    assert_eq!(catalog().renames().count(), rows.len());
    for row in &rows {
        let (api, ram) = (row[0], row[1]);
        assert_eq!(catalog().renamed(api), Some(ram), "{api}");
        let op = catalog()
            .lookup(ram)
            .unwrap_or_else(|| panic!("{ram} is not catalogued"));
        assert_eq!(op.action, ram);
        assert!(catalog().lookup(api).is_none(), "{api} is still a row");
    }
    for (api, ram) in [
        ("log:GetCursor", "log:GetCursorOrData"),
        ("odps:GetComputeQuotaPlan", "odps:GetQuotaPlan"),
        ("pvtz:DescribeCustomLines", "pvtz:read"),
    ] {
        assert_eq!(catalog().renamed(api), Some(ram));
    }
}

#[test]
fn at_least_250_services_are_catalogued_from_the_snapshot() {
    use policy_check::catalog::catalog;
    let tables: Vec<_> = catalog().tables().collect();
    assert!(tables.len() >= 250, "{}", tables.len());
    let from_metadata = tables
        .iter()
        .filter(|t| t.as_of().contains("acs-metadata@b3c749cc"))
        .count();
    assert!(from_metadata >= 250, "{from_metadata}");
    // A level is inferred only where neither systemTags nor a `ram` block
    // gives one: about 2,200 of the snapshot's 24,485 APIs.
    let metadata: Vec<_> = catalog()
        .operations()
        .filter(|op| matches!(op.source_kind(), "ram-block" | "openapi-systemtags"))
        .collect();
    let inferred = metadata.iter().filter(|op| op.level_inferred).count();
    assert!(metadata.len() >= 23_000, "{}", metadata.len());
    assert!(
        inferred * 100 < metadata.len() * 12,
        "{inferred} of {}",
        metadata.len()
    );
}

#[test]
fn rules_services_lists_every_catalogued_service() {
    let dir = scratch(&[]);
    let output = common::run(&dir, &["rules", "--services"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "service\tactions\tcomplete\tsnapshot\tsources");
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), policy_check::catalog::catalog().tables().count());
    assert!(rows.len() >= 250, "{}", rows.len());
    let row = |code: &str| {
        rows.iter()
            .find(|r| r[0] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    // ENS: hand-checked, complete, dated by its own header.
    assert_eq!(row("ens")[1..4], ["371", "yes", "2026-11-26"]);
    assert!(row("pvtz")[4].starts_with("ram-block "), "{:?}", row("pvtz"));
    assert_eq!(row("ecs")[3], "2025-12-19");
    assert!(
        row("ecs")[4].starts_with("openapi-systemtags "),
        "{:?}",
        row("ecs")
    );
    // RDS's metadata file is absent from the snapshot: its SDK table's date.
    assert_eq!(row("rds")[3..], ["2026-12-01", "sdk 413"]);
    for r in &rows {
        let count: usize = r[1].parse().expect("a count");
        let by_source: usize = r[4]
            .split(", ")
            .map(|s| {
                s.rsplit(' ')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .expect("kind n")
            })
            .sum();
        assert_eq!(count, by_source, "{r:?}");
    }
}

/// A `ram` block lists the RAM actions of a product's APIs, not its
/// console-only ones: MaxCompute documents `odps:GetJobCount` on its "RAM
/// permissions" page and no `ram` block has it. Such an action is at most a
/// warning, never an error that blocks CI.
#[test]
fn a_documented_console_action_missing_from_a_ram_block_is_not_an_error() {
    let policy = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["odps:GetJobCount", "dbs:DescribeConsoleThing", "pvtz:DescribeConsoleThing"], "Resource": "*"}]}"#;
    let dir = scratch(&[("p.json", policy)]);
    let output = common::run(&dir, &["--format", "json", "p.json"], b"");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    let rules: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    for (rule, severity) in rules {
        assert_eq!((rule, severity), ("unlisted-action", "warning"));
    }
    assert_eq!(json["summary"]["error"], 0, "{}", stdout(&output));
}
