//! Escaping of untrusted text (file contents, file names, configs, test
//! cases) before it reaches any output, so a file cannot write to the
//! terminal or the CI log: no control characters (which move the cursor,
//! recolour, or start a new log line with a bare CR), no bidi overrides or
//! invisible characters (which hide or reorder what is shown), and no GitHub
//! workflow command (`::cmd` at the start of a line, legacy `##[cmd]`
//! anywhere in one).
//!
//! Every reporter goes through this module: [`text`] for one-line values,
//! [`Shown`] for snippet source (its own line breaks kept, spans remapped),
//! [`lines`] as the last pass over the line-based formats, [`json`] for
//! the JSON documents, where escaping with `\uXXXX` keeps the decoded value,
//! and [`xml`] for values in XML (JUnit).

use std::borrow::Cow;
use std::fmt::Write;

use crate::core::Span;

/// Characters never printed as they are: control characters (C0, DEL, C1),
/// bidi controls, and characters that draw nothing (zero-width, fillers,
/// variation selectors, tags), plus the line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// The escape shown for an unsafe character: `\n`, `\r`, `\t`, else
/// `\u001b` (four hex digits) or `\u{e0041}` beyond the BMP.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) <= 0xffff => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `##[` starts a legacy workflow command anywhere in a log line: its `[`
/// is shown as `\u005b`.
const LEGACY_COMMAND: &str = "##[";

fn escaped_bracket(text: &str, at: usize) -> bool {
    text[..at].ends_with("##")
}

/// A one-line value as shown in any output: unsafe characters (line breaks
/// included) escaped, and `##[` broken up. Borrowed when nothing changes,
/// which is the case for every ordinary policy.
pub fn text(value: &str) -> Cow<'_, str> {
    let printable = value.bytes().all(|b| (0x20..0x7f).contains(&b));
    if (printable || !value.chars().any(is_unsafe)) && !value.contains(LEGACY_COMMAND) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    for (i, c) in value.char_indices() {
        if is_unsafe(c) || (c == '[' && escaped_bracket(value, i)) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Source text as a snippet shows it: like [`text`] but keeping the text's
/// own line breaks (`\n`, `\r\n`) and tabs (miette draws them as spaces),
/// with a map from offsets in the file to offsets in the shown text so
/// labels stay on their token.
pub struct Shown<'a> {
    source: &'a str,
    text: Cow<'a, str>,
    /// For each escaped character: its end in the file, and the bytes the
    /// escapes up to and including it added.
    shifts: Vec<(usize, usize)>,
}

impl<'a> Shown<'a> {
    pub fn new(source: &'a str) -> Self {
        let keep = |i: usize, c: char| match c {
            '\n' | '\t' => true,
            '\r' => source.as_bytes().get(i + 1) == Some(&b'\n'),
            '[' => !escaped_bracket(source, i),
            c => !is_unsafe(c),
        };
        if source.char_indices().all(|(i, c)| keep(i, c)) {
            return Shown {
                source,
                text: Cow::Borrowed(source),
                shifts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(source.len() + 64);
        let mut shifts = Vec::new();
        for (i, c) in source.char_indices() {
            if keep(i, c) {
                text.push(c);
            } else {
                push_escape(&mut text, c);
                let end = i + c.len_utf8();
                shifts.push((end, text.len() - end));
            }
        }
        Shown {
            source,
            text: Cow::Owned(text),
            shifts,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file's own text.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// Whether the shown text differs from the file.
    pub fn is_escaped(&self) -> bool {
        !self.shifts.is_empty()
    }

    /// Where `offset` in the file is in the shown text. An offset inside an
    /// escaped character maps to the start of its escape.
    pub fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|(end, _)| *end <= offset);
        offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    pub fn span(&self, span: Span) -> Span {
        Span::new(self.offset(span.start), self.offset(span.end))
    }

    /// Where `offset` in the shown text is in the file; an offset inside
    /// an escape maps to the end of the escaped character.
    pub fn file_offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|(end, extra)| end + extra <= offset);
        let Some(last) = before.checked_sub(1) else {
            return offset.min(self.source.len());
        };
        let (end, extra) = self.shifts[last];
        offset.saturating_sub(extra).max(end).min(self.source.len())
    }
}

/// The last pass over text written in lines (human, short, `simulate`,
/// `test`): no line may start, after white space, with `::` (a workflow
/// command), nor hold `##[`. Values are escaped before they are placed,
/// so this only fires where wrapping put a value's `::` at a line start;
/// the `:` is then shown as `\u003a`.
pub fn lines(output: &str) -> Cow<'_, str> {
    let starts_command = |line: &str| line.trim_start().starts_with("::");
    if !output.split('\n').any(starts_command) && !output.contains(LEGACY_COMMAND) {
        return Cow::Borrowed(output);
    }
    let mut out = String::with_capacity(output.len() + 16);
    for (n, line) in output.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = text_brackets(line);
        if starts_command(&line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push_str("\\u003a");
            out.push_str(&line[indent + 1..]);
        } else {
            out.push_str(&line);
        }
    }
    Cow::Owned(out)
}

/// `##[` broken up, nothing else changed.
fn text_brackets(line: &str) -> Cow<'_, str> {
    if line.contains(LEGACY_COMMAND) {
        Cow::Owned(line.replace(LEGACY_COMMAND, "##\\u005b"))
    } else {
        Cow::Borrowed(line)
    }
}

/// A serialized JSON document with every unsafe character left raw by
/// serde_json (DEL, C1, bidi, invisible ones) written as a `\uXXXX` escape,
/// and the `[` of `##[` as `\u005b`. Such characters only occur inside
/// strings (serde_json escapes C0 there, so C0 left is the document's own
/// white space), and the escapes decode to the same value: consumers see the
/// real names and values while a terminal or CI log sees none of them.
pub fn json(document: String) -> String {
    let raw = |c: char| c >= ' ' && is_unsafe(c);
    // Bytes below DEL are ASCII, and the only unsafe ones are below a space:
    // a byte scan settles the common case, on output that can be megabytes.
    let ascii = document.bytes().all(|b| b < 0x7f);
    if (ascii || !document.chars().any(raw)) && !document.contains(LEGACY_COMMAND) {
        return document;
    }
    let mut out = String::with_capacity(document.len() + 64);
    for (i, c) in document.char_indices() {
        if raw(c) || (c == '[' && escaped_bracket(&document, i)) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `value` as a JSON string, quotes included, escaped as
/// `serde_json` and then [`json`] would escape it: `"`, `\\` and C0 as
/// serde_json writes them, every other character no output shows raw as
/// `\uXXXX`, and the `[` of `##[` as `\u005b`. One pass over the value, for
/// the reporters that write findings by the megabyte.
pub fn push_json_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = value.as_bytes();
    // Start of the run of characters copied as they are.
    let mut plain = 0;
    let mut at = 0;
    while at < bytes.len() {
        at += calm_prefix(&bytes[at..]);
        if at == bytes.len() {
            break;
        }
        let c = value[at..].chars().next().unwrap_or_default();
        let escape: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let unsafe_char = c < ' ' || is_unsafe(c) || (c == '[' && escaped_bracket(value, at));
        if escape.is_none() && !unsafe_char {
            at += c.len_utf8();
            continue;
        }
        out.push_str(&value[plain..at]);
        match escape {
            Some(escape) => out.push_str(escape),
            None => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
                    }
                }
            }
        }
        at += c.len_utf8();
        plain = at;
    }
    out.push_str(&value[plain..]);
    out.push('"');
}

/// How many bytes at the start of `bytes` a JSON string holds as they are
/// (printable ASCII other than `"`, `\\` and `[`), eight at a time: most of
/// what the JSON reporters write is such text.
fn calm_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // A high bit set in the lane of each zero byte of `word`.
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let equal = |word: u64, byte: u8| zero(word ^ ONES.wrapping_mul(u64::from(byte)));
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
        // Below a space, DEL, non-ASCII, or one of the three.
        let below_space = word.wrapping_sub(ONES.wrapping_mul(0x20)) & !word & HIGH;
        let stirred = below_space
            | (word & HIGH)
            | equal(word, 0x7f)
            | equal(word, b'"')
            | equal(word, b'\\')
            | equal(word, b'[');
        if stirred != 0 {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .take_while(|&&b| (0x20..0x7f).contains(&b) && !matches!(b, b'"' | b'\\' | b'['))
        .count()
}

/// A value for XML text or a quoted attribute: escaped as [`text`] (XML 1.0
/// cannot carry most control characters at all, not even as `&#1;`), then
/// the five markup characters as entities.
pub fn xml(value: &str) -> String {
    let value = text(value);
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_values_carry_no_markup_and_no_control_characters() {
        assert_eq!(
            xml("a<b>&\"c\"'d'\u{1b}[31m\r\n##[x"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\\u001b[31m\\r\\n##\\u005bx"
        );
        assert_eq!(xml("ens:CreateImage"), "ens:CreateImage");
    }

    #[test]
    fn values_are_escaped_on_one_line() {
        assert_eq!(text("ens:CreateImage"), Cow::Borrowed("ens:CreateImage"));
        assert_eq!(
            text("x\r::error file=README.md::y\n\u{1b}[31m\u{7}\u{9b}"),
            "x\\r::error file=README.md::y\\n\\u001b[31m\\u0007\\u009b"
        );
        assert_eq!(
            text("a\u{202e}b\u{200b}c\u{e0041}"),
            "a\\u202eb\\u200bc\\u{e0041}"
        );
        assert_eq!(text("x ##[error]y ###[z"), "x ##\\u005berror]y ###\\u005bz");
        assert_eq!(text("[a]#[b]"), "[a]#[b]");
    }

    #[test]
    fn snippets_keep_their_lines_and_map_offsets() {
        let source = "{\r\n\t\"a\u{1b}\": \"b\rc\",\n \"##[x\u{202e}\": 1}";
        let shown = Shown::new(source);
        assert_eq!(
            shown.text(),
            "{\r\n\t\"a\\u001b\": \"b\\rc\",\n \"##\\u005bx\\u202e\": 1}"
        );
        // Every character of the file maps onto itself or onto its escape.
        for (i, c) in source.char_indices() {
            let at = shown.offset(i);
            let rest = &shown.text()[at..];
            assert!(rest.starts_with(c) || rest.starts_with('\\'), "{i}: {rest:?}");
        }
        let esc = source.find('\u{1b}').unwrap();
        assert_eq!(
            &shown.text()[shown.span(Span::new(esc, esc + 1)).start..shown.span(Span::new(esc, esc + 1)).end],
            "\\u001b"
        );
        assert_eq!(shown.offset(source.len()), shown.text().len());
        for (i, _) in source.char_indices() {
            assert_eq!(shown.file_offset(shown.offset(i)), i);
        }
        assert!(!Shown::new("{\n\t\"a\": \"#[b]\"\r\n}").is_escaped());
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        assert_eq!(
            lines("a\n  help: x\n        ::error::y\n"),
            "a\n  help: x\n        \\u003a:error::y\n"
        );
        assert_eq!(lines("::a ##[b\n"), "\\u003a:a ##\\u005bb\n");
        assert_eq!(lines("x: a::b\n"), Cow::Borrowed("x: a::b\n"));
    }

    proptest::proptest! {
        /// The one-pass string writer writes what serde_json and the
        /// document guard write together, byte for byte.
        #[test]
        fn a_json_string_is_written_as_serde_json_and_the_guard_write_it(
            value in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{e0000}-\\u{e007f}\"\\\\#\\[]){0,24}"
        ) {
            let mut written = String::new();
            push_json_string(&mut written, &value);
            proptest::prop_assert_eq!(written, json(serde_json::to_string(&value).unwrap()));
        }
    }

    #[test]
    fn a_json_string_escapes_what_it_must_at_every_offset() {
        // Each special character after 0 to 17 plain bytes: before, inside
        // and after the eight-byte steps of the scan.
        for special in [
            "\"",
            "\\",
            "\n",
            "\u{1}",
            "\u{7f}",
            "\u{9b}",
            "\u{202e}",
            "\u{e0041}",
            "##[",
            "é",
        ] {
            for plain in 0..18 {
                let value = format!("{}{special}{}", "a".repeat(plain), "b".repeat(plain % 5));
                let mut written = String::new();
                push_json_string(&mut written, &value);
                assert_eq!(written, json(serde_json::to_string(&value).unwrap()), "{value:?}");
            }
        }
    }

    #[test]
    fn json_escapes_decode_to_the_same_value() {
        let value = "a\u{7f}\u{9b}\u{202e}\u{200b}\u{e0041} ##[x";
        let document = serde_json::to_string_pretty(&[value]).unwrap();
        let safe = json(document);
        assert!(safe.is_ascii(), "{safe}");
        assert!(safe.contains('\n'), "white space between tokens stays: {safe}");
        assert!(!safe.contains("##["), "{safe}");
        assert_eq!(serde_json::from_str::<[String; 1]>(&safe).unwrap(), [value]);
    }
}
