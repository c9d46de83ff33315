//! What the editor's cursor needs of one input, kept by the engine from the
//! documents it has already lowered, so that hover and code actions never
//! read or parse the input again: each statement's span in host bytes with
//! its actions, and where each document written as text sits in its host,
//! which decides where a suppression comment goes.

use crate::core::{Span, Syntax};
use crate::model::Policy;
use crate::parse::Node;

use super::Embedded;

/// The statements and embedded texts of one input, in host bytes.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The host has comments, so a finding can be suppressed by one.
    comments: bool,
    /// Every statement of every document, in document order.
    statements: Vec<Statement>,
    /// The host span of each document written as text (a heredoc, a quoted
    /// string, a YAML block scalar).
    texts: Vec<Span>,
}

/// One statement: where it is and the actions it names.
#[derive(Debug, Clone)]
struct Statement {
    span: Span,
    actions: Vec<String>,
}

impl Outline {
    /// An empty outline of the input `name`: its syntax says whether it has
    /// comments, as it does for reading them (`suppress::Comments`).
    pub fn new(name: &str) -> Outline {
        Outline {
            comments: Syntax::of(name).is_some_and(Syntax::has_comments),
            ..Outline::default()
        }
    }

    /// Records the statements of a document's tree; `to_host` maps its
    /// spans to host bytes.
    pub fn document(&mut self, root: &Node<'_>, to_host: &dyn Fn(Span) -> Span) {
        let Some(policy) = Policy::from_root(root) else {
            return;
        };
        self.statements.extend(policy.statements.iter().map(|statement| {
            Statement {
                span: to_host(statement.node.span),
                actions: statement
                    .action
                    .as_ref()
                    .map(|a| a.values.iter().map(|v| v.value.to_string()).collect())
                    .unwrap_or_default(),
            }
        }));
    }

    /// Records a document written as text inside a host string.
    pub fn text(&mut self, embedded: &Embedded) {
        self.texts
            .push(embedded.map.span(Span::new(0, embedded.text.len())));
    }

    /// The actions of the first statement around `offset` (a host offset),
    /// when one is.
    pub fn statement_actions(&self, offset: usize) -> Option<&[String]> {
        self.statements
            .iter()
            .find(|s| s.span.start <= offset && offset < s.span.end)
            .map(|s| s.actions.as_slice())
    }

    /// Where a suppression comment for a finding at `span` of the host
    /// `text` goes: the start of the finding's line, or, when the finding is
    /// in a policy written as text, of the line that opens that text, since
    /// a comment covers the construct starting on the next line (and inside
    /// the text it would be policy text). `None` for hosts without comments
    /// (JSON).
    pub fn comment_line(&self, text: &str, span: Span) -> Option<usize> {
        if !self.comments {
            return None;
        }
        let line_of = |offset: usize| {
            text.get(..offset)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |i| i + 1)
        };
        let opener = self
            .texts
            .iter()
            .find(|whole| whole.start <= span.start && span.start <= whole.end)
            .map(|whole| whole.start.saturating_sub(1));
        Some(line_of(opener.unwrap_or(span.start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{lower, terraform};

    const HEREDOC: &str = "resource \"alicloud_ram_policy\" \"p\" {\n  policy_document = <<EOF\n{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ens:CreateImage\"}]}\nEOF\n}\n";

    fn outline(name: &str, text: &str) -> Outline {
        let mut outline = Outline::new(name);
        for document in terraform::extract(text).documents {
            if let crate::host::Source::Text(embedded) = &document.source {
                outline.text(embedded);
            }
            if let Some(lowered) = lower(&document, text) {
                if let Some(root) = lowered.root.as_deref() {
                    outline.document(root, &|span| lowered.host_span(span));
                }
            }
        }
        outline
    }

    #[test]
    fn statements_are_found_by_host_offset() {
        let outline = outline("main.tf", HEREDOC);
        let at = HEREDOC.find("ens:CreateImage").unwrap();
        assert_eq!(
            outline.statement_actions(at),
            Some(&["ens:CreateImage".to_string()][..])
        );
        assert_eq!(outline.statement_actions(HEREDOC.find("resource").unwrap()), None);
    }

    #[test]
    fn a_comment_goes_above_the_line_that_opens_a_text() {
        let outline = outline("main.tf", HEREDOC);
        let at = HEREDOC.find("\"allow\"").unwrap();
        let line = outline.comment_line(HEREDOC, Span::new(at, at + 7)).unwrap();
        assert!(HEREDOC[line..].starts_with("  policy_document = <<EOF\n"));
        // Outside any text: the finding's own line.
        let at = HEREDOC.find("resource").unwrap();
        assert_eq!(outline.comment_line(HEREDOC, Span::new(at, at)), Some(0));
        // JSON has no comments.
        assert_eq!(Outline::new("p.json").comment_line("{}", Span::new(0, 1)), None);
    }
}
