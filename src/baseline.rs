//! Baselines: `--write-baseline FILE` records every current finding,
//! `--baseline FILE` then reports only findings it does not hold, so a
//! legacy repository can adopt policy-check and fail only on what a change
//! adds. Applied to each file's findings after suppressions, before rendering.
//!
//! A finding's fingerprint is its rule, its file (relative to the baseline's
//! folder), the document's location in a host file, the element's path with
//! every array index replaced by `[*]`, and the text of the token it is on
//! (white space collapsed; long tokens hashed) -- never a line number or an
//! index. Equal fingerprints are counted, as detekt and PHPStan do, so
//! inserting a statement (which shifts `$['Statement'][0]` to `[1]`) or an
//! action above an old finding leaves it matched, a second copy of an old
//! mistake is still reported, and editing the token resurfaces it.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::core::Diagnostic;
use crate::core::Rule;
use crate::core::{path, FileReport};
use crate::host::files::normalize;

/// The baseline file's format version (its `policy-check-baseline` field).
pub(crate) const FORMAT_VERSION: u32 = 1;

/// Tokens longer than this (in bytes, after collapsing white space) are
/// stored as a hash, so that a finding on a whole statement keeps the file
/// readable.
const MAX_TOKEN: usize = 80;

/// One line of the baseline file: a fingerprint and how many findings have it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub file: String,
    pub document: Option<String>,
    pub rule: String,
    pub path: Option<String>,
    pub token: String,
    pub count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    #[serde(rename = "policy-check-baseline")]
    version: u32,
    findings: Vec<Entry>,
}

/// A fingerprint without its file: (document, rule, path, token).
type Key = (Option<String>, String, Option<String>, String);

/// The fingerprint of finding `d` of a file whose text is `text`.
fn key(text: &str, d: &Diagnostic) -> Key {
    (
        d.document.clone(),
        d.rule.id().to_string(),
        d.path.as_deref().map(path::index_free),
        token(text.get(d.span.start..d.span.end).unwrap_or_default()),
    )
}

/// A token's text with white space collapsed (reformatting does not
/// resurface it); a long one as a stable 64-bit FNV-1a hash.
fn token(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.len() <= MAX_TOKEN {
        return collapsed;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in collapsed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{hash:016x}")
}

/// Whether a finding may be held by a baseline: an unreadable file never is.
fn recordable(d: &Diagnostic) -> bool {
    d.rule != Rule::IoError
}

/// A file's name as the baseline keys it: relative to the baseline's folder
/// when under it, `/`-separated; else as shown.
fn file_key(dir: &Path, cwd: &Path, name: &str) -> String {
    let absolute = normalize(&cwd.join(name));
    match absolute.strip_prefix(dir) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => name.to_string(),
    }
}

/// One file's entries in a loaded baseline.
#[derive(Debug, Default)]
struct FileEntries {
    counts: HashMap<Key, usize>,
    total: usize,
    seen: AtomicBool,
    unmatched: AtomicUsize,
}

/// The largest count one fingerprint may carry: far above what a file
/// within the size limit can produce, far below an overflow.
const MAX_COUNT: usize = u32::MAX as usize;

/// What a run does with a baseline.
#[derive(Debug)]
pub enum BaselineRun {
    /// `--baseline`: hide the findings it holds.
    Compare(Baseline),
    /// `--write-baseline`: record every finding.
    Record(Recorder),
}

/// A loaded baseline file.
#[derive(Debug)]
pub struct Baseline {
    /// The file as shown.
    pub name: String,
    dir: PathBuf,
    cwd: PathBuf,
    files: BTreeMap<String, FileEntries>,
}

/// The findings of a `--write-baseline` run, gathered from every worker.
#[derive(Debug)]
pub struct Recorder {
    pub name: String,
    path: PathBuf,
    dir: PathBuf,
    cwd: PathBuf,
    entries: Mutex<HashMap<(String, Key), usize>>,
}

impl BaselineRun {
    /// `--baseline FILE`: validates its bytes (read by the caller, with the
    /// workspace's bounded reader).
    pub fn compare(bytes: Vec<u8>, path: &Path, name: String, cwd: &Path) -> Result<BaselineRun, String> {
        let text = String::from_utf8(bytes).map_err(|_| format!("baseline `{name}` is not UTF-8 text"))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            format!("baseline `{name}` is not a policy-check baseline ({e}); write one with --write-baseline")
        })?;
        if file.version != FORMAT_VERSION {
            return Err(format!(
                "baseline `{name}` has format version {}, this policy-check reads version {FORMAT_VERSION}; write it again with --write-baseline",
                file.version
            ));
        }
        let mut files: BTreeMap<String, FileEntries> = BTreeMap::new();
        for entry in file.findings {
            // The file is a stranger's as much as a policy is: a count no run
            // could write is refused rather than summed into nonsense.
            if entry.count == 0 || entry.count > MAX_COUNT {
                return Err(format!(
                    "baseline `{name}` counts {} findings for one fingerprint (in `{}`); a count is 1 to {MAX_COUNT}: write it again with --write-baseline",
                    entry.count, entry.file
                ));
            }
            let entries = files.entry(entry.file).or_default();
            let count = entries
                .counts
                .entry((entry.document, entry.rule, entry.path, entry.token))
                .or_default();
            *count = count.saturating_add(entry.count);
            entries.total = entries.total.saturating_add(entry.count);
        }
        Ok(BaselineRun::Compare(Baseline {
            name,
            dir: folder_of(cwd, path),
            cwd: cwd.to_path_buf(),
            files,
        }))
    }

    /// `--write-baseline FILE`: written by [`BaselineRun::finish`].
    pub fn record(path: &Path, name: String, cwd: &Path) -> BaselineRun {
        BaselineRun::Record(Recorder {
            name,
            path: cwd.join(path),
            dir: folder_of(cwd, path),
            cwd: cwd.to_path_buf(),
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// Hides the findings of one file the baseline holds (comparing), or
    /// records them all and hides them (writing); counts them in
    /// `report.baselined`.
    pub fn apply(&self, report: &mut FileReport) {
        match self {
            BaselineRun::Compare(baseline) => baseline.apply(report),
            BaselineRun::Record(recorder) => recorder.apply(report),
        }
    }

    /// After the run: writes the baseline with `write` when recording (the
    /// workspace's atomic writer). Returns the facts the summary reports.
    pub fn finish(&self, write: impl FnOnce(&Path, &[u8]) -> io::Result<()>) -> io::Result<BaselineFacts> {
        match self {
            BaselineRun::Compare(baseline) => Ok(BaselineFacts {
                file: baseline.name.clone(),
                written: false,
                unmatched: baseline.unmatched(),
            }),
            BaselineRun::Record(recorder) => {
                recorder
                    .contents()
                    .and_then(|out| write(&recorder.path, out.as_bytes()))
                    .map_err(|e| {
                        io::Error::new(
                            e.kind(),
                            format!("cannot write baseline `{}`: {e}", recorder.name),
                        )
                    })?;
                Ok(BaselineFacts {
                    file: recorder.name.clone(),
                    written: true,
                    unmatched: 0,
                })
            }
        }
    }
}

/// What the summary says about the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineFacts {
    pub file: String,
    /// `--write-baseline`: the file was (re)written with every finding.
    pub written: bool,
    /// Baseline findings that no longer occur: fixed, or changed so that
    /// they are reported as new.
    pub unmatched: usize,
}

fn folder_of(cwd: &Path, path: &Path) -> PathBuf {
    normalize(&cwd.join(path))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

impl Baseline {
    fn apply(&self, report: &mut FileReport) {
        let file = file_key(&self.dir, &self.cwd, &report.name);
        let Some(entries) = self.files.get(&file) else {
            return;
        };
        let mut remaining = entries.counts.clone();
        let before = report.diagnostics.len();
        let text = &report.text;
        report.diagnostics.retain(|d| {
            if !recordable(d) {
                return true;
            }
            match remaining.get_mut(&key(text, d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        let matched = before - report.diagnostics.len();
        report.baselined += matched;
        entries.seen.store(true, Ordering::Relaxed);
        entries
            .unmatched
            .store(entries.total.saturating_sub(matched), Ordering::Relaxed);
    }

    /// Baseline findings not matched in this run: in files the run linted,
    /// and every finding of a file that no longer exists (a file that exists
    /// but was not linted this time is not judged).
    fn unmatched(&self) -> usize {
        self.files
            .iter()
            .map(|(file, entries)| {
                if entries.seen.load(Ordering::Relaxed) {
                    entries.unmatched.load(Ordering::Relaxed)
                } else if !self.dir.join(file).exists() {
                    entries.total
                } else {
                    0
                }
            })
            .fold(0, usize::saturating_add)
    }
}

impl Recorder {
    fn apply(&self, report: &mut FileReport) {
        let file = file_key(&self.dir, &self.cwd, &report.name);
        let text = &report.text;
        let mut recorded = Vec::new();
        report.diagnostics.retain(|d| {
            if !recordable(d) {
                return true;
            }
            recorded.push((file.clone(), key(text, d)));
            false
        });
        report.baselined += recorded.len();
        if recorded.is_empty() {
            return;
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for fingerprint in recorded {
            *entries.entry(fingerprint).or_default() += 1;
        }
    }

    /// The baseline's text: sorted, one finding a line.
    fn contents(&self) -> io::Result<String> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut findings: Vec<Entry> = entries
            .iter()
            .map(|((file, (document, rule, path, token)), count)| Entry {
                file: file.clone(),
                document: document.clone(),
                rule: rule.clone(),
                path: path.clone(),
                token: token.clone(),
                count: *count,
            })
            .collect();
        findings.sort();
        let mut out = format!("{{\n  \"policy-check-baseline\": {FORMAT_VERSION},\n  \"findings\": [");
        for (i, entry) in findings.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(entry).map_err(io::Error::other)?);
        }
        out.push_str(if findings.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;

    #[test]
    fn fingerprints_ignore_indices_and_white_space() {
        assert_eq!(
            path::index_free("$['Statement'][12]['Action'][0]"),
            "$['Statement'][*]['Action'][*]"
        );
        assert_eq!(path::index_free("$['a[0]']"), "$['a[0]']");
        assert_eq!(token("\"ens:Create*\""), "\"ens:Create*\"");
        assert_eq!(token("{ \"a\":\n   1 }"), "{ \"a\": 1 }");
        let long = "x".repeat(200);
        assert_eq!(token(&long), token(&long));
        assert!(token(&long).starts_with("fnv1a64:"));
        assert_ne!(token(&long), token(&"y".repeat(200)));
        let mut d = Diagnostic::new(Rule::RedundantAction, Span::new(1, 4), "m");
        d.path = Some("$['Statement'][3]".into());
        assert_eq!(
            key("[\"a\"]", &d),
            (
                None,
                "redundant-action".into(),
                Some("$['Statement'][*]".into()),
                "\"a\"".into()
            )
        );
    }

    #[test]
    fn files_are_keyed_relative_to_the_baseline() {
        let dir = Path::new("/repo");
        assert_eq!(
            file_key(dir, Path::new("/repo/sub"), "./p/a.json"),
            "sub/p/a.json"
        );
        assert_eq!(file_key(dir, Path::new("/elsewhere"), "a.json"), "a.json");
    }
}
