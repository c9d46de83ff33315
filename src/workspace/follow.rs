//! The workspace's follow-once queue: the files `file()` calls name that
//! are not inputs themselves, linted once each after the inputs, in an order
//! that does not depend on which `.tf` file met them first.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{display_name, Input};
use super::read::Folder;
use super::{Done, Item, Run, FILES_PER_CHUNK};
use crate::core::{FileReport, Origin};
use crate::host::files::{lexical, Resolved};

/// Where every input is, so that a `file()` target that is an input
/// itself is not linted twice.
pub(super) fn input_paths(items: &[Item], cwd: &Path) -> HashSet<PathBuf> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Input(Input::File { path, .. }) => Some(lexical(&cwd.join(path))),
            Item::WalkError(e) => Some(lexical(&cwd.join(&e.name))),
            Item::Input(Input::Stdin) | Item::Ignored(_) => None,
        })
        .collect()
}

/// The targets, each once, sorted by name: which `.tf` file found one first
/// must not change where it is printed.
pub(super) fn once_each(mut referenced: Vec<Resolved>, cwd: &Path) -> Vec<Resolved> {
    referenced.sort_by_cached_key(|r| match r {
        Resolved::File(path) | Resolved::Refused(path, _) => (display_name(path), lexical(&cwd.join(path))),
        Resolved::NotFollowed => Default::default(),
    });
    referenced.dedup_by(|a, b| match (a, b) {
        (Resolved::File(a) | Resolved::Refused(a, _), Resolved::File(b) | Resolved::Refused(b, _)) => {
            lexical(&cwd.join(a)) == lexical(&cwd.join(b))
        }
        _ => false,
    });
    referenced
}

/// The targets that will be read, whose settings must be loaded first.
pub(super) fn paths(referenced: &[Resolved]) -> impl Iterator<Item = &Path> {
    referenced.iter().filter_map(|r| match r {
        Resolved::File(path) => Some(path.as_path()),
        _ => None,
    })
}

impl Run<'_> {
    /// Lints the files `file()` calls name, after the inputs.
    pub(super) fn lint_referenced<R: Send>(
        &self,
        referenced: &[Resolved],
        render: &(impl Fn(Done<'_>) -> R + Sync),
        emit: &mut impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<()> {
        let lint_one = |resolved: &Resolved| match resolved {
            Resolved::File(path) => {
                let input = Input::File {
                    path: path.clone(),
                    origin: Origin::Named,
                    listed_as_file: false,
                };
                render(self.lint_file(&input, false, &mut Folder::default()).0)
            }
            Resolved::Refused(path, message) => render(Done::AsIs {
                report: self.unanalyzed(FileReport::io_error(display_name(path), message.clone())),
                fail_on: self.settings.for_path(path).fail_on(),
            }),
            Resolved::NotFollowed => unreachable!("not-followed references count as unknown values"),
        };
        let pool = self.pool()?;
        for chunk in referenced.chunks(FILES_PER_CHUNK) {
            let rendered: Vec<R> = pool.install(|| chunk.par_iter().map(lint_one).collect());
            for rendered in rendered {
                emit(rendered)?;
            }
        }
        Ok(())
    }
}
