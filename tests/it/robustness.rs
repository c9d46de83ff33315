//! Hostile inputs and file-system oddities through the real binary: every
//! case is reported (or skipped for a documented reason), nothing hangs or
//! panics, the other files are still linted, output does not depend on the
//! thread count or on the order files were created in, and nothing read is
//! changed.
#![cfg(unix)]

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::scratch;

const ORDINARY: &str =
    "{\n  \"Version\": \"1\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"}]\n}\n";

fn policy_with(statement_extra: &str) -> String {
    format!(
        "{{\"Version\": \"1\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"ens:CreateImage\", \"Resource\": \"*\"{statement_extra}}}]}}"
    )
}

fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    common::run(dir, args, stdin)
}

/// Hostile files whose text never mentions `Statement` or `Version`: walked,
/// they are skipped as "not a policy" (like any other JSON file in the tree),
/// so the runs below also name them, and named files are always linted.
const NOT_POLICIES: [&str; 4] = [
    "deep-array.json",
    "deep-object.json",
    "empty.json",
    "garbage.json",
];

/// The hostile files of issue 7, and for each the rule and a piece of the
/// message it must be reported with.
fn build_hostile_tree(root: &Path) -> Vec<(&'static str, &'static str, &'static str)> {
    let write = |name: &str, bytes: &[u8]| fs::write(root.join(name), bytes).expect("write fixture");
    fs::create_dir_all(root.join("ok")).expect("mkdir");
    write("ok/policy.json", ORDINARY.as_bytes());

    write("deep-array.json", "[".repeat(200_000).as_bytes());
    write("deep-object.json", "{\"a\":".repeat(200_000).as_bytes());
    write(
        "deep-policy.json",
        format!("{{\"Version\": \"1\", \"Statement\": {}", "[".repeat(200_000)).as_bytes(),
    );
    write(
        "huge-number.json",
        b"{\"Version\": \"1\", \"Statement\": [], \"N\": 1e999999}",
    );
    write(
        "lone-surrogate.json",
        policy_with(", \"Sid\": \"\\ud800\"").as_bytes(),
    );
    write(
        "reversed-surrogates.json",
        policy_with(", \"Sid\": \"\\udc00\\ud800\"").as_bytes(),
    );
    // A valid pair decodes; the file is linted and only `Sid` is reported.
    write(
        "paired-surrogates.json",
        policy_with(", \"Sid\": \"\\ud83d\\ude00\"").as_bytes(),
    );
    let mut invalid_utf8 = policy_with(", \"Sid\": \"x\"").into_bytes();
    let x = invalid_utf8.iter().rposition(|&b| b == b'x').expect("has x");
    invalid_utf8[x] = 0xff;
    write("invalid-utf8.json", &invalid_utf8);
    write("nul.json", policy_with(",\0 \"Sid\": \"x\"").as_bytes());
    write("bom.json", format!("\u{feff}{}", policy_with("")).as_bytes());
    write("empty.json", b"");
    let garbage: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    write("garbage.json", &garbage);
    write("too-large.json", policy_with(&" ".repeat(3 << 20)).as_bytes());

    fs::create_dir_all(root.join("dir.json")).expect("mkdir dir.json");
    write("dir.json/inside.json", ORDINARY.as_bytes());
    symlink("missing-target.json", root.join("broken-link.json")).expect("symlink");
    symlink("loop-link.json", root.join("loop-link.json")).expect("symlink");
    symlink("ok/policy.json", root.join("file-link.json")).expect("symlink");
    // A directory link back up the tree: not followed, so no loop and no duplicates.
    symlink("..", root.join("ok/up")).expect("symlink");
    symlink("ok", root.join("dir-link.json")).expect("symlink");
    let fifo = Command::new("mkfifo")
        .arg(root.join("fifo.json"))
        .status()
        .expect("run mkfifo");
    assert!(fifo.success(), "mkfifo failed");
    let _socket = std::os::unix::net::UnixListener::bind(root.join("socket.json")).expect("bind socket");

    let mut expected = vec![
        ("ok/policy.json", "invalid-effect", "allow"),
        ("deep-array.json", "invalid-json", "nesting deeper than"),
        ("deep-object.json", "invalid-json", "nesting deeper than"),
        ("deep-policy.json", "invalid-json", "nesting deeper than"),
        ("huge-number.json", "invalid-json", "number out of range"),
        ("lone-surrogate.json", "invalid-json", "surrogate"),
        ("reversed-surrogates.json", "invalid-json", "surrogate"),
        ("paired-surrogates.json", "undocumented-element", "Sid"),
        ("invalid-utf8.json", "invalid-json", "not valid UTF-8"),
        ("nul.json", "invalid-json", "U+0000"),
        ("bom.json", "invalid-json", "byte-order mark"),
        ("empty.json", "invalid-json", "end of file"),
        ("garbage.json", "invalid-json", ""),
        ("too-large.json", "io-error", "larger than the 2 MiB limit"),
        ("dir.json/inside.json", "invalid-effect", "allow"),
        ("broken-link.json", "io-error", "No such file"),
        ("loop-link.json", "io-error", "symbolic links"),
        ("file-link.json", "invalid-effect", "allow"),
        ("fifo.json", "io-error", "a FIFO"),
        ("socket.json", "io-error", "a socket"),
    ];
    // A walked link that leads out of the tree (here to the process's own
    // memory) is reported and never opened.
    if Path::new("/proc/self/mem").exists() {
        symlink("/proc/self/mem", root.join("unreadable.json")).expect("symlink");
        expected.push(("unreadable.json", "io-error", "it was not followed"));
    }
    expected
}

/// A checksum of everything under `root` that a run could change: names,
/// types, modes, sizes, modification times, link targets and file contents.
/// Non-regular files are described, never opened.
fn fingerprint(root: &Path) -> BTreeMap<PathBuf, u64> {
    let mut sums = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            let meta = fs::symlink_metadata(&path).expect("lstat");
            let mut hasher = DefaultHasher::new();
            (meta.mode(), meta.size(), meta.mtime(), meta.mtime_nsec()).hash(&mut hasher);
            if meta.file_type().is_symlink() {
                fs::read_link(&path).expect("readlink").hash(&mut hasher);
            } else if meta.is_file() {
                fs::read(&path).expect("read").hash(&mut hasher);
            } else if meta.is_dir() {
                stack.push(path.clone());
            }
            sums.insert(path, hasher.finish());
        }
    }
    sums
}

fn diagnostics(output: &Output) -> Vec<serde_json::Value> {
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output parses ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    document["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .clone()
}

#[test]
fn hostile_tree_is_reported_without_hang_or_change() {
    let root = scratch("hostile");
    let expected = build_hostile_tree(&root);
    let before = fingerprint(&root);

    let mut args = vec!["--format", "json", "--max-file-size", "2M", "."];
    args.extend(NOT_POLICIES);
    let output = run_in(&root, &args, b"");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        output.status.code(),
        Some(2),
        "io-errors exit 2; stderr: {stderr}"
    );
    let found = diagnostics(&output);
    let text = |d: &serde_json::Value, key: &str| d[key].as_str().unwrap_or_default().to_string();
    for (file, rule, needle) in &expected {
        assert!(
            found.iter().any(|d| text(d, "file") == *file
                && text(d, "rule") == *rule
                && text(d, "message").contains(needle)),
            "{file}: expected `{rule}` mentioning {needle:?}; got:\n{:#?}",
            found
                .iter()
                .filter(|d| text(d, "file") == *file)
                .collect::<Vec<_>>()
        );
    }
    // Every file with a finding is one of the cases: nothing was reached
    // through the directory links (`ok/up`, `dir-link.json`).
    for d in &found {
        let file = text(d, "file");
        assert!(
            expected.iter().any(|(name, _, _)| *name == file),
            "unexpected file in output: {file}"
        );
    }
    assert_eq!(before, fingerprint(&root), "the run changed its inputs");
}

#[test]
fn human_output_accounts_for_the_same_files() {
    let root = scratch("hostile-human");
    let expected = build_hostile_tree(&root);
    let mut args = vec!["--max-file-size", "2M", "."];
    args.extend(NOT_POLICIES);
    let output = run_in(&root, &args, b"");
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (file, rule, _) in &expected {
        assert!(
            stdout.contains(file) && stdout.contains(rule),
            "{file} missing:\n{stdout}"
        );
    }
}

#[test]
fn output_is_identical_for_one_and_many_threads() {
    let root = scratch("jobs");
    build_hostile_tree(&root);
    // More files than threads, so work is really split.
    for i in 0..64 {
        let text = match i % 4 {
            0 => ORDINARY.to_string(),
            1 => policy_with(", \"Condition\": {\"IpAddress\": {\"acs:SourceIp\": []}}"),
            2 => policy_with(", \"Effect\": \"Deny\""),
            _ => "{\"Version\": \"1\", \"Statement\": [".to_string(),
        };
        fs::write(root.join(format!("many-{i:02}.json")), text).expect("write");
    }
    for format in ["json", "human"] {
        let sequential = run_in(&root, &["--format", format, "--jobs", "1"], b"");
        let parallel = run_in(&root, &["--format", format, "--jobs", "4"], b"");
        assert_eq!(sequential.status.code(), Some(2));
        assert!(!sequential.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&sequential.stdout),
            String::from_utf8_lossy(&parallel.stdout),
            "--format {format}"
        );
        assert_eq!(sequential.status.code(), parallel.status.code());
    }
}

#[test]
fn output_does_not_depend_on_creation_order() {
    let names: Vec<String> = (0..40).map(|i| format!("d{}/p{i:02}.json", i % 3)).collect();
    let build = |root: &Path, order: &mut dyn Iterator<Item = &String>| {
        for name in order {
            let path = root.join(name);
            fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            let i: usize = name[4..6].parse().expect("index");
            let body = if i.is_multiple_of(2) {
                ORDINARY.to_string()
            } else {
                policy_with(", \"Sid\": \"s\"")
            };
            fs::write(path, body).expect("write");
        }
    };
    let forward = scratch("order-forward");
    let backward = scratch("order-backward");
    build(&forward, &mut names.iter());
    build(&backward, &mut names.iter().rev());
    let a = run_in(&forward, &["--format", "json"], b"");
    let b = run_in(&backward, &["--format", "json"], b"");
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn deep_nesting_through_stdin_is_a_diagnostic() {
    let dir = scratch("stdin-deep");
    for text in ["[".repeat(200_000), "{\"a\":".repeat(200_000)] {
        let output = run_in(&dir, &["--format", "json", "-"], text.as_bytes());
        assert_eq!(output.status.code(), Some(1));
        let found = diagnostics(&output);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nesting deeper than"));
    }
}

#[test]
fn max_file_size_applies_to_stdin_and_named_files() {
    let dir = scratch("max-size");
    fs::write(dir.join("big.json"), policy_with(&" ".repeat(600))).expect("write");
    let output = run_in(
        &dir,
        &["--format", "json", "--max-file-size", "512", "big.json", "-"],
        &[b' '; 600],
    );
    assert_eq!(output.status.code(), Some(2));
    let found = diagnostics(&output);
    let files: Vec<&str> = found
        .iter()
        .map(|d| d["file"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(files, ["<stdin>", "big.json"], "{found:#?}");
    for d in &found {
        assert_eq!(d["rule"], "io-error");
        assert!(d["message"].as_str().unwrap_or_default().contains("512 B limit"));
    }
    // Under the limit, the same file is linted normally.
    let output = run_in(&dir, &["--max-file-size", "1K", "big.json"], b"");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let output = run_in(&dir, &["--max-file-size", "ten"], b"");
    assert_eq!(output.status.code(), Some(2), "a bad size is a usage error");
}

#[test]
fn walked_files_that_are_not_policies_are_skipped_but_named_ones_are_linted() {
    let root = scratch("not-policies");
    build_hostile_tree(&root);
    let walked = run_in(&root, &["--format", "json", "--max-file-size", "2M", "."], b"");
    let files: Vec<String> = diagnostics(&walked)
        .iter()
        .map(|d| d["file"].as_str().unwrap_or_default().to_string())
        .collect();
    for name in NOT_POLICIES {
        assert!(!files.iter().any(|f| f == name), "{name} was linted while walked");
    }
    let mut args = vec!["--format", "json", "--max-file-size", "2M", ".", "ok/policy.json"];
    args.extend(NOT_POLICIES);
    let named = run_in(&root, &args, b"");
    let found = diagnostics(&named);
    for name in NOT_POLICIES {
        assert!(found.iter().any(|d| d["file"] == name), "{name} named");
    }
    // Named and walked, it is one file with one finding, not two.
    let ordinary = found.iter().filter(|d| d["file"] == "ok/policy.json").count();
    assert_eq!(ordinary, 1, "{found:#?}");
}
