//! The engine's path through a host file, once a row of the registry
//! ([`super::kinds`]) has claimed it: a host kind (or a `--jsonpath`
//! selection) finds the documents, each is lowered and checked, and every
//! finding, label and fix is mapped back to host bytes.

use super::pipeline::{check_document, decode, decode_host, finalize, no_policy_found, not_a_policy};
use crate::checks::LintOptions;
use crate::core::{Diagnostic, Edit, FileReport, Fix, Origin, RuleSettings, Span};
use crate::embedded::{selected_documents, Query, Selected};
use crate::host::outline::Outline;
use crate::host::terraform::{self, Module};
use crate::host::{count_unknown_in, lower, Embedded, FileReference, Kind, Lowered, Source};
use crate::model::normalized_path;
use crate::parse::{self, parse_diagnostics, Node};

/// Where a host's strings are, from its one parse (`host::Extraction::strings`).
pub(super) type HostStrings = Option<Vec<std::ops::Range<usize>>>;

/// The documents of a file `kind` reads (a Terraform file as one file of
/// `module`, its folder's other `.tf` files, when the caller read it), linted, and the documents the
/// input names by path (`file("x.json")`) for the caller to lint under
/// their own names. An input whose only policies are such references is
/// linted, not skipped. What the editor's cursor needs of the documents
/// lowered is kept in `outline`, and where the host's strings are (for its
/// suppression comments) in `strings`, when given: `Some` once read.
pub(super) fn lint_host(
    kind: &Kind,
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    (options, settings): (&LintOptions, &RuleSettings),
    module: Option<&Module>,
    (mut outline, strings): (Option<&mut Outline>, Option<&mut Option<HostStrings>>),
) -> (FileReport, Vec<FileReference>) {
    let (text, mut diagnostics) = decode_host(&name, bytes);
    let mut extraction = match module {
        Some(module) if kind.name == terraform::KIND.name => terraform::extract_in(&text, module),
        _ => (kind.extract)(&text),
    };
    if let Some(strings) = strings {
        *strings = Some(extraction.strings.take());
    }
    let documents = extraction.documents.len();
    let unknown = extraction.unknown + count_unknown_in(&extraction.documents);
    let files = extraction.files;
    if documents == 0 && extraction.diagnostics.is_empty() {
        if extraction.unknown > 0 || !files.is_empty() || extraction.elsewhere > 0 {
            // Policies are there, computed by the host or kept in other
            // files: nothing to check here, and nothing missing either.
            // The text stays when there is a finding to show in it (the
            // file is not UTF-8).
            let report =
                FileReport::linted(name, text.clone(), diagnostics, 0, extraction.unknown, Vec::new());
            return (report, files);
        }
        let sought = format!("policy documents in this {} file", kind.name);
        let report = no_policy(
            name,
            text.into_bytes(),
            origin,
            "no policy document in it",
            &sought,
            settings,
        );
        return (report, files);
    }
    diagnostics.extend(extraction.diagnostics);
    let mut unchecked_services = Vec::new();
    // A document written as text that does not parse even with its holes
    // filled is not read: it is counted as unknown, never as linted.
    let mut read = 0;
    for document in &extraction.documents {
        if let (Some(outline), Source::Text(embedded)) = (outline.as_deref_mut(), &document.source) {
            outline.text(embedded);
        }
        if let Some(lowered) = lower(document, &text) {
            read += 1;
            keep(outline.as_deref_mut(), &lowered);
            unchecked_services.extend(lint_lowered(&lowered, options, settings, &mut diagnostics));
        }
    }
    let unknown = unknown + (documents - read);
    finalize(&mut diagnostics, None, settings);
    let report = FileReport::linted(name, text, diagnostics, read, unknown, unchecked_services);
    (report, files)
}

/// Keeps the statements of a lowered document in `outline`, when given.
fn keep(outline: Option<&mut Outline>, lowered: &Lowered<'_>) {
    if let (Some(outline), Some(root)) = (outline, lowered.root.as_deref()) {
        outline.document(root, &|span| lowered.host_span(span));
    }
}

/// A host file with no policy: skipped when walked, `no-policy-found` when named.
pub(super) fn no_policy(
    name: String,
    bytes: Vec<u8>,
    origin: Origin,
    reason: &str,
    sought: &str,
    settings: &RuleSettings,
) -> FileReport {
    if origin == Origin::Walked {
        return FileReport::skipped(name, format!("not a policy: {reason}"));
    }
    let (text, _) = decode(bytes);
    let mut found = vec![no_policy_found(
        Span::new(0, text.chars().next().map_or(0, char::len_utf8)),
        sought,
    )];
    finalize(&mut found, None, settings);
    FileReport::linted(name, text, found, 0, 0, Vec::new())
}

/// Checks one lowered document; findings carry host spans, the element
/// path inside the document and the document's location.
/// Returns the services its actions name that have no operation table.
pub fn lint_lowered(
    lowered: &Lowered<'_>,
    options: &LintOptions,
    settings: &RuleSettings,
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut found = lowered.errors.clone();
    let mut unchecked = Vec::new();
    if let Some(root) = lowered.root.as_deref() {
        // A document the host computes whole has nothing to check.
        if !root.is_unknown() {
            unchecked = check_document(
                root,
                lowered.text,
                options,
                settings,
                (lowered.exact_text, lowered.kind),
                &mut found,
            );
        }
        set_paths(&mut found, root);
    }
    for d in &mut found {
        // Fixes first: an edit of a host string is encoded from decoded offsets.
        d.fix = d.fix.take().and_then(|fix| match lowered.embedded {
            Some(embedded) => map_fix(fix, |e| text_edit(embedded, e)),
            None => map_fix(fix, |e| tree_edit(lowered.text, e)),
        });
        d.span = lowered.host_span(d.span);
        for label in &mut d.labels {
            label.span = lowered.host_span(label.span);
        }
        d.document = Some(lowered.location.to_string());
    }
    out.extend(found);
    unchecked
}

/// A fix with every edit rewritten by `edit`; `None` (no fix) when any edit
/// cannot be written in the host.
fn map_fix(fix: Fix, edit: impl Fn(&Edit) -> Option<Edit>) -> Option<Fix> {
    let edits = fix.edits.iter().map(edit).collect::<Option<Vec<_>>>()?;
    Some(Fix::new(fix.applicability, fix.message, edits))
}

/// An edit of a lowered tree (already at host offsets) with its content
/// written in the host token's own style ([`crate::fix::encode_token`]).
fn tree_edit(host: &str, edit: &Edit) -> Option<Edit> {
    let original = host.get(edit.span.start..edit.span.end)?;
    let content = crate::fix::encode_token(original, &edit.content)?;
    Some(Edit::replace(edit.span, content))
}

/// An edit of JSON text held in a host string, moved to host offsets and
/// re-encoded for the string's syntax. Edits touching a hole are dropped:
/// the host computes what is there.
fn text_edit(embedded: &Embedded, edit: &Edit) -> Option<Edit> {
    let touches_hole = embedded
        .holes
        .iter()
        .any(|h| h.start < edit.span.end.max(edit.span.start + 1) && edit.span.start < h.end);
    if touches_hole {
        return None;
    }
    let content = embedded.encoding.encode(&edit.content)?;
    Some(Edit::replace(embedded.map.span(edit.span), content))
}

fn set_paths(found: &mut [Diagnostic], root: &Node<'_>) {
    for d in found {
        d.path = Some(normalized_path(root, d.span));
    }
}

/// Lints every policy `query` selects in the host file; the host itself is
/// not a policy, so only its JSON syntax is checked; the statements of the
/// documents are kept in `outline`, when given. When the expression
/// selects nothing the file is linted as a policy if it is one (plain policy
/// files in a `--jsonpath` run), else it gets `no-policy-found` or is skipped.
pub fn lint_selected(
    name: String,
    bytes: Vec<u8>,
    (query, selected): (&Query, Selected),
    options: &LintOptions,
    settings: &RuleSettings,
    mut outline: Option<&mut Outline>,
) -> FileReport {
    let (text, mut diagnostics) = decode(bytes);
    let parsed = parse::parse(&text);
    // As in `lint_file`: no parse error on the undecodable byte itself.
    let undecodable = diagnostics.first().map(|d| d.span);
    diagnostics.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    let mut documents = 0;
    let mut unchecked_services = Vec::new();
    if let Some(root) = &parsed.root {
        let found = selected_documents(root, &text, query);
        documents = found.len();
        for document in &found {
            if let Some(lowered) = lower(document, &text) {
                keep(outline.as_deref_mut(), &lowered);
                unchecked_services.extend(lint_lowered(&lowered, options, settings, &mut diagnostics));
            }
        }
        if documents == 0 {
            if not_a_policy(root).is_none() {
                if let Some(outline) = outline {
                    outline.document(root, &|span| span);
                }
                unchecked_services =
                    check_document(root, &text, options, settings, (true, None), &mut diagnostics);
                documents = 1;
            } else if selected == Selected::ByCommandLine(Origin::Walked) {
                return FileReport::skipped(
                    name,
                    format!(
                        "not a policy, and the JSONPath expression `{}` matches nothing in it",
                        query.expression()
                    ),
                );
            } else {
                let at = Span::new(root.span.start, (root.span.start + 1).min(root.span.end));
                diagnostics.push(no_policy_found(
                    at,
                    &format!(
                        "policy documents at the JSONPath expression `{}`, which matches nothing here",
                        query.expression()
                    ),
                ));
            }
        }
    }
    finalize(&mut diagnostics, parsed.root.as_ref(), settings);
    FileReport::linted(name, text, diagnostics, documents, 0, unchecked_services)
}
