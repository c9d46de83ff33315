//! Turns command-line paths into the ordered list of inputs to lint:
//! directories are walked for `*.json`, hidden directories are skipped, and
//! named files are always linted.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::lint::Origin;

/// One thing to read: a file (named or found by walking) or standard input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    Stdin,
    File { path: PathBuf, origin: Origin },
}

/// A path that could not be walked, with the reason.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub name: String,
    pub message: String,
}

/// Expands `paths` into inputs sorted by display name, without duplicates.
pub fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<WalkError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, &mut inputs, &mut errors);
        } else {
            inputs.push(Input::File {
                path: path.clone(),
                origin: Origin::Named,
            });
        }
    }
    inputs.sort_by_key(|input| match input {
        Input::Stdin => (String::new(), Origin::Named),
        Input::File { path, origin } => (display_name(path), *origin),
    });
    inputs.dedup_by(|a, b| match (a, b) {
        (Input::File { path: a, .. }, Input::File { path: b, .. }) => a == b,
        (Input::Stdin, Input::Stdin) => true,
        _ => false,
    });
    errors.sort_by(|a, b| a.name.cmp(&b.name));
    (inputs, errors)
}

fn walk(root: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<WalkError>) {
    let entries = WalkDir::new(root).into_iter().filter_entry(|entry| {
        entry.depth() == 0 || !(entry.file_type().is_dir() && is_hidden(entry.file_name()))
    });
    for entry in entries {
        match entry {
            Ok(entry) => {
                let is_json = entry
                    .path()
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
                if is_json && entry.file_type().is_file() {
                    inputs.push(Input::File {
                        path: entry.into_path(),
                        origin: Origin::Walked,
                    });
                }
            }
            Err(error) => errors.push(WalkError {
                name: error.path().map_or_else(|| display_name(root), display_name),
                message: error.to_string(),
            }),
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.starts_with('.') && name != "." && name != "..")
}

/// The name a file is shown under: its path as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let name = path.to_string_lossy();
    name.strip_prefix("./").unwrap_or(&name).to_string()
}

/// Reads a file that is expected to be a regular file; anything else (a FIFO,
/// a device) is refused without being opened, so it cannot block the run.
pub fn read_regular_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!("`{}` is not a regular file", path.display()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}
