//! The command line: parses arguments, runs the pipeline over the inputs in
//! parallel, prints from one thread in input order, and picks the exit code.
//! Each subcommand other than linting has its glue in a file here
//! ([`simulate`], [`diff`]); every byte goes out through the emitter seam
//! (`report::print` and the lint stream), and only this module names exit codes.

mod diff;
mod simulate;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clap::{Args, CommandFactory, Parser, Subcommand};
use rayon::prelude::*;

use crate::baseline::BaselineRun;
use crate::core::Rule;
use crate::core::Severity;
use crate::core::{date, Date, Origin};
use crate::core::{FileReport, Outcome};
use crate::discover::{
    discover_with, display_name, parse_size, read_limited, read_regular_file, too_large, Input, WalkOptions,
};
use crate::embedded::{Query, Selected};
use crate::engine;
use crate::fix::unified::unified_diff;
use crate::host::files::{self, lexical, root_of, Resolved};
use crate::progress::Progress;
use crate::report::{self, escape, Format, Mode, RunFacts, Style};
use crate::select::{Selector, SelectorParser};
use crate::settings::{ConfigSource, FileSettings, LoadError, Overrides, Workspace};
use crate::write::{write_atomic, AtomicFile, Replace};

pub use crate::core::exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Debug, Parser)]
#[command(
    name = "policy-check",
    version,
    about = "Lint Alibaba Cloud RAM policy documents",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with its default severity and summary
    Rules {
        /// Print a Markdown table (as in the README)
        #[arg(long, conflicts_with = "docs")]
        markdown: bool,
        /// Print the full rule reference in Markdown (docs/rules.md)
        #[arg(long, conflicts_with = "services")]
        docs: bool,
        /// List every catalogued service instead: its action count, sources
        /// and snapshot date
        #[arg(long, conflicts_with = "markdown")]
        services: bool,
    },
    /// Show what a rule catches, why it matters, and a bad and a good example
    Explain {
        /// The rule id, such as `unknown-action`
        #[arg(value_parser = crate::completions::RuleIdParser, hide_possible_values = true)]
        rule: String,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Decide offline whether the policies allow a request (default: ens:CreateImage on `*`)
    Simulate(simulate::SimulateArgs),
    /// Run policy test files: cases with policies, a request and the expected outcome
    Test(simulate::TestArgs),
    /// Prove offline that NEW's policies grant no request OLD's deny, or show one that they do
    Diff(crate::diff::DiffArgs),
    /// Run the language server over standard input and output (for editors)
    Lsp,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads standard input
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Name to show for standard input in findings (needs `-` among the paths)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// The lowest severity that makes the run fail (exit 1): suggestion <
    /// warning < security-warning < error [default: the configuration's
    /// `fail-on`, else security-warning]
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Configuration file for every input [default: the nearest
    /// policy-check.toml above each file]
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file: built-in defaults and flags only
    #[arg(long)]
    pub isolated: bool,
    /// Run only these rules (overrides the configuration file): rule ids
    /// (`policy-check rules` lists them) or groups by default severity:
    /// `correctness`, `security`, `error`, `security-warning`, `warning`,
    /// `suggestion`, `all`
    #[arg(long, value_delimiter = ',', value_name = "RULE", hide_possible_values = true, value_parser = SelectorParser)]
    pub select: Vec<Selector>,
    /// Never run these rules or groups (overrides the configuration file)
    #[arg(long, value_delimiter = ',', value_name = "RULE", hide_possible_values = true, value_parser = SelectorParser)]
    pub ignore: Vec<Selector>,
    /// Walk folders without reading `.gitignore`, `.ignore` and
    /// `.git/info/exclude` (files named on the command line are always linted)
    #[arg(long)]
    pub no_ignore: bool,
    /// Apply `include`/`exclude` and skip non-policy JSON even for files
    /// named on the command line (for pre-commit, which names every file)
    #[arg(long)]
    pub force_exclude: bool,
    /// Lint the policies this JSONPath selects inside each file, e.g.
    /// `$.Resources.*.Properties.PolicyDocument`; files it selects nothing in
    /// are linted as policies if they are ones
    #[arg(long, value_name = "EXPR", value_parser = Query::parse)]
    pub jsonpath: Option<Query>,
    /// Worker threads (default: available cores; at most 256)
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Largest file to read (such as 512KiB, 10MiB or 1.5MB); larger files
    /// are reported, not read
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// List every input with what was done with it (linted, skipped, excluded
    /// and why) instead of the findings
    #[arg(long)]
    pub show_files: bool,
    /// Print the settings that apply to one file, and the configuration file
    /// they come from, then exit
    #[arg(long, value_name = "PATH")]
    pub show_settings: Option<PathBuf>,
    /// Colour: auto (a terminal without NO_COLOR, or FORCE_COLOR set), always or never
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print findings only, without the summary
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Write the output to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print how many findings each rule has instead of the findings
    #[arg(long)]
    pub statistics: bool,
    /// Apply safe fixes to the files (also unsafe ones with
    /// --unsafe-fixes), then report what is left
    #[arg(long)]
    pub fix: bool,
    /// Let --fix and --diff apply unsafe fixes too (they change what a
    /// policy grants); without --fix, mark them fixable
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print what --fix would change as a unified diff, and write nothing
    /// (also with --fix)
    #[arg(long)]
    pub diff: bool,
    /// Report only findings that are not in this baseline (written by
    /// --write-baseline), and say how many of its findings no longer occur
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE as the baseline for --baseline,
    /// and report none
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl clap::ValueEnum for Severity {
    fn value_variants<'a>() -> &'a [Self] {
        &Severity::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// Runs the command; returns the process exit code.
pub fn run(cli: Cli, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = match cli.command {
        Some(Command::Rules { services: true, .. }) => list_services(out).map(|()| EXIT_CLEAN),
        Some(Command::Rules { docs: true, .. }) => out
            .write_all(crate::rule_docs::markdown().as_bytes())
            .map(|()| EXIT_CLEAN),
        Some(Command::Rules { markdown, .. }) => list_rules(markdown, out).map(|()| EXIT_CLEAN),
        Some(Command::Explain { rule }) => explain(&rule, out, err),
        Some(Command::Completions { shell }) => {
            // clap_complete panics on a failed write (`| head`); write
            // through a buffer so the error is ours to handle.
            let script = crate::completions::script(shell, &mut Cli::command(), "policy-check");
            out.write_all(&script).map(|()| EXIT_CLEAN)
        }
        Some(Command::Simulate(args)) => {
            simulate::run_simulate(&args, terminal_style(ColorChoice::Auto, false), stdin, out, err)
        }
        Some(Command::Test(args)) => simulate::run_tests(&args, out),
        Some(Command::Diff(args)) => diff::run_diff(&args, out, err),
        // `main` runs the server before locking stdio; here (a caller of
        // `run` holding the locks) it could never read a message.
        Some(Command::Lsp) => writeln!(
            err,
            "policy-check: the language server is started by the binary's `main`"
        )
        .map(|()| EXIT_ERROR),
        None => lint(cli.lint, stdin, out, err),
    };
    result.unwrap_or_else(|error| {
        // A closed pipe (`policy-check | head`) is not worth a message.
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "policy-check: {}", escape::text(&error.to_string()));
        }
        EXIT_ERROR
    })
}

fn lint(args: LintArgs, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if let Some(problem) = usage_problem(&args) {
        writeln!(err, "policy-check: {}", escape::text(&problem))?;
        return Ok(EXIT_ERROR);
    }
    let style = terminal_style(args.color, args.output_file.is_some());
    let Setup {
        cwd,
        mut workspace,
        today,
        baseline,
    } = match setup(&args, style, err)? {
        Ok(setup) => setup,
        Err(code) => return Ok(code),
    };
    if let Some(path) = &args.show_settings {
        let errors = workspace.resolve([path.as_path()]);
        if !errors.is_empty() {
            return config_failure(&errors, style, err);
        }
        show_settings(path, &workspace.for_path(path), today, out)?;
        return Ok(EXIT_CLEAN);
    }
    let (inputs, walk_errors, ignored) = walk(&args, &cwd);
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_string());
    // Per-path settings follow the name the editor gives stdin.
    let stdin_path = PathBuf::from(args.stdin_filename.as_deref().unwrap_or("-"));
    let errors = workspace.resolve(inputs.iter().map(|input| match input {
        Input::Stdin => stdin_path.as_path(),
        Input::File { path, .. } => path.as_path(),
    }));
    if !errors.is_empty() {
        return config_failure(&errors, style, err);
    }
    let stdin_bytes = match inputs.contains(&Input::Stdin) {
        true => Some(read_limited(stdin, args.max_file_size, 0)?),
        false => None,
    };
    let items = items(inputs, walk_errors, ignored, &stdin_name);
    let linter = Linter {
        args: &args,
        workspace: &workspace,
        named_origin: named_origin(&args),
        stdin_name: &stdin_name,
        stdin_path: &stdin_path,
        stdin_bytes: &stdin_bytes,
        items: &items,
        inputs: OnceLock::new(),
        cwd: &cwd,
        today,
        baseline: baseline.as_ref(),
        modules: Default::default(),
    };
    let mode = mode(&args);
    let renderer = report::Renderer::with_mode(args.format, mode, style).with_unsafe_fixes(args.unsafe_fixes);
    let target = match open_output(&args, out, err)? {
        Ok(target) => target,
        Err(code) => return Ok(code),
    };
    let mut out = io::BufWriter::new(target);
    let mut stream = report::Stream::start(&renderer, &mut out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(io::Error::other)?;
    let referenced = lint_items(&items, &linter, &renderer, &pool, &mut stream)?;
    if !referenced.is_empty() {
        drop(linter);
        let paths = referenced.iter().filter_map(|r| match r {
            Resolved::File(path) => Some(path.as_path()),
            _ => None,
        });
        let errors = workspace.resolve(paths);
        if !errors.is_empty() {
            return config_failure(&errors, style, err);
        }
        let linter = Linter {
            args: &args,
            workspace: &workspace,
            named_origin: named_origin(&args),
            stdin_name: &stdin_name,
            stdin_path: &stdin_path,
            stdin_bytes: &None,
            items: &[],
            inputs: OnceLock::new(),
            cwd: &cwd,
            today,
            baseline: baseline.as_ref(),
            modules: Default::default(),
        };
        lint_referenced(&referenced, &linter, &renderer, &pool, &mut stream)?;
    }
    entry_findings(
        &args,
        &cwd,
        &workspace,
        today,
        baseline.as_ref(),
        &renderer,
        &mut stream,
    )?;
    let run = RunFacts {
        configs: workspace
            .configs()
            .iter()
            .map(|c| c.config.summary(c.name.clone(), today))
            .collect(),
        unsafe_fixes: args.unsafe_fixes,
        baseline: baseline.as_ref().map(BaselineRun::finish).transpose()?,
        listing: args.show_files,
    };
    let totals = stream.finish(&run, args.quiet || args.diff)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .commit()?;
    finish(&args, &totals, mode, err)
}

/// Where every input is, so that a `file()` target that is an input
/// itself is not linted twice.
fn input_paths(items: &[(String, Item)], cwd: &Path) -> HashSet<PathBuf> {
    items
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Input(Input::File { path, .. }) => Some(lexical(&cwd.join(path))),
            Item::WalkError(e) => Some(lexical(&cwd.join(&e.name))),
            Item::Input(Input::Stdin) | Item::Ignored(_) => None,
        })
        .collect()
}

/// How a file named on the command line is taken: `--force-exclude` also
/// treats named files as walked ones, so a pre-commit run skips JSON files
/// that are not policies.
fn named_origin(args: &LintArgs) -> Origin {
    if args.force_exclude {
        Origin::Walked
    } else {
        Origin::Named
    }
}

/// The inputs of a run, what could not be walked, and (for `--show-files`)
/// what ignore files left out.
fn walk(
    args: &LintArgs,
    cwd: &Path,
) -> (
    Vec<Input>,
    Vec<crate::discover::WalkError>,
    Vec<crate::discover::Ignored>,
) {
    let found = discover_with(
        &args.paths,
        WalkOptions {
            respect_ignore_files: !args.no_ignore,
            list_ignored: args.show_files,
        },
    );
    (
        without_baseline(found.inputs, args, cwd),
        found.errors,
        found.ignored,
    )
}

/// The inputs without the baseline file: it is this tool's own output, not
/// an input, so walked it is left out instead of being counted as a skipped
/// file. Named, it is linted like any named file.
fn without_baseline(mut inputs: Vec<Input>, args: &LintArgs, cwd: &Path) -> Vec<Input> {
    if let Some(file) = args.baseline.as_ref().or(args.write_baseline.as_ref()) {
        let file = lexical(&cwd.join(file));
        inputs.retain(|input| match input {
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
/// output order (by shown name).
fn items(
    inputs: Vec<Input>,
    walk_errors: Vec<crate::discover::WalkError>,
    ignored: Vec<crate::discover::Ignored>,
    stdin_name: &str,
) -> Vec<(String, Item)> {
    let mut items: Vec<(String, Item)> = inputs
        .into_iter()
        .map(|input| match &input {
            Input::Stdin => (stdin_name.to_string(), Item::Input(input)),
            Input::File { path, .. } => (display_name(path), Item::Input(input)),
        })
        .chain(
            walk_errors
                .into_iter()
                .map(|e| (e.name.clone(), Item::WalkError(e))),
        )
        .chain(ignored.into_iter().map(|i| (i.name.clone(), Item::Ignored(i))))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

/// What the run prints instead of the findings, if anything.
fn mode(args: &LintArgs) -> Mode {
    if args.show_files {
        Mode::Files
    } else if args.statistics {
        Mode::Statistics
    } else {
        Mode::Findings
    }
}

/// Where the report goes: `--output-file`, written beside its target and
/// put in place by [`Target::commit`] at the end (a run that stops early
/// leaves the old file as it was), else `out`.
enum Target<'o> {
    File(Box<AtomicFile>),
    Out(&'o mut dyn Write),
}

impl Write for Target<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::File(file) => file.write(buf),
            Target::Out(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::File(file) => file.flush(),
            Target::Out(out) => out.flush(),
        }
    }
}

impl Target<'_> {
    fn commit(self) -> io::Result<()> {
        match self {
            Target::File(file) => file.commit(),
            Target::Out(_) => Ok(()),
        }
    }
}

/// The report's [`Target`]; `Err` holds the exit code when the file cannot
/// be created.
fn open_output<'o>(
    args: &LintArgs,
    out: &'o mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Result<Target<'o>, u8>> {
    Ok(Ok(match &args.output_file {
        Some(file) => match AtomicFile::create(file, Replace::Output) {
            Ok(file) => Target::File(Box::new(file)),
            Err(e) => {
                let message = format!("cannot write `{}`: {e}", display_name(file));
                writeln!(err, "policy-check: {}", escape::text(&message))?;
                return Ok(Err(EXIT_ERROR));
            }
        },
        None => Target::Out(out),
    }))
}

/// What every input of a run shares, set up before any is read.
struct Setup {
    cwd: PathBuf,
    workspace: Workspace,
    today: Date,
    baseline: Option<BaselineRun>,
}

/// The configuration, today's date and the baseline; `Err` holds the exit
/// code when one of them cannot be had (the reason is on `err`).
fn setup(args: &LintArgs, style: Style, err: &mut dyn Write) -> io::Result<Result<Setup, u8>> {
    let cwd = std::env::current_dir()?;
    let overrides = Overrides {
        select: crate::select::rules(&args.select),
        // A group never takes `io-error` with it: an unreadable file is
        // always reported (naming `io-error` itself is a usage error).
        ignore: crate::select::rules(&args.ignore)
            .into_iter()
            .filter(|rule| *rule != Rule::IoError || args.ignore.contains(&Selector(vec![Rule::IoError])))
            .collect(),
        fail_on: args.fail_on,
    };
    let source = match (&args.config, args.isolated) {
        (_, true) => ConfigSource::Isolated,
        (Some(file), false) => ConfigSource::Explicit(file.clone()),
        (None, false) => ConfigSource::Discover,
    };
    let workspace = match Workspace::new(&cwd, source, overrides) {
        Ok(workspace) => workspace,
        Err(error) => return config_failure(&[error], style, err).map(Err),
    };
    let today = match date::today() {
        Ok(today) => today,
        Err(message) => {
            writeln!(err, "policy-check: {}", escape::text(&message))?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    let baseline = match (&args.baseline, &args.write_baseline) {
        (Some(file), _) => match BaselineRun::compare(file, display_name(file), &cwd) {
            Ok(baseline) => Some(baseline),
            Err(message) => {
                writeln!(err, "policy-check: {}", escape::text(&message))?;
                return Ok(Err(EXIT_ERROR));
            }
        },
        (None, Some(file)) => Some(BaselineRun::record(file, display_name(file), &cwd)),
        (None, None) => None,
    };
    Ok(Ok(Setup {
        cwd,
        workspace,
        today,
        baseline,
    }))
}

/// One report, rendered; with `--diff` only its diff is printed (and its
/// line on stderr).
fn rendered(
    renderer: &report::Renderer,
    report: FileReport,
    fail_on: Severity,
    fixing: Fixing,
    diff: bool,
) -> report::Rendered {
    let rendered = renderer.render(report, fail_on).with_fixed(fixing.applied);
    if diff {
        rendered.with_text(fixing.diff.unwrap_or_default())
    } else {
        rendered
    }
}

/// Lints the inputs in parallel and prints them in order; returns the files
/// their `file()` calls name that are not inputs themselves, each once,
/// sorted by name.
fn lint_items(
    items: &[(String, Item)],
    linter: &Linter<'_>,
    renderer: &report::Renderer,
    pool: &rayon::ThreadPool,
    stream: &mut report::Stream<'_>,
) -> io::Result<Vec<Resolved>> {
    // Drawn only on a terminal outside CI, once the run takes a second.
    let progress = Progress::new(items.len());
    let lint_item = |(_, item): &(String, Item)| -> (report::Rendered, Vec<Resolved>) {
        let _done = IncOnDrop(&progress);
        let (report, fail_on, referenced, fixing) = match item {
            Item::Input(input) => linter.lint(input, true),
            Item::WalkError(e) => (
                linter.unanalyzed(FileReport::io_error(e.name.clone(), e.message.clone())),
                linter.workspace.for_path(Path::new(&e.name)).fail_on(),
                Vec::new(),
                Fixing::default(),
            ),
            Item::Ignored(i) => {
                let listing = linter.args.show_files;
                return (
                    report::ignored_line(&i.name, &i.reason, i.left_out, listing),
                    Vec::new(),
                );
            }
        };
        (
            rendered(renderer, report, fail_on, fixing, linter.args.diff),
            referenced,
        )
    };
    let mut referenced: Vec<Resolved> = Vec::new();
    if items.len() <= 1 {
        for (rendered, found) in items.iter().map(lint_item) {
            stream.push(rendered)?;
            referenced.extend(found);
        }
    } else {
        // Chunks keep memory flat: only one chunk's rendered output is alive
        // at a time. Within a chunk an indexed parallel iterator collects in
        // input order, so output is the same whatever the thread count.
        for chunk in items.chunks(FILES_PER_CHUNK) {
            let rendered: Vec<(report::Rendered, Vec<Resolved>)> =
                pool.install(|| chunk.par_iter().map(lint_item).collect());
            progress.suspend(|| -> io::Result<()> {
                for (rendered, found) in rendered {
                    stream.push(rendered)?;
                    referenced.extend(found);
                }
                Ok(())
            })?;
        }
    }
    progress.finish();
    // They come after the inputs, sorted by name: which `.tf` file found
    // one first must not change where it is printed.
    let cwd = linter.cwd;
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
    Ok(referenced)
}

/// Lints the files `file()` calls name, after the inputs.
fn lint_referenced(
    referenced: &[Resolved],
    linter: &Linter<'_>,
    renderer: &report::Renderer,
    pool: &rayon::ThreadPool,
    stream: &mut report::Stream<'_>,
) -> io::Result<()> {
    let lint_one = |resolved: &Resolved| match resolved {
        Resolved::File(path) => {
            let input = Input::File {
                path: path.clone(),
                origin: Origin::Named,
                listed_as_file: false,
            };
            let (report, fail_on, _, fixing) = linter.lint(&input, false);
            rendered(renderer, report, fail_on, fixing, linter.args.diff)
        }
        Resolved::Refused(path, message) => {
            let report = linter.unanalyzed(FileReport::io_error(display_name(path), message.clone()));
            renderer.render(report, linter.workspace.for_path(path).fail_on())
        }
        Resolved::NotFollowed => unreachable!("not-followed references count as unknown values"),
    };
    for chunk in referenced.chunks(FILES_PER_CHUNK) {
        let rendered: Vec<report::Rendered> = pool.install(|| chunk.par_iter().map(lint_one).collect());
        for rendered in rendered {
            stream.push(rendered)?;
        }
    }
    Ok(())
}

/// Findings about `[[suppress]]` entries, once every file is done.
fn entry_findings(
    args: &LintArgs,
    cwd: &Path,
    workspace: &Workspace,
    today: Date,
    baseline: Option<&BaselineRun>,
    renderer: &report::Renderer,
    stream: &mut report::Stream<'_>,
) -> io::Result<()> {
    let walked: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-" && p.is_dir())
        .map(|p| crate::settings::normalize(&cwd.join(p)))
        .collect();
    for loaded in workspace.configs() {
        let walked_root = walked.iter().any(|dir| loaded.root.starts_with(dir));
        let found = crate::suppress::entry_findings(&loaded.config.suppress, today, walked_root);
        if found.is_empty() {
            continue;
        }
        let settings = workspace.for_config(loaded);
        let mut report = FileReport::linted(loaded.name.clone(), String::new(), Vec::new(), 0, 0, Vec::new());
        crate::suppress::add_findings(
            &mut report,
            found,
            &settings.lint_settings().1,
            loaded.text.clone(),
        );
        if report.diagnostics.is_empty() {
            continue;
        }
        if let Some(baseline) = baseline {
            baseline.apply(&mut report);
        }
        stream.push(renderer.render(report, settings.fail_on()))?;
    }
    Ok(())
}

/// The exit code, and `--diff`'s summary line.
fn finish(args: &LintArgs, totals: &report::Totals, mode: Mode, err: &mut dyn Write) -> io::Result<u8> {
    if args.diff {
        // As ruff: the diffs on stdout, what they come to on stderr, and
        // exit 1 when there is something to fix.
        if !args.quiet {
            writeln!(err, "{}", would_fix(totals, args.unsafe_fixes))?;
        }
        return Ok(if totals.io_errors > 0 {
            EXIT_ERROR
        } else if totals.fixed > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        });
    }
    Ok(exit_code(totals, mode))
}

/// What fixing one file did: fixes applied, and the diff when `--diff`
/// asked for one instead of a write.
#[derive(Debug, Default)]
struct Fixing {
    applied: usize,
    diff: Option<String>,
}

/// `--diff`'s summary line.
fn would_fix(totals: &report::Totals, unsafe_fixes: bool) -> String {
    let noun = |n: usize| crate::core::text::count(n, "problem");
    let mut line = if totals.fixed == 0 {
        "No problems would be fixed".to_string()
    } else {
        format!("Would fix {}", noun(totals.fixed))
    };
    if !unsafe_fixes && totals.fixable_unsafe > 0 {
        line.push_str(&format!(
            " ({} more with `--unsafe-fixes`)",
            totals.fixable_unsafe
        ));
    }
    line.push('.');
    line
}

/// Argument combinations clap cannot express.
fn usage_problem(args: &LintArgs) -> Option<String> {
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.stdin_filename.is_some() && !reads_stdin {
        return Some(
            "--stdin-filename names standard input, but `-` is not among the paths: add `-` to read it"
                .to_string(),
        );
    }
    if args.ignore.contains(&Selector(vec![Rule::IoError])) {
        return Some(
            "`io-error` cannot be ignored: a file that cannot be read is always reported, so a run never passes without checking it".to_string(),
        );
    }
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return Some(
            "--statistics prints a table (human) or a JSON array (json); it has no other format".to_string(),
        );
    }
    let reads_stdin_to_fix = reads_stdin && (args.fix || args.diff);
    if reads_stdin_to_fix {
        return Some("--fix and --diff change files; standard input (`-`) cannot be fixed".to_string());
    }
    if args.diff && args.format != Format::Human {
        return Some("--diff prints a unified diff; it has no --format".to_string());
    }
    if args.statistics && args.show_files {
        return Some("--statistics and --show-files each replace the findings: give one".to_string());
    }
    output_among_inputs(args)
}

/// `-o FILE` naming an input, or a file inside a walked folder, would
/// overwrite what is being linted (or be linted on the next run).
fn output_among_inputs(args: &LintArgs) -> Option<String> {
    let output = args.output_file.as_ref()?;
    let cwd = std::env::current_dir().ok()?;
    let resolve = |path: &Path| {
        let absolute = lexical(&cwd.join(path));
        // Through the links of the folders that exist, so `./x` and a
        // linked folder's name lead to the same place.
        match (absolute.parent(), absolute.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir).map_or(absolute.clone(), |d| d.join(name)),
            _ => absolute,
        }
    };
    let output_at = resolve(output);
    for input in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        let input_at = resolve(input);
        let inside = input.is_dir() && output_at.starts_with(&input_at);
        if output_at == input_at || inside {
            return Some(format!(
                "--output-file `{}` is {} `{}`: write the report outside what is linted",
                display_name(output),
                if inside {
                    "inside the linted folder"
                } else {
                    "the input"
                },
                display_name(input)
            ));
        }
    }
    None
}

/// Reports configuration files that could not be loaded; the run stops.
fn config_failure(errors: &[LoadError], style: Style, err: &mut dyn Write) -> io::Result<u8> {
    for error in errors {
        match error {
            LoadError::Io(message) => writeln!(err, "policy-check: {}", escape::text(message))?,
            LoadError::Invalid { name, text, error } => report::config_error::write(
                name,
                text,
                error,
                Style {
                    links: false,
                    ..style
                },
                err,
            )?,
        }
    }
    Ok(EXIT_ERROR)
}

/// `--show-settings PATH`.
fn show_settings(
    path: &Path,
    settings: &FileSettings<'_>,
    today: Date,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (options, rules) = settings.lint_settings();
    let none = "(none)".to_string();
    // Names and values come from the file system and the configuration:
    // each is escaped where it is inserted.
    let list = |items: &[String]| {
        if items.is_empty() {
            none.clone()
        } else {
            items
                .iter()
                .map(|i| escape::text(i))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    writeln!(out, "Settings for {}", escape::text(&display_name(path)))?;
    writeln!(
        out,
        "  configuration: {}",
        settings
            .config()
            .map_or(Cow::Borrowed("(none: built-in defaults)"), |c| escape::text(
                &c.name
            ))
    )?;
    writeln!(
        out,
        "  linted when found by walking: {}",
        if settings.selects(Origin::Walked, false) {
            "yes"
        } else {
            "no (excluded by include/exclude)"
        }
    )?;
    writeln!(out, "  fail-on: {}", settings.fail_on())?;
    writeln!(out, "  max-policy-length: {}", options.max_policy_length)?;
    writeln!(
        out,
        "  jsonpath: {}",
        settings
            .config_jsonpath()
            .map_or(Cow::Borrowed("(none)"), |q| escape::text(q.expression()))
    )?;
    writeln!(out, "  extra-actions: {}", list(&options.extra_actions))?;
    writeln!(
        out,
        "  extra-condition-keys: {}",
        list(&options.extra_condition_keys)
    )?;
    writeln!(
        out,
        "  allowed-access-levels: {}",
        options
            .allowed_access_levels
            .as_deref()
            .map_or_else(|| "(any)".to_string(), list)
    )?;
    let suppress: Vec<String> = settings
        .suppressions(today)
        .iter()
        .map(|s| match &s.jsonpath {
            Some(at) => format!("{} at {} ({})", s.rule.id(), at.text, s.reason),
            None => format!("{} ({})", s.rule.id(), s.reason),
        })
        .collect();
    writeln!(out, "  suppress: {}", list(&suppress))?;
    writeln!(out, "  rules:")?;
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    for rule in Rule::ALL {
        let level = rules.severity(*rule).map_or("off", Severity::as_str);
        writeln!(out, "    {:width$}  {level}", rule.id())?;
    }
    Ok(())
}

/// Files linted between two writes: enough to keep every worker busy, few
/// enough that their rendered output stays small.
const FILES_PER_CHUNK: usize = 256;

/// What every input of one run is linted with.
struct Linter<'a> {
    args: &'a LintArgs,
    workspace: &'a Workspace,
    named_origin: Origin,
    stdin_name: &'a str,
    stdin_path: &'a Path,
    /// Standard input when `-` is among the paths; `Some(None)` when it was
    /// larger than `--max-file-size`.
    stdin_bytes: &'a Option<Option<Vec<u8>>>,
    /// The run's inputs, walk errors and ignored files, by name.
    items: &'a [(String, Item)],
    /// Every file input and unwalkable path, absolute and normalised: a file
    /// a `.tf` names with `file()` that is also one is reported by it alone.
    /// Built from `items` when the first `file()` reference is met: most
    /// runs have none, and on a large tree the set is megabytes.
    inputs: OnceLock<HashSet<PathBuf>>,
    cwd: &'a Path,
    /// Decides which suppressions have expired.
    today: Date,
    baseline: Option<&'a BaselineRun>,
    /// The Terraform module of each folder a `.tf` input sits in, read once.
    modules: std::sync::Mutex<HashMap<PathBuf, Arc<crate::host::terraform::Module>>>,
}

impl Linter<'_> {
    /// The module of the `.tf` file at `path`, read once per folder.
    fn module(&self, path: &Path) -> Option<Arc<crate::host::terraform::Module>> {
        if crate::core::Syntax::of(&path.to_string_lossy()) != Some(crate::core::Syntax::Hcl) {
            return None;
        }
        let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let known = self.modules.lock().ok()?.get(&folder).cloned();
        if known.is_some() {
            return known;
        }
        let (folder, module) = crate::discover::terraform_module(path, self.args.max_file_size)?;
        let module = Arc::new(module);
        if let Ok(mut modules) = self.modules.lock() {
            modules.insert(folder, Arc::clone(&module));
        }
        Some(module)
    }

    /// A report the engine did not make (the input was not read, or the
    /// fixed text not written), with the baseline applied as the engine
    /// applies it to the others.
    fn unanalyzed(&self, mut report: FileReport) -> FileReport {
        if let Some(baseline) = self.baseline {
            baseline.apply(&mut report);
        }
        report
    }

    /// Lints one input. With `follow`, the files its `file()` calls name
    /// that are not inputs themselves are returned, for the caller to lint
    /// once each after the inputs.
    fn lint(&self, input: &Input, follow: bool) -> (FileReport, Severity, Vec<Resolved>, Fixing) {
        let args = self.args;
        let (name, path, origin) = match input {
            Input::Stdin => (self.stdin_name.to_string(), self.stdin_path, Origin::Named),
            Input::File { path, origin, .. } => (display_name(path), path.as_path(), *origin),
        };
        let origin = if origin == Origin::Named {
            self.named_origin
        } else {
            origin
        };
        let settings = self.workspace.for_path(path);
        let fail_on = settings.fail_on();
        if !settings.selects(origin, args.force_exclude) {
            // An editor linting an excluded file's buffer gets silence, as
            // ruff gives with `--force-exclude --stdin-filename`.
            let by = settings.config().map_or("the configuration", |c| c.name.as_str());
            let report = FileReport::excluded(name, format!("by `include`/`exclude` in {by}"));
            return (self.unanalyzed(report), fail_on, Vec::new(), Fixing::default());
        }
        let bytes = match input {
            Input::Stdin => self
                .stdin_bytes
                .clone()
                .flatten()
                .ok_or_else(|| too_large(self.stdin_name, args.max_file_size)),
            Input::File { listed_as_file, .. } => {
                read_regular_file(path, args.max_file_size, *listed_as_file)
            }
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(message) => {
                let report = FileReport::io_error(name, message);
                return (self.unanalyzed(report), fail_on, Vec::new(), Fixing::default());
            }
        };
        let (options, rules) = settings.lint_settings();
        let jsonpath = match (args.jsonpath.as_ref(), settings.config_jsonpath()) {
            (Some(query), _) => Some((query, Selected::ByCommandLine(origin))),
            (None, Some(query)) => Some((query, Selected::ByConfig)),
            (None, None) => None,
        };
        // `--fix --diff` is `--diff`, as in ruff: nothing is written.
        let write = |text: &str| write_atomic(path, text.as_bytes(), Replace::Edit);
        let module = self.module(path);
        let analysis = engine::analyze(
            engine::Input {
                name: name.clone(),
                bytes,
                origin,
            },
            &engine::Settings {
                options,
                rules,
                suppressions: settings.suppressions(self.today),
                module: module.as_deref(),
                // A `file()` target is the string Terraform reads: a policy
                // whatever its name.
                plain: !follow,
                jsonpath,
                baseline: self.baseline,
                fix: (args.fix || args.diff).then_some(args.unsafe_fixes),
                write: (!args.diff).then_some(&write),
                outline: false,
            },
        );
        let mut report = analysis.report;
        let mut fixing = Fixing::default();
        if let Some(fixed) = analysis.fixed {
            fixing.applied = fixed.applied;
            if args.diff {
                fixing.diff = Some(unified_diff(&escape::text(&name), &fixed.before, &fixed.after));
            }
        }
        let references = analysis.references;
        let mut followed = Vec::new();
        let mut not_followed = 0;
        for reference in references {
            // Standard input has no folder to resolve against.
            let (Input::File { path, origin, .. }, true) = (input, follow) else {
                not_followed += 1;
                continue;
            };
            let root = root_of(&self.args.paths, path, *origin);
            match files::resolve(path, &root, &reference.path, self.cwd) {
                // An input read as a plain policy is reported as that input;
                // one its name gives to a host kind (`x.tf.json`, `x.yaml`)
                // is not what `file()` reads, so it is followed as well.
                Resolved::File(target)
                    if self
                        .inputs
                        .get_or_init(|| input_paths(self.items, self.cwd))
                        .contains(&lexical(&self.cwd.join(&target)))
                        && !crate::host::read_by_kind(&target.to_string_lossy()) => {}
                Resolved::File(target) => followed.push(files::links_inside(target, path, &root, self.cwd)),
                _ => not_followed += 1,
            }
        }
        if let Outcome::Linted { unknown, .. } = &mut report.outcome {
            *unknown += not_followed;
        }
        (report, fail_on, followed, fixing)
    }
}

/// Counts a file done when its linting ends, however it ends.
struct IncOnDrop<'a>(&'a Progress);

impl Drop for IncOnDrop<'_> {
    fn drop(&mut self) {
        self.0.inc();
    }
}

/// Something to report on, in output order.
enum Item {
    Input(Input),
    WalkError(crate::discover::WalkError),
    /// Left out by an ignore file (only listed by `--show-files`).
    Ignored(crate::discover::Ignored),
}

/// 2 when a file could not be read, 1 when a finding blocks, else 0;
/// `--show-files` only lists, so it fails only on unreadable files.
fn exit_code(totals: &report::Totals, mode: Mode) -> u8 {
    if totals.io_errors > 0 {
        EXIT_ERROR
    } else if totals.blocking_count() > 0 && mode != Mode::Files {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Colour and hyperlinks only on a terminal; `--color` and `FORCE_COLOR`
/// override the terminal test, and `NO_COLOR` turns `auto` off, as in ruff.
fn terminal_style(choice: ColorChoice, to_file: bool) -> Style {
    let terminal = !to_file && io::stdout().is_terminal();
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("FORCE_COLOR") => true,
        ColorChoice::Auto => terminal && !set("NO_COLOR"),
    };
    Style {
        color,
        links: terminal,
    }
}

/// `rules --services`: one line per catalogued service, sorted by code:
/// code, action count, whether the table is complete, the date of its newest
/// source and the kinds of source its rows come from (most rows first).
fn list_services(out: &mut dyn Write) -> io::Result<()> {
    let catalog = crate::catalog::catalog();
    let mut text = String::from("service\tactions\tcomplete\tsnapshot\tsources\n");
    for table in catalog.tables() {
        let kinds: Vec<String> = table
            .source_kinds()
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            table.service(),
            table.operations().len(),
            if table.is_complete() { "yes" } else { "no" },
            table.snapshot_date(),
            kinds.join(", ")
        ));
    }
    out.write_all(text.as_bytes())
}

fn list_rules(markdown: bool, out: &mut dyn Write) -> io::Result<()> {
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    if markdown {
        writeln!(out, "| rule | severity | what it reports |\n|---|---|---|")?;
    }
    for rule in Rule::ALL {
        let meta = rule.meta();
        if markdown {
            writeln!(
                out,
                "| `{}` | {} | {} |",
                meta.id,
                meta.severity,
                meta.summary.replace('|', "\\|")
            )?;
        } else {
            writeln!(
                out,
                "{:width$}  {:16}  {}",
                meta.id,
                meta.severity.as_str(),
                meta.summary
            )?;
        }
    }
    Ok(())
}

fn explain(id: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let Some(rule) = Rule::from_id(id) else {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let hint = crate::core::text::nearest(id, &ids)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        writeln!(
            err,
            "policy-check: unknown rule `{}`{hint} (`policy-check rules` lists them)",
            escape::text(id)
        )?;
        return Ok(EXIT_ERROR);
    };
    let meta = rule.meta();
    writeln!(out, "{} ({})\n\n{}\n", meta.id, meta.severity, meta.summary)?;
    writeln!(out, "What it catches\n  {}\n", meta.what)?;
    writeln!(out, "Why it matters\n  {}\n", meta.why)?;
    if let Some(config) = meta.config {
        // Every line indented, so multi-line TOML stays readable.
        let config = config.lines().collect::<Vec<_>>().join("\n  ");
        writeln!(out, "With this policy-check.toml\n  {config}\n")?;
    }
    writeln!(out, "Bad\n  {}\n\nGood\n  {}", meta.bad, meta.good)?;
    Ok(EXIT_CLEAN)
}

/// Most worker threads `--jobs` accepts: more than any machine's cores, and
/// few enough that the pool starts at once (each thread takes a stack).
pub const MAX_JOBS: usize = 256;

/// `--jobs`: a thread count up to [`MAX_JOBS`]; 0 means the available cores.
fn parse_jobs(text: &str) -> Result<usize, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("expected a number of threads, such as 4".into());
    }
    match text.parse::<usize>() {
        Ok(n) if n <= MAX_JOBS => Ok(n),
        _ => Err(format!(
            "at most {MAX_JOBS} worker threads are allowed; leave --jobs out to use every core"
        )),
    }
}
