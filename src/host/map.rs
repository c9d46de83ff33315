//! Offsets in a policy held as text inside a host file (a JSON string, an
//! HCL heredoc or quoted string) -> offsets in the host file's bytes, so a
//! finding on the decoded text points at the exact host token.

use crate::core::Span;

/// One entry per source unit: where it starts in the decoded text and
/// which host bytes it came from. A unit whose decoded and host lengths
/// agree is a run copied byte for byte (a heredoc line), mapped offset by
/// offset; any other (an escape sequence) maps whole. Host bytes dropped on
/// decoding (heredoc indentation) belong to no unit.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    units: Vec<Unit>,
    decoded_len: usize,
}

#[derive(Debug, Clone, Copy)]
struct Unit {
    decoded: usize,
    len: usize,
    host: Span,
}

impl Unit {
    fn is_run(&self) -> bool {
        self.host.len() == self.len
    }

    /// Where decoded `offset` (inside this unit) starts in the host.
    fn start_of(&self, offset: usize) -> usize {
        if self.is_run() {
            self.host.start + (offset - self.decoded)
        } else {
            self.host.start
        }
    }

    /// Where the decoded byte before `end` (inside this unit) ends in the host.
    fn end_of(&self, end: usize) -> usize {
        if self.is_run() {
            self.host.start + (end - self.decoded)
        } else {
            self.host.end
        }
    }
}

impl SourceMap {
    /// Adds the next unit: `decoded_len` bytes of decoded text that came
    /// from `host`.
    pub fn push(&mut self, decoded_len: usize, host: Span) {
        self.units.push(Unit {
            decoded: self.decoded_len,
            len: decoded_len,
            host,
        });
        self.decoded_len += decoded_len;
    }

    /// The map of a JSON string literal's content; `raw` is the text between
    /// the quotes, found at `host_start`.
    pub fn json_string(raw: &str, host_start: usize) -> SourceMap {
        let mut map = SourceMap::default();
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            let (raw_len, decoded_len) = if bytes[i] == b'\\' {
                escape_lengths(&raw[i..])
            } else {
                let width = raw[i..].chars().next().map_or(1, char::len_utf8);
                (width, width)
            };
            map.push(decoded_len, Span::new(host_start + i, host_start + i + raw_len));
            i += raw_len;
        }
        map
    }

    /// A span of the decoded text as a span of the host: from the start of
    /// the unit holding its first byte to the end of the unit holding its
    /// last byte. An empty span stays empty, before the unit it precedes.
    pub fn span(&self, span: Span) -> Span {
        let Some(last) = self.units.last() else {
            return span;
        };
        let unit_at = |offset: usize| {
            self.units
                .partition_point(|u| u.decoded <= offset)
                .saturating_sub(1)
        };
        if span.start >= self.decoded_len {
            return Span::new(last.host.end, last.host.end);
        }
        let start = self.units[unit_at(span.start)].start_of(span.start);
        if span.is_empty() {
            return Span::new(start, start);
        }
        let end_unit = &self.units[unit_at(span.end - 1)];
        let end = end_unit
            .end_of(span.end.min(end_unit.decoded + end_unit.len))
            .max(start);
        Span::new(start, end)
    }
}

/// Source and decoded length of the JSON escape at the start of `raw`.
fn escape_lengths(raw: &str) -> (usize, usize) {
    let hex = |s: &str| s.get(2..6).and_then(|h| u32::from_str_radix(h, 16).ok());
    match raw.as_bytes().get(1) {
        Some(b'u') => match hex(raw) {
            Some(0xD800..=0xDBFF) => {
                let low = raw.get(6..).filter(|r| r.starts_with("\\u")).and_then(hex);
                match low {
                    // A surrogate pair: one 4-byte character.
                    Some(0xDC00..=0xDFFF) => (12, 4),
                    _ => (6, char::REPLACEMENT_CHARACTER.len_utf8()),
                }
            }
            Some(code) => (6, char::from_u32(code).map_or(3, char::len_utf8)),
            None => (2, 1),
        },
        _ => (2, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_string_map_covers_whole_escapes() {
        // Content `a"é😀b` written as `a\"\u00e9\ud83d\ude00b` at offset 10.
        let raw = r#"a\"\u00e9\ud83d\ude00b"#;
        let map = SourceMap::json_string(raw, 10);
        // `"` (decoded 1..2) is `\"` (host 11..13).
        assert_eq!(map.span(Span::new(1, 2)), Span::new(11, 13));
        // `é` (2..4) is `\u00e9` (13..19); the emoji (4..8) is both escapes.
        assert_eq!(map.span(Span::new(2, 4)), Span::new(13, 19));
        assert_eq!(map.span(Span::new(4, 8)), Span::new(19, 31));
        // An offset inside a character still covers the whole escape.
        assert_eq!(map.span(Span::new(5, 6)), Span::new(19, 31));
        // Empty spans at the end stay before the closing quote.
        assert_eq!(
            map.span(Span::new(9, 9)),
            Span::new(10 + raw.len(), 10 + raw.len())
        );
    }

    #[test]
    fn runs_map_offset_by_offset_and_skip_dropped_bytes() {
        // `ab\n` on one line, `cd` on the next after two stripped spaces.
        let mut map = SourceMap::default();
        map.push(3, Span::new(0, 3));
        map.push(2, Span::new(5, 7));
        assert_eq!(map.span(Span::new(3, 5)), Span::new(5, 7));
        assert_eq!(map.span(Span::new(1, 2)), Span::new(1, 2));
        assert_eq!(map.span(Span::new(1, 4)), Span::new(1, 6));
        assert_eq!(map.span(Span::new(4, 4)), Span::new(6, 6));
    }
}
