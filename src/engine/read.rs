//! The engine for a reader of policies (`simulate`, `test`, `diff`): each
//! document of an input is found, lowered and checked exactly as the linter
//! does it, at the built-in settings, and handed over with its tree, so the
//! tree that is checked is the tree that is evaluated.

use super::hosts::lint_lowered;
use super::pipeline::{check_document, decode_host, finalize, not_a_policy};
use super::Input;
use crate::checks::LintOptions;
use crate::core::{Diagnostic, Origin, RuleSettings, Span};
use crate::host::{self, Embedded, FileReference, Lowered};
use crate::parse::{self, parse_diagnostics, Node};

/// Values a host computes, so no policy can be read there.
#[derive(Debug, Clone, Copy)]
pub enum Computed<'a> {
    /// This many documents are computed whole.
    Whole(usize),
    /// The document at this location does not lower (a text with
    /// interpolations that does not parse).
    Document(&'a str),
}

/// One document, checked.
pub struct Checked<'a, 't> {
    pub name: &'a str,
    /// The host's text, which every span indexes.
    pub text: &'a str,
    /// Its findings at the built-in settings.
    pub found: Vec<Diagnostic>,
    /// Its tree, when it parses.
    pub root: Option<&'a Node<'t>>,
    /// For a document of a host file: its index among the host's documents,
    /// and its lowering (the way back to host bytes).
    pub lowered: Option<(usize, &'a Lowered<'t>)>,
}

/// A document's tree as the engine read it, owned so that it outlives the
/// reading: `simulate`, `test` and `diff` evaluate it as often as they like
/// without reading or parsing the file again.
#[derive(Debug)]
pub struct Tree {
    pub root: Node<'static>,
    /// The host string the document was decoded from, when it was written
    /// as text: its map leads from the tree's spans back to host bytes.
    embedded: Option<Embedded>,
}

impl Tree {
    /// Keeps `root`, a tree of the plain document or of `lowered`.
    pub fn keep(root: &Node<'_>, lowered: Option<&Lowered<'_>>) -> Tree {
        Tree {
            root: root.clone().into_owned(),
            embedded: lowered.and_then(|lowered| lowered.embedded.cloned()),
        }
    }

    /// A span of the tree in host bytes.
    pub fn host_span(&self, span: Span) -> Span {
        self.embedded
            .as_ref()
            .map_or(span, |embedded| embedded.map.span(span))
    }
}

/// What a reader does with what the engine finds in one input.
pub trait Documents {
    /// A named input that holds no policy, and why.
    fn skipped(&mut self, name: String, text: &str, why: String);
    /// An input whose host cannot be read (not UTF-8, does not parse).
    fn unusable(&mut self, name: String, text: &str, found: Vec<Diagnostic>);
    /// Values the host computes.
    fn computed(&mut self, name: &str, computed: Computed<'_>);
    /// Each document found.
    fn document(&mut self, checked: Checked<'_, '_>);
}

/// Reads one input's documents into `out`; returns the files it names with
/// `file()`. A walked input that holds no policy is passed over silently.
pub fn read(input: Input, out: &mut dyn Documents) -> Vec<FileReference> {
    let Input { name, bytes, origin } = input;
    let (text, utf8) = decode_host(&name, bytes);
    let Some(kind) = host::kind_for(&name, &text) else {
        if host::is_yaml_or_tf(&name) {
            if origin == Origin::Named {
                out.skipped(name, &text, "not a ROS template or Terraform".into());
            }
            return Vec::new();
        }
        read_plain(name, &text, utf8, origin, out);
        return Vec::new();
    };
    let extraction = (kind.extract)(&text);
    if !extraction.diagnostics.is_empty() || !utf8.is_empty() {
        let mut found = utf8;
        found.extend(extraction.diagnostics);
        out.unusable(name, &text, found);
        return extraction.files;
    }
    if extraction.unknown > 0 {
        out.computed(&name, Computed::Whole(extraction.unknown));
    }
    if extraction.documents.is_empty()
        && extraction.files.is_empty()
        && extraction.unknown == 0
        && extraction.elsewhere == 0
    {
        if origin == Origin::Named {
            let why = format!("no policy document in this {} file", kind.name);
            out.skipped(name, &text, why);
        }
        return Vec::new();
    }
    for (index, document) in extraction.documents.iter().enumerate() {
        match host::lower(document, &text) {
            Some(lowered) => {
                let mut found = Vec::new();
                lint_lowered(
                    &lowered,
                    &LintOptions::default(),
                    &RuleSettings::default(),
                    &mut found,
                );
                finalize(&mut found, None, &RuleSettings::default());
                out.document(Checked {
                    name: &name,
                    text: &text,
                    found,
                    root: lowered.root.as_deref(),
                    lowered: Some((index, &lowered)),
                });
            }
            None => out.computed(&name, Computed::Document(&document.location)),
        }
    }
    extraction.files
}

/// A plain policy document, judged as the linter judges one.
fn read_plain(name: String, text: &str, utf8: Vec<Diagnostic>, origin: Origin, out: &mut dyn Documents) {
    let parsed = parse::parse(text);
    let verdict = match &parsed.root {
        Some(root) => not_a_policy(root),
        None if text.contains("\"Statement\"") || text.contains("\"Version\"") => None,
        None => Some("it is not valid JSON and never names `Statement` or `Version`"),
    };
    if let Some(reason) = verdict {
        if origin == Origin::Walked {
            return;
        }
        let no_version = parsed.root.as_ref().is_some_and(|root| {
            root.as_object()
                .is_some_and(|m| !m.iter().any(|m| m.key.eq_ignore_ascii_case("Version")))
        });
        if no_version {
            out.skipped(name, text, format!("not a policy: {reason}"));
            return;
        }
    }
    let undecodable = utf8.first().map(|d| d.span);
    let mut found = utf8;
    found.extend(parse_diagnostics(&parsed.errors).filter(|d| Some(d.span) != undecodable));
    if let Some(root) = &parsed.root {
        check_document(
            root,
            text,
            &LintOptions::default(),
            &RuleSettings::default(),
            (true, None),
            &mut found,
        );
    }
    finalize(&mut found, parsed.root.as_ref(), &RuleSettings::default());
    out.document(Checked {
        name: &name,
        text,
        found,
        root: parsed.root.as_ref(),
        lowered: None,
    });
}
