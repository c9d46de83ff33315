//! The reports of `policy-check diff`: human text and JSON (shape in
//! docs/diff.md), and the command's exit code.

use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use super::{compare, git, Comparison, DiffArgs, DiffFormat, NewAccess};
use crate::discover::display_name;
use crate::simulate::load::Loaded;
use crate::simulate::{load_policies, FileStatus, PolicyFile};

/// Runs `diff`; returns the exit code (0 no new access, 1 new access or
/// unknown, 2 usage error or an unusable document).
pub fn run_diff(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    use crate::core::exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
    let (old, new) = match load_sides(args) {
        Ok(sides) => sides,
        Err(message) => {
            writeln!(err, "policy-check diff: {message}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let comparison = match compare(&old, &new) {
        Ok(c) => c,
        Err(unusable) => {
            for file in &unusable.files {
                if let FileStatus::Unusable(diagnostics) = &file.status {
                    for d in diagnostics {
                        writeln!(
                            err,
                            "policy-check diff: {} ({}): {}: {}",
                            file.name,
                            unusable.side,
                            d.rule.id(),
                            d.message
                        )?;
                    }
                }
            }
            writeln!(err, "policy-check diff: {} cannot be evaluated", unusable.side)?;
            return Ok(EXIT_ERROR);
        }
    };
    match args.format {
        DiffFormat::Human => human(&comparison, &old, &new, out)?,
        DiffFormat::Json => {
            let text = serde_json::to_string_pretty(&to_json(&comparison)).unwrap_or_default();
            writeln!(out, "{text}")?;
        }
    }
    Ok(
        if !comparison.new_access.is_empty() || !comparison.unknown.is_empty() {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        },
    )
}

/// OLD's and NEW's policies, as the arguments name them; a usage error
/// otherwise.
fn load_sides(args: &DiffArgs) -> Result<(Vec<PolicyFile>, Vec<PolicyFile>), String> {
    if let Some(rev) = &args.base {
        return load_base(rev, &args.paths);
    }
    match (&args.reference, args.paths.as_slice()) {
        (Some(reference), [new]) => Ok((
            known(load_policies(std::slice::from_ref(reference)))?,
            known(load_policies(std::slice::from_ref(new)))?,
        )),
        (None, [old, new]) => Ok((
            known(load_policies(std::slice::from_ref(old)))?,
            known(load_policies(std::slice::from_ref(new)))?,
        )),
        (Some(_), _) => Err("with --reference, give NEW alone".into()),
        (None, _) => Err("give OLD and NEW (or --reference ALLOWLIST NEW, or --base GIT-REV PATH...)".into()),
    }
}

/// `--base REV PATH...`: NEW is the paths in the working tree, OLD the same
/// paths at REV. A path missing on one side contributes nothing to it.
fn load_base(rev: &str, paths: &[PathBuf]) -> Result<(Vec<PolicyFile>, Vec<PolicyFile>), String> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err("--base compares paths, not standard input".into());
    }
    let revision = git::resolve(rev)?;
    let (old, missing_at_rev) = git::load_at(&revision, paths)?;
    let present: Vec<PathBuf> = paths
        .iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .cloned()
        .collect();
    if let Some(nowhere) = missing_at_rev.iter().find(|p| !present.contains(p)) {
        return Err(format!(
            "`{}` exists neither in the working tree nor at {}",
            display_name(nowhere),
            revision.label
        ));
    }
    Ok((known(old)?, known(load_policies(&present))?))
}

/// The files read, unless a policy holds values Terraform or ROS computes:
/// what it grants is not known until deployment, so neither is the answer.
fn known(loaded: Loaded) -> Result<Vec<PolicyFile>, String> {
    if loaded.unknown.is_empty() {
        return Ok(loaded.files);
    }
    Err(format!(
        "access cannot be compared on policies that Terraform or ROS computes: {} {} values \
         not known until deployment; compare the rendered policies (such as `terraform show \
         -json` output) instead",
        loaded.unknown.join(", "),
        if loaded.unknown.len() == 1 {
            "holds"
        } else {
            "hold"
        }
    ))
}

fn describe_request(found: &NewAccess) -> String {
    let mut text = format!("{} on `{}`", found.request.action, found.request.resource);
    if found.request.context.is_empty() {
        text.push_str(" with no context values");
    } else {
        let parts: Vec<String> = found
            .request
            .context
            .iter()
            .map(|(k, v)| format!("{k}={}", v.join(",")))
            .collect();
        text.push_str(&format!(" with {}", parts.join(" ")));
    }
    text
}

fn human(
    comparison: &Comparison,
    old: &[PolicyFile],
    new: &[PolicyFile],
    out: &mut dyn Write,
) -> io::Result<()> {
    for found in &comparison.new_access {
        let shown: Vec<&str> = found.actions.iter().take(8).map(String::as_str).collect();
        let more = match found.actions.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(" and {n} more (--format json lists them)"),
        };
        writeln!(out, "new access: {}{more}", shown.join(", "))?;
        writeln!(out, "  witness: {}", describe_request(found))?;
        if found.evaluated_resource != found.request.resource {
            writeln!(
                out,
                "  (evaluated on `{}`: no resource-level authorization)",
                found.evaluated_resource
            )?;
        }
        for at in &found.allowed_by {
            writeln!(
                out,
                "  NEW allows it: {}:{}:{} (statement {})",
                at.file, at.line, at.column, at.statement
            )?;
        }
        writeln!(
            out,
            "  OLD: {}: {}",
            found.old_decision.as_str(),
            found.old_reason
        )?;
        let mut command = format!(
            "policy-check simulate --action {} --resource '{}'",
            found.request.action, found.request.resource
        );
        for (k, v) in &found.request.context {
            command.push_str(&format!(" --context '{k}={}'", v.join(",")));
        }
        writeln!(out, "  check: {command} NEW")?;
    }
    for unknown in &comparison.unknown {
        if unknown.actions.is_empty() {
            writeln!(out, "unknown: {}", unknown.reason)?;
        } else {
            writeln!(out, "unknown: {}: {}", unknown.actions.join(", "), unknown.reason)?;
        }
    }
    let evaluated = |files: &[PolicyFile]| files.iter().filter(|f| f.status == FileStatus::Evaluated).count();
    let verdict = match comparison.verdict() {
        "new-access" => format!(
            "NEW grants access OLD does not ({} witness group(s))",
            comparison.new_access.len()
        ),
        "unknown" => "could not prove that NEW grants no new access (see unknown above)".to_string(),
        _ => "no new access: NEW allows no request OLD denies".to_string(),
    };
    writeln!(
        out,
        "{verdict}; compared {} action(s) NEW allows, {} OLD and {} NEW document(s)",
        comparison.actions_compared,
        evaluated(old),
        evaluated(new)
    )
}

fn to_json(comparison: &Comparison) -> Value {
    let new_access: Vec<Value> = comparison
        .new_access
        .iter()
        .map(|found| {
            let mut context = Map::new();
            for (k, v) in &found.request.context {
                context.insert(k.clone(), json!(v));
            }
            json!({
                "actions": found.actions,
                "request": {
                    "action": found.request.action,
                    "resource": found.request.resource,
                    "context": context,
                },
                "evaluated_resource": found.evaluated_resource,
                "allowed_by": found.allowed_by.iter().map(|at| json!({
                    "file": at.file,
                    "statement": at.statement,
                    "span": {"start": at.span.start, "end": at.span.end},
                    "line": at.line,
                    "column": at.column,
                })).collect::<Vec<_>>(),
                "old": {"decision": found.old_decision.as_str(), "reason": found.old_reason},
            })
        })
        .collect();
    let unknown: Vec<Value> = comparison
        .unknown
        .iter()
        .map(|u| json!({"actions": u.actions, "reason": u.reason}))
        .collect();
    json!({
        "result": comparison.verdict(),
        "actions_compared": comparison.actions_compared,
        "new_access": new_access,
        "unknown": unknown,
    })
}
