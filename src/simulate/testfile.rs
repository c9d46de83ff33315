//! `policy-check test`: policy test files, each a list of cases (policies,
//! request, expected outcome) run through the simulator, so answers found
//! with `simulate` can be pinned in CI. The format is in docs/simulate.md.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::eval::{Decision, Request};
use super::output::decision_line;
use super::{check_action, simulate_paths, Failure, FileStatus, Simulation};
use crate::report::escape;
use crate::workspace::read::{read_regular_file, DEFAULT_MAX_FILE_SIZE};

/// One test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// What the file checks, for people reading it.
    #[serde(default)]
    pub description: Option<String>,
    /// Policies for every case that names none, relative to the test file.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub policies: Option<Vec<PathBuf>>,
    #[serde(default = "default_action")]
    pub action: String,
    #[serde(default = "default_resource")]
    pub resource: String,
    /// Condition keys and their values; a string is one value.
    #[serde(default)]
    pub context: Map<String, Value>,
    /// CreateImage parameters, as in a `--request` file.
    #[serde(default)]
    pub request: Option<Map<String, Value>>,
    pub expect: String,
}

pub fn default_action() -> String {
    "ens:CreateImage".to_string()
}

pub fn default_resource() -> String {
    "*".to_string()
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Decision(Decision),
    /// Any deny, explicit or implicit.
    Deny,
    /// The API's `Code` (an error code, or `0` for success).
    Code(String),
}

impl Expect {
    fn parse(text: &str) -> Expect {
        match text {
            "allow" => Expect::Decision(Decision::Allow),
            "deny" => Expect::Deny,
            "explicit-deny" => Expect::Decision(Decision::ExplicitDeny),
            "implicit-deny" => Expect::Decision(Decision::ImplicitDeny),
            code => Expect::Code(code.to_string()),
        }
    }

    /// The simulation's outcome in the expectation's terms, and whether it matches.
    fn check(&self, sim: &Simulation) -> (bool, String) {
        match self {
            Expect::Decision(d) => (sim.decision == *d, sim.decision.as_str().to_string()),
            Expect::Deny => (sim.decision != Decision::Allow, sim.decision.as_str().to_string()),
            Expect::Code(code) => {
                let got = sim
                    .call
                    .as_ref()
                    .map_or_else(|| "no response".to_string(), |c| c.response.code());
                (&got == code, got)
            }
        }
    }
}

/// Totals over all test files.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    /// Cases or files that could not run (bad test file, unusable policy).
    pub errors: usize,
}

/// Runs every case of every file, printing one line per case.
pub fn run(paths: &[PathBuf], out: &mut dyn Write) -> io::Result<Tally> {
    let mut tally = Tally::default();
    let roots = Roots::new(paths);
    for path in test_files(paths) {
        let path = &path;
        let name = crate::workspace::discover::display_name(path);
        let file = match read_test_file(path) {
            Ok(file) => file,
            Err(message) => {
                line(out, &format!("ERROR {name}: {message}"))?;
                tally.errors += 1;
                tally.failed += 1;
                continue;
            }
        };
        let base = path.parent().unwrap_or(Path::new(""));
        for case in &file.cases {
            let label = format!("{name}: {}", case.name);
            match run_case(case, &file.policies, base, &roots) {
                Ok(got) => {
                    tally.passed += 1;
                    line(out, &format!("ok    {label}: {got}"))?;
                }
                Err(CaseError::Failed { got, why }) => {
                    tally.failed += 1;
                    line(
                        out,
                        &format!("FAIL  {label}: expected {}, got {got}", case.expect),
                    )?;
                    for why in why {
                        line(out, &format!("      {why}"))?;
                    }
                }
                Err(CaseError::Error(message)) => {
                    tally.failed += 1;
                    tally.errors += 1;
                    line(out, &format!("ERROR {label}: {message}"))?;
                }
            }
        }
    }
    writeln!(out, "{} passed, {} failed", tally.passed, tally.failed)?;
    Ok(tally)
}

/// Writes one line of the report. Names, case names and reasons come from
/// test files and policies: escaped, a case cannot print a line of its own
/// (such as a fake `9 passed, 0 failed`).
fn line(out: &mut dyn Write, text: &str) -> io::Result<()> {
    // The lines guard is applied where the output is printed (`report::print`).
    writeln!(out, "{}", escape::text(text))
}

/// The named files, and in named directories every `*.test.json` (hidden
/// directories skipped), each directory's files sorted by path.
fn test_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".test.json"))
            .map(walkdir::DirEntry::into_path)
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

enum CaseError {
    /// The case ran and its outcome differs; `why` explains the decision.
    Failed {
        got: String,
        why: Vec<String>,
    },
    Error(String),
}

fn read_test_file(path: &Path) -> Result<TestFile, String> {
    let bytes = read_regular_file(path, DEFAULT_MAX_FILE_SIZE, false)?;
    let file: TestFile = serde_json::from_slice(&bytes).map_err(|e| format!("not a valid test file: {e}"))?;
    if file.cases.is_empty() {
        return Err("the test file has no cases".to_string());
    }
    Ok(file)
}

/// Runs one case: `Ok` with the outcome when it is as expected.
/// Where a test file's policies may be: a test file comes from a stranger's
/// pull request as much as a policy does, and a case prints the values it
/// finds, so it reads nothing outside the current directory and the folders
/// named on the command line (a named file's own folder), links resolved.
struct Roots(Vec<PathBuf>);

impl Roots {
    fn new(paths: &[PathBuf]) -> Roots {
        let named = paths.iter().filter_map(|path| {
            let folder = if path.is_dir() {
                path.as_path()
            } else {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            };
            std::fs::canonicalize(folder).ok()
        });
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
        Roots(named.chain(cwd).collect())
    }

    /// `None` when `policy` is inside; else the message refusing it. A path
    /// that does not exist is left to the loader, which says so.
    fn refuse(&self, policy: &Path) -> Option<String> {
        let resolved = std::fs::canonicalize(policy).ok()?;
        if self.0.iter().any(|root| resolved.starts_with(root)) {
            return None;
        }
        Some(format!(
            "policy `{}` is outside the folders being tested; name its folder on the command line to read it",
            crate::workspace::discover::display_name(policy)
        ))
    }
}

fn run_case(
    case: &Case,
    default_policies: &[PathBuf],
    base: &Path,
    roots: &Roots,
) -> Result<String, CaseError> {
    let expect = Expect::parse(&case.expect);
    if matches!(expect, Expect::Code(_)) && case.request.is_none() {
        return Err(CaseError::Error(format!(
            "`{}` is not allow, deny, explicit-deny or implicit-deny; an API code needs a `request`",
            case.expect
        )));
    }
    check_action(&case.action).map_err(CaseError::Error)?;
    let mut request = Request {
        action: case.action.clone(),
        resource: case.resource.clone(),
        context: Vec::new(),
    };
    for (key, value) in &case.context {
        let values = match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| CaseError::Error(format!("context `{key}`: values must be strings")))?,
            _ => {
                return Err(CaseError::Error(format!(
                    "context `{key}`: a string or an array of strings"
                )))
            }
        };
        request.add_context(key, values);
    }
    let policies: Vec<PathBuf> = case
        .policies
        .as_deref()
        .unwrap_or(default_policies)
        .iter()
        .map(|p| base.join(p))
        .collect();
    if policies.is_empty() {
        return Err(CaseError::Error("the case names no policies".to_string()));
    }
    if let Some(message) = policies.iter().find_map(|p| roots.refuse(p)) {
        return Err(CaseError::Error(message));
    }
    let sim = simulate_paths(
        request,
        &policies,
        None,
        DEFAULT_MAX_FILE_SIZE,
        case.request.as_ref(),
    )
    .map_err(|failure| {
        CaseError::Error(match failure {
            Failure::Usage(message) => message,
            Failure::Unusable(files) => {
                let names: Vec<String> = files
                    .iter()
                    .filter(|f| matches!(f.status, FileStatus::Unusable(_)))
                    .map(|f| f.name.clone())
                    .collect();
                format!("unusable policy {} (run `policy-check` on it)", names.join(", "))
            }
            Failure::Evaluation { files, error } => {
                format!("{}: {}", files[error.file].name, error.message)
            }
        })
    })?;
    let (passed, got) = expect.check(&sim);
    if passed {
        return Ok(got);
    }
    let mut why = vec![decision_line(&sim)];
    why.extend(sim.results.iter().map(|r| {
        let verdict = if r.applies { "applies" } else { "does not apply" };
        format!(
            "{} statement {} ({}): {verdict}: {}",
            sim.files[r.file].name,
            r.index,
            r.effect.as_str(),
            r.reason
        )
    }));
    if let Some(call) = &sim.call {
        why.extend(
            call.check
                .errors
                .iter()
                .map(|e| format!("request: {}: {}", e.code, e.detail)),
        );
    }
    Err(CaseError::Failed { got, why })
}
