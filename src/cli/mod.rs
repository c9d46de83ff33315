//! The command line, the front end on top: parses arguments, dispatches
//! each subcommand to its glue in a file here ([`lint`], [`simulate`],
//! [`diff`]), and picks the exit code. The work is below it (the lint run is
//! [`crate::workspace`]); every byte goes out through the emitter seam
//! (`report::print` and the lint stream), and only this module names exit codes.

mod diff;
mod lint;
mod simulate;

use std::io::{self, IsTerminal, Read, Write};

use clap::{CommandFactory, Parser, Subcommand};

use crate::core::Rule;
use crate::core::Severity;
use crate::report::{escape, Style};

pub use crate::core::exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
pub use lint::LintArgs;

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
        None => lint::run_lint(cli.lint, stdin, out, err),
    };
    result.unwrap_or_else(|error| {
        // A closed pipe (`policy-check | head`) is not worth a message.
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "policy-check: {}", escape::text(&error.to_string()));
        }
        EXIT_ERROR
    })
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
