//! `policy-check.toml`: the typed configuration and how it turns into lint
//! options and rule settings for one file. Finding and reporting the file is
//! the CLI's business; this module only reads and applies it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::AccessLevel;
use crate::checks::LintOptions;
use crate::core::path::ElementPattern;
use crate::core::Rule;
use crate::core::Severity;
use crate::core::Span;
use crate::core::{Date, RuleSettings};
use crate::embedded::Query;
use crate::suppress::Suppression;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    fail_on: Option<Spanned<toml::Value>>,
    max_policy_length: Option<usize>,
    #[serde(default)]
    extra_actions: Vec<RawExtraAction>,
    #[serde(default)]
    extra_condition_keys: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppress>>,
}

/// A `[[suppress]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppress {
    path: Spanned<String>,
    rule: Spanned<String>,
    jsonpath: Option<Spanned<String>>,
    document: Option<String>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// An `extra-actions` entry: `"ecs:NewApi"`, or
/// `{ action = "ecs:NewApi", access-level = "get" }`, which also tells
/// `allowed-access-levels` the level the operation table cannot.
#[derive(Debug)]
enum RawExtraAction {
    Name(String),
    Declared(DeclaredAction),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DeclaredAction {
    action: String,
    access_level: Spanned<String>,
}

impl<'de> Deserialize<'de> for RawExtraAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawExtraAction;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an action, or a table with `action` and `access-level`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawExtraAction::Name(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                DeclaredAction::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawExtraAction::Declared)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    files: Vec<Spanned<String>>,
    allowed_access_levels: Option<Vec<Spanned<String>>>,
    jsonpath: Option<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A rule's configured level: off, or a severity.
pub type Level = Option<Severity>;

/// A validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// The patterns behind `include` and `exclude`, as written, for the summary.
    pub include_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
    /// The lowest severity that fails the run.
    pub fail_on: Option<Severity>,
    pub max_policy_length: Option<usize>,
    pub extra_actions: Vec<String>,
    /// Access levels `extra-actions` declares, by action.
    pub extra_action_levels: Vec<(String, AccessLevel)>,
    /// Global condition keys to accept besides the built-in vocabulary.
    pub extra_condition_keys: Vec<String>,
    pub rules: Vec<(Rule, Level)>,
    pub overrides: Vec<Override>,
    /// `[[suppress]]` entries, in file order.
    pub suppress: Vec<Suppression>,
}

#[derive(Debug)]
pub struct Override {
    pub files: GlobSet,
    /// The patterns behind `files`, as written, for the summary.
    pub file_patterns: Vec<String>,
    pub allowed_access_levels: Option<Vec<String>>,
    /// Files here are hosts: lint the policies this expression selects.
    pub jsonpath: Option<Query>,
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
        let fail_on = raw.fail_on.as_ref().map(fail_on_threshold).transpose()?;
        let extra_condition_keys = raw
            .extra_condition_keys
            .iter()
            .map(condition_key)
            .collect::<Result<Vec<_>, _>>()?;
        let overrides = raw
            .overrides
            .iter()
            .map(|o| {
                let levels = o
                    .allowed_access_levels
                    .as_ref()
                    .map(|levels| levels.iter().map(access_level).collect::<Result<Vec<_>, _>>())
                    .transpose()?;
                Ok(Override {
                    files: globs(&o.files)?.unwrap_or_else(GlobSet::empty),
                    file_patterns: patterns(&o.files),
                    allowed_access_levels: levels,
                    jsonpath: o
                        .jsonpath
                        .as_ref()
                        .map(|expression| {
                            Query::parse(expression.get_ref()).map_err(|message| ConfigError {
                                span: span_of(expression),
                                message,
                            })
                        })
                        .transpose()?,
                    rules: rule_levels(&o.rules)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut extra_actions = Vec::new();
        let mut extra_action_levels = Vec::new();
        for entry in raw.extra_actions {
            match entry {
                RawExtraAction::Name(action) => extra_actions.push(action),
                RawExtraAction::Declared(declared) => {
                    let level = access_level(&declared.access_level)?
                        .parse::<AccessLevel>()
                        .map_err(|message| ConfigError {
                            span: span_of(&declared.access_level),
                            message,
                        })?;
                    extra_action_levels.push((declared.action.clone(), level));
                    extra_actions.push(declared.action);
                }
            }
        }
        Ok(Config {
            include: globs(&raw.include)?,
            exclude: globs(&raw.exclude)?,
            include_patterns: patterns(&raw.include),
            exclude_patterns: patterns(&raw.exclude),
            fail_on,
            max_policy_length: raw.max_policy_length,
            extra_actions,
            extra_action_levels,
            extra_condition_keys,
            rules: rule_levels(&raw.rules)?,
            overrides,
            suppress: raw
                .suppress
                .iter()
                .map(suppression)
                .collect::<Result<Vec<_>, _>>()?,
        })
    }

    /// The `[[suppress]]` entries that apply to the file at `relative_path`
    /// on `today`: its `path` glob matches and it has not expired.
    pub fn suppressions_for(&self, relative_path: &str, today: Date) -> Vec<&Suppression> {
        self.suppress
            .iter()
            .filter(|s| !s.expired(today) && s.path.is_match(relative_path))
            .collect()
    }

    /// Options and rule settings for a file at `relative_path` (relative to
    /// the configuration file's folder, `/`-separated).
    pub fn settings_for(&self, relative_path: &str) -> (LintOptions, RuleSettings) {
        let mut options = LintOptions {
            extra_actions: self.extra_actions.clone(),
            extra_action_levels: self.extra_action_levels.clone(),
            extra_condition_keys: self.extra_condition_keys.clone(),
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

    /// The `--jsonpath` expression the last matching override gives the
    /// file at `relative_path`, if any.
    pub fn jsonpath_for(&self, relative_path: &str) -> Option<&Query> {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.files.is_match(relative_path))
            .find_map(|o| o.jsonpath.as_ref())
    }

    /// Whether a file found by walking (at `relative_path`, as for
    /// [`Config::settings_for`]) is linted: it must match `include` when
    /// that is set, and must not match `exclude`.
    pub fn selects(&self, relative_path: &str) -> bool {
        self.include
            .as_ref()
            .is_none_or(|set| set.is_match(relative_path))
            && !self
                .exclude
                .as_ref()
                .is_some_and(|set| set.is_match(relative_path))
    }
}

/// What one configuration file changes from the built-in defaults, as the
/// run's summary names it: a pull request that adds a configuration cannot
/// switch checking off without the output saying so.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConfigSummary {
    /// The file, as shown.
    pub path: String,
    /// Rules turned off, each with the files it is off for when an override says.
    pub rules_off: Vec<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub fail_on: Option<&'static str>,
    /// `jsonpath` overrides: `expression (for files)`.
    pub jsonpath: Vec<String>,
    /// Actions and condition keys declared known.
    pub extra_actions: usize,
    pub extra_condition_keys: usize,
    /// `[[suppress]]` entries, with what each hid in this run.
    pub suppress: Vec<SuppressionSummary>,
}

/// A `[[suppress]]` entry as the summary names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SuppressionSummary {
    pub rule: &'static str,
    pub path: String,
    pub jsonpath: Option<String>,
    pub document: Option<String>,
    pub reason: String,
    pub expires: Option<String>,
    /// Past its `expires` date: it hid nothing.
    pub expired: bool,
    /// Findings it hid in this run.
    pub suppressed: usize,
}

impl ConfigSummary {
    /// The changes as short phrases, for the human summary.
    pub fn effects(&self) -> Vec<String> {
        let quoted = |list: &[String]| {
            list.iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut effects = Vec::new();
        if !self.rules_off.is_empty() {
            effects.push(format!("turns off {}", self.rules_off.join(", ")));
        }
        if !self.include.is_empty() {
            effects.push(format!("includes only {}", quoted(&self.include)));
        }
        if !self.exclude.is_empty() {
            effects.push(format!("excludes {}", quoted(&self.exclude)));
        }
        if let Some(fail_on) = self.fail_on {
            effects.push(format!("fail-on {fail_on}"));
        }
        if !self.jsonpath.is_empty() {
            effects.push(format!("jsonpath {}", self.jsonpath.join(", ")));
        }
        if !self.suppress.is_empty() {
            let entries: Vec<String> = self
                .suppress
                .iter()
                .map(|s| {
                    let hid = if s.expired {
                        "expired".to_string()
                    } else {
                        format!(
                            "{} finding{}",
                            s.suppressed,
                            if s.suppressed == 1 { "" } else { "s" }
                        )
                    };
                    format!("{} for `{}` ({hid})", s.rule, s.path)
                })
                .collect();
            effects.push(format!("suppresses {}", entries.join(", ")));
        }
        if self.extra_actions > 0 {
            effects.push(format!("declares {} extra actions", self.extra_actions));
        }
        if self.extra_condition_keys > 0 {
            effects.push(format!(
                "declares {} extra condition keys",
                self.extra_condition_keys
            ));
        }
        effects
    }
}

impl Config {
    /// What this configuration changes, for the run's summary; `today`
    /// decides which suppressions have expired.
    pub fn summary(&self, path: String, today: Date) -> ConfigSummary {
        let mut rules_off: Vec<String> = self
            .rules
            .iter()
            .filter(|(_, level)| level.is_none())
            .map(|(rule, _)| rule.id().to_string())
            .collect();
        let mut jsonpath = Vec::new();
        for o in &self.overrides {
            let files = o
                .file_patterns
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ");
            rules_off.extend(
                o.rules
                    .iter()
                    .filter(|(_, level)| level.is_none())
                    .map(|(rule, _)| format!("{} (for {files})", rule.id())),
            );
            if let Some(query) = &o.jsonpath {
                jsonpath.push(format!("`{}` (for {files})", query.expression()));
            }
        }
        ConfigSummary {
            path,
            rules_off,
            include: self.include_patterns.clone(),
            exclude: self.exclude_patterns.clone(),
            fail_on: self.fail_on.map(Severity::as_str),
            jsonpath,
            extra_actions: self.extra_actions.len(),
            extra_condition_keys: self.extra_condition_keys.len(),
            suppress: self
                .suppress
                .iter()
                .map(|s| SuppressionSummary {
                    rule: s.rule.id(),
                    path: s.pattern.clone(),
                    jsonpath: s.jsonpath.as_ref().map(|p| p.text.clone()),
                    document: s.document.clone(),
                    reason: s.reason.clone(),
                    expires: s.expires.map(|d| d.to_string()),
                    expired: s.expired(today),
                    suppressed: s.used(),
                })
                .collect(),
        }
    }
}

/// The name `policy-check` looks for in the working directory and its parents.
pub const FILE_NAME: &str = "policy-check.toml";

/// The nearest `policy-check.toml` in `dir` or one of its parents.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn span_of<T>(value: &Spanned<T>) -> Span {
    let range = value.span();
    Span::new(range.start, range.end)
}

fn patterns(list: &[Spanned<String>]) -> Vec<String> {
    list.iter().map(|p| p.get_ref().clone()).collect()
}

/// `fail-on = "warning"`: one severity, the lowest that fails the run.
fn fail_on_threshold(value: &Spanned<toml::Value>) -> Result<Severity, ConfigError> {
    let span = span_of(value);
    match value.get_ref() {
        toml::Value::String(text) => text
            .parse::<Severity>()
            .map_err(|message| ConfigError { span, message }),
        toml::Value::Array(_) => Err(ConfigError {
            span,
            message: "`fail-on` is a threshold, not a list: write the lowest severity that fails the run, such as `fail-on = \"warning\"`".to_string(),
        }),
        other => Err(ConfigError {
            span,
            message: format!(
                "`fail-on` must be a severity string (error, security-warning, warning or suggestion), found {}",
                other.type_str()
            ),
        }),
    }
}

/// An `extra-condition-keys` entry: a key such as `acs:SourceVpc` or `ens:Tag`.
fn condition_key(key: &Spanned<String>) -> Result<String, ConfigError> {
    let text = key.get_ref();
    let well_formed = text
        .split_once(':')
        .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty());
    if well_formed {
        Ok(text.clone())
    } else {
        Err(ConfigError {
            span: span_of(key),
            message: format!(
                "`{text}` is not a condition key of the form `service:Name`, such as `acs:SourceVpc`"
            ),
        })
    }
}

fn access_level(level: &Spanned<String>) -> Result<String, ConfigError> {
    if ACCESS_LEVELS.contains(&level.get_ref().as_str()) {
        Ok(level.get_ref().clone())
    } else {
        Err(ConfigError {
            span: span_of(level),
            message: format!(
                "unknown access level `{}` (expected one of {})",
                level.get_ref(),
                ACCESS_LEVELS.join(", ")
            ),
        })
    }
}

/// One `[[suppress]]` entry: a glob, a rule, and a reason are required.
fn suppression(entry: &Spanned<RawSuppress>) -> Result<Suppression, ConfigError> {
    let raw = entry.get_ref();
    let rule_id = raw.rule.get_ref();
    let rule = Rule::from_id(rule_id)
        .filter(|rule| *rule != Rule::IoError)
        .ok_or_else(|| {
            let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
            let hint = crate::core::text::nearest(rule_id, &ids)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            let message = if rule_id == Rule::IoError.id() {
                "`io-error` cannot be suppressed: a file that cannot be read is always reported".to_string()
            } else {
                format!("unknown rule `{rule_id}`{hint}")
            };
            ConfigError {
                span: span_of(&raw.rule),
                message,
            }
        })?;
    let reason = match &raw.reason {
        Some(reason) if !reason.get_ref().trim().is_empty() => reason.get_ref().trim().to_string(),
        Some(reason) => {
            return Err(ConfigError {
                span: span_of(reason),
                message: "`reason` is empty: say why these findings may stay".to_string(),
            })
        }
        None => {
            return Err(ConfigError {
                span: span_of(entry),
                message: "this `[[suppress]]` entry has no `reason`: say why these findings may stay, as in `reason = \"legacy roles, cleanup tracked in OPS-123\"`".to_string(),
            })
        }
    };
    let path = globset::GlobBuilder::new(raw.path.get_ref())
        .literal_separator(true)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|e| ConfigError {
            span: span_of(&raw.path),
            message: format!("invalid glob `{}`: {}", raw.path.get_ref(), e.kind()),
        })?;
    let (expires, expires_span) = match &raw.expires {
        None => (None, Span::default()),
        Some(value) => (Some(expiry(value)?), span_of(value)),
    };
    Ok(Suppression {
        pattern: raw.path.get_ref().clone(),
        path,
        rule,
        jsonpath: raw
            .jsonpath
            .as_ref()
            .map(|p| {
                ElementPattern::parse(p.get_ref()).map_err(|message| ConfigError {
                    span: span_of(p),
                    message,
                })
            })
            .transpose()?,
        document: raw.document.clone(),
        reason,
        expires,
        rule_span: span_of(&raw.rule),
        expires_span,
        used: Default::default(),
        covered: Default::default(),
    })
}

/// `expires = 2026-06-30` (a TOML date) or `expires = "2026-06-30"`.
fn expiry(value: &Spanned<toml::Value>) -> Result<Date, ConfigError> {
    let text = match value.get_ref() {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            datetime.to_string()
        }
        _ => String::new(),
    };
    Date::parse(&text).ok_or_else(|| ConfigError {
        span: span_of(value),
        message: "`expires` must be a date, `YYYY-MM-DD` (such as `expires = 2026-06-30`)".to_string(),
    })
}

fn globs(patterns: &[Spanned<String>]) -> Result<Option<GlobSet>, ConfigError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // `literal_separator`: `*` stays within one folder, as in .gitignore
        // and ruff's `exclude`; `**` crosses folders.
        let glob = globset::GlobBuilder::new(pattern.get_ref())
            .literal_separator(true)
            .build()
            .map_err(|e| ConfigError {
                span: span_of(pattern),
                message: format!("invalid glob `{}`: {}", pattern.get_ref(), e.kind()),
            })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| ConfigError {
        span: patterns.first().map_or_else(Span::default, span_of),
        message: e.to_string(),
    })
}

fn rule_levels(
    table: &BTreeMap<Spanned<String>, Spanned<String>>,
) -> Result<Vec<(Rule, Level)>, ConfigError> {
    table
        .iter()
        .map(|(id, level)| {
            if id.get_ref() == Rule::IoError.id() {
                return Err(ConfigError {
                    span: span_of(id),
                    message: "`io-error` cannot be configured: a file that cannot be read is always reported, so a run never passes without checking it".to_string(),
                });
            }
            let rule = Rule::from_id(id.get_ref()).ok_or_else(|| {
                let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                let hint = crate::core::text::nearest(id.get_ref(), &ids)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                ConfigError {
                    span: span_of(id),
                    message: format!("unknown rule `{}`{hint}", id.get_ref()),
                }
            })?;
            let level = match level.get_ref().as_str() {
                "off" => None,
                other => Some(other.parse::<Severity>().map_err(|_| ConfigError {
                    span: span_of(level),
                    message: format!(
                        "unknown level `{other}` (expected off, error, security-warning, warning or suggestion)"
                    ),
                })?),
            };
            Ok((rule, level))
        })
        .collect()
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
