//! Core: the one finding type every check produces and every reporter consumes.
//!
//! A diagnostic holds byte spans only; reporters turn them into lines and
//! columns. Severity is filled from the rule table (and config) when a file's
//! findings are finalised, so checks only say which rule fired.

use super::edit::Fix;
use super::rules::{Rule, Severity};
use super::span::Span;

/// A secondary span with a short noun phrase ("effect set here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    pub labels: Vec<Label>,
    /// RFC 9535 normalized path of the element the span is on, such as
    /// `$['Statement'][0]['Action'][1]`; filled in when findings are finalised.
    /// `None` for a finding about a whole file that could not be read.
    pub path: Option<String>,
    /// The finding rests on a fact RAM does not document: it is reported at
    /// most as a warning, whatever the rule's level.
    pub uncertain: bool,
    /// Where the document sits in its host file (a Terraform attribute, a
    /// ROS property); `None` for a file that is one policy.
    pub document: Option<String>,
    /// How to fix it, if the tool knows; its edits are host-file bytes once
    /// the finding is finalised (see `fix`).
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` at `span`, at the rule's default severity.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            message: clip_quoted(message.into()),
            help: None,
            span,
            labels: Vec::new(),
            path: None,
            uncertain: false,
            document: None,
            fix: None,
        }
    }

    /// Marks the finding as resting on an undocumented fact (see `uncertain`).
    pub fn uncertain(mut self) -> Self {
        self.uncertain = true;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(clip_quoted(help.into()));
        self
    }

    pub fn with_fix(mut self, mut fix: Fix) -> Self {
        fix.message = clip_quoted(std::mem::take(&mut fix.message));
        self.fix = Some(fix);
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: clip_quoted(message.into()),
        });
        self
    }

    /// The order findings are printed in within one file.
    pub fn sort_key(&self) -> (usize, &'static str, usize) {
        (self.span.start, self.rule.id(), self.span.end)
    }
}

/// The longest `quoted` token a message repeats whole. A message quotes
/// tokens of the policy, which a stranger writes: quoted in full, one 100 KB
/// pattern covering 2,000 others would print 200 MB. The span already points
/// at the token; the message needs only enough of it to be recognised.
const MAX_QUOTED_CHARS: usize = 80;
/// Characters kept from each end of a clipped token.
const CLIPPED_END_CHARS: usize = 36;

/// `message` with every backtick-quoted token longer than
/// [`MAX_QUOTED_CHARS`] cut to its two ends around an ellipsis.
fn clip_quoted(message: String) -> String {
    // A token of at most that many bytes has at most that many chars: one
    // pass over the bytes settles nearly every message.
    let mut opened: Option<usize> = None;
    let mut may_be_long = false;
    for (at, &byte) in message.as_bytes().iter().enumerate() {
        if byte == b'`' {
            match opened.take() {
                Some(start) if at - start - 1 > MAX_QUOTED_CHARS => {
                    may_be_long = true;
                    break;
                }
                Some(_) => {}
                None => opened = Some(at),
            }
        }
    }
    // A quote left open runs to the end of the message.
    may_be_long |= opened.is_some_and(|start| message.len() - start - 1 > MAX_QUOTED_CHARS);
    let long = may_be_long
        && message
            .split('`')
            .skip(1)
            .step_by(2)
            .any(|token| token.chars().nth(MAX_QUOTED_CHARS).is_some());
    if !long {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(4 * MAX_QUOTED_CHARS));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let quoted = i % 2 == 1;
        let count = part.chars().count();
        if quoted && count > MAX_QUOTED_CHARS {
            out.extend(part.chars().take(CLIPPED_END_CHARS));
            out.push('…');
            out.extend(part.chars().skip(count - CLIPPED_END_CHARS));
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn long_quoted_tokens_keep_their_ends() {
        let long = format!("ens:{}*", "a".repeat(500));
        let message = format!("`ens:Create` is already covered by `{long}`");
        let clipped = clip_quoted(message);
        assert!(
            clipped.starts_with("`ens:Create` is already covered by `ens:aaa"),
            "{clipped}"
        );
        assert!(clipped.ends_with("aaa*`"), "{clipped}");
        assert!(clipped.contains('…'));
        assert!(clipped.chars().count() < 120, "{clipped}");
        let short = "`ens:CreateImage` is listed twice".to_string();
        assert_eq!(clip_quoted(short.clone()), short);
        // Text outside quotes, and multi-byte characters, stay whole.
        let wide = format!("outside {} `{}`", "x".repeat(200), "é".repeat(100));
        let clipped = clip_quoted(wide);
        assert!(clipped.starts_with(&format!("outside {}", "x".repeat(200))));
        assert_eq!(clipped.matches('é').count(), 2 * CLIPPED_END_CHARS);
    }
}
