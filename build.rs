//! Turns `rules/*.toml` into the `Rule` enum and its metadata table, and the
//! operation tables of `rules/operations/` into the compact form
//! `src/catalog.rs` decodes, so rule facts stay data while the binary pays no
//! start-up cost to read them. A malformed rule file or table fails the build
//! with the file's name.

#[path = "build/operation_tables.rs"]
mod operation_tables;

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
    operations();
    policy_resources("rules/data/ros-resources.tsv", ros_property);
    policy_resources("rules/data/terraform-resources.tsv", terraform_attribute);
}

/// Checks a table of the resource types whose properties hold a RAM policy
/// (`rules/data/ros-resources.tsv`, `rules/data/terraform-resources.tsv`):
/// every row has a type, a property the host can follow, a policy kind and
/// a documentation source, and no row is listed twice.
fn policy_resources(path: &str, property_ok: fn(&str) -> bool) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = format!("{path}: line {}", i + 1);
        let cells: Vec<&str> = line.split('\t').collect();
        let [kind, property, policy, source] = cells[..] else {
            panic!("{at}: 4 tab-separated cells expected (type, property, policy kind, source)");
        };
        assert!(
            !kind.is_empty() && !kind.contains(' '),
            "{at}: `{kind}` is no resource type"
        );
        assert!(
            property_ok(property),
            "{at}: `{property}` is not a property this host can follow"
        );
        assert!(
            ["identity", "trust", "control", "session"].contains(&policy),
            "{at}: policy kind `{policy}` is not identity, trust, control or session"
        );
        assert!(
            source.starts_with("https://"),
            "{at}: the source must be a documentation URL"
        );
        assert!(
            seen.insert((kind, property)),
            "{at}: `{kind}` `{property}` is listed twice"
        );
    }
}

/// A ROS property: `Name`, `A|B` (the first that is set), `List[].Name` or
/// `List[]`.
fn ros_property(property: &str) -> bool {
    let name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    match property.split_once("[]") {
        Some((list, "")) => name(list),
        Some((list, rest)) => name(list) && rest.strip_prefix('.').is_some_and(name),
        None => property.split('|').all(name),
    }
}

/// A Terraform attribute: `name` or `block.name`.
fn terraform_attribute(attribute: &str) -> bool {
    let parts: Vec<&str> = attribute.split('.').collect();
    parts.len() <= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Files of `rules/operations/` that are not operation tables.
const NOT_TABLES: [&str; 4] = [
    "ram-only.tsv",
    "renames.tsv",
    "product-codes.tsv",
    "condition-keys.tsv",
];

/// Compiles `rules/operations/*.tsv` (with `ram-only.tsv` merged in) into
/// `operations.bin` and the index `operations.rs` beside it in OUT_DIR.
fn operations() {
    let dir = Path::new("rules/operations");
    println!("cargo:rerun-if-changed=rules/operations");
    println!("cargo:rerun-if-changed=build/operation_tables.rs");
    let read = |name: &str| {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("rules/operations/ exists")
        .map(|entry| {
            entry
                .expect("readable rules/operations/ entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter(|name| name.ends_with(".tsv") && !NOT_TABLES.contains(&name.as_str()))
        .collect();
    // By service code (`ecs` before `ecs-workbench`): the catalogue binary-searches it.
    names.sort_by(|a, b| a.trim_end_matches(".tsv").cmp(b.trim_end_matches(".tsv")));
    let supplement = read("ram-only.tsv");
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|name| (name.trim_end_matches(".tsv").to_string(), read(name)))
        .collect();
    let tables: Vec<(&str, operation_tables::Table<'_>)> = texts
        .iter()
        .map(|(service, text)| {
            let table = operation_tables::parse_table(service, text, &supplement)
                .unwrap_or_else(|e| panic!("rules/operations/{e}"));
            assert!(
                !table.rows.is_empty(),
                "rules/operations/{service}.tsv has no rows"
            );
            (service.as_str(), table)
        })
        .collect();
    let services: Vec<&str> = tables.iter().map(|(s, _)| *s).collect();
    operation_tables::check_supplement(&supplement, &services)
        .unwrap_or_else(|e| panic!("rules/operations/{e}"));
    let refs: Vec<(&str, &operation_tables::Table<'_>)> = tables.iter().map(|(s, t)| (*s, t)).collect();
    let encoded = operation_tables::encode(&refs);

    let mut out = String::new();
    out.push_str("// Generated by build.rs from rules/operations/.\n");
    writeln!(out, "static SERVICES: [Service; {}] = [", tables.len()).unwrap();
    for ((service, table), (start, end, rows)) in tables.iter().zip(&encoded.spans) {
        writeln!(
            out,
            "    Service {{ code: {service:?}, complete: {}, as_of: {:?}, start: {start}, end: {end}, rows: {rows} }},",
            table.complete, table.as_of
        )
        .unwrap();
    }
    out.push_str("];\n");
    writeln!(
        out,
        "static CELLS: [&str; {}] = {:?};",
        encoded.cells.len(),
        encoded.cells
    )
    .unwrap();
    out.push_str("static ROWS: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/operations.bin\"));\n");

    // Renames: API action -> RAM action, sorted by the API action in lower case.
    let mut renames: Vec<(String, String, String)> = Vec::new();
    for (line, row) in data_rows(&read("renames.tsv"), "api_action\tram_action\tsource", 3) {
        let [api, ram, _source] = [row[0], row[1], row[2]];
        let known = |action: &str| {
            action.split_once(':').is_some_and(|(service, _)| {
                tables
                    .iter()
                    .find(|(s, _)| *s == service)
                    .is_some_and(|(_, t)| t.rows.iter().any(|r| r.action == action))
            })
        };
        assert!(
            known(ram),
            "rules/operations/renames.tsv: line {line}: `{ram}` is in no table"
        );
        assert!(
            !known(api),
            "rules/operations/renames.tsv: line {line}: `{api}` is still a table row"
        );
        renames.push((api.to_ascii_lowercase(), api.to_string(), ram.to_string()));
    }
    renames.sort();
    writeln!(
        out,
        "static RENAMES: [(&str, &str, &str); {}] = {:?};",
        renames.len(),
        renames
    )
    .unwrap();

    // Service condition keys: key, type, allowed values.
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for (line, row) in data_rows(&read("condition-keys.tsv"), "key\ttype\tvalues\tsource", 4) {
        assert!(
            row[0]
                .split_once(':')
                .is_some_and(|(s, k)| !s.is_empty() && !k.is_empty()),
            "rules/operations/condition-keys.tsv: line {line}: `{}` is not `service:Key`",
            row[0]
        );
        keys.push((row[0].to_string(), row[1].to_string(), row[2].to_string()));
    }
    writeln!(
        out,
        "static CONDITION_KEYS: [(&str, &str, &str); {}] = {:?};",
        keys.len(),
        keys
    )
    .unwrap();
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("operations.bin"), &encoded.bytes).expect("write operations.bin");
    fs::write(Path::new(&out_dir).join("operations.rs"), out).expect("write operations.rs");
}

/// A small tab-separated file's rows after its comments and `header`.
fn data_rows<'a>(text: &'a str, header: &str, columns: usize) -> Vec<(usize, Vec<&'a str>)> {
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    assert_eq!(
        rows.next().map(|(_, l)| l),
        Some(header),
        "header `{header}` expected"
    );
    rows.map(|(i, l)| {
        let cells: Vec<&str> = l.split('\t').collect();
        assert_eq!(cells.len(), columns, "line {}: {columns} cells expected", i + 1);
        (i + 1, cells)
    })
    .collect()
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
