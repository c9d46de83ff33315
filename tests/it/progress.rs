//! The progress bar shows on a terminal only: standard error is given a
//! pseudo-terminal here, and the bar must appear there once the run passes
//! the delay, and never when standard error is a pipe, in CI (`CI` set), or
//! before the delay. The delay is set to zero through
//! `POLICY_CHECK_PROGRESS_DELAY_MS` so the test need not be slow.

#![cfg(unix)]

mod common;

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};

const POLICY: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}]}"#;

fn many_files(name: &str, count: usize) -> std::path::PathBuf {
    let names: Vec<String> = (0..count).map(|i| format!("p{i:04}.json")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), POLICY)).collect();
    common::tree(name, &files)
}

/// Runs the binary with standard error on a fresh pseudo-terminal and
/// returns (stdout, what the terminal received).
fn run_on_terminal(dir: &Path, env: &[(&str, &str)]) -> (String, String) {
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
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = Command::new(common::BIN);
    command
        .arg(".")
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
        let mut terminal = File::from(master);
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
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&terminal).into_owned(),
    )
}

#[test]
fn a_terminal_gets_the_bar_once_the_delay_has_passed() {
    let dir = many_files("terminal", 300);
    let (stdout, terminal) = run_on_terminal(&dir, &[("POLICY_CHECK_PROGRESS_DELAY_MS", "0")]);
    assert!(stdout.contains("No problems found in 300 files"), "{stdout}");
    assert!(terminal.contains("/300 files"), "no bar drawn: {terminal:?}");
}

#[test]
fn no_bar_in_ci_or_before_the_delay() {
    let dir = many_files("quiet", 300);
    let (_, terminal) = run_on_terminal(&dir, &[("POLICY_CHECK_PROGRESS_DELAY_MS", "0"), ("CI", "true")]);
    assert_eq!(terminal, "", "CI logs get no bar");
    // The default delay is a second; three files take milliseconds.
    let small = many_files("fast", 3);
    let (_, terminal) = run_on_terminal(&small, &[]);
    assert_eq!(terminal, "", "a short run prints nothing extra");
}

#[test]
fn no_bar_when_standard_error_is_not_a_terminal() {
    let dir = many_files("piped", 300);
    let output = common::run(&dir, &["."], b"");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("files "),
        "stdout holds no bar"
    );
    let stderr = common::stderr(&output);
    assert!(
        !stderr.contains("files") && !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    // Even with no delay at all: a pipe never gets one.
    let output = Command::new(common::BIN)
        .arg(".")
        .current_dir(&dir)
        .env_remove("CI")
        .env("POLICY_CHECK_PROGRESS_DELAY_MS", "0")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(common::stderr(&output), "");
    assert!(common::stdout(&output).contains("No problems found in 300 files"));
}
