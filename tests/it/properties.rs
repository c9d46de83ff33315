//! Property tests over the whole per-file pipeline and every output format:
//! arbitrary bytes and mutated real policies never panic, every span lies
//! inside the file on character boundaries, and JSON output always parses.
//! The fuzz target in `fuzz/` checks the same properties for much longer.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::ValueEnum;
use policy_check::checks::LintOptions;
use policy_check::core::FileReport;
use policy_check::core::{Origin, RuleSettings};
use policy_check::engine::pipeline::lint_file;
use policy_check::report::{self, Format, Style};
use proptest::prelude::*;

/// Lints `bytes` as a named file and renders it in every format, checking
/// the properties on the way.
fn check(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let report = lint_file(
        "p.json".into(),
        bytes,
        Origin::Named,
        &LintOptions::default(),
        &RuleSettings::default(),
    );
    check_spans(&report)?;
    let reports = [report];
    for format in Format::value_variants() {
        let mut out = Vec::new();
        report::write(*format, &reports, Style::default(), &mut out)
            .map_err(|e| TestCaseError::fail(format!("{format:?}: {e}")))?;
        // Problem-matcher formats (short, github) print nothing for a clean file.
        let has_findings = !reports[0].diagnostics.is_empty();
        prop_assert!(!out.is_empty() || !has_findings, "{format:?} wrote nothing");
        if *format == Format::Json {
            let parsed = serde_json::from_slice::<serde_json::Value>(&out);
            prop_assert!(parsed.is_ok(), "JSON output does not parse: {parsed:?}");
        }
    }
    Ok(())
}

fn check_spans(report: &FileReport) -> Result<(), TestCaseError> {
    let text = &report.text;
    for d in &report.diagnostics {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            prop_assert!(
                span.start <= span.end && span.end <= text.len(),
                "{} span {span:?} outside {} bytes",
                d.rule,
                text.len()
            );
            prop_assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{} span {span:?} splits a character",
                d.rule
            );
        }
    }
    Ok(())
}

/// Policies written by people: the rule fixtures and the real corpus
/// (both under `testdata/`).
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        collect_json(&root.join("testdata"), &mut files);
        files.sort();
        let seeds: Vec<Vec<u8>> = files.iter().filter_map(|f| fs::read(f).ok()).collect();
        assert!(
            seeds.len() > 100,
            "expected the fixtures and the corpus, found {}",
            seeds.len()
        );
        seeds
    })
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// One edit at a relative position (0..=1 of the length), so edits land
/// anywhere in documents of any size.
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, Vec<u8>),
    Delete(f64, usize),
    Replace(f64, u8),
    Duplicate(f64, usize),
}

/// Bytes that matter to JSON and UTF-8, so mutations hit the grammar.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        prop::sample::select(b"{}[]\",:\\ \n0-eE.tfnu".to_vec()),
        Just(0u8),
        Just(0xEFu8),
        Just(0xBBu8),
        Just(0xBFu8),
        Just(0xFFu8),
        0x80u8..0xC0,
        any::<u8>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..=1.0f64;
    prop_oneof![
        (at.clone(), prop::collection::vec(interesting_byte(), 1..4)).prop_map(|(a, b)| Edit::Insert(a, b)),
        (at.clone(), 1usize..64).prop_map(|(a, n)| Edit::Delete(a, n)),
        (at.clone(), interesting_byte()).prop_map(|(a, b)| Edit::Replace(a, b)),
        (at, 1usize..32).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        let at = |fraction: f64| ((len as f64) * fraction) as usize;
        match edit {
            Edit::Insert(f, inserted) => {
                let i = at(*f).min(bytes.len());
                bytes.splice(i..i, inserted.iter().copied());
            }
            Edit::Delete(f, n) => {
                let i = at(*f).min(bytes.len());
                bytes.drain(i..(i + n).min(bytes.len()));
            }
            Edit::Replace(f, b) => {
                if let Some(slot) = bytes.get_mut(at(*f)) {
                    *slot = *b;
                }
            }
            Edit::Duplicate(f, n) => {
                let i = at(*f).min(bytes.len());
                let copy: Vec<u8> = bytes[i..(i + n).min(bytes.len())].to_vec();
                bytes.splice(i..i, copy);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(bytes)?;
    }

    #[test]
    fn json_shaped_noise_never_panics(bytes in prop::collection::vec(interesting_byte(), 0..256)) {
        check(bytes)?;
    }

    #[test]
    fn mutated_real_policies_never_panic(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let original = &seeds()[seed.index(seeds().len())];
        check(apply(original.clone(), &edits))?;
    }
}

/// The seeds themselves, unmutated: every real policy passes the same checks.
#[test]
fn every_seed_passes_the_checks() {
    for seed in seeds() {
        if let Err(error) = check(seed.clone()) {
            panic!("{error}: {}", String::from_utf8_lossy(seed));
        }
    }
}

/// `nearest` without its pruning: the suggestion must not change when the
/// cheap bound rules candidates out.
fn nearest_by_brute_force<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::jaro(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pruned_nearest_suggests_what_brute_force_does(
        word in "[a-eA-E:é]{0,10}",
        candidates in prop::collection::vec("[a-eA-E:é]{0,10}", 0..12),
    ) {
        let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
        prop_assert_eq!(
            policy_check::core::text::nearest(&word, &candidates),
            nearest_by_brute_force(&word, &candidates)
        );
    }
}
