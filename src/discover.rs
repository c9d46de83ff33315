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
use std::fs::{self, File};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::core::Origin;

/// One thing to read: a file (named or found by walking) or standard input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
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
pub struct WalkError {
    pub name: String,
    pub message: String,
}

/// A walked file or folder that is left out, with the reason: what an
/// ignore file leaves out (for `--show-files`), or a hidden folder or a
/// folder link the walk does not enter (always, so the summary counts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub name: String,
    pub reason: String,
    /// A folder the walk itself leaves out (hidden, or a link), counted in
    /// the summary; `false` for what an ignore file leaves out.
    pub left_out: bool,
}

/// How directories are walked.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions {
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
/// the paths that could not be walked, the folders the walk left out, and
/// (when asked) what ignore files left out.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub errors: Vec<WalkError>,
    pub ignored: Vec<Ignored>,
}

/// Expands `paths` into inputs sorted by display name, without duplicates,
/// respecting ignore files.
pub fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<WalkError>) {
    let found = discover_with(paths, WalkOptions::default());
    (found.inputs, found.errors)
}

/// [`discover`] with the walk's options.
pub fn discover_with(paths: &[PathBuf], options: WalkOptions) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, options, &mut found);
        } else {
            found.inputs.push(Input::File {
                path: path.clone(),
                origin: Origin::Named,
                listed_as_file: false,
            });
        }
    }
    let Discovery {
        inputs,
        errors,
        ignored,
    } = &mut found;
    // Shown name first (output order), then the path's own components, so
    // two names that look alike still sort the same way whatever the order
    // they were found in. The name is made once per input.
    let mut named: Vec<(String, Input)> = std::mem::take(inputs)
        .into_iter()
        .map(|input| match &input {
            Input::Stdin => (String::new(), input),
            Input::File { path, .. } => (display_name(path), input),
        })
        .collect();
    named.sort_by(|(a_name, a), (b_name, b)| a_name.cmp(b_name).then_with(|| order(a, b)));
    // By the path itself, not its shown name: `x.json` named and `./x.json`
    // walked are one file, and the named one (sorted first) is kept because
    // named files are always linted; `a\xff.json` and `a\u{fffd}.json` are two.
    named.dedup_by(|(_, a), (_, b)| match (a, b) {
        (Input::File { path: a, .. }, Input::File { path: b, .. }) => dotless(a).eq(dotless(b)),
        (Input::Stdin, Input::Stdin) => true,
        _ => false,
    });
    *inputs = named.into_iter().map(|(_, input)| input).collect();
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

fn walk(root: &Path, options: WalkOptions, found: &mut Discovery) {
    // A link that leads out of the tree being linted is not followed: a pull
    // request could otherwise link `policies/x.json` to a credentials file
    // and have its lines echoed in the snippets.
    let canonical_root = fs::canonicalize(root).ok();
    let mut builder = WalkBuilder::new(root);
    // Hidden folders the filter below leaves out, to be counted.
    let hidden = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen_hidden = std::sync::Arc::clone(&hidden);
    builder
        .standard_filters(options.respect_ignore_files)
        // Hidden files are linted; hidden folders are skipped below.
        .hidden(false)
        // As ruff: a `.gitignore` counts outside a git repository too (an
        // unpacked archive, a folder before `git init`).
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let skip = entry.depth() > 0 && is_hidden_dir(entry);
            if skip && !is_vcs_dir(entry.file_name()) {
                if let Ok(mut hidden) = seen_hidden.lock() {
                    hidden.push(entry.path().to_path_buf());
                }
            }
            !skip
        });
    // Every path the walk saw, so a second walk can tell what it left out.
    let mut seen = HashSet::new();
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                let Some(file_type) = entry.file_type() else {
                    continue;
                };
                if options.list_ignored {
                    seen.insert(entry.path().to_path_buf());
                }
                if entry.depth() > 0
                    && file_type.is_symlink()
                    && fs::metadata(entry.path()).is_ok_and(|m| m.is_dir())
                {
                    found.ignored.push(left_out(
                        entry.path(),
                        "a symbolic link to a folder, not followed while walking; name the folder to lint it",
                    ));
                    continue;
                }
                // `.json`, `.tf`, `.yaml`, `.yml`: the kinds of `crate::host`.
                if !crate::host::is_walked_name(entry.path()) || !is_lintable(entry.path(), file_type) {
                    continue;
                }
                if file_type.is_symlink() && leaves(entry.path(), canonical_root.as_deref()) {
                    found.errors.push(WalkError {
                        name: display_name(entry.path()),
                        message: format!(
                            "`{}` is a symbolic link that leads outside `{}`; it was not followed",
                            display_name(entry.path()),
                            display_name(root)
                        ),
                    });
                    continue;
                }
                found.inputs.push(Input::File {
                    listed_as_file: file_type.is_file(),
                    path: entry.into_path(),
                    origin: Origin::Walked,
                });
            }
            // A line of an ignore file that is not a valid glob: git skips
            // it, and so does the walk (it can only make more files linted).
            Err(error) if is_ignore_file_error(&error) => {}
            Err(error) => found.errors.push(WalkError {
                name: error_path(&error).map_or_else(|| display_name(root), display_name),
                message: error.to_string(),
            }),
        }
    }
    let hidden = hidden
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

pub use crate::core::display::display_name;

/// Files larger than this are reported instead of read: twenty times the
/// largest template body ROS's CreateStack accepts (524,288 bytes), and over
/// 1,700 times RAM's 6,144-character policy limit.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

/// Reads a file that is expected to be a regular file of at most `max_size`
/// bytes. Anything else (a FIFO, a device) is refused without being opened, so
/// it cannot block the run, and a file over the limit is refused without being
/// read, even if it grows after it was measured.
pub fn read_regular_file(path: &Path, max_size: u64, listed_as_file: bool) -> Result<Vec<u8>, String> {
    read_bounded(path, max_size, listed_as_file).map_err(|e| e.message(&display_name(path), max_size))
}

/// The Terraform module a `.tf` file at `path` belongs to (its folder's
/// `.tf` files, read through the one bounded reader): the folder, and the
/// module when `path` is a `.tf` file.
pub fn terraform_module(path: &Path, max_size: u64) -> Option<(PathBuf, crate::host::terraform::Module)> {
    if crate::core::Syntax::of(&path.to_string_lossy()) != Some(crate::core::Syntax::Hcl) {
        return None;
    }
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let module =
        crate::host::terraform::Module::read(&folder, |file| read_bounded(file, max_size, true).ok());
    Some((folder, module))
}

/// Why [`read_bounded`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// Not a regular file (the kind, such as "a FIFO"); `opened` when the
    /// handle, not the path, showed it.
    NotRegular {
        kind: &'static str,
        opened: bool,
    },
    TooLarge,
}

impl ReadError {
    /// The message for a linted input named `name`.
    pub fn message(&self, name: &str, max_size: u64) -> String {
        match self {
            ReadError::Io(e) => format!("cannot read `{name}`: {e}"),
            ReadError::NotRegular { kind, opened } => format!(
                "`{name}` is not a regular file ({kind}); it was not {}",
                if *opened { "read" } else { "opened" }
            ),
            ReadError::TooLarge => too_large(name, max_size),
        }
    }
}

/// The one reader every file policy-check reads goes through (inputs,
/// `file()` targets, configurations, baselines, test and request files, the
/// language server's look at a configuration): regular files only, opened
/// without blocking, never more than `max_size` bytes read.
pub fn read_bounded(path: &Path, max_size: u64, listed_as_file: bool) -> Result<Vec<u8>, ReadError> {
    // A path of unknown type is asked about first, so a FIFO or device is
    // never opened; a listed regular file is opened straight away and checked
    // through the handle, which saves a path lookup per file on large trees.
    if !listed_as_file {
        let metadata = fs::metadata(path).map_err(ReadError::Io)?;
        if !metadata.is_file() {
            let kind = kind(&metadata.file_type());
            return Err(ReadError::NotRegular { kind, opened: false });
        }
    }
    // The path may have been replaced since it was listed or asked about:
    // open without blocking (a FIFO would wait for a writer) and check what
    // the handle is before reading from it.
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        let kind = kind(&metadata.file_type());
        return Err(ReadError::NotRegular { kind, opened: true });
    }
    if metadata.len() > max_size {
        return Err(ReadError::TooLarge);
    }
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    read_limited(file, max_size, capacity)
        .map_err(ReadError::Io)?
        .ok_or(ReadError::TooLarge)
}

/// Opens `path` for reading; on Unix with `O_NONBLOCK`, which a regular file
/// ignores and which keeps a FIFO or device from blocking the open.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Reads at most `max_size` bytes; `None` when there was more.
pub fn read_limited(reader: impl Read, max_size: u64, capacity: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::with_capacity(capacity);
    reader.take(max_size.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max_size).then_some(bytes))
}

/// The message for input over `--max-file-size`, naming the limit.
pub fn too_large(name: &str, max_size: u64) -> String {
    format!(
        "`{name}` is larger than the {} limit and was not linted; raise it with --max-file-size",
        format_size(max_size)
    )
}

fn kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

const UNITS: [(&str, u64); 4] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)];

/// `10 MiB`, `1536 B`: the largest binary unit that divides the size exactly.
pub fn format_size(size: u64) -> String {
    let (unit, factor) = UNITS
        .iter()
        .find(|(_, factor)| size.is_multiple_of(*factor) && size >= *factor)
        .copied()
        .unwrap_or(("B", 1));
    format!("{} {unit}", size / factor)
}

/// Parses `--max-file-size`: a byte count with an optional unit, as people
/// write them: binary `K`/`KiB`, `M`/`MiB`, `G`/`GiB` and decimal `KB`, `MB`,
/// `GB` (case-insensitive), with a fraction allowed (`1.5M`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let invalid = || format!("`{text}` is not a size such as 10MiB, 512K, 1.5MB or 1048576");
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || (number.contains('.') && fraction.is_empty()) {
        return Err(invalid());
    }
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use KiB, MiB, GiB, KB, MB or GB)"
            ))
        }
    };
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    // The fraction in exact integer arithmetic: digits / 10^len of the factor.
    let mut fraction_bytes: u64 = 0;
    if !fraction.is_empty() {
        let digits: u64 = fraction
            .get(..fraction.len().min(9))
            .unwrap_or("0")
            .parse()
            .map_err(|_| invalid())?;
        let scale = 10u64.pow(fraction.len().min(9) as u32);
        fraction_bytes = digits.saturating_mul(factor) / scale;
    }
    whole
        .checked_mul(factor)
        .and_then(|bytes| bytes.checked_add(fraction_bytes))
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walked file that became a FIFO after the listing (the walker said
    /// "regular file") is refused, not waited on: opening a FIFO for reading
    /// blocks until a writer comes, which here never does.
    #[cfg(unix)]
    #[test]
    fn a_file_replaced_by_a_fifo_after_the_listing_does_not_block() {
        let dir = std::env::temp_dir().join(format!("policy-check-fifo-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        let fifo = dir.join("p.json");
        let c_path = std::ffi::CString::new(fifo.to_str().expect("UTF-8 path")).expect("no NUL");
        // SAFETY: `c_path` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
        let (send, receive) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = send.send(read_regular_file(&path, 1 << 20, true));
        });
        // Generous: the read returns at once; only a blocked open comes near it.
        let result = receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("reading a FIFO listed as a file blocked");
        let message = result.expect_err("a FIFO is not read");
        assert!(message.contains("is not a regular file"), "{message}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn sizes_parse_with_binary_units_and_print_back() {
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1 G"), Ok(1 << 30));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("10MB"), Ok(10_000_000), "decimal units");
        assert_eq!(parse_size("1.5M"), Ok(3 << 19), "fractions");
        assert_eq!(parse_size("2.5KB"), Ok(2_500));
        assert!(parse_size("1.").is_err());
        assert!(parse_size(".5M").is_err());
        assert!(parse_size("1.2.3M").is_err());
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999G").is_err());
        assert_eq!(format_size(DEFAULT_MAX_FILE_SIZE), "10 MiB");
        assert_eq!(format_size(1536), "1536 B");
        assert_eq!(format_size(0), "0 B");
    }

    /// A file removed between the walk and the read is reported, not skipped.
    #[test]
    fn a_file_that_vanishes_after_the_walk_is_an_error() {
        let dir = std::env::temp_dir().join(format!("policy-check-vanish-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("gone.json");
        fs::write(&file, "{}").expect("write");
        let (inputs, errors) = discover(std::slice::from_ref(&dir));
        assert!(errors.is_empty());
        assert_eq!(inputs.len(), 1);
        fs::remove_dir_all(&dir).expect("cleanup");
        let Input::File {
            path, listed_as_file, ..
        } = &inputs[0]
        else {
            panic!("expected a file input, got {inputs:?}");
        };
        assert!(listed_as_file, "the listing showed a regular file");
        let message = read_regular_file(path, 1 << 20, *listed_as_file).expect_err("the file is gone");
        assert!(message.contains("No such file"), "{message}");
    }

    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'x');
        assert_eq!(read_limited(endless, 8, 0).expect("in memory"), None);
        let exact = &b"12345678"[..];
        assert_eq!(
            read_limited(exact, 8, 0).expect("in memory").as_deref(),
            Some(exact)
        );
    }
}
