//! Entry point: parse arguments, hand over to [`policy_check::cli::run`].

#![forbid(unsafe_code)]

use std::io;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use policy_check::cli::{run, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Lsp) = cli.command {
        // The server's own threads read and write stdio: no lock held here.
        return ExitCode::from(policy_check::lsp::run().unwrap_or_else(|e| {
            eprintln!("policy-check lsp: {e}");
            policy_check::cli::EXIT_ERROR
        }));
    }
    // Standard error is not held locked: the progress bar (src/progress.rs)
    // writes to it from the worker threads.
    let code = run(
        cli,
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &mut io::stderr(),
    );
    ExitCode::from(code)
}
