//! The workspace's side of a baseline: its file, read before the run through
//! the bounded reader and written after it through the atomic writer; what
//! it holds is matched in the engine ([`crate::baseline`]).

use std::io;
use std::path::Path;

use super::discover::display_name;
use super::read::{read_bounded, DEFAULT_MAX_FILE_SIZE};
use super::write::{write_atomic, Replace};
use crate::baseline::{BaselineFacts, BaselineRun};

/// `--baseline FILE` (`compare`) or `--write-baseline FILE` (`record`);
/// `Err` says why the file to compare with cannot be used.
pub(crate) fn open(
    compare: Option<&Path>,
    record: Option<&Path>,
    cwd: &Path,
) -> Result<Option<BaselineRun>, String> {
    match (compare, record) {
        (Some(file), _) => {
            let name = display_name(file);
            // Same limit as a policy: a baseline holds at most one line a finding.
            let bytes = read_bounded(file, DEFAULT_MAX_FILE_SIZE, false)
                .map_err(|e| format!("baseline: {}", e.message(&name, DEFAULT_MAX_FILE_SIZE)))?;
            BaselineRun::compare(bytes, file, name, cwd).map(Some)
        }
        (None, Some(file)) => Ok(Some(BaselineRun::record(file, display_name(file), cwd))),
        (None, None) => Ok(None),
    }
}

/// After the run: what the summary says about the baseline, its file
/// written first when recording.
pub(crate) fn finish(baseline: &BaselineRun) -> io::Result<BaselineFacts> {
    baseline.finish(|path, bytes| write_atomic(path, bytes, Replace::Output))
}
