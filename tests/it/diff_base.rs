//! `policy-check diff --base GIT-REV PATH...` in a scratch git repository:
//! the working tree against a commit, paths added or removed since, paths
//! named from a subdirectory, and hostile revisions and paths. Needs the
//! `git` command; without it every test says so and passes.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn have_git() -> bool {
    let found = Command::new("git").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped: the `git` command is not installed");
    }
    found
}

/// Runs git in `dir` with a fixed identity and no user or system config.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

fn walkthrough(side: &str, file: &str) -> String {
    std::fs::read_to_string(root().join("testdata/diff/walkthrough").join(side).join(file)).expect("fixture")
}

/// A repository whose one commit holds the walkthrough's `before`
/// policies under `policies/`, and whose working tree holds them unchanged.
fn repo(name: &str) -> PathBuf {
    let files: Vec<(String, String)> = ["guardrails.json", "image-builder.json", "read-only.json"]
        .iter()
        .map(|f| (format!("policies/{f}"), walkthrough("before", f)))
        .collect();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let dir = common::tree(name, &borrowed);
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "before"]);
    dir
}

/// Runs the binary in `dir`; every witness a `diff --base` prints is
/// re-run through its own `check:` line (human) or its request (JSON): on
/// the working tree's paths it must be allowed, on the same paths at the
/// revision ([`at_revision`]) not.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output: Output = common::run(dir, args, b"");
    let (code, out, err) = (
        output.status.code(),
        common::stdout(&output),
        common::stderr(&output),
    );
    if code == Some(1) {
        let at = args
            .iter()
            .position(|a| *a == "--base")
            .expect("a `--base REV` run");
        let (revision, paths) = (args[at + 1], &args[at + 2..]);
        let old = at_revision(dir, revision, paths);
        let new: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        let replayed = if args.contains(&"json") {
            let report = serde_json::from_str(&out).expect("a JSON report");
            common::replay_json_witnesses(dir, &report, &old, &new)
        } else {
            common::replay_witnesses(dir, &out, &old, &new)
        };
        assert!(replayed > 0, "new access without a witness that replays: {out}");
    }
    (code, out, err)
}

/// OLD's side of a `--base` run as files: the whole tree at `revision`
/// extracted to a scratch folder, and there each of `paths` (given from
/// `dir`, as the run was). A path the revision does not hold becomes a
/// policy that grants nothing a witness asks, as `diff` reads it.
fn at_revision(dir: &Path, revision: &str, paths: &[&str]) -> Vec<PathBuf> {
    let git_out = |args: &[&str]| {
        let output = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run git");
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim_end()
            .to_string()
    };
    let prefix = git_out(&["rev-parse", "--show-prefix"]);
    let tar = Command::new("git")
        .args(["archive", "--format=tar", revision])
        .current_dir(dir)
        .output()
        .expect("git archive");
    assert!(tar.status.success(), "git archive {revision}");
    let repository = git_out(&["rev-parse", "--show-toplevel"]);
    let name = Path::new(&repository).file_name().expect("a folder name");
    let top = common::scratch(&format!("at-revision/{}", name.to_string_lossy()));
    let mut untar = Command::new("tar")
        .args(["-x", "-f", "-"])
        .current_dir(&top)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run tar");
    std::io::Write::write_all(&mut untar.stdin.take().expect("stdin"), &tar.stdout).expect("feed tar");
    assert!(untar.wait().expect("tar").success(), "tar");
    paths
        .iter()
        .map(|path| {
            // `.` and `..` resolved here: the revision need not hold the
            // folders they pass through.
            let mut old = top.clone();
            for part in Path::new(&prefix).join(path).components() {
                match part {
                    std::path::Component::CurDir => {}
                    std::path::Component::ParentDir => assert!(old.pop() && old.starts_with(&top), "{path}"),
                    part => old.push(part),
                }
            }
            if !old.exists() {
                std::fs::create_dir_all(&old).expect("mkdir");
                let nothing = r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "none:None", "Resource": "none"}]}"#;
                std::fs::write(old.join("nothing.json"), nothing).expect("write");
            }
            old
        })
        .collect()
}

fn json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON ({e}): {out}{err}"));
    (code, doc)
}

#[test]
fn an_unchanged_tree_grants_nothing_new() {
    if !have_git() {
        return;
    }
    let dir = repo("unchanged");
    let (code, out, err) = run(&dir, &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("3 OLD and 3 NEW document(s)"), "{out}");
}

#[test]
fn a_widened_cidr_in_the_working_tree_is_caught() {
    if !have_git() {
        return;
    }
    let dir = repo("widened");
    std::fs::write(
        dir.join("policies/image-builder.json"),
        walkthrough("after", "image-builder.json"),
    )
    .expect("edit");
    for path in ["policies", "policies/image-builder.json", "./policies/"] {
        let (code, doc) = json(&dir, &["--base", "HEAD", path]);
        assert_eq!(code, Some(1), "{path}: {doc:#}");
        let found = &doc["new_access"][0];
        assert_eq!(found["request"]["action"], "ens:CreateImage", "{path}");
        let ip = found["request"]["context"]["acs:SourceIp"][0]
            .as_str()
            .expect("an address");
        assert!(ip.starts_with("203.0.") && !ip.starts_with("203.0.113."), "{ip}");
        assert_eq!(found["allowed_by"][0]["file"], "policies/image-builder.json");
        let reason = found["old"]["reason"].as_str().expect("reason");
        assert!(
            reason.contains("HEAD:policies/image-builder.json statement 0"),
            "{reason}"
        );
    }
    // Committed, the change is the base's own: nothing new against HEAD,
    // the widening again against the commit before.
    git(&dir, &["commit", "-q", "-am", "widen"]);
    assert_eq!(run(&dir, &["diff", "--base", "HEAD", "policies"]).0, Some(0));
    assert_eq!(run(&dir, &["diff", "--base", "HEAD~1", "policies"]).0, Some(1));
}

#[test]
fn a_path_added_since_the_revision_is_all_new_and_one_removed_grants_nothing() {
    if !have_git() {
        return;
    }
    let dir = repo("added");
    std::fs::create_dir(dir.join("extra")).expect("mkdir");
    std::fs::write(
        dir.join("extra/images.json"),
        walkthrough("before", "image-builder.json"),
    )
    .expect("write");
    let (code, doc) = json(&dir, &["--base", "HEAD", "extra"]);
    assert_eq!(code, Some(1), "{doc:#}");
    assert_eq!(doc["new_access"][0]["old"]["reason"], "no Allow statement");

    std::fs::remove_file(dir.join("policies/read-only.json")).expect("rm");
    let (code, out, err) = run(&dir, &["diff", "--base", "HEAD", "policies/read-only.json"]);
    assert_eq!(code, Some(0), "{out}{err}");
    // Named nowhere: a usage error, not "no new access".
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "nowhere.json"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("exists neither in the working tree nor at HEAD"),
        "{err}"
    );
}

#[test]
fn paths_are_read_from_a_subdirectory_as_given() {
    if !have_git() {
        return;
    }
    let dir = repo("subdir");
    std::fs::write(
        dir.join("policies/image-builder.json"),
        walkthrough("after", "image-builder.json"),
    )
    .expect("edit");
    let sub = dir.join("policies");
    let (code, doc) = json(&sub, &["--base", "HEAD", "."]);
    assert_eq!(code, Some(1), "{doc:#}");
    assert_eq!(
        doc["new_access"][0]["allowed_by"][0]["file"],
        "image-builder.json"
    );
    std::fs::create_dir(dir.join("elsewhere")).expect("mkdir");
    let (code, doc) = json(&dir.join("elsewhere"), &["--base", "HEAD", "../policies"]);
    assert_eq!(code, Some(1), "{doc:#}");
    let reason = doc["new_access"][0]["old"]["reason"].as_str().expect("reason");
    assert!(reason.contains("HEAD:../policies/image-builder.json"), "{reason}");
}

#[test]
fn hostile_revisions_and_paths_are_refused() {
    if !have_git() {
        return;
    }
    let dir = repo("hostile");
    let marker = dir.join("written-by-git");
    let output_option = format!("--output={}", marker.display());
    for rev in [
        "-x",
        "--help",
        output_option.as_str(),
        "",
        "HEAD:policies",
        "no-such-branch",
    ] {
        let (code, out, err) = run(&dir, &["diff", &format!("--base={rev}"), "policies"]);
        assert_eq!(code, Some(2), "{rev}: {out}{err}");
        assert!(err.contains("policy-check diff:"), "{rev}: {err}");
    }
    assert!(!marker.exists(), "a revision was read as a git option");
    // A pathspec pattern is a file name, not a glob over the tree.
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "pol*"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", ":(glob)**"]);
    assert_eq!(code, Some(2), "{err}");
    // Outside the repository, and standard input.
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "/"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "-"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(
        &dir,
        &[
            "diff",
            "--base",
            "HEAD",
            "--reference",
            "policies/read-only.json",
            "policies",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn a_blob_over_the_size_limit_is_not_read() {
    if !have_git() {
        return;
    }
    let dir = repo("large");
    let big = format!(
        "{{\"Version\": \"1\", \"Statement\": []{}}}",
        " ".repeat(10 << 20)
    );
    std::fs::write(dir.join("policies/big.json"), &big).expect("write");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "big"]);
    std::fs::remove_file(dir.join("policies/big.json")).expect("rm");
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("HEAD:policies/big.json") && err.contains("larger than"),
        "{err}"
    );
}

#[test]
fn hidden_directories_are_skipped_as_in_the_working_tree() {
    if !have_git() {
        return;
    }
    let dir = repo("hidden");
    std::fs::create_dir(dir.join("policies/.old")).expect("mkdir");
    std::fs::write(
        dir.join("policies/.old/wide.json"),
        r#"{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    )
    .expect("write");
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "hidden"]);
    std::fs::remove_dir_all(dir.join("policies/.old")).expect("rm");
    // Were the hidden file read at HEAD, OLD would allow everything.
    std::fs::write(
        dir.join("policies/image-builder.json"),
        walkthrough("after", "image-builder.json"),
    )
    .expect("edit");
    let (code, out, _) = run(&dir, &["diff", "--base", "HEAD", "policies"]);
    assert_eq!(code, Some(1), "{out}");
}

/// Turns `dir` into a partial clone whose promisor remote would be reached
/// over ssh, with `core.sshCommand` planted to leave `marker` behind, and
/// removes the blob of `path` at HEAD so that reading it needs a fetch.
fn plant_promisor(dir: &Path, path: &str, marker: &Path) {
    let object = Command::new("git")
        .args(["rev-parse", &format!("HEAD:{path}")])
        .current_dir(dir)
        .output()
        .expect("rev-parse");
    let object = String::from_utf8(object.stdout).expect("utf-8");
    let object = object.trim();
    std::fs::remove_file(dir.join(".git/objects").join(&object[..2]).join(&object[2..]))
        .expect("drop the blob");
    git(dir, &["config", "core.repositoryformatversion", "1"]);
    git(dir, &["config", "extensions.partialClone", "origin"]);
    git(
        dir,
        &["config", "remote.origin.url", "ssh://example.invalid/repo"],
    );
    git(dir, &["config", "remote.origin.promisor", "true"]);
    let command = format!("touch '{}' #", marker.display());
    git(dir, &["config", "core.sshCommand", &command]);
}

#[test]
fn a_promisor_remote_in_the_repository_config_is_never_run() {
    if !have_git() {
        return;
    }
    let dir = repo("promisor");
    let marker = dir.with_extension("ssh-ran");
    let _ = std::fs::remove_file(&marker);
    plant_promisor(&dir, "policies/guardrails.json", &marker);
    let (code, _, err) = run(&dir, &["diff", "--base", "HEAD", "policies"]);
    assert!(!marker.exists(), "git ran the repository's core.sshCommand");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("HEAD:policies/guardrails.json") && err.contains("missing"),
        "a missing blob is reported as missing: {err}"
    );
    assert!(!err.contains("larger than"), "{err}");
}

#[test]
fn a_committed_bare_repository_is_not_discovered() {
    if !have_git() {
        return;
    }
    // The outer repository commits a folder laid out as a bare repository
    // whose config would run a program; `diff` runs from inside it.
    let dir = repo("bare");
    let inner = dir.join("policies/inner");
    std::fs::create_dir_all(&inner).expect("mkdir");
    git(&inner, &["init", "-q", "--bare", "."]);
    std::fs::write(inner.join("p.json"), walkthrough("before", "read-only.json")).expect("write");
    git(&inner, &["--work-tree=.", "add", "p.json"]);
    git(&inner, &["--work-tree=.", "commit", "-q", "-m", "inner"]);
    let marker = dir.with_extension("bare-ran");
    let _ = std::fs::remove_file(&marker);
    // The commit itself is dropped: resolving the revision would fetch it.
    let object = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&inner)
        .output()
        .expect("rev-parse");
    let object = String::from_utf8(object.stdout).expect("utf-8");
    let object = object.trim().to_string();
    std::fs::remove_file(inner.join("objects").join(&object[..2]).join(&object[2..])).expect("drop the blob");
    for (key, value) in [
        ("core.repositoryformatversion", "1".to_string()),
        ("extensions.partialClone", "origin".to_string()),
        ("remote.origin.url", "ssh://example.invalid/repo".to_string()),
        ("remote.origin.promisor", "true".to_string()),
        ("core.sshCommand", format!("touch '{}' #", marker.display())),
    ] {
        git(&inner, &["config", key, &value]);
    }
    let (code, _, err) = run(&inner, &["diff", "--base", "HEAD", "p.json"]);
    assert!(
        !marker.exists(),
        "git used the committed bare repository's config"
    );
    // Refused, as git refuses it with safe.bareRepository=explicit.
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bare repository"), "{err}");
}
