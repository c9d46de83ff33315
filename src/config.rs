//! `policy-check.toml`: the typed configuration and how it turns into lint
//! options and rule settings for one file. Finding and reporting the file is
//! the CLI's business; this module only reads and applies it.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::lint::{LintOptions, RuleSettings};
use crate::rules::Rule;
use crate::source::Span;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    fail_on: Option<Vec<String>>,
    max_policy_length: Option<usize>,
    #[serde(default)]
    extra_actions: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    files: Vec<String>,
    allowed_access_levels: Option<Vec<String>>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

/// A rule's configured level: off, or a severity.
pub type Level = Option<Severity>;

/// A validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    pub fail_on: Option<Vec<Severity>>,
    pub max_policy_length: Option<usize>,
    pub extra_actions: Vec<String>,
    pub rules: Vec<(Rule, Level)>,
    pub overrides: Vec<Override>,
}

#[derive(Debug)]
pub struct Override {
    pub files: GlobSet,
    pub allowed_access_levels: Option<Vec<String>>,
    pub rules: Vec<(Rule, Level)>,
}

/// A configuration problem, with the span of the offending TOML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Span,
    pub message: String,
}

/// Access levels the operation table uses.
pub const ACCESS_LEVELS: &[&str] = &["create", "list", "get", "update", "delete", "none"];

impl Config {
    /// Parses and validates configuration text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            span: e.span().map_or_else(Span::default, |r| Span::new(r.start, r.end)),
            message: e.message().to_string(),
        })?;
        let locate = |needle: &str| locate(text, needle);
        let fail_on = raw
            .fail_on
            .map(|list| {
                list.iter()
                    .map(|s| {
                        s.parse::<Severity>().map_err(|message| ConfigError {
                            span: locate(s),
                            message,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let overrides = raw
            .overrides
            .iter()
            .map(|o| {
                if let Some(levels) = &o.allowed_access_levels {
                    for level in levels {
                        if !ACCESS_LEVELS.contains(&level.as_str()) {
                            return Err(ConfigError {
                                span: locate(level),
                                message: format!(
                                    "unknown access level `{level}` (expected one of {})",
                                    ACCESS_LEVELS.join(", ")
                                ),
                            });
                        }
                    }
                }
                Ok(Override {
                    files: globs(&o.files, text)?.unwrap_or_else(GlobSet::empty),
                    allowed_access_levels: o.allowed_access_levels.clone(),
                    rules: rule_levels(&o.rules, text)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            include: globs(&raw.include, text)?,
            exclude: globs(&raw.exclude, text)?,
            fail_on,
            max_policy_length: raw.max_policy_length,
            extra_actions: raw.extra_actions,
            rules: rule_levels(&raw.rules, text)?,
            overrides,
        })
    }

    /// Options and rule settings for a file at `relative_path` (relative to
    /// the configuration file's folder, `/`-separated).
    pub fn settings_for(&self, relative_path: &str) -> (LintOptions, RuleSettings) {
        let mut options = LintOptions {
            extra_actions: self.extra_actions.clone(),
            ..LintOptions::default()
        };
        if let Some(max) = self.max_policy_length {
            options.max_policy_length = max;
        }
        let mut settings = RuleSettings::default();
        for (rule, level) in &self.rules {
            settings.set(*rule, *level);
        }
        for o in self.overrides.iter().filter(|o| o.files.is_match(relative_path)) {
            if let Some(levels) = &o.allowed_access_levels {
                options.allowed_access_levels = Some(levels.clone());
            }
            for (rule, level) in &o.rules {
                settings.set(*rule, *level);
            }
        }
        (options, settings)
    }
}

fn globs(patterns: &[String], text: &str) -> Result<Option<GlobSet>, ConfigError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| ConfigError {
            span: locate(text, pattern),
            message: format!("invalid glob `{pattern}`: {}", e.kind()),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| ConfigError {
        span: Span::default(),
        message: e.to_string(),
    })
}

fn rule_levels(table: &BTreeMap<String, String>, text: &str) -> Result<Vec<(Rule, Level)>, ConfigError> {
    table
        .iter()
        .map(|(id, level)| {
            let rule = Rule::from_id(id).ok_or_else(|| {
                let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                let hint = crate::checks::nearest(id, &ids)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                ConfigError {
                    span: locate(text, id),
                    message: format!("unknown rule `{id}`{hint}"),
                }
            })?;
            let level = match level.as_str() {
                "off" => None,
                other => Some(other.parse::<Severity>().map_err(|message| ConfigError {
                    span: locate(text, level),
                    message: format!("{message}, or off"),
                })?),
            };
            Ok((rule, level))
        })
        .collect()
}

/// Best-effort span of a value serde has already consumed: its first
/// occurrence in the text (quoted if possible).
fn locate(text: &str, needle: &str) -> Span {
    let quoted = format!("\"{needle}\"");
    text.find(&quoted)
        .map(|i| Span::new(i, i + quoted.len()))
        .or_else(|| text.find(needle).map(|i| Span::new(i, i + needle.len())))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_by_path() {
        let config = Config::parse(
            r#"
max-policy-length = 100
[rules]
empty-value = "error"
[[overrides]]
files = ["readonly/**"]
allowed-access-levels = ["list", "get"]
rules = { empty-value = "off" }
"#,
        )
        .expect("valid");
        let (options, settings) = config.settings_for("other/p.json");
        assert_eq!(options.max_policy_length, 100);
        assert_eq!(options.allowed_access_levels, None);
        assert_eq!(settings.severity(Rule::EmptyValue), Some(Severity::Error));
        let (options, settings) = config.settings_for("readonly/p.json");
        assert_eq!(
            options.allowed_access_levels,
            Some(vec!["list".into(), "get".into()])
        );
        assert_eq!(settings.severity(Rule::EmptyValue), None);
    }

    #[test]
    fn errors_point_into_the_toml() {
        let text = "[rules]\nunknown-actoin = \"off\"\n";
        let error = Config::parse(text).expect_err("unknown rule");
        assert!(
            error.message.contains("unknown rule `unknown-actoin`"),
            "{}",
            error.message
        );
        assert_eq!(&text[error.span.start..error.span.end], "unknown-actoin");
        let error = Config::parse("colour = 1\n").expect_err("unknown key");
        assert!(error.message.contains("unknown field"), "{}", error.message);
        assert_eq!(error.span, Span::new(0, 6));
    }
}
