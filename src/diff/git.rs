//! The OLD side of `diff --base REV`: the paths the user named, as they were
//! at a git revision, read through the `git` command line (`rev-parse`,
//! `ls-tree`, `cat-file`) and loaded like the working tree's files.
//!
//! Everything here is untrusted: a revision is verified to name a commit
//! before it is used and cannot be read as an option, paths are passed as
//! literal pathspecs after `--`, and blob sizes are checked against the same
//! limit as files on disk before a byte is read.
//!
//! The repository's own configuration is untrusted too: a pull request can
//! commit a bare repository's layout, or a clone can carry a promisor remote
//! whose `core.sshCommand` git would run to fetch a missing blob. Every `git`
//! here runs through [`hardened`], which forbids every transport, lazy
//! fetching, the fsmonitor daemon and the pager, and discovers only
//! repositories with a `.git` (never a bare layout found by walking up), so
//! no program named by repository configuration is started.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::core::Origin;
use crate::simulate::load::Loaded;
use crate::workspace::discover::display_name;
use crate::workspace::read::{read_limited, too_large, DEFAULT_MAX_FILE_SIZE};

/// A verified revision of the current directory's repository.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The full commit id: every later command names the commit by it.
    pub commit: String,
    /// What file names are shown with: the revision as given when it is a
    /// plain ref or `HEAD~1`-style expression, else the short commit id.
    pub label: String,
}

/// A path as the user named it, and where it sits in the repository.
struct Named<'a> {
    given: &'a Path,
    /// Relative to the repository's top level, `/`-separated; empty for
    /// the top level itself.
    full: String,
}

/// A `git` command that no repository configuration can make start
/// another program. Command-line `-c` settings are "protected
/// configuration": a repository's own config cannot override them.
fn hardened() -> Command {
    let mut command = Command::new("git");
    command
        // No transport at all: a fetch (lazy or not) fails instead of
        // running ssh, `ext::` helpers or a proxy command.
        .args(["-c", "protocol.allow=never"])
        .args(["-c", "core.sshCommand=false"])
        .args(["-c", "core.gitProxy="])
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "core.hooksPath=/dev/null"])
        // A committed bare repository layout is not a repository to us.
        .args(["-c", "safe.bareRepository=explicit"])
        .arg("--no-pager")
        // Paths are paths: `*` or `:(glob)` in a file name is not a pattern.
        .arg("--literal-pathspecs")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_SSH")
        .env_remove("GIT_SSH_COMMAND")
        .env_remove("GIT_PROXY_COMMAND")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null());
    command
}

/// Runs `git` in the current directory with `args`; its standard output,
/// or a message with its standard error.
fn git(args: &[OsString]) -> Result<Vec<u8>, String> {
    let output = hardened().args(args).output().map_err(|e| {
        format!("`--base` reads the revision with the `git` command, which could not be run: {e}")
    })?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let message = String::from_utf8_lossy(&output.stderr);
        Err(message.trim().to_string())
    }
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// Verifies that `rev` names a commit of the current directory's repository.
pub fn resolve(rev: &str) -> Result<Revision, String> {
    // `--end-of-options` already stops option parsing; refusing a leading
    // `-` as well keeps the rule plain for every git this runs with.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("`--base {rev}` is not a revision"));
    }
    let not_a_commit = || format!("`{rev}` does not name a commit of this repository");
    // Resolved first as given (so `:/message` keeps its whole text), then
    // peeled by id: a tag gives its commit, a tree or blob fails.
    let mut id = rev.to_string();
    for spec in [rev.to_string(), String::new()] {
        let spec = if spec.is_empty() {
            format!("{id}^{{commit}}")
        } else {
            spec
        };
        let out = git(&os(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ]))
        .map_err(|message| {
            if message.contains("safe.bareRepository") {
                "`--base` reads only a repository with a `.git` folder: the current \
                 directory is inside a bare repository's layout, which a pull request \
                 could have committed"
                    .to_string()
            } else {
                not_a_commit()
            }
        })?;
        id = String::from_utf8_lossy(&out).trim().to_string();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(not_a_commit());
        }
    }
    let commit = id;
    let plain = rev
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._~^-".contains(&b));
    let label = if plain {
        rev.to_string()
    } else {
        commit[..12.min(commit.len())].to_string()
    };
    Ok(Revision { commit, label })
}

/// The repository's top level and the current directory within it.
fn prefix() -> Result<(PathBuf, String), String> {
    let out = git(&os(&["rev-parse", "--show-toplevel", "--show-prefix"]))
        .map_err(|e| format!("`--base` needs the current directory to be inside a git work tree ({e})"))?;
    let text = String::from_utf8_lossy(&out);
    let mut lines = text.lines();
    let top = lines.next().unwrap_or_default();
    let prefix = lines.next().unwrap_or_default();
    if top.is_empty() {
        return Err("`--base` needs the current directory to be inside a git work tree".into());
    }
    Ok((PathBuf::from(top), prefix.trim_end_matches('/').to_string()))
}

/// `path` relative to the top level, from its spelling alone (it may not
/// exist in the working tree); `None` when it leads outside.
fn full_name(path: &Path, top: &Path, prefix: &str) -> Option<String> {
    let (mut parts, rest): (Vec<String>, &Path) = if path.is_absolute() {
        let canonical_top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
        let rest = path
            .strip_prefix(top)
            .or_else(|_| path.strip_prefix(&canonical_top))
            .ok()?;
        (Vec::new(), rest)
    } else {
        let parts = prefix
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        (parts, path)
    };
    for component in rest.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(name) => parts.push(name.to_str()?.to_string()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// One entry of `git ls-tree -r -l -z`.
struct Entry {
    mode: String,
    object: String,
    size: Option<u64>,
    /// Relative to the top level (`--full-name`).
    path: String,
}

fn list(revision: &Revision, named: &Named<'_>) -> Result<Vec<Entry>, String> {
    let mut args = os(&["ls-tree", "-r", "-l", "-z", "--full-tree", &revision.commit, "--"]);
    // The top level itself is every path; `.` with --full-tree says so.
    args.push(if named.full.is_empty() {
        ".".into()
    } else {
        named.full.clone().into()
    });
    let out = git(&args)?;
    let mut entries = Vec::new();
    for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(record);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let mut fields = meta.split_whitespace();
        let (Some(mode), Some(_kind), Some(object), Some(size)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        entries.push(Entry {
            mode: mode.to_string(),
            object: object.to_string(),
            size: size.parse().ok(),
            path: path.to_string(),
        });
    }
    Ok(entries)
}

/// Whether the walk of the working tree would pick up `rest` (a path below
/// a named directory): a walked name, under no hidden directory.
fn walked(rest: &str) -> bool {
    let mut parts: Vec<&str> = rest.split('/').collect();
    let last = parts.pop().unwrap_or_default();
    !parts.iter().any(|p| p.starts_with('.')) && crate::host::is_walked_name(Path::new(last))
}

fn read_blob(revision: &Revision, entry: &Entry, name: &str) -> Result<Vec<u8>, String> {
    match entry.size {
        Some(size) if size <= DEFAULT_MAX_FILE_SIZE => {}
        Some(_) => return Err(too_large(name, DEFAULT_MAX_FILE_SIZE)),
        // ls-tree prints no size for an object it cannot read: in a partial
        // or damaged clone the blob is not here, and is never fetched.
        None => {
            return Err(format!(
                "`{name}` is missing from the local repository (a partial clone?): \
                 `--base` never fetches; fetch the revision's blobs first"
            ))
        }
    }
    if !entry.object.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("cannot read `{name}` at {}", revision.label));
    }
    let mut child = hardened()
        .args(["cat-file", "blob", &entry.object])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot read `{name}` at {}: {e}", revision.label))?;
    // Measured by ls-tree, but read through the limit all the same.
    let read = child
        .stdout
        .take()
        .map(|out| read_limited(out, DEFAULT_MAX_FILE_SIZE, entry.size.unwrap_or(0) as usize));
    if !matches!(read, Some(Ok(Some(_)))) {
        // Unread output would keep git waiting on a full pipe.
        let _ = child.kill();
    }
    let status = child.wait();
    match (read, status) {
        (Some(Ok(Some(bytes))), Ok(status)) if status.success() => Ok(bytes),
        (Some(Ok(None)), _) => Err(too_large(name, DEFAULT_MAX_FILE_SIZE)),
        _ => Err(format!("cannot read `{name}` at {}", revision.label)),
    }
}

/// The policies at `paths` as of `revision`, named `LABEL:path` with the
/// path spelled as in the working tree. A path that does not exist there
/// contributes nothing; the second value lists the paths that did not.
pub fn load_at(revision: &Revision, paths: &[PathBuf]) -> Result<(Loaded, Vec<PathBuf>), String> {
    let (top, prefix) = prefix()?;
    let mut loaded = Loaded::default();
    let mut seen = std::collections::HashSet::new();
    let mut missing = Vec::new();
    for path in paths {
        let full = full_name(path, &top, &prefix).ok_or_else(|| {
            format!(
                "`{}` is outside the repository `--base` reads",
                display_name(path)
            )
        })?;
        let named = Named { given: path, full };
        let entries = list(revision, &named)?;
        if entries.is_empty() {
            missing.push(path.clone());
        }
        for entry in entries {
            let (shown, origin) = if entry.path == named.full {
                (named.given.to_path_buf(), Origin::Named)
            } else {
                let rest = match named.full.as_str() {
                    "" => entry.path.as_str(),
                    dir => match entry.path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                        Some(rest) => rest,
                        None => continue,
                    },
                };
                if !walked(rest) {
                    continue;
                }
                (named.given.join(rest), Origin::Walked)
            };
            let name = format!("{}:{}", revision.label, display_name(&shown));
            // Two given paths can name the same file: it is read once.
            if !seen.insert(name.clone()) {
                continue;
            }
            match entry.mode.as_str() {
                "100644" | "100755" => match read_blob(revision, &entry, &name) {
                    Ok(bytes) => loaded.add_unevaluated(name, bytes, origin),
                    Err(message) => loaded.unreadable(name, message),
                },
                // A submodule is another repository; a walk does not enter it.
                "160000" if origin == Origin::Walked => {}
                "120000" => loaded.unreadable(
                    name.clone(),
                    format!("`{name}` is a symbolic link; `--base` does not follow links"),
                ),
                _ => loaded.unreadable(name.clone(), format!("`{name}` is not a regular file")),
            }
        }
    }
    // In name order, each host's documents in their own order.
    loaded.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((loaded, missing))
}
