//! The rule table: one entry per `rules/<id>.toml`, compiled in by `build.rs`.
//!
//! Rule facts (id, default severity, summary, docs) are data; this module only
//! exposes them. The checks in [`crate::checks`] name rules by enum variant, so
//! a check cannot cite a rule that has no data file.

use crate::diagnostic::Severity;

/// What `rules/<id>.toml` says about one rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
    /// Configuration the `bad`/`good` examples need, as `policy-check.toml` text.
    pub config: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/rules.rs"));

impl Rule {
    pub fn id(self) -> &'static str {
        self.meta().id
    }

    pub fn default_severity(self) -> Severity {
        self.meta().severity
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL
            .binary_search_by(|rule| rule.id().cmp(id))
            .ok()
            .map(|i| Rule::ALL[i])
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
