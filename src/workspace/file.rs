//! The workspace's work on one file: its settings, the bounded read, the
//! call into the engine (with the atomic writer for fixes), and which of the
//! files its `file()` calls name are left for the follow-once queue.

use std::path::Path;
use std::sync::Arc;

use super::discover::{display_name, Input};
use super::read::{read_listed_file, too_large, Folder};
use super::write::{write_atomic, Replace};
use super::{follow, Done, Run};
use crate::core::{FileReport, Origin, Outcome};
use crate::embedded::Selected;
use crate::engine;
use crate::host::files::{self, root_of, Resolved};
use crate::host::terraform::Module;

impl Run<'_> {
    /// The module of the `.tf` file at `path`, read once per folder.
    fn module(&self, path: &Path) -> Option<Arc<Module>> {
        if crate::core::Syntax::of(&path.to_string_lossy()) != Some(crate::core::Syntax::Hcl) {
            return None;
        }
        let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let known = self.modules.lock().ok()?.get(&folder).cloned();
        if known.is_some() {
            return known;
        }
        let (folder, module) = super::read::terraform_module(path, self.options.max_file_size)?;
        let module = Arc::new(module);
        if let Ok(mut modules) = self.modules.lock() {
            modules.insert(folder, Arc::clone(&module));
        }
        Some(module)
    }

    /// Lints one input. With `follow`, the files its `file()` calls name
    /// that are not inputs themselves are returned, for the run to lint
    /// once each after the inputs.
    /// Walked files are opened through `folder` (see [`Folder`]).
    pub(super) fn lint_file(
        &self,
        input: &Input,
        follow: bool,
        folder: &mut Folder,
    ) -> (Done<'static>, Vec<Resolved>) {
        let options = &self.options;
        let (name, path, origin) = match input {
            Input::Stdin => (self.stdin_name.clone(), self.stdin_path.as_path(), Origin::Named),
            Input::File { path, origin, .. } => (display_name(path), path.as_path(), *origin),
        };
        // `--force-exclude` also treats named files as walked ones, so a
        // pre-commit run skips JSON files that are not policies.
        let origin = if origin == Origin::Named && options.force_exclude {
            Origin::Walked
        } else {
            origin
        };
        let settings = self.settings.for_path(path);
        let fail_on = settings.fail_on();
        let unanalyzed = |report| Done::File {
            report: self.unanalyzed(report),
            fail_on,
            fixed: None,
        };
        if !settings.selects(origin, options.force_exclude) {
            // An editor linting an excluded file's buffer gets silence, as
            // ruff gives with `--force-exclude --stdin-filename`.
            let by = settings.config().map_or("the configuration", |c| c.name.as_str());
            let report = FileReport::excluded(name, format!("by `include`/`exclude` in {by}"));
            return (unanalyzed(report), Vec::new());
        }
        let bytes = match input {
            Input::Stdin => self
                .stdin_bytes
                .clone()
                .flatten()
                .ok_or_else(|| too_large(&self.stdin_name, options.max_file_size)),
            Input::File { listed_as_file, .. } => {
                read_listed_file(folder, path, options.max_file_size, *listed_as_file)
            }
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(message) => return (unanalyzed(FileReport::io_error(name, message)), Vec::new()),
        };
        let (lint_options, rules) = settings.lint_settings();
        let jsonpath = match (options.jsonpath, settings.config_jsonpath()) {
            (Some(query), _) => Some((query, Selected::ByCommandLine(origin))),
            (None, Some(query)) => Some((query, Selected::ByConfig)),
            (None, None) => None,
        };
        let write = |text: &str| write_atomic(path, text.as_bytes(), Replace::Edit);
        let module = self.module(path);
        let analysis = engine::analyze(
            engine::Input { name, bytes, origin },
            &engine::Settings {
                options: lint_options,
                rules,
                suppressions: settings.suppressions(self.today),
                module: module.as_deref(),
                // A `file()` target is the string Terraform reads: a policy
                // whatever its name.
                plain: !follow,
                jsonpath,
                baseline: self.baseline,
                fix: options.fix,
                write: options.write_fixes.then_some(&write),
                outline: false,
            },
        );
        let mut report = analysis.report;
        // Standard input has no folder to resolve against.
        let host = match (input, follow) {
            (Input::File { path, origin, .. }, true) => Some((path.as_path(), *origin)),
            _ => None,
        };
        let mut followed = Vec::new();
        let mut not_followed = 0;
        for reference in analysis.references {
            let Some((path, origin)) = host else {
                not_followed += 1;
                continue;
            };
            let root = root_of(options.paths, path, origin);
            match files::resolve(path, &root, &reference.path, &self.cwd) {
                Resolved::File(target) if self.is_input(&target) => {}
                Resolved::File(target) => followed.push(files::links_inside(target, path, &root, &self.cwd)),
                _ => not_followed += 1,
            }
        }
        if let Outcome::Linted { unknown, .. } = &mut report.outcome {
            *unknown += not_followed;
        }
        let done = Done::File {
            report,
            fail_on,
            fixed: analysis.fixed,
        };
        (done, followed)
    }

    /// Whether the `file()` target is reported as an input already: one read
    /// as a plain policy is; one its name gives to a host kind (`x.tf.json`,
    /// `x.yaml`) is not what `file()` reads, so it is followed as well.
    fn is_input(&self, target: &Path) -> bool {
        self.inputs
            .get_or_init(|| follow::input_paths(&self.items, &self.cwd))
            .contains(&files::lexical(&self.cwd.join(target)))
            && !crate::host::read_by_kind(&target.to_string_lossy())
    }
}
