//! Settings for each file of a run: the `policy-check.toml` that applies to
//! it (the nearest one above the file, as in ruff; the one named with
//! `--config` for every file; none with `--isolated`), with the command
//! line's `--select`, `--ignore` and `--fail-on` on top. Answers, per file:
//! is it linted at all, with which options and rule levels, and which
//! severity blocks.
//!
//! Configuration files come from the repository being linted, which may be a
//! stranger's pull request: a discovered file must be a regular file (or a
//! link to a `.toml` file inside the same repository, outside `.git`), and
//! it is read with a size limit, so a link to `/proc/self/environ` or
//! `.git/config` is refused before a byte of it can reach an error snippet.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::checks::LintOptions;
use crate::config::{self, Config, ConfigError};
use crate::core::Rule;
use crate::core::Severity;
use crate::core::{Date, Origin, RuleSettings};
use crate::embedded::Query;
use crate::host::files::normalize;
use crate::suppress::Suppression;

/// The lowest blocking severity when neither the command line nor the file says.
pub(crate) const DEFAULT_FAIL_ON: Severity = Severity::SecurityWarning;

/// Largest configuration file read; real ones are a few hundred bytes.
pub(crate) const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// What the command line adds to (and overrides in) the configuration files.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    /// Only these rules run, when not empty.
    pub select: Vec<Rule>,
    /// These rules never run.
    pub ignore: Vec<Rule>,
    pub fail_on: Option<Severity>,
}

/// Where configuration comes from.
#[derive(Debug, Clone)]
pub(crate) enum ConfigSource {
    /// The nearest `policy-check.toml` above each file.
    Discover,
    /// `--config FILE`, for every file.
    Explicit(PathBuf),
    /// `--isolated`: built-in defaults only.
    Isolated,
}

/// Why a configuration could not be loaded.
#[derive(Debug)]
pub(crate) enum LoadError {
    /// The file could not be read, or was refused unread.
    Io(String),
    /// The file was read but is not a valid configuration; reported with a
    /// snippet of `text`.
    Invalid {
        name: String,
        text: String,
        error: ConfigError,
    },
}

/// A configuration file, loaded and validated.
#[derive(Debug)]
pub(crate) struct LoadedConfig {
    pub config: Config,
    /// The file's folder (absolute), which globs are relative to.
    pub root: PathBuf,
    /// The file as shown: relative to the working directory when under it.
    pub name: String,
    /// Its text, for findings about its `[[suppress]]` entries.
    pub text: String,
}

/// The configuration of every file in a run.
#[derive(Debug)]
pub(crate) struct Workspace {
    cwd: PathBuf,
    discover: bool,
    overrides: Overrides,
    configs: Vec<LoadedConfig>,
    /// Folder (absolute) -> the configuration that applies to files in it.
    by_dir: HashMap<PathBuf, Option<usize>>,
}

impl Workspace {
    /// Loads `--config` at once; discovered files are loaded by [`Workspace::resolve`].
    pub(crate) fn new(cwd: &Path, source: ConfigSource, overrides: Overrides) -> Result<Self, LoadError> {
        let mut workspace = Workspace {
            cwd: cwd.to_path_buf(),
            discover: matches!(source, ConfigSource::Discover),
            overrides,
            configs: Vec::new(),
            by_dir: HashMap::new(),
        };
        if let ConfigSource::Explicit(path) = source {
            let file = normalize(&cwd.join(&path));
            let loaded = load(&file, super::discover::display_name(&path))?;
            workspace.configs.push(loaded);
        }
        Ok(workspace)
    }

    /// Finds and loads the configuration of every path (files to lint, or
    /// the name given to standard input). Each folder is looked up once.
    pub(crate) fn resolve<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) -> Vec<LoadError> {
        let mut errors = Vec::new();
        if !self.discover {
            return errors;
        }
        // Walked files come sorted, a folder's together: a file beside the
        // last one that was settled needs no lookup (nor a path built).
        let mut settled: Option<&Path> = None;
        for path in paths {
            if path.parent().is_some_and(|parent| settled == Some(parent)) {
                continue;
            }
            let absolute = normalize(&self.cwd.join(path));
            settled = None;
            if let Some(dir) = absolute.parent() {
                match self.config_of_dir(dir) {
                    Ok(_) => settled = path.parent(),
                    Err(error) => errors.push(error),
                }
            }
        }
        errors
    }

    /// The settings for the file at `path` (as given on the command line or
    /// found by walking). Paths not passed to [`Workspace::resolve`] get the
    /// built-in defaults when configuration is discovered.
    pub(crate) fn for_path(&self, path: &Path) -> FileSettings<'_> {
        let absolute = normalize(&self.cwd.join(path));
        let config = if self.discover {
            absolute
                .parent()
                .and_then(|dir| self.by_dir.get(dir).copied().flatten())
                .map(|i| &self.configs[i])
        } else {
            self.configs.first()
        };
        FileSettings {
            config,
            overrides: &self.overrides,
            absolute,
        }
    }

    /// Every configuration file loaded for this run, in the order found.
    pub(crate) fn configs(&self) -> &[LoadedConfig] {
        &self.configs
    }

    /// The settings findings in a configuration file itself are reported
    /// under (its `[[suppress]]` entries): its own, with the command line's.
    pub(crate) fn for_config<'a>(&'a self, loaded: &'a LoadedConfig) -> FileSettings<'a> {
        FileSettings {
            config: Some(loaded),
            overrides: &self.overrides,
            absolute: loaded.root.join(config::FILE_NAME),
        }
    }

    /// The configuration for files in `dir`, loading it on first use. A
    /// folder without a file of its own inherits its parent's.
    fn config_of_dir(&mut self, dir: &Path) -> Result<Option<usize>, LoadError> {
        if let Some(found) = self.by_dir.get(dir) {
            return Ok(*found);
        }
        let found = match discovered_file(dir)? {
            Some(file) => {
                let shown = file.strip_prefix(&self.cwd).unwrap_or(&file);
                let loaded = load(&file, super::discover::display_name(shown))?;
                self.configs.push(loaded);
                Some(self.configs.len() - 1)
            }
            None => match dir.parent() {
                Some(parent) => self.config_of_dir(parent)?,
                None => None,
            },
        };
        self.by_dir.insert(dir.to_path_buf(), found);
        Ok(found)
    }
}

/// The settings one file is linted under.
#[derive(Debug, Clone)]
pub(crate) struct FileSettings<'w> {
    config: Option<&'w LoadedConfig>,
    overrides: &'w Overrides,
    /// The file's absolute, normalized path.
    absolute: PathBuf,
}

impl<'w> FileSettings<'w> {
    /// The configuration file that applies, if any.
    pub(crate) fn config(&self) -> Option<&'w LoadedConfig> {
        self.config
    }

    /// The lowest severity that fails the run: `--fail-on`, else the file's
    /// `fail-on`, else security-warning.
    pub(crate) fn fail_on(&self) -> Severity {
        self.overrides
            .fail_on
            .or_else(|| self.config.and_then(|c| c.config.fail_on))
            .unwrap_or(DEFAULT_FAIL_ON)
    }

    /// Whether the file is linted. `include`/`exclude` filter files found by
    /// walking; files named on the command line are always linted, like
    /// ruff and ESLint do, unless `force` (`--force-exclude`, for pre-commit,
    /// which names every staged file).
    pub(crate) fn selects(&self, origin: Origin, force: bool) -> bool {
        if origin == Origin::Named && !force {
            return true;
        }
        match (self.config, self.relative()) {
            (Some(loaded), Some(relative)) => loaded.config.selects(&relative),
            _ => true,
        }
    }

    /// Options and rule levels for the file.
    pub(crate) fn lint_settings(&self) -> (LintOptions, RuleSettings) {
        let (options, mut settings) = match self.config {
            Some(loaded) => loaded.config.settings_for(&self.relative().unwrap_or_default()),
            None => (LintOptions::default(), RuleSettings::default()),
        };
        if !self.overrides.select.is_empty() {
            for rule in Rule::ALL {
                let level = if self.overrides.select.contains(rule) || *rule == Rule::IoError {
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

    /// The configuration's `[[suppress]]` entries that apply to the file on
    /// `today` (expired ones do not).
    pub(crate) fn suppressions(&self, today: Date) -> Vec<&'w Suppression> {
        match (self.config, self.relative()) {
            (Some(loaded), Some(relative)) => loaded.config.suppressions_for(&relative, today),
            _ => Vec::new(),
        }
    }

    /// The JSONPath expression from the configuration that makes the file a
    /// host of embedded policies, if an override gives it one.
    pub(crate) fn config_jsonpath(&self) -> Option<&'w Query> {
        let loaded = self.config?;
        loaded.config.jsonpath_for(&self.relative()?)
    }

    /// The file relative to its configuration's folder, `/`-separated; `None`
    /// without a configuration or for a file outside its folder (such a file
    /// gets the configuration's top-level settings only).
    fn relative(&self) -> Option<String> {
        let root = &self.config?.root;
        let relative = self.absolute.strip_prefix(root).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

/// The `policy-check.toml` of `dir` itself, if it has one that may be read.
fn discovered_file(dir: &Path) -> Result<Option<PathBuf>, LoadError> {
    let candidate = dir.join(config::FILE_NAME);
    let shown = || super::discover::display_name(&candidate);
    let metadata = match fs::symlink_metadata(&candidate) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // An unreadable folder on the way up (a parent without search
        // permission) has no configuration we could use.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return Ok(None),
        Err(e) => {
            return Err(LoadError::Io(format!(
                "cannot read configuration `{}`: {e}",
                shown()
            )))
        }
    };
    if metadata.is_file() {
        return Ok(Some(candidate));
    }
    if metadata.file_type().is_symlink() && link_stays_in_repository(&candidate, dir) {
        return Ok(Some(candidate));
    }
    let what = if metadata.file_type().is_symlink() {
        "a symbolic link that leads outside the repository, into `.git`, or to something other than a `.toml` file"
    } else {
        "not a regular file"
    };
    Err(LoadError::Io(format!(
        "configuration `{}` is {what}; it was not read (name a configuration with --config, or use --isolated)",
        shown()
    )))
}

/// Whether a discovered configuration link points at a regular `.toml` file
/// in the repository that holds it (the nearest folder above with `.git`, or
/// the link's own folder outside a repository), not inside `.git`.
fn link_stays_in_repository(link: &Path, dir: &Path) -> bool {
    let boundary = dir.ancestors().find(|d| d.join(".git").exists()).unwrap_or(dir);
    let (Ok(target), Ok(boundary)) = (fs::canonicalize(link), fs::canonicalize(boundary)) else {
        return false;
    };
    let Ok(inside) = target.strip_prefix(&boundary) else {
        return false;
    };
    let in_git = inside.components().any(|c| c.as_os_str() == ".git");
    let is_toml = target.extension().is_some_and(|e| e == "toml");
    !in_git && is_toml && target.is_file()
}

/// Reads and validates one configuration file, with a size limit.
fn load(file: &Path, name: String) -> Result<LoadedConfig, LoadError> {
    use super::read::{read_bounded, ReadError};
    let bytes = read_bounded(file, MAX_CONFIG_SIZE, false).map_err(|e| {
        LoadError::Io(match e {
            ReadError::Io(e) => format!("cannot read configuration `{name}`: {e}"),
            ReadError::NotRegular { .. } => {
                format!("configuration `{name}` is not a regular file; it was not read")
            }
            ReadError::TooLarge => format!(
                "configuration `{name}` is larger than {} and was not read",
                super::read::format_size(MAX_CONFIG_SIZE)
            ),
        })
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| LoadError::Io(format!("configuration `{name}` is not valid UTF-8 text")))?;
    let config = match Config::parse(&text) {
        Ok(config) => config,
        Err(error) => return Err(LoadError::Invalid { name, text, error }),
    };
    Ok(LoadedConfig {
        config,
        root: file.parent().map(Path::to_path_buf).unwrap_or_default(),
        name,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_config_folder() {
        let loaded = LoadedConfig {
            config: Config::default(),
            root: PathBuf::from("/repo"),
            name: "policy-check.toml".into(),
            text: String::new(),
        };
        let overrides = Overrides::default();
        let absolute = normalize(&Path::new("/repo/sub").join("./a/../b/p.json"));
        let settings = FileSettings {
            config: Some(&loaded),
            overrides: &overrides,
            absolute,
        };
        assert_eq!(settings.relative().as_deref(), Some("sub/b/p.json"));
        let settings = FileSettings {
            absolute: PathBuf::from("/elsewhere/p.json"),
            ..settings
        };
        assert_eq!(settings.relative(), None);
    }
}
