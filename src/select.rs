//! `--select` and `--ignore` values: a rule id, or a group of rules as ruff
//! accepts a prefix. Groups follow each rule's default severity, which is
//! what the rule is for: `correctness` (errors: the policy does not do what
//! it says, or RAM rejects it), `security` (security warnings: it grants
//! too much), the four severity names, and `all`.

use clap::builder::{PossibleValue, TypedValueParser};

use crate::core::Rule;
use crate::core::Severity;

/// The groups and the severity each stands for (`None`: every rule).
const GROUPS: [(&str, Option<Severity>, &str); 7] = [
    ("all", None, "every rule"),
    (
        "correctness",
        Some(Severity::Error),
        "the rules that are errors by default",
    ),
    (
        "security",
        Some(Severity::SecurityWarning),
        "the rules that are security warnings by default",
    ),
    (
        "error",
        Some(Severity::Error),
        "rules whose default severity is error",
    ),
    (
        "security-warning",
        Some(Severity::SecurityWarning),
        "rules whose default severity is security-warning",
    ),
    (
        "warning",
        Some(Severity::Warning),
        "rules whose default severity is warning",
    ),
    (
        "suggestion",
        Some(Severity::Suggestion),
        "rules whose default severity is suggestion",
    ),
];

/// A parsed `--select`/`--ignore` value: the rules it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(pub Vec<Rule>);

impl Selector {
    /// A rule id or a group name; an unknown word names the nearest one.
    pub fn parse(text: &str) -> Result<Selector, String> {
        if let Some(rule) = Rule::from_id(text) {
            return Ok(Selector(vec![rule]));
        }
        if let Some((_, severity, _)) = GROUPS.iter().find(|(name, ..)| *name == text) {
            let rules = Rule::ALL
                .iter()
                .copied()
                .filter(|rule| severity.is_none_or(|s| rule.default_severity() == s))
                .collect();
            return Ok(Selector(rules));
        }
        let names: Vec<&str> = Rule::ALL
            .iter()
            .map(|r| r.id())
            .chain(GROUPS.iter().map(|(name, ..)| *name))
            .collect();
        let hint = crate::core::text::nearest(text, &names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        Err(format!(
            "`{text}` is neither a rule nor a group{hint} (`policy-check rules` lists the rules; groups: {})",
            GROUPS.map(|(name, ..)| name).join(", ")
        ))
    }
}

/// Every rule the selectors name, in rule order, once each.
pub(crate) fn rules(selectors: &[Selector]) -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| selectors.iter().any(|s| s.0.contains(rule)))
        .collect()
}

/// Parses with [`Selector::parse`] and tells completion scripts every rule
/// id and group.
#[derive(Clone)]
pub(crate) struct SelectorParser;

impl TypedValueParser for SelectorParser {
    type Value = Selector;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Selector, clap::Error> {
        let text = clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)?;
        Selector::parse(&text).map_err(|message| {
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{message}\n")).with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            GROUPS
                .iter()
                .map(|(name, _, help)| PossibleValue::new(*name).help(*help))
                .chain(Rule::ALL.iter().map(|rule| PossibleValue::new(rule.id()))),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_default_severities() {
        let security = Selector::parse("security").expect("group").0;
        assert!(security.contains(&Rule::AllowAll));
        assert!(security
            .iter()
            .all(|r| r.default_severity() == Severity::SecurityWarning));
        assert_eq!(Selector::parse("security-warning").expect("group").0, security);
        let correctness = Selector::parse("correctness").expect("group").0;
        assert!(correctness.contains(&Rule::InvalidEffect));
        assert!(!correctness.contains(&Rule::AllowAll));
        assert_eq!(Selector::parse("all").expect("all").0.len(), Rule::ALL.len());
        // The groups of the four severities cover every rule once.
        let mut total = 0;
        for name in ["error", "security-warning", "warning", "suggestion"] {
            total += Selector::parse(name).expect("severity").0.len();
        }
        assert_eq!(total, Rule::ALL.len());
        assert_eq!(Selector::parse("allow-all").expect("rule").0, [Rule::AllowAll]);
        let error = Selector::parse("securty").expect_err("typo");
        assert!(error.contains("did you mean `security`?"), "{error}");
    }
}
