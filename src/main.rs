//! Entry point: parse arguments, hand over to [`policy_check::cli::run`].

use std::io;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use policy_check::cli::{run, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = run(
        cli,
        &mut io::stdin().lock(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(code)
}
