//! Turns command-line paths into the ordered list of inputs to lint:
//! directories are walked for `*.json`, `*.tf`, `*.yaml` and `*.yml`, hidden
//! directories (`.git/`, `.terraform/`) are skipped, what `.gitignore`,
//! `.ignore` and `.git/info/exclude` ignore is left out (as ripgrep and ruff
//! do; `--no-ignore` turns that off), and named files are always linted.
//!
//! File-system policy (as ruff and ripgrep users expect): paths named on the
//! command line are followed wherever they point. While walking, a symlink
//! to a file is linted under the link's name, a symlink to a directory is not
//! descended into (it usually leads out of the tree, and it is how loops are
//! made), a hidden folder or a folder link left out is still counted and
//! listed ([`Discovery::left_out`]: a module there is never dropped without
//! a word), and a `*.json` entry that cannot be linted (a broken or looping
//! symlink, a FIFO, a socket, a device) is kept as an input so reading it
//! reports an `io-error` instead of dropping it silently. A directory named
//! `*.json` is walked like any directory.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::core::Origin;

// Inputs are shown by the name the walk gives them.
pub(crate) use crate::core::display::display_name;

/// One thing to read: a file (named or found by walking) or standard input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Input {
    Stdin,
    File {
        path: PathBuf,
        origin: Origin,
        /// The directory listing showed a regular file (walked, not a link),
        /// so it can be opened without asking the file system first.
        listed_as_file: bool,
    },
}

/// A path that could not be walked, with the reason.
#[derive(Debug, Clone)]
pub(crate) struct WalkError {
    pub name: String,
    pub message: String,
}

/// A walked file or folder that is left out, with the reason: what an
/// ignore file leaves out (for `--show-files`), or a hidden folder or a
/// folder link the walk does not enter (always, so the summary counts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ignored {
    pub name: String,
    pub reason: String,
    /// A folder the walk itself leaves out (hidden, or a link), counted in
    /// the summary; `false` for what an ignore file leaves out.
    pub left_out: bool,
}

/// How directories are walked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WalkOptions {
    /// Leave out what `.gitignore`, `.ignore`, `.git/info/exclude` and the
    /// global git ignore file ignore (off with `--no-ignore`).
    pub respect_ignore_files: bool,
    /// Also list what they left out, and why (`--show-files`). Costs a
    /// second walk, so only when asked.
    pub list_ignored: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_ignore_files: true,
            list_ignored: false,
        }
    }
}

/// What a walk found: the inputs sorted by display name without duplicates,
/// each with that name (empty for standard input, which the caller names),
/// the paths that could not be walked, the folders the walk left out, and
/// (when asked) what ignore files left out.
#[derive(Debug, Default)]
pub(crate) struct Discovery {
    pub inputs: Vec<(String, Input)>,
    pub errors: Vec<WalkError>,
    pub ignored: Vec<Ignored>,
}

/// Expands `paths` into inputs sorted by display name, without duplicates,
/// respecting ignore files.
pub(crate) fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<WalkError>) {
    let found = discover_with(paths, WalkOptions::default(), &|| None);
    let inputs = found.inputs.into_iter().map(|(_, input)| input).collect();
    (inputs, found.errors)
}

/// [`discover`] with the walk's options. A walked root's folders are walked
/// side by side on the threads `pool` starts, when it starts several; it is
/// asked only when a folder is walked.
pub(crate) fn discover_with<'p>(
    paths: &[PathBuf],
    options: WalkOptions,
    pool: &dyn Fn() -> Option<&'p rayon::ThreadPool>,
) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push((String::new(), Input::Stdin));
        } else if path.is_dir() {
            walk(path, options, pool, &mut found);
        } else {
            let input = Input::File {
                path: path.clone(),
                origin: Origin::Named,
                listed_as_file: false,
            };
            found.inputs.push((display_name(path), input));
        }
    }
    let Discovery {
        inputs,
        errors,
        ignored,
    } = &mut found;
    // Shown name first (output order), then the path's own components, so
    // two names that look alike still sort the same way whatever the order
    // they were found in.
    // Unstable: it needs no buffer as large as the list (megabytes on a large
    // tree), and inputs it calls equal are one file, which dedup keeps once.
    inputs.sort_unstable_by(|(a_name, a), (b_name, b)| a_name.cmp(b_name).then_with(|| order(a, b)));
    // By the path itself, not its shown name: `x.json` named and `./x.json`
    // walked are one file, and the named one (sorted first) is kept because
    // named files are always linted; `a\xff.json` and `a\u{fffd}.json` are two.
    inputs.dedup_by(|(_, a), (_, b)| match (a, b) {
        // Different last names settle it without walking both paths.
        (Input::File { path: a, .. }, Input::File { path: b, .. }) => {
            a.file_name() == b.file_name() && dotless(a).eq(dotless(b))
        }
        (Input::Stdin, Input::Stdin) => true,
        _ => false,
    });
    errors.sort_by(|a, b| a.name.cmp(&b.name));
    // A folder given twice is walked twice; an ignored entry is listed once.
    ignored.sort_by(|a, b| a.name.cmp(&b.name));
    ignored.dedup();
    found
}

/// The path's components without `.`, for telling inputs apart.
fn dotless(path: &Path) -> impl Iterator<Item = Component<'_>> {
    path.components().filter(|c| *c != Component::CurDir)
}

/// Two inputs of the same shown name: by their paths' components, then
/// named before walked.
fn order(a: &Input, b: &Input) -> std::cmp::Ordering {
    match (a, b) {
        (
            Input::File {
                path: a,
                origin: a_origin,
                ..
            },
            Input::File {
                path: b,
                origin: b_origin,
                ..
            },
        ) => dotless(a).cmp(dotless(b)).then(a_origin.cmp(b_origin)),
        _ => a.cmp(b),
    }
}

/// The most folders per worker thread a root may have to be walked folder
/// by folder. Each folder walked as a root of its own costs about 15 system
/// calls more (the ignore files of every folder above it, and its real path,
/// are looked up again), which a root of many small folders does not win
/// back (measured: 300 folders of 3 files, 4% slower); such a root is walked
/// in one go.
const FOLDERS_PER_THREAD: usize = 4;

fn walk<'p>(
    root: &Path,
    options: WalkOptions,
    pool: &dyn Fn() -> Option<&'p rayon::ThreadPool>,
    found: &mut Discovery,
) {
    let walker = Walker::new(root, options);
    // Every path the walk saw, so a second walk can tell what it left out.
    let mut seen = HashSet::new();
    let few_folders = |pool: &&rayon::ThreadPool| {
        pool.current_num_threads() > 1
            && folders_at_most(root, pool.current_num_threads() * FOLDERS_PER_THREAD)
    };
    match pool().filter(few_folders) {
        None => {
            walker.collect(root, false, found, &mut seen);
        }
        Some(pool) => {
            // The root's own entries first; then each of its folders, walked
            // as a root of its own on the pool's threads. Ignore files above
            // a folder still apply, as they do for `rg pattern folder/`.
            let folders = walker.collect(root, true, found, &mut seen);
            let parts: Vec<(Discovery, HashSet<PathBuf>)> = pool.install(|| {
                use rayon::prelude::*;
                folders
                    .par_iter()
                    .map(|folder| {
                        let mut part = Discovery::default();
                        let mut part_seen = HashSet::new();
                        walker.collect(folder, false, &mut part, &mut part_seen);
                        (part, part_seen)
                    })
                    .collect()
            });
            found
                .inputs
                .reserve_exact(parts.iter().map(|(part, _)| part.inputs.len()).sum());
            for (part, part_seen) in parts {
                found.inputs.extend(part.inputs);
                found.errors.extend(part.errors);
                found.ignored.extend(part.ignored);
                seen.extend(part_seen);
            }
        }
    }
    let hidden = walker
        .hidden
        .lock()
        .map(|mut h| std::mem::take(&mut *h))
        .unwrap_or_default();
    for folder in hidden {
        found.ignored.push(left_out(
            &folder,
            "a hidden folder, not walked; name it to lint it",
        ));
    }
    if options.list_ignored && options.respect_ignore_files {
        list_ignored(root, &seen, &mut found.ignored);
    }
}

/// Whether `root` holds at most `most` folders (one listing, before any
/// ignore file is read: a cost estimate, not a walk).
fn folders_at_most(root: &Path, most: usize) -> bool {
    let Ok(entries) = fs::read_dir(root) else {
        return false;
    };
    entries
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        })
        .nth(most)
        .is_none()
}

/// One walked root's rules, shared by the walks of its folders.
struct Walker<'r> {
    root: &'r Path,
    options: WalkOptions,
    /// A link that leads out of the tree being linted is not followed: a
    /// pull request could otherwise link `policies/x.json` to a credentials
    /// file and have its lines echoed in the snippets.
    canonical_root: Option<PathBuf>,
    /// Hidden folders the walk leaves out, to be counted.
    hidden: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>>,
}

impl<'r> Walker<'r> {
    fn new(root: &'r Path, options: WalkOptions) -> Self {
        Walker {
            root,
            options,
            canonical_root: fs::canonicalize(root).ok(),
            hidden: std::sync::Arc::default(),
        }
    }

    /// Walks `start` (the root or one of its folders) into `found`; with
    /// `list_only`, the entries of `start` alone, returning its folders.
    fn collect(
        &self,
        start: &Path,
        list_only: bool,
        found: &mut Discovery,
        seen: &mut HashSet<PathBuf>,
    ) -> Vec<PathBuf> {
        let seen_hidden = std::sync::Arc::clone(&self.hidden);
        let mut builder = WalkBuilder::new(start);
        builder
            .standard_filters(self.options.respect_ignore_files)
            // Hidden files are linted; hidden folders are skipped below.
            .hidden(false)
            // As ruff: a `.gitignore` counts outside a git repository too (an
            // unpacked archive, a folder before `git init`).
            .require_git(false)
            .follow_links(false)
            .max_depth(list_only.then_some(1))
            .filter_entry(move |entry| {
                let skip = entry.depth() > 0 && is_hidden_dir(entry);
                if skip && !is_vcs_dir(entry.file_name()) {
                    if let Ok(mut hidden) = seen_hidden.lock() {
                        hidden.push(entry.path().to_path_buf());
                    }
                }
                !skip
            });
        let mut folders = Vec::new();
        for entry in builder.build() {
            match entry {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        continue;
                    };
                    if self.options.list_ignored {
                        seen.insert(entry.path().to_path_buf());
                    }
                    if list_only && entry.depth() == 1 && file_type.is_dir() {
                        folders.push(entry.into_path());
                        continue;
                    }
                    self.entry(entry, file_type, found);
                }
                // A line of an ignore file that is not a valid glob: git skips
                // it, and so does the walk (it can only make more files linted).
                Err(error) if is_ignore_file_error(&error) => {}
                Err(error) => found.errors.push(WalkError {
                    name: error_path(&error).map_or_else(|| display_name(self.root), display_name),
                    message: error.to_string(),
                }),
            }
        }
        folders
    }

    /// One entry the walk kept: an input, a folder link left out, a link
    /// that leads out of the root, or nothing to lint.
    fn entry(&self, entry: ignore::DirEntry, file_type: fs::FileType, found: &mut Discovery) {
        if entry.depth() > 0 && file_type.is_symlink() && fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
        {
            found.ignored.push(left_out(
                entry.path(),
                "a symbolic link to a folder, not followed while walking; name the folder to lint it",
            ));
            return;
        }
        // `.json`, `.tf`, `.yaml`, `.yml`: the kinds of `crate::host`.
        if !crate::host::is_walked_name(entry.path()) || !is_lintable(entry.path(), file_type) {
            return;
        }
        if file_type.is_symlink() && leaves(entry.path(), self.canonical_root.as_deref()) {
            found.errors.push(WalkError {
                name: display_name(entry.path()),
                message: format!(
                    "`{}` is a symbolic link that leads outside `{}`; it was not followed",
                    display_name(entry.path()),
                    display_name(self.root)
                ),
            });
            return;
        }
        let name = display_name(entry.path());
        let input = Input::File {
            listed_as_file: file_type.is_file(),
            path: entry.into_path(),
            origin: Origin::Walked,
        };
        found.inputs.push((name, input));
    }
}

/// A folder the walk leaves out by itself, listed as `name/`.
fn left_out(path: &Path, reason: &str) -> Ignored {
    Ignored {
        name: format!("{}/", display_name(path)),
        reason: reason.to_string(),
        left_out: true,
    }
}

/// A version-control folder (`.git/`, ...): hidden and left out like any
/// hidden folder, but never worth a word, as it holds no IaC.
fn is_vcs_dir(name: &std::ffi::OsStr) -> bool {
    [".git", ".hg", ".svn", ".jj"].iter().any(|vcs| name == *vcs)
}

/// Walks `root` again without ignore files and lists the topmost entries
/// the first walk did not see: an ignored folder once, not every file in it
/// (`node_modules/` can hold thousands), and only files the walk would lint.
fn list_ignored(root: &Path, seen: &HashSet<PathBuf>, ignored: &mut Vec<Ignored>) {
    let mut entries = walkdir::WalkDir::new(root).into_iter();
    while let Some(Ok(entry)) = entries.next() {
        let is_dir = entry.file_type().is_dir();
        if entry.depth() > 0 && is_dir && is_hidden(entry.file_name()) {
            entries.skip_current_dir();
            continue;
        }
        if seen.contains(entry.path()) {
            continue;
        }
        if is_dir || crate::host::is_walked_name(entry.path()) {
            let mut name = display_name(entry.path());
            if is_dir {
                name.push('/');
            }
            ignored.push(Ignored {
                name,
                reason: why_ignored(entry.path(), is_dir),
                left_out: false,
            });
        }
        if is_dir {
            entries.skip_current_dir();
        }
    }
}

/// Which ignore file leaves `path` out, and by which pattern: the nearest
/// folder's files first, `.ignore` before `.gitignore` before
/// `.git/info/exclude`, as the walk ranks them.
fn why_ignored(path: &Path, is_dir: bool) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let cwd = std::env::current_dir().unwrap_or_default();
    for folder in absolute.ancestors().skip(1) {
        let candidates = [
            folder.join(".ignore"),
            folder.join(".gitignore"),
            folder.join(".git").join("info").join("exclude"),
        ];
        for file in candidates.iter().filter(|f| f.is_file()) {
            let mut builder = ignore::gitignore::GitignoreBuilder::new(folder);
            // A bad line is skipped, as by the walk.
            let _ = builder.add(file);
            let Ok(matcher) = builder.build() else {
                continue;
            };
            match matcher.matched_path_or_any_parents(&absolute, is_dir) {
                ignore::Match::Ignore(glob) => {
                    let shown = file.strip_prefix(&cwd).unwrap_or(file);
                    return format!(
                        "by `{}` in {}; --no-ignore lints it",
                        glob.original(),
                        display_name(shown)
                    );
                }
                // Re-included here: what ignores it is elsewhere.
                ignore::Match::Whitelist(_) | ignore::Match::None => {}
            }
        }
    }
    "by the global git ignore file (core.excludesFile); --no-ignore lints it".to_string()
}

/// Whether a walk error comes from reading an ignore file (a bad glob)
/// rather than from the tree itself.
fn is_ignore_file_error(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Glob { .. } => true,
        ignore::Error::Partial(errors) => errors.iter().all(is_ignore_file_error),
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithDepth { err, .. } => {
            is_ignore_file_error(err)
        }
        // An unreadable ignore file is named by its path; the walk goes on.
        ignore::Error::WithPath { path, err } => {
            path.file_name()
                .is_some_and(|n| n == ".gitignore" || n == ".ignore" || n == "exclude")
                || is_ignore_file_error(err)
        }
        _ => false,
    }
}

/// The path a walk error is about, if it names one.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Partial(errors) => errors.first().and_then(error_path),
        _ => None,
    }
}

fn is_hidden_dir(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir()) && is_hidden(entry.file_name())
}

/// Whether a walked link's target lies outside the walked root. A broken or
/// looping link has no target and is kept, to be reported when read.
fn leaves(path: &Path, root: Option<&Path>) -> bool {
    match (fs::canonicalize(path), root) {
        (Ok(target), Some(root)) => !target.starts_with(root),
        (Ok(_), None) => true,
        (Err(_), _) => false,
    }
}

/// Whether a walked `*.json` entry becomes an input: anything but a
/// directory, or a symlink to one (those are not followed, see the module docs).
fn is_lintable(path: &Path, file_type: fs::FileType) -> bool {
    if file_type.is_symlink() {
        // A broken or looping link fails `metadata` and is kept, to be reported.
        return !fs::metadata(path).is_ok_and(|m| m.is_dir());
    }
    !file_type.is_dir()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.starts_with('.') && name != "." && name != "..")
}
