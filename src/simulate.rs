//! The offline authorization evaluator behind `policy-check simulate` and
//! `policy-check test`: RAM's evaluation of a principal's identity policies
//! for one request ([`eval`]), the simulated API call ([`api`]), the reports
//! ([`output`]) and policy test files ([`testfile`]).
//!
//! Documents are linted first: one the evaluator cannot read faithfully
//! (see [`BLOCKING`]) stops the run instead of being half-evaluated.

pub mod api;
pub mod eval;
pub mod load;
pub mod output;
pub mod testfile;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::core::Diagnostic;
use crate::core::Rule;
use crate::engine::read::Tree;
use crate::model::Policy;
use crate::workspace::read::{read_regular_file, DEFAULT_MAX_FILE_SIZE};
use api::{ApiSpec, RequestCheck, Response};
use eval::{decide, evaluate_policy, Decision, EvaluationError, Request, StatementResult};

/// Findings after which a document cannot be evaluated as RAM would: it is
/// unreadable, not a policy, or its statements' meaning is ambiguous (a
/// missing or misspelled element, a duplicated key, a value of the wrong type
/// that the model would drop). Other errors, such as an unknown action, leave
/// the meaning clear: that statement just never applies.
pub const BLOCKING: [Rule; 11] = [
    Rule::IoError,
    Rule::InvalidJson,
    Rule::InvalidSyntax,
    Rule::InvalidDocument,
    Rule::InvalidStatement,
    Rule::InvalidEffect,
    Rule::InvalidValueType,
    Rule::MissingAction,
    Rule::MissingResource,
    Rule::ConflictingElements,
    Rule::DuplicateKey,
];

/// One policy file given to the simulator.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    pub name: String,
    pub text: String,
    pub status: FileStatus,
    /// The document's tree as the engine read it, for an evaluated one:
    /// every request is evaluated on it, nothing is parsed again.
    pub tree: Option<Arc<Tree>>,
}

impl PolicyFile {
    /// The policies in `text`, read through the engine as a file named
    /// `name` would be (for callers that hold a policy in memory).
    pub fn read(name: &str, text: &str) -> Vec<PolicyFile> {
        let mut loaded = load::Loaded::default();
        loaded.add_unevaluated(
            name.to_string(),
            text.as_bytes().to_vec(),
            crate::core::Origin::Named,
        );
        loaded.files
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    Evaluated,
    /// Not an identity policy; the reason says what it is.
    Skipped(String),
    /// The findings that make it unusable.
    Unusable(Vec<Diagnostic>),
}

/// The simulated API call made with `--request`.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub spec: &'static ApiSpec,
    pub check: RequestCheck,
    pub response: Response,
}

/// A finished simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub request: Request,
    /// The resource the statements were matched against: `*` for an
    /// operation without resource-level authorization, else the one asked.
    pub evaluated_resource: String,
    pub files: Vec<PolicyFile>,
    pub results: Vec<StatementResult>,
    pub decision: Decision,
    pub call: Option<ApiCall>,
    /// Condition keys that statements matching the action and resource test
    /// but the context lacks, sorted.
    pub missing_context: Vec<String>,
    /// Things worth knowing about the question itself (an uncatalogued
    /// action, a resource RAM would not evaluate), in output order.
    pub notes: Vec<String>,
}

impl Simulation {
    /// Allowed, and the request valid when one was given.
    pub fn succeeded(&self) -> bool {
        self.decision == Decision::Allow && self.call.as_ref().is_none_or(|c| c.check.is_valid())
    }
}

/// Why a simulation could not be decided; all of these exit 2.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Bad arguments or request file.
    Usage(String),
    /// Documents the evaluator cannot read; `files` has their findings.
    Unusable(Vec<PolicyFile>),
    /// A condition that cannot be evaluated, in `files[error.file]`.
    Evaluation {
        files: Vec<PolicyFile>,
        error: EvaluationError,
    },
}

/// Reads the policies at `paths` (files or directories, in any input kind
/// the linter reads) to evaluate later, as `diff` does; see [`load::load`].
pub fn load_policies(paths: &[PathBuf]) -> load::Loaded {
    load::load(paths, None, DEFAULT_MAX_FILE_SIZE, None)
}

/// Moves the spans of `result` from a kept document into its host.
pub fn to_host(result: &mut StatementResult, tree: &Tree) {
    result.span = tree.host_span(result.span);
    result.reason_span = tree.host_span(result.reason_span);
    for (span, _) in &mut result.evidence {
        *span = tree.host_span(*span);
    }
}

/// Evaluates `request` against the loaded `files` (as [`load_policies`]
/// reads them), and with `parameters` also simulates the API call.
pub fn simulate(
    request: Request,
    files: Vec<PolicyFile>,
    parameters: Option<&Map<String, Value>>,
) -> Result<Simulation, Failure> {
    if files.iter().any(|f| matches!(f.status, FileStatus::Unusable(_))) {
        return Err(Failure::Unusable(files));
    }
    let spec = api_spec(&request, parameters)?;
    let evaluated = evaluated_request(&request);
    let mut results = Vec::new();
    for (index, file) in files.iter().enumerate() {
        if file.status != FileStatus::Evaluated {
            continue;
        }
        let Some(tree) = &file.tree else {
            continue;
        };
        let Some(policy) = Policy::from_root(&tree.root) else {
            continue;
        };
        match evaluate_policy(index, &policy, &evaluated) {
            Ok(found) => results.extend(found.into_iter().map(|mut r| {
                to_host(&mut r, tree);
                r
            })),
            Err(error) => return Err(Failure::Evaluation { files, error }),
        }
    }
    Ok(finish(request, files, results, spec, parameters))
}

/// Reads the policies at `paths` through the linter's input kinds (a
/// `.tf` file, a ROS template, a plan, a plain policy; `-` is standard
/// input, `None` in `stdin` when it was over the size limit), parsing each
/// file once, and evaluates `request` on them as [`simulate`] does.
pub fn simulate_paths(
    request: Request,
    paths: &[PathBuf],
    stdin: Option<load::Stdin<'_>>,
    max_size: u64,
    parameters: Option<&Map<String, Value>>,
) -> Result<Simulation, Failure> {
    let evaluated = evaluated_request(&request);
    let loaded = load::load(paths, stdin, max_size, Some(&evaluated));
    if loaded.files.is_empty() && loaded.unknown.is_empty() {
        return Err(Failure::Usage(
            "no policy documents found in the given paths".to_string(),
        ));
    }
    if loaded
        .files
        .iter()
        .any(|f| matches!(f.status, FileStatus::Unusable(_)))
    {
        return Err(Failure::Unusable(loaded.files));
    }
    if !loaded.unknown.is_empty() {
        return Err(Failure::Usage(format!(
            "a request cannot be decided on policies that Terraform or ROS computes: {} {} \
             values not known until deployment; simulate the rendered policies (such as \
             `terraform show -json` output) instead",
            loaded.unknown.join(", "),
            if loaded.unknown.len() == 1 {
                "holds"
            } else {
                "hold"
            }
        )));
    }
    let spec = api_spec(&request, parameters)?;
    if let Some(error) = loaded.error {
        return Err(Failure::Evaluation {
            files: loaded.files,
            error,
        });
    }
    Ok(finish(request, loaded.files, loaded.results, spec, parameters))
}

/// The API description `--request` needs, when parameters are given.
fn api_spec(
    request: &Request,
    parameters: Option<&Map<String, Value>>,
) -> Result<Option<&'static ApiSpec>, Failure> {
    match parameters {
        Some(_) => Ok(Some(
            api::spec_for(&request.action)
                .map_err(Failure::Usage)?
                .ok_or_else(|| {
                    Failure::Usage(format!(
                        "--request needs an API description of `{}`; policy-check has one for ens:CreateImage",
                        request.action
                    ))
                })?,
        )),
        None => Ok(None),
    }
}

/// The request statements are matched against: RAM evaluates an operation
/// without resource-level authorization on `*`, whatever resource is
/// asked, and so does the simulator, as the linter's
/// `resource-not-supported` assumes.
fn evaluated_request(request: &Request) -> Request {
    Request {
        resource: evaluated_resource(request),
        ..request.clone()
    }
}

/// The decision over the statements' results, the simulated call and the
/// notes.
fn finish(
    request: Request,
    files: Vec<PolicyFile>,
    results: Vec<StatementResult>,
    spec: Option<&'static ApiSpec>,
    parameters: Option<&Map<String, Value>>,
) -> Simulation {
    let evaluated_resource = evaluated_resource(&request);
    let decision = decide(&results);
    let call = spec.zip(parameters).map(|(spec, parameters)| {
        let check = spec.check_request(parameters);
        let seed = format!(
            "{}\n{}\n{:?}\n{}",
            request.action,
            request.resource,
            request.context,
            Value::Object(parameters.clone())
        );
        let response = spec.respond(&check, decision == Decision::Allow, &seed);
        ApiCall {
            spec,
            check,
            response,
        }
    });
    let mut missing_context: Vec<String> = Vec::new();
    for key in results.iter().flat_map(|r| &r.missing_context) {
        if !missing_context.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            missing_context.push(key.clone());
        }
    }
    missing_context.sort_unstable();
    let mut notes = request_notes(&request);
    if !missing_context.is_empty() {
        notes.push(format!(
            "missing context values: {} (the statements that test them were decided as if \
             they were absent; give them with --context)",
            missing_context.join(", ")
        ));
    }
    if files.iter().all(|f| f.status != FileStatus::Evaluated) {
        notes.push("no identity policy was evaluated, so nothing is allowed".to_string());
    }
    Simulation {
        request,
        evaluated_resource,
        files,
        results,
        decision,
        call,
        missing_context,
        notes,
    }
}

/// Notes from the operation catalogue about the action and resource asked.
/// The resource RAM matches statements against for `request`.
pub fn evaluated_resource(request: &Request) -> String {
    let all_resources = crate::catalog::catalog()
        .lookup(&request.action)
        .is_some_and(|op| op.resource_type == crate::catalog::ResourceType::AllResources);
    if all_resources {
        "*".to_string()
    } else {
        request.resource.clone()
    }
}

fn request_notes(request: &Request) -> Vec<String> {
    let catalog = crate::catalog::catalog();
    let action = &request.action;
    let service = action.split_once(':').map_or("", |(service, _)| service);
    match catalog.lookup(action) {
        Some(op) => {
            let all_resources = op.resource_type == crate::catalog::ResourceType::AllResources;
            if all_resources && request.resource != "*" {
                vec![format!(
                    "{} has no resource-level authorization: RAM evaluates it against `*` \
                     whatever resource is asked, so it was evaluated on `*`",
                    op.action
                )]
            } else {
                Vec::new()
            }
        }
        None => match catalog.table(service) {
            Some(table) => {
                let known: Vec<&str> = table.operations().iter().map(|op| op.action).collect();
                let hint = crate::core::text::nearest(action, &known)
                    .map(|n| format!(" (did you mean {n}?)"))
                    .unwrap_or_default();
                let what = if table.is_complete() {
                    format!("a known {} operation", service.to_ascii_uppercase())
                } else {
                    format!(
                        "in the incomplete {} operation table (as of {})",
                        table.service(),
                        table.as_of()
                    )
                };
                vec![format!(
                    "{action} is not {what}{hint}; statements are matched against it as written"
                )]
            }
            None => Vec::new(),
        },
    }
}

/// Parses `KEY=V1,V2` into the key and its values; `KEY=` gives the key with
/// no values.
pub fn parse_context(arg: &str) -> Result<(String, Vec<String>), String> {
    let (key, values) = arg
        .split_once('=')
        .ok_or_else(|| format!("--context `{arg}`: expected KEY=VALUE (KEY=V1,V2 for several values)"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("--context `{arg}`: the key is empty"));
    }
    let values = if values.is_empty() {
        Vec::new()
    } else {
        values.split(',').map(str::to_string).collect()
    };
    Ok((key.to_string(), values))
}

/// Reads a `--context-json` argument: an object whose values are strings
/// or lists of strings.
pub fn parse_context_json(arg: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let usage = || format!("--context-json `{arg}`: expected a JSON object of strings or lists of strings");
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(arg) else {
        return Err(usage());
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        let values = match value {
            Value::String(s) => vec![s],
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(usage()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(usage()),
        };
        if key.trim().is_empty() {
            return Err(format!("--context-json `{arg}`: a key is empty"));
        }
        pairs.push((key, values));
    }
    Ok(pairs)
}

/// Checks the action a request names: one `service:Action`, no wildcards.
pub fn check_action(action: &str) -> Result<(), String> {
    let well_formed = action
        .split_once(':')
        .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty() && !name.contains(':'));
    if !well_formed || crate::wildcard::has_wildcard(action) || action.contains(char::is_whitespace) {
        return Err(format!(
            "--action `{action}`: a request names one action as service:Action, such as ens:CreateImage"
        ));
    }
    Ok(())
}

/// Reads a `--request` file: a JSON object of parameters.
pub fn read_request(path: &std::path::Path) -> Result<Map<String, Value>, String> {
    let bytes = read_regular_file(path, DEFAULT_MAX_FILE_SIZE, false)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!(
            "`{}`: a request is a JSON object of parameters, such as {{\"ImageName\": \"web-base\"}}",
            path.display()
        )),
        Err(e) => Err(format!("`{}`: not valid JSON: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_arguments() {
        let parsed = |arg: &str| parse_context(arg);
        assert_eq!(
            parsed("acs:SourceIp=192.0.2.1"),
            Ok(("acs:SourceIp".into(), vec!["192.0.2.1".into()]))
        );
        assert_eq!(
            parsed("acs:RequestTag/env=dev,test"),
            Ok(("acs:RequestTag/env".into(), vec!["dev".into(), "test".into()]))
        );
        assert_eq!(
            parsed("acs:Referer=a=b"),
            Ok(("acs:Referer".into(), vec!["a=b".into()]))
        );
        assert_eq!(parsed("acs:UserAgent="), Ok(("acs:UserAgent".into(), Vec::new())));
        assert!(parsed("acs:SourceIp").is_err());
        assert_eq!(
            parse_context_json(r#"{"acs:UserAgent": ["", "a,b"], "acs:SourceIp": "192.0.2.1"}"#),
            Ok(vec![
                ("acs:SourceIp".into(), vec!["192.0.2.1".into()]),
                ("acs:UserAgent".into(), vec![String::new(), "a,b".into()])
            ])
        );
        for bad in ["[]", "{\"k\": 1}", "{\"k\": [1]}", "{\"\": \"v\"}", "nope"] {
            assert!(parse_context_json(bad).is_err(), "{bad}");
        }
        assert!(parsed("=1.2.3.4").is_err());
    }

    #[test]
    fn requested_actions_are_single_actions() {
        assert!(check_action("ens:CreateImage").is_ok());
        assert!(check_action("ecs:RunInstances").is_ok());
        for bad in [
            "ens:Create*",
            "CreateImage",
            "ens:",
            ":CreateImage",
            "ens:a:b",
            "ens:Create Image",
            "*",
        ] {
            assert!(check_action(bad).is_err(), "{bad}");
        }
    }
}
