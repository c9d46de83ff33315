//! The `--show-settings PATH` report: the settings that apply to one file
//! and the configuration file they come from, as plain text. Names and
//! values come from the file system and the configuration, so each is
//! escaped where it is inserted.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use super::escape;
use crate::core::{Date, Origin, Rule, Severity};
use crate::workspace::discover::display_name;
use crate::workspace::settings::FileSettings;

/// `--show-settings PATH`.
pub(crate) fn write(
    path: &Path,
    settings: &FileSettings<'_>,
    today: Date,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (options, rules) = settings.lint_settings();
    let none = "(none)".to_string();
    // Names and values come from the file system and the configuration:
    // each is escaped where it is inserted.
    let list = |items: &[String]| {
        if items.is_empty() {
            none.clone()
        } else {
            items
                .iter()
                .map(|i| escape::text(i))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    writeln!(out, "Settings for {}", escape::text(&display_name(path)))?;
    writeln!(
        out,
        "  configuration: {}",
        settings
            .config()
            .map_or(Cow::Borrowed("(none: built-in defaults)"), |c| escape::text(
                &c.name
            ))
    )?;
    writeln!(
        out,
        "  linted when found by walking: {}",
        if settings.selects(Origin::Walked, false) {
            "yes"
        } else {
            "no (excluded by include/exclude)"
        }
    )?;
    writeln!(out, "  fail-on: {}", settings.fail_on())?;
    writeln!(out, "  max-policy-length: {}", options.max_policy_length)?;
    writeln!(
        out,
        "  jsonpath: {}",
        settings
            .config_jsonpath()
            .map_or(Cow::Borrowed("(none)"), |q| escape::text(q.expression()))
    )?;
    writeln!(out, "  extra-actions: {}", list(&options.extra_actions))?;
    writeln!(
        out,
        "  extra-condition-keys: {}",
        list(&options.extra_condition_keys)
    )?;
    writeln!(
        out,
        "  allowed-access-levels: {}",
        options
            .allowed_access_levels
            .as_deref()
            .map_or_else(|| "(any)".to_string(), list)
    )?;
    let suppress: Vec<String> = settings
        .suppressions(today)
        .iter()
        .map(|s| match &s.jsonpath {
            Some(at) => format!("{} at {} ({})", s.rule.id(), at.text, s.reason),
            None => format!("{} ({})", s.rule.id(), s.reason),
        })
        .collect();
    writeln!(out, "  suppress: {}", list(&suppress))?;
    writeln!(out, "  rules:")?;
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    for rule in Rule::ALL {
        let level = rules.severity(*rule).map_or("off", Severity::as_str);
        writeln!(out, "    {:width$}  {level}", rule.id())?;
    }
    Ok(())
}
