//! The workspace's one bounded reader: every file policy-check reads (inputs,
//! `file()` targets, a `.tf` file's module, configurations, baselines, test
//! and request files, standard input) goes through [`read_bounded`] or
//! [`read_limited`]: regular files only, opened without blocking, never more
//! than a size limit read; and the sizes `--max-file-size` takes and shows.

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::core::display::display_name;

/// Files larger than this are reported instead of read: twenty times the
/// largest template body ROS's CreateStack accepts (524,288 bytes), and over
/// 1,700 times RAM's 6,144-character policy limit.
pub(crate) const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

/// Reads a file that is expected to be a regular file of at most `max_size`
/// bytes. Anything else (a FIFO, a device) is refused without being opened, so
/// it cannot block the run, and a file over the limit is refused without being
/// read, even if it grows after it was measured.
pub(crate) fn read_regular_file(path: &Path, max_size: u64, listed_as_file: bool) -> Result<Vec<u8>, String> {
    read_listed_file(&mut Folder::default(), path, max_size, listed_as_file)
}

/// The Terraform module a `.tf` file at `path` belongs to (its folder's
/// `.tf` files, read through the one bounded reader): the folder, and the
/// module when `path` is a `.tf` file.
pub(crate) fn terraform_module(
    path: &Path,
    max_size: u64,
) -> Option<(PathBuf, crate::host::terraform::Module)> {
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
pub(crate) enum ReadError {
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
    pub(crate) fn message(&self, name: &str, max_size: u64) -> String {
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
pub(crate) fn read_bounded(path: &Path, max_size: u64, listed_as_file: bool) -> Result<Vec<u8>, ReadError> {
    read_through(&mut Folder::default(), path, max_size, listed_as_file)
}

/// The folder the last walked files were read from, kept open once two
/// files in a row come from it, so the next ones are opened by their names
/// alone: the kernel then looks up one path component instead of all of
/// them, which was 4% of a run's CPU on a tree of 20,000 files (a folder of
/// one file is not worth opening). Held for one batch of files, not for a
/// session, so a folder replaced later is never read through an old handle.
#[derive(Default)]
pub(crate) struct Folder {
    #[cfg(unix)]
    open: Option<(PathBuf, std::os::fd::OwnedFd)>,
    /// The folder of the last file opened by its whole path.
    #[cfg(unix)]
    last: Option<PathBuf>,
}

impl Folder {
    /// Opens a listed regular file for reading, through the folder it is
    /// in; as [`open_nonblocking`] does, it never waits on a FIFO.
    #[cfg(unix)]
    fn open(&mut self, path: &Path) -> std::io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return open_nonblocking(path);
        };
        let folder = match &self.open {
            Some((open, folder)) if open == parent => folder,
            _ if self.last.as_deref() != Some(parent) => {
                self.last = Some(parent.to_path_buf());
                return open_nonblocking(path);
            }
            _ => {
                let shown = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                let folder = rustix::fs::open(
                    shown,
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                &self.open.insert((parent.to_path_buf(), folder)).1
            }
        };
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::openat(
            folder,
            name,
            flags,
            Mode::empty(),
        )?))
    }

    #[cfg(not(unix))]
    fn open(&mut self, path: &Path) -> std::io::Result<File> {
        open_nonblocking(path)
    }
}

/// [`read_regular_file`], opening a listed file through `folder`.
pub(crate) fn read_listed_file(
    folder: &mut Folder,
    path: &Path,
    max_size: u64,
    listed_as_file: bool,
) -> Result<Vec<u8>, String> {
    read_through(folder, path, max_size, listed_as_file).map_err(|e| e.message(&display_name(path), max_size))
}

/// [`read_bounded`], opening a listed file through `folder`.
fn read_through(
    folder: &mut Folder,
    path: &Path,
    max_size: u64,
    listed_as_file: bool,
) -> Result<Vec<u8>, ReadError> {
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
    let file = match listed_as_file {
        true => folder.open(path),
        false => open_nonblocking(path),
    }
    .map_err(ReadError::Io)?;
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
pub(crate) fn read_limited(
    reader: impl Read,
    max_size: u64,
    capacity: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::with_capacity(capacity);
    reader.take(max_size.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max_size).then_some(bytes))
}

/// The message for input over `--max-file-size`, naming the limit.
pub(crate) fn too_large(name: &str, max_size: u64) -> String {
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
pub(crate) fn format_size(size: u64) -> String {
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
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
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
    use crate::workspace::discover::{discover, Input};

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
