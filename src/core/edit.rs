//! Core: the data of an automatic fix (modelled on ruff's). A finding may
//! carry a [`Fix`]: a message, an [`Applicability`] and byte-range [`Edit`]s;
//! applying them is `fix`'s job, mapping them to host bytes the
//! engine's.

use super::span::Span;

/// How far a fix may be trusted, as ruff's applicability levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The policy means exactly the same afterwards (or, where RAM would
    /// have rejected it, exactly what it plainly meant): `--fix` applies it.
    Safe,
    /// It changes (or may change) what the policy grants: applied only with
    /// `--fix --unsafe-fixes`.
    Unsafe,
    /// Shown as a suggestion, never applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace the bytes at `span` with `content` (an empty span inserts, empty
/// content deletes). Offsets are bytes of the file the edit applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, String::new())
    }
}

/// A finding's fix: all its edits are applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, imperative ("replace `allow` with `Allow`").
    pub message: String,
    pub applicability: Applicability,
    /// Non-overlapping, sorted by offset.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(applicability: Applicability, message: impl Into<String>, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            message: message.into(),
            applicability,
            edits,
        }
    }

    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(Applicability::Safe, message, edits)
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(Applicability::Unsafe, message, edits)
    }

    /// The bytes this fix touches, from its first edit's start to its last's end.
    pub fn range(&self) -> Span {
        match (self.edits.first(), self.edits.last()) {
            (Some(first), Some(last)) => Span::new(first.span.start, last.span.end),
            _ => Span::default(),
        }
    }

    /// Whether `--fix` (with `unsafe_fixes` as given) applies this fix.
    pub fn applies(&self, unsafe_fixes: bool) -> bool {
        match self.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}
