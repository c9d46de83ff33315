//! The real-policy corpus vendored in `testdata/corpus/real/`: documents
//! written by others, with their validity recorded in `SOURCES.md`. Strict JSON must be
//! told apart exactly, valid documents must draw no error, and the documented
//! mistakes must be reported. Also the Terraform and ROS files vendored in
//! `testdata/corpus/iac/` from 071 on (tests/hosts.rs reads 001-070): every
//! policy in them counted, no false error, and no file that holds a policy
//! passed over in silence by a walk.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use policy_check::checks::LintOptions;
use policy_check::core::{Diagnostic, Severity};
use policy_check::core::{Origin, RuleSettings};
use policy_check::engine::pipeline::lint_file;
use policy_check::host;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/corpus/real")
}

/// Every corpus document with its findings, keyed by file name.
fn lint_corpus() -> BTreeMap<String, Vec<Diagnostic>> {
    let entries = fs::read_dir(corpus_dir()).expect("testdata/corpus/real is part of the repository");
    let mut results = BTreeMap::new();
    for entry in entries {
        let path = entry.expect("readable entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if !name.ends_with(".json") {
            continue;
        }
        let bytes = fs::read(&path).expect("readable corpus file");
        let report = lint_file(
            name.clone(),
            bytes,
            Origin::Named,
            &LintOptions::default(),
            &RuleSettings::default(),
        );
        results.insert(name, report.diagnostics);
    }
    assert_eq!(results.len(), 146, "the corpus has 146 documents");
    results
}

/// File names whose recorded verdict in SOURCES.md starts with VALID.
fn valid_documents() -> Vec<String> {
    let sources = fs::read_to_string(corpus_dir().join("SOURCES.md")).expect("SOURCES.md");
    sources
        .lines()
        .filter_map(|line| {
            let name = line.strip_prefix("- `")?.split('`').next()?;
            let verdict = line.rsplit(" | ").next()?;
            verdict.starts_with("VALID").then(|| name.to_string())
        })
        .collect()
}

#[test]
fn exactly_the_invalid_json_documents_get_invalid_json() {
    let results = lint_corpus();
    for (name, diagnostics) in &results {
        let flagged = diagnostics.iter().any(|d| d.rule.id() == "invalid-json");
        assert_eq!(flagged, name.contains("INVALID-JSON"), "{name}: {diagnostics:#?}");
    }
    assert_eq!(results.keys().filter(|n| n.contains("INVALID-JSON")).count(), 4);
}

#[test]
fn valid_documents_draw_no_error() {
    let results = lint_corpus();
    let valid = valid_documents();
    assert_eq!(valid.len(), 91, "SOURCES.md marks 91 documents VALID");
    let mut failures = Vec::new();
    for name in &valid {
        let diagnostics = results
            .get(name)
            .unwrap_or_else(|| panic!("{name} is listed but missing"));
        for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            failures.push(format!(
                "{name}: {} {} at {}",
                d.rule,
                d.message,
                d.path.as_deref().unwrap_or("-")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "errors on VALID documents:\n{}",
        failures.join("\n")
    );
}

/// Mistakes SOURCES.md documents, and the rule that must report each.
const DOCUMENTED_MISTAKES: &[(&str, &str, &str)] = &[
    ("083-", "invalid-version", "$['Version']"),
    ("040-", "invalid-resource", "$['Statement'][0]['Resource'][0]"),
    ("043-", "invalid-action", "$['Statement'][0]['Action']"),
    ("094-", "redundant-action", "$['Statement'][0]['Action'][39]"),
    ("094-", "redundant-action", "$['Statement'][0]['Action'][48]"),
    ("021-", "redundant-action", "$['Statement'][0]['Action'][1]"),
    ("089-", "redundant-action", "$['Statement'][1]['Action'][27]"),
    ("091-", "redundant-action", "$['Statement'][0]['Action'][20]"),
    ("091-", "redundant-action", "$['Statement'][1]['Action'][7]"),
    ("091-", "redundant-action", "$['Statement'][1]['Action'][11]"),
    ("142-", "redundant-action", "$['Statement'][0]['Action'][4]"),
    ("004-", "redundant-action", "$['Statement'][0]['Action'][1]"),
    ("023-", "invalid-resource", "$['Statement'][0]['Resource'][0]"),
    ("118-", "invalid-resource", "$['Statement'][0]['Resource']"),
    ("146-", "invalid-resource", "$['Statement'][0]['Resource'][0]"),
    // Conditions: a statement element written as a key, an undocumented
    // global key, a masked IP address.
    (
        "061-",
        "invalid-condition-key",
        "$['Statement'][0]['Condition']['StringNotLike']['Action']",
    ),
    (
        "062-",
        "invalid-condition-key",
        "$['Statement'][0]['Condition']['StringNotLike']['Action']",
    ),
    (
        "098-",
        "invalid-condition-key",
        "$['Statement'][1]['Condition']['StringNotLike']['Resource']",
    ),
    (
        "111-",
        "unknown-global-condition-key",
        "$['Statement'][0]['Condition']['StringEquals']['acs:PublicAccess']",
    ),
    (
        "125-",
        "condition-value-type",
        "$['Statement'][0]['Condition']['IpAddress']['acs:SourceIp']",
    ),
];

#[test]
fn documented_mistakes_are_reported() {
    let results = lint_corpus();
    for (prefix, rule, path) in DOCUMENTED_MISTAKES {
        let (name, diagnostics) = results
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .unwrap_or_else(|| panic!("no corpus file starts with {prefix}"));
        assert!(
            diagnostics
                .iter()
                .any(|d| d.rule.id() == *rule && d.path.as_deref().is_some_and(|p| p.starts_with(path))),
            "{name}: expected `{rule}` at {path}, got {diagnostics:#?}"
        );
    }
}

/// Every finding the SDK-generated operation tables (rules/operations/, all
/// but ens.tsv) add on the real corpus, with the reason it is right to make.
/// Actions that published policies use and no SDK names are listed in
/// rules/operations/ram-only.tsv instead, so they draw nothing.
const TABLE_FINDINGS: &[(&str, &str, &str, &str)] = &[
    ("036-", "unlisted-action", "ecs:Get", "a test placeholder, no ECS action (SOURCES.md: SUSPICIOUS)"),
    (
        "037-",
        "unlisted-action",
        "oss:GetBucket",
        "no OSS API or RAM action of this name in the OSS SDK; the older name of oss:ListObjects, unconfirmed",
    ),
    (
        "056-",
        "wildcard-matches-nothing",
        "ram:*ResourceGroup*",
        "resource groups are resourcemanager actions; no ram action has ResourceGroup in its name",
    ),
    (
        "059-",
        "wildcard-matches-nothing",
        "cms:BatchQuery*",
        "none of the three CloudMonitor SDKs names a BatchQuery operation; unconfirmed, so a warning",
    ),
    (
        "059-",
        "wildcard-matches-nothing",
        "cms:Check*",
        "none of the three CloudMonitor SDKs names a Check operation; unconfirmed, so a warning",
    ),
    (
        "070-",
        "wildcard-matches-nothing",
        "log:BatchPost*",
        "SLS names no BatchPost operation (SOURCES.md: the module has other mistakes)",
    ),
    (
        "091-",
        "action-case",
        "ecs:DescribeAutoSnapshotPolicyEX",
        "the API is DescribeAutoSnapshotPolicyEx",
    ),
    ("094-", "wildcard-matches-nothing", "ecs:WaitFor*", "no ECS operation starts with WaitFor (SOURCES.md: SUSPICIOUS)"),
    ("094-", "action-case", "ecs:Createvpc", "the API is ecs:CreateVpc (SOURCES.md: SUSPICIOUS)"),
    ("094-", "action-case", "ecs:Deletevpc", "the API is ecs:DeleteVpc (SOURCES.md: SUSPICIOUS)"),
    ("104-", "action-case", "log:CreateLogstore", "the API is CreateLogStore"),
    ("104-", "action-case", "log:GetLogstore", "the API is GetLogStore"),
    ("106-", "action-case", "RAM:*", "the service code is ram, in lower case"),
    // Added by the OpenAPI metadata tables (issue 24): names the metadata does not
    // list under these services, warnings because those tables are API names, not RAM's
    // own list (docs/operation-tables.md lists each with its reason).
    ("049-", "unlisted-action", "alikafka:ListInstance", "a console-era RAM action; the API is GetInstanceList"),
    ("049-", "unlisted-action", "alikafka:ListTopic", "a console-era RAM action; the API is GetTopicList"),
    ("049-", "unlisted-action", "dms:LoginDatabase", "a DMS console permission, no API of the dms product in the metadata"),
    ("059-", "unlisted-action", "hbr:BatchCountTables", "no Cloud Backup API of this name in the metadata; a console action"),
    ("059-", "unlisted-action", "hbr:BrowseFiles", "no Cloud Backup API of this name in the metadata; a console action"),
    ("059-", "unlisted-action", "hbr:PreCheckSourceGroup", "no Cloud Backup API of this name in the metadata; a console action"),
    ("059-", "unlisted-action", "hbr:QueryAvailableInstances", "no Cloud Backup API of this name in the metadata; a console action"),
    ("059-", "wildcard-matches-nothing", "cloudsso:Check*", "no CloudSSO API starts with Check"),
    ("061-", "unlisted-action", "ahas:CheckAppAuth", "an AHAS console action, not among the ahas-openapi APIs"),
    ("062-", "unlisted-action", "ahas:CheckAppAuth", "an AHAS console action, not among the ahas-openapi APIs"),
    (
        "063-",
        "unlisted-action",
        "alidns:DescribeSiteMonitorIspCityInfos",
        "a CloudMonitor site-monitoring operation, not an Alibaba Cloud DNS API",
    ),
    (
        "063-",
        "unlisted-action",
        "alidns:DescribeSiteMonitorIspInfos",
        "a CloudMonitor site-monitoring operation, not an Alibaba Cloud DNS API",
    ),
    (
        "082-",
        "unlisted-action",
        "config:PutConfigurationRecorder",
        "an API of Cloud Config's older version, absent from the 2020-09-07 metadata",
    ),
    ("108-", "unlisted-action", "governance:GetIamRole", "not among the 15 Cloud Governance Center APIs of the metadata"),
    (
        "108-",
        "unlisted-action",
        "governance:GetResourceStructureBlueprint",
        "not among the 15 Cloud Governance Center APIs of the metadata",
    ),
    ("108-", "unlisted-action", "governance:ListIamRoles", "not among the 15 Cloud Governance Center APIs of the metadata"),
    (
        "108-",
        "wildcard-matches-nothing",
        "governance:*CloudSsoBlueprint",
        "no Cloud Governance Center API of the metadata ends so",
    ),
    (
        "108-",
        "wildcard-matches-nothing",
        "governance:*RoleBasedSsoBlueprint",
        "no Cloud Governance Center API of the metadata ends so",
    ),
    (
        "108-",
        "wildcard-matches-nothing",
        "governance:*SamlProvider",
        "no Cloud Governance Center API of the metadata ends so",
    ),
    ("123-", "unlisted-action", "dms:LoginDatabase", "a DMS console permission, no API of the dms product in the metadata"),
];

#[test]
fn the_generated_tables_add_only_the_listed_findings() {
    let results = lint_corpus();
    let text = |name: &str, d: &Diagnostic| -> String {
        let bytes = fs::read(corpus_dir().join(name)).expect("corpus file");
        String::from_utf8_lossy(&bytes[d.span.start..d.span.end])
            .trim_matches('"')
            .to_string()
    };
    let mut found = Vec::new();
    for (name, diagnostics) in &results {
        for d in diagnostics {
            if !matches!(
                d.rule.id(),
                "unlisted-action" | "unknown-action" | "wildcard-matches-nothing" | "action-case"
            ) {
                continue;
            }
            let action = text(name, d);
            // Findings on ENS actions come from the hand-checked table, which
            // the other corpus tests cover.
            if action.to_ascii_lowercase().starts_with("ens:") {
                continue;
            }
            found.push((name[..4].to_string(), d.rule.id().to_string(), action));
        }
    }
    found.sort();
    let mut expected: Vec<(String, String, String)> = TABLE_FINDINGS
        .iter()
        .map(|(file, rule, action, _)| (file.to_string(), rule.to_string(), action.to_string()))
        .collect();
    expected.sort();
    assert_eq!(found, expected);
    // Warnings at most: an SDK-generated table never proves an action absent.
    for (name, diagnostics) in &results {
        assert!(
            diagnostics
                .iter()
                .all(|d| d.rule.id() != "unknown-action"
                    || text(name, d).to_ascii_lowercase().starts_with("ens:")),
            "{name}"
        );
    }
}

/// 087 grants `*` on ECS, OSS and VPC resources only: the finding says what
/// it really grants and never mentions image creation, which it cannot reach.
#[test]
fn broad_wildcards_count_only_what_the_resources_reach() {
    let corpus = lint_corpus();
    let findings = &corpus["087-ros-action-star-service-resources.json"];
    let broad: Vec<&str> = findings
        .iter()
        .filter(|d| d.rule.id() == "broad-action-wildcard")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(broad.len(), 1, "{findings:#?}");
    assert!(
        broad[0].starts_with("`*` grants every action of ecs (") && broad[0].contains(") and vpc ("),
        "{}",
        broad[0]
    );
    for d in findings {
        let text = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
        assert!(!text.contains("CreateImage"), "087 cannot reach ENS: {text}");
    }
}

fn iac_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/corpus/iac")
}

/// Policy documents in each IaC file from 071 on, counted by reading the
/// file (SOURCES.md says what each holds). A document the host computes
/// (`var.policy_document`, `file(...)`) is no document here: it is counted
/// as a value not known until deployment.
const IAC_ADDED: &[(&str, usize)] = &[
    ("071", 1),
    ("072", 1),
    ("073", 1),
    ("074", 1),
    ("075", 1),
    ("076", 1),
    ("077", 1),
    ("078", 1),
    ("079", 1),
    ("080", 1),
    ("081", 1),
    ("082", 1),
    ("083", 1),
    ("084", 1),
    ("085", 1),
    ("086", 1),
    ("087", 1),
    ("088", 1),
    ("089", 1),
    ("090", 2),
    ("091", 1),
    ("092", 1),
    ("093", 1),
    ("094", 1),
    ("095", 1),
    // Its policies are all in comments.
    ("096", 0),
    ("097", 1),
    // `file(...)` of a path built from a variable: computed.
    ("098", 0),
    ("099", 1),
    ("100", 1),
    ("101", 0),
    ("102", 1),
    ("103", 1),
    ("104", 2),
    // A session policy in the provider's `assume_role { policy = ... }`.
    ("105", 1),
    ("106", 1),
    ("107", 1),
    ("108", 2),
    ("109", 2),
    ("110", 2),
    // Documents passed in through variables (`var.*`, a dynamic block).
    ("111", 0),
    ("112", 1),
    ("113", 0),
    ("114", 0),
    ("115", 4),
    ("116", 1),
    ("117", 1),
    // Terraform generated from ROS: the documents are variables.
    ("118", 0),
    ("119", 0),
    ("120", 0),
    ("121", 0),
    ("122", 0),
    ("123", 1),
    ("124", 2),
    ("125", 0),
    ("126", 1),
    ("127", 1),
    ("128", 1),
    ("129", 1),
    ("130", 1),
    ("131", 1),
    ("132", 1),
    ("133", 1),
    ("134", 0),
    ("135", 2),
];

/// Error-level findings in the added files, each a mistake SOURCES.md
/// records: `Resource` used as a condition key.
const IAC_ADDED_ERRORS: &[(&str, usize, &str)] = &[("102", 57, "invalid-condition-key")];

#[test]
fn the_added_iac_files_are_read_with_no_false_error() {
    let files: Vec<PathBuf> = {
        let mut files: Vec<PathBuf> = fs::read_dir(iac_dir())
            .expect("testdata/corpus/iac")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n >= "071" && n != "SOURCES.md")
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(files.len(), IAC_ADDED.len(), "the corpus and the table disagree");
    assert!(files.len() >= 40, "at least 40 files were added");
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0;
    for (file, (number, expected)) in files.iter().zip(IAC_ADDED) {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(name.starts_with(number), "{name} is not {number}");
        let text = fs::read_to_string(file).expect("UTF-8");
        let kind = host::kind_for(&name, &text).unwrap_or_else(|| panic!("{name}: no host kind reads it"));
        let documents = (kind.extract)(&text).documents.len();
        total += documents;
        if documents != *expected {
            failures.push(format!("{name}: {documents} documents, expected {expected}"));
        }
        let report = policy_check::engine::kinds::lint_input(
            name.clone(),
            text.clone().into_bytes(),
            Origin::Named,
            &LintOptions::default(),
            &RuleSettings::default(),
        );
        let index = policy_check::core::LineIndex::new(&report.text);
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            let line = index.line_column(&report.text, d.span.start).line;
            errors.push((number.to_string(), line, d.rule.id().to_string()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let expected: Vec<(String, usize, String)> = IAC_ADDED_ERRORS
        .iter()
        .map(|(n, l, r)| (n.to_string(), *l, r.to_string()))
        .collect();
    assert_eq!(errors, expected, "error findings in the added IaC files");
    assert_eq!(total, 62, "policies found in the added IaC files");
}

/// Files of the IaC corpus that hold policy-like text a walk does not read,
/// each with the reason; the test below fails when one of them starts being
/// read (take it off) or another joins them.
const UNREAD: &[(&str, &str)] = &[
    ("032", "a MaxCompute role policy, not RAM's"),
    ("118", "`Effect` is a parameter's name in ROS metadata, no policy"),
    ("121", "`Effect` is a parameter's name in ROS metadata, no policy"),
];

/// Whether `text` holds what looks like a RAM policy outside comments: an
/// `Effect` key, however the host writes it.
fn looks_like_a_policy(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|line| !line.starts_with('#') && !line.starts_with("//"))
        .any(|line| {
            line.contains("\"Effect\"")
                || line.contains("\\\"Effect\\\"")
                || line.contains("Effect:")
                || line.contains("effect =")
        })
}

/// A walk of the whole IaC corpus: every file that holds a policy is read
/// (its `--show-files` line counts a document or a value not known until
/// deployment), never skipped or passed as clean unread, but for the listed
/// files.
#[test]
fn no_walked_file_that_holds_a_policy_is_passed_over_unread() {
    let output = common::run(&iac_dir(), &["--show-files", "."], b"");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let mut unread = Vec::new();
    let mut seen = 0;
    for entry in fs::read_dir(iac_dir()).expect("testdata/corpus/iac") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "SOURCES.md" || !looks_like_a_policy(&fs::read_to_string(&path).expect("UTF-8")) {
            continue;
        }
        seen += 1;
        let line = stdout
            .lines()
            .find(|l| {
                l.strip_prefix("./")
                    .unwrap_or(l)
                    .starts_with(&format!("{name}: "))
            })
            .unwrap_or_else(|| panic!("{name} is not listed:\n{stdout}"));
        // Linted, with a document read or a value the host computes.
        let counted = !line.contains("(0 policy documents") || line.contains("not known until deployment");
        let read = line.contains("linted (") && counted;
        if !read {
            unread.push(name[..3].to_string());
        }
    }
    unread.sort();
    let expected: Vec<String> = UNREAD.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        unread, expected,
        "files holding policy-like text that a walk did not read"
    );
    assert!(seen > 100, "only {seen} files looked like policies");
}
