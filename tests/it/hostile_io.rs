//! Reads and writes a pull request cannot redirect: `--write-baseline`, `--output-file`
//! and `--fix` write only the file asked for, never through a link planted in
//! the tree, never over the inputs, and never a file that is read-only or
//! shared by hard links; and every read (baselines, configurations) is bounded
//! and refuses what is not a regular file.

#![cfg(unix)]

use crate::common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Output;

use common::{stderr, stdout};

const BAD: &str = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
/// `"Effect": "allow"` has a safe fix (the case of the value).
const FIXABLE: &str =
    r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, b"")
}

/// A tree with one bad policy and a file outside it that must survive.
fn tree(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = common::tree(name, &[("repo/policies/p.json", BAD)]);
    let outside = dir.join("secret.txt");
    fs::write(&outside, "do not touch").expect("write");
    (dir.join("repo"), outside)
}

fn untouched(outside: &Path) {
    assert_eq!(fs::read_to_string(outside).expect("read"), "do not touch");
}

#[test]
fn a_link_planted_at_the_old_baseline_temporary_name_is_not_written_through() {
    let (repo, outside) = tree("baseline-tmp");
    symlink(&outside, repo.join("baseline.baseline-tmp")).expect("symlink");
    let output = run(
        &repo,
        &["--isolated", "--write-baseline", "baseline.json", "policies"],
    );
    untouched(&outside);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = fs::symlink_metadata(repo.join("baseline.json")).expect("written");
    assert!(written.file_type().is_file(), "the baseline is a plain file");
    // No temporary file is left beside it.
    let names: Vec<String> = fs::read_dir(&repo)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("policy-check"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_baseline_or_output_that_is_a_link_is_refused() {
    let (repo, outside) = tree("linked-targets");
    symlink(&outside, repo.join("baseline.json")).expect("symlink");
    symlink(&outside, repo.join("report.json")).expect("symlink");
    let baseline = run(
        &repo,
        &["--isolated", "--write-baseline", "baseline.json", "policies"],
    );
    assert_eq!(baseline.status.code(), Some(2), "{}", stdout(&baseline));
    assert!(
        stderr(&baseline).contains("symbolic link"),
        "{}",
        stderr(&baseline)
    );
    let report = run(
        &repo,
        &["--isolated", "-o", "report.json", "--format", "json", "policies"],
    );
    assert_eq!(report.status.code(), Some(2), "{}", stdout(&report));
    assert!(stderr(&report).contains("symbolic link"), "{}", stderr(&report));
    untouched(&outside);
}

#[test]
fn a_linked_folder_on_the_way_to_the_output_is_refused() {
    let (repo, outside) = tree("linked-folder");
    symlink(outside.parent().expect("parent"), repo.join("out")).expect("symlink");
    let report = run(&repo, &["--isolated", "-o", "out/secret.txt", "policies"]);
    assert_eq!(report.status.code(), Some(2), "{}", stdout(&report));
    untouched(&outside);
}

#[test]
fn an_output_file_among_the_inputs_is_a_usage_error_before_anything_is_written() {
    let (repo, _) = tree("output-input");
    for (output, inputs) in [
        ("policies/p.json", vec!["policies/p.json"]),
        ("policies/report.txt", vec!["policies"]),
        ("./policies/../policies/report.txt", vec!["."]),
    ] {
        let mut args = vec!["--isolated", "-o", output];
        args.extend(inputs);
        let result = run(&repo, &args);
        assert_eq!(result.status.code(), Some(2), "{output}: {}", stderr(&result));
        assert!(stderr(&result).contains("--output-file"), "{}", stderr(&result));
    }
    assert_eq!(
        fs::read_to_string(repo.join("policies/p.json")).expect("read"),
        BAD
    );
    assert!(!repo.join("policies/report.txt").exists());
    // Beside the linted folder is fine.
    let beside = run(&repo, &["--isolated", "-o", "report.txt", "policies"]);
    assert_eq!(beside.status.code(), Some(1), "{}", stderr(&beside));
    assert!(fs::read_to_string(repo.join("report.txt"))
        .expect("report")
        .contains("allow-all"));
}

#[test]
fn fix_refuses_read_only_linked_and_hard_linked_files() {
    let dir = common::tree(
        "fix-refusals",
        &[
            ("ro.json", FIXABLE),
            ("twin.json", FIXABLE),
            ("target.json", FIXABLE),
        ],
    );
    let read_only = dir.join("ro.json");
    let mut permissions = fs::metadata(&read_only).expect("meta").permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&read_only, permissions).expect("chmod");
    fs::hard_link(dir.join("twin.json"), dir.join("twin-link.json")).expect("hard link");
    symlink(dir.join("target.json"), dir.join("link.json")).expect("symlink");
    for (file, says) in [
        ("ro.json", "read-only"),
        ("twin.json", "hard link"),
        ("link.json", "symbolic link"),
    ] {
        let output = run(&dir, &["--isolated", "--fix", file]);
        assert_eq!(output.status.code(), Some(2), "{file}: {}", stdout(&output));
        assert!(stdout(&output).contains(says), "{file}: {}", stdout(&output));
    }
    for file in ["ro.json", "twin.json", "target.json"] {
        assert_eq!(
            fs::read_to_string(dir.join(file)).expect("read"),
            FIXABLE,
            "{file}"
        );
    }
}

#[test]
fn fix_keeps_the_mode_of_the_file_it_repairs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::tree("fix-mode", &[("p.json", FIXABLE)]);
    let path = dir.join("p.json");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    // Run as root (as CI is), the file can belong to someone else: the fix
    // must give it back to them, not to root.
    let other_owner = std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_ok();
    let output = run(&dir, &["--isolated", "--fix", "p.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_ne!(fs::read_to_string(&path).expect("read"), FIXABLE);
    let meta = fs::metadata(&path).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    if other_owner {
        use std::os::unix::fs::MetadataExt;
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }
}

/// `mkfifo` through the shell: a FIFO a reader would wait on forever.
fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_baseline_linked_to_a_device_or_a_fifo_is_refused_unread() {
    let (repo, _) = tree("baseline-devices");
    symlink("/dev/zero", repo.join("zero.json")).expect("symlink");
    fifo(&repo.join("fifo.json"));
    for baseline in ["zero.json", "fifo.json"] {
        let started = std::time::Instant::now();
        let output = run(&repo, &["--isolated", "--baseline", baseline, "policies"]);
        assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
        assert!(
            stderr(&output).contains("not a regular file"),
            "{}",
            stderr(&output)
        );
        assert!(started.elapsed().as_secs() < 10);
    }
}

#[test]
fn a_configuration_that_is_a_fifo_is_refused_unread() {
    let (repo, _) = tree("config-fifo");
    fifo(&repo.join("policy-check.toml"));
    let output = run(&repo, &["--config", "policy-check.toml", "policies"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn baseline_counts_that_would_overflow_are_refused() {
    let (repo, _) = tree("baseline-overflow");
    let written = run(
        &repo,
        &["--isolated", "--write-baseline", "baseline.json", "policies"],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let text = fs::read_to_string(repo.join("baseline.json")).expect("baseline");
    assert!(text.contains("\"count\":1"), "{text}");
    // Two entries whose counts add past usize::MAX, as a hostile file would.
    let doubled = text.replacen("\"count\":1", "\"count\":18446744073709551615", 1);
    fs::write(repo.join("baseline.json"), doubled).expect("write");
    let output = run(&repo, &["--isolated", "--baseline", "baseline.json", "policies"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("a count is 1 to"), "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("18446744073709551"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_file_reference_leading_out_of_the_current_folder_names_it() {
    let dir = common::tree(
        "file-link-root",
        &[(
            "repo/main.tf",
            "resource \"alicloud_ram_policy\" \"p\" {\n  policy_name = \"p\"\n  policy_document = file(\"p.json\")\n}\n",
        )],
    );
    fs::write(dir.join("outside.json"), BAD).expect("write");
    symlink(dir.join("outside.json"), dir.join("repo/p.json")).expect("symlink");
    let output = run(&dir.join("repo"), &["--isolated", "main.tf"]);
    let text = stdout(&output);
    assert!(text.contains("leads outside `.`"), "{text}");
    assert!(!text.contains("``"), "{text}");
}
