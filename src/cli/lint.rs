//! `policy-check [PATHS]`, the lint command: the glue from its arguments to
//! a workspace run ([`crate::workspace`]), the renderer each file's findings
//! go to, the output file, and the exit code the totals give.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{parse_jobs, terminal_style, ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::baseline::BaselineRun;
use crate::core::{date, Date, Rule, Severity};
use crate::embedded::Query;
use crate::fix::unified::unified_diff;
use crate::host::files::lexical;
use crate::report::{self, escape, Format, Mode, RunFacts, Style};
use crate::select::{Selector, SelectorParser};
use crate::workspace::discover::{display_name, WalkOptions};
use crate::workspace::read::parse_size;
use crate::workspace::settings::{ConfigSource, LoadError, Overrides, Workspace};
use crate::workspace::write::{AtomicFile, Replace};
use crate::workspace::{baseline_file, Done, Options, Run};

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

/// Runs the lint command: the workspace lints, the renderer prints each
/// file as it comes, and the totals decide the exit code.
pub(super) fn run_lint(
    args: LintArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
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
        report::settings::write(path, &workspace.for_path(path), today, out)?;
        return Ok(EXIT_CLEAN);
    }
    let mut run = match Run::new(options(&args), workspace, cwd, today, baseline.as_ref(), stdin)? {
        Ok(run) => run,
        Err(errors) => return config_failure(&errors, style, err),
    };
    let mode = mode(&args);
    let renderer = report::Renderer::with_mode(args.format, mode, style).with_unsafe_fixes(args.unsafe_fixes);
    let target = match open_output(&args, out, err)? {
        Ok(target) => target,
        Err(code) => return Ok(code),
    };
    // Large writes: a run with many findings prints megabytes.
    let mut out = io::BufWriter::with_capacity(1 << 16, target);
    let mut stream = report::Stream::start(&renderer, &mut out)?;
    if let Err(errors) = run.lint(|done| rendered(&args, &renderer, done), |r| stream.push(r))? {
        return config_failure(&errors, style, err);
    }
    let facts = RunFacts {
        configs: (run.settings().configs().iter())
            .map(|c| c.config.summary(c.name.clone(), today))
            .collect(),
        unsafe_fixes: args.unsafe_fixes,
        baseline: baseline.as_ref().map(baseline_file::finish).transpose()?,
        listing: args.show_files,
    };
    let totals = stream.finish(&facts, args.quiet || args.diff)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .commit()?;
    finish(&args, &totals, mode, err)
}

/// What the lint run is asked to do.
fn options(args: &LintArgs) -> Options<'_> {
    Options {
        paths: &args.paths,
        stdin_filename: args.stdin_filename.as_deref(),
        force_exclude: args.force_exclude,
        walk: WalkOptions {
            respect_ignore_files: !args.no_ignore,
            list_ignored: args.show_files,
        },
        jsonpath: args.jsonpath.as_ref(),
        max_file_size: args.max_file_size,
        // `--fix --diff` is `--diff`, as in ruff: nothing is written.
        fix: (args.fix || args.diff).then_some(args.unsafe_fixes),
        write_fixes: !args.diff,
        baseline_file: args.baseline.as_deref().or(args.write_baseline.as_deref()),
        jobs: args.jobs,
    }
}

/// One file's result, rendered; with `--diff` only its diff is printed (and
/// its line on stderr).
fn rendered(args: &LintArgs, renderer: &report::Renderer, done: Done<'_>) -> report::Rendered {
    match done {
        Done::File {
            report,
            fail_on,
            fixed,
        } => {
            let applied = fixed.as_ref().map_or(0, |f| f.applied);
            let diff = args.diff.then(|| {
                fixed.map_or_else(String::new, |f| {
                    unified_diff(&escape::text(&report.name), &f.before, &f.after)
                })
            });
            let rendered = renderer.render(report, fail_on).with_fixed(applied);
            match diff {
                Some(diff) => rendered.with_text(diff),
                None => rendered,
            }
        }
        Done::AsIs { report, fail_on } => renderer.render(report, fail_on),
        Done::Ignored(i) => report::ignored_line(&i.name, &i.reason, i.left_out, args.show_files),
    }
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
    let dated = date::today().and_then(|today| {
        let baseline = baseline_file::open(args.baseline.as_deref(), args.write_baseline.as_deref(), &cwd)?;
        Ok((today, baseline))
    });
    let (today, baseline) = match dated {
        Ok(dated) => dated,
        Err(message) => {
            writeln!(err, "policy-check: {}", escape::text(&message))?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    Ok(Ok(Setup {
        cwd,
        workspace,
        today,
        baseline,
    }))
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
