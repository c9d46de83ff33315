//! Core: the one finding type every check produces and every reporter consumes.
//!
//! A diagnostic holds byte spans only; reporters turn them into lines and
//! columns. Severity is filled from the rule table (and config) when a file's
//! findings are finalised, so checks only say which rule fired.

use super::edit::Fix;
use super::rules::{Rule, Severity};
use super::span::Span;

/// A secondary span with a short noun phrase ("effect set here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
    /// RFC 9535 normalized path of the element the span is on, such as
    /// `$['Statement'][0]['Action'][1]`; filled in when findings are finalised.
    /// `None` for a finding about a whole file that could not be read.
    pub path: Option<String>,
    /// The finding rests on a fact RAM does not document: it is reported at
    /// most as a warning, whatever the rule's level.
    pub uncertain: bool,
    /// Where the document sits in its host file (a Terraform attribute, a
    /// ROS property); `None` for a file that is one policy.
    pub document: Option<String>,
    /// How to fix it, if the tool knows; its edits are host-file bytes once
    /// the finding is finalised (see [`crate::fix`]).
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, at the rule's default severity.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            help: None,
            span,
            labels: Vec::new(),
            path: None,
            uncertain: false,
            document: None,
            fix: None,
        }
    }

    /// Marks the finding as resting on an undocumented fact (see `uncertain`).
    pub fn uncertain(mut self) -> Self {
        self.uncertain = true;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The order findings are printed in within one file.
    pub fn sort_key(&self) -> (usize, &'static str, usize) {
        (self.span.start, self.rule.id(), self.span.end)
    }
}
