//! The condition vocabulary from `rules/data/conditions.toml`, read once on
//! first use; the lint checks and the evaluator both look names up here.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::wildcard::{self, Case};

/// The value type an operator compares, and the type of a known key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Ip,
}

impl Family {
    /// What a value of this family looks like, for messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Family::String => "a string",
            Family::Numeric => "a number",
            Family::Date => "an ISO 8601 date-time such as `2026-12-31T23:59:59Z`",
            Family::Bool => "`true` or `false`",
            Family::Ip => "an IPv4 or IPv6 address or CIDR block",
        }
    }
}

/// The test an operator makes before negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Compare {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Operator {
    pub name: String,
    pub family: Family,
    pub compare: Compare,
    #[serde(default)]
    pub negated: bool,
    #[serde(default)]
    pub ignore_case: bool,
    #[serde(default)]
    pub wildcards: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct GlobalKey {
    pub name: String,
    #[serde(rename = "type")]
    pub family: Family,
    #[serde(default)]
    pub prefix: bool,
    pub about: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Federation {
    pub services: Vec<String>,
    pub actions: Vec<String>,
    // Where the data comes from: required by `deny_unknown_fields`, read by
    // people, not by the code.
    #[allow(dead_code)]
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct AwsOnly {
    pub pattern: String,
    pub help: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Vocabulary {
    pub as_of: String,
    // As `Federation::source`.
    #[allow(dead_code)]
    pub sources: Vec<String>,
    #[serde(rename = "qualifier")]
    pub qualifiers: Vec<Qualifier>,
    #[serde(rename = "operator")]
    pub operators: Vec<Operator>,
    #[serde(rename = "global-key")]
    pub global_keys: Vec<GlobalKey>,
    pub federation: Vec<Federation>,
    pub aws_only: Vec<AwsOnly>,
}

const TEXT: &str = include_str!("../../rules/data/conditions.toml");

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    // The file is compiled in and checked by the tests below, so a failure
    // here is a build defect, never something a user's input can cause.
    toml::from_str(TEXT).unwrap_or_else(|e| panic!("rules/data/conditions.toml: {e}"))
});

pub(crate) fn vocabulary() -> &'static Vocabulary {
    &VOCABULARY
}

/// How many of a multi-valued request key's values must satisfy a qualified
/// operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Quantifier {
    All,
    Any,
}

/// A set qualifier in front of an operator (`ForAllValues:`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Qualifier {
    pub name: String,
    pub quantifier: Quantifier,
}

/// An operator as written, split into its qualifier and known operator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParsedOperator {
    pub qualifier: Option<&'static Qualifier>,
    pub operator: &'static Operator,
}

impl Vocabulary {
    /// The operator named exactly `name` (operators are case-sensitive).
    pub(crate) fn operator(&self, name: &str) -> Option<&Operator> {
        self.operators.iter().find(|op| op.name == name)
    }

    /// Splits `ForAllValues:StringEquals` style text; `None` when the text is
    /// not a known operator with an optional known qualifier.
    pub(crate) fn parse_operator(&'static self, written: &str) -> Option<ParsedOperator> {
        let (qualifier, name) = match written.split_once(':') {
            Some((q, name)) => (Some(self.qualifiers.iter().find(|known| known.name == q)?), name),
            None => (None, written),
        };
        Some(ParsedOperator {
            qualifier,
            operator: self.operator(name)?,
        })
    }

    /// The global key `key` is, matched exactly (prefix keys need a
    /// non-empty tag key after the prefix).
    pub(crate) fn global_key(&self, key: &str) -> Option<&GlobalKey> {
        self.global_keys.iter().find(|k| {
            if k.prefix {
                key.strip_prefix(k.name.as_str())
                    .is_some_and(|tag| !tag.is_empty())
            } else {
                key == k.name
            }
        })
    }

    /// The AWS-only operator entry `name` (qualifier removed) matches.
    pub(crate) fn aws_only(&self, name: &str) -> Option<&AwsOnly> {
        self.aws_only
            .iter()
            .find(|entry| wildcard::matches(&entry.pattern, name, Case::Sensitive))
    }

    /// Whether a key of `service` is a federation key valid with `action`,
    /// or with some action the pattern `action` covers (`sts:*`).
    pub(crate) fn is_federation_key(&self, service: &str, action: &str) -> bool {
        self.federation.iter().any(|f| {
            f.services.iter().any(|s| s.eq_ignore_ascii_case(service))
                && f.actions.iter().any(|pattern| {
                    wildcard::matches(pattern, action, Case::Insensitive)
                        || wildcard::matches(action, &pattern.replace(['*', '?'], ""), Case::Insensitive)
                })
        })
    }
}

/// Whether `key` has the `<service>:<name>` shape: a service code of ASCII
/// letters, digits and hyphens, and a name without whitespace.
pub(crate) fn is_well_formed_key(key: &str) -> bool {
    let Some((service, name)) = key.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.is_empty()
        && !name.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn is_pascal_case(name: &str) -> bool {
        name.starts_with(|c: char| c.is_ascii_uppercase()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    #[test]
    fn the_data_file_parses_and_names_its_sources() {
        let v = vocabulary();
        assert!(!v.sources.is_empty());
        let date = v.as_of.as_bytes();
        assert!(
            date.len() == 10 && date[4] == b'-' && date[7] == b'-',
            "as-of is YYYY-MM-DD"
        );
    }

    #[test]
    fn there_are_21_unique_well_formed_operators() {
        let v = vocabulary();
        assert_eq!(v.operators.len(), 21);
        let mut seen = HashSet::new();
        for op in &v.operators {
            assert!(is_pascal_case(&op.name), "{}", op.name);
            assert!(seen.insert(op.name.as_str()), "duplicate operator {}", op.name);
            let compare_fits = match op.family {
                Family::String | Family::Bool => op.compare == Compare::Equal,
                Family::Ip => op.compare == Compare::In,
                Family::Numeric | Family::Date => op.compare != Compare::In,
            };
            assert!(compare_fits, "{}: compare does not fit its family", op.name);
            assert!(
                op.family == Family::String || !(op.ignore_case || op.wildcards),
                "{}: only string operators ignore case or take wildcards",
                op.name
            );
            assert_eq!(
                op.negated,
                op.name.contains("Not"),
                "{}: negation and name disagree",
                op.name
            );
        }
    }

    #[test]
    fn qualifiers_are_unique_and_parse() {
        let v = vocabulary();
        let unique: HashSet<&str> = v.qualifiers.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(unique.len(), v.qualifiers.len());
        assert_eq!(v.qualifiers.len(), 2);
        for q in &v.qualifiers {
            assert!(is_pascal_case(&q.name), "{}", q.name);
            let parsed = v
                .parse_operator(&format!("{}:StringEquals", q.name))
                .expect("qualified operator parses");
            assert_eq!(parsed.qualifier.map(|p| p.name.as_str()), Some(q.name.as_str()));
        }
    }

    #[test]
    fn global_keys_are_unique_and_well_formed() {
        let v = vocabulary();
        let mut seen = HashSet::new();
        for key in &v.global_keys {
            assert!(key.name.starts_with("acs:"), "{}", key.name);
            assert_eq!(
                key.prefix,
                key.name.ends_with('/'),
                "{}: prefix keys end in /",
                key.name
            );
            let sample = if key.prefix {
                format!("{}team", key.name)
            } else {
                key.name.clone()
            };
            assert!(is_well_formed_key(&sample), "{}", key.name);
            assert!(v.global_key(&sample).is_some(), "{}", key.name);
            assert!(
                seen.insert(key.name.to_ascii_lowercase()),
                "duplicate key {}",
                key.name
            );
            assert!(!key.about.is_empty());
        }
        assert!(
            v.global_key("acs:ResourceTag/").is_none(),
            "a tag key is required"
        );
    }

    #[test]
    fn federation_and_aws_entries_are_well_formed() {
        let v = vocabulary();
        for f in &v.federation {
            assert!(f.actions.iter().all(|a| is_well_formed_key(a)));
            assert!(!f.services.is_empty() && !f.source.is_empty());
        }
        let mut patterns = HashSet::new();
        for entry in &v.aws_only {
            assert!(
                patterns.insert(entry.pattern.as_str()),
                "duplicate {}",
                entry.pattern
            );
            assert!(
                v.operator(&entry.pattern).is_none(),
                "{} is a RAM operator",
                entry.pattern
            );
            assert!(v.operators.iter().all(|op| v.aws_only(&op.name).is_none()));
        }
    }

    #[test]
    fn lookups() {
        let v = vocabulary();
        assert!(v.parse_operator("StringEquals").is_some());
        assert!(v.parse_operator("stringEquals").is_none());
        assert!(v.parse_operator("ForAnyValues:StringEquals").is_none());
        assert!(v.parse_operator("ForAllValues:Bogus").is_none());
        assert!(v.aws_only("StringEqualsIfExists").is_some());
        assert!(v.aws_only("ArnLike").is_some());
        assert!(v.aws_only("StringEqual").is_none());
        assert_eq!(
            v.global_key("acs:ResourceTag/team").map(|k| k.family),
            Some(Family::String)
        );
        assert!(v.global_key("acs:SourceIP").is_none());
        assert!(v.is_federation_key("saml", "sts:AssumeRoleWithSAML"));
        assert!(v.is_federation_key("oidc", "STS:AssumeRole"));
        assert!(v.is_federation_key("oidc", "sts:*"));
        assert!(!v.is_federation_key("oidc", "sts:GetCallerIdentity"));
        assert!(!v.is_federation_key("oidc", "ens:CreateImage"));
        assert!(is_well_formed_key("kms:tag/acs:rds:instance-encryption"));
        for bad in ["Action", "acs:", ":x", "ac s:x", "acs:Source Ip", "a_b:c"] {
            assert!(!is_well_formed_key(bad), "{bad}");
        }
    }
}
