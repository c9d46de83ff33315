//! Core: what was done with one input and what was found in it, as the
//! engine hands it to reporters, the baseline and suppressions.

use super::diagnostic::Diagnostic;
use super::rules::Rule;
use super::span::Span;

/// What was done with one input, for the summary and `--show-files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Checked: this many policy documents were found in it, and this many
    /// values (or whole documents) were left unknown because the host file
    /// computes them (`var.x`, `!Ref`).
    Linted { documents: usize, unknown: usize },
    /// Found by walking and not a policy: why it was passed over.
    Skipped(String),
    /// Found by walking and left out by the configuration: which one.
    Excluded(String),
    /// Could not be read (the `io-error` finding says why).
    Unreadable,
}

/// One input: its (possibly lossily decoded) text, kept only when there is
/// something to render, its findings in output order, and what was done.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Outcome,
    /// Services named by its actions that have no operation table, so whose
    /// actions were not checked (lower case, sorted, each once).
    pub unchecked_services: Vec<String>,
    /// Findings hidden by `[[suppress]]` entries and suppression comments.
    pub suppressed: usize,
    /// Findings hidden because the baseline (`--baseline`) holds them.
    pub baselined: usize,
}

impl FileReport {
    /// A linted file; its text is kept only when there are findings to
    /// render, and its unchecked services are sorted, each once.
    pub fn linted(
        name: String,
        text: String,
        diagnostics: Vec<Diagnostic>,
        documents: usize,
        unknown: usize,
        unchecked_services: Vec<String>,
    ) -> Self {
        let text = if diagnostics.is_empty() {
            String::new()
        } else {
            text
        };
        let mut diagnostics = diagnostics;
        // A finding about a node that starts with a multi-byte character
        // (a YAML key after U+FFFD) points at that whole character.
        for d in &mut diagnostics {
            d.span = d.span.on_characters(&text);
            for label in &mut d.labels {
                label.span = label.span.on_characters(&text);
            }
        }
        FileReport {
            name,
            text,
            diagnostics,
            outcome: Outcome::Linted { documents, unknown },
            unchecked_services: sorted_services(unchecked_services),
            suppressed: 0,
            baselined: 0,
        }
    }

    /// A file that could not be read.
    pub fn io_error(name: String, message: String) -> Self {
        let mut diagnostic = Diagnostic::new(Rule::IoError, Span::default(), message);
        diagnostic.path = None;
        FileReport {
            name,
            text: String::new(),
            diagnostics: vec![diagnostic],
            outcome: Outcome::Unreadable,
            unchecked_services: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }

    /// A walked file the configuration leaves out.
    pub fn excluded(name: String, reason: String) -> Self {
        FileReport {
            name,
            text: String::new(),
            diagnostics: Vec::new(),
            outcome: Outcome::Excluded(reason),
            unchecked_services: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }

    /// A walked file that holds no policy.
    pub fn skipped(name: String, reason: impl Into<String>) -> Self {
        FileReport {
            name,
            text: String::new(),
            diagnostics: Vec::new(),
            outcome: Outcome::Skipped(reason.into()),
            unchecked_services: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }
}

/// Services gathered from several documents of one file: sorted, each once.
fn sorted_services(mut services: Vec<String>) -> Vec<String> {
    services.sort();
    services.dedup();
    services
}
