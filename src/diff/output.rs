//! The reports of `policy-check diff`: human text and JSON (shape in
//! docs/diff.md), printed through the emitter seam ([`crate::report::print`]),
//! and the reading of OLD and NEW its arguments name.

use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use super::{git, Comparison, DiffArgs, NewAccess};
use crate::report::{escape, Printed, Style};
use crate::simulate::eval::Request;
use crate::simulate::load::Loaded;
use crate::simulate::{load_policies, FileStatus, PolicyFile};
use crate::workspace::discover::display_name;

/// A finished comparison as each format prints it
/// ([`crate::report::print`]).
pub struct Report<'a> {
    pub comparison: &'a Comparison,
    pub old: &'a [PolicyFile],
    pub new: &'a [PolicyFile],
}

impl Printed for Report<'_> {
    fn human(&self, _style: Style, out: &mut dyn Write) -> io::Result<()> {
        human(self.comparison, self.old, self.new, out)
    }

    fn json(&self) -> Option<io::Result<String>> {
        Some(serde_json::to_string_pretty(&to_json(self.comparison)).map_err(io::Error::other))
    }
}

/// The findings that make one side's documents impossible to compare.
impl Printed for super::Unusable {
    fn human(&self, _style: Style, out: &mut dyn Write) -> io::Result<()> {
        for file in &self.files {
            if let FileStatus::Unusable(diagnostics) = &file.status {
                for d in diagnostics {
                    writeln!(
                        out,
                        "policy-check diff: {} ({}): {}: {}",
                        escape::text(&file.name),
                        self.side,
                        d.rule.id(),
                        escape::text(&d.message)
                    )?;
                }
            }
        }
        writeln!(out, "policy-check diff: {} cannot be evaluated", self.side)
    }
}

/// OLD's and NEW's policies, as the arguments name them; a usage error
/// otherwise.
pub fn load_sides(args: &DiffArgs) -> Result<(Vec<PolicyFile>, Vec<PolicyFile>), String> {
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

/// Whether `action` is one no operation table names.
fn uncatalogued(action: &str) -> bool {
    crate::catalog::catalog().lookup(action).is_none()
}

/// An action as listed, labelled when no table names it.
fn labelled(action: &str) -> String {
    if uncatalogued(action) {
        format!("{} (not in the operation table)", escape::text(action))
    } else {
        escape::text(action).into_owned()
    }
}

/// Whether `KEY=V1,V2` gives back exactly these values: no value is empty
/// or holds a comma, the key holds no `=`, and nothing needs escaping.
fn plain_context(key: &str, values: &[String]) -> bool {
    // Shown as it is (no escape, no `##[` broken up), so it replays.
    let safe = |s: &str| escape::text(s) == s;
    !values.is_empty()
        && !key.contains('=')
        && key.trim() == key
        && safe(key)
        && values
            .iter()
            .all(|v| !v.is_empty() && !v.contains(',') && safe(v))
}

/// One key's values as `--context-json` takes them, unsafe characters as
/// JSON escapes (which decode to the same value).
fn context_json(key: &str, values: &[String]) -> String {
    let mut object = Map::new();
    object.insert(key.to_string(), json!(values));
    escape::json(Value::Object(object).to_string())
}

/// A word as a POSIX shell reads it back: bare when it holds only
/// characters no shell treats specially, else in single quotes (a quote
/// inside written `'\''`).
fn shell_word(word: &str) -> String {
    let bare = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c));
    if bare {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn describe_request(found: &NewAccess) -> String {
    let mut text = format!(
        "{} on `{}`",
        labelled(&found.request.action),
        escape::text(&found.request.resource)
    );
    if found.request.context.is_empty() {
        text.push_str(" with no context values");
    } else {
        let parts: Vec<String> = found
            .request
            .context
            .iter()
            .map(|(k, v)| {
                if plain_context(k, v) {
                    format!("{k}={}", v.join(","))
                } else {
                    context_json(k, v)
                }
            })
            .collect();
        text.push_str(&format!(" with {}", parts.join(" ")));
    }
    text
}

/// The `simulate` command that replays a witness on NEW, every argument
/// quoted for a POSIX shell; `None` when the action or resource holds a
/// character no output prints raw (the JSON report has the request).
pub fn check_command(request: &Request) -> Option<String> {
    // Printed as it is, or the command would not replay what it shows.
    let printable = |s: &str| escape::text(s) == s;
    if !printable(&request.action) || !printable(&request.resource) {
        return None;
    }
    let mut words = vec![
        "policy-check".to_string(),
        "simulate".to_string(),
        "--action".to_string(),
        shell_word(&request.action),
        "--resource".to_string(),
        shell_word(&request.resource),
    ];
    for (k, v) in &request.context {
        if plain_context(k, v) {
            words.push("--context".to_string());
            words.push(shell_word(&format!("{k}={}", v.join(","))));
        } else {
            words.push("--context-json".to_string());
            words.push(shell_word(&context_json(k, v)));
        }
    }
    Some(words.join(" "))
}

fn human(
    comparison: &Comparison,
    old: &[PolicyFile],
    new: &[PolicyFile],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut text = String::new();
    for found in &comparison.new_access {
        let shown: Vec<String> = found.actions.iter().take(8).map(|a| labelled(a)).collect();
        let more = match found.actions.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(" and {n} more (--format json lists them)"),
        };
        text.push_str(&format!("new access: {}{more}\n", shown.join(", ")));
        text.push_str(&format!("  witness: {}\n", describe_request(found)));
        if found.evaluated_resource != found.request.resource {
            text.push_str(&format!(
                "  (evaluated on `{}`: no resource-level authorization)\n",
                escape::text(&found.evaluated_resource)
            ));
        }
        for at in &found.allowed_by {
            text.push_str(&format!(
                "  NEW allows it: {}:{}:{} (statement {})\n",
                escape::text(&at.file),
                at.line,
                at.column,
                at.statement
            ));
        }
        text.push_str(&format!(
            "  OLD: {}: {}\n",
            found.old_decision.as_str(),
            escape::text(&found.old_reason)
        ));
        match check_command(&found.request) {
            Some(command) => text.push_str(&format!("  check: {command} NEW\n")),
            None => text.push_str(
                "  check: not printed: the action or resource holds characters a terminal must not \
                 receive (--format json has the request)\n",
            ),
        }
    }
    for unknown in &comparison.unknown {
        let reason = escape::text(&unknown.reason);
        if unknown.actions.is_empty() {
            text.push_str(&format!("unknown: {reason}\n"));
        } else {
            let actions: Vec<String> = unknown.actions.iter().map(|a| labelled(a)).collect();
            text.push_str(&format!("unknown: {}: {reason}\n", actions.join(", ")));
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
    text.push_str(&format!(
        "{verdict}; compared {} action(s) NEW allows, {} OLD and {} NEW document(s)\n",
        comparison.actions_compared,
        evaluated(old),
        evaluated(new)
    ));
    out.write_all(text.as_bytes())
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
            let uncatalogued: Vec<&String> = found.actions.iter().filter(|a| uncatalogued(a)).collect();
            json!({
                "actions": found.actions,
                "not_in_operation_table": uncatalogued,
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
