//! Output escaping (docs/untrusted.md, "Output escaping"): text from files,
//! file names and configs never reaches the terminal or a CI log raw, in any
//! format or subcommand. The reproductions of issue 11 (items 1 and 2), run
//! through the real binary, then a property test over random contents and
//! names, run in process.

use crate::common;

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use clap::Parser;
use common::{run, scratch, tree};
use proptest::prelude::*;

/// Characters that must never be printed raw, written out independently of
/// the implementation: controls, bidi controls, zero-width and separators.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// What a CI log or terminal reading `output` would act on, if anything.
/// `github` allows the annotations this tool writes itself.
fn injection(output: &[u8], github: bool) -> Option<String> {
    let text = String::from_utf8_lossy(output);
    if let Some(c) = text.chars().find(|&c| c != '\n' && is_unsafe(c)) {
        return Some(format!("raw U+{:04X}", c as u32));
    }
    if text.contains("##[") {
        return Some("`##[`".into());
    }
    for line in text.lines() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("::") {
            continue;
        }
        let ours = ["::error file=", "::warning file=", "::notice file="]
            .iter()
            .any(|start| line.starts_with(start))
            && is_own_annotation(line);
        if !(github && ours) {
            return Some(format!("a line starts a workflow command: {line:?}"));
        }
    }
    None
}

/// `::level file=F,line=N,col=N,endLine=N,endColumn=N,title=T::message`,
/// where F and T hold no `:` (the runner's property escaping).
fn is_own_annotation(line: &str) -> bool {
    let Some((_, rest)) = line.split_once(" file=") else {
        return false;
    };
    let Some((properties, _message)) = rest.split_once("::") else {
        return false;
    };
    let fields: Vec<&str> = properties.split(',').collect();
    fields.len() == 6
        && ["line=", "col=", "endLine=", "endColumn=", "title="]
            .iter()
            .zip(&fields[1..])
            .all(|(key, field)| field.starts_with(key))
}

fn assert_clean(what: &str, output: &[u8], github: bool) {
    if let Some(problem) = injection(output, github) {
        panic!("{what}: {problem} in\n{}", String::from_utf8_lossy(output));
    }
}

/// A value that puts a workflow command at the start of a CI log line if
/// printed raw (the runner splits on a bare CR and trims leading spaces).
const COMMAND: &str =
    "x\r  ::error file=README.md,line=1::pwned \u{1b}[31mred\u{7} \u{202e}gnp.exe \u{200b} ##[warning]w";

fn policy_with_action(action: &str) -> String {
    serde_json::json!({
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": ["ens:CreateImage", action], "Resource": "*"}]
    })
    .to_string()
}

#[test]
fn decoded_values_are_escaped_in_every_lint_format() {
    let dir = tree("values", &[("p.json", &policy_with_action(COMMAND))]);
    for format in ["human", "short", "github", "json", "sarif"] {
        let out = run(&dir, &["--format", format, "p.json"], b"");
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_clean(format, &out.stdout, format == "github");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if matches!(format, "human" | "short" | "github") {
            assert!(
                stdout.contains(r"x\r  ::error file=README.md,line=1::pwned \u001b[31mred\u0007 \u202egnp.exe \u200b ##\u005bwarning]w"),
                "{format}: the value is shown escaped:\n{stdout}"
            );
        }
    }
    // JSON escapes decode to the real value.
    let out = run(&dir, &["--format", "json", "p.json"], b"");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let message = report["diagnostics"][0]["message"].as_str().expect("a message");
    assert!(message.contains(COMMAND), "{message}");
}

#[test]
fn snippets_escape_raw_bytes_and_keep_the_underline_on_the_token() {
    // Raw ESC and U+202E inside the file (invalid JSON: a raw control
    // character), then a duplicate key after them on the same line.
    let text = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ens:\u{202e}x\u{1b}[2J\",\"Resource\":\"*\",\"Resource\":\"*\"}]}";
    let dir = tree("snippet", &[("p.json", text)]);
    let out = run(&dir, &["p.json"], b"");
    assert_clean("human", &out.stdout, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // The source line, then the underline below the escaped ESC.
    let source = lines
        .iter()
        .position(|l| l.starts_with(" 1 │ "))
        .expect("a snippet");
    let shown = lines[source];
    let under = lines[source + 1];
    let at = shown.find(r"\u001b").expect("ESC shown escaped");
    let columns = |s: &str| s.chars().count();
    let mark = under.find('─').expect("an underline");
    assert_eq!(
        columns(&under[..mark]),
        columns(&shown[..at]),
        "\n{shown}\n{under}"
    );
    assert_eq!(
        under[mark..].chars().take_while(|c| *c == '─').count(),
        r"\u001b".len()
    );
    assert!(shown.contains(r"ens:\u202ex\u001b[2J"), "{shown}");
}

#[test]
fn simulate_reasons_and_test_case_names_are_escaped() {
    let dir = tree(
        "simulate",
        &[
            ("p.json", &policy_with_action(COMMAND)),
            (
                "t.test.json",
                &serde_json::json!({
                    "policies": ["p.json"],
                    "cases": [
                        {"name": "a\n9 passed, 0 failed\n::error::x", "expect": "allow"},
                        {"name": "b\r##[error]y", "resource": "acs:ens:*:*:x\n9 passed, 0 failed", "expect": "deny"},
                    ]
                })
                .to_string(),
            ),
        ],
    );
    for format in ["human", "json"] {
        let out = run(
            &dir,
            &[
                "simulate",
                "--action",
                "ens:DeleteImage",
                "--format",
                format,
                "p.json",
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_clean(format, &out.stdout, false);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("pwned"),
            "the reason names the action"
        );
    }
    let out = run(&dir, &["test", "t.test.json"], b"");
    assert_clean("test", &out.stdout, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tallies: Vec<&str> = stdout
        .lines()
        .filter(|l| l.ends_with(" failed") && l.contains(" passed, "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(tallies, ["1 passed, 1 failed"], "\n{stdout}");
}

#[test]
fn config_keys_and_explain_arguments_are_escaped_on_stderr() {
    let dir = tree(
        "config",
        &[
            ("p.json", &policy_with_action("ens:CreateImage")),
            (
                "policy-check.toml",
                "[rules]\n\"x\\u001b]0;title\\u0007\\r::error::k\" = \"off\"\n",
            ),
        ],
    );
    let out = run(&dir, &["--config", "policy-check.toml", "p.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_clean("config error", &out.stderr, false);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(r"x\u001b]0;title\u0007\r::error::k"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&dir, &["explain", "a\u{1b}[2J\r::error::b"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_clean("explain", &out.stderr, false);
}

#[test]
fn a_newline_in_a_file_name_cannot_fake_a_finding() {
    let dir = scratch("names");
    let name = "x\nREADME.md:10:5: error[allow-all] fake\n\u{1b}[2Jy\u{202e}.json";
    fs::write(dir.join(name), policy_with_action("ens:CreateImag")).expect("write");
    for format in ["short", "github", "human", "json", "sarif"] {
        let out = run(&dir, &["--format", format, "."], b"");
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_clean(format, &out.stdout, format == "github");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if format == "short" {
            assert_eq!(stdout.lines().count(), 1, "one finding, one line:\n{stdout}");
            assert!(
                stdout.starts_with(r"x\nREADME.md:10:5: error[allow-all] fake\n\u001b[2Jy\u202e.json:1:"),
                "{stdout}"
            );
        }
    }
}

// ---- The property: random contents and names, every format and subcommand.

/// Pieces that matter to terminals and CI logs, mixed with arbitrary ones.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "\r",
            "\n",
            "\r\n",
            "\t",
            "\u{1b}[31m",
            "\u{7}",
            "\u{9b}",
            "\u{85}",
            "\u{0}",
            "\u{7f}",
            "\u{202e}",
            "\u{2066}",
            "\u{200b}",
            "\u{feff}",
            "\u{2028}",
            "\u{e0041}",
            "::",
            "::error::x",
            "##[",
            "##[warning]",
            " ",
            "#",
            "[",
            "%",
            ",",
            ":",
            "9 passed, 0 failed",
            "ens:",
            "*",
            "\"",
            "\\",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(String::from),
        "[a-zA-Z0-9]{1,6}",
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.concat())
}

/// A policy with hostile values in every place a message may quote, or
/// with them pasted raw (invalid JSON, raw bytes in the snippet), or random bytes.
fn content() -> impl Strategy<Value = Vec<u8>> {
    let values = || (hostile_text(), hostile_text(), hostile_text(), hostile_text());
    prop_oneof![
        values().prop_map(|(action, resource, key, operator)| {
            serde_json::json!({
                "Version": "1",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["ens:CreateImage", action, format!("ens:{resource}")],
                    "Resource": ["*", resource],
                    "Condition": {operator: {key: "v"}}
                }]
            })
            .to_string()
            .into_bytes()
        }),
        values().prop_map(|(action, resource, _, _)| {
            format!(
                "{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Allow\",\n\"Action\":\"{action}\",\"Resource\":\"{resource}\"}}]}}"
            )
            .into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

/// A file name: any bytes but `/` and NUL, ending in `.json`.
fn file_name() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![prop::sample::select(b"\n\r\t\x1b\x07:#[ %,-".to_vec()), 1u8..=255,]
        .prop_filter("not a separator", |b| *b != b'/');
    let text = hostile_text().prop_map(|t| t.replace(['/', '\0'], "_").into_bytes());
    prop_oneof![prop::collection::vec(byte, 1..24), text].prop_map(|mut name| {
        name.extend_from_slice(b".json");
        name
    })
}

/// Runs the CLI in process; stdout and stderr.
fn cli(args: Vec<OsString>) -> (Vec<u8>, Vec<u8>) {
    let mut argv = vec![OsString::from("policy-check")];
    argv.extend(args);
    let cli = policy_check::cli::Cli::try_parse_from(argv).expect("arguments parse");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    policy_check::cli::run(cli, &mut &b""[..], &mut out, &mut err);
    (out, err)
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// One case: `content` as a file called `name`, and hostile `text` in a
/// test case's name, a config key, a request's resource and context.
fn check_everything(dir: &Path, name: Vec<u8>, content: Vec<u8>, text: String) -> Result<(), TestCaseError> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).expect("mkdir");
    let policy: PathBuf = dir.join(OsString::from_vec(name.clone()));
    fs::write(&policy, &content).expect("write policy");
    let empty = dir.join("empty.toml");
    fs::write(&empty, "").expect("write config");
    let bad = dir.join("bad.toml");
    let key = toml::Value::String(text.clone()).to_string();
    fs::write(&bad, format!("[rules]\n{key} = \"off\"\nexclude = [{key}]\n")).expect("write config");
    let test_file = dir.join("t.test.json");
    let name_in_json = String::from_utf8_lossy(&name).into_owned();
    fs::write(
        &test_file,
        serde_json::json!({
            "policies": [name_in_json],
            "cases": [
                {"name": text, "expect": "allow"},
                {"name": "b", "resource": text, "context": {text.clone(): text}, "expect": "deny"},
                {"name": "c", "action": text, "expect": text},
            ]
        })
        .to_string(),
    )
    .expect("write test file");

    let mut runs: Vec<(String, bool, Vec<OsString>)> = Vec::new();
    for format in ["human", "short", "github", "json", "sarif"] {
        let args = vec![
            os("--config"),
            empty.clone().into(),
            os("--format"),
            os(format),
            policy.clone().into(),
        ];
        runs.push((format!("lint --format {format}"), format == "github", args));
        // Walked, so the name comes from the directory listing.
        let args = vec![
            os("--config"),
            empty.clone().into(),
            os("--format"),
            os(format),
            dir.into(),
        ];
        runs.push((
            format!("lint --format {format} (walked)"),
            format == "github",
            args,
        ));
    }
    runs.push((
        "config error".into(),
        false,
        vec![os("--config"), bad.into(), policy.clone().into()],
    ));
    // A valid configuration whose globs the summary and --show-settings quote.
    let good = dir.join("good.toml");
    let glob = toml::Value::String(format!("x{}", text.replace(['{', '}', '[', ']', '\\'], ""))).to_string();
    fs::write(&good, format!("exclude = [{glob}]\nextra-actions = [{key}]\n")).expect("write config");
    for format in ["human", "json", "github"] {
        let args = vec![
            os("--config"),
            good.clone().into(),
            os("--format"),
            os(format),
            dir.into(),
        ];
        runs.push((
            format!("lint with a config, --format {format}"),
            format == "github",
            args,
        ));
    }
    let args = vec![
        os("--config"),
        good.clone().into(),
        os("--show-files"),
        dir.into(),
    ];
    runs.push(("--show-files".into(), false, args));
    let args = vec![
        os("--config"),
        good.into(),
        os("--show-settings"),
        policy.clone().into(),
    ];
    runs.push(("--show-settings".into(), false, args));
    for format in ["human", "json"] {
        let context = OsString::from(format!("acs:SourceIp={text}"));
        runs.push((
            format!("simulate --format {format}"),
            false,
            vec![
                os("simulate"),
                os("--format"),
                os(format),
                // `=` keeps a value that starts with `-` from reading as a flag.
                OsString::from(format!("--resource={text}")),
                os("--context"),
                context,
                policy.clone().into(),
            ],
        ));
    }
    runs.push(("test".into(), false, vec![os("test"), test_file.into()]));
    // `diff`: the hostile file as NEW, and a NEW whose witness carries the
    // hostile text in its resource and a condition value.
    let old = dir.join("old.json");
    fs::write(
        &old,
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeInstances","Resource":"*"}]}"#,
    )
    .expect("write old");
    let new = dir.join("new.json");
    let hostile = serde_json::to_string(&text).expect("json");
    let resource = serde_json::to_string(&format!("{text}*")).expect("json");
    fs::write(
        &new,
        format!(
            r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"ecs:DescribeInstances","Resource":{resource}}},{{"Effect":"Allow","Action":"ecs:StartInstance","Resource":"*","Condition":{{"StringEquals":{{"acs:UserAgent":{hostile}}}}}}}]}}"#
        ),
    )
    .expect("write new");
    for format in ["human", "json"] {
        for target in [new.clone(), policy.clone()] {
            runs.push((
                format!("diff --format {format}"),
                false,
                vec![
                    os("diff"),
                    os("--format"),
                    os(format),
                    old.clone().into(),
                    target.into(),
                ],
            ));
        }
    }
    runs.push((
        "diff --base".into(),
        false,
        vec![
            os("diff"),
            OsString::from(format!("--base={text}")),
            old.clone().into(),
        ],
    ));
    runs.push(("explain".into(), false, vec![os("explain"), os("--"), os(&text)]));

    for (what, github, args) in runs {
        // The sides of a `diff` run, for replaying its witnesses.
        let sides = what
            .starts_with("diff --format")
            .then(|| [&args[args.len() - 2], &args[args.len() - 1]].map(PathBuf::from));
        let (out, err) = cli(args);
        if let Some([old, new]) = &sides {
            // Every witness printed replays through its own check line.
            if what.ends_with("json") {
                if !out.is_empty() {
                    let report = serde_json::from_slice(&out).expect("a JSON report");
                    common::replay_json_witnesses(dir, &report, &[old], &[new]);
                }
            } else {
                common::replay_witnesses(dir, &String::from_utf8_lossy(&out), &[old], &[new]);
            }
        }
        for (stream, bytes) in [("stdout", &out), ("stderr", &err)] {
            let github = github && stream == "stdout";
            if let Some(problem) = injection(bytes, github) {
                return Err(TestCaseError::fail(format!(
                    "{what}, {stream}: {problem} (name {:?}, content {:?}) in\n{}",
                    OsString::from_vec(name.clone())
                        .as_bytes()
                        .escape_ascii()
                        .to_string(),
                    String::from_utf8_lossy(&content),
                    String::from_utf8_lossy(bytes)
                )));
            }
        }
        if what == "test" {
            let stdout = String::from_utf8_lossy(&out);
            let tally = |l: &&str| {
                let words: Vec<&str> = l.split(' ').collect();
                words.len() == 4
                    && words[1] == "passed,"
                    && words[3] == "failed"
                    && [words[0], words[2]].iter().all(|n| n.parse::<usize>().is_ok())
            };
            let tallies: Vec<&str> = stdout.lines().filter(tally).collect();
            prop_assert_eq!(tallies.len(), 1, "one tally line:\n{}", stdout);
            prop_assert!(
                stdout.lines().last().is_some_and(|l| tally(&l)),
                "the tally is last:\n{}",
                stdout
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_output_carries_raw_control_bidi_or_workflow_commands(
        name in file_name(),
        content in content(),
        text in hostile_text(),
    ) {
        let dir = scratch("property");
        check_everything(&dir, name, content, text)?;
    }
}

/// miette wraps long help text (a `simulate` reason) with an indent of
/// spaces, and may break inside a word: wherever that puts a value's `::`
/// at a line start, the line guard breaks it up.
#[test]
fn wrapping_never_starts_a_line_with_a_workflow_command() {
    let policy = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ens:*","Resource":"*","Condition":{"StringLike":{"acs:UserAgent":"x*"}}}]}"#;
    let dir = tree("wrapping", &[("p.json", policy)]);
    let mut guarded = 0;
    for n in 1..130 {
        let context = format!("acs:UserAgent=x{} ::error::y", "a".repeat(n));
        let out = run(&dir, &["simulate", "--context", &context, "p.json"], b"");
        assert_eq!(out.status.code(), Some(0));
        assert_clean(&format!("padding {n}"), &out.stdout, false);
        guarded += String::from_utf8_lossy(&out.stdout).matches(r"\u003a").count();
    }
    assert!(
        guarded > 0,
        "some padding puts `::` at the start of a wrapped line"
    );
}
