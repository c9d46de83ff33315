//! `--format sarif`: one SARIF 2.1.0 log for code scanning. Hand-written
//! structs for the small subset we emit (serde-sarif's generated types cost
//! a heavy build and its manifest does not compile on its own).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::core::FileReport;
use crate::core::Rule;
use crate::core::Severity;
use crate::core::{LineIndex, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Stated although it is SARIF's default: columns below are UTF-16
    /// code units, which is what GitHub and editors count in.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<&'static str>,
    /// Our own class, which SARIF's three levels cannot hold.
    #[serde(rename = "policy-check-severity")]
    severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    properties: ResultProperties<'a>,
    /// At most one: the finding's fix, as byte-range replacements in its file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text,
    artifact_changes: [ArtifactChange<'a>; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    /// `safe`, `unsafe` or `display-only`, as `--format json` says.
    #[serde(rename = "policy-check-applicability")]
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Content<'a>,
}

#[derive(Serialize)]
struct Content<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(rename = "policy-check-severity")]
    severity: &'static str,
    /// The element's RFC 9535 normalized path in the file.
    #[serde(rename = "policy-check-path", skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
}

/// SARIF levels: error and security-warning both fail a run by default, so
/// both are errors; a suggestion is a note.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::SecurityWarning => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    let meta = rule.meta();
    let mut tags = vec!["policy"];
    if meta.severity == Severity::SecurityWarning {
        tags.push("security");
    }
    ReportingDescriptor {
        id: meta.id,
        name: meta.id,
        short_description: Text {
            text: meta.summary.to_string(),
        },
        full_description: Text {
            text: meta.what.to_string(),
        },
        help: Help {
            text: format!(
                "{}\n\nWhy it matters: {}\n\nBad:\n{}\n\nGood:\n{}",
                meta.what, meta.why, meta.bad, meta.good
            ),
            markdown: format!(
                "{}\n\n**Why it matters.** {}\n\nBad:\n```json\n{}\n```\n\nGood:\n```json\n{}\n```",
                meta.what, meta.why, meta.bad, meta.good
            ),
        },
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: Properties {
            tags,
            severity: meta.severity.as_str(),
        },
    }
}

fn region(index: &LineIndex, text: &str, span: Span) -> Region {
    let start = index.line_column(text, span.start);
    let end = index.line_column(text, span.end);
    Region {
        start_line: start.line,
        start_column: index.utf16_column(text, span.start),
        end_line: end.line,
        end_column: index.utf16_column(text, span.end),
        byte_offset: span.start,
        byte_length: span.len(),
    }
}

pub(super) fn write(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // Only the rules that appear, sorted by id; results refer to them by index.
    let used: BTreeMap<&'static str, Rule> = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .map(|d| (d.rule.id(), d.rule))
        .collect();
    let rule_index: BTreeMap<&'static str, usize> = used.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let uris: Vec<String> = reports.iter().map(|r| uri(&r.name)).collect();
    let mut results = Vec::new();
    for (report, uri) in reports.iter().zip(&uris) {
        if report.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&report.text);
        let location = |id, span, message| Location {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: region(&index, &report.text, span),
            },
            message,
        };
        for d in &report.diagnostics {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            results.push(SarifResult {
                rule_id: d.rule.id(),
                rule_index: rule_index.get(d.rule.id()).copied().unwrap_or(0),
                level: level(d.severity),
                message: Text { text },
                locations: [location(None, d.span, None)],
                related_locations: d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        location(
                            Some(i),
                            l.span,
                            Some(Text {
                                text: l.message.clone(),
                            }),
                        )
                    })
                    .collect(),
                properties: ResultProperties {
                    severity: d.severity.as_str(),
                    path: d.path.as_deref(),
                },
                fixes: d
                    .fix
                    .iter()
                    .map(|fix| SarifFix {
                        description: Text {
                            text: fix.message.clone(),
                        },
                        artifact_changes: [ArtifactChange {
                            artifact_location: ArtifactLocation { uri },
                            replacements: fix
                                .edits
                                .iter()
                                .map(|e| Replacement {
                                    deleted_region: region(&index, &report.text, e.span),
                                    inserted_content: Content { text: &e.content },
                                })
                                .collect(),
                        }],
                        properties: FixProperties {
                            applicability: fix.applicability.as_str(),
                        },
                    })
                    .collect(),
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "policy-check",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: used.values().map(|rule| descriptor(*rule)).collect(),
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    let document = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
    writeln!(out, "{}", super::escape::json(document))
}

/// A file name as a URI reference: relative names stay relative (code
/// scanning resolves them against the repository root), absolute ones
/// become `file://` URIs; anything outside RFC 3986's unreserved set and `/`
/// is percent-encoded.
fn uri(name: &str) -> String {
    let mut encoded = String::with_capacity(name.len());
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if name.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_uri_references() {
        assert_eq!(uri("policies/a b.json"), "policies/a%20b.json");
        assert_eq!(uri("/tmp/p\u{e9}.json"), "file:///tmp/p%C3%A9.json");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
    }
}
