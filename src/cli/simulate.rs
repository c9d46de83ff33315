//! `policy-check simulate` and `policy-check test`: their arguments, and
//! the glue from them to the evaluator ([`crate::simulate`]) and its
//! writers, with the exit code each outcome gives.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::report::{escape, print, DocumentFormat, Lines, Style};
use crate::simulate::eval::Request;
use crate::simulate::{
    check_action, output, parse_context, parse_context_json, read_request, simulate_paths, testfile, Failure,
};
use crate::workspace::read::read_limited;

/// Arguments of `policy-check simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The action requested
    #[arg(long, default_value = "ens:CreateImage")]
    pub action: String,
    /// The resource requested (`*` for operations without resource-level authorization)
    #[arg(long, default_value = "*")]
    pub resource: String,
    /// A request condition key and its values: KEY=VALUE, or KEY=V1,V2 for several (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Request condition keys as a JSON object, each a string or a list of strings: for values
    /// `--context` cannot write, such as "" or one holding a comma (repeatable)
    #[arg(long, value_name = "JSON")]
    pub context_json: Vec<String>,
    /// A JSON object of CreateImage parameters: also validate the request and simulate the API response
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Output format: the decision, the deciding statements as snippets and every other
    /// statement's reason; or one JSON document (schema in docs/simulate.md)
    #[arg(long, value_enum, default_value = "human")]
    pub format: DocumentFormat,
    /// Largest file to read, standard input included (such as 512KiB, 10MiB or 1.5MB)
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = crate::workspace::read::parse_size)]
    pub max_file_size: u64,
    /// The identity policies attached to the principal: policy files, Terraform, ROS templates or
    /// directories; `-` reads standard input
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
}

/// Arguments of `policy-check test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files (JSON) listing cases; directories are searched for `*.test.json`
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Runs `simulate`; returns the exit code (0 allowed and valid, 1 not, 2 error).
pub(super) fn run_simulate(
    args: &SimulateArgs,
    style: Style,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let mut request = Request {
        action: args.action.clone(),
        resource: args.resource.clone(),
        context: Vec::new(),
    };
    let mut usage = check_action(&args.action).err();
    for arg in &args.context {
        match parse_context(arg) {
            Ok((key, values)) => request.add_context(&key, values),
            Err(message) => usage = usage.or(Some(message)),
        }
    }
    for arg in &args.context_json {
        match parse_context_json(arg) {
            Ok(pairs) => {
                for (key, values) in pairs {
                    request.add_context(&key, values);
                }
            }
            Err(message) => usage = usage.or(Some(message)),
        }
    }
    let parameters = match &args.request {
        Some(path) => match read_request(path) {
            Ok(map) => Some(map),
            Err(message) => {
                usage = usage.or(Some(format!("--request {message}")));
                None
            }
        },
        None => None,
    };
    if let Some(message) = usage {
        return usage_error(&message, style, err);
    }
    let mut stdin_bytes = None;
    if args.policies.iter().any(|p| p.as_os_str() == "-") {
        stdin_bytes = read_limited(stdin, args.max_file_size, 0)?;
    }
    let stdin = ("<stdin>", stdin_bytes.as_deref());
    match simulate_paths(
        request,
        &args.policies,
        Some(stdin),
        args.max_file_size,
        parameters.as_ref(),
    ) {
        Ok(sim) => {
            print(&sim, args.format, style, out)?;
            Ok(if sim.succeeded() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            })
        }
        Err(Failure::Usage(message)) => usage_error(&message, style, err),
        Err(Failure::Unusable(files)) => {
            print(&output::Unusable(&files), DocumentFormat::Human, style, err)?;
            Ok(EXIT_ERROR)
        }
        Err(Failure::Evaluation { files, error }) => {
            let unevaluable = output::Unevaluable {
                file: &files[error.file],
                span: error.span,
                message: &error.message,
            };
            print(&unevaluable, DocumentFormat::Human, style, err)?;
            Ok(EXIT_ERROR)
        }
    }
}

/// `policy-check: MESSAGE` on standard error, and the exit code of a usage error.
pub(super) fn usage_error(message: &str, style: Style, err: &mut dyn Write) -> io::Result<u8> {
    let line = format!("policy-check: {}\n", escape::text(message));
    print(&Lines(&line), DocumentFormat::Human, style, err)?;
    Ok(EXIT_ERROR)
}

/// Runs `test`; returns 0 when every case passes, 1 on a failure, 2 when a
/// test file or a policy could not be used.
pub(super) fn run_tests(args: &TestArgs, out: &mut dyn Write) -> io::Result<u8> {
    let mut text = Vec::new();
    let tally = testfile::run(&args.files, &mut text)?;
    let text = String::from_utf8_lossy(&text);
    print(&Lines(&text), DocumentFormat::Human, Style::default(), out)?;
    Ok(if tally.errors > 0 {
        EXIT_ERROR
    } else if tally.failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
