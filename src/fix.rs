//! Applying fixes, modelled on ruff's: a finding may carry a [`Fix`] (a
//! message, an applicability and byte-range [`Edit`]s into the host file the
//! user opened; the data is in [`crate::core::edit`]), and [`apply`] turns a
//! set of fixes into the file's new text. Checks write their edits against
//! the document they read; the engine (`engine::hosts`) maps them to
//! host bytes and re-encodes their content for the host's string syntax
//! ([`Encoding`]) exactly as it maps finding spans. `--fix` repeats
//! lint-and-apply passes (`engine::fix_loop`), writes atomically
//! ([`write`]); `--diff` prints [`unified`] diffs.

pub(crate) mod unified;

use crate::core::{Edit, Fix, Span};

/// What one application pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// How many were left out because they overlap one applied before them
    /// (the next pass may apply them), or their edits are out of bounds.
    pub skipped: usize,
}

/// Applies `fixes` to `text`: in order of their first edit, each fix whose
/// edits all lie inside `text` on character boundaries and touch no byte
/// (nor the insertion point) of a fix already taken. Pure; the caller
/// re-lints and calls again until nothing applies.
pub(crate) fn apply<'f>(text: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> Applied {
    let mut fixes: Vec<&Fix> = fixes.into_iter().filter(|f| !f.edits.is_empty()).collect();
    fixes.sort_by_key(|f| (f.range().start, f.range().end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    let mut skipped = 0;
    for fix in fixes {
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.start <= e.span.end
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(t.span, e.span)));
        let self_overlap = fix.edits.windows(2).any(|w| overlaps(w[0].span, w[1].span));
        if !in_bounds || clashes || self_overlap {
            skipped += 1;
            continue;
        }
        taken.extend(fix.edits.iter());
        applied += 1;
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.content);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    Applied {
        text: out,
        applied,
        skipped,
    }
}

/// Whether two edits cannot both be applied: they share a byte, or one
/// inserts at a point the other touches.
fn overlaps(a: Span, b: Span) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.start <= b.end && b.start <= a.end;
    }
    a.start < b.end && b.start < a.end
}

/// `value` as a JSON string literal, quotes included: the content of an edit
/// that writes a string.
pub(crate) fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

/// The edit that removes item `index` of an array whose items are at
/// `items` in `text`, so the rest keeps its formatting: with the separator
/// before it (or, for the first item, the one after it), so `["a", "b"]`
/// loses `, "b"` or `"a", `; an entry of a YAML block sequence alone on its
/// line (`- b`, perhaps with a comment) loses that whole line, so the
/// comments of the other entries stay where they are. `None` for an
/// array's only item.
pub(crate) fn remove_item(text: &str, items: &[Span], index: usize) -> Option<Edit> {
    let item = *items.get(index)?;
    if items.len() < 2 {
        return None;
    }
    if let Some(line) = block_entry_line(text, item) {
        return Some(Edit::delete(line));
    }
    if index > 0 {
        return Some(Edit::delete(Span::new(items[index - 1].end, item.end)));
    }
    Some(Edit::delete(Span::new(item.start, items[1].start)))
}

/// The line holding `item` (newline included) when it reads `- <item>`,
/// optionally followed by a `#` comment: a YAML block sequence entry.
fn block_entry_line(text: &str, item: Span) -> Option<Span> {
    // Walks back over `- ` alone, never the whole line: on a one-line file
    // a search for the line's start would make removals quadratic.
    let before = text.get(..item.start)?.as_bytes();
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let dash = before.len() - before.iter().rev().take_while(|b| blank(b)).count();
    if dash == 0 || before[dash - 1] != b'-' {
        return None;
    }
    let indent = before[..dash - 1].iter().rev().take_while(|b| blank(b)).count();
    let line_start = dash - 1 - indent;
    if line_start > 0 && before[line_start - 1] != b'\n' {
        return None;
    }
    let after = text.get(item.end..)?;
    let line_end = after.find('\n').map_or(text.len(), |i| item.end + i + 1);
    let rest = text[item.end..line_end].trim();
    (rest.is_empty() || rest.starts_with('#')).then_some(Span::new(line_start, line_end))
}

/// How the text a document was read from is written in its host, so an
/// edit's content (written as JSON, as the document reads) can be written
/// back in the host's own syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The document is the file's text (a plain policy file): content as is.
    Json,
    /// JSON text inside a JSON string literal (`.tf.json`, a ROS template's
    /// `PolicyDocument` given as a string): `"` and `\` escaped.
    JsonString,
    /// JSON text inside a quoted HCL string: escaped as in JSON, and `${` /
    /// `%{` doubled so they stay literal.
    HclString,
    /// JSON text in a heredoc: as is, with `${` / `%{` doubled.
    Heredoc,
    /// JSON text in a single-quoted YAML string (a ROS template's
    /// document given as a string): `'` doubled, on one line.
    YamlSingleQuoted,
    /// JSON text in a YAML literal block scalar (`|`): as is, on one line
    /// (a line break would have to carry the block's indentation).
    YamlBlock,
    /// A tree lowered from the host's own syntax (an HCL object in
    /// `jsonencode`, a YAML mapping, a ROS JSON object): see [`encode_token`].
    Tree,
}

impl Encoding {
    /// `content` as the host writes it at this point, or `None` when it
    /// cannot be written there.
    pub fn encode(self, content: &str) -> Option<String> {
        match self {
            Encoding::Json | Encoding::Tree => Some(content.to_string()),
            Encoding::JsonString => Some(escape_json(content, false)),
            Encoding::HclString => Some(escape_json(content, true)),
            Encoding::Heredoc => Some(content.replace("${", "$${").replace("%{", "%%{")),
            Encoding::YamlSingleQuoted => (!content.contains('\n')).then(|| content.replace('\'', "''")),
            Encoding::YamlBlock => (!content.contains('\n')).then(|| content.to_string()),
        }
    }
}

/// JSON string escaping of `content` (without the surrounding quotes);
/// `template` also doubles Terraform's `${` and `%{`.
fn escape_json(content: &str, template: bool) -> String {
    let mut out = String::with_capacity(content.len() + 8);
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if template && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A JSON literal `content` written over the host token `original` of a
/// lowered tree (HCL or YAML), keeping the token's quoting style: a
/// single-quoted YAML scalar stays single-quoted, a plain string (a YAML
/// plain scalar, an HCL identifier key) stays plain when the new string
/// needs no quotes, anything else becomes a JSON (double-quoted) literal,
/// which HCL and YAML both read as that string (a plain token that reads
/// as a number or boolean, such as YAML's `Version: 1`, becomes quoted). `None` for content that
/// would not mean the same in the host (a `${` HCL would interpolate).
pub(crate) fn encode_token(original: &str, content: &str) -> Option<String> {
    let Ok(serde_json::Value::String(value)) = serde_json::from_str::<serde_json::Value>(content) else {
        // Not a string literal (an empty deletion, a number): as is.
        return Some(content.to_string());
    };
    if value.contains("${") || value.contains("%{") {
        return None;
    }
    if original.starts_with('\'') {
        return Some(format!("'{}'", value.replace('\'', "''")));
    }
    // A plain token JSON reads as a number, boolean or null was no string.
    let was_string = !original.starts_with('"')
        && serde_json::from_str::<serde_json::Value>(original.trim()).map_or(true, |v| v.is_string());
    if was_string && is_plain_safe(&value) {
        return Some(value);
    }
    Some(content.to_string())
}

/// Whether a string can be written unquoted as a YAML plain scalar or HCL
/// identifier and still read as that same string: a letter first, then
/// letters, digits and `:_-./` (not ending in `:`), and not a word YAML or
/// HCL reads as something else.
fn is_plain_safe(value: &str) -> bool {
    let mut chars = value.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.' | '/'))
        && !value.ends_with(':')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix::safe(
            "test",
            edits
                .iter()
                .map(|&(s, e, c)| Edit::replace(Span::new(s, e), c))
                .collect(),
        )
    }

    #[test]
    fn applies_disjoint_fixes_and_leaves_overlapping_ones() {
        let text = "abcdefgh";
        let fixes = [
            fix(&[(0, 2, "AB")]),
            fix(&[(1, 3, "X")]),
            fix(&[(5, 6, ""), (7, 8, "H")]),
        ];
        let applied = apply(text, &fixes);
        assert_eq!(applied.text, "ABcdegH");
        assert_eq!((applied.applied, applied.skipped), (2, 1));
    }

    #[test]
    fn an_insertion_touching_an_edit_waits() {
        let applied = apply("abc", &[fix(&[(1, 2, "B")]), fix(&[(2, 2, "+")])]);
        assert_eq!(applied.text, "aBc");
        assert_eq!(applied.skipped, 1);
    }

    #[test]
    fn out_of_bounds_edits_are_skipped() {
        let applied = apply("é", &[fix(&[(1, 2, "x")]), fix(&[(0, 9, "x")])]);
        assert_eq!(applied.text, "é");
        assert_eq!(applied.skipped, 2);
    }

    #[test]
    fn removing_an_item_takes_one_separator() {
        let text = r#"["a", "b",  "c"]"#;
        let items = [Span::new(1, 4), Span::new(6, 9), Span::new(12, 15)];
        let cut = |i| {
            apply(
                text,
                &[Fix::safe("x", vec![remove_item(text, &items, i).expect("edit")])],
            )
            .text
        };
        assert_eq!(cut(0), r#"["b",  "c"]"#);
        assert_eq!(cut(1), r#"["a",  "c"]"#);
        assert_eq!(cut(2), r#"["a", "b"]"#);
        assert_eq!(remove_item(text, &items[..1], 0), None);
    }

    #[test]
    fn removing_a_yaml_block_entry_takes_its_line() {
        let text = "A:\n  - a   # first\n  - a  # again\n  - b\n";
        let items = [Span::new(7, 8), Span::new(23, 24), Span::new(38, 39)];
        let cut = |i| {
            apply(
                text,
                &[Fix::safe("x", vec![remove_item(text, &items, i).expect("edit")])],
            )
            .text
        };
        assert_eq!(cut(1), "A:\n  - a   # first\n  - b\n");
        assert_eq!(cut(0), "A:\n  - a  # again\n  - b\n");
        assert_eq!(cut(2), "A:\n  - a   # first\n  - a  # again\n");
    }

    #[test]
    fn encodings_escape_for_their_host() {
        assert_eq!(
            Encoding::JsonString.encode("\"Allow\"").as_deref(),
            Some("\\\"Allow\\\"")
        );
        assert_eq!(
            Encoding::HclString.encode("\"${x}\"").as_deref(),
            Some("\\\"$${x}\\\"")
        );
        assert_eq!(Encoding::Heredoc.encode("\"%{x}\"").as_deref(), Some("\"%%{x}\""));
        assert_eq!(Encoding::Json.encode("\"a\\\\b\"").as_deref(), Some("\"a\\\\b\""));
    }

    #[test]
    fn tree_tokens_keep_their_quoting() {
        assert_eq!(encode_token("allow", "\"Allow\"").as_deref(), Some("Allow"));
        assert_eq!(encode_token("'allow'", "\"Allow\"").as_deref(), Some("'Allow'"));
        assert_eq!(
            encode_token("\"allow\"", "\"Allow\"").as_deref(),
            Some("\"Allow\"")
        );
        // A number becomes a quoted string; `*` is a YAML alias when plain.
        assert_eq!(encode_token("1", "\"1\"").as_deref(), Some("\"1\""));
        assert_eq!(encode_token("a:b", "\"*\"").as_deref(), Some("\"*\""));
        assert_eq!(encode_token("yes", "\"no\"").as_deref(), Some("\"no\""));
        assert_eq!(encode_token("x", "\"${a}\""), None);
    }
}
