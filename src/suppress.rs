//! Suppressions: `[[suppress]]` entries of `policy-check.toml` and
//! `# policy-check: ignore[rule-id] reason` comments in host files that have
//! comments (Terraform, YAML). Applied to each file's finished findings
//! before they are rendered; what they hide is counted, never silently
//! dropped, and a suppression that hides nothing is itself reported
//! (`unused-suppression`, as ruff's RUF100), so a pull request cannot switch
//! checking off unseen.

use std::sync::atomic::{AtomicUsize, Ordering};

use globset::GlobMatcher;

use crate::core::path::ElementPattern;
use crate::core::syntax::{holds_suppression_marker, SUPPRESSION_MARKER as MARKER};
use crate::core::Diagnostic;
use crate::core::FileReport;
use crate::core::Rule;
use crate::core::Span;
use crate::core::{Date, RuleSettings};

/// One `[[suppress]]` entry of a configuration file. Counters are shared by
/// the worker threads, so the summary can say what each entry hid.
#[derive(Debug)]
pub struct Suppression {
    /// The glob as written, relative to the configuration's folder.
    pub pattern: String,
    pub path: GlobMatcher,
    pub rule: Rule,
    pub jsonpath: Option<ElementPattern>,
    /// Where the document sits in a host file, exactly as findings name it.
    pub document: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
    /// The entry's `rule` value in the TOML (where findings about the entry point).
    pub rule_span: Span,
    /// The `expires` value in the TOML.
    pub expires_span: Span,
    /// Findings hidden, over the run.
    pub used: AtomicUsize,
    /// Files linted that the entry covers with its rule on.
    pub covered: AtomicUsize,
}

impl Suppression {
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| expires < today)
    }

    fn hides(&self, d: &Diagnostic) -> bool {
        d.rule == self.rule
            && self
                .document
                .as_ref()
                .is_none_or(|document| d.document.as_ref() == Some(document))
            && self
                .jsonpath
                .as_ref()
                .is_none_or(|pattern| d.path.as_deref().is_some_and(|p| pattern.selects(p)))
    }

    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
}

/// Rules about suppressions themselves: never suppressed, never baselined away
/// by a suppression (a baseline may hold them like any finding).
pub fn is_suppression_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::UnusedSuppression | Rule::ExpiredSuppression | Rule::InvalidSuppression
    )
}

/// A `# policy-check: ignore[...] reason` comment.
#[derive(Debug)]
struct Comment {
    /// The comment: from its `#` or `//` to the end of the line, or a whole
    /// `/* */` comment.
    span: Span,
    /// Each id as written, with its span; `None` for an id no rule has.
    ids: Vec<(Option<Rule>, Span)>,
    /// Why the comment is malformed, if it is (it then hides nothing).
    problem: Option<String>,
    /// Host bytes whose findings it covers: a finding that starts in here.
    covers: Span,
}

/// The suppression comments of one host file, with its text (kept so that
/// findings about a comment can be shown even when the file has no other).
#[derive(Debug)]
pub struct Comments {
    text: String,
    comments: Vec<Comment>,
}

/// How comments are written in a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Hcl,
    Yaml,
}

/// A commented host file that holds a suppression marker, its comments not
/// read yet.
#[derive(Debug)]
pub struct Marked {
    text: String,
    syntax: Syntax,
}

impl Marked {
    /// Its suppression comments, `None` when it has none. A Terraform
    /// file's comments are told from its strings by where its parser found
    /// the strings: `strings` gives them (`None` when it does not parse).
    pub fn read(self, strings: impl FnOnce(&str) -> Option<Vec<std::ops::Range<usize>>>) -> Option<Comments> {
        let comments = match self.syntax {
            Syntax::Hcl => {
                strings(&self.text).map_or_else(Vec::new, |strings| hcl_comments(&self.text, &strings))
            }
            Syntax::Yaml => yaml_comments(&self.text),
        };
        (!comments.is_empty()).then_some(Comments {
            text: self.text,
            comments,
        })
    }
}

impl Comments {
    /// A file named `name` that may hold suppression comments: `None` when
    /// it is no commented host (a `.tf`, `.yaml` or `.yml` file) or holds no
    /// suppression marker.
    pub fn marked(name: &str, bytes: &[u8]) -> Option<Marked> {
        let syntax = match crate::core::Syntax::of(name) {
            Some(crate::core::Syntax::Hcl) => Syntax::Hcl,
            Some(crate::core::Syntax::Yaml) => Syntax::Yaml,
            Some(crate::core::Syntax::Json) | None => return None,
        };
        if !holds_suppression_marker(bytes) {
            return None;
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        Some(Marked { text, syntax })
    }
}

/// A line of a host file: its byte range (without the line break).
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(Line { start, end });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Line {
            start,
            end: text.len(),
        });
    }
    out
}

/// Where a comment starts in a YAML `line`, outside quoted strings: `#` at
/// the line's start or after white space.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let after_space = i == 0 || bytes[i - 1].is_ascii_whitespace();
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            // A quote opens a string only where a scalar starts
            // (`key: don't` is a plain scalar).
            None if (b == b'"' || b == b'\'')
                && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b':' | b'[' | b'{' | b',')) =>
            {
                quote = Some(b)
            }
            None if after_space && b == b'#' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Whether a line of YAML opens a block scalar (`key: |`, `- >-`).
fn opens_block_scalar(code: &str) -> bool {
    let code = code.trim_end();
    let last = code.rsplit([' ', '\t']).next().unwrap_or_default();
    let Some(rest) = last.strip_prefix('|').or_else(|| last.strip_prefix('>')) else {
        return false;
    };
    let before = code[..code.len() - last.len()].trim_end();
    rest.bytes().all(|b| b == b'-' || b == b'+' || b.is_ascii_digit())
        && (before.ends_with(':') || before.ends_with('-') || before.is_empty())
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// For each index `t` of `values`, the first later index whose value is at
/// most `values[t]` (`values.len()` when none): one pass with a stack, so
/// every construct's end is found in linear time overall.
fn next_at_most(values: &[i64]) -> Vec<usize> {
    let mut next = vec![values.len(); values.len()];
    let mut open: Vec<usize> = Vec::new();
    for (u, &value) in values.iter().enumerate() {
        while let Some(&t) = open.last() {
            if values[t] < value {
                break;
            }
            next[t] = u;
            open.pop();
        }
        open.push(u);
    }
    next
}

/// A file cut into lines, with where each line's construct ends: the index
/// of the last line of the construct that starts on it.
struct Layout {
    lines: Vec<Line>,
    construct_end: Vec<usize>,
}

/// YAML: a line's construct is the run of lines indented deeper after it
/// (blank lines do not end the run): the mapping, list item or block scalar
/// it starts.
fn yaml_layout(text: &str) -> Layout {
    let lines = lines(text);
    let code: Vec<usize> = (0..lines.len())
        .filter(|&i| !text[lines[i].start..lines[i].end].trim().is_empty())
        .collect();
    let indents: Vec<i64> = code
        .iter()
        .map(|&i| indentation(&text[lines[i].start..lines[i].end]) as i64)
        .collect();
    let next = next_at_most(&indents);
    let mut construct_end: Vec<usize> = (0..lines.len()).collect();
    for (k, &i) in code.iter().enumerate() {
        // The last non-blank line before the next one indented no deeper.
        construct_end[i] = code[next[k] - 1];
    }
    Layout { lines, construct_end }
}

/// The suppression comments of a YAML file. Lines inside a block scalar
/// are string text, never comments.
fn yaml_comments(text: &str) -> Vec<Comment> {
    let layout = yaml_layout(text);
    let lines = &layout.lines;
    let starts: Vec<Option<usize>> = lines
        .iter()
        .map(|l| comment_start(&text[l.start..l.end]))
        .collect();
    let code_of = |i: usize| {
        let line = &text[lines[i].start..lines[i].end];
        starts[i].map_or(line, |at| &line[..at])
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(at) = starts[i] {
            found.push((Span::new(lines[i].start + at, lines[i].end), i));
        }
        i = if opens_block_scalar(code_of(i)) {
            layout.construct_end[i] + 1
        } else {
            i + 1
        };
    }
    let is_code: Vec<bool> = (0..lines.len()).map(|j| !code_of(j).trim().is_empty()).collect();
    cover(text, &layout, found, &is_code)
}

/// Gives each suppression comment found (its span and first line) the host
/// bytes it covers: a comment alone on its line covers the construct that
/// starts on the next line holding code; a comment after code covers the
/// construct its own line starts.
fn cover(text: &str, layout: &Layout, found: Vec<(Span, usize)>, is_code: &[bool]) -> Vec<Comment> {
    let lines = &layout.lines;
    // The next line holding code at or after each line, from the end.
    let mut next_code = vec![None; lines.len() + 1];
    for j in (0..lines.len()).rev() {
        next_code[j] = if is_code[j] { Some(j) } else { next_code[j + 1] };
    }
    let mut out = Vec::new();
    for (span, line) in found {
        let Some(mut comment) = parse_comment(text, span) else {
            continue;
        };
        // A `/* */` comment may run over several lines.
        let last_line = line_of(lines, span.end.saturating_sub(1)).max(line);
        let own_line = text[lines[line].start..span.start].trim().is_empty();
        let target = if own_line {
            next_code[last_line + 1]
        } else {
            Some(line)
        };
        comment.covers = match target {
            Some(j) => Span::new(lines[j].start, lines[layout.construct_end[j]].end),
            None => Span::new(text.len(), text.len()),
        };
        out.push(comment);
    }
    out
}

/// The index of the line holding byte `offset`.
fn line_of(lines: &[Line], offset: usize) -> usize {
    lines.partition_point(|l| l.start <= offset).saturating_sub(1)
}

/// HCL: the host's parser says where strings, templates and heredocs are
/// (`strings`, in order); outside them `#`, `//` and `/* */` are always
/// comments, so no text of a string is read as one, and no bracket in a
/// comment or a string counts towards a construct. A file that does not
/// parse has no suppression comments ([`Marked::read`]): its findings are
/// all shown.
fn hcl_comments(text: &str, strings: &[std::ops::Range<usize>]) -> Vec<Comment> {
    // The code with comments and strings blanked out (line breaks kept).
    let bytes = text.as_bytes();
    let mut code = bytes.to_vec();
    let mut comments = Vec::new();
    let mut next_string = strings.iter().peekable();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(string) = next_string.peek() {
            if string.start <= i {
                let end = string.end.max(i);
                blank(&mut code[i..end]);
                // A string counts as a bracket pair, so that the construct
                // of the line a heredoc starts on runs to its end.
                if end > i + 1 {
                    code[i] = b'(';
                    code[end - 1] = b')';
                }
                i = end;
                next_string.next();
                continue;
            }
        }
        let rest = &bytes[i..];
        let end = if rest.starts_with(b"#") || rest.starts_with(b"//") {
            let line_end = i + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            if line_end > i && bytes[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            }
        } else if rest.starts_with(b"/*") {
            i + 2
                + rest[2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(rest.len() - 2, |at| at + 2)
        } else {
            i += 1;
            continue;
        };
        comments.push(Span::new(i, end));
        blank(&mut code[i..end]);
        i = end.max(i + 1);
    }
    let lines = lines(text);
    let depth_change = |l: &Line| {
        code[l.start..l.end].iter().fold(0i64, |d, b| match b {
            b'{' | b'[' | b'(' => d + 1,
            b'}' | b']' | b')' => d - 1,
            _ => d,
        })
    };
    // The depth before each line (and after the last): a construct that
    // starts on line j ends on the line before the first later depth that is
    // at most the depth before j.
    let mut depth_before = Vec::with_capacity(lines.len() + 1);
    let mut depth = 0;
    depth_before.push(depth);
    for line in &lines {
        depth += depth_change(line);
        depth_before.push(depth);
    }
    let next = next_at_most(&depth_before);
    let last = lines.len().saturating_sub(1);
    let construct_end = (0..lines.len())
        .map(|j| next[j].saturating_sub(1).clamp(j, last))
        .collect();
    let is_code: Vec<bool> = lines
        .iter()
        .map(|l| code[l.start..l.end].iter().any(|b| !b.is_ascii_whitespace()))
        .collect();
    let layout = Layout { lines, construct_end };
    let found = comments
        .into_iter()
        .map(|span| (span, line_of(&layout.lines, span.start)))
        .collect();
    cover(text, &layout, found, &is_code)
}

/// Replaces bytes with spaces, keeping line breaks where they are.
fn blank(bytes: &mut [u8]) {
    for b in bytes.iter_mut().filter(|b| **b != b'\n') {
        *b = b' ';
    }
}

/// Parses a comment (the text at `span`, from `#` or `//`) if it is a
/// suppression comment.
fn parse_comment(text: &str, span: Span) -> Option<Comment> {
    let raw = &text[span.start..span.end];
    let body_at = if raw.starts_with("//") || raw.starts_with("/*") {
        2
    } else {
        1
    };
    let body = &raw[body_at..];
    let body = body
        .strip_suffix("*/")
        .filter(|_| raw.starts_with("/*"))
        .unwrap_or(body);
    let trimmed = body.trim_start();
    let rest = trimmed.strip_prefix(MARKER)?;
    let rest_at = span.start + body_at + (body.len() - trimmed.len()) + MARKER.len();
    let directive = rest.trim_start();
    let directive_at = rest_at + (rest.len() - directive.len());
    let mut comment = Comment {
        span,
        ids: Vec::new(),
        problem: None,
        covers: Span::default(),
    };
    let Some(list) = directive.strip_prefix("ignore[") else {
        comment.problem = Some(
            "a suppression comment must name the rules it silences: `# policy-check: ignore[rule-id] reason`"
                .to_string(),
        );
        return Some(comment);
    };
    let Some(close) = list.find(']') else {
        comment.problem = Some("the rule list of this suppression comment has no closing `]`".to_string());
        return Some(comment);
    };
    let list_at = directive_at + "ignore[".len();
    let mut offset = 0;
    for id in list[..close].split(',') {
        let trimmed = id.trim();
        let lead = id.len() - id.trim_start().len();
        let at = list_at + offset + lead;
        if !trimmed.is_empty() {
            comment
                .ids
                .push((Rule::from_id(trimmed), Span::new(at, at + trimmed.len())));
        }
        offset += id.len() + 1;
    }
    let reason = list[close + 1..].trim();
    if comment.ids.is_empty() {
        comment.problem = Some("this suppression comment names no rule".to_string());
    } else if reason.is_empty() {
        comment.problem = Some(
            "this suppression comment gives no reason, so it silences nothing: write why after the rule list, as in `# policy-check: ignore[allow-all] break-glass role, reviewed 2026-01`"
                .to_string(),
        );
    }
    Some(comment)
}

/// Applies the suppressions of one file to its report: the configuration's
/// entries that cover it (`entries`, expired ones left out) and its
/// comments. Hidden findings are counted in `report.suppressed`; comments
/// that hide nothing or are malformed become findings of their own, at the
/// levels `rules` gives.
pub fn apply(
    report: &mut FileReport,
    entries: &[&Suppression],
    comments: Option<Comments>,
    rules: &RuleSettings,
) {
    for entry in entries {
        if rules.severity(entry.rule).is_some() {
            entry.covered.fetch_add(1, Ordering::Relaxed);
        }
    }
    let mut comments = comments;
    let mut used: Vec<Vec<bool>> = comments
        .as_ref()
        .map(|c| c.comments.iter().map(|c| vec![false; c.ids.len()]).collect())
        .unwrap_or_default();
    let before = report.diagnostics.len();
    report.diagnostics.retain(|d| {
        if d.rule == Rule::IoError || is_suppression_rule(d.rule) {
            return true;
        }
        if let Some(entry) = entries.iter().find(|e| e.hides(d)) {
            entry.used.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        let Some(comments) = &comments else {
            return true;
        };
        for (c, comment) in comments.comments.iter().enumerate() {
            if comment.problem.is_some()
                || !(comment.covers.start..comment.covers.end).contains(&d.span.start)
            {
                continue;
            }
            if let Some(k) = comment.ids.iter().position(|(rule, _)| *rule == Some(d.rule)) {
                used[c][k] = true;
                return false;
            }
        }
        true
    });
    report.suppressed += before - report.diagnostics.len();
    let Some(comments) = comments.take() else {
        return;
    };
    let mut found = Vec::new();
    for (comment, used) in comments.comments.iter().zip(&used) {
        if let Some(problem) = &comment.problem {
            found.push(Diagnostic::new(
                Rule::InvalidSuppression,
                comment.span,
                problem.clone(),
            ));
            continue;
        }
        for ((rule, span), used) in comment.ids.iter().zip(used) {
            let id = &comments.text[span.start..span.end];
            match rule {
                None => {
                    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                    let hint = crate::core::text::nearest(id, &ids)
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    found.push(
                        Diagnostic::new(Rule::InvalidSuppression, *span, format!("no rule is named `{id}`{hint}"))
                            .with_help("`policy-check rules` lists the rule ids"),
                    );
                }
                // A rule that is off here cannot be judged.
                Some(rule) if !used && rules.severity(*rule).is_some() => found.push(unused(
                    *span,
                    format!("this comment suppresses `{id}`, but no `{id}` finding is in the line or block it covers"),
                    "remove the id (or the comment)",
                )),
                Some(_) => {}
            }
        }
    }
    add_findings(report, found, rules, comments.text);
}

/// Adds findings about suppressions to a report, at the levels `rules`
/// gives, in output order; `text` is the file's text, for rendering.
pub fn add_findings(report: &mut FileReport, found: Vec<Diagnostic>, rules: &RuleSettings, text: String) {
    let mut added = false;
    for mut d in found {
        if let Some(severity) = rules.severity(d.rule) {
            d.severity = severity;
            report.diagnostics.push(d);
            added = true;
        }
    }
    if added {
        if report.text.is_empty() {
            report.text = text;
        }
        report.diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

/// Findings about a configuration's `[[suppress]]` entries after a run:
/// expired ones, and ones that hid nothing in files they cover (an entry
/// whose `path` matches no file is judged only when `walked_root` says the
/// run walked the configuration's whole folder).
pub fn entry_findings<'a>(
    entries: impl IntoIterator<Item = &'a Suppression>,
    today: Date,
    walked_root: bool,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for entry in entries {
        let rule = entry.rule.id();
        if let Some(expires) = entry.expires.filter(|_| entry.expired(today)) {
            found.push(
                Diagnostic::new(
                    Rule::ExpiredSuppression,
                    entry.expires_span,
                    format!(
                        "this suppression of `{rule}` for `{}` expired on {expires}, so its findings are reported again",
                        entry.pattern
                    ),
                )
                .with_help("fix the findings and remove the entry, or renew `expires` with a reason that still holds"),
            );
            continue;
        }
        let covered = entry.covered.load(Ordering::Relaxed);
        if entry.used() == 0 && (covered > 0 || walked_root) {
            let message = if covered == 0 {
                format!(
                    "this suppression of `{rule}` matches no file: `{}` selects nothing here",
                    entry.pattern
                )
            } else {
                format!(
                    "this suppression of `{rule}` for `{}` hides no finding",
                    entry.pattern
                )
            };
            found.push(unused(entry.rule_span, message, "remove the entry"));
        }
    }
    found
}

/// An `unused-suppression` finding; `remove` says what to remove.
fn unused(span: Span, message: String, remove: &str) -> Diagnostic {
    Diagnostic::new(Rule::UnusedSuppression, span, message).with_help(format!(
        "{remove}; a suppression that hides nothing would hide the next mistake made there"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's comments, read as the engine reads them.
    fn scan(name: &str, bytes: &[u8]) -> Option<Comments> {
        Comments::marked(name, bytes)?.read(crate::host::terraform::string_spans)
    }

    fn covered(text: &str, name: &str) -> Vec<(String, Vec<Option<Rule>>, &'static str)> {
        let comments = scan(name, text.as_bytes())
            .map(|c| c.comments)
            .unwrap_or_default();
        comments
            .iter()
            .map(|c| {
                let covers = text[c.covers.start..c.covers.end].to_string();
                let state = if c.problem.is_some() { "invalid" } else { "ok" };
                (covers, c.ids.iter().map(|(r, _)| *r).collect(), state)
            })
            .collect()
    }

    proptest::proptest! {
        /// Any text with suppression comments scans without panicking, and
        /// every span lies on character boundaries of the text.
        #[test]
        fn scanning_never_panics(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[ -~\\n\t'\"é]{0,12}").expect("regex"),
                    proptest::strategy::Just("# policy-check: ignore[".to_string()),
                    proptest::strategy::Just("// policy-check: ignore[allow-all] r\n".to_string()),
                    proptest::strategy::Just("<<EOF\n".to_string()),
                    proptest::strategy::Just(": |\n".to_string()),
                    proptest::strategy::Just("]".to_string()),
                ],
                0..24,
            ),
            yaml in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let name = if yaml { "t.yaml" } else { "m.tf" };
            if let Some(comments) = scan(name, text.as_bytes()) {
                for c in &comments.comments {
                    for span in [c.span, c.covers].into_iter().chain(c.ids.iter().map(|(_, s)| *s)) {
                        proptest::prop_assert!(text.get(span.start..span.end).is_some(), "{span:?} in {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn comments_cover_their_line_or_the_next() {
        let tf = "resource \"x\" \"y\" {\n  # policy-check: ignore[allow-all, redundant-action] break-glass\n  # another comment\n  a = 1\n  b = \"#not\" # policy-check: ignore[allow-all] end of line\n}\n";
        let found = covered(tf, "main.tf");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "  a = 1");
        assert_eq!(
            found[0].1,
            vec![Some(Rule::AllowAll), Some(Rule::RedundantAction)]
        );
        assert_eq!(
            found[1].0,
            "  b = \"#not\" # policy-check: ignore[allow-all] end of line"
        );
        let block = "# policy-check: ignore[allow-all] why\nx = jsonencode({\n  a = \"}\"\n  b = [1,\n  2]\n})\ny = 1\n";
        let found = covered(block, "main.tf");
        assert_eq!(found[0].0, "x = jsonencode({\n  a = \"}\"\n  b = [1,\n  2]\n})");
        let heredoc = "# policy-check: ignore[allow-all] admin role\npolicy = <<EOF\n{\"Statement\": []}\n# policy-check: ignore[allow-all] inside\nEOF\nx = 1\n";
        let found = covered(heredoc, "main.tf");
        assert_eq!(found.len(), 1, "text inside a heredoc is no comment: {found:?}");
        assert!(found[0].0.starts_with("policy = <<EOF") && found[0].0.ends_with("EOF"));
        let yaml = "a: don't # policy-check: ignore[allow-all] why\nb: '# policy-check: no'\nPolicy: |\n  {\"Statement\": []}\n  # policy-check: ignore[x] inside\nc: 1 // policy-check: ignore[allow-all] no\n";
        let found = covered(yaml, "t.yaml");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "a: don't # policy-check: ignore[allow-all] why");
        let item = "S:\n  # policy-check: ignore[allow-all] why\n  - Effect: Allow\n\n    Action: '*'\n  - Effect: Deny\n";
        assert_eq!(
            covered(item, "t.yml")[0].0,
            "  - Effect: Allow\n\n    Action: '*'"
        );
        let bad = "# policy-check: ignore[allow-all]\n# policy-check: ignore allow-all x\n# policy-check: ignore[nope] x\nx = 1\n";
        let found = covered(bad, "a.tf");
        assert_eq!(
            found.iter().map(|f| f.2).collect::<Vec<_>>(),
            ["invalid", "invalid", "ok"]
        );
        assert_eq!(found[2].1, vec![None]);
        assert!(scan("p.json", bad.as_bytes()).is_none());
    }
}
