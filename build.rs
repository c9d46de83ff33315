//! Turns `rules/*.toml` into the `Rule` enum and its metadata table, so rule
//! facts stay data while the binary pays no start-up cost to read them. A
//! malformed rule file fails the build with the file's name.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    severity: String,
    summary: String,
    docs: Docs,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Docs {
    what: String,
    why: String,
    bad: String,
    good: String,
    /// A `policy-check.toml` the examples are linted under, for rules that
    /// only fire with configuration.
    #[serde(default)]
    config: Option<String>,
}

const SEVERITIES: [(&str, &str); 4] = [
    ("error", "Error"),
    ("security-warning", "SecurityWarning"),
    ("warning", "Warning"),
    ("suggestion", "Suggestion"),
];

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut rules = Vec::new();
    for entry in fs::read_dir("rules").expect("rules/ exists") {
        let path = entry.expect("readable rules/ entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            println!("cargo:rerun-if-changed={}", path.display());
            rules.push(load(&path));
        }
    }
    rules.sort_by(|a, b| a.0.cmp(&b.0));

    let mut out = String::new();
    out.push_str("/// Every built-in rule; the variant names come from `rules/<id>.toml`.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]\npub enum Rule {\n");
    for (id, _) in &rules {
        writeln!(out, "    {},", variant(id)).unwrap();
    }
    out.push_str(
        "}\n\nimpl Rule {\n    /// All rules, sorted by id.\n    pub const ALL: &'static [Rule] = &[\n",
    );
    for (id, _) in &rules {
        writeln!(out, "        Rule::{},", variant(id)).unwrap();
    }
    out.push_str(
        "    ];\n\n    pub fn meta(self) -> &'static RuleMeta {\n        &META[self as usize]\n    }\n}\n\n",
    );
    writeln!(out, "static META: [RuleMeta; {}] = [", rules.len()).unwrap();
    for (id, rule) in &rules {
        let severity = SEVERITIES
            .iter()
            .find(|(name, _)| *name == rule.severity)
            .map(|(_, variant)| variant)
            .unwrap_or_else(|| panic!("rules/{id}.toml: unknown severity `{}`", rule.severity));
        writeln!(
            out,
            "    RuleMeta {{ id: {:?}, severity: Severity::{severity}, summary: {:?}, what: {:?}, why: {:?}, bad: {:?}, good: {:?}, config: {:?} }},",
            id, rule.summary.trim(), rule.docs.what.trim(), rule.docs.why.trim(), rule.docs.bad.trim(), rule.docs.good.trim(), rule.docs.config.as_deref().map(str::trim)
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rules.rs");
    fs::write(dest, out).expect("write generated rule table");
}

fn load(path: &Path) -> (String, RuleFile) {
    let id = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 rule file name")
        .to_string();
    assert!(
        !id.is_empty()
            && id
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
        "{}: rule ids are kebab-case",
        path.display()
    );
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rule: RuleFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (field, value) in [
        ("summary", &rule.summary),
        ("what", &rule.docs.what),
        ("why", &rule.docs.why),
        ("bad", &rule.docs.bad),
        ("good", &rule.docs.good),
    ] {
        assert!(!value.trim().is_empty(), "{}: `{field}` is empty", path.display());
    }
    (id, rule)
}

fn variant(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
