//! What every host target checks of one analyzed input: findings point at
//! real characters of the text, and every `--format` renders it (JSON and
//! SARIF as parsable JSON with no raw bidirectional control).

use clap::ValueEnum;
use policy_check::core::{FileReport, Origin};
use policy_check::engine::{analyze, Input, Settings};
use policy_check::report::{self, Format, Style};

pub fn analyze_and_render(name: &str, data: &[u8]) {
    let analysis = analyze(
        Input {
            name: name.into(),
            bytes: data.to_vec(),
            origin: Origin::Named,
        },
        &Settings::default(),
    );
    check_spans(&analysis.report);
    let reports = [analysis.report];
    // Every variant clap offers for `--format`, so formats added later are fuzzed too.
    for format in Format::value_variants() {
        let mut out = Vec::new();
        report::write(*format, &reports, Style::default(), &mut out).expect("writing to a Vec cannot fail");
        if matches!(*format, Format::Json | Format::Sarif) {
            serde_json::from_slice::<serde_json::Value>(&out).expect("JSON output parses");
        }
        let text = String::from_utf8_lossy(&out);
        assert!(!text.contains('\u{202e}'), "{format:?} printed a raw U+202E");
    }
}

fn check_spans(report: &FileReport) {
    for diagnostic in &report.diagnostics {
        for span in std::iter::once(diagnostic.span).chain(diagnostic.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= report.text.len(), "{span:?}");
            assert!(report.text.is_char_boundary(span.start) && report.text.is_char_boundary(span.end));
        }
    }
}
