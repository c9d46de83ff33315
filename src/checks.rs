//! Stage 3: checks over one policy. Each submodule reads the model (and, where
//! grammar is concerned, the raw tree) and pushes diagnostics; none of them
//! prints, filters by configuration or computes lines.

mod access;
mod actions;
mod conditions;
mod grammar;
mod memo;
mod resources;
mod shared;

pub use actions::unchecked_services;

use crate::catalog::AccessLevel;
use crate::core::{Diagnostic, Rule, RuleSettings};
use crate::model::Policy;

/// RAM's documented limit for a custom policy document, in characters.
pub const DEFAULT_MAX_POLICY_LENGTH: usize = 6144;

/// Options that change what the checks find.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub max_policy_length: usize,
    /// Actions to treat as known although the built-in operation table lacks them.
    pub extra_actions: Vec<String>,
    /// Access levels `extra-actions` declares, for the access-level ceiling.
    pub extra_action_levels: Vec<(String, AccessLevel)>,
    /// Condition keys to treat as documented although the vocabulary lacks them.
    pub extra_condition_keys: Vec<String>,
    /// Access levels a document may allow (`access-level-exceeded`); `None` allows all.
    pub allowed_access_levels: Option<Vec<String>>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            max_policy_length: DEFAULT_MAX_POLICY_LENGTH,
            extra_actions: Vec::new(),
            extra_action_levels: Vec::new(),
            extra_condition_keys: Vec::new(),
            allowed_access_levels: None,
        }
    }
}

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
