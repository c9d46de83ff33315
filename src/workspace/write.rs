//! The one writer: every file policy-check writes (`--fix`, `--output-file`,
//! `--write-baseline`) is written through [`AtomicFile`], next to its target
//! under an unpredictable name created exclusively, then renamed into place,
//! so a reader (or a crash) sees the old file or the new one, and a link
//! planted by a pull request is never followed.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// What the write may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    /// A file policy-check made or reports into (an output or a baseline):
    /// created when missing, replaced when a regular file.
    Output,
    /// A file the user keeps (`--fix`): it must exist, be writable and have
    /// one name, so the fix changes exactly the file that was linted, with
    /// its owner and mode kept.
    Edit,
}

/// A file being written: bytes go to a temporary file beside the target;
/// [`AtomicFile::commit`] puts it in place. Dropped without a commit, the
/// temporary file is removed and the target is untouched.
pub(crate) struct AtomicFile {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    existing: Option<fs::Metadata>,
}

impl AtomicFile {
    /// Checks the target and opens the temporary file; nothing at `path`
    /// changes until [`AtomicFile::commit`].
    pub(crate) fn create(path: &Path, replace: Replace) -> io::Result<Self> {
        refuse_links(path)?;
        let existing = match fs::symlink_metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound && replace == Replace::Output => None,
            Err(e) => return Err(e),
        };
        if let Some(meta) = &existing {
            check_existing(meta, replace)?;
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map_or_else(|| "policy-check".into(), |n| n.to_string_lossy().into_owned());
        // Random, created with O_EXCL, mode 0600 until commit: nothing can be
        // waiting at this name, and nobody reads a half-written file.
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".policy-check.tmp")
            .tempfile_in(dir)?;
        Ok(AtomicFile {
            temp,
            target: path.to_path_buf(),
            existing,
        })
    }

    /// Flushes, gives the file the target's mode and owner (a new file
    /// gets 0644), and renames it over the target. `rename` replaces a link
    /// planted since [`AtomicFile::create`] rather than writing through it.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        self.temp.flush()?;
        let file = self.temp.as_file();
        file.sync_all()?;
        keep_identity(file, self.existing.as_ref())?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Replaces `path`'s contents with `bytes` in one step.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], replace: Replace) -> io::Result<()> {
    let mut file = AtomicFile::create(path, replace)?;
    file.write_all(bytes)?;
    file.commit()
}

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message)
}

/// The target, and every folder of a relative path on the way to it, must
/// not be a symbolic link: any of them could be committed by a pull request
/// to point outside the tree. An absolute path's folders were typed by the
/// user and are taken as given (`/tmp` is a link on some systems).
fn refuse_links(path: &Path) -> io::Result<()> {
    let mut walked = PathBuf::new();
    let relative = path.is_relative();
    let components: Vec<Component<'_>> = path.components().collect();
    for (i, component) in components.iter().enumerate() {
        walked.push(component.as_os_str());
        let last = i + 1 == components.len();
        if !(last || relative && matches!(component, Component::Normal(_))) {
            continue;
        }
        match fs::symlink_metadata(&walked) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refused(format!(
                    "`{}` is a symbolic link: policy-check does not write through links",
                    walked.display()
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_existing(meta: &fs::Metadata, replace: Replace) -> io::Result<()> {
    if !meta.file_type().is_file() {
        return Err(refused("it is not a regular file".into()));
    }
    if replace == Replace::Output {
        return Ok(());
    }
    if meta.permissions().readonly() {
        return Err(refused("the file is read-only: not fixed".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(refused(format!(
                "the file has {} hard links, which a fix would break: not fixed",
                meta.nlink()
            )));
        }
    }
    Ok(())
}

/// The mode (and on Unix the owner and group) of the file being replaced.
fn keep_identity(file: &fs::File, existing: Option<&fs::Metadata>) -> io::Result<()> {
    let Some(meta) = existing else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o644))?;
        }
        return Ok(());
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ours = file.metadata()?;
        if (ours.uid(), ours.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()))?;
        }
    }
    file.set_permissions(meta.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("policy-check-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn replaces_the_contents_and_keeps_the_mode() {
        let dir = scratch("mode");
        let path = dir.join("p.json");
        fs::write(&path, "old").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        }
        write_atomic(&path, b"new", Replace::Edit).expect("atomic write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // No temporary file is left behind.
        let left: Vec<_> = fs::read_dir(&dir).expect("list").collect();
        assert_eq!(left.len(), 1);
        fs::remove_dir_all(&dir).expect("clean up");
    }

    #[cfg(unix)]
    #[test]
    fn links_read_only_files_and_hard_links_are_refused() {
        let dir = scratch("refuse");
        let outside = dir.join("outside.txt");
        fs::write(&outside, "keep").expect("write");
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&outside, &link).expect("symlink");
        for replace in [Replace::Output, Replace::Edit] {
            assert!(write_atomic(&link, b"x", replace).is_err());
        }
        let read_only = dir.join("ro.json");
        fs::write(&read_only, "old").expect("write");
        let mut permissions = fs::metadata(&read_only).expect("meta").permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&read_only, permissions).expect("chmod");
        assert!(write_atomic(&read_only, b"new", Replace::Edit).is_err());
        let twin = dir.join("twin.json");
        fs::hard_link(&outside, &twin).expect("hard link");
        assert!(write_atomic(&twin, b"new", Replace::Edit).is_err());
        assert_eq!(fs::read_to_string(&outside).expect("read"), "keep");
        assert!(fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink());
        // An output file is made new with an ordinary mode.
        let made = dir.join("new.sarif");
        write_atomic(&made, b"{}", Replace::Output).expect("new file");
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&made).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        fs::remove_dir_all(&dir).expect("clean up");
    }
}
