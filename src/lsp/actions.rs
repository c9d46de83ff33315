//! Code actions for a finding: the suppression of that one finding, as a
//! `# policy-check: ignore[rule-id] reason` comment on the line above where
//! the host has comments (Terraform, YAML; not inside a policy written as
//! text, such as a heredoc), else as a `[[suppress]]` entry in the nearest
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
use crate::diagnostic::Diagnostic;
use crate::host::{self, Source};
use crate::source::Span;

use super::diagnostics::nearest_config;
use super::documents::{file_uri, Document, Encoding, Text};

/// The reason written into a new suppression, for the user to replace.
pub const REASON: &str = "TODO: say why this finding is accepted";

/// The suppression action for `finding` in `doc`; `None` when the finding
/// cannot be suppressed here (an untitled JSON document has no
/// configuration to hold the entry).
// lsp-types keys edits by `Uri`, whose parsed form caches lazily; the
// key never changes once built.
#[allow(clippy::mutable_key_type)]
pub fn suppression(
    doc: &Document,
    finding: &Diagnostic,
    lsp: lsp_types::Diagnostic,
    encoding: Encoding,
    can_create: bool,
) -> Option<CodeAction> {
    let rule = finding.rule.id();
    let edit = if takes_comment(doc, finding.span) {
        let text = &doc.text.text;
        let line_start = text[..finding.span.start].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let at = doc.text.position(line_start, encoding);
        let comment = format!("{indent}# policy-check: ignore[{rule}] {REASON}\n");
        let mut changes = HashMap::new();
        changes.insert(doc.uri.clone(), vec![TextEdit::new(Range::new(at, at), comment)]);
        WorkspaceEdit::new(changes)
    } else {
        config_entry(doc.path.as_deref()?, finding, encoding, can_create)?
    };
    let title = if takes_comment(doc, finding.span) {
        format!("Suppress `{rule}` on this line with a comment")
    } else {
        format!("Suppress `{rule}` here in {}", config::FILE_NAME)
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![lsp]),
        edit: Some(edit),
        ..Default::default()
    })
}

/// Whether a comment on the line above `span` is a comment of the host:
/// the host has comments and `span` is not in a policy written as text.
fn takes_comment(doc: &Document, span: Span) -> bool {
    let lower = doc.name.to_ascii_lowercase();
    let commented = lower.ends_with(".tf") || lower.ends_with(".yaml") || lower.ends_with(".yml");
    if !commented {
        return false;
    }
    let text = &doc.text.text;
    let Some(kind) = host::kind_for(&doc.name, text) else {
        return true;
    };
    let extraction = (kind.extract)(text);
    !extraction
        .documents
        .iter()
        .any(|document| match &document.source {
            Source::Text(embedded) => {
                let whole = embedded.map.span(Span::new(0, embedded.text.len()));
                // The line above is inside the text when the text began before
                // the finding's line.
                let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
                whole.start < line_start && span.start <= whole.end
            }
            Source::Tree(_) => false,
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
    entry.push_str(&format!("reason = {}\n", quote(REASON)));
    let uri: Uri = file_uri(&config_path)?;
    match existing {
        Some(path) => {
            let text = Text::new(std::fs::read_to_string(&path).ok()?);
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
