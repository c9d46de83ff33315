//! The engine: [`analyze`] is the one pipeline from an input's bytes to its
//! findings, used by every front end (the command line, the language
//! server, the rule fixtures). It reads suppression comments, finds the
//! documents (a host kind, a `--jsonpath` selection or a plain policy),
//! checks them ([`pipeline`], [`hosts`]), applies `[[suppress]]` entries and
//! comments, runs the fix loop when asked ([`fix_loop`]) and filters by the
//! baseline, once, in that order.

pub mod fix_loop;
pub mod hosts;
pub mod pipeline;
pub mod read;

use std::cell::RefCell;

use crate::baseline::BaselineRun;
use crate::checks::LintOptions;
use crate::core::{FileReport, Origin, RuleSettings};
use crate::embedded::{Query, Selected};
use crate::host::FileReference;
use crate::suppress::{self, Comments, Suppression};

/// One input: the name it is shown under, its bytes and how it was found.
#[derive(Debug)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// What an input is analyzed with: the settings of its path.
#[derive(Default)]
pub struct Settings<'a> {
    pub options: LintOptions,
    pub rules: RuleSettings,
    /// The `[[suppress]]` entries in force (suppression comments are read
    /// from the input itself).
    pub suppressions: Vec<&'a Suppression>,
    /// Documents chosen by a JSONPath expression instead of by host kind.
    pub jsonpath: Option<(&'a Query, Selected)>,
    /// Findings the baseline holds are dropped (or recorded).
    pub baseline: Option<&'a BaselineRun>,
    /// Fix the input: `Some(unsafe_fixes)`. Only text that is UTF-8 as read
    /// is fixed: a lossily decoded file written back would lose bytes.
    pub fix: Option<bool>,
}

/// What fixing an input changed.
#[derive(Debug)]
pub struct Fixed {
    /// The text as read.
    pub before: String,
    /// The fixed text.
    pub after: String,
    /// Fixes applied over all passes.
    pub applied: usize,
}

/// Everything the engine found in one input.
#[derive(Debug)]
pub struct Analysis {
    /// The findings (of the fixed text, when fixing changed it) and what
    /// was done with the input.
    pub report: FileReport,
    /// Documents the input names by path (`file("x.json")`), for the caller
    /// to analyze under their own names.
    pub references: Vec<FileReference>,
    /// Set when fixes changed the text.
    pub fixed: Option<Fixed>,
}

/// Analyzes one input with `settings`.
pub fn analyze(input: Input, settings: &Settings<'_>) -> Analysis {
    let Input { name, bytes, origin } = input;
    // The references of the last text linted: when fixing, the fixed one.
    let references = RefCell::new(Vec::new());
    let lint = |bytes: Vec<u8>| {
        let comments = Comments::scan(&name, &bytes);
        let (options, rules) = (&settings.options, &settings.rules);
        let (mut report, found) = match settings.jsonpath {
            Some((query, selected)) => (
                hosts::lint_selected(name.clone(), bytes, query, selected, options, rules),
                Vec::new(),
            ),
            None => hosts::lint_input_following(name.clone(), bytes, origin, options, rules),
        };
        *references.borrow_mut() = found;
        // Suppressed findings are not fixed either (as ruff's `noqa`): the
        // fix loop lints through here too.
        suppress::apply(&mut report, &settings.suppressions, comments, rules);
        report
    };
    let (mut report, fixed) = match (settings.fix, String::from_utf8(bytes)) {
        (Some(unsafe_fixes), Ok(text)) => {
            let result =
                fix_loop::fix_until_stable(text.clone(), unsafe_fixes, |t| lint(t.as_bytes().to_vec()));
            let fixed = if result.text == text {
                None
            } else {
                Some(Fixed {
                    before: text,
                    after: result.text,
                    applied: result.applied,
                })
            };
            (result.report, fixed)
        }
        (_, Ok(text)) => (lint(text.into_bytes()), None),
        (_, Err(e)) => (lint(e.into_bytes()), None),
    };
    if let Some(baseline) = settings.baseline {
        baseline.apply(&mut report);
    }
    Analysis {
        report,
        references: references.into_inner(),
        fixed,
    }
}
