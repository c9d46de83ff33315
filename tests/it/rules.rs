//! Rule fixtures and rule docs: every rule has inputs that make it fire (with
//! a reviewed snapshot of the human output, so the span is visibly on the
//! right token) and inputs that keep it silent, and its documented `bad` and
//! `good` examples behave as documented.
//!
//! Layout: `testdata/rules/<rule-id>/fail-*.json` (+ `fail-*.snap`) and
//! `pass-*.json`, with an optional `policy-check.toml` beside them.
//! Regenerate snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test it rules::`,
//! then review the diff.

use std::fs;

use crate::common;
use std::path::{Path, PathBuf};

use policy_check::checks::LintOptions;
use policy_check::config::Config;
use policy_check::core::Date;
use policy_check::core::FileReport;
use policy_check::core::Rule;
use policy_check::core::{Origin, RuleSettings};
use policy_check::engine;
use policy_check::engine::pipeline::lint_file;
use policy_check::report::{self, Format, Style};
use policy_check::suppress;

/// Rules whose input is not a document's text, tested through the CLI instead.
const NOT_TEXT_RULES: &[Rule] = &[Rule::IoError];

/// Rules about suppressions: their fixtures are host files (`.tf`, `.yaml`)
/// and policies linted under the folder's `policy-check.toml`, with its
/// `[[suppress]]` entries and the files' comments applied; their examples
/// are Terraform or TOML. See [`suppression_findings`].
const SUPPRESSION_RULES: &[Rule] = &[
    Rule::UnusedSuppression,
    Rule::ExpiredSuppression,
    Rule::InvalidSuppression,
];

/// Rules about host files themselves: their fixtures are hosts of every
/// kind (`.tf`, `.yaml`, `.tf.json`, ROS JSON, plain policies), linted
/// through the engine as the command line reads them; their examples are
/// Terraform. See [`host_findings`].
const HOST_RULES: &[Rule] = &[Rule::InvalidSyntax];

/// Fixture extensions: policies, and the hosts suppression comments live in.
fn is_fixture(path: &Path, rule: Rule) -> bool {
    let extensions: &[&str] = if SUPPRESSION_RULES.contains(&rule) || HOST_RULES.contains(&rule) {
        &["json", "tf", "yaml"]
    } else {
        &["json"]
    };
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.contains(&e))
}

/// Lints `text` (shown as `shown`, at `file_name` under the configuration)
/// with every rule on, applies the configuration's suppressions that cover
/// the file and its comments, and keeps the findings of `rule`: the file's
/// report, then the configuration's (its entries for this file), if any.
fn suppression_findings(
    rule: Rule,
    shown: &str,
    file_name: &str,
    text: &str,
    config: Option<(&str, &str)>,
) -> Vec<policy_check::core::FileReport> {
    let today = Date::today_utc();
    let parsed = config.map(|(_, text)| Config::parse(text).expect("fixture config is valid"));
    let settings = RuleSettings::default();
    let options = options_from(config.map(|(_, text)| text), file_name);
    let entries = parsed
        .as_ref()
        .map(|c| c.suppressions_for(file_name, today))
        .unwrap_or_default();
    let mut report = engine::analyze(
        engine::Input {
            name: shown.to_string(),
            bytes: text.as_bytes().to_vec(),
            origin: Origin::Named,
        },
        &engine::Settings {
            options,
            rules: settings.clone(),
            suppressions: entries,
            ..Default::default()
        },
    )
    .report;
    report.diagnostics.retain(|d| d.rule == rule);
    let mut reports = vec![report];
    if let (Some((name, text)), Some(parsed)) = (config, &parsed) {
        let own = parsed.suppress.iter().filter(|s| s.path.is_match(file_name));
        let mut found = suppress::entry_findings(own, today, false);
        found.retain(|d| d.rule == rule);
        let mut report = FileReport::linted(name.to_string(), String::new(), Vec::new(), 0, 0, Vec::new());
        suppress::add_findings(&mut report, found, &settings, text.to_string());
        reports.push(report);
    }
    reports.retain(|r| !r.diagnostics.is_empty());
    reports
}

/// Lints `text` as the file `name` through the engine, with only `rule` on.
fn host_findings(rule: Rule, name: &str, text: &str) -> FileReport {
    engine::analyze(
        engine::Input {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
            origin: Origin::Named,
        },
        &engine::Settings {
            rules: RuleSettings::only(rule),
            ..Default::default()
        },
    )
    .report
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

fn options_from(config: Option<&str>, file_name: &str) -> LintOptions {
    match config {
        Some(text) => {
            Config::parse(text)
                .expect("fixture config is valid")
                .settings_for(file_name)
                .0
        }
        None => LintOptions::default(),
    }
}

fn lint_only(rule: Rule, name: String, text: &str, options: &LintOptions) -> policy_check::core::FileReport {
    lint_file(
        name,
        text.as_bytes().to_vec(),
        Origin::Named,
        options,
        &RuleSettings::only(rule),
    )
}

#[test]
fn every_rule_has_firing_and_silent_fixtures() {
    let mut missing = Vec::new();
    for rule in Rule::ALL.iter().filter(|r| !NOT_TEXT_RULES.contains(r)) {
        let dir = rules_dir().join(rule.id());
        let names: Vec<String> = fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        for prefix in ["fail-", "pass-"] {
            if !names
                .iter()
                .any(|n| n.starts_with(prefix) && is_fixture(Path::new(n), *rule))
            {
                missing.push(format!("{}: no {prefix}* fixture", rule.id()));
            }
        }
    }
    assert!(missing.is_empty(), "missing fixtures:\n{}", missing.join("\n"));
}

#[test]
fn fixtures_fire_exactly_where_their_snapshots_say() {
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> = fs::read_dir(rules_dir())
        .expect("testdata/rules exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(rule) = Rule::from_id(&id) else {
            failures.push(format!("testdata/rules/{id}: no rule has this id"));
            continue;
        };
        let config = fs::read_to_string(dir.join("policy-check.toml")).ok();
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("readable fixture folder")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| is_fixture(p, rule))
            .collect();
        files.sort();
        for file in files {
            let file_name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let shown = format!("testdata/rules/{id}/{file_name}");
            let text = fs::read_to_string(&file).expect("fixtures are UTF-8");
            let reports = if SUPPRESSION_RULES.contains(&rule) {
                let config_name = format!("testdata/rules/{id}/policy-check.toml");
                let config = config.as_deref().map(|text| (config_name.as_str(), text));
                suppression_findings(rule, &shown, &file_name, &text, config)
            } else if HOST_RULES.contains(&rule) {
                let report = host_findings(rule, &shown, &text);
                if report.diagnostics.is_empty() {
                    Vec::new()
                } else {
                    vec![report]
                }
            } else {
                let options = options_from(config.as_deref(), &file_name);
                let report = lint_only(rule, shown.clone(), &text, &options);
                if report.diagnostics.is_empty() {
                    Vec::new()
                } else {
                    vec![report]
                }
            };
            if file_name.starts_with("pass-") {
                if !reports.is_empty() {
                    let found: Vec<_> = reports.iter().flat_map(|r| &r.diagnostics).collect();
                    failures.push(format!("{shown}: expected silence, got {found:?}"));
                }
                continue;
            }
            if reports.is_empty() {
                failures.push(format!("{shown}: `{id}` did not fire"));
                continue;
            }
            let mut rendered = Vec::new();
            report::write(Format::Human, &reports, Style::default(), &mut rendered).expect("renders");
            let rendered = String::from_utf8(rendered).expect("UTF-8 output");
            if let Err(failure) = common::snapshot(&file.with_extension("snap"), &rendered) {
                failures.push(failure);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn documented_examples_behave_as_documented() {
    let mut failures = Vec::new();
    for rule in Rule::ALL.iter().filter(|r| !NOT_TEXT_RULES.contains(r)) {
        let meta = rule.meta();
        if SUPPRESSION_RULES.contains(rule) {
            // Terraform with comments, or a `policy-check.toml` covering a
            // policy with a redundant action.
            let fires = |example: &str| {
                let (host, config) = if example.starts_with("[[") {
                    (
                        meta_policy_with_redundant_action(),
                        Some(("policy-check.toml", example)),
                    )
                } else {
                    (example, None)
                };
                let name = if config.is_some() {
                    "legacy/p.json"
                } else {
                    "example.tf"
                };
                !suppression_findings(*rule, name, name, host, config).is_empty()
            };
            if !fires(meta.bad) {
                failures.push(format!("{}: the `bad` example does not fire", meta.id));
            }
            if fires(meta.good) {
                failures.push(format!("{}: the `good` example fires", meta.id));
            }
            continue;
        }
        if HOST_RULES.contains(rule) {
            let fires = |example: &str| !host_findings(*rule, "example.tf", example).diagnostics.is_empty();
            if !fires(meta.bad) {
                failures.push(format!("{}: the `bad` example does not fire", meta.id));
            }
            if fires(meta.good) {
                failures.push(format!("{}: the `good` example fires", meta.id));
            }
            continue;
        }
        let options = options_from(meta.config, "example.json");
        let fires = |text: &str| {
            !lint_only(*rule, String::new(), text, &options)
                .diagnostics
                .is_empty()
        };
        if !fires(meta.bad) {
            failures.push(format!("{}: the `bad` example does not fire", meta.id));
        }
        if fires(meta.good) {
            failures.push(format!("{}: the `good` example fires", meta.id));
        }
        let clean = policy_check::engine::pipeline::lint_text(meta.good, &options);
        let errors: Vec<_> = clean
            .iter()
            .filter(|d| d.severity == policy_check::core::Severity::Error)
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{}: the `good` example has errors: {errors:?}", meta.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `invalid-syntax` stays silent on a host written in JSON, or on a JSON
/// policy inside a host that parses: there the JSON is what is broken, and
/// `invalid-json` says so.
#[test]
fn broken_json_in_any_host_is_invalid_json_not_invalid_syntax() {
    let dir = rules_dir().join("invalid-syntax");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.starts_with("pass-broken") {
            continue;
        }
        seen += 1;
        let text = fs::read_to_string(&path).expect("UTF-8 fixture");
        let report = engine::analyze(
            engine::Input {
                name: name.clone(),
                bytes: text.into_bytes(),
                origin: Origin::Named,
            },
            &engine::Settings::default(),
        )
        .report;
        let rules: Vec<Rule> = report.diagnostics.iter().map(|d| d.rule).collect();
        assert!(rules.contains(&Rule::InvalidJson), "{name}: {rules:?}");
        assert!(!rules.contains(&Rule::InvalidSyntax), "{name}: {rules:?}");
    }
    assert_eq!(seen, 4, "the four broken-JSON hosts");
}

/// The policy the `[[suppress]]` examples are linted against: its redundant
/// action is what they suppress.
fn meta_policy_with_redundant_action() -> &'static str {
    Rule::RedundantAction.meta().bad
}

/// The README's rule table lists exactly the built-in rules, with their data's
/// severity and summary. `UPDATE_SNAPSHOTS=1` rewrites the table.
#[test]
fn readme_rule_table_matches_the_rule_data() {
    const HEADER: &str = "| rule | severity | what it reports |";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != HEADER)
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .collect();
    let expected: Vec<String> = Rule::ALL
        .iter()
        .map(|r| {
            format!(
                "| `{}` | {} | {} |",
                r.id(),
                r.default_severity(),
                r.meta().summary.replace('|', "\\|")
            )
        })
        .collect();
    if rows != expected && std::env::var_os("UPDATE_SNAPSHOTS").is_some() && !rows.is_empty() {
        let old = format!("{HEADER}\n|---|---|---|\n{}\n", rows.join("\n"));
        let new = format!("{HEADER}\n|---|---|---|\n{}\n", expected.join("\n"));
        fs::write(&path, readme.replacen(&old, &new, 1)).expect("rewrite README.md");
        return;
    }
    assert_eq!(
        rows, expected,
        "regenerate the table with `UPDATE_SNAPSHOTS=1 cargo test --test it rules::` \
         (or paste `cargo run -q -- rules --markdown`)"
    );
}

/// docs/rules.md is exactly what the rule data generates, so the published
/// reference cannot drift from `rules/*.toml`. `UPDATE_SNAPSHOTS=1`
/// rewrites it.
#[test]
fn docs_rule_reference_matches_the_rule_data() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = policy_check::rule_docs::markdown();
    let actual = fs::read_to_string(&path).unwrap_or_default();
    if actual != expected && std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let first_difference = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, e)| a != e)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    assert!(
        actual == expected,
        "docs/rules.md differs from the rule data (first at line {}); regenerate it with `{}` \
         (or `UPDATE_SNAPSHOTS=1 cargo test --test it rules::`) and review the diff",
        first_difference + 1,
        policy_check::rule_docs::REGENERATE
    );
}

/// The rule reference's Markdown is sound: every index entry points at a
/// section, and code fences are balanced.
#[test]
fn docs_rule_reference_is_well_formed() {
    let text = policy_check::rule_docs::markdown();
    for rule in Rule::ALL {
        let entry = format!("[`{id}`](#{id})", id = rule.id());
        assert!(text.contains(&entry), "{entry} missing from the index");
    }
    assert_eq!(text.matches("\n```").count() % 2, 0, "unbalanced code fences");
}
