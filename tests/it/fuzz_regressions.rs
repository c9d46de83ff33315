//! Inputs the fuzz targets (`fuzz/`) found crashing, kept as they were
//! found in `testdata/fuzz/`: each must analyze with every span inside the
//! text and on character boundaries, and render in every format.

use clap::ValueEnum;
use policy_check::core::{Origin, Span};
use policy_check::engine::{analyze, Input, Settings};
use policy_check::report::{self, Format, Style};

fn check(file: &str, name: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz")
        .join(file);
    let bytes = std::fs::read(path).expect("fixture");
    let analysis = analyze(
        Input {
            name: name.into(),
            bytes,
            origin: Origin::Named,
        },
        &Settings::default(),
    );
    let report = analysis.report;
    let bad: Vec<(String, Span)> = report
        .diagnostics
        .iter()
        .flat_map(|d| {
            std::iter::once((d.rule.id().to_string(), d.span)).chain(
                d.labels
                    .iter()
                    .map(|l| (format!("{} label", d.rule.id()), l.span)),
            )
        })
        .filter(|(_, s)| {
            !(s.start <= s.end
                && s.end <= report.text.len()
                && report.text.is_char_boundary(s.start)
                && report.text.is_char_boundary(s.end))
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{file}: spans off the text ({} bytes): {bad:?} {:?}",
        report.text.len(),
        bad.first().map(|(_, s)| report
            .text
            .get(s.start.saturating_sub(20)..(s.end + 20).min(report.text.len())))
    );
    let reports = [report];
    for format in Format::value_variants() {
        let mut out = Vec::new();
        report::write(*format, &reports, Style::default(), &mut out).expect("render");
    }
}

#[test]
fn a_heredoc_holding_control_bytes_keeps_its_spans_in_the_text() {
    check("terraform-heredoc-nul.tf", "main.tf");
}

#[test]
fn a_ros_template_with_non_ascii_text_keeps_spans_on_character_boundaries() {
    check("ros-non-ascii.yaml", "template.yaml");
}
