//! `--fix`'s loop over one file: lint, apply the fixes that may be applied,
//! lint again, until nothing changes or [`MAX_PASSES`] is reached. A pass
//! whose result parses worse than its input is not kept.

use crate::core::Fix;
use crate::core::Rule;
use crate::core::{FileReport, Outcome};
use crate::fix::apply;

/// Passes before the loop gives up: one fix can enable another (a trailing
/// comma removed lets the document parse and its other findings appear), and
/// overlapping fixes wait a pass, but real files settle in two or three.
pub const MAX_PASSES: usize = 10;

/// What fixing one file came to.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the input when nothing applied).
    pub text: String,
    /// Fixes applied over all passes.
    pub applied: usize,
    /// The fixed text's own report: what is left to fix by hand.
    pub report: FileReport,
}

/// Fixes `text` with the fixes `lint` attaches to its findings: safe ones,
/// and unsafe ones too with `unsafe_fixes`. `lint` must lint a text exactly
/// as the run lints the file. A pass is kept only if its result has no more
/// parse errors (`invalid-json`, which also covers HCL and YAML syntax) and
/// no fewer policy documents than its input; otherwise its fixes are tried
/// one at a time, keeping each that passes that test.
pub fn fix_until_stable(text: String, unsafe_fixes: bool, lint: impl Fn(&str) -> FileReport) -> Fixed {
    let mut text = text;
    let mut report = lint(&text);
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        let fixes: Vec<Fix> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.clone())
            .filter(|fix| fix.applies(unsafe_fixes))
            .collect();
        if fixes.is_empty() {
            break;
        }
        let pass = apply(&text, &fixes);
        if pass.applied == 0 || pass.text == text {
            break;
        }
        let next = lint(&pass.text);
        if no_worse((&text, &report), (&pass.text, &next)) {
            text = pass.text;
            report = next;
            applied += pass.applied;
            continue;
        }
        // Some fix breaks the file: keep those that do not, one by one.
        let mut kept = 0;
        for fix in &fixes {
            let one = apply(&text, [fix]);
            if one.applied == 0 {
                continue;
            }
            let next = lint(&one.text);
            if no_worse((&text, &report), (&one.text, &next)) {
                text = one.text;
                report = next;
                kept += 1;
                // Later fixes' offsets were for the old text: next pass.
                break;
            }
        }
        if kept == 0 {
            break;
        }
        applied += kept;
    }
    Fixed {
        text,
        applied,
        report,
    }
}

/// Findings that say a document lost or merged structure: a fix that adds
/// one has damaged the file, however well it still parses (a YAML block
/// scalar that swallowed the next key; `effect` and `EFFECT` both renamed to
/// `Effect`).
const STRUCTURAL: [Rule; 7] = [
    Rule::InvalidJson,
    Rule::InvalidSyntax,
    Rule::InvalidDocument,
    Rule::InvalidStatement,
    Rule::DuplicateKey,
    Rule::MissingAction,
    Rule::MissingResource,
];

/// Whether `after` (text and report) keeps everything `before` has: no more
/// findings of a [`STRUCTURAL`] rule, no fewer documents, and no fewer
/// comment marks (`#`, `//`, `/*`): no fix removes a comment, and an edit
/// that would is not kept.
fn no_worse(before: (&str, &FileReport), after: (&str, &FileReport)) -> bool {
    let structural = |r: &FileReport, rule: Rule| r.diagnostics.iter().filter(|d| d.rule == rule).count();
    let documents = |r: &FileReport| match r.outcome {
        Outcome::Linted { documents, .. } => documents,
        _ => 0,
    };
    let comment_marks = |t: &str| t.matches('#').count() + t.matches("//").count() + t.matches("/*").count();
    // A text that did not parse hid its structure: once a fix makes it
    // parse, what it then shows (a lower-case `action`) is not damage.
    let syntax = [Rule::InvalidJson, Rule::InvalidSyntax];
    let parsed_before = syntax.iter().all(|&rule| structural(before.1, rule) == 0);
    let kept = |rule: Rule| structural(after.1, rule) <= structural(before.1, rule);
    let structure_kept = if parsed_before {
        STRUCTURAL.iter().all(|&rule| kept(rule))
    } else {
        syntax.iter().all(|&rule| kept(rule))
    };
    structure_kept
        && documents(after.1) >= documents(before.1)
        && comment_marks(after.0) >= comment_marks(before.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Diagnostic;
    use crate::core::Edit;
    use crate::core::Span;

    /// A stand-in linter over a tiny language: each `a` wants to become `b`
    /// (a fix that breaks the file: `b` is a parse error), each `x` to
    /// become `y` (a fix that is fine).
    fn lint(text: &str) -> FileReport {
        let mut diagnostics = Vec::new();
        for (i, c) in text.char_indices() {
            let span = Span::new(i, i + 1);
            let (rule, to) = match c {
                'a' => (Rule::InvalidEffect, "b"),
                'x' => (Rule::InvalidEffect, "y"),
                'b' => {
                    diagnostics.push(Diagnostic::new(Rule::InvalidJson, span, "broken"));
                    continue;
                }
                _ => continue,
            };
            diagnostics.push(
                Diagnostic::new(rule, span, "fixable")
                    .with_fix(Fix::safe("fix", vec![Edit::replace(span, to)])),
            );
        }
        FileReport::linted(String::new(), text.to_string(), diagnostics, 1, 0, Vec::new())
    }

    #[test]
    fn fixes_that_break_the_file_are_never_kept() {
        let fixed = fix_until_stable("xax-x".into(), false, lint);
        assert_eq!(fixed.text, "yay-y");
        assert_eq!(fixed.applied, 3);
        assert!(fixed
            .report
            .diagnostics
            .iter()
            .all(|d| d.rule != Rule::InvalidJson));
    }

    #[test]
    fn passes_are_bounded() {
        // Each pass turns `x` into `xx`...: the loop stops after MAX_PASSES.
        let grow = |text: &str| {
            let d = Diagnostic::new(Rule::InvalidEffect, Span::new(0, 1), "grows")
                .with_fix(Fix::safe("grow", vec![Edit::replace(Span::new(0, 0), "x")]));
            FileReport::linted(String::new(), text.to_string(), vec![d], 1, 0, Vec::new())
        };
        let fixed = fix_until_stable("x".into(), false, grow);
        assert_eq!(fixed.applied, MAX_PASSES);
        assert_eq!(fixed.text.len(), 1 + MAX_PASSES);
    }
}
