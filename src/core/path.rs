//! Core: element paths, the RFC 9535 normalized paths findings are located
//! by (`$['Statement'][0]['Action'][1]`), built, parsed and compared here
//! only: the model builds them, suppressions select by them and the
//! baseline matches on them with indexes left out.

use std::fmt::Write;

/// Appends `['name']` to `path`, escaped as RFC 9535 writes names.
pub fn push_name(path: &mut String, name: &str) {
    path.push_str("['");
    // Nearly every name needs no escape; copy those whole.
    if !name.contains(|c: char| c == '\'' || c == '\\' || (c as u32) < 0x20) {
        path.push_str(name);
        path.push_str("']");
        return;
    }
    for c in name.chars() {
        match c {
            '\'' => path.push_str("\\'"),
            '\\' => path.push_str("\\\\"),
            '\u{8}' => path.push_str("\\b"),
            '\u{c}' => path.push_str("\\f"),
            '\n' => path.push_str("\\n"),
            '\r' => path.push_str("\\r"),
            '\t' => path.push_str("\\t"),
            c if (c as u32) < 0x20 => path.push_str(&format!("\\u{:04x}", c as u32)),
            c => path.push(c),
        }
    }
    path.push_str("']");
}

/// Appends `[index]` to `path`.
pub fn push_index(path: &mut String, index: usize) {
    // Writing to a String cannot fail.
    let _ = write!(path, "[{index}]");
}

/// The segments of an RFC 9535 normalized path after `$`: `['Statement']`,
/// `[0]`. `None` when `path` is not one.
pub fn segments(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('$')?;
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'[' {
            return None;
        }
        let start = i;
        i += 1;
        if bytes.get(i) == Some(&b'\'') {
            i += 1;
            // A quoted name: `\` escapes the next byte.
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'*') {
                i += 1;
            }
        }
        if bytes.get(i) != Some(&b']') || i == start + 1 {
            return None;
        }
        i += 1;
        out.push(&rest[start..i]);
    }
    Some(out)
}

/// An element selector of a `[[suppress]]` entry: a normalized path such as
/// `$['Statement'][0]['Action']`, where `[*]` stands for any index. It
/// selects that element and everything inside it.
#[derive(Debug, Clone)]
pub struct ElementPattern {
    pub text: String,
    segments: Vec<String>,
}

impl ElementPattern {
    pub fn parse(text: &str) -> Result<ElementPattern, String> {
        let segments = segments(text).ok_or_else(|| {
            format!(
                "`{text}` is not an element path: write it as the JSON output's `path` shows it, such as `$['Statement'][0]['Action']` (`[*]` for any index)"
            )
        })?;
        Ok(ElementPattern {
            text: text.to_string(),
            segments: segments.into_iter().map(str::to_string).collect(),
        })
    }

    /// Whether the finding at `path` is on this element or inside it.
    pub fn selects(&self, path: &str) -> bool {
        let Some(found) = segments(path) else {
            return false;
        };
        found.len() >= self.segments.len()
            && self
                .segments
                .iter()
                .zip(&found)
                .all(|(want, got)| want == got || (want == "[*]" && !got.starts_with("['")))
    }
}

/// A normalized path with each array index replaced by `[*]`.
pub fn index_free(path: &str) -> String {
    match segments(path) {
        Some(segments) => {
            let mut out = String::from("$");
            for segment in segments {
                out.push_str(if segment.starts_with("['") { segment } else { "[*]" });
            }
            out
        }
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_patterns_select_an_element_and_what_is_inside() {
        let pattern = ElementPattern::parse("$['Statement'][*]['Action']").expect("valid");
        assert!(pattern.selects("$['Statement'][3]['Action']"));
        assert!(pattern.selects("$['Statement'][0]['Action'][1]"));
        assert!(!pattern.selects("$['Statement'][0]['NotAction']"));
        assert!(!pattern.selects("$['Statement']"));
        let exact = ElementPattern::parse("$['Statement'][0]").expect("valid");
        assert!(!exact.selects("$['Statement'][1]['Effect']"));
        assert!(ElementPattern::parse("$.Statement[0]").is_err());
        assert_eq!(segments("$['a\\'b'][2]"), Some(vec!["['a\\'b']", "[2]"]));
    }

    #[test]
    fn names_are_escaped_and_parsed_back() {
        assert_eq!(
            index_free("$['Statement'][3]['Action'][0]"),
            "$['Statement'][*]['Action'][*]"
        );
        assert_eq!(index_free("$['a[0]']"), "$['a[0]']");
        let mut path = String::from("$");
        push_name(&mut path, "it's\\");
        push_index(&mut path, 2);
        assert_eq!(path, r"$['it\'s\\'][2]");
        assert_eq!(segments(&path), Some(vec![r"['it\'s\\']", "[2]"]));
    }
}
