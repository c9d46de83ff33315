//! The source keeps the shape the project's brief asks for: every module
//! starts with a `//!` line saying its place, no function is longer than
//! 120 lines, each rule's findings are made by exactly one function, and the library forbids `unsafe` (outside its unit tests) and
//! warns on `pub` items nothing outside the crate can reach (which, with
//! private modules, lets the compiler see dead code).

use std::fs;
use std::path::{Path, PathBuf};

/// Lines a function may take, signature and closing brace included.
const MAX_FUNCTION_LINES: usize = 120;

fn sources() -> Vec<(PathBuf, String)> {
    crate::common::library_sources()
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(&f).expect("readable");
            (f, text)
        })
        .collect()
}

/// Each `fn` with its length in lines: from its signature to the first
/// line after it that closes at the signature's indentation (rustfmt's
/// layout, which `cargo fmt --check` enforces).
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .find_map(|prefix| trimmed.strip_prefix(prefix));
        let Some(signature) = signature else {
            continue;
        };
        // A declaration without a body (in a trait) ends with `;`.
        if line.ends_with(';') {
            continue;
        }
        let name: String = signature
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
            out.push((name, end + 2));
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let long: Vec<String> = sources()
        .iter()
        .flat_map(|(file, text)| {
            function_lengths(text)
                .into_iter()
                .filter(|(_, n)| *n > MAX_FUNCTION_LINES)
                .map(move |(name, n)| format!("{}: {name} ({n} lines)", file.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}

#[test]
fn every_module_says_its_place() {
    let undocumented: Vec<String> = sources()
        .iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(file, _)| file.display().to_string())
        .collect();
    assert!(
        undocumented.is_empty(),
        "modules without a `//!` line: {undocumented:?}"
    );
}

#[test]
fn the_library_forbids_unsafe_and_warns_on_unreachable_pub() {
    let lib =
        fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("#![cfg_attr(not(test), forbid(unsafe_code))]"));
    assert!(lib.contains("#![warn(unreachable_pub)]"));
}

#[test]
fn the_length_measure_counts_a_whole_function() {
    let text = "fn a() {\n    let x = 1;\n}\n\nimpl T {\n    pub fn b(&self) {\n        if x {\n        }\n    }\n}\n";
    assert_eq!(
        function_lengths(text),
        vec![("a".to_string(), 3), ("b".to_string(), 4)]
    );
}

/// `invalid-json` -> `InvalidJson`.
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

/// Every function outside unit tests that makes a finding of `rule`
/// (`Diagnostic::new(Rule::X, ...)`), as `file: function`.
fn makers(rule: &str, sources: &[(PathBuf, String)]) -> Vec<String> {
    let needle = format!("Rule::{rule},");
    let mut found = Vec::new();
    for (file, text) in sources {
        // Unit tests sit at the end of a file, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let call = format!("Diagnostic::new( {needle}");
        let tight = format!("Diagnostic::new({needle}");
        for (at, _) in flat.match_indices(&call).chain(flat.match_indices(&tight)) {
            let function = flat[..at]
                .rmatch_indices("fn ")
                .next()
                .map(|(i, _)| {
                    flat[i + 3..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .unwrap_or_default();
            let entry = format!("{}: {function}", file.display());
            if !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    found
}

#[test]
fn every_rule_is_made_by_exactly_one_function() {
    let sources = sources();
    let rules_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut ids: Vec<String> = fs::read_dir(&rules_dir)
        .expect("rules/")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    ids.sort();
    assert!(ids.len() > 30, "the rule table is read");
    let wrong: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            let makers = makers(&variant(id), &sources);
            (makers.len() != 1).then(|| format!("{id}: {makers:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "rules not made by exactly one function: {wrong:#?}"
    );
}

#[test]
fn the_maker_search_finds_each_function() {
    let one = (PathBuf::from("a.rs"), "fn a() { Diagnostic::new(\n Rule::X, s, m) }\nfn b() { Diagnostic::new(Rule::X, s, m) }\n#[cfg(test)]\nfn c() { Diagnostic::new(Rule::X, s, m) }".to_string());
    assert_eq!(
        makers("X", &[one]),
        vec!["a.rs: a".to_string(), "a.rs: b".to_string()]
    );
    assert_eq!(variant("invalid-json"), "InvalidJson");
}

/// Lines the function that runs a subcommand may take: the command line is
/// glue (arguments in, exit code out); the work is below it.
const MAX_SUBCOMMAND_GLUE_LINES: usize = 100;

/// Each subcommand is run by one `run_<name>` function in `src/cli/`, and
/// none is longer than the glue limit.
#[test]
fn each_subcommand_runs_from_a_short_function() {
    let cli = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let runners: Vec<(String, usize)> = sources()
        .iter()
        .filter(|(file, _)| file.starts_with(&cli))
        .flat_map(|(_, text)| function_lengths(text))
        .filter(|(name, _)| name.starts_with("run_"))
        .collect();
    for subcommand in ["run_lint", "run_simulate", "run_tests", "run_diff"] {
        assert!(
            runners.iter().any(|(name, _)| name == subcommand),
            "src/cli/ has no `{subcommand}`"
        );
    }
    let long: Vec<&(String, usize)> = runners
        .iter()
        .filter(|(_, n)| *n > MAX_SUBCOMMAND_GLUE_LINES)
        .collect();
    assert!(
        long.is_empty(),
        "subcommand glue over {MAX_SUBCOMMAND_GLUE_LINES} lines: {long:?}"
    );
}

/// Where the pipeline's stages may be called from: the engine runs them, and
/// each stage's own module (and the host kinds, which parse their syntax).
fn runs_the_pipeline(file: &Path) -> bool {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let relative = file.strip_prefix(&src).unwrap_or(file);
    let top = relative
        .components()
        .next()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .unwrap_or_default();
    matches!(top.as_str(), "engine" | "parse" | "host" | "checks")
}

/// The calls that are the pipeline's stages: the policy parser, the host
/// parsers, a host kind's extraction and lowering, and the checks.
const STAGES: [&str; 8] = [
    "parse::parse(",
    "hcl_edit::parser::",
    "saphyr_parser::",
    ".extract)(",
    "::extract(",
    "::extract_in(",
    "host::lower(",
    "checks::run(",
];

#[test]
fn only_the_engine_calls_the_parsers_the_extraction_and_the_checks() {
    let mut outside = Vec::new();
    for (file, text) in sources() {
        if runs_the_pipeline(&file) {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for stage in STAGES {
            if code.contains(stage) {
                outside.push(format!("{}: {stage}", file.display()));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "pipeline stages called outside the engine: {outside:#?}"
    );
}

#[test]
fn the_stage_search_sees_a_call_outside_the_engine() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    assert!(runs_the_pipeline(&src.join("engine/pipeline.rs")));
    assert!(runs_the_pipeline(&src.join("checks.rs")));
    assert!(!runs_the_pipeline(&src.join("simulate/load.rs")));
    assert!(STAGES
        .iter()
        .any(|stage| "let parsed = crate::parse::parse(text);".contains(stage)));
}
