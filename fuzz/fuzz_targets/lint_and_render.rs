//! Fuzz target: arbitrary bytes through the engine's whole per-file pipeline
//! (`engine::analyze`: decode, parse, model, checks, suppressions) and then
//! through every output format the binary has.
#![no_main]

use clap::ValueEnum;
use libfuzzer_sys::fuzz_target;
use policy_check::core::Origin;
use policy_check::engine::{self, Input, Settings};
use policy_check::report::{self, Format, Style};

fuzz_target!(|data: &[u8]| {
    let input = Input {
        name: "fuzz.json".into(),
        bytes: data.to_vec(),
        origin: Origin::Named,
    };
    let report = engine::analyze(input, &Settings::default()).report;
    for diagnostic in &report.diagnostics {
        for span in std::iter::once(diagnostic.span).chain(diagnostic.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= report.text.len(), "{span:?}");
            assert!(report.text.is_char_boundary(span.start) && report.text.is_char_boundary(span.end));
        }
    }
    let reports = [report];
    // Every variant clap offers for `--format`, so formats added later are fuzzed too.
    for format in Format::value_variants() {
        let mut out = Vec::new();
        report::write(*format, &reports, Style::default(), &mut out).expect("writing to a Vec cannot fail");
        if *format == Format::Json {
            serde_json::from_slice::<serde_json::Value>(&out).expect("JSON output parses");
        }
    }
});
