//! Source text and byte spans: the coordinates every later stage speaks in.
//!
//! Spans stay byte ranges from the parser to the reporters; only reporters turn
//! them into lines and columns, through [`LineIndex`].

use std::sync::OnceLock;

/// A half-open byte range `start..end` into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The span widened to whole characters of `text` and kept inside it.
    pub fn on_characters(self, text: &str) -> Span {
        let mut start = self.start.min(text.len());
        let mut end = self.end.clamp(start, text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Span::new(start, end)
    }

    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The span moved right by `offset` bytes, for documents embedded in a host file.
    pub fn shifted(&self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A value together with the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Line starts of one text, so a byte offset maps to a line by binary search
/// instead of a scan from the start of the file.
///
/// Columns count characters from the line's start. On a long line (minified
/// JSON, or a hostile file of one 10 MB line) counting from the start for
/// every finding would be quadratic, so offsets far into a line count from
/// the nearest of the checkpoints laid every [`CHECKPOINT`] bytes, built the
/// first time one is needed.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    checkpoints: OnceLock<Vec<Counts>>,
}

/// Bytes between checkpoints: a column costs at most twice this in counting.
const CHECKPOINT: usize = 256;

/// Characters and UTF-16 code units before one checkpoint.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    chars: usize,
    utf16: usize,
}

/// Counts over `bytes`, a slice of UTF-8 cut anywhere: a character is counted
/// at its first byte, and one of four bytes (0xF0..) takes two UTF-16 units.
fn count(bytes: &[u8]) -> Counts {
    let chars = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    let astral = bytes.iter().filter(|&&b| b >= 0xF0).count();
    Counts {
        chars,
        utf16: chars + astral,
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            line_starts,
            checkpoints: OnceLock::new(),
        }
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset just past the end of `line`, without its line break.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let end = self.line_starts.get(line + 1).map_or(text.len(), |next| next - 1);
        if end > self.line_starts[line] && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// 1-based line and column of `offset`; an offset inside a multi-byte
    /// character is clamped back to that character's start.
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        LineColumn {
            line: line + 1,
            column: self.counts_before(text, line, offset).chars + 1,
        }
    }

    /// 1-based column of `offset` in UTF-16 code units, as SARIF and LSP count.
    pub fn utf16_column(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        self.counts_before(text, self.line_of(offset), offset).utf16 + 1
    }

    /// Counts between the start of `line` and `offset` (a char boundary on it).
    fn counts_before(&self, text: &str, line: usize, offset: usize) -> Counts {
        let start = self.line_starts[line];
        let bytes = text.as_bytes();
        if offset - start <= 2 * CHECKPOINT {
            return count(&bytes[start..offset]);
        }
        let at = |offset: usize| {
            let checkpoints = self.checkpoints.get_or_init(|| {
                let mut sum = Counts::default();
                let mut all = vec![sum];
                for chunk in bytes.chunks(CHECKPOINT) {
                    let c = count(chunk);
                    sum.chars += c.chars;
                    sum.utf16 += c.utf16;
                    all.push(sum);
                }
                all
            });
            let before = checkpoints[offset / CHECKPOINT];
            let rest = count(&bytes[offset / CHECKPOINT * CHECKPOINT..offset]);
            Counts {
                chars: before.chars + rest.chars,
                utf16: before.utf16 + rest.utf16,
            }
        };
        let (from, to) = (at(start), at(offset));
        Counts {
            chars: to.chars - from.chars,
            utf16: to.utf16 - from.utf16,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ab\n\u{00e9}x\r\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 0), LineColumn { line: 1, column: 1 });
        assert_eq!(index.line_column(text, 5), LineColumn { line: 2, column: 2 });
        assert_eq!(
            index.line_column(text, text.len()),
            LineColumn { line: 3, column: 5 }
        );
        assert_eq!(index.line_end(text, 1), 6);
    }

    /// Far into a long line, columns come from the checkpoints: they must
    /// agree with counting from the line's start.
    #[test]
    fn columns_far_into_a_long_line_agree_with_counting() {
        let line: String = "a\u{e9}\u{1F600}\u{955c}".repeat(400);
        let text = format!("x\n{line}\r\n{line}");
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line = index.line_of(offset);
            let before = &text[index.line_start(line)..offset];
            assert_eq!(
                index.line_column(&text, offset).column,
                before.chars().count() + 1,
                "{offset}"
            );
            assert_eq!(
                index.utf16_column(&text, offset),
                before.encode_utf16().count() + 1,
                "{offset}"
            );
        }
    }

    #[test]
    fn offsets_inside_a_character_clamp_to_its_start() {
        let text = "\u{1F600}z";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 2).column, 1);
        assert_eq!(index.utf16_column(text, 4), 3);
    }
}
