//! Core: how a path is shown in findings and messages.

use std::path::Path;

/// The name a file is shown under: its path as given, with `/` separators,
/// and bytes that are not UTF-8 written `\xff`, so two names that differ
/// only there stay apart.
pub fn display_name(path: &Path) -> String {
    // Nearly every name is UTF-8: one copy, no escaping pass.
    if let Some(name) = path.to_str() {
        return name.strip_prefix("./").unwrap_or(name).to_owned();
    }
    let name = lossless(path);
    name.strip_prefix("./").unwrap_or(&name).to_string()
}

#[cfg(unix)]
fn lossless(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

#[cfg(not(unix))]
fn lossless(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
