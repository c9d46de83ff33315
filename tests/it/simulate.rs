//! `policy-check simulate` and `policy-check test` as users run them: a
//! decision table over every condition operator, NotAction in Allow and Deny,
//! several files, unusable inputs, every request rule, both output formats,
//! and the shipped example test files. Runs the real binary.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{stderr, stdout, tree};

use serde_json::Value;

fn run(args: &[&str], cwd: &Path) -> Output {
    common::run(cwd, args, b"")
}

fn policy(statements: &[String]) -> String {
    format!(r#"{{"Version": "1", "Statement": [{}]}}"#, statements.join(", "))
}

fn statement(effect: &str, action: &str, extra: &str) -> String {
    format!(r#"{{"Effect": "{effect}", {action}, "Resource": "*"{extra}}}"#)
}

/// `simulate --format json` over `files`; the JSON document and exit code.
fn simulate(name: &str, files: &[(&str, &str)], args: &[&str]) -> (Value, i32) {
    let dir = tree(name, files);
    let mut all = vec!["simulate", "--format", "json"];
    all.extend_from_slice(args);
    all.extend(files.iter().map(|(path, _)| *path));
    let output = run(&all, &dir);
    let code = output.status.code().unwrap_or(-1);
    let doc = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{name}: JSON ({e}): {}{}", stdout(&output), stderr(&output)));
    (doc, code)
}

/// One condition-decision row: an Allow of ens:CreateImage under
/// `operator` `key` `values`, asked with `context` (`None`: key absent).
struct Row {
    operator: &'static str,
    key: &'static str,
    values: &'static str,
    context: Option<&'static str>,
    allow: bool,
}

const fn row(
    operator: &'static str,
    key: &'static str,
    values: &'static str,
    context: Option<&'static str>,
    allow: bool,
) -> Row {
    Row {
        operator,
        key,
        values,
        context,
        allow,
    }
}

const UA: &str = "acs:UserAgent";
const NUM: &str = "acs:RequestTag/count";
const TIME: &str = "acs:CurrentTime";
const IP: &str = "acs:SourceIp";
const TAGS: &str = "acs:RequestTag/env";

/// Every RAM operator: positive, negated, absent key, several values, IPv6,
/// date offsets, and the set qualifiers.
const TABLE: &[Row] = &[
    row("StringEquals", UA, r#""cli""#, Some("cli"), true),
    row("StringEquals", UA, r#""cli""#, Some("CLI"), false),
    row("StringEquals", UA, r#"["sdk", "cli"]"#, Some("cli"), true),
    row("StringEquals", UA, r#""cli""#, None, false),
    row("StringNotEquals", UA, r#""cli""#, Some("sdk"), true),
    row("StringNotEquals", UA, r#"["sdk", "cli"]"#, Some("cli"), false),
    row("StringNotEquals", UA, r#""cli""#, None, true),
    row("StringEqualsIgnoreCase", UA, r#""cli""#, Some("CLI"), true),
    row("StringEqualsIgnoreCase", UA, r#""cli""#, Some("sdk"), false),
    row("StringEqualsIgnoreCase", UA, r#""cli""#, None, false),
    row("StringNotEqualsIgnoreCase", UA, r#""cli""#, Some("CLI"), false),
    row("StringNotEqualsIgnoreCase", UA, r#""cli""#, Some("sdk"), true),
    row("StringNotEqualsIgnoreCase", UA, r#""cli""#, None, true),
    row(
        "StringLike",
        UA,
        r#""aliyun-cli/*""#,
        Some("aliyun-cli/3.0"),
        true,
    ),
    row(
        "StringLike",
        UA,
        r#""aliyun-cl?/3.0""#,
        Some("aliyun-cli/3.0"),
        true,
    ),
    row(
        "StringLike",
        UA,
        r#""aliyun-cli/*""#,
        Some("Aliyun-CLI/3.0"),
        false,
    ),
    row("StringLike", UA, r#""aliyun-cli/*""#, None, false),
    row(
        "StringNotLike",
        UA,
        r#""aliyun-cli/*""#,
        Some("terraform/1.9"),
        true,
    ),
    row(
        "StringNotLike",
        UA,
        r#"["terraform/*", "aliyun-cli/*"]"#,
        Some("aliyun-cli/3.0"),
        false,
    ),
    row("StringNotLike", UA, r#""aliyun-cli/*""#, None, true),
    row("NumericEquals", NUM, r#""3""#, Some("3.0"), true),
    row("NumericEquals", NUM, r#""3""#, Some("4"), false),
    row("NumericEquals", NUM, r#""3""#, None, false),
    row("NumericNotEquals", NUM, r#""3""#, Some("4"), true),
    row("NumericNotEquals", NUM, r#"["3", "4"]"#, Some("4"), false),
    row("NumericNotEquals", NUM, r#""3""#, None, true),
    row("NumericLessThan", NUM, r#""10""#, Some("9"), true),
    row("NumericLessThan", NUM, r#""10""#, Some("10"), false),
    row("NumericLessThanEquals", NUM, r#""10""#, Some("10"), true),
    row("NumericLessThanEquals", NUM, r#""10""#, Some("-11"), true),
    row("NumericLessThanEquals", NUM, r#""10""#, Some("11"), false),
    row("NumericGreaterThan", NUM, r#""10""#, Some("10.5"), true),
    row("NumericGreaterThan", NUM, r#""10""#, Some("10"), false),
    row("NumericGreaterThanEquals", NUM, r#""10""#, Some("10"), true),
    row("NumericGreaterThanEquals", NUM, r#""10""#, Some("2"), false),
    row("NumericGreaterThanEquals", NUM, r#""10""#, None, false),
    row(
        "DateEquals",
        TIME,
        r#""2026-06-01T08:00:00+08:00""#,
        Some("2026-06-01T00:00:00Z"),
        true,
    ),
    row(
        "DateEquals",
        TIME,
        r#""2026-06-01T08:00:00+08:00""#,
        Some("2026-06-01T08:00:00Z"),
        false,
    ),
    row(
        "DateNotEquals",
        TIME,
        r#""2026-06-01T08:00:00+08:00""#,
        Some("2026-06-01T08:00:00Z"),
        true,
    ),
    row("DateNotEquals", TIME, r#""2026-06-01T00:00:00Z""#, None, true),
    // The issue's own example: 23:00 at -02:00 is after midnight UTC.
    row(
        "DateGreaterThan",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2026-12-31T23:00:00-02:00"),
        true,
    ),
    row(
        "DateGreaterThan",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2026-12-31T23:00:00Z"),
        false,
    ),
    row("DateGreaterThan", TIME, r#""2027-01-01T00:00:00Z""#, None, false),
    row(
        "DateGreaterThanEquals",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2027-01-01T08:00:00+08:00"),
        true,
    ),
    row(
        "DateLessThan",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2026-12-31T23:00:00-02:00"),
        false,
    ),
    row(
        "DateLessThan",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2027-01-01T07:00:00+08:00"),
        true,
    ),
    row(
        "DateLessThanEquals",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2027-01-01T00:00:00Z"),
        true,
    ),
    row(
        "DateLessThanEquals",
        TIME,
        r#""2027-01-01T00:00:00Z""#,
        Some("2027-01-01T00:00:01Z"),
        false,
    ),
    row("Bool", "acs:SecureTransport", r#""true""#, Some("true"), true),
    row("Bool", "acs:SecureTransport", r#""true""#, Some("false"), false),
    row("Bool", "acs:SecureTransport", r#""true""#, None, false),
    row("IpAddress", IP, r#""203.0.113.0/24""#, Some("203.0.113.9"), true),
    row("IpAddress", IP, r#""203.0.113.0/24""#, Some("192.0.2.1"), false),
    row(
        "IpAddress",
        IP,
        r#"["192.0.2.0/24", "203.0.113.7"]"#,
        Some("203.0.113.7"),
        true,
    ),
    row("IpAddress", IP, r#""2001:db8::/32""#, Some("2001:db8:1::5"), true),
    row("IpAddress", IP, r#""2001:db8::/32""#, Some("2001:db9::5"), false),
    row("IpAddress", IP, r#""203.0.113.0/24""#, None, false),
    row(
        "IpAddress",
        IP,
        r#""203.0.113.0/24""#,
        Some("192.0.2.1,203.0.113.9"),
        true,
    ),
    row("NotIpAddress", IP, r#""203.0.113.0/24""#, Some("192.0.2.1"), true),
    row(
        "NotIpAddress",
        IP,
        r#"["192.0.2.0/24", "2001:db8::/32"]"#,
        Some("2001:db8::1"),
        false,
    ),
    row("NotIpAddress", IP, r#""203.0.113.0/24""#, None, true),
    row(
        "ForAnyValue:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        Some("prod,dev"),
        true,
    ),
    row(
        "ForAnyValue:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        Some("prod"),
        false,
    ),
    row(
        "ForAnyValue:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        None,
        false,
    ),
    row(
        "ForAllValues:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        Some("test,dev"),
        true,
    ),
    row(
        "ForAllValues:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        Some("dev,prod"),
        false,
    ),
    row(
        "ForAllValues:StringEquals",
        TAGS,
        r#"["dev", "test"]"#,
        None,
        true,
    ),
];

#[test]
fn decision_table_covers_every_operator() {
    let mut seen: Vec<&str> = TABLE.iter().map(|r| r.operator).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 23, "21 operators and two qualified forms: {seen:?}");
    let mut files = Vec::new();
    for (i, r) in TABLE.iter().enumerate() {
        let condition = format!(
            r#", "Condition": {{"{}": {{"{}": {}}}}}"#,
            r.operator, r.key, r.values
        );
        let text = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, &condition)]);
        files.push((format!("row{i}.json"), text));
    }
    let dir = tree(
        "table",
        &files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
    );
    for (i, r) in TABLE.iter().enumerate() {
        let context = r.context.map(|v| format!("{}={v}", r.key));
        let mut args = vec!["simulate", "--format", "json"];
        if let Some(context) = &context {
            args.extend(["--context", context]);
        }
        let file = format!("row{i}.json");
        args.push(&file);
        let output = run(&args, &dir);
        let doc: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("row {i}: {e}: {}", stderr(&output)));
        let expected = if r.allow { "allow" } else { "implicit-deny" };
        assert_eq!(
            doc["decision"], expected,
            "row {i}: {} {} {} with {:?}: {}",
            r.operator, r.key, r.values, r.context, doc["statements"][0]["reason"]
        );
        assert_eq!(output.status.code(), Some(if r.allow { 0 } else { 1 }), "row {i}");
        if r.context.is_none() {
            let reason = doc["statements"][0]["reason"].as_str().unwrap_or_default();
            assert!(reason.contains("not in the request context"), "row {i}: {reason}");
        }
    }
}

#[test]
fn not_action_in_allow_and_deny() {
    let cases = [
        // Allow NotAction grants everything it does not list.
        ("Allow", r#""NotAction": "ens:Delete*""#, "allow"),
        (
            "Allow",
            r#""NotAction": ["ens:DeleteImage", "ens:createimage"]"#,
            "implicit-deny",
        ),
        // Deny NotAction denies everything it does not list.
        ("Deny", r#""NotAction": "ens:Describe*""#, "explicit-deny"),
        (
            "Deny",
            r#""NotAction": ["ens:Describe*", "ens:CreateImage"]"#,
            "allow",
        ),
    ];
    for (effect, action, expected) in cases {
        let allow_all = statement("Allow", r#""Action": "ens:*""#, "");
        let statements = if effect == "Allow" {
            vec![statement(effect, action, "")]
        } else {
            vec![allow_all, statement(effect, action, "")]
        };
        let text = policy(&statements);
        let (doc, _) = simulate("not-action", &[("p.json", &text)], &[]);
        assert_eq!(
            doc["decision"], expected,
            "{effect} {action}: {}",
            doc["statements"]
        );
    }
}

#[test]
fn actions_match_ignoring_case_and_resources_exactly() {
    let cases = [
        (
            r#""Action": "ENS:createIMAGE", "Resource": "*""#,
            &[][..],
            "allow",
        ),
        (
            r#""Action": "ens:Create?mage", "Resource": "*""#,
            &[][..],
            "allow",
        ),
        (r#""Action": "*", "Resource": "*""#, &[][..], "allow"),
        (
            r#""Action": "ens:CreateImages", "Resource": "*""#,
            &[][..],
            "implicit-deny",
        ),
        // CreateImage supports only All Resources: a specific ARN never matches `*`.
        (
            r#""Action": "ens:CreateImage", "Resource": "acs:ens:*:*:instance/*""#,
            &[][..],
            "implicit-deny",
        ),
        // ...whatever resource is asked: RAM evaluates it on `*`.
        (
            r#""Action": "ens:CreateImage", "Resource": "acs:ens:*:*:image/*""#,
            &["--resource", "acs:ens:*:123:image/m-1"][..],
            "implicit-deny",
        ),
        (
            r#""Action": "ens:CreateImage", "Resource": "*""#,
            &["--resource", "acs:ens:*:123:image/m-1"][..],
            "allow",
        ),
        // Resources of other operations match as written, case-sensitively.
        (
            r#""Action": "acme:GetWidget", "Resource": "acs:acme:*:*:widget/*""#,
            &[
                "--action",
                "acme:GetWidget",
                "--resource",
                "acs:acme:*:123:widget/w-1",
            ][..],
            "allow",
        ),
        (
            r#""Action": "acme:GetWidget", "Resource": "acs:acme:*:*:widget/*""#,
            &[
                "--action",
                "acme:GetWidget",
                "--resource",
                "acs:acme:*:123:Widget/w-1",
            ][..],
            "implicit-deny",
        ),
        (
            r#""Action": "ens:CreateImage", "NotResource": "acs:ens:*:*:image/*""#,
            &[][..],
            "allow",
        ),
    ];
    for (elements, args, expected) in cases {
        let text = format!(r#"{{"Version": "1", "Statement": [{{"Effect": "Allow", {elements}}}]}}"#);
        let (doc, _) = simulate("matching", &[("p.json", &text)], args);
        assert_eq!(
            doc["decision"], expected,
            "{elements} {args:?}: {}",
            doc["statements"]
        );
    }
}

#[test]
fn several_files_explicit_deny_wins_wherever_it_is() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let deny_http = policy(&[statement(
        "Deny",
        r#""Action": "ens:*""#,
        r#", "Condition": {"Bool": {"acs:SecureTransport": "false"}}"#,
    )]);
    let files = [
        ("a-allow.json", allow.as_str()),
        ("z-deny.json", deny_http.as_str()),
    ];
    let (doc, code) = simulate("files", &files, &["--context", "acs:SecureTransport=false"]);
    assert_eq!((doc["decision"].as_str(), code), (Some("explicit-deny"), 1));
    let statements = doc["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1]["file"], "z-deny.json");
    assert_eq!(
        (
            statements[1]["deciding"].as_bool(),
            statements[0]["deciding"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let (doc, code) = simulate("files", &files, &["--context", "acs:SecureTransport=true"]);
    assert_eq!((doc["decision"].as_str(), code), (Some("allow"), 0));
    let (doc, _) = simulate("files", &files[1..], &["--context", "acs:SecureTransport=false"]);
    assert_eq!(doc["decision"], "explicit-deny", "a Deny alone still denies");
}

#[test]
fn directories_are_walked_and_trust_policies_skipped() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let trust = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}"#;
    let dir = tree(
        "walk",
        &[
            ("policies/allow.json", &allow),
            ("policies/trust.json", trust),
            ("policies/notes.json", "{\"a\": 1}"),
        ],
    );
    let output = run(&["simulate", "--format", "json", "policies"], &dir);
    let doc: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(doc["decision"], "allow");
    assert_eq!(doc["skipped"][0]["file"], "policies/trust.json");
    assert_eq!(
        doc["skipped"].as_array().map(Vec::len),
        Some(1),
        "non-policy JSON is ignored"
    );
    let output = run(&["simulate", "policies/trust.json"], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("Skipped:\n  policies/trust.json: a trust policy"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn unusable_documents_and_bad_input_exit_2() {
    let good = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let bad_effect = policy(&[statement("allow", r#""Action": "ens:CreateImage""#, "")]);
    let bad_ip = policy(&[statement(
        "Allow",
        r#""Action": "ens:CreateImage""#,
        r#", "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.300/8"}}"#,
    )]);
    let dir = tree(
        "unusable",
        &[
            ("good.json", &good),
            ("effect.json", &bad_effect),
            ("broken.json", "{\"Version\": \"1\", "),
            ("ip.json", &bad_ip),
        ],
    );
    let output = run(&["simulate", "good.json", "effect.json", "broken.json"], &dir);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("invalid-effect") && err.contains("invalid-json"),
        "{err}"
    );
    assert!(err.contains("2 policies are unusable"), "{err}");
    assert!(stdout(&output).is_empty());

    let output = run(
        &["simulate", "ip.json", "--context", "acs:SourceIp=10.0.0.1"],
        &dir,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot evaluate a condition"),
        "{}",
        stderr(&output)
    );

    let output = run(
        &["simulate", "good.json", "--context", "acs:SourceIp=not-an-ip"],
        &dir,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "a condition never reached is not evaluated"
    );

    for args in [
        &["simulate", "good.json", "--context", "no-equals"][..],
        &["simulate", "good.json", "--action", "ens:Create*"],
        &["simulate", "good.json", "--action", "CreateImage"],
        &["simulate", "good.json", "--request", "missing.json"],
        &["simulate", "missing.json"],
        &["simulate"],
    ] {
        let output = run(args, &dir);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn human_output_shows_the_deciding_statement_and_every_other_reason() {
    let allow = policy(&[statement(
        "Allow",
        r#""Action": "ens:CreateImage""#,
        r#", "Condition": {"IpAddress": {"acs:SourceIp": "203.0.113.0/24"}}"#,
    )]);
    let deny = policy(&[statement("Deny", r#""Action": "ens:CreateImage""#, "")]);
    let dir = tree("human", &[("allow.json", &allow), ("deny.json", &deny)]);
    let output = run(
        &[
            "simulate",
            "--context",
            "acs:SourceIp=192.0.2.1",
            "allow.json",
            "deny.json",
        ],
        &dir,
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text.starts_with("explicit-deny: ens:CreateImage on `*` is denied by 1 Deny statement\n"),
        "{text}"
    );
    assert!(
        text.contains("denied here") && text.contains("[deny.json:1:"),
        "{text}"
    );
    assert!(
        text.contains("allow.json:1:32 statement 0 (Allow): does not apply: condition IpAddress `acs:SourceIp`: `192.0.2.1` is not in `203.0.113.0/24`"),
        "{text}"
    );
    let output = run(
        &["simulate", "allow.json", "--context", "acs:SourceIp=203.0.113.1"],
        &dir,
    );
    assert!(stdout(&output).contains("allowed here"), "{}", stdout(&output));
    let again = run(
        &["simulate", "allow.json", "--context", "acs:SourceIp=203.0.113.1"],
        &dir,
    );
    assert_eq!(output.stdout, again.stdout, "output is deterministic");
}

#[test]
fn json_document_has_the_documented_shape() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let (doc, code) = simulate(
        "shape",
        &[("p.json", &allow)],
        &["--context", "acs:SourceIp=192.0.2.1,192.0.2.2"],
    );
    assert_eq!(code, 0);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        (doc["action"].as_str(), doc["resource"].as_str()),
        (Some("ens:CreateImage"), Some("*"))
    );
    assert_eq!(
        doc["context"]["acs:SourceIp"],
        serde_json::json!(["192.0.2.1", "192.0.2.2"])
    );
    let s = &doc["statements"][0];
    for field in ["file", "index", "effect", "applies", "reason", "span"] {
        assert!(!s[field].is_null(), "{field} in {s}");
    }
    assert_eq!(
        s["span"]["offset"], 31,
        "the statement object starts after `{{\"Version\": \"1\", \"Statement\": [`"
    );
    assert!(
        doc.get("request").is_none() && doc.get("response").is_none(),
        "only with --request"
    );
}

/// Each request rule, with the decision allow, and how it orders against NoPermission.
#[test]
fn request_rules_and_responses() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let nothing = policy(&[statement("Allow", r#""Action": "ens:DescribeImages""#, "")]);
    let cases: &[(&str, &str, &str)] = &[
        ("allow.json", r#"{"ImageName": "web-base"}"#, "0"),
        ("allow.json", r#"{"ImageName": "镜像-base"}"#, "0"),
        ("allow.json", r#"{}"#, "MissingParameter"),
        (
            "allow.json",
            r#"{"ImageName": "a"}"#,
            "InvalidParameter.ImageName",
        ),
        (
            "allow.json",
            &format!(r#"{{"ImageName": "a{}"}}"#, "b".repeat(128)),
            "InvalidParameter.ImageName",
        ),
        (
            "allow.json",
            r#"{"ImageName": "9lives"}"#,
            "InvalidParameter.ImageName",
        ),
        (
            "allow.json",
            r#"{"ImageName": "https://x"}"#,
            "InvalidParameter.ImageName",
        ),
        (
            "allow.json",
            r#"{"ImageName": "web base"}"#,
            "InvalidParameter.ImageName",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "DeleteAfterImageUpload": "yes"}"#,
            "InvalidParameter.DeleteAfterImageUpload",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "DeleteAfterImageUpload": "true"}"#,
            "0",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "WithDataDisks": "maybe"}"#,
            "InvalidParameter.WithDataDisks",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "WithDataDisks": false}"#,
            "0",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "TargetOSSRegionId": "Beijing"}"#,
            "InvalidParameter.TargetOSSRegionId",
        ),
        (
            "allow.json",
            r#"{"ImageName": "ok", "TargetOSSRegionId": "cn-beijing"}"#,
            "0",
        ),
        ("nothing.json", r#"{"ImageName": "ok"}"#, "NoPermission"),
        (
            "nothing.json",
            r#"{"ImageName": "1"}"#,
            "InvalidParameter.ImageName",
        ),
    ];
    for (i, (policy_file, request, code)) in cases.iter().enumerate() {
        let dir = tree(
            &format!("request{i}"),
            &[
                ("allow.json", &allow),
                ("nothing.json", &nothing),
                ("request.json", request),
            ],
        );
        let output = run(
            &[
                "simulate",
                "--format",
                "json",
                "--request",
                "request.json",
                policy_file,
            ],
            &dir,
        );
        let doc: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{i}: {e}: {}", stderr(&output)));
        let got = match &doc["response"]["Code"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(got, *code, "case {i}: {request}: {}", doc["request"]);
        assert_eq!(
            doc["response"]["HttpStatus"],
            if *code == "0" { 200 } else { 400 },
            "case {i}"
        );
        assert_eq!(doc["response"]["Simulated"], true);
        assert_eq!(
            doc["request"]["valid"],
            !code.starts_with("Invalid") && *code != "MissingParameter"
        );
        assert_eq!(
            output.status.code(),
            Some(if *code == "0" { 0 } else { 1 }),
            "case {i}"
        );
    }
    let dir = tree(
        "request-unknown",
        &[
            ("allow.json", &allow),
            ("r.json", r#"{"ImageName": "ok", "Imagename": "x"}"#),
        ],
    );
    let output = run(&["simulate", "--request", "r.json", "allow.json"], &dir);
    assert_eq!(output.status.code(), Some(0), "unknown parameters only warn");
    assert!(
        stdout(&output).contains("warning: Imagename is not a parameter of ens:CreateImage"),
        "{}",
        stdout(&output)
    );
    let output = run(
        &[
            "simulate",
            "--request",
            "r.json",
            "--action",
            "ens:DeleteImage",
            "allow.json",
        ],
        &dir,
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "no API description for other actions"
    );
    fs::write(dir.join("list.json"), "[]").expect("write");
    assert_eq!(
        run(&["simulate", "--request", "list.json", "allow.json"], &dir)
            .status
            .code(),
        Some(2)
    );
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/simulate")
}

#[test]
fn shipped_test_files_pass() {
    let output = run(
        &["test", "office-https.test.json", "guardrails.test.json"],
        &testdata(),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.ends_with("\n14 passed, 0 failed\n"), "{text}");
    let walked = stdout(&run(&["test", "."], &testdata()));
    assert!(
        walked.starts_with("ok    guardrails.test.json: "),
        "directories are searched for *.test.json, sorted: {walked}"
    );
    assert_eq!(
        walked.lines().count(),
        text.lines().count(),
        "request.json and the policies are not test files"
    );
}

#[test]
fn failing_and_broken_test_files() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let tests = r#"{"policies": ["p.json"], "cases": [
        {"name": "passes", "expect": "allow"},
        {"name": "any deny", "expect": "deny"},
        {"name": "wrong code", "request": {"ImageName": "1x"}, "expect": "NoPermission"},
        {"name": "code without request", "expect": "NoPermission"}
    ]}"#;
    let dir = tree(
        "tests",
        &[
            ("p.json", &allow),
            ("t.json", tests),
            ("broken.json", "{\"cases\": 1}"),
        ],
    );
    let output = run(&["test", "t.json"], &dir);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("ok    t.json: passes: allow"), "{text}");
    assert!(
        text.contains("FAIL  t.json: any deny: expected deny, got allow"),
        "{text}"
    );
    assert!(
        text.contains("FAIL  t.json: wrong code: expected NoPermission, got InvalidParameter.ImageName"),
        "{text}"
    );
    assert!(text.contains("ERROR t.json: code without request:"), "{text}");
    assert!(text.ends_with("\n1 passed, 3 failed\n"), "{text}");

    fs::write(
        dir.join("t2.json"),
        r#"{"policies": ["p.json"], "cases": [{"name": "n", "expect": "implicit-deny"}]}"#,
    )
    .expect("write");
    let output = run(&["test", "t2.json"], &dir);
    assert_eq!(output.status.code(), Some(1), "a plain failure exits 1");
    assert!(stdout(&output).ends_with("0 passed, 1 failed\n"));
    let output = run(&["test", "broken.json"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).starts_with("ERROR broken.json: not a valid test file"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn notes_flag_uncatalogued_actions_and_resources_ram_would_not_ask_about() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let (doc, _) = simulate("notes", &[("p.json", &allow)], &["--action", "ens:CreateImag"]);
    assert_eq!(doc["decision"], "implicit-deny");
    let note = doc["notes"][0].as_str().unwrap_or_default();
    assert!(note.contains("did you mean ens:CreateImage?"), "{note}");
    let (doc, _) = simulate(
        "notes",
        &[("p.json", &allow)],
        &["--resource", "acs:ens:*:1:image/m-1"],
    );
    assert!(doc["notes"][0]
        .as_str()
        .unwrap_or_default()
        .contains("no resource-level authorization"));
    let conditional = policy(&[statement(
        "Allow",
        r#""Action": "ens:CreateImage""#,
        r#", "Condition": {"Bool": {"acs:MFAPresent": "true"}, "IpAddress": {"acs:SourceIp": "192.0.2.0/24"}}"#,
    )]);
    let (doc, _) = simulate(
        "notes",
        &[("p.json", &conditional)],
        &["--context", "acs:sourceip=192.0.2.1"],
    );
    assert_eq!(doc["missing_context"], serde_json::json!(["acs:MFAPresent"]));
    assert!(doc["notes"][0]
        .as_str()
        .unwrap_or_default()
        .starts_with("missing context values: acs:MFAPresent"));
    let (doc, _) = simulate(
        "notes",
        &[("p.json", &conditional)],
        &["--action", "ens:DeleteImage"],
    );
    assert_eq!(
        doc["missing_context"],
        serde_json::json!([]),
        "only statements that match the action"
    );
    let (doc, _) = simulate("notes", &[("p.json", &allow)], &["--action", "ecs:RunInstances"]);
    assert_eq!(
        doc["notes"],
        serde_json::json!([]),
        "services without a catalogue get no notes"
    );
}

#[test]
fn standard_input_is_a_policy_named_stdin() {
    let deny = policy(&[statement("Deny", r#""Action": "ens:*""#, "")]);
    let dir = tree("stdin", &[]);
    let output = common::run(&dir, &["simulate", "--format", "json", "-"], deny.as_bytes());
    let doc: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(doc["decision"], "explicit-deny");
    assert_eq!(doc["statements"][0]["file"], "<stdin>");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_case_over_an_unusable_policy_is_an_error() {
    let bad = policy(&[statement("Permit", r#""Action": "ens:CreateImage""#, "")]);
    let tests = r#"{"cases": [{"name": "bad", "policies": ["bad.json"], "expect": "allow"}]}"#;
    let dir = tree("test-unusable", &[("bad.json", &bad), ("t.json", tests)]);
    let output = run(&["test", "t.json"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stdout(&output),
        "ERROR t.json: bad: unusable policy bad.json (run `policy-check` on it)\n0 passed, 1 failed\n"
    );
}

/// The human output of the walkthrough in docs/simulate.md, byte for byte. After an
/// intended change, regenerate a snapshot by running, in testdata/simulate,
/// the command the failure message prints.
#[test]
fn walkthrough_output_matches_its_snapshots() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "snapshots/office-https.txt",
            &[
                "--context",
                "acs:SourceIp=203.0.113.7",
                "--context",
                "acs:SecureTransport=true",
            ],
        ),
        (
            "snapshots/after-end-date.txt",
            &[
                "--context",
                "acs:SourceIp=203.0.113.7",
                "--context",
                "acs:SecureTransport=true",
                "--context",
                "acs:CurrentTime=2027-07-01T00:00:00Z",
                "--request",
                "request.json",
            ],
        ),
    ];
    for (snapshot, args) in cases {
        let mut all = vec!["simulate", "policies"];
        all.extend_from_slice(args);
        let output = run(&all, &testdata());
        if let Err(failure) = common::snapshot(&testdata().join(snapshot), &stdout(&output)) {
            panic!("policy-check {}: {failure}", all.join(" "));
        }
    }
}

/// A Terraform module as `simulate` and `test` read it: every form of
/// policy the linter reads (heredoc, `jsonencode`, a data source, a file
/// named by `file()`), evaluated with spans into the `.tf` file itself.
const MODULE: &str = r#"resource "alicloud_ram_policy" "heredoc" {
  policy_name     = "heredoc"
  policy_document = <<-EOF
    {
      "Version": "1",
      "Statement": [
        {"Effect": "Allow", "Action": "ens:CreateImage", "Resource": "*"}
      ]
    }
  EOF
}

resource "alicloud_ram_policy" "encoded" {
  policy_name = "encoded"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Deny", Action = "ens:DeleteImage", Resource = "*" }]
  })
}

data "alicloud_ram_policy_document" "describe" {
  statement {
    effect   = "Allow"
    action   = ["ens:DescribeImages"]
    resource = ["*"]
  }
}

resource "alicloud_ram_policy" "describe" {
  policy_name     = "describe"
  policy_document = data.alicloud_ram_policy_document.describe.document
}

resource "alicloud_ram_policy" "kept_beside" {
  policy_name     = "kept-beside"
  policy_document = file("${path.module}/stop.json")
}

resource "alicloud_ram_role" "builder" {
  role_name                   = "builder"
  assume_role_policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = ["ecs.aliyuncs.com"] } }]
  })
}
"#;

const STOP: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "Deny", "Action": "ens:StopInstance", "Resource": "*"}]}"#;

fn line_of(doc: &Value, statement: usize) -> (String, u64) {
    let s = &doc["statements"][statement];
    (
        s["file"].as_str().unwrap_or_default().to_string(),
        s["span"]["start"]["line"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn terraform_modules_are_simulated_on_their_own_lines() {
    let dir = tree(
        "terraform",
        &[("infra/main.tf", MODULE), ("infra/stop.json", STOP)],
    );
    let json = |args: &[&str]| {
        let mut all = vec!["simulate", "--format", "json"];
        all.extend_from_slice(args);
        let output = run(&all, &dir);
        let doc: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", stdout(&output), stderr(&output)));
        (doc, output.status.code())
    };
    let (doc, code) = json(&["--action", "ens:CreateImage", "infra/main.tf"]);
    assert_eq!(
        (doc["decision"].as_str(), code),
        (Some("allow"), Some(0)),
        "{doc}"
    );
    // The heredoc's statement, on its line of main.tf; the other documents
    // in order; the trust policy skipped, named by where it sits.
    let lines: Vec<(String, u64)> = (0..4).map(|i| line_of(&doc, i)).collect();
    let at = |file: &str, line: u64| (file.to_string(), line);
    assert_eq!(
        lines,
        [
            at("infra/main.tf", 7),
            at("infra/main.tf", 17),
            at("infra/main.tf", 22),
            at("infra/stop.json", 1),
        ]
    );
    assert_eq!(doc["statements"][0]["deciding"], true);
    assert_eq!(
        doc["skipped"][0]["reason"],
        "alicloud_ram_role.builder.assume_role_policy_document: a trust policy (its statements name a Principal), not an identity policy"
    );
    let (doc, code) = json(&["--action", "ens:DeleteImage", "infra/main.tf"]);
    assert_eq!((doc["decision"].as_str(), code), (Some("explicit-deny"), Some(1)));
    // The file named by `file()` counts, once, whether walked or not.
    for args in [
        &["--action", "ens:StopInstance", "infra/main.tf"][..],
        &["--action", "ens:StopInstance", "infra"],
    ] {
        let (doc, _) = json(args);
        assert_eq!(doc["decision"], "explicit-deny", "{args:?}");
        let files: Vec<&str> = doc["statements"]
            .as_array()
            .expect("statements")
            .iter()
            .filter_map(|s| s["file"].as_str())
            .filter(|f| f.ends_with("stop.json"))
            .collect();
        assert_eq!(files, ["infra/stop.json"], "{args:?}");
    }

    // `test` reads the module the same way.
    let cases = r#"{"cases": [
        {"name": "create", "policies": ["infra/main.tf"], "action": "ens:CreateImage", "expect": "allow"},
        {"name": "delete", "policies": ["infra"], "action": "ens:DeleteImage", "expect": "explicit-deny"}
    ]}"#;
    fs::write(dir.join("module.test.json"), cases).expect("write");
    let output = run(&["test", "module.test.json"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn values_terraform_computes_stop_a_simulation() {
    let module = r#"resource "alicloud_ram_policy" "computed" {
  policy_name = "computed"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Deny", Action = var.denied, Resource = "*" }]
  })
}

resource "alicloud_ram_policy" "allow" {
  policy_name     = "allow"
  policy_document = "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ens:*\", \"Resource\": \"*\"}]}"
}
"#;
    let dir = tree("computed", &[("main.tf", module)]);
    let output = run(&["simulate", "main.tf"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("main.tf (alicloud_ram_policy.computed.policy_document)"),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).is_empty(),
        "no decision is printed: {}",
        stdout(&output)
    );
}

#[test]
fn standard_input_honours_the_size_limit() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:*""#, "")]);
    let dir = tree("stdin-limit", &[]);
    let output = common::run(
        &dir,
        &["simulate", "--max-file-size", "16", "-"],
        allow.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`<stdin>` is larger than the 16 B limit"),
        "{}",
        stderr(&output)
    );
    let output = common::run(
        &dir,
        &["simulate", "--max-file-size", "1KiB", "-"],
        allow.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn a_test_file_reads_no_policy_outside_the_tested_folders() {
    let allow = policy(&[statement("Allow", r#""Action": "ens:CreateImage""#, "")]);
    let root = tree(
        "test-escape",
        &[("elsewhere/secret.json", &allow), ("repo/p.json", &allow)],
    );
    let secret = root.join("elsewhere/secret.json");
    let tests = format!(
        r#"{{"cases": [
            {{"name": "up", "policies": ["../elsewhere/secret.json"], "expect": "allow"}},
            {{"name": "absolute", "policies": [{}], "expect": "allow"}},
            {{"name": "inside", "policies": ["p.json"], "expect": "allow"}}
        ]}}"#,
        serde_json::to_string(&secret.display().to_string()).expect("json")
    );
    fs::write(root.join("repo/t.test.json"), tests).expect("write");
    std::os::unix::fs::symlink(&secret, root.join("repo/linked.json")).expect("symlink");
    fs::write(
        root.join("repo/l.test.json"),
        r#"{"policies": ["linked.json"], "cases": [{"name": "link", "expect": "allow"}]}"#,
    )
    .expect("write");
    let output = run(&["test", "."], &root.join("repo"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    for case in ["up", "absolute"] {
        assert!(
            text.contains(&format!("ERROR t.test.json: {case}: policy `")),
            "{text}"
        );
    }
    assert!(text.contains("ERROR l.test.json: link: policy `"), "{text}");
    assert!(text.contains("ok    t.test.json: inside: allow"), "{text}");
    // Named on the command line, the other folder is read.
    let output = run(&["test", ".", "../elsewhere"], &root.join("repo"));
    assert!(
        stdout(&output).contains("ok    t.test.json: up: allow"),
        "{}",
        stdout(&output)
    );
}

/// A session policy and a control policy only narrow what other policies
/// grant: `simulate`, which answers what identity policies allow, skips
/// them by name instead of reading their Allow `*` on `*` as a grant.
#[test]
fn session_and_control_policies_are_skipped_not_read_as_grants() {
    let main = r#"
provider "alicloud" {
  assume_role {
    role_arn = var.role_arn
    policy   = "{\"Statement\": [{\"Action\": \"*\", \"Effect\": \"Allow\", \"Resource\": \"*\"}], \"Version\": \"1\"}"
  }
}

resource "alicloud_resource_manager_control_policy" "guard" {
  policy_document = jsonencode({ Version = "1", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;
    let dir = tree("limiting", &[("infra/main.tf", main)]);
    let output = run(
        &[
            "simulate",
            "--format",
            "json",
            "--action",
            "ens:CreateImage",
            "infra/main.tf",
        ],
        &dir,
    );
    let doc: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}{}", stdout(&output), stderr(&output)));
    assert_ne!(doc["decision"], "allow", "{doc}");
    let reasons: Vec<&str> = doc["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter_map(|s| s["reason"].as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "provider.alicloud.assume_role[0].policy: a session policy, which only narrows the role's own policies",
            "alicloud_resource_manager_control_policy.guard.policy_document: a control policy, a guardrail that grants nothing by itself",
        ],
        "{doc}"
    );
}
