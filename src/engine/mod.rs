//! The engine: [`analyze`] is the one pipeline from an input's bytes to its
//! findings, used by every front end (the command line, the language
//! server, the rule fixtures). It reads suppression comments, finds the
//! documents (a host kind, a `--jsonpath` selection or a plain policy),
//! checks them ([`pipeline`], [`hosts`]), applies `[[suppress]]` entries and
//! comments, runs the fix loop when asked ([`fix_loop`]) and writes its
//! result, and filters by the baseline, once, in that order. Asked, it also
//! keeps what the editor's cursor needs of the documents it lowered
//! ([`Analysis::outline`]), so the language server never parses again.

pub mod fix_loop;
pub mod hosts;
pub mod kinds;
pub mod pipeline;
pub mod read;

/// How many JSON texts were parsed on the calling thread: every plain
/// policy, JSON host and document written as text goes through the one
/// parser, so a test can prove that a command parses each file once.
pub use crate::parse::parses_on_this_thread;

use std::cell::RefCell;

use crate::baseline::BaselineRun;
use crate::checks::LintOptions;
use crate::core::{FileReport, Origin, RuleSettings};
use crate::embedded::{Query, Selected};
use crate::host::outline::Outline;
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
    /// The Terraform module a `.tf` input belongs to (its folder's other
    /// `.tf` files), when the caller read it: references to its data
    /// sources and locals are resolved.
    pub module: Option<&'a crate::host::terraform::Module>,
    /// Read the input as a plain policy document whatever its name or
    /// content (a file `file()` names: Terraform reads it as a string).
    pub plain: bool,
    /// Documents chosen by a JSONPath expression instead of by host kind.
    pub jsonpath: Option<(&'a Query, Selected)>,
    /// Findings the baseline holds are dropped (or recorded).
    pub baseline: Option<&'a BaselineRun>,
    /// Fix the input: `Some(unsafe_fixes)`. Only text that is UTF-8 as read
    /// is fixed: a lossily decoded file written back would lose bytes.
    pub fix: Option<bool>,
    /// Writes the fixed text (`--fix`), before the baseline sees the
    /// findings; when it fails the input is reported unreadable instead.
    /// `None` leaves the text to the caller (`--diff`, the editor).
    pub write: Option<&'a Write<'a>>,
    /// Keep what the editor's cursor needs of the documents read
    /// ([`Analysis::outline`]), so hover and code actions need no parse.
    pub outline: bool,
}

/// Writes a fixed text back where the input came from.
pub type Write<'a> = dyn Fn(&str) -> std::io::Result<()> + 'a;

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
    /// With [`Settings::outline`]: the statements and embedded texts of the
    /// documents of the last text linted (the fixed one, when fixing).
    pub outline: Option<Outline>,
}

/// Analyzes one input with `settings`.
pub fn analyze(input: Input, settings: &Settings<'_>) -> Analysis {
    let Input { name, bytes, origin } = input;
    // The references of the last text linted: when fixing, the fixed one.
    let references = RefCell::new(Vec::new());
    let outline = RefCell::new(None);
    let lint = |bytes: Vec<u8>| {
        // A cheap look for a suppression marker first; a marked Terraform
        // file's comments are then read with the string spans of the parse
        // that finds its documents, not a parse of their own.
        let marked = Comments::marked(&name, &bytes);
        let mut strings = None;
        let (options, rules) = (&settings.options, &settings.rules);
        let mut kept = settings.outline.then(|| Outline::new(&name));
        let (mut report, found) = kinds::lint(kinds::Claimed {
            name: name.clone(),
            bytes,
            origin,
            jsonpath: settings.jsonpath,
            plain: settings.plain,
            module: settings.module,
            options,
            rules,
            outline: kept.as_mut(),
            strings: marked.is_some().then_some(&mut strings),
        });
        let comments = marked.and_then(|marked| {
            marked.read(|text| {
                strings
                    .take()
                    .unwrap_or_else(|| crate::host::terraform::string_spans(text))
            })
        });
        *references.borrow_mut() = found;
        *outline.borrow_mut() = kept;
        // Suppressed findings are not fixed either (as ruff's `noqa`): the
        // fix loop lints through here too.
        suppress::apply(&mut report, &settings.suppressions, comments, rules);
        report
    };
    // Only a text to fix is decoded here; linting decodes once, where it parses.
    let to_fix = match settings.fix {
        Some(unsafe_fixes) => String::from_utf8(bytes)
            .map(|text| (unsafe_fixes, text))
            .map_err(std::string::FromUtf8Error::into_bytes),
        None => Err(bytes),
    };
    let (mut report, mut fixed) = match to_fix {
        Ok((unsafe_fixes, text)) => {
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
        Err(bytes) => (lint(bytes), None),
    };
    let mut references = references.into_inner();
    let mut outline = outline.into_inner();
    if let (Some(write), Some(done)) = (settings.write, &fixed) {
        if let Err(e) = write(&done.after) {
            report = FileReport::io_error(name, format!("cannot write the fixed file: {e}"));
            references.clear();
            outline = None;
            fixed = None;
        }
    }
    if let Some(baseline) = settings.baseline {
        baseline.apply(&mut report);
    }
    Analysis {
        report,
        references,
        fixed,
        outline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::core::{Date, Rule};

    /// A policy with a fixable effect (`allow`) and a trailing comma.
    const FIXABLE: &str = r#"{"Version": "1", "Statement": [{"Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"},]}"#;

    fn analyze_text(text: &[u8], settings: &Settings<'_>) -> Analysis {
        analyze(
            Input {
                name: "p.json".into(),
                bytes: text.to_vec(),
                origin: Origin::Named,
            },
            settings,
        )
    }

    fn rules(analysis: &Analysis) -> Vec<Rule> {
        analysis.report.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn without_fixing_the_findings_are_those_of_the_text_as_read() {
        // The comma stops the parse, so the effect is not judged yet.
        let analysis = analyze_text(FIXABLE.as_bytes(), &Settings::default());
        assert!(analysis.fixed.is_none());
        assert_eq!(rules(&analysis), vec![Rule::InvalidJson]);
    }

    #[test]
    fn fixing_reports_the_fixed_text_and_what_is_left_in_it() {
        let settings = Settings {
            fix: Some(false),
            ..Settings::default()
        };
        let analysis = analyze_text(FIXABLE.as_bytes(), &settings);
        let fixed = analysis.fixed.as_ref().expect("fixes applied");
        assert_eq!(fixed.before, FIXABLE);
        assert!(fixed.after.contains(r#""Effect": "Allow""#), "{}", fixed.after);
        assert!(!fixed.after.contains("},]"), "{}", fixed.after);
        assert_eq!(fixed.applied, 2);
        assert!(
            !rules(&analysis).contains(&Rule::InvalidEffect)
                && !rules(&analysis).contains(&Rule::InvalidJson),
            "{:?}",
            rules(&analysis)
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_never_fixed() {
        let text = r#"{"Version": "1", "Statement": [{"Sid": "?", "Effect": "allow", "Action": "ens:CreateImage", "Resource": "*"}]}"#;
        let mut bytes = text.as_bytes().to_vec();
        let at = text.find('?').expect("a placeholder");
        bytes[at] = 0xff;
        let settings = Settings {
            fix: Some(true),
            ..Settings::default()
        };
        let analysis = analyze_text(&bytes, &settings);
        assert!(analysis.fixed.is_none());
        assert!(rules(&analysis).contains(&Rule::InvalidEffect));
    }

    #[test]
    fn suppressed_findings_are_hidden_and_not_fixed() {
        let config = Config::parse(
            "[[suppress]]\npath = \"p.json\"\nrule = \"invalid-effect\"\nreason = \"kept as written\"\n",
        )
        .expect("valid configuration");
        let today = Date::parse("2026-01-01").expect("a date");
        let settings = Settings {
            suppressions: config.suppressions_for("p.json", today),
            fix: Some(false),
            ..Settings::default()
        };
        let analysis = analyze_text(FIXABLE.as_bytes(), &settings);
        assert!(
            !rules(&analysis).contains(&Rule::InvalidEffect),
            "{:?}",
            rules(&analysis)
        );
        assert_eq!(analysis.report.suppressed, 1);
        let fixed = analysis.fixed.expect("the comma is still fixed");
        assert!(fixed.after.contains(r#""Effect": "allow""#), "{}", fixed.after);
        assert_eq!(fixed.applied, 1);
    }

    #[test]
    fn the_fixed_text_is_written_and_a_failed_write_makes_the_input_unreadable() {
        let written = std::cell::RefCell::new(String::new());
        let write = |text: &str| {
            *written.borrow_mut() = text.to_string();
            Ok(())
        };
        let settings = Settings {
            fix: Some(false),
            write: Some(&write),
            ..Settings::default()
        };
        let analysis = analyze_text(FIXABLE.as_bytes(), &settings);
        assert_eq!(*written.borrow(), analysis.fixed.expect("fixed").after);

        let fail = |_: &str| Err(std::io::Error::other("disk full"));
        let settings = Settings {
            fix: Some(false),
            write: Some(&fail),
            ..Settings::default()
        };
        let analysis = analyze_text(FIXABLE.as_bytes(), &settings);
        assert!(analysis.fixed.is_none());
        assert_eq!(analysis.report.outcome, crate::core::Outcome::Unreadable);
        assert_eq!(rules(&analysis), vec![Rule::IoError]);
        assert!(analysis.report.diagnostics[0]
            .message
            .contains("cannot write the fixed file: disk full"));
    }
}
