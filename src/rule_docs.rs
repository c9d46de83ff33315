//! The rule reference, `docs/rules.md`, generated from the rule data
//! (`rules/*.toml`) so the published docs cannot drift from what `explain`
//! prints; and the address of each rule's section there, which human output
//! links the rule id to on a terminal.

use std::fmt::Write as _;

use crate::core::Rule;

/// The command that regenerates `docs/rules.md`; a test compares the file
/// with [`markdown`] and prints this when they differ.
pub const REGENERATE: &str = "cargo run -q -- rules --docs > docs/rules.md";

/// Where `docs/rules.md` is published: the file on the main branch of the
/// `repository` Cargo.toml names. None when it names none, and then human
/// output links to nothing: a link to a guessed address would be worse.
pub const PUBLISHED: Option<&str> = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    None
} else {
    Some(concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md"))
};

/// The address of `rule`'s section in the reference published at `base`.
/// Sections are headed by the bare rule id, so the anchor is the id itself
/// on every Markdown host (GitHub, GitLab, Gitea).
pub fn url(base: &str, rule: Rule) -> String {
    format!("{base}#{}", rule.id())
}

/// The whole reference: an index of every rule, then one section per rule
/// with its summary, what it catches, why it matters, the configuration its
/// examples need, and the bad and the good example.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Rules\n\n\
         <!-- Generated from rules/*.toml; do not edit. Regenerate with\n     ",
    );
    out.push_str(REGENERATE);
    out.push_str(
        "\n     (a test fails while this file differs from the rule data). -->\n\n\
         Every rule policy-check has, with what `policy-check explain RULE` prints. Each finding\n\
         carries the rule id; `[rules]` in `policy-check.toml` sets a rule's level or turns it off\n\
         (`off`, `error`, `security-warning`, `warning`, `suggestion`), and `--select` / `--ignore`\n\
         pick rules for one run (see [Configuration](configuration.md)). The bad examples fire\n\
         their rule and the good ones do not: the test suite lints each of them.\n\n\
         | rule | severity | what it reports |\n|---|---|---|\n",
    );
    for rule in Rule::ALL {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "| [`{id}`](#{id}) | {} | {} |",
            meta.severity,
            meta.summary.replace('|', "\\|"),
            id = meta.id,
        );
    }
    for rule in Rule::ALL {
        let meta = rule.meta();
        let _ = write!(
            out,
            "\n## {}\n\n**{}**: {}\n\n**What it catches.** {}\n\n**Why it matters.** {}\n\n",
            meta.id, meta.severity, meta.summary, meta.what, meta.why
        );
        if let Some(config) = meta.config {
            let _ = write!(
                out,
                "**Configuration.** The examples below are linted with this \
                 `policy-check.toml`:\n\n```toml\n{config}\n```\n\n"
            );
        }
        let _ = write!(
            out,
            "**Bad**\n\n```{}\n{}\n```\n\n**Good**\n\n```{}\n{}\n```\n",
            fence(meta.bad),
            meta.bad,
            fence(meta.good),
            meta.good
        );
    }
    out
}

/// The language of an example's code fence: most are policies; the
/// suppression rules' examples are Terraform or `policy-check.toml`.
fn fence(example: &str) -> &'static str {
    if example.starts_with('{') {
        "json"
    } else if example.starts_with("[[") {
        "toml"
    } else {
        "hcl"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_has_a_section_its_url_points_at() {
        let text = markdown();
        for rule in Rule::ALL {
            let heading = format!("\n## {}\n", rule.id());
            assert_eq!(text.matches(&heading).count(), 1, "{}", rule.id());
            assert_eq!(
                url("https://example.invalid/docs/rules.md", *rule),
                format!("https://example.invalid/docs/rules.md#{}", rule.id())
            );
        }
    }

    #[test]
    fn a_rule_with_configuration_shows_it() {
        let text = markdown();
        let section = text
            .split("\n## access-level-exceeded\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("section");
        assert!(section.contains("```toml\n[[overrides]]"), "{section}");
        let plain = text
            .split("\n## invalid-effect\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("section");
        assert!(!plain.contains("**Configuration.**"), "{plain}");
    }
}
