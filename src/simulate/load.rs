//! Reading policies for `simulate` and `test` through the linter's input
//! kinds ([`crate::host`]): a `.tf` file, a ROS template or a plan is read
//! like a plain policy, each file is parsed once, and the tree that is
//! linted is the tree that is evaluated. Every document becomes one
//! [`PolicyFile`] named after its host, with spans into the host's bytes.
//!
//! A request cannot be decided on a value Terraform or ROS computes
//! (`var.x`, `!Ref`): an identity policy holding one, or one the host
//! computes whole, stops the run with a usage error instead of a guess.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::eval::{evaluate_policy, EvaluationError, Request, StatementResult};
use super::{FileStatus, PolicyFile, BLOCKING};
use crate::core::{Diagnostic, FileReport, Origin};
use crate::engine;
use crate::engine::read::{Checked, Computed, Documents, Tree};
use crate::host::files::{lexical, links_inside, resolve, root_of, Resolved};
use crate::host::{FileReference, Lowered};
use crate::model::{Policy, PolicyKind};
use crate::parse::Node;
use crate::workspace::discover::{discover, display_name, Input};
use crate::workspace::read::read_regular_file;

/// Standard input as the simulator got it: its name, and its bytes or
/// `None` when it was larger than the size limit.
pub type Stdin<'a> = (&'a str, Option<&'a [u8]>);

/// Every policy read and evaluated for one request.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<PolicyFile>,
    pub results: Vec<StatementResult>,
    /// The first condition that could not be evaluated.
    pub error: Option<EvaluationError>,
    /// Identity policies (or whole documents) holding values the host
    /// computes, as `name (location)`.
    pub unknown: Vec<String>,
}

/// Reads the policies at `paths` (files or directories; `-` is standard
/// input), files at most `max_size` bytes, and evaluates `request` (the
/// resource already the one RAM evaluates) on each identity policy; with
/// no request (as `diff` reads them) the policies are only classified.
pub fn load(paths: &[PathBuf], stdin: Option<Stdin<'_>>, max_size: u64, request: Option<&Request>) -> Loaded {
    let (inputs, walk_errors) = discover(paths);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut seen: HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::File { path, .. } => Some(lexical(&cwd.join(path))),
            Input::Stdin => None,
        })
        .collect();
    let mut loaded = Loaded::default();
    let mut referenced = Vec::new();
    for input in &inputs {
        match input {
            Input::Stdin => {
                let (name, bytes) = stdin.unwrap_or(("<stdin>", Some(&[])));
                match bytes {
                    Some(bytes) => {
                        // Standard input has no folder to resolve `file()` in.
                        let references = loaded.add(name.to_string(), bytes.to_vec(), Origin::Named, request);
                        loaded.not_followed(name, &references);
                    }
                    None => loaded.unreadable(
                        name.to_string(),
                        crate::workspace::read::too_large(name, max_size),
                    ),
                }
            }
            Input::File {
                path,
                origin,
                listed_as_file,
            } => {
                let name = display_name(path);
                match read_regular_file(path, max_size, *listed_as_file) {
                    Ok(bytes) => {
                        let references = loaded.add(name.clone(), bytes, *origin, request);
                        let root = root_of(paths, path, *origin);
                        for reference in &references {
                            match resolve(path, &root, &reference.path, &cwd) {
                                Resolved::File(target) => {
                                    referenced.push(links_inside(target, path, &root, &cwd));
                                }
                                _ => loaded.not_followed(&name, std::slice::from_ref(reference)),
                            }
                        }
                    }
                    Err(message) => loaded.unreadable(name, message),
                }
            }
        }
    }
    for error in walk_errors {
        loaded.unreadable(error.name, error.message);
    }
    // Files named by `file()`: each once, after the inputs, unless an input.
    for resolved in referenced {
        match resolved {
            Resolved::File(path) => {
                if !seen.insert(lexical(&cwd.join(&path))) {
                    continue;
                }
                let name = display_name(&path);
                match read_regular_file(&path, max_size, false) {
                    Ok(bytes) => {
                        let references = loaded.add(name.clone(), bytes, Origin::Named, request);
                        loaded.not_followed(&name, &references);
                    }
                    Err(message) => loaded.unreadable(name, message),
                }
            }
            Resolved::Refused(path, message) => {
                if seen.insert(lexical(&cwd.join(&path))) {
                    loaded.unreadable(display_name(&path), message);
                }
            }
            Resolved::NotFollowed => {}
        }
    }
    loaded
}

impl Loaded {
    /// Reads one file that is not on disk (`diff --base` reads it from a
    /// git revision): nothing it names with `file()` is followed.
    pub fn add_unevaluated(&mut self, name: String, bytes: Vec<u8>, origin: Origin) {
        let references = self.add(name.clone(), bytes, origin, None);
        self.not_followed(&name, &references);
    }

    /// A file that could not be read, as an unusable one.
    pub fn unreadable(&mut self, name: String, message: String) {
        let report = FileReport::io_error(name, message);
        self.files.push(PolicyFile {
            name: report.name,
            text: String::new(),
            status: FileStatus::Unusable(report.diagnostics),
            tree: None,
        });
    }

    /// References that cannot be followed leave their policies unknown.
    fn not_followed(&mut self, name: &str, references: &[FileReference]) {
        self.unknown.extend(
            references
                .iter()
                .map(|r| format!("{name} ({}, `file(\"{}\")` not followed)", r.location, r.path)),
        );
    }

    /// Reads one input through the engine; returns the files it names with
    /// `file()`.
    fn add(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        origin: Origin,
        request: Option<&Request>,
    ) -> Vec<FileReference> {
        let mut reader = Reader {
            loaded: self,
            request,
        };
        engine::read::read(engine::Input { name, bytes, origin }, &mut reader)
    }

    /// Keeps the findings the evaluator cannot read past; `false` when
    /// there were any (the document is then unusable).
    fn usable(&mut self, name: &str, text: &str, found: Vec<Diagnostic>) -> bool {
        let blocking: Vec<Diagnostic> = found.into_iter().filter(|d| BLOCKING.contains(&d.rule)).collect();
        if blocking.is_empty() {
            return true;
        }
        self.add_unusable(name.to_string(), text, blocking);
        false
    }

    fn add_unusable(&mut self, name: String, text: &str, found: Vec<Diagnostic>) {
        self.push(name, text, FileStatus::Unusable(found));
    }

    /// Skips a trust policy, refuses an identity policy the host computes
    /// in part, and evaluates the rest; spans go back to host bytes.
    fn classify_and_evaluate(
        &mut self,
        name: String,
        text: &str,
        root: &Node<'_>,
        lowered: Option<(usize, &Lowered<'_>)>,
        request: Option<&Request>,
    ) {
        let lowered = lowered.map(|(_, lowered)| lowered);
        let tree = || Some(Arc::new(Tree::keep(root, lowered)));
        let Some(policy) = Policy::from_root(root) else {
            self.push_evaluated(name, text, tree());
            return;
        };
        let declared = lowered.and_then(|l| l.kind);
        let why = match declared.unwrap_or(policy.kind) {
            PolicyKind::Identity => None,
            PolicyKind::Trust => {
                Some("a trust policy (its statements name a Principal), not an identity policy")
            }
            PolicyKind::Session => Some("a session policy, which only narrows the role's own policies"),
            PolicyKind::Control => Some("a control policy, a guardrail that grants nothing by itself"),
        };
        if let Some(why) = why {
            let why = match lowered {
                Some(lowered) => format!("{}: {why}", lowered.location),
                None => why.to_string(),
            };
            self.push(name, text, FileStatus::Skipped(why));
            return;
        }
        if let Some(lowered) = lowered.filter(|l| l.has_unknown()) {
            self.unknown.push(format!("{name} ({})", lowered.location));
            return;
        }
        let index = self.files.len();
        self.push_evaluated(name, text, tree());
        let Some(request) = request else {
            return;
        };
        let map = |span| lowered.map_or(span, |l| l.host_span(span));
        match evaluate_policy(index, &policy, request) {
            Ok(results) => self.results.extend(results.into_iter().map(|mut r| {
                r.span = map(r.span);
                r.reason_span = map(r.reason_span);
                for (span, _) in &mut r.evidence {
                    *span = map(*span);
                }
                r
            })),
            Err(mut error) => {
                error.span = map(error.span);
                self.error.get_or_insert(error);
            }
        }
    }

    fn push_evaluated(&mut self, name: String, text: &str, tree: Option<Arc<Tree>>) {
        self.files.push(PolicyFile {
            name,
            text: text.to_string(),
            status: FileStatus::Evaluated,
            tree,
        });
    }

    fn push(&mut self, name: String, text: &str, status: FileStatus) {
        self.files.push(PolicyFile {
            name,
            text: text.to_string(),
            status,
            tree: None,
        });
    }
}

/// The simulator's side of [`engine::read`]: what each document found
/// becomes.
struct Reader<'l, 'r> {
    loaded: &'l mut Loaded,
    request: Option<&'r Request>,
}

impl Documents for Reader<'_, '_> {
    fn skipped(&mut self, name: String, text: &str, why: String) {
        self.loaded.push(name, text, FileStatus::Skipped(why));
    }

    fn unusable(&mut self, name: String, text: &str, found: Vec<Diagnostic>) {
        self.loaded.add_unusable(name, text, found);
    }

    fn computed(&mut self, name: &str, computed: Computed<'_>) {
        self.loaded.unknown.push(match computed {
            Computed::Whole(count) => format!(
                "{name} ({} computed whole)",
                crate::core::text::count(count, "document")
            ),
            Computed::Document(location) => format!("{name} ({location})"),
        });
    }

    fn document(&mut self, checked: Checked<'_, '_>) {
        let Checked {
            name,
            text,
            found,
            root,
            lowered,
        } = checked;
        if !self.loaded.usable(name, text, found) {
            return;
        }
        if let Some(root) = root {
            self.loaded
                .classify_and_evaluate(name.to_string(), text, root, lowered, self.request);
        }
    }
}
