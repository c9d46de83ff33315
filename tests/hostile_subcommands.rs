//! One hostile tree, every subcommand: `lint`, `--fix`, `--write-baseline`,
//! `--baseline`, `simulate`, `test`, `diff`, `diff --base` and `lsp` run over
//! the same stranger's pull request. None may write outside the tree, start
//! a program the repository names, print a raw control character, take more
//! than a few seconds or grow memory beyond a small multiple of the input.

#![cfg(unix)]

#[path = "it/common/mod.rs"]
mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Values built to take over a terminal or a CI log: an escape sequence, a
/// bidirectional override, a carriage return starting a workflow command.
const NASTY: &str = "\u{1b}[31mred\u{202e}txt\r::error::pwned\n::add-mask::x";

fn policy(resource: &str) -> String {
    let value = serde_json::to_string(resource).expect("json");
    format!(
        r#"{{"Version": "1", "Statement": [
  {{"Effect": "Allow", "Action": ["ens:CreateImage", {value}], "Resource": {value},
    "Condition": {{"StringEquals": {{"acs:SourceVpc": {value}}}}}}}]}}"#
    )
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("git");
    assert!(status.success(), "git {args:?}");
}

/// The tree: `repo/` is the pull request, `secret.txt` beside it must stay
/// unread and unwritten, and `ran` must never appear (a planted program).
struct Hostile {
    root: PathBuf,
    repo: PathBuf,
    secret: PathBuf,
    marker: PathBuf,
}

fn hostile() -> Hostile {
    let root = common::scratch("every-subcommand");
    let repo = root.join("repo");
    let secret = root.join("secret.txt");
    let marker = root.join("ran");
    fs::write(&secret, "TOP-SECRET-VALUE").expect("write");
    let nasty_name = format!("policies/evil{}.json", "\u{1b}[2J\u{202e}");
    let files: Vec<(String, String)> = vec![
        ("policies/p.json".into(), policy(NASTY)),
        (nasty_name, policy("acs:ens:*:*:instance/i-1")),
        ("policies/fixable.json".into(), policy(NASTY).replace("\"Allow\"", "\"allow\"")),
        ("old/none.json".into(), r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:DescribeImages", "Resource": "*"}]}"#.into()),
        (
            "tests/t.test.json".into(),
            r#"{"cases": [
                {"name": "out", "policies": ["../../secret.txt"], "expect": "allow"},
                {"name": "in", "policies": ["../policies/p.json"], "expect": "allow"}]}"#
                .into(),
        ),
    ];
    for (path, text) in &files {
        let path = repo.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    symlink(&secret, repo.join("policies/link.json")).expect("symlink");
    symlink(&secret, repo.join("baseline.baseline-tmp")).expect("symlink");
    let status = Command::new("mkfifo")
        .arg(repo.join("policies/fifo.json"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "policies/p.json", "tests"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    // A promisor remote whose ssh command would leave the marker behind,
    // and the base blob gone, so reading it would need a fetch.
    let blob = Command::new("git")
        .args(["rev-parse", "HEAD:policies/p.json"])
        .current_dir(&repo)
        .output()
        .expect("rev-parse");
    let blob = String::from_utf8(blob.stdout).expect("utf-8").trim().to_string();
    fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).expect("drop blob");
    for (key, value) in [
        ("core.repositoryformatversion", "1".to_string()),
        ("extensions.partialClone", "origin".to_string()),
        ("remote.origin.url", "ssh://example.invalid/x".to_string()),
        ("remote.origin.promisor", "true".to_string()),
        ("core.sshCommand", format!("touch '{}' #", marker.display())),
        ("core.fsmonitor", format!("touch '{}' #", marker.display())),
    ] {
        git(&repo, &["config", key, &value]);
    }
    Hostile {
        root,
        repo,
        secret,
        marker,
    }
}

/// What one run came to: its exit code, all it printed, how long it took
/// and its peak memory in KiB.
struct Ran {
    code: Option<i32>,
    printed: Vec<u8>,
    took: Duration,
    peak_kib: i64,
}

/// Runs the binary with `stdin`, reaped with `wait4` for its peak memory.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Ran {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let mut child = Command::new(common::BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn policy-check");
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct wait4 fills in; the pid is our
    // own child's, reaped once here (so `Child::wait` is never called).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(reaped, child.id() as i32);
    let mut printed = out.join().expect("stdout thread");
    printed.extend(err.join().expect("stderr thread"));
    Ran {
        code: std::process::ExitStatus::from_raw(status).code(),
        printed,
        took: started.elapsed(),
        peak_kib: usage.ru_maxrss,
    }
}

/// A raw control character other than a line break or a tab, or a
/// bidirectional control, anywhere in `printed`. The language server's
/// frame headers end in CR LF by protocol.
fn raw_control(printed: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(printed).replace("\r\n\r\n{", "\n\n{");
    text.chars()
        .find(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .map(|c| format!("{c:?}"))
}

/// Peak memory any subcommand may reach on the hostile tree. Most take
/// 20-50 MiB, `diff` among them (it held about 165 MiB while its table of
/// Unicode case-folding classes listed every character; it now lists only
/// the few thousand that fold to another), so a growth with the input
/// would not stay under this bound.
const MAX_PEAK_KIB: i64 = 80 * 1024;

fn lsp_session() -> Vec<u8> {
    let frame = |body: serde_json::Value| {
        let body = body.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let document = policy(NASTY);
    [
        frame(serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})),
        frame(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}})),
        "Content-Length: 18446744073709551615\r\n\r\n{}".to_string(),
        frame(serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///tmp/evil.json", "languageId": "json", "version": 1, "text": document}}})),
        frame(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})),
        frame(serde_json::json!({"jsonrpc": "2.0", "method": "exit"})),
    ]
    .concat()
    .into_bytes()
}

#[test]
fn every_subcommand_is_safe_on_the_same_hostile_tree() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: the `git` command is not installed");
        return;
    }
    let tree = hostile();
    let lsp = lsp_session();
    let runs: Vec<(&str, Vec<&str>, &[u8])> = vec![
        ("lint", vec!["--isolated", "policies"], b""),
        (
            "lint json",
            vec!["--isolated", "--format", "json", "policies"],
            b"",
        ),
        (
            "lint sarif",
            vec!["--isolated", "--format", "sarif", "policies"],
            b"",
        ),
        (
            "lint github",
            vec!["--isolated", "--format", "github", "policies"],
            b"",
        ),
        ("fix", vec!["--isolated", "--fix", "policies"], b""),
        (
            "write-baseline",
            vec!["--isolated", "--write-baseline", "baseline.json", "policies"],
            b"",
        ),
        (
            "baseline",
            vec!["--isolated", "--baseline", "baseline.json", "policies"],
            b"",
        ),
        ("simulate", vec!["simulate", "policies/p.json"], b""),
        (
            "simulate json",
            vec!["simulate", "--format", "json", "policies/p.json"],
            b"",
        ),
        ("test", vec!["test", "tests"], b""),
        ("diff", vec!["diff", "old/none.json", "policies/p.json"], b""),
        (
            "diff json",
            vec!["diff", "--format", "json", "old/none.json", "policies/p.json"],
            b"",
        ),
        ("diff --base", vec!["diff", "--base", "HEAD", "policies"], b""),
        ("lsp", vec!["lsp"], &lsp),
    ];
    let mut problems = Vec::new();
    for (name, args, stdin) in runs {
        let Ran {
            code,
            printed,
            took,
            peak_kib,
        } = run(&tree.repo, &args, stdin);
        // The tree is a few kilobytes: what a run holds is the binary's own
        // tables and buffers, never something that grows with a hostile value.
        if peak_kib > MAX_PEAK_KIB {
            problems.push(format!("{name}: peaked at {peak_kib} KiB"));
        }
        if code.is_none() {
            problems.push(format!("{name}: killed by a signal"));
        }
        if let Some(c) = raw_control(&printed) {
            problems.push(format!("{name}: printed a raw {c}"));
        }
        if String::from_utf8_lossy(&printed).contains("TOP-SECRET-VALUE") {
            problems.push(format!("{name}: printed the file outside the tree"));
        }
        if took > Duration::from_secs(10) {
            problems.push(format!("{name}: took {took:?}"));
        }
        if fs::read_to_string(&tree.secret).expect("secret") != "TOP-SECRET-VALUE" {
            problems.push(format!("{name}: wrote outside the tree"));
        }
        if tree.marker.exists() {
            problems.push(format!("{name}: started a program the repository names"));
        }
        // Every witness printed replays through its own check line (the
        // base blob of `--base` is gone: that run stops with exit 2).
        let text = String::from_utf8_lossy(&printed);
        let (old, new) = (["old/none.json"], ["policies/p.json"]);
        let replayed = match name {
            "diff" => common::replay_witnesses(&tree.repo, &text, &old, &new),
            "diff json" => {
                let report = serde_json::from_str(&text).expect("a JSON report");
                common::replay_json_witnesses(&tree.repo, &report, &old, &new)
            }
            "diff --base" => {
                assert_eq!(code, Some(2), "{text}");
                continue;
            }
            _ => continue,
        };
        assert_eq!(replayed > 0, code == Some(1), "{name}: {text}");
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // Nothing but the tree and the secret: no file was created beside them.
    let beside: Vec<_> = fs::read_dir(&tree.root)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    let _ = std::io::stderr().flush();
}
