//! Helpers shared by the test binaries that drive the real `policy-check`
//! executable: scratch folders, running the binary, reading its output.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_policy-check");

/// Generous: every run here takes milliseconds; only a hang comes near it.
const HANG_LIMIT: Duration = Duration::from_secs(60);

/// A fresh, empty folder, private to this test binary and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        // One folder per test module: they share one binary (tests/it/).
        .join(module_path!().replace("::", "-"))
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// A fresh folder holding `files` (relative path, content).
pub fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = scratch(name);
    for (path, content) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(path, content).expect("write fixture");
    }
    root
}

/// Runs the binary in `dir` with `stdin`, failing the test if it hangs.
/// `NO_COLOR` is removed so that output depends on the terminal alone.
pub fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn policy-check");
    // A run that never reads stdin may exit first: a broken pipe here is not
    // a failure, the output decides.
    let _ = child.stdin.take().expect("stdin is piped").write_all(stdin);
    // Drain the pipes on threads so a large output cannot stall the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).map(|_| buf)
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout is piped")));
    let err = drain(Box::new(child.stderr.take().expect("stderr is piped")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for policy-check") {
            break status;
        }
        if started.elapsed() > HANG_LIMIT {
            let _ = child.kill();
            panic!("policy-check {args:?} did not finish within {HANG_LIMIT:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: out.join().expect("stdout thread").expect("read stdout"),
        stderr: err.join().expect("stderr thread").expect("read stderr"),
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}
