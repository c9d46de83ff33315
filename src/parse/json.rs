//! Strict RFC 8259 JSON parser that keeps spans and duplicate keys.
//!
//! serde_json gives no spans and keeps only the last of two equal keys, and a
//! linter needs both. Strings without escapes are borrowed from the input.
//! Recursion is bounded by [`MAX_DEPTH`], so hostile nesting becomes an error
//! instead of a stack overflow.

use std::borrow::Cow;

use crate::core::Span;

/// Deepest nesting accepted. Real policies and ROS templates stay far below it;
/// the bound keeps recursion well inside a 2 MiB worker-thread stack.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number's exact lexeme, so `1` and `1.0` stay distinguishable.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in source order; duplicates are kept so they can be reported.
    Object(Vec<Member<'a>>),
    /// A value the host file computes (`var.x`, `${...}`, `!Ref`, `{"Fn::Sub": ...}`):
    /// never parsed here, it only says "something is written here". No
    /// finding may rest on it.
    Unknown,
    /// A string the host computes in part (`"acs:ens:*:${var.account}:*"`):
    /// the literal text around the holes, a hole between each two segments
    /// (so at least two). Unknown as a whole ([`Node::is_unknown`]); only a
    /// finding that holds whatever the holes hold may rest on it (see
    /// [`Partial`]).
    Partial(Vec<Cow<'a, str>>),
}

/// A partly known string: literal segments with a hole between each two.
#[derive(Debug, Clone, Copy)]
pub struct Partial<'v, 'a>(pub &'v [Cow<'a, str>]);

impl Partial<'_, '_> {
    /// Whether some value of the holes makes the string exactly `text`:
    /// the segments appear in `text` in order, the first at its start and
    /// the last at its end.
    pub fn can_be(&self, text: &str) -> bool {
        let Some((first, rest)) = self.0.split_first() else {
            return true;
        };
        let Some(mut left) = text.strip_prefix(first.as_ref()) else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return left.is_empty();
        };
        for segment in middle {
            match left.find(segment.as_ref()) {
                Some(at) => left = &left[at + segment.len()..],
                None => return false,
            }
        }
        left.len() >= last.len() && left.ends_with(last.as_ref())
    }

    /// Whether some value of the holes makes every character of the string
    /// `c` (as `*`, every resource or action): every segment is made of `c`.
    pub fn can_be_all(&self, c: char) -> bool {
        self.0.iter().all(|s| s.chars().all(|x| x == c))
    }

    /// Whether some literal segment holds `c`, which no value of the holes
    /// removes.
    pub fn holds(&self, c: impl Fn(char) -> bool) -> bool {
        self.0.iter().any(|s| s.chars().any(&c))
    }

    /// The string as written, each hole shown as `${…}`.
    pub fn shown(&self) -> String {
        self.0.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join("${…}")
    }

    /// The literal text before the first hole.
    pub fn prefix(&self) -> &str {
        self.0.first().map_or("", |s| s.as_ref())
    }

    /// The string with each hole written as RAM's `*`: every value the
    /// holes may take gives a string this pattern matches.
    pub fn as_pattern(&self) -> String {
        self.0.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join("*")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    /// The key's span, quotes included.
    pub key_span: Span,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Unknown, wholly or in part ([`Value::Partial`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown | Value::Partial(_))
    }

    /// The partly known string this is, if it is one.
    pub fn as_partial(&self) -> Option<Partial<'_, 'a>> {
        match &self.value {
            Value::Partial(segments) => Some(Partial(segments)),
            _ => None,
        }
    }

    /// The first member named `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Member<'a>> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The tree with every borrowed string copied, so it outlives its text:
    /// a reader keeps the documents it read instead of parsing them again.
    pub fn into_owned(self) -> Node<'static> {
        let owned = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        let value = match self.value {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(owned(n)),
            Value::String(s) => Value::String(owned(s)),
            Value::Array(items) => Value::Array(items.into_iter().map(Node::into_owned).collect()),
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|m| Member {
                        key: owned(m.key),
                        key_span: m.key_span,
                        value: m.value.into_owned(),
                    })
                    .collect(),
            ),
            Value::Unknown => Value::Unknown,
            Value::Partial(segments) => Value::Partial(segments.into_iter().map(owned).collect()),
        };
        Node {
            span: self.span,
            value,
        }
    }

    /// A short name for the value's JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Unknown | Value::Partial(_) => "a value known only when deployed",
        }
    }
}

/// Why the text is not strict JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// How a trailing comma's message starts; its span is the comma alone.
const TRAILING_COMMA: &str = "trailing comma before";

impl ParseError {
    /// Whether this is a comma after the last element, which deleting
    /// its span (the comma) fixes without changing the value.
    pub fn is_trailing_comma(&self) -> bool {
        self.message.starts_with(TRAILING_COMMA) && self.span.len() == 1
    }
}

/// The tree (when the text parsed) and every problem found on the way. A
/// document can have problems and still a tree: a byte-order mark or a number
/// too large for a double do not stop parsing.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub root: Option<Node<'a>>,
    pub errors: Vec<ParseError>,
}

thread_local! {
    /// Texts parsed on this thread: see [`parses_on_this_thread`].
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many texts were parsed on the calling thread: by [`parse`], and by
/// the Terraform and YAML parsers of the host kinds, which count through
/// [`count_parse`]. A test reads it
/// before and after a command to prove each file is parsed once; it is per
/// thread so tests running side by side do not see each other's parses.
pub fn parses_on_this_thread() -> usize {
    PARSES.with(std::cell::Cell::get)
}

/// Counts one parse of a text on this thread.
pub fn count_parse() {
    PARSES.with(|n| n.set(n.get() + 1));
}

/// Parses `text` as one strict JSON value.
pub fn parse(text: &str) -> Parsed<'_> {
    count_parse();
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        soft_errors: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        parser.soft_errors.push(ParseError {
            span: Span::new(0, 3),
            message: "the document starts with a UTF-8 byte-order mark".into(),
            help: Some(
                "JSON text must not begin with a byte-order mark (RFC 8259 §8.1) and RAM documents \
                 are checked as strict JSON; save the file as UTF-8 without BOM"
                    .into(),
            ),
        });
        parser.pos = 3;
    }
    let result = parser.document();
    let mut errors = parser.soft_errors;
    match result {
        Ok(root) => Parsed {
            root: Some(root),
            errors,
        },
        Err(error) => {
            errors.push(error);
            Parsed { root: None, errors }
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    soft_errors: Vec<ParseError>,
}

type Result<T> = std::result::Result<T, ParseError>;

impl<'a> Parser<'a> {
    fn document(&mut self) -> Result<Node<'a>> {
        self.skip_whitespace();
        if self.pos >= self.bytes.len() {
            return Err(self.error_here(
                "expected a JSON value, found end of file",
                Some("a policy document is a JSON object: {\"Version\": \"1\", \"Statement\": [...]}"),
            ));
        }
        let root = self.value()?;
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            return Err(self.unexpected("expected end of file after the top-level value"));
        }
        Ok(root)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Node<'a>> {
        match self.bytes.get(self.pos) {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => {
                let start = self.pos;
                let value = self.string()?;
                Ok(Node {
                    span: Span::new(start, self.pos),
                    value: Value::String(value),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            None => Err(self.error_here("expected a value, found end of file", None)),
            Some(_) => Err(self.unexpected("expected a value")),
        }
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Result<Node<'a>>) -> Result<Node<'a>> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError {
                span: Span::new(self.pos, self.pos + 1),
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                help: Some("policy documents nest only a few levels; this input is not a policy".into()),
            });
        }
        self.depth += 1;
        let node = parse(self);
        self.depth -= 1;
        node
    }

    fn object(&mut self) -> Result<Node<'a>> {
        let start = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node {
                span: Span::new(start, self.pos),
                value: Value::Object(members),
            });
        }
        loop {
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b'"') => {}
                Some(b'}') if !members.is_empty() => {
                    return Err(self.trailing_comma("}"));
                }
                _ => return Err(self.unexpected("expected a key in double quotes")),
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_whitespace();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.unexpected("expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value()?;
            members.push(Member { key, key_span, value });
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        span: Span::new(start, self.pos),
                        value: Value::Object(members),
                    });
                }
                _ => return Err(self.unexpected("expected `,` or `}` after the member")),
            }
        }
    }

    fn array(&mut self) -> Result<Node<'a>> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node {
                span: Span::new(start, self.pos),
                value: Value::Array(items),
            });
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.pos) == Some(&b']') && !items.is_empty() {
                return Err(self.trailing_comma("]"));
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        span: Span::new(start, self.pos),
                        value: Value::Array(items),
                    });
                }
                _ => return Err(self.unexpected("expected `,` or `]` after the array element")),
            }
        }
    }

    /// Reads a string starting at the opening quote; leaves `pos` after the closing one.
    fn string(&mut self) -> Result<Cow<'a, str>> {
        let open = self.pos;
        self.pos += 1;
        let content_start = self.pos;
        loop {
            match self.bytes.get(self.pos) {
                None => {
                    return Err(ParseError {
                        span: Span::new(open, self.bytes.len()),
                        message: "unterminated string".into(),
                        help: Some("add the closing `\"`".into()),
                    })
                }
                Some(b'"') => {
                    let raw = &self.text[content_start..self.pos];
                    self.pos += 1;
                    return Ok(Cow::Borrowed(raw));
                }
                Some(b'\\') => return self.escaped_string(content_start).map(Cow::Owned),
                Some(&b) if b < 0x20 => return Err(self.control_character(b)),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Continues a string that holds escapes, decoding into an owned buffer.
    fn escaped_string(&mut self, content_start: usize) -> Result<String> {
        let mut out = String::from(&self.text[content_start..self.pos]);
        loop {
            let chunk_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[chunk_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => {
                    return Err(ParseError {
                        span: Span::new(content_start - 1, self.bytes.len()),
                        message: "unterminated string".into(),
                        help: Some("add the closing `\"`".into()),
                    })
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(&b) if b < 0x20 => return Err(self.control_character(b)),
                Some(_) => {
                    let escape_start = self.pos;
                    self.pos += 1;
                    let decoded = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape(escape_start)?);
                            continue;
                        }
                        _ => {
                            return Err(ParseError {
                                span: Span::new(escape_start, self.next_char_end(self.pos)),
                                message: "invalid escape sequence".into(),
                                help: Some(
                                    "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX".into(),
                                ),
                            })
                        }
                    };
                    self.pos += 1;
                    out.push(decoded);
                }
            }
        }
    }

    /// Decodes the hex digits after `\u` (and a following low surrogate escape).
    fn unicode_escape(&mut self, escape_start: usize) -> Result<char> {
        let high = self.hex4(escape_start)?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high).ok_or_else(|| self.bad_surrogate(escape_start));
        }
        if high >= 0xDC00 || self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
            return Err(self.bad_surrogate(escape_start));
        }
        self.pos += 2;
        let low = self.hex4(escape_start)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.bad_surrogate(escape_start));
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(code).ok_or_else(|| self.bad_surrogate(escape_start))
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| ParseError {
                span: Span::new(escape_start, self.next_char_end(self.pos)),
                message: "`\\u` must be followed by four hex digits".into(),
                help: None,
            })?;
        let value = digits
            .iter()
            .fold(0, |acc, &d| acc * 16 + (d as char).to_digit(16).unwrap_or(0));
        self.pos += 4;
        Ok(value)
    }

    fn bad_surrogate(&self, escape_start: usize) -> ParseError {
        ParseError {
            span: Span::new(escape_start, self.pos),
            message: "unpaired UTF-16 surrogate in a `\\u` escape".into(),
            help: Some("a surrogate escape must be a high surrogate followed by a low one".into()),
        }
    }

    fn number(&mut self) -> Result<Node<'a>> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(ParseError {
                        span: Span::new(start, self.pos + 1),
                        message: "numbers cannot have leading zeros".into(),
                        help: Some("RAM values are strings anyway: write it in double quotes".into()),
                    });
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => {
                if self.text[self.pos..].starts_with("Infinity") {
                    return Err(self.not_json_literal(start, "-Infinity"));
                }
                return Err(self.unexpected("expected a digit after `-`"));
            }
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("expected a digit in the exponent"));
            }
            self.digits();
        }
        let lexeme = &self.text[start..self.pos];
        let span = Span::new(start, self.pos);
        if lexeme.parse::<f64>().is_ok_and(f64::is_infinite) {
            self.soft_errors.push(ParseError {
                span,
                message: "number out of range".into(),
                help: Some("this number does not fit a 64-bit float; JSON parsers, RAM's among them, may reject or change it".into()),
            });
        }
        Ok(Node {
            span,
            value: Value::Number(Cow::Borrowed(lexeme)),
        })
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Result<Node<'a>> {
        let start = self.pos;
        if self.text[start..].starts_with(word) {
            self.pos += word.len();
            Ok(Node {
                span: Span::new(start, self.pos),
                value,
            })
        } else {
            Err(self.unexpected("expected a value"))
        }
    }

    fn next_char_end(&self, pos: usize) -> usize {
        self.text[pos.min(self.text.len())..]
            .chars()
            .next()
            .map_or(pos, |c| pos + c.len_utf8())
    }

    fn error_here(&self, message: &str, help: Option<&str>) -> ParseError {
        ParseError {
            span: Span::new(self.pos, self.next_char_end(self.pos)),
            message: message.into(),
            help: help.map(Into::into),
        }
    }

    fn not_json_literal(&self, start: usize, word: &str) -> ParseError {
        ParseError {
            span: Span::new(start, start + word.len()),
            message: format!("`{word}` is not a JSON value"),
            help: Some("JSON has no NaN or Infinity; write the value as a string".into()),
        }
    }

    fn trailing_comma(&self, closer: &str) -> ParseError {
        let comma = self.text[..self.pos].rfind(',').unwrap_or(self.pos);
        ParseError {
            span: Span::new(comma, comma + 1),
            message: format!("{TRAILING_COMMA} `{closer}`"),
            help: Some(
                "strict JSON, which RAM requires, allows no comma after the last element: remove it".into(),
            ),
        }
    }

    fn control_character(&self, byte: u8) -> ParseError {
        ParseError {
            span: Span::new(self.pos, self.pos + 1),
            message: format!("raw control character U+{byte:04X} inside a string"),
            help: Some("escape it (`\\n`, `\\t`, `\\u0000`...) or remove it".into()),
        }
    }

    /// An error for the character at `pos`, recognising the usual non-JSON habits.
    fn unexpected(&self, expected: &str) -> ParseError {
        let rest = &self.text[self.pos..];
        let Some(found) = rest.chars().next() else {
            return self.error_here(&format!("{expected}, found end of file"), None);
        };
        let here = |message: String, help: &str| ParseError {
            span: Span::new(self.pos, self.pos + found.len_utf8()),
            message,
            help: Some(help.into()),
        };
        if rest.starts_with("//") || rest.starts_with("/*") {
            return here(
                "comments are not allowed in JSON".into(),
                "RAM accepts strict JSON only: remove the comment",
            );
        }
        if found == '\'' {
            return here(
                "strings must use double quotes".into(),
                "replace the single quotes with double quotes",
            );
        }
        for word in ["NaN", "Infinity"] {
            if rest.starts_with(word) {
                return self.not_json_literal(self.pos, word);
            }
        }
        let shown = if found.is_control() || !found.is_ascii() || found == ' ' {
            format!("character U+{:04X}", found as u32)
        } else {
            format!("`{found}`")
        };
        if found.is_whitespace() {
            return here(
                format!("{expected}, found {shown}, which is not JSON whitespace"),
                "JSON allows only space, tab, line feed and carriage return between tokens",
            );
        }
        here(format!("{expected}, found {shown}"), expected_help(expected))
    }
}

fn expected_help(expected: &str) -> &'static str {
    if expected.contains("key") {
        "object keys are strings in double quotes, such as \"Effect\""
    } else if expected.contains("`,`") {
        "separate elements with commas and close every `{` and `[`"
    } else {
        "a JSON value is an object, array, string, number, true, false or null"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ParseError {
        let parsed = parse(text);
        assert!(parsed.root.is_none(), "{text:?} should not parse");
        parsed
            .errors
            .last()
            .cloned()
            .unwrap_or_else(|| panic!("no error for {text:?}"))
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn spans_cover_keys_and_values_exactly() {
        let text = r#" {"a" : [1, "x\ny", {"b": null}], "a": true} "#;
        let root = parse(text).root.expect("parses");
        assert_eq!(
            slice(text, root.span),
            r#"{"a" : [1, "x\ny", {"b": null}], "a": true}"#
        );
        let members = root.as_object().expect("object");
        assert_eq!(members.len(), 2, "duplicate keys are kept");
        assert_eq!(slice(text, members[0].key_span), "\"a\"");
        let items = members[0].value.as_array().expect("array");
        assert_eq!(slice(text, items[1].span), r#""x\ny""#);
        assert_eq!(items[1].as_str(), Some("x\ny"));
        assert_eq!(slice(text, members[1].value.span), "true");
    }

    #[test]
    fn escapes_and_surrogate_pairs_decode() {
        let root = parse(r#""\u00e9\ud83d\ude00\/\t""#).root.expect("parses");
        assert_eq!(root.as_str(), Some("\u{e9}\u{1F600}/\t"));
    }

    #[test]
    fn rejects_what_strict_json_rejects() {
        let cases = [
            ("", "end of file"),
            ("[1,]", "trailing comma"),
            ("{\"a\":1,}", "trailing comma"),
            ("{\"a\":1} // c", "comments"),
            ("['a']", "double quotes"),
            ("[NaN]", "NaN"),
            ("[-Infinity]", "Infinity"),
            ("[01]", "leading zeros"),
            ("[\"a\u{1}\"]", "control character"),
            ("[\"\\ud800\"]", "surrogate"),
            ("[\"\\udc00\\ud800\"]", "surrogate"),
            ("[\"\\x\"]", "escape"),
            ("{\u{a0}}", "not JSON whitespace"),
            ("[1 2]", "expected `,`"),
            ("{\"a\" 1}", "expected `:`"),
            ("[1.]", "decimal point"),
            ("[1e]", "exponent"),
            ("\"abc", "unterminated"),
            ("[] []", "end of file after"),
            ("[tru]", "expected a value"),
        ];
        for (text, needle) in cases {
            let err = error(text);
            assert!(err.message.contains(needle), "{text:?}: {}", err.message);
            assert!(err.span.end <= text.len().max(1), "{text:?}: span {:?}", err.span);
        }
    }

    #[test]
    fn error_spans_point_at_the_offending_token() {
        let text = "{\"a\": [1, 2,]}";
        assert_eq!(error(text).span, Span::new(11, 12));
        let text = "{\"a\": 1} /* x */";
        assert_eq!(error(text).span, Span::new(9, 10));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(200_000);
        assert!(error(&text).message.contains("nesting"));
        let text = "{\"a\":".repeat(200_000);
        assert!(error(&text).message.contains("nesting"));
    }

    #[test]
    fn bom_and_huge_numbers_are_reported_but_parse() {
        let parsed = parse("\u{feff}[1e999999]");
        assert!(parsed.root.is_some());
        let messages: Vec<_> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("byte-order mark"));
        assert!(messages[1].contains("out of range"));
    }
}
