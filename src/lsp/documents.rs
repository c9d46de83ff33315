//! The documents the client has open: their text as the editor holds it,
//! and the conversion between the linter's byte offsets and LSP positions in
//! the negotiated encoding (UTF-8 when the client offers it, else UTF-16).

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Instant;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use crate::core::Diagnostic;
use crate::core::{LineIndex, Span};
use crate::host::outline::Outline;

/// How LSP positions count characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Utf16,
}

/// One text with its line starts, for converting offsets and positions.
#[derive(Debug, Clone)]
pub(super) struct Text {
    pub text: String,
    index: LineIndex,
}

impl Text {
    pub(super) fn new(text: String) -> Self {
        let index = LineIndex::new(&text);
        Text { text, index }
    }

    /// The position of byte `offset` (clamped to the text, and back to the
    /// start of a character it falls inside).
    pub(super) fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line);
        let character = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => self.text[start..offset].encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub(super) fn range(&self, span: Span, encoding: Encoding) -> Range {
        Range::new(
            self.position(span.start, encoding),
            self.position(span.end, encoding),
        )
    }

    /// The byte offset of `position`; a line past the end is the end of the
    /// text, a character past the end of its line is the line's end, and a
    /// position inside a character is moved to its start.
    pub(super) fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let start = self.index.line_start(line);
        let end = self.index.line_end(&self.text, line);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, c) in self.text[start..end].char_indices() {
            if counted >= wanted {
                return start + at;
            }
            counted += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if counted > wanted {
                return start + at;
            }
        }
        end
    }

    pub(super) fn span(&self, range: Range, encoding: Encoding) -> Span {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding).max(start);
        Span::new(start, end)
    }

    /// Applies one `didChange` change: a range replaced, or the whole text.
    pub(super) fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) {
        match change.range {
            Some(range) => {
                let span = self.span(range, encoding);
                let mut text = std::mem::take(&mut self.text);
                text.replace_range(span.start..span.end, &change.text);
                *self = Text::new(text);
            }
            None => *self = Text::new(change.text),
        }
    }
}

/// An open document.
#[derive(Debug)]
pub(super) struct Document {
    pub uri: Uri,
    /// Its file, for a `file:` URI: settings are those of this path.
    pub path: Option<PathBuf>,
    /// The name the linter sees: it picks the host kind by its extension.
    pub name: String,
    pub version: i32,
    pub text: Text,
    /// When the first change not yet linted came, and the latest one: the
    /// debounce waits for a quiet spell, but not forever.
    pub pending: Option<(Instant, Instant)>,
    /// The findings last published, on the text they were computed for
    /// (code actions and hover read them).
    pub findings: Vec<Diagnostic>,
    /// The statements and embedded texts of that same text, as the engine
    /// read them when it found the findings: hover and the suppression
    /// action read them instead of parsing the text again.
    pub outline: Outline,
    /// The text with its safe fixes applied (`None`: no fix changes it),
    /// once fix-all has asked the engine for it on that same text.
    pub fixed: OnceCell<Option<String>>,
}

impl Document {
    pub(super) fn new(uri: Uri, version: i32, text: String) -> Self {
        let path = file_path(&uri);
        let name = match &path {
            Some(path) => path.to_string_lossy().into_owned(),
            None => uri.as_str().to_string(),
        };
        Document {
            uri,
            path,
            name,
            version,
            text: Text::new(text),
            pending: None,
            findings: Vec::new(),
            outline: Outline::default(),
            fixed: OnceCell::new(),
        }
    }
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes
/// (`untitled:`), which get the built-in settings.
pub(super) fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host is a path here.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
}

/// The `file:` URI of a path, percent-encoding what a URI cannot hold.
pub(super) fn file_uri(path: &std::path::Path) -> Option<Uri> {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_in_the_negotiated_encoding() {
        // é is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 units.
        let text = Text::new("{\"é😀\": \"x\",\n \"b\"}".to_string());
        let at = text.text.find('x').unwrap();
        assert_eq!(text.position(at, Encoding::Utf8), Position::new(0, 12));
        assert_eq!(text.position(at, Encoding::Utf16), Position::new(0, 9));
        assert_eq!(text.offset(Position::new(0, 12), Encoding::Utf8), at);
        assert_eq!(text.offset(Position::new(0, 9), Encoding::Utf16), at);
        // Inside the surrogate pair: the start of the character.
        assert_eq!(text.offset(Position::new(0, 4), Encoding::Utf16), 4);
        // Past the line's end, and past the last line.
        assert_eq!(text.offset(Position::new(0, 99), Encoding::Utf16), 15);
        assert_eq!(text.offset(Position::new(9, 0), Encoding::Utf16), text.text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut text = Text::new("ab\ncd".to_string());
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: t.to_string(),
        };
        text.apply(change(0, 1, 1, 1, "X"), Encoding::Utf16);
        assert_eq!(text.text, "aXd");
        text.apply(change(0, 3, 0, 3, "\né"), Encoding::Utf16);
        text.apply(change(1, 1, 1, 1, "!"), Encoding::Utf16);
        assert_eq!(text.text, "aXd\né!");
    }

    #[test]
    fn file_uris_round_trip() {
        let path = std::path::Path::new("/tmp/a b/é.json");
        let uri = file_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9.json");
        assert_eq!(file_path(&uri).unwrap(), path);
        assert_eq!(file_path(&"untitled:Untitled-1".parse().unwrap()), None);
    }
}
