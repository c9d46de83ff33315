//! Code actions for a finding: its fix as a quick fix (a safe one is the
//! preferred action), the minimal edit that turns a document into its
//! fixed text (for `source.fixAll.policy-check`), and the suppression of
//! that one finding, as a
//! `# policy-check: ignore[rule-id] reason` comment on the line above where
//! the host has comments (Terraform, YAML; above the line that opens a
//! heredoc or block scalar for a finding inside one), else as a
//! `[[suppress]]` entry in the nearest
//! `policy-check.toml` (created beside the document when there is none and
//! the client can create files).

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CreateFile, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::config;
use crate::core::Applicability;
use crate::core::Diagnostic;
use crate::core::Span;

use super::diagnostics::nearest_config;
use super::documents::{file_uri, Document, Encoding, Text};

/// A finding's fix as a quick fix; display-only fixes are not offered.
// lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
// key never changes once built.
#[allow(clippy::mutable_key_type)]
pub(super) fn fix(
    doc: &Document,
    finding: &Diagnostic,
    lsp: lsp_types::Diagnostic,
    encoding: Encoding,
) -> Option<CodeAction> {
    let fix = finding.fix.as_ref()?;
    if fix.applicability == Applicability::DisplayOnly {
        return None;
    }
    let edits = fix
        .edits
        .iter()
        .map(|e| TextEdit::new(doc.text.range(e.span, encoding), e.content.clone()))
        .collect();
    let mut changes = HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    let mut title = format!("{} ({})", capitalized(&fix.message), finding.rule.id());
    if fix.applicability == Applicability::Unsafe {
        title.push_str(" [unsafe: may change what is granted]");
    }
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp]),
        edit: Some(WorkspaceEdit::new(changes)),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..Default::default()
    })
}

fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One edit that turns `old` into `new`: the span between their common
/// prefix and suffix, so the editor keeps the cursor and folds elsewhere.
pub(super) fn minimal_edit(old: &Text, new: &str, encoding: Encoding) -> TextEdit {
    let old_text = &old.text;
    let mut prefix = old_text
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old_text.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let room = old_text.len().min(new.len()) - prefix;
    let mut suffix = old_text
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !old_text.is_char_boundary(old_text.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    TextEdit::new(
        old.range(Span::new(prefix, old_text.len() - suffix), encoding),
        new[prefix..new.len() - suffix].to_string(),
    )
}

/// The reason written into a new suppression, for the user to replace.
pub(super) const REASON: &str = "TODO: say why this finding is accepted";

/// The suppression action for `finding` in `doc`, placed where the
/// document's outline (the engine's reading of its text) says; `None` when
/// the finding cannot be suppressed here (an untitled JSON document has no
/// configuration to hold the entry).
// lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
// key never changes once built.
#[allow(clippy::mutable_key_type)]
pub(super) fn suppression(
    doc: &Document,
    finding: &Diagnostic,
    lsp: lsp_types::Diagnostic,
    encoding: Encoding,
    can_create: bool,
) -> Option<CodeAction> {
    let rule = finding.rule.id();
    let (edit, title) = match doc.outline.comment_line(&doc.text.text, finding.span) {
        Some(line_start) => {
            let text = &doc.text.text;
            let indent: String = text[line_start..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            let at = doc.text.position(line_start, encoding);
            let comment = format!("{indent}# policy-check: ignore[{rule}] {REASON}\n");
            let mut changes = HashMap::new();
            changes.insert(doc.uri.clone(), vec![TextEdit::new(Range::new(at, at), comment)]);
            let title = format!("Suppress `{rule}` with a comment");
            (WorkspaceEdit::new(changes), title)
        }
        None => (
            config_entry(doc.path.as_deref()?, finding, encoding, can_create)?,
            format!("Suppress `{rule}` here in {}", config::FILE_NAME),
        ),
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp]),
        edit: Some(edit),
        ..Default::default()
    })
}

/// A `[[suppress]]` entry for `finding` appended to the nearest
/// configuration, or a new one beside the document.
// lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
// key never changes once built.
#[allow(clippy::mutable_key_type)]
fn config_entry(
    document: &Path,
    finding: &Diagnostic,
    encoding: Encoding,
    can_create: bool,
) -> Option<WorkspaceEdit> {
    let existing = nearest_config(document);
    let config_path = existing.clone().unwrap_or_else(|| {
        document
            .parent()
            .unwrap_or(Path::new("/"))
            .join(config::FILE_NAME)
    });
    let root = config_path.parent()?;
    let relative = document.strip_prefix(root).ok()?;
    let relative: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut entry = format!(
        "[[suppress]]\npath = {}\nrule = {}\n",
        quote(&relative.join("/")),
        quote(finding.rule.id())
    );
    if let Some(path) = &finding.path {
        entry.push_str(&format!("jsonpath = {}\n", quote(path)));
    }
    if let Some(document) = &finding.document {
        entry.push_str(&format!("document = {}\n", quote(document)));
    }
    entry.push_str(&format!("reason = {}\n", quote(REASON)));
    let uri: Uri = file_uri(&config_path)?;
    match existing {
        Some(path) => {
            let bytes = crate::workspace::read::read_bounded(
                &path,
                crate::workspace::settings::MAX_CONFIG_SIZE,
                false,
            )
            .ok()?;
            let text = Text::new(String::from_utf8(bytes).ok()?);
            let end = text.position(text.text.len(), encoding);
            let separator = if text.text.is_empty() {
                ""
            } else if text.text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            let mut changes = HashMap::new();
            changes.insert(
                uri,
                vec![TextEdit::new(Range::new(end, end), format!("{separator}{entry}"))],
            );
            Some(WorkspaceEdit::new(changes))
        }
        None if can_create => {
            let start = Position::new(0, 0);
            Some(WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri: uri.clone(),
                        options: None,
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                        edits: vec![OneOf::Left(TextEdit::new(Range::new(start, start), entry))],
                    }),
                ])),
                ..Default::default()
            })
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Rule;
    use crate::core::{Edit, Fix};

    #[test]
    fn a_safe_fix_is_a_preferred_quick_fix() {
        let text = "{\"é\": 1, \"Effect\": \"allow\"}";
        let doc = Document::new("file:///p.json".parse().unwrap(), 1, text.to_string());
        let at = text.find("\"allow\"").unwrap();
        let span = Span::new(at, at + 7);
        let finding = Diagnostic::new(Rule::InvalidEffect, span, "bad").with_fix(Fix::safe(
            "replace `allow` with `Allow`",
            vec![Edit::replace(span, "\"Allow\"")],
        ));
        let action = fix(&doc, &finding, Default::default(), Encoding::Utf16).unwrap();
        assert_eq!(action.title, "Replace `allow` with `Allow` (invalid-effect)");
        assert_eq!(action.is_preferred, Some(true));
        let edits = &action.edit.unwrap().changes.unwrap()[&doc.uri];
        // `é` is one UTF-16 unit: the range starts 1 unit before the byte offset less 1.
        assert_eq!(edits[0].range.start.character, (at - 1) as u32);
        assert_eq!(edits[0].new_text, "\"Allow\"");
        let display = Diagnostic::new(Rule::InvalidEffect, span, "bad").with_fix(Fix::new(
            Applicability::DisplayOnly,
            "x",
            vec![Edit::delete(span)],
        ));
        assert!(fix(&doc, &display, Default::default(), Encoding::Utf16).is_none());
    }

    #[test]
    fn the_minimal_edit_spans_only_what_changed() {
        let old = Text::new("ab\nxéy\ncd".to_string());
        let edit = minimal_edit(&old, "ab\nxEy\ncd", Encoding::Utf16);
        assert_eq!(edit.range, Range::new(Position::new(1, 1), Position::new(1, 2)));
        assert_eq!(edit.new_text, "E");
        let same = minimal_edit(&old, "ab\nxéy\ncd", Encoding::Utf8);
        assert_eq!(same.new_text, "");
        assert_eq!(same.range.start, same.range.end);
    }
}
