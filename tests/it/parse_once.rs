//! The engine parses each file once: `diff` of two 6 KB policies, run
//! in-process through the command line's own entry point, parses each file
//! exactly once (the engine keeps the trees it read; the comparison and the
//! re-check of every witness evaluate those trees); the language server,
//! served in-process, parses a document once per version, however often
//! the cursor hovers or asks for a suppression (it reads the outline the
//! engine kept).
//!
//! How parses are counted: the JSON, Terraform and YAML parsers count each
//! text they parse on the calling thread (`engine::parses_on_this_thread`).
//! The diff runs in a one-thread rayon pool made of this very thread, so
//! work `diff` hands to rayon is counted too; the language server is served
//! on this thread (`lsp::serve`).

use std::io::Write as _;

use clap::Parser as _;
use policy_check::cli::{run, Cli};
use policy_check::engine::parses_on_this_thread;
use serde_json::{json, Value};

/// A policy of `statements` statements over ENS actions, about 6 KB at 40.
fn policy(statements: usize, actions: &[&str]) -> String {
    let statements: Vec<String> = (0..statements)
        .map(|i| {
            let action = actions[i % actions.len()];
            format!(
                r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": ["ens:{action}"], "Resource": "acs:ens:*:*:instance/i-{i:04}", "Condition": {{"IpAddress": {{"acs:SourceIp": "10.0.{i}.0/24"}}}}}}"#
            )
        })
        .collect();
    format!(
        "{{\"Version\": \"1\", \"Statement\": [\n{}\n]}}\n",
        statements.join(",\n")
    )
}

/// Runs `policy-check ARGS` in this process on this thread alone; returns
/// its exit code and how many texts it parsed.
fn run_counting(args: &[&str]) -> (u8, usize, String) {
    let cli = Cli::try_parse_from(args).expect("valid arguments");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .expect("a one-thread pool");
    let before = parses_on_this_thread();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = pool.install(|| run(cli, &mut std::io::empty(), &mut out, &mut err));
    let parses = parses_on_this_thread() - before;
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&err)
    );
    (code, parses, output)
}

#[test]
fn diff_of_two_6_kb_policies_parses_each_file_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let old = policy(40, &["DescribeInstances", "StartInstance"]);
    // NEW grants one more action, so a witness is found and re-checked.
    let new = policy(40, &["DescribeInstances", "StartInstance", "StopInstance"]);
    for text in [&old, &new] {
        assert!((5_500..7_500).contains(&text.len()), "{} bytes", text.len());
    }
    let (old_path, new_path) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::File::create(&old_path)
        .and_then(|mut f| f.write_all(old.as_bytes()))
        .expect("written");
    std::fs::File::create(&new_path)
        .and_then(|mut f| f.write_all(new.as_bytes()))
        .expect("written");

    let (code, parses, output) = run_counting(&[
        "policy-check",
        "diff",
        old_path.to_str().expect("UTF-8"),
        new_path.to_str().expect("UTF-8"),
    ]);
    assert_eq!(code, 1, "NEW allows more: {output}");
    assert!(output.contains("ens:StopInstance"), "{output}");
    assert_eq!(parses, 2, "one parse per file:\n{output}");
}

#[test]
fn the_counter_sees_a_parse() {
    // The counter itself can fail: linting one file parses it.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("p.json");
    std::fs::write(&path, policy(1, &["DescribeInstances"])).expect("written");
    let (_, parses, output) = run_counting(&["policy-check", path.to_str().expect("UTF-8")]);
    assert_eq!(parses, 1, "{output}");
}

#[test]
fn a_suppression_comment_costs_a_terraform_file_no_parse() {
    // The comment is told from the file's strings by the parse that finds
    // its documents: the file parses as often as without it, and the
    // comment still hides its finding.
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Each run on a thread of its own: a thread joins one counting pool.
    let lint = |text: &str| {
        let path = dir.path().join("main.tf");
        std::fs::write(&path, text).expect("written");
        std::thread::scope(|scope| {
            scope
                .spawn(|| run_counting(&["policy-check", path.to_str().expect("UTF-8")]))
                .join()
                .expect("the run ends")
        })
    };
    let (_, plain, output) = lint(HEREDOC);
    assert!(output.contains("invalid-effect"), "{output}");
    let commented = HEREDOC.replacen(
        "  policy_document = <<EOF",
        "  # policy-check: ignore[invalid-effect] fixed upstream\n  policy_document = <<EOF",
        1,
    );
    let (_, parses, output) = lint(&commented);
    assert_eq!(parses, plain, "{output}");
    assert!(
        !output.contains("invalid-effect"),
        "the comment hides the finding: {output}"
    );
    assert!(output.contains("Suppressed 1 finding"), "{output}");
}

/// A Terraform policy written as a heredoc: the host and the policy text
/// are two parses. Its effect is misspelt (one finding, with a fix) and its
/// condition names a service key no ENS operation lists.
const HEREDOC: &str = r#"resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [
    {
      "Effect": "allow",
      "Action": "ens:CreateImage",
      "Resource": "*",
      "Condition": {"StringEquals": {"ens:NoSuchKey": "x"}}
    }
  ]
}
EOF
}
"#;

/// Serves `messages` (after `initialize` and `initialized`, before
/// `shutdown` and `exit`) on this thread; returns how many texts the server
/// parsed and its answers by request id.
fn serve_counting(
    dir: &std::path::Path,
    messages: Vec<lsp_server::Message>,
) -> (usize, Vec<(String, Value)>) {
    use lsp_server::{Message, Notification, Request, RequestId};
    let (to_server, inbox) = crossbeam_channel::unbounded();
    let (outbox, from_server) = crossbeam_channel::unbounded();
    let root = format!("file://{}", dir.display());
    let initialize = json!({"processId": null, "rootUri": root, "capabilities": {}});
    let mut all = vec![
        Message::from(Request::new(RequestId::from(0), "initialize".into(), initialize)),
        Notification::new("initialized".into(), json!({})).into(),
    ];
    all.extend(messages);
    all.push(Request::new(RequestId::from(99), "shutdown".into(), Value::Null).into());
    all.push(Notification::new("exit".into(), Value::Null).into());
    for message in all {
        to_server.send(message).expect("queued");
    }
    drop(to_server);
    let before = parses_on_this_thread();
    assert_eq!(policy_check::lsp::serve(outbox, inbox), 0, "a clean exit");
    let parses = parses_on_this_thread() - before;
    let answers = from_server
        .try_iter()
        .filter_map(|message| match message {
            Message::Response(response) => Some((
                response.id.to_string(),
                response.response_result.unwrap_or(Value::Null),
            )),
            _ => None,
        })
        .collect();
    (parses, answers)
}

#[test]
fn the_language_server_parses_a_version_once_however_often_the_cursor_asks() {
    use lsp_server::{Message, Notification, Request, RequestId};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let uri = format!("file://{}", dir.path().join("main.tf").display());
    let open = |text: &str| -> Message {
        let item =
            json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}});
        Notification::new("textDocument/didOpen".into(), item).into()
    };
    let line_of = |needle: &str| {
        HEREDOC
            .lines()
            .position(|l| l.contains(needle))
            .expect("in the text") as u32
    };
    let column_of = |needle: &str| {
        let line = HEREDOC.lines().find(|l| l.contains(needle)).expect("in the text");
        line.find(needle).expect("in the line") as u32 + 2
    };
    let position = |needle: &str| json!({"line": line_of(needle), "character": column_of(needle)});
    let hover = |id: i32, needle: &str| -> Message {
        let params = json!({"textDocument": {"uri": uri}, "position": position(needle)});
        Request::new(RequestId::from(id), "textDocument/hover".into(), params).into()
    };
    // Every kind of code action, or quick fixes and suppressions only.
    let code_actions = |id: i32, needle: &str, quick: bool| -> Message {
        let at = position(needle);
        let mut context = json!({"diagnostics": []});
        if quick {
            context["only"] = json!(["quickfix"]);
        }
        let params =
            json!({"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": context});
        Request::new(RequestId::from(id), "textDocument/codeAction".into(), params).into()
    };
    let actions = |id: i32, needle: &str| code_actions(id, needle, true);

    // Opening the document analyses it once: the host and the heredoc.
    let (opened, _) = serve_counting(dir.path(), vec![open(HEREDOC)]);
    assert_eq!(opened, 2, "one analysis: the host, then the policy in it");

    // Hovers and code actions on that version add no parse.
    let mut asked = vec![open(HEREDOC)];
    for round in 0..3 {
        asked.push(hover(10 * round + 1, "ens:NoSuchKey"));
        asked.push(hover(10 * round + 2, "ens:CreateImage"));
        asked.push(hover(10 * round + 3, "allow"));
        asked.push(actions(10 * round + 4, "allow"));
    }
    let (parses, answers) = serve_counting(dir.path(), asked);
    assert_eq!(parses, opened, "hover and code actions parsed again");
    let answer = |id: &str| {
        &answers
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("no answer {id}: {answers:#?}"))
            .1
    };
    // The answers still know the statement and the heredoc.
    let key = answer("21")["contents"]["value"].as_str().expect("a hover");
    assert!(key.contains("None of this statement's actions lists it"), "{key}");
    let action = answer("22")["contents"]["value"].as_str().expect("a hover");
    assert!(action.contains("**ens:CreateImage**"), "{action}");
    let suppress = answer("24")
        .as_array()
        .expect("code actions")
        .iter()
        .find(|a| a["title"] == "Suppress `invalid-effect` with a comment")
        .unwrap_or_else(|| panic!("{answers:#?}"));
    let edit = &suppress["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["range"]["start"],
        json!({"line": 2, "character": 0}),
        "above the heredoc"
    );

    // Fixing everything lints the fixed text, another text: that is done
    // once per version, however often it is offered, and not at all when
    // nothing of that version has a safe fix.
    let fix_all = |id| code_actions(id, "allow", false);
    let (once, _) = serve_counting(dir.path(), vec![open(HEREDOC), fix_all(1)]);
    assert!(once > opened, "the fix loop lints the fixed text");
    let (thrice, answers) = serve_counting(
        dir.path(),
        vec![open(HEREDOC), fix_all(1), fix_all(2), fix_all(3)],
    );
    assert_eq!(thrice, once, "fix-all ran the fix loop again");
    let offered = answers[3].1.as_array().expect("code actions");
    assert!(
        offered.iter().any(|a| a["kind"] == "source.fixAll.policy-check"),
        "{offered:#?}"
    );
    let fixed = HEREDOC.replace("allow", "Allow");
    let (nothing_to_fix, _) = serve_counting(dir.path(), vec![open(&fixed), fix_all(1), fix_all(2)]);
    assert_eq!(nothing_to_fix, opened, "fix-all ran with no safe fix to apply");

    // A change is analysed before the hover that follows it: once more.
    let changed = HEREDOC.replace("\"x\"", "\"a longer value\"");
    let change = json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": changed}]});
    let asked = vec![
        open(HEREDOC),
        Notification::new("textDocument/didChange".into(), change).into(),
        hover(1, "ens:NoSuchKey"),
        hover(2, "ens:NoSuchKey"),
    ];
    let (parses, answers) = serve_counting(dir.path(), asked);
    assert_eq!(parses, 2 * opened, "one analysis per version");
    let key = answers[1].1["contents"]["value"].as_str().expect("a hover");
    assert!(key.contains("None of this statement's actions lists it"), "{key}");
}
