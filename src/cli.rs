//! The command line: parses arguments, runs the pipeline over the inputs in
//! parallel, prints from one thread in input order, and picks the exit code.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};
use rayon::prelude::*;

use crate::diagnostic::Severity;
use crate::discover::{
    discover, display_name, parse_size, read_limited, read_regular_file, too_large, Input,
    DEFAULT_MAX_FILE_SIZE,
};
use crate::embedded::{lint_host, Query};
use crate::lint::{FileReport, Origin};
use crate::report::{self, Format, Style};
use crate::rules::Rule;
use crate::settings::{LoadError, Overrides, RunSettings};

/// Exit codes, as documented in the README.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

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
        #[arg(long)]
        markdown: bool,
    },
    /// Show what a rule catches, why it matters, and a bad and a good example
    Explain {
        /// The rule id, such as `unknown-action`
        rule: String,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Decide offline whether the policies allow a request (default: ens:CreateImage on `*`)
    Simulate(crate::simulate::SimulateArgs),
    /// Run policy test files: cases with policies, a request and the expected outcome
    Test(crate::simulate::TestArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads standard input
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Name to show for standard input in findings
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Severities that make the run fail (exit 1) [default: the
    /// configuration's `fail-on`, else error,security-warning]
    #[arg(long, value_delimiter = ',', value_name = "SEVERITY")]
    pub fail_on: Option<Vec<Severity>>,
    /// Configuration file [default: the nearest policy-check.toml in the
    /// working directory or its parents]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (overrides the configuration file; `policy-check
    /// rules` lists them)
    #[arg(long, value_delimiter = ',', value_name = "RULE", hide_possible_values = true)]
    pub select: Vec<Rule>,
    /// Never run these rules (overrides the configuration file)
    #[arg(long, value_delimiter = ',', value_name = "RULE", hide_possible_values = true)]
    pub ignore: Vec<Rule>,
    /// Apply `include`/`exclude` and skip non-policy JSON even for files
    /// named on the command line (for pre-commit, which names every file)
    #[arg(long)]
    pub force_exclude: bool,
    /// Lint the policies this JSONPath selects inside each file instead of
    /// the file itself, e.g. `$.Resources.*.Properties.PolicyDocument`
    #[arg(long, value_name = "EXPR", value_parser = Query::parse)]
    pub jsonpath: Option<Query>,
    /// Worker threads (default: available cores)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Largest file to read (such as 512K or 10MiB); larger files are reported, not read
    #[arg(long, value_name = "SIZE", default_value_t = DEFAULT_MAX_FILE_SIZE, value_parser = parse_size)]
    pub max_file_size: u64,
}

impl clap::ValueEnum for Rule {
    fn value_variants<'a>() -> &'a [Self] {
        Rule::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.id()))
    }
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
        Some(Command::Rules { markdown }) => list_rules(markdown, out).map(|()| EXIT_CLEAN),
        Some(Command::Explain { rule }) => explain(&rule, out, err),
        Some(Command::Completions { shell }) => {
            // clap_complete panics on a failed write (`| head`); write
            // through a buffer so the error is ours to handle.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "policy-check", &mut script);
            out.write_all(&script).map(|()| EXIT_CLEAN)
        }
        Some(Command::Simulate(args)) => {
            crate::simulate::run_simulate(&args, terminal_style(), stdin, out, err)
        }
        Some(Command::Test(args)) => crate::simulate::run_tests(&args, out),
        None => lint(cli.lint, stdin, out, err),
    };
    result.unwrap_or_else(|error| {
        // A closed pipe (`policy-check | head`) is not worth a message.
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "policy-check: {error}");
        }
        EXIT_ERROR
    })
}

fn lint(args: LintArgs, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let style = terminal_style();
    let cwd = std::env::current_dir()?;
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.clone(),
    };
    let settings = match RunSettings::load(args.config.as_deref(), &cwd, overrides) {
        Ok(settings) => settings,
        Err(LoadError::Io(message)) => {
            writeln!(err, "policy-check: {message}")?;
            return Ok(EXIT_ERROR);
        }
        Err(LoadError::Invalid { name, text, error }) => {
            report::config_error::write(
                &name,
                &text,
                &error,
                Style {
                    links: false,
                    ..style
                },
                err,
            )?;
            return Ok(EXIT_ERROR);
        }
    };
    let (mut inputs, walk_errors) = discover(&args.paths);
    inputs.retain(|input| match input {
        // An editor linting an excluded file's buffer gets silence, as ruff
        // gives with `--force-exclude --stdin-filename`.
        Input::Stdin => args.stdin_filename.as_ref().is_none_or(|name| {
            settings.selects(
                &cwd,
                std::path::Path::new(name),
                Origin::Named,
                args.force_exclude,
            )
        }),
        Input::File { path, origin, .. } => settings.selects(&cwd, path, *origin, args.force_exclude),
    });
    let stdin_name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_string());

    let mut stdin_bytes = None;
    if inputs.contains(&Input::Stdin) {
        stdin_bytes = Some(read_limited(stdin, args.max_file_size, 0)?);
    }
    let lint_bytes = |name: String, settings_path: &std::path::Path, bytes: Vec<u8>, origin: Origin| {
        let (options, rule_settings) = settings.for_file(&cwd, settings_path);
        match settings.jsonpath_for(&cwd, settings_path, args.jsonpath.as_ref()) {
            Some(query) => Some(lint_host(name, bytes, query, &options, &rule_settings)),
            None => crate::host::lint_input(name, bytes, origin, &options, &rule_settings),
        }
    };
    // `--force-exclude` also treats named files as walked ones, so a
    // pre-commit run skips JSON files that are not policies.
    let named_origin = if args.force_exclude {
        Origin::Walked
    } else {
        Origin::Named
    };
    let lint_one = |input: &Input| -> Option<FileReport> {
        match input {
            Input::Stdin => match stdin_bytes.clone().flatten() {
                // Per-path settings follow the name the editor gives stdin.
                Some(bytes) => lint_bytes(
                    stdin_name.clone(),
                    std::path::Path::new(&stdin_name),
                    bytes,
                    Origin::Named,
                ),
                None => Some(FileReport::io_error(
                    stdin_name.clone(),
                    too_large(&stdin_name, args.max_file_size),
                )),
            },
            Input::File {
                path,
                origin,
                listed_as_file,
            } => {
                let name = display_name(path);
                let origin = if *origin == Origin::Named {
                    named_origin
                } else {
                    *origin
                };
                match read_regular_file(path, args.max_file_size, *listed_as_file) {
                    Ok(bytes) => lint_bytes(name, path, bytes, origin),
                    Err(message) => Some(FileReport::io_error(name, message)),
                }
            }
        }
    };
    // Inputs and unwalkable paths, in output order (by shown name).
    let mut items: Vec<(String, Item)> = inputs
        .into_iter()
        .map(|input| match &input {
            Input::Stdin => (stdin_name.clone(), Item::Input(input)),
            Input::File { path, .. } => (display_name(path), Item::Input(input)),
        })
        .chain(
            walk_errors
                .into_iter()
                .map(|e| (e.name.clone(), Item::WalkError(e))),
        )
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));

    let renderer = report::Renderer::new(args.format, style);
    let lint_item = |(_, item): &(String, Item)| -> Option<report::Rendered> {
        let report = match item {
            Item::Input(input) => lint_one(input)?,
            Item::WalkError(e) => FileReport::io_error(e.name.clone(), e.message.clone()),
        };
        Some(renderer.render(report))
    };
    let mut out = io::BufWriter::new(out);
    let mut stream = report::Stream::start(&renderer, &mut out)?;
    if items.len() <= 1 {
        for rendered in items.iter().filter_map(lint_item) {
            stream.push(rendered)?;
        }
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.jobs.unwrap_or(0))
            .build()
            .map_err(io::Error::other)?;
        // Chunks keep memory flat: only one chunk's rendered output is alive
        // at a time. Within a chunk an indexed parallel iterator collects in
        // input order, so output is the same whatever the thread count.
        for chunk in items.chunks(FILES_PER_CHUNK) {
            let rendered: Vec<Option<report::Rendered>> =
                pool.install(|| chunk.par_iter().map(lint_item).collect());
            for rendered in rendered.into_iter().flatten() {
                stream.push(rendered)?;
            }
        }
    }
    let totals = stream.finish()?;
    out.flush()?;
    Ok(exit_code(&totals, &settings.fail_on()))
}

/// Files linted between two writes: enough to keep every worker busy, few
/// enough that their rendered output stays small.
const FILES_PER_CHUNK: usize = 256;

/// Something to report on, in output order.
enum Item {
    Input(Input),
    WalkError(crate::discover::WalkError),
}

fn exit_code(totals: &report::Totals, fail_on: &[Severity]) -> u8 {
    if totals.io_errors > 0 {
        EXIT_ERROR
    } else if fail_on.iter().any(|severity| totals.count(*severity) > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Colour and hyperlinks only on a terminal, and colour never under `NO_COLOR`.
fn terminal_style() -> Style {
    let terminal = io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Style {
        color: terminal && !no_color,
        links: terminal,
    }
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
        let hint = crate::checks::nearest(id, &ids)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        writeln!(
            err,
            "policy-check: unknown rule `{id}`{hint} (`policy-check rules` lists them)"
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
