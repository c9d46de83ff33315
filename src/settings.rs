//! Settings for one run: the `policy-check.toml` that applies (named with
//! `--config` or found above the working directory), with the command line's
//! `--select`, `--ignore` and `--fail-on` on top. Answers two questions per
//! file: is it linted at all, and with which options and rule levels.

use std::path::{Component, Path, PathBuf};

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::embedded::Query;
use crate::lint::{LintOptions, Origin, RuleSettings};
use crate::rules::Rule;

/// Blocking severities when neither the command line nor the file says.
pub const DEFAULT_FAIL_ON: [Severity; 2] = [Severity::Error, Severity::SecurityWarning];

/// What the command line adds to (and overrides in) the configuration file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Only these rules run, when not empty.
    pub select: Vec<Rule>,
    /// These rules never run.
    pub ignore: Vec<Rule>,
    pub fail_on: Option<Vec<Severity>>,
}

/// Why the configuration could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read.
    Io(String),
    /// The file was read but is not a valid configuration; reported with a
    /// snippet of `text`.
    Invalid {
        name: String,
        text: String,
        error: ConfigError,
    },
}

#[derive(Debug, Default)]
pub struct RunSettings {
    config: Config,
    /// The configuration file's folder (absolute), which globs are relative to.
    root: Option<PathBuf>,
    overrides: Overrides,
}

impl RunSettings {
    /// Loads `explicit` if given, else the nearest `policy-check.toml` in
    /// `cwd` or its parents; without one, built-in defaults apply.
    pub fn load(explicit: Option<&Path>, cwd: &Path, overrides: Overrides) -> Result<Self, LoadError> {
        let file = match explicit {
            Some(path) => Some(normalize(&cwd.join(path))),
            None => config::find(cwd),
        };
        let Some(file) = file else {
            return Ok(RunSettings {
                overrides,
                ..RunSettings::default()
            });
        };
        // As given, or relative to the working directory when found.
        let shown = explicit.unwrap_or_else(|| file.strip_prefix(cwd).unwrap_or(&file));
        let name = crate::discover::display_name(shown);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| LoadError::Io(format!("cannot read configuration `{name}`: {e}")))?;
        let config = Config::parse(&text).map_err(|error| LoadError::Invalid {
            name,
            text: text.clone(),
            error,
        })?;
        Ok(RunSettings {
            config,
            root: file.parent().map(Path::to_path_buf),
            overrides,
        })
    }

    /// The severities that make the run fail: `--fail-on`, else the file's
    /// `fail-on`, else error and security-warning.
    pub fn fail_on(&self) -> Vec<Severity> {
        self.overrides
            .fail_on
            .clone()
            .or_else(|| self.config.fail_on.clone())
            .unwrap_or_else(|| DEFAULT_FAIL_ON.to_vec())
    }

    /// Whether a file is linted. `include`/`exclude` filter files found by
    /// walking; files named on the command line are always linted, like
    /// ruff and ESLint do, unless `force` (`--force-exclude`, for pre-commit,
    /// which names every staged file).
    pub fn selects(&self, cwd: &Path, path: &Path, origin: Origin, force: bool) -> bool {
        if origin == Origin::Named && !force {
            return true;
        }
        self.relative(cwd, path)
            .is_none_or(|relative| self.config.selects(&relative))
    }

    /// Options and rule levels for the file at `path`.
    pub fn for_file(&self, cwd: &Path, path: &Path) -> (LintOptions, RuleSettings) {
        let relative = self.relative(cwd, path).unwrap_or_default();
        let (options, mut settings) = self.config.settings_for(&relative);
        if !self.overrides.select.is_empty() {
            for rule in Rule::ALL {
                let level = if self.overrides.select.contains(rule) {
                    // An explicit `--select` turns a rule on even when the
                    // file has it off; a level set in the file is kept.
                    settings.severity(*rule).or(Some(rule.default_severity()))
                } else {
                    None
                };
                settings.set(*rule, level);
            }
        }
        for rule in &self.overrides.ignore {
            settings.set(*rule, None);
        }
        (options, settings)
    }

    /// The JSONPath expression that makes the file at `path` a host of
    /// embedded policies: `--jsonpath`, else the configuration's override.
    pub fn jsonpath_for<'s>(&'s self, cwd: &Path, path: &Path, cli: Option<&'s Query>) -> Option<&'s Query> {
        cli.or_else(|| self.config.jsonpath_for(&self.relative(cwd, path)?))
    }

    /// `path` relative to the configuration file's folder, `/`-separated;
    /// `None` without a configuration file or for a file outside its folder
    /// (such a file gets the file's top-level settings only).
    fn relative(&self, cwd: &Path, path: &Path) -> Option<String> {
        let root = self.root.as_ref()?;
        let absolute = normalize(&cwd.join(path));
        let relative = absolute.strip_prefix(root).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

/// Removes `.` and resolves `..` lexically; the walker reports paths as
/// given (`./a/../b.json`) and globs must see `b.json`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_config_folder() {
        let settings = RunSettings {
            root: Some(PathBuf::from("/repo")),
            ..RunSettings::default()
        };
        let cwd = Path::new("/repo/sub");
        assert_eq!(
            settings.relative(cwd, Path::new("./a/../b/p.json")).as_deref(),
            Some("sub/b/p.json")
        );
        assert_eq!(settings.relative(cwd, Path::new("/elsewhere/p.json")), None);
    }
}
