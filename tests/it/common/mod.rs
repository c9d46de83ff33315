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

/// Every `.rs` file under `src/`, sorted: what the code-shape and module
/// tests read.
pub fn library_sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    files
}

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

/// A word quoted for a POSIX shell: single quotes, `'\''` for a quote.
#[cfg(unix)]
pub fn sh_quote(word: &std::ffi::OsStr) -> std::ffi::OsString {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let mut quoted = b"'".to_vec();
    for &b in word.as_bytes() {
        if b == b'\'' {
            quoted.extend_from_slice(b"'\\''");
        } else {
            quoted.push(b);
        }
    }
    quoted.push(b'\'');
    std::ffi::OsString::from_vec(quoted)
}

/// Re-runs every witness a `diff` report printed through its own `check:`
/// line, as printed, through `sh -c` in `dir`: `policy-check` stands for
/// the binary under test and the final `NEW` for `new`'s paths, which must
/// allow it (exit 0); with `old`'s paths in its place it must not (exit
/// 1). `report` is the human report (stdout, or stdout and stderr
/// together). Returns how many witnesses were replayed, so a caller can
/// say how many it expects.
#[cfg(unix)]
pub fn replay_witnesses<P: AsRef<Path>>(dir: &Path, report: &str, old: &[P], new: &[P]) -> usize {
    use std::ffi::OsString;
    let mut replayed = 0;
    for line in report.lines().filter_map(|l| l.strip_prefix("  check: ")) {
        if line.starts_with("not printed:") {
            continue;
        }
        let rest = line
            .strip_prefix("policy-check ")
            .and_then(|l| l.strip_suffix(" NEW"))
            .unwrap_or_else(|| panic!("a check line is `policy-check ... NEW`: {line}"));
        for (side, paths, expected) in [("NEW", new, 0), ("OLD", old, 1)] {
            let mut command = sh_quote(Path::new(BIN).as_os_str());
            command.push(" ");
            command.push(rest);
            for path in paths {
                command.push(" ");
                command.push(sh_quote(path.as_ref().as_os_str()));
            }
            let output = Command::new("sh")
                .arg("-c")
                .arg(&command)
                .current_dir(dir)
                .env_remove("NO_COLOR")
                .stdin(Stdio::null())
                .output()
                .expect("run sh");
            assert_eq!(
                output.status.code(),
                Some(expected),
                "{side} ({}): {}\n{}{}",
                if expected == 0 { "allowed" } else { "not allowed" },
                OsString::from(&command).to_string_lossy(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        replayed += 1;
    }
    replayed
}

/// [`replay_witnesses`] for a `--format json` report: each `new_access`
/// request is replayed through `simulate --action --resource
/// --context-json` (the JSON report prints no command line), on NEW
/// (exit 0) and on OLD (exit 1). Returns how many were replayed.
pub fn replay_json_witnesses<P: AsRef<Path>>(
    dir: &Path,
    report: &serde_json::Value,
    old: &[P],
    new: &[P],
) -> usize {
    let found = report["new_access"].as_array().expect("new_access is a list");
    for witness in found {
        let request = &witness["request"];
        let mut args: Vec<std::ffi::OsString> = vec!["simulate".into(), "--action".into()];
        args.push(request["action"].as_str().expect("action").into());
        args.push(format!("--resource={}", request["resource"].as_str().expect("resource")).into());
        for (key, values) in request["context"].as_object().expect("context") {
            args.push("--context-json".into());
            args.push(serde_json::json!({ key: values }).to_string().into());
        }
        for (side, paths, expected) in [("NEW", new, 0), ("OLD", old, 1)] {
            let output = Command::new(BIN)
                .args(&args)
                .args(paths.iter().map(|p| p.as_ref().as_os_str()))
                .current_dir(dir)
                .stdin(Stdio::null())
                .output()
                .expect("run simulate");
            assert_eq!(
                output.status.code(),
                Some(expected),
                "{side}: {args:?}\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    found.len()
}

/// Runs the binary with standard error on a fresh pseudo-terminal and
/// returns (exit code, stdout, what the terminal received).
#[cfg(unix)]
pub fn run_on_terminal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors; the other arguments may be null.
    let made = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(made, 0, "openpty");
    // Not inherited by the children of tests running beside this one (the
    // child's standard error is a copy made for it alone).
    for fd in [master, slave] {
        // SAFETY: `fd` is open; FD_CLOEXEC only marks it.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    use std::os::fd::{FromRawFd, OwnedFd};
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command.spawn().expect("spawn");
    // Dropping the command closes this process's copy of the terminal's
    // end, so the child holds the only one: reading stops (EIO) once it exits.
    drop(command);
    let reader = std::thread::spawn(move || {
        let mut terminal = std::fs::File::from(master);
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = terminal.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    let output = child.wait_with_output().expect("wait");
    let terminal = reader.join().expect("reader");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&terminal).into_owned(),
    )
}

/// The one snapshot check of the suite: `rendered` against the file at
/// `path`, which `UPDATE_SNAPSHOTS=1` writes instead. `Err` says what
/// differs, for the caller to fail with or collect.
pub fn snapshot(path: &Path, rendered: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::write(path, rendered).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    match fs::read_to_string(path) {
        Ok(expected) if expected == rendered => Ok(()),
        Ok(expected) => Err(format!(
            "{}: differs from its snapshot\n--- expected\n{expected}\n--- actual\n{rendered}",
            path.display()
        )),
        Err(_) => Err(format!(
            "{}: no snapshot (run with UPDATE_SNAPSHOTS=1)\n{rendered}",
            path.display()
        )),
    }
}
