//! Language server latency (issue 14): `cargo bench --bench lsp`.
//!
//! Drives the release `policy-check lsp` over stdio as an editor does and
//! times each `didChange` (one character toggled, `Allow` <-> `allow`, so
//! the findings change every time) to the `publishDiagnostics` for that
//! version, over many edits of a 6 KB policy and of a 300-line `.tf` file
//! with heredoc policies. Each is measured twice: with the server's default
//! debounce (a pause of 40 ms before linting; what an editor sees) and with
//! `debounceMs: 0` (the cost of linting and publishing alone). Median and
//! p99 are printed; absolute times on a shared machine are noise, the
//! difference between the two rows is the debounce.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_policy-check");
const EDITS: usize = 400;

fn main() {
    let policy = policy_6kb();
    let terraform = terraform_300_lines();
    println!("policy-check lsp latency: didChange -> publishDiagnostics, {EDITS} edits each");
    println!(
        "documents: policy.json {} bytes, main.tf {} lines",
        policy.len(),
        terraform.lines().count()
    );
    println!("{:<34} {:>10} {:>10}", "", "median", "p99");
    for (name, text) in [("policy.json", &policy), ("main.tf", &terraform)] {
        for debounce in [None, Some(0)] {
            let mut times = measure(name, text, debounce);
            times.sort();
            let label = match debounce {
                None => format!("{name} (default debounce)"),
                Some(_) => format!("{name} (debounceMs 0)"),
            };
            println!(
                "{label:<34} {:>8.2}ms {:>8.2}ms",
                ms(times[times.len() / 2]),
                ms(times[(times.len() * 99 / 100).min(times.len() - 1)])
            );
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn send(stdin: &mut ChildStdin, message: Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn read_frames(out: impl Read, sender: mpsc::Sender<Value>) {
    let mut out = BufReader::new(out);
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        if out.read_exact(&mut body).is_err() {
            return;
        }
        if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
            return;
        }
    }
}

/// The latency of each of [`EDITS`] edits of `text`.
fn measure(name: &str, text: &str, debounce: Option<u64>) -> Vec<Duration> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(BIN)
        .arg("lsp")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (sender, messages) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || read_frames(stdout, sender));
    let options = debounce.map_or(json!({}), |ms| json!({"debounceMs": ms}));
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"processId": null, "capabilities": {}, "initializationOptions": options}}),
    );
    let uri = format!("file://{}/{name}", dir.display());
    let wait_for = |version: i64| loop {
        let m: Value = messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers");
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version {
            return;
        }
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}}),
    );
    wait_for(1);
    // The `A` of the first `"Allow"`.
    let at = text.find("\"Allow\"").unwrap() + 1;
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut times = Vec::with_capacity(EDITS);
    for edit in 0..EDITS {
        let version = edit as i64 + 2;
        let letter = if edit % 2 == 0 { "a" } else { "A" };
        let change = json!({"range": {"start": {"line": line, "character": character},
                                      "end": {"line": line, "character": character + 1}},
                            "text": letter});
        let start = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                   "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}),
        );
        wait_for(version);
        times.push(start.elapsed());
    }
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    times
}

/// A policy of about 6 KB (RAM's limit is 6,144 characters): statements
/// of ENS actions with resources and conditions.
fn policy_6kb() -> String {
    let actions = [
        "ens:CreateImage",
        "ens:DescribeImages",
        "ens:DeleteImage",
        "ens:DescribeInstances",
        "ens:StartInstance",
        "ens:StopInstance",
    ];
    let mut statements = Vec::new();
    let mut i = 0;
    loop {
        let statement = format!(
            "    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\"{}\", \"{}\"],\n      \"Resource\": \"*\",\n      \"Condition\": {{\"IpAddress\": {{\"acs:SourceIp\": \"10.0.{i}.0/24\"}}}}\n    }}",
            actions[i % actions.len()],
            actions[(i + 1) % actions.len()]
        );
        statements.push(statement);
        let text = format!(
            "{{\n  \"Version\": \"1\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
            statements.join(",\n")
        );
        if text.len() >= 6000 {
            return text;
        }
        i += 1;
    }
}

/// A 300-line Terraform file: RAM policies in heredocs, with other
/// resources between them.
fn terraform_300_lines() -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.lines().count() < 300 {
        out.push_str(&format!(
            "resource \"alicloud_ram_policy\" \"p{i}\" {{\n  policy_name     = \"p{i}\"\n  policy_document = <<EOF\n{{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [\"ens:CreateImage\", \"ens:DescribeImages\"],\n      \"Resource\": \"*\"\n    }}\n  ]\n}}\nEOF\n}}\n\nresource \"alicloud_vpc\" \"v{i}\" {{\n  vpc_name   = \"v{i}\"\n  cidr_block = \"10.{i}.0.0/16\"\n}}\n\n"
        ));
        i += 1;
    }
    out
}
