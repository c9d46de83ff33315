//! Source text and byte spans: the coordinates every later stage speaks in.
//!
//! Spans stay byte ranges from the parser to the reporters; only reporters turn
//! them into lines and columns, through [`LineIndex`].

/// A half-open byte range `start..end` into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
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
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
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
        let start = self.line_starts[line];
        LineColumn {
            line: line + 1,
            column: text[start..offset].chars().count() + 1,
        }
    }

    /// 1-based column of `offset` in UTF-16 code units, as SARIF and LSP count.
    pub fn utf16_column(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let start = self.line_starts[self.line_of(offset)];
        text[start..offset].encode_utf16().count() + 1
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

    #[test]
    fn offsets_inside_a_character_clamp_to_its_start() {
        let text = "\u{1F600}z";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text, 2).column, 1);
        assert_eq!(index.utf16_column(text, 4), 3);
    }
}
