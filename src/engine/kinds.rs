//! The engine's registry of input kinds: one row per way an input is read
//! (documents chosen by `--jsonpath`, a host kind's documents, a host file
//! no kind reads, a plain policy), asked in order; the first row that claims
//! an input lints it. Host kinds (Terraform, ROS, ...) have their own rows
//! in `host::KINDS`, which the host row consults: adding one is a module
//! and a row there (docs/design/inputs.md).

use std::borrow::Cow;

use super::hosts::{lint_host, lint_selected, no_policy, HostStrings};
use super::pipeline::{check_shaped, lint_plain};
use crate::checks::LintOptions;
use crate::core::{FileReport, Origin, RuleSettings, Syntax};
use crate::embedded::{Query, Selected};
use crate::host::outline::Outline;
use crate::host::terraform::Module;
use crate::host::{self, FileReference};

/// What a row looks at to claim an input.
pub struct Claim<'a> {
    pub name: &'a str,
    /// The input's text, decoded lossily: a cheap look is all a row takes.
    pub text: &'a str,
    /// The `--jsonpath` selection in force, if any.
    pub jsonpath: Option<(&'a Query, Selected)>,
    /// The input is read as a plain policy whatever its name or content
    /// (a file `file()` names: Terraform reads it as a string).
    pub plain: bool,
}

/// An input claimed by a row, with what it is linted with.
pub struct Claimed<'a> {
    pub name: String,
    pub bytes: Vec<u8>,
    pub origin: Origin,
    pub jsonpath: Option<(&'a Query, Selected)>,
    pub plain: bool,
    /// The Terraform module a `.tf` input belongs to, when the caller read it.
    pub module: Option<&'a Module>,
    pub options: &'a LintOptions,
    pub rules: &'a RuleSettings,
    /// Where to keep what the editor's cursor needs of the documents the row
    /// lowers, when the caller wants it (the language server).
    pub outline: Option<&'a mut Outline>,
    /// Where to keep where a host's strings are, from the parse that found
    /// its documents, when the caller reads its suppression comments.
    /// `Some` once a row has parsed the host.
    pub strings: Option<&'a mut Option<HostStrings>>,
}

/// The findings in an input, and the documents it names by path.
pub type Linted = (FileReport, Vec<FileReference>);

/// One registered input kind.
pub struct InputKind {
    pub name: &'static str,
    pub claims: fn(&Claim<'_>) -> bool,
    pub lint: fn(Claimed<'_>) -> Linted,
}

/// Every input kind, in the order they are asked; the last claims anything.
pub const KINDS: &[InputKind] = &[SELECTED, HOST, FOREIGN_HOST, PLAIN];

/// The documents a JSONPath expression selects in a JSON host (`--jsonpath`,
/// or `jsonpath` in the configuration): chosen by the setting, not the file.
const SELECTED: InputKind = InputKind {
    name: "JSONPath selection",
    claims: |claim| claim.jsonpath.is_some(),
    lint: |input| match input.jsonpath {
        Some((query, selected)) => {
            let report = lint_selected(
                input.name,
                input.bytes,
                (query, selected),
                input.options,
                input.rules,
                input.outline,
            );
            (report, Vec::new())
        }
        None => unreachable!("claimed only with a selection"),
    },
};

/// A file one of the host kinds (`host::KINDS`) reads.
const HOST: InputKind = InputKind {
    name: "host file",
    claims: |claim| !claim.plain && host::kind_for(claim.name, claim.text).is_some(),
    lint: |input| {
        let text = String::from_utf8_lossy(&input.bytes);
        match host::kind_for(&input.name, &text) {
            Some(kind) => lint_host(
                kind,
                input.name,
                input.bytes,
                input.origin,
                (input.options, input.rules),
                input.module,
                (input.outline, input.strings),
            ),
            None => unreachable!("claimed only when a host kind reads it"),
        }
    },
};

/// A Terraform or YAML file no host kind reads: another tool's YAML.
const FOREIGN_HOST: InputKind = InputKind {
    name: "YAML or Terraform with no policy",
    claims: |claim| !claim.plain && host::is_yaml_or_tf(claim.name),
    lint: |mut input| {
        if let Some(report) = lint_shaped_yaml(&mut input) {
            return (report, Vec::new());
        }
        let sought = "a ROS template (`ROSTemplateFormatVersion`) or Terraform";
        let report = no_policy(
            input.name,
            input.bytes,
            input.origin,
            "not a ROS template",
            sought,
            input.rules,
        );
        (report, Vec::new())
    },
};

/// Another tool's YAML that holds RAM policies by their shape (a config a
/// Terraform module reads with `yamldecode`): linted, not skipped.
fn lint_shaped_yaml(input: &mut Claimed<'_>) -> Option<FileReport> {
    if Syntax::of(&input.name) != Some(Syntax::Yaml) {
        return None;
    }
    let text = std::str::from_utf8(&input.bytes).ok()?;
    // A cheap look first, so a repository's other YAML (workflows,
    // manifests) is not parsed for nothing: a `Statement` key is spelt out,
    // or hidden in an escape of a double-quoted key.
    let may_hold = ["Statement", "\\x", "\\u", "\\U"]
        .iter()
        .any(|s| text.contains(s));
    if !may_hold {
        return None;
    }
    let root = host::yaml::parse(text).ok()??;
    let mut found = Vec::new();
    let (documents, unchecked) = check_shaped(
        &root,
        text,
        false,
        (input.options, input.rules),
        input.outline.as_deref_mut(),
        &mut found,
    )?;
    Some(FileReport::linted(
        input.name.clone(),
        text.to_string(),
        found,
        documents,
        0,
        unchecked,
    ))
}

/// A file that is one plain policy document (or read as one: `plain`).
const PLAIN: InputKind = InputKind {
    name: "policy document",
    claims: |_| true,
    lint: |input| {
        let report = lint_plain(
            input.name,
            input.bytes,
            input.origin,
            (input.options, input.rules),
            input.outline,
        );
        (report, Vec::new())
    },
};

/// Lints one input with the first kind that claims it, with no `--jsonpath`
/// selection and without following the documents it names by path. A
/// walked file that holds no policy is skipped; a named one gets
/// `no-policy-found`.
pub fn lint_input(
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    options: &LintOptions,
    rules: &RuleSettings,
) -> FileReport {
    let input = Claimed {
        name,
        bytes,
        origin,
        jsonpath: None,
        plain: false,
        module: None,
        options,
        rules,
        outline: None,
        strings: None,
    };
    lint(input).0
}

/// Lints `input` with the first kind that claims it.
pub fn lint(input: Claimed<'_>) -> Linted {
    // A look at the text, borrowed: a row only needs to recognise it, and
    // text that is not UTF-8 is judged by what decodes (its finding comes
    // from the row that lints it).
    let text = match std::str::from_utf8(&input.bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&input.bytes),
    };
    let claim = Claim {
        name: &input.name,
        text: &text,
        jsonpath: input.jsonpath,
        plain: input.plain,
    };
    let kind = KINDS.iter().find(|kind| (kind.claims)(&claim)).unwrap_or(&PLAIN);
    (kind.lint)(input)
}
