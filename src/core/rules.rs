//! Core: the rule table, severities and which rules a run has on. The table: one entry per `rules/<id>.toml`, compiled in by `build.rs`.
//!
//! Rule facts (id, default severity, summary, docs) are data; this module only
//! exposes them. The checks in `checks` name rules by enum variant, so
//! a check cannot cite a rule that has no data file.

use std::fmt;
use std::str::FromStr;

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

/// The four finding classes RAM's console validator and AWS Access Analyzer use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::SecurityWarning,
        Severity::Warning,
        Severity::Suggestion,
    ];

    /// Whether a finding of this severity blocks a run whose `--fail-on`
    /// threshold is `threshold` (suggestion < warning < security-warning < error).
    pub fn reaches(self, threshold: Severity) -> bool {
        // Declared from most to least severe.
        self <= threshold
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security-warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == s)
            .ok_or_else(|| {
                format!("unknown severity `{s}` (expected error, security-warning, warning or suggestion)")
            })
    }
}

/// Which rules run and at what severity; `None` turns a rule off.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    severities: Vec<Option<Severity>>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            severities: Rule::ALL.iter().map(|r| Some(r.default_severity())).collect(),
        }
    }
}

impl RuleSettings {
    /// Settings with only `rule` on, at its default severity.
    pub fn only(rule: Rule) -> Self {
        let mut settings = RuleSettings {
            severities: vec![None; Rule::ALL.len()],
        };
        settings.set(rule, Some(rule.default_severity()));
        settings
    }

    pub fn set(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities[rule as usize] = severity;
    }

    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities[rule as usize]
    }
}
