//! The workspace: a lint run over files on disk, between the front ends and
//! the engine. It walks the paths ([`discover`]), gives each file the
//! settings of its folder ([`settings::Workspace`]), reads each input
//! through the bounded reader, hands it to [`engine::analyze`] (which writes
//! fixes through the atomic writer), follows the files `file()` calls name
//! once each after the inputs ([`follow`]), and ends with the findings about
//! the configuration's own `[[suppress]]` entries. Printing and exit codes
//! are the front end's: each file's result goes to its callbacks, in input
//! order whatever the thread count.

pub(crate) mod baseline_file;
pub(crate) mod discover;
mod file;
mod follow;
pub(crate) mod read;
pub(crate) mod settings;
pub(crate) mod write;

use std::collections::{HashMap, HashSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use self::discover::{discover_with, Ignored, Input, WalkError, WalkOptions};
use self::read::{read_limited, Folder};
use self::settings::{LoadError, Workspace};
use crate::baseline::BaselineRun;
use crate::core::{Date, FileReport, Origin, Severity};
use crate::embedded::Query;
use crate::engine::Fixed;
use crate::host::files::{lexical, normalize, Resolved};
use crate::host::terraform::Module;
use crate::progress::Progress;

/// What a front end asks of a lint run.
pub(crate) struct Options<'a> {
    /// Files and folders to lint; `-` is standard input.
    pub(crate) paths: &'a [PathBuf],
    /// The name standard input's settings and findings go by.
    pub(crate) stdin_filename: Option<&'a str>,
    /// `--force-exclude`: `include`/`exclude` apply to named files too.
    pub(crate) force_exclude: bool,
    pub(crate) walk: WalkOptions,
    /// `--jsonpath`.
    pub(crate) jsonpath: Option<&'a Query>,
    pub(crate) max_file_size: u64,
    /// `Some(unsafe_fixes)` when fixing.
    pub(crate) fix: Option<bool>,
    /// Whether fixes are written (not with `--diff`).
    pub(crate) write_fixes: bool,
    /// The baseline file read or written, which a walk leaves out.
    pub(crate) baseline_file: Option<&'a Path>,
    /// Worker threads; `None` for the available cores.
    pub(crate) jobs: Option<usize>,
}

/// One result of the run, handed to the front end to render.
pub(crate) enum Done<'r> {
    /// An input, an unwalkable path or a followed `file()` target: its
    /// report, the lowest severity that blocks in it, and what fixing
    /// changed (when it did).
    File {
        report: FileReport,
        fail_on: Severity,
        fixed: Option<Fixed>,
    },
    /// A report no fix applies to, shown as it is even by `--diff`: a
    /// `file()` target refused unread, a configuration's own entries.
    AsIs { report: FileReport, fail_on: Severity },
    /// Left out by an ignore file (only listed by `--show-files`).
    Ignored(&'r Ignored),
}

/// Something to report on, in output order. The rare kinds are boxed: a
/// tree of 20,000 files holds 20,000 of these for the whole run.
enum Item {
    Input(Input),
    WalkError(Box<WalkError>),
    Ignored(Box<Ignored>),
}

/// Files linted between two writes: enough to keep every worker busy, few
/// enough that their rendered output stays small.
const FILES_PER_CHUNK: usize = 256;

/// A lint run: its inputs found and their settings loaded, ready to lint.
pub(crate) struct Run<'a> {
    options: Options<'a>,
    settings: Workspace,
    cwd: PathBuf,
    /// Decides which suppressions have expired.
    today: Date,
    baseline: Option<&'a BaselineRun>,
    stdin_name: String,
    /// The path standard input's settings follow: the name an editor gives it.
    stdin_path: PathBuf,
    /// Standard input when `-` is among the paths; `Some(None)` when it was
    /// larger than the size limit.
    stdin_bytes: Option<Option<Vec<u8>>>,
    /// The run's inputs, walk errors and ignored files, in output order. An
    /// input's shown name is made again when it is linted, not kept here.
    items: Vec<Item>,
    /// Every file input and unwalkable path, absolute and normalised: a file
    /// a `.tf` names with `file()` that is also one is reported by it alone.
    /// Built from `items` when the first `file()` reference is met: most
    /// runs have none, and on a large tree the set is megabytes.
    inputs: OnceLock<HashSet<PathBuf>>,
    /// The Terraform module of each folder a `.tf` input sits in, read once.
    modules: Mutex<HashMap<PathBuf, Arc<Module>>>,
    /// The worker threads (`--jobs`): they walk the folders, then lint.
    /// Started by the first folder walked or the first run of more than one
    /// item: a run on one named file (a pre-commit hook's) starts none.
    pool: OnceLock<rayon::ThreadPool>,
}

impl<'a> Run<'a> {
    /// Walks the paths, loads the configuration of every input (`Err` with
    /// those that cannot be loaded) and reads standard input if named.
    pub(crate) fn new(
        options: Options<'a>,
        mut settings: Workspace,
        cwd: PathBuf,
        today: Date,
        baseline: Option<&'a BaselineRun>,
        stdin: &mut dyn Read,
    ) -> io::Result<Result<Self, Vec<LoadError>>> {
        let pool = OnceLock::new();
        // Started by the first folder walked; a pool that cannot start
        // leaves the walk on this thread, and linting reports why.
        let start_pool = || match pool.get() {
            Some(pool) => Some(pool),
            None => thread_pool(options.jobs)
                .ok()
                .map(|started| pool.get_or_init(|| started)),
        };
        let found = discover_with(options.paths, options.walk, &start_pool);
        let inputs = without_baseline(found.inputs, options.baseline_file, &cwd);
        let stdin_name = options.stdin_filename.unwrap_or("<stdin>").to_string();
        let stdin_path = PathBuf::from(options.stdin_filename.unwrap_or("-"));
        let errors = settings.resolve(inputs.iter().map(|(_, input)| match input {
            Input::Stdin => stdin_path.as_path(),
            Input::File { path, .. } => path.as_path(),
        }));
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let stdin_bytes = match inputs.iter().any(|(_, input)| *input == Input::Stdin) {
            true => Some(read_limited(stdin, options.max_file_size, 0)?),
            false => None,
        };
        let items = items(inputs, found.errors, found.ignored, &stdin_name);
        Ok(Ok(Run {
            options,
            settings,
            cwd,
            today,
            baseline,
            stdin_name,
            stdin_path,
            stdin_bytes,
            items,
            inputs: OnceLock::new(),
            modules: Mutex::default(),
            pool,
        }))
    }

    /// The worker threads, started on first use.
    fn pool(&self) -> io::Result<&rayon::ThreadPool> {
        if let Some(pool) = self.pool.get() {
            return Ok(pool);
        }
        let pool = thread_pool(self.options.jobs)?;
        Ok(self.pool.get_or_init(|| pool))
    }

    /// The settings of every path, and the configuration files they come from.
    pub(crate) fn settings(&self) -> &Workspace {
        &self.settings
    }

    /// Lints every input in parallel, then the files their `file()` calls
    /// name, then the configuration's own entries. `render` turns each
    /// result into what `emit` takes (on the worker that made it); `emit`
    /// gets them in output order on this thread. `Err` holds the
    /// configurations of `file()` targets that cannot be loaded.
    pub(crate) fn lint<R: Send>(
        &mut self,
        render: impl Fn(Done<'_>) -> R + Sync,
        mut emit: impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<Result<(), Vec<LoadError>>> {
        let referenced = self.lint_items(&render, &mut emit)?;
        if !referenced.is_empty() {
            // The set is megabytes on a large tree and no target needs it;
            // a target's folder is read afresh, after `--fix` wrote the inputs.
            self.inputs = OnceLock::new();
            self.modules = Mutex::default();
            let errors = self.settings.resolve(follow::paths(&referenced));
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            self.lint_referenced(&referenced, &render, &mut emit)?;
        }
        self.entry_findings(&render, &mut emit)?;
        Ok(Ok(()))
    }

    /// Lints the inputs in parallel and emits them in order; returns the
    /// files their `file()` calls name that are not inputs themselves, each
    /// once, sorted by name.
    fn lint_items<R: Send>(
        &self,
        render: &(impl Fn(Done<'_>) -> R + Sync),
        emit: &mut impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<Vec<Resolved>> {
        // Drawn only on a terminal outside CI, once the run takes a second.
        let progress = Progress::new(self.items.len());
        let lint_item = |folder: &mut Folder, item: &Item| {
            let _done = IncOnDrop(&progress);
            match item {
                Item::Input(input) => {
                    let (done, referenced) = self.lint_file(input, true, folder);
                    (render(done), referenced)
                }
                Item::WalkError(e) => {
                    let done = Done::File {
                        report: self.unanalyzed(FileReport::io_error(e.name.clone(), e.message.clone())),
                        fail_on: self.settings.for_path(Path::new(&e.name)).fail_on(),
                        fixed: None,
                    };
                    (render(done), Vec::new())
                }
                Item::Ignored(ignored) => (render(Done::Ignored(ignored)), Vec::new()),
            }
        };
        let mut referenced = Vec::new();
        if self.items.len() <= 1 {
            let mut folder = Folder::default();
            for (rendered, found) in self.items.iter().map(|item| lint_item(&mut folder, item)) {
                emit(rendered)?;
                referenced.extend(found);
            }
        } else {
            // Chunks keep memory flat: only one chunk's rendered output is alive
            // at a time. Within a chunk an indexed parallel iterator collects in
            // input order, so output is the same whatever the thread count.
            let pool = self.pool()?;
            for chunk in self.items.chunks(FILES_PER_CHUNK) {
                let rendered: Vec<_> =
                    pool.install(|| chunk.par_iter().map_init(Folder::default, lint_item).collect());
                progress.suspend(|| -> io::Result<()> {
                    for (rendered, found) in rendered {
                        emit(rendered)?;
                        referenced.extend(found);
                    }
                    Ok(())
                })?;
            }
        }
        progress.finish();
        Ok(follow::once_each(referenced, &self.cwd))
    }

    /// A report the engine did not make (the input was not read), with the
    /// baseline applied as the engine applies it to the others.
    fn unanalyzed(&self, mut report: FileReport) -> FileReport {
        if let Some(baseline) = self.baseline {
            baseline.apply(&mut report);
        }
        report
    }

    /// Findings about `[[suppress]]` entries, once every file is done.
    fn entry_findings<R>(
        &self,
        render: &impl Fn(Done<'_>) -> R,
        emit: &mut impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<()> {
        let walked: Vec<PathBuf> = self
            .options
            .paths
            .iter()
            .filter(|p| p.as_os_str() != "-" && p.is_dir())
            .map(|p| normalize(&self.cwd.join(p)))
            .collect();
        for loaded in self.settings.configs() {
            let walked_root = walked.iter().any(|dir| loaded.root.starts_with(dir));
            let found = crate::suppress::entry_findings(&loaded.config.suppress, self.today, walked_root);
            if found.is_empty() {
                continue;
            }
            let settings = self.settings.for_config(loaded);
            let mut report =
                FileReport::linted(loaded.name.clone(), String::new(), Vec::new(), 0, 0, Vec::new());
            crate::suppress::add_findings(
                &mut report,
                found,
                &settings.lint_settings().1,
                loaded.text.clone(),
            );
            if report.diagnostics.is_empty() {
                continue;
            }
            let report = self.unanalyzed(report);
            emit(render(Done::AsIs {
                report,
                fail_on: settings.fail_on(),
            }))?;
        }
        Ok(())
    }
}

/// A pool of `jobs` worker threads (`None`: one per core).
fn thread_pool(jobs: Option<usize>) -> io::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(io::Error::other)
}

/// Counts a file done when its linting ends, however it ends.
struct IncOnDrop<'a>(&'a Progress);

impl Drop for IncOnDrop<'_> {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// The inputs without the baseline file: it is this tool's own output, not
/// an input, so walked it is left out instead of being counted as a skipped
/// file. Named, it is linted like any named file.
fn without_baseline(
    mut inputs: Vec<(String, Input)>,
    baseline: Option<&Path>,
    cwd: &Path,
) -> Vec<(String, Input)> {
    if let Some(file) = baseline {
        let file = lexical(&cwd.join(file));
        inputs.retain(|(_, input)| match input {
            Input::File {
                path,
                origin: Origin::Walked,
                ..
            } => lexical(&cwd.join(path)) != file,
            _ => true,
        });
    }
    inputs
}

/// Inputs, unwalkable paths and (for `--show-files`) ignored ones, in
/// output order: by shown name, and of equal names standard input, the other
/// inputs, walk errors, ignored entries. Each list comes sorted by name, so
/// they are merged: sorting the whole list again would need a buffer as large
/// as it.
fn items(
    inputs: Vec<(String, Input)>,
    walk_errors: Vec<WalkError>,
    ignored: Vec<Ignored>,
    stdin_name: &str,
) -> Vec<Item> {
    let mut items = Vec::with_capacity(inputs.len() + walk_errors.len() + ignored.len());
    let mut inputs = inputs.into_iter().peekable();
    // Standard input sorts first among the inputs (its name is empty until
    // here), and goes where its own name puts it.
    let stdin = inputs
        .next_if(|(_, input)| *input == Input::Stdin)
        .map(|(_, input)| (stdin_name.to_string(), Item::Input(input)));
    // Each with the name it sorts by: an input's own; a walk error and an
    // ignored entry carry theirs (see `sort_name`).
    let mut sources: [Box<dyn Iterator<Item = (String, Item)>>; 4] = [
        Box::new(stdin.into_iter()),
        Box::new(inputs.map(|(name, input)| (name, Item::Input(input)))),
        Box::new(
            walk_errors
                .into_iter()
                .map(|e| (String::new(), Item::WalkError(Box::new(e)))),
        ),
        Box::new(
            ignored
                .into_iter()
                .map(|i| (String::new(), Item::Ignored(Box::new(i)))),
        ),
    ];
    let mut heads: Vec<Option<(String, Item)>> = sources.iter_mut().map(Iterator::next).collect();
    loop {
        // The source whose next name is smallest; the earlier one on a tie.
        let mut least: Option<(usize, &str)> = None;
        for (at, head) in heads.iter().enumerate() {
            let Some(name) = head.as_ref().map(sort_name) else {
                continue;
            };
            if least.is_none_or(|(_, smallest)| name < smallest) {
                least = Some((at, name));
            }
        }
        let Some((at, _)) = least else {
            return items;
        };
        let next = std::mem::replace(&mut heads[at], sources[at].next());
        items.extend(next.map(|(_, item)| item));
    }
}

/// The name an item of [`items`] sorts by.
fn sort_name((name, item): &(String, Item)) -> &str {
    match item {
        Item::Input(_) => name,
        Item::WalkError(error) => &error.name,
        Item::Ignored(ignored) => &ignored.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> (String, Input) {
        let input = Input::File {
            path: PathBuf::from(name),
            origin: Origin::Walked,
            listed_as_file: true,
        };
        (name.to_string(), input)
    }

    fn shown(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Item::Input(Input::Stdin) => "m.json stdin".to_string(),
                Item::Input(Input::File { path, .. }) => format!("{} input", path.display()),
                Item::WalkError(e) => format!("{} error", e.name),
                Item::Ignored(i) => format!("{} ignored", i.name),
            })
            .collect()
    }

    #[test]
    fn items_merge_in_the_order_one_stable_sort_by_name_gives() {
        let error = |name: &str| WalkError {
            name: name.to_string(),
            message: "cannot read".to_string(),
        };
        let ignored = |name: &str| Ignored {
            name: name.to_string(),
            reason: "hidden".to_string(),
            left_out: true,
        };
        // As the walk hands them over: each list sorted by name, standard
        // input first among the inputs (its name is empty until named here).
        let mut inputs = vec![(String::new(), Input::Stdin)];
        inputs.extend(["a.json", "b/c.json", "m.json", "z.json"].map(file));
        let errors = vec![error("b/c.json"), error("l.json"), error("zz.json")];
        let left_out = vec![ignored(".h/"), ignored("b/c.json"), ignored("n/")];

        let merged = items(inputs.clone(), errors.clone(), left_out.clone(), "m.json");

        let mut expected: Vec<(String, Item)> = inputs
            .into_iter()
            .map(|(name, input)| match input {
                Input::Stdin => ("m.json".to_string(), Item::Input(input)),
                _ => (name, Item::Input(input)),
            })
            .chain(
                errors
                    .into_iter()
                    .map(|e| (e.name.clone(), Item::WalkError(Box::new(e)))),
            )
            .chain(
                left_out
                    .into_iter()
                    .map(|i| (i.name.clone(), Item::Ignored(Box::new(i)))),
            )
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        let expected: Vec<Item> = expected.into_iter().map(|(_, item)| item).collect();
        assert_eq!(shown(&merged), shown(&expected));
        assert_eq!(
            shown(&merged)[..5],
            [
                ".h/ ignored",
                "a.json input",
                "b/c.json input",
                "b/c.json error",
                "b/c.json ignored"
            ]
        );
        assert_eq!(shown(&merged)[6..8], ["m.json stdin", "m.json input"]);
    }
}
