//! The user docs hold together: every relative link in README.md and the
//! Markdown under docs/ leads to a file that exists, and a link to a section
//! (`page.md#anchor`) to a heading that exists, so moving a page or renaming
//! a heading cannot leave a dead link behind. The rule reference itself is
//! checked against the rule data in `tests/rules.rs`.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every `*.md` under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("docs/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The text outside code fences and inline code, where links are links.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop inline code spans: `a](b)` inside backticks is not a link.
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                out.push_str(part);
            }
        }
        out.push('\n');
    }
    out
}

/// The targets of inline links `[text](target)`.
fn links(text: &str) -> Vec<String> {
    let prose = prose(text);
    let mut found = Vec::new();
    let mut rest = prose.as_str();
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        if let Some(end) = rest.find(')') {
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    found
}

/// GitHub's anchor for a heading: lower case, spaces to hyphens, other
/// punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            found.push(slug(line.trim_start_matches('#').trim()));
        }
    }
    found
}

#[test]
fn every_relative_link_in_the_docs_resolves() {
    let mut dead = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        let shown = page.strip_prefix(root()).unwrap_or(&page).display().to_string();
        for target in links(&text) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap_or(Path::new(".")).join(file)
            };
            if !linked.exists() {
                dead.push(format!("{shown}: `{target}`: no such file"));
                continue;
            }
            if let Some(anchor) = anchor {
                let linked_text = fs::read_to_string(&linked).unwrap_or_default();
                if !anchors(&linked_text).iter().any(|a| a == anchor) {
                    dead.push(format!("{shown}: `{target}`: no such heading"));
                }
            }
        }
    }
    assert!(dead.is_empty(), "dead links:\n{}", dead.join("\n"));
}

/// Every page of the guide is reachable from its table of contents.
#[test]
fn the_guide_index_links_every_page() {
    let index = fs::read_to_string(root().join("docs/index.md")).expect("docs/index.md");
    let listed = links(&index);
    let mut missing = Vec::new();
    for page in pages() {
        let Ok(relative) = page.strip_prefix(root().join("docs")) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if relative != "index.md"
            && !listed
                .iter()
                .any(|l| l.split('#').next() == Some(relative.as_str()))
        {
            missing.push(relative);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/index.md does not link: {}",
        missing.join(", ")
    );
}

/// The checker itself: a dead link and a missing heading are caught, and
/// code is not mistaken for links.
#[test]
fn the_link_checker_sees_links_and_headings() {
    let text = "See [a](a.md#x-y) and `[b](b.md)`.\n```\n[c](c.md)\n```\n## X y\n## `--format json`\n";
    assert_eq!(links(text), vec!["a.md#x-y"]);
    assert_eq!(anchors(text), vec!["x-y", "--format-json"]);
}
