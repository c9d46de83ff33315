//! Stage 3: checks over one policy. Each submodule reads the model (and, where
//! grammar is concerned, the raw tree) and pushes diagnostics; none of them
//! prints, filters by configuration or computes lines.

mod access;
mod actions;
mod conditions;
mod grammar;
mod memo;
mod resources;

pub use actions::unchecked_services;
pub use grammar::nearest;

use crate::diagnostic::Diagnostic;
use crate::lint::{LintOptions, RuleSettings};
use crate::model::Policy;
use crate::rules::Rule;

/// What every check may read besides the policy.
pub struct Context<'a> {
    /// The document's own text (for an embedded policy, just that document).
    pub text: &'a str,
    pub options: &'a LintOptions,
    pub settings: &'a RuleSettings,
    /// Whether `text` at the root's span is the document as RAM receives it;
    /// a tree lowered from YAML or HCL has no such text to measure.
    pub exact_text: bool,
}

impl Context<'_> {
    /// Whether `rule` is on: a check whose findings would all be dropped
    /// is not run (a hostile file can make some checks slow).
    pub fn on(&self, rule: Rule) -> bool {
        self.settings.severity(rule).is_some()
    }
}

/// Runs every check on one policy document.
pub fn run(policy: &Policy<'_>, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    grammar::check(policy, cx, out);
    actions::check(policy, cx, out);
    resources::check(policy, cx, out);
    conditions::check(policy, cx, out);
    access::check(policy, cx, out);
}
