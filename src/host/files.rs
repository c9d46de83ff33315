//! `file("x.json")` in a Terraform attribute: where the named file is, and
//! whether it may be read. The referenced file is linted on its own, under
//! its own name, with spans into its own bytes; the host only says where it
//! is. Paths are resolved against the `.tf` file's folder (`path.module`),
//! and never lead out of the tree being linted (the walked folder, or the
//! folder of a file named on the command line).

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::core::Origin;

/// A policy a host names by path instead of holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReference {
    /// Where the reference sits in its host
    /// (`alicloud_ram_policy.images.policy_document`).
    pub location: String,
    /// The path as written, relative to the host's folder (`${path.module}`
    /// already replaced by `.`).
    pub path: String,
}

/// What a reference resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Inside the tree: the path to read, relative as the host's path was
    /// given, so it is shown the way the user would write it.
    File(PathBuf),
    /// Outside the tree (or unusable, such as an empty path): not read, and
    /// counted as an unknown value of the host.
    NotFollowed,
    /// Inside the tree by name, but a symbolic link leads out of it (see
    /// [`links_inside`]): not read, and reported under this name with the
    /// message, as a walk reports such a link.
    Refused(PathBuf, String),
}

/// Resolves `reference`, written in the host at `host`, within `root`, by
/// name alone. `cwd` anchors relative paths. Before reading a file it
/// returns, call [`links_inside`]: the file system is asked only about
/// files that will be read, not about every reference.
pub fn resolve(host: &Path, root: &Path, reference: &str, cwd: &Path) -> Resolved {
    if reference.is_empty() {
        return Resolved::NotFollowed;
    }
    let folder = host.parent().unwrap_or(Path::new(""));
    let target = lexical(&folder.join(reference));
    let absolute = |p: &Path| lexical(&cwd.join(p));
    if !absolute(&target).starts_with(absolute(root)) {
        return Resolved::NotFollowed;
    }
    Resolved::File(target)
}

/// A folder as messages name it: the current one is `.`, not an empty name.
fn folder_name(root: &Path) -> String {
    match crate::core::display::display_name(root) {
        name if name.is_empty() => ".".to_string(),
        name => name,
    }
}

/// A resolved `target` as it may be read: itself, or [`Resolved::Refused`]
/// when a symbolic link on its way leads out of `root`. A missing file is
/// kept, so that reading it reports it.
pub fn links_inside(target: PathBuf, host: &Path, root: &Path, cwd: &Path) -> Resolved {
    let real_root = fs::canonicalize(lexical(&cwd.join(root)));
    if let (Ok(real), Ok(real_root)) = (fs::canonicalize(&target), real_root) {
        if !real.starts_with(&real_root) {
            let message = format!(
                "`{}` (named by `file()` in `{}`) is a symbolic link that leads outside `{}`; it was not followed",
                crate::core::display::display_name(&target),
                crate::core::display::display_name(host),
                folder_name(root)
            );
            return Resolved::Refused(target, message);
        }
    }
    Resolved::File(target)
}

/// The tree `file()` may read in for the input at `path`: the folder among
/// `roots` (the paths given) it was walked from, or the folder of a file
/// named on the command line.
pub fn root_of(roots: &[PathBuf], path: &Path, origin: Origin) -> PathBuf {
    let walked_from = (origin == Origin::Walked)
        .then(|| {
            roots
                .iter()
                .filter(|root| path.starts_with(root))
                .max_by_key(|root| root.components().count())
        })
        .flatten();
    match walked_from {
        Some(root) => root.clone(),
        None => path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    }
}

/// `path` with `.` removed and `..` applied to what precedes it; leading
/// `..` are kept, so `../x.json` stays itself.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Removes `.` and resolves `..` lexically, for absolute paths: the walker
/// reports paths as given (`./a/../b.json`) and globs must see `b.json`.
/// Unlike [`lexical`] it builds the path in place, without a list of
/// components: it runs once per linted file.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    // Asked of every input (its settings are found by it): one allocation.
    let mut out = PathBuf::with_capacity(path.as_os_str().len());
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_without_losing_leading_parents() {
        assert_eq!(lexical(Path::new("a/./b/../c.json")), PathBuf::from("a/c.json"));
        assert_eq!(lexical(Path::new("../x.json")), PathBuf::from("../x.json"));
        assert_eq!(lexical(Path::new("a/../../x.json")), PathBuf::from("../x.json"));
        assert_eq!(lexical(Path::new("/a/../../x")), PathBuf::from("/x"));
        assert_eq!(lexical(Path::new("./")), PathBuf::from("."));
    }

    #[test]
    fn references_resolve_against_the_host_folder_and_stay_inside_the_root() {
        let cwd = Path::new("/nonexistent-policy-check/work");
        let resolve = |host: &str, root: &str, reference: &str| {
            resolve(Path::new(host), Path::new(root), reference, cwd)
        };
        assert_eq!(
            resolve("infra/main.tf", "infra", "./policies/x.json"),
            Resolved::File(PathBuf::from("infra/policies/x.json"))
        );
        assert_eq!(
            resolve("infra/app/main.tf", "infra", "../shared/x.json"),
            Resolved::File(PathBuf::from("infra/shared/x.json"))
        );
        assert_eq!(
            resolve("main.tf", ".", "x.json"),
            Resolved::File(PathBuf::from("x.json"))
        );
        assert_eq!(
            resolve("infra/main.tf", "infra", "../x.json"),
            Resolved::NotFollowed
        );
        assert_eq!(
            resolve("infra/main.tf", "infra", "/etc/passwd"),
            Resolved::NotFollowed
        );
        assert_eq!(
            resolve(
                "infra/main.tf",
                "infra",
                "/nonexistent-policy-check/work/infra/x.json"
            ),
            Resolved::File(PathBuf::from("/nonexistent-policy-check/work/infra/x.json"))
        );
        assert_eq!(resolve("infra/main.tf", "infra", ""), Resolved::NotFollowed);
    }
}
