//! End-to-end tests of `policy-check lsp`: the real binary driven over
//! stdio with Content-Length framing, as an editor drives it. Each test
//! opens documents in a scratch folder (so the nearest `policy-check.toml`
//! is the test's own) and checks what the server publishes and answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_policy-check");
const WAIT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one.
    backlog: Vec<Value>,
    next_id: i64,
    dir: PathBuf,
}

/// Reads frames from the server until its output closes.
fn read_frames(out: impl Read, sender: mpsc::Sender<Value>) {
    let mut out = BufReader::new(out);
    loop {
        let mut length = None;
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
                length = value.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("every frame has a Content-Length")];
        if out.read_exact(&mut body).is_err() {
            return;
        }
        let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if sender.send(value).is_err() {
            return;
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Starts the server in a scratch folder and initializes it; `utf8`
    /// offers UTF-8 positions.
    fn start(name: &str, utf8: bool) -> Client {
        let dir = scratch(name);
        let mut child = Command::new(BIN)
            .arg("lsp")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || read_frames(stdout, sender));
        let mut client = Client {
            child,
            stdin,
            messages,
            backlog: Vec::new(),
            next_id: 0,
            dir,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(&client.dir),
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"workspaceEdit": {"resourceOperations": ["create"]}}
                },
                "initializationOptions": {"debounceMs": 5}
            }),
        );
        let expected = if utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(result["capabilities"]["positionEncoding"], expected);
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response).
    fn request_full(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The first message (read now or earlier) that `want` accepts.
    fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&want) {
            return self.backlog.remove(at);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no expected message; read: {:#?}", self.backlog));
            if want(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let uri = uri.to_string();
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Writes `text` to `name` in the scratch folder and opens it.
    fn open(&mut self, name: &str, language: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        let uri = uri(&path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn hover(&mut self, uri: &str, line: u32, character: u32) -> String {
        let result = self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        result["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn completion_labels(&mut self, uri: &str, line: u32, character: u32) -> Vec<String> {
        let result = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    }

    fn code_actions(&mut self, uri: &str, range: Value) -> Vec<Value> {
        let result = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
        );
        result.as_array().unwrap().clone()
    }

    /// `shutdown`, then `exit`: the server must stop with status 0.
    fn finish(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

/// Applies LSP text edits (UTF-16 or UTF-8 positions) to `text`.
fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut counted = 0;
        for (at, c) in text[start..].char_indices() {
            if counted >= character || c == '\n' {
                return start + at;
            }
            counted += if utf8 { c.len_utf8() } else { c.len_utf16() };
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

const BAD_POLICY: &str = "{\"Version\": \"1\", \"Statement\": [\n  {\"Resource\": \"acs:ens:*:*:image/é😀\", \"Effect\": \"allow\", \"Action\": \"ens:Create*\"}\n]}\n";

#[test]
fn json_policy_diagnostics_hover_completion_and_actions() {
    for utf8 in [false, true] {
        let mut client = Client::start(if utf8 { "json-utf8" } else { "json-utf16" }, utf8);
        let uri = client.open("policy.json", "json", BAD_POLICY);
        let diagnostics = client.diagnostics(&uri);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        let d = &diagnostics[0];
        assert_eq!(d["code"], "invalid-effect");
        assert_eq!(d["severity"], 1);
        assert_eq!(d["source"], "policy-check");
        // `"allow"` after `é😀`: 49 characters, 50 UTF-16 units, 53 bytes in.
        let (start, end) = if utf8 { (53, 60) } else { (50, 57) };
        assert_eq!(d["range"], range(1, start, 1, end), "utf8: {utf8}");

        // Hover on `ens:Create*` lists ens:CreateImage.
        let wildcard = if utf8 { 73 } else { 70 };
        let hover = client.hover(&uri, 1, wildcard + 3);
        assert!(hover.contains("ens:CreateImage"), "{hover}");

        // The finding's rule is explained on hover.
        let hover = client.hover(&uri, 1, start + 2);
        assert!(hover.contains("**invalid-effect**"), "{hover}");

        // Completion after `"ens:CreateIm`.
        let typing = BAD_POLICY.replace("\"ens:Create*\"", "\"ens:CreateIm");
        client.change(&uri, 2, &typing);
        let labels = client.completion_labels(&uri, 1, wildcard + 12);
        assert!(labels.contains(&"ens:CreateImage".to_string()), "{labels:?}");
        client.diagnostics(&uri);

        // The suppression action: a [[suppress]] entry in a new config.
        client.change(&uri, 3, BAD_POLICY);
        client.diagnostics(&uri);
        let actions = client.code_actions(&uri, range(1, start, 1, start));
        let suppress = actions
            .iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Suppress `invalid-effect`")
            })
            .unwrap_or_else(|| panic!("{actions:#?}"));
        assert_eq!(suppress["kind"], "quickfix");
        let changes = &suppress["edit"]["documentChanges"];
        assert_eq!(changes[0]["kind"], "create");
        let entry = changes[1]["edits"][0]["newText"].as_str().unwrap();
        assert!(
            entry.contains("path = \"policy.json\"\nrule = \"invalid-effect\"\n"),
            "{entry}"
        );
        assert!(
            entry.contains("jsonpath = \"$['Statement'][0]['Effect']\""),
            "{entry}"
        );
        // Written, the entry hides the finding; removed, it is back.
        let config = client.dir.join("policy-check.toml");
        std::fs::write(&config, entry).unwrap();
        let config_uri = self::uri(&config);
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 1}]}),
        );
        assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
        std::fs::remove_file(&config).unwrap();
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 3}]}),
        );
        assert_eq!(client.diagnostics(&uri).len(), 1);

        // With the effect fixed the wildcard is reported, its label (the
        // effect) as related information.
        let allowed = BAD_POLICY.replace("allow", "Allow");
        client.change(&uri, 4, &allowed);
        let diagnostics = client.diagnostics(&uri);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        assert_eq!(diagnostics[0]["code"], "broad-action-wildcard");
        assert_eq!(diagnostics[0]["range"], range(1, wildcard - 1, 1, wildcard + 12));
        let related = &diagnostics[0]["relatedInformation"][0];
        assert_eq!(related["location"]["range"], range(1, start, 1, end));
        assert_eq!(related["location"]["uri"], json!(uri));
        assert_eq!(related["message"], "effect set here");

        // Fixing it all clears the diagnostics.
        let fixed = allowed
            .replace("ens:Create*", "ens:CreateImage")
            .replace("acs:ens:*:*:image/é😀", "*");
        client.change(&uri, 5, &fixed);
        assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
        client.finish();
    }
}

#[test]
fn terraform_heredoc() {
    let mut client = Client::start("terraform", false);
    let text = include_str!("../../testdata/hosts/fail-heredoc.tf");
    let uri = client.open("main.tf", "terraform", text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "invalid-effect");
    assert_eq!(diagnostics[0]["range"], range(7, 16, 7, 23));
    let hover = client.hover(&uri, 8, 20);
    assert!(hover.contains("**ens:CreateImage**"), "{hover}");
    let typing = text.replace("\"ens:CreateImage\"", "\"ens:CreateIm");
    client.change(&uri, 2, &typing);
    let labels = client.completion_labels(&uri, 8, 29);
    assert!(labels.contains(&"ens:CreateImage".to_string()), "{labels:?}");
    client.diagnostics(&uri);
    // Inside a heredoc a comment would be policy text: the suppression
    // comment goes above the line that opens the heredoc, and hides the
    // finding once applied.
    client.change(&uri, 3, text);
    client.diagnostics(&uri);
    let actions = client.code_actions(&uri, range(7, 17, 7, 17));
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress `invalid-effect` with a comment")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edits = suppress["edit"]["changes"][&uri].as_array().unwrap();
    let suppressed = apply_edits(text, edits, false);
    assert!(
        suppressed.contains("\n  # policy-check: ignore[invalid-effect] TODO: say why this finding is accepted\n  policy_document = <<EOF\n"),
        "{suppressed}"
    );
    client.change(&uri, 4, &suppressed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.change(&uri, 5, &text.replace("allow", "Allow"));
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.finish();
}

const ROS: &str = "ROSTemplateFormatVersion: '2015-09-01'
Description: 镜像 😀
Resources:
  ImagePolicy:
    Type: ALIYUN::RAM::ManagedPolicy
    Properties:
      PolicyName: images
      PolicyDocument:
        Version: '1'
        Statement:
          - Effect: allow
            Action:
              - ens:Create*
            Resource: '*'
";

#[test]
fn ros_yaml_template() {
    let mut client = Client::start("ros", false);
    let uri = client.open("stack.yaml", "yaml", ROS);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "invalid-effect");
    assert_eq!(diagnostics[0]["range"], range(10, 20, 10, 25));
    let hover = client.hover(&uri, 12, 20);
    assert!(hover.contains("`ens:CreateImage`"), "{hover}");
    let typing = ROS.replace("ens:Create*", "ens:CreateIm");
    client.change(&uri, 2, &typing);
    let labels = client.completion_labels(&uri, 12, 28);
    assert!(labels.contains(&"ens:CreateImage".to_string()), "{labels:?}");
    client.diagnostics(&uri);
    // YAML has comments: the suppression is one, on the line above.
    client.change(&uri, 3, ROS);
    client.diagnostics(&uri);
    let actions = client.code_actions(&uri, range(10, 21, 10, 21));
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress `invalid-effect` with a comment")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edits = suppress["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(ROS, edits, false);
    assert!(
        fixed.contains("\n          # policy-check: ignore[invalid-effect] TODO: say why this finding is accepted\n          - Effect: allow\n"),
        "{fixed}"
    );
    // Applied, the comment hides the finding.
    client.change(&uri, 4, &fixed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.change(
        &uri,
        5,
        &ROS.replace("allow", "Allow")
            .replace("ens:Create*", "ens:CreateImage"),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.finish();
}

#[test]
fn settings_come_from_the_nearest_config_and_follow_its_changes() {
    let mut client = Client::start("config", false);
    let config = client.dir.join("policy-check.toml");
    std::fs::write(&config, "[rules]\ninvalid-effect = \"off\"\n").unwrap();
    let uri = client.open("policy.json", "json", BAD_POLICY);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // A broken configuration: its own diagnostic, and the built-in defaults.
    std::fs::write(&config, "[rules]\ninvalid-effect = \"sometimes\"\n").unwrap();
    let config_uri = self::uri(&config);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let document = client.diagnostics(&uri);
    assert_eq!(document.len(), 1, "{document:#?}");
    let problems = client.diagnostics(&config_uri);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["range"]["start"]["line"], 1);
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("built-in defaults"));

    // Fixed and saved: the problem goes, the setting applies again.
    std::fs::write(&config, "[rules]\ninvalid-effect = \"off\"\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&config_uri), Vec::<Value>::new());
    client.finish();
}

#[test]
fn malformed_input_never_stops_the_server() {
    let mut client = Client::start("robustness", false);
    // Bad framing: a header block without a length, a body that is not
    // JSON, a length that is not a number.
    client.send_raw(b"Content-Type: nothing\r\n\r\n");
    client.send_raw(b"Content-Length: 3\r\n\r\n{x}");
    client.send_raw(b"Content-Length: many\r\n\r\n");
    // A JSON body that is no message, with an id: an error response.
    client.send(json!({"jsonrpc": "2.0", "id": 99, "method": 5}));
    let response = client.wait_for(|m| m["id"] == 99);
    assert_eq!(response["error"]["code"], -32600);
    // An unknown method.
    let response = client.request_full("policy-check/nonsense", json!({}));
    assert_eq!(response["error"]["code"], -32601);
    // Bad parameters.
    let response = client.request_full("textDocument/hover", json!({"nope": 1}));
    assert_eq!(response["error"]["code"], -32602);
    // A change to a document never opened, and a hover on it.
    client.change("file:///never/opened.json", 2, "{}");
    let response = client.request_full(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///never/opened.json"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(response["result"], Value::Null);
    // A 20 MB document: reported as too large, not linted.
    let big = format!(
        "{{\"Version\": \"1\", \"Statement\": [], \"Id\": \"{}\"}}",
        "x".repeat(20 << 20)
    );
    let uri = client.open("big.json", "json", &big);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("not linted"));
    assert_eq!(client.hover(&uri, 0, 3), "");
    // Still serving.
    let uri = client.open("policy.json", "json", BAD_POLICY);
    assert_eq!(client.diagnostics(&uri).len(), 1);
    client.finish();
}

/// The editor hides what the command line hides: a suppression comment
/// above the heredoc silences its finding, and one without a reason is
/// flagged while the finding stays.
#[test]
fn suppression_comments_apply_in_the_editor() {
    let mut client = Client::start("suppress", false);
    let text = include_str!("../../testdata/hosts/fail-heredoc.tf");
    let suppressed = text.replace(
        "  policy_document = <<EOF",
        "  # policy-check: ignore[invalid-effect] kept for the migration\n  policy_document = <<EOF",
    );
    let uri = client.open("main.tf", "terraform", &suppressed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let reasonless = suppressed.replace(" kept for the migration", "");
    client.change(&uri, 2, &reasonless);
    let codes: Vec<Value> = client
        .diagnostics(&uri)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("invalid-suppression"), json!("invalid-effect")]);
    client.finish();
}

/// An open `.tf` file sees its module's other files as saved on disk: a
/// local that `main.tf` takes as its policy is linted in `locals.tf`, the
/// file open in the editor (issue 22, item 1).
#[test]
fn an_open_tf_file_sees_its_module_on_disk() {
    let mut client = Client::start("terraform-module", false);
    let main = include_str!("../../testdata/hosts/fail-module/main.tf");
    std::fs::write(client.dir.join("main.tf"), main).unwrap();
    let locals = include_str!("../../testdata/hosts/fail-module/locals.tf");
    let uri = client.open("locals.tf", "terraform", locals);
    let diagnostics = client.diagnostics(&uri);
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(
        codes,
        ["invalid-statement", "unknown-element"],
        "{diagnostics:#?}"
    );
    // `Statment` on line 6 (0-based 5), column 3.
    assert_eq!(diagnostics[1]["range"], range(5, 2, 5, 12));
    client.finish();
}
