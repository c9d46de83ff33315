//! The bottom layer: vocabulary every other module shares, importing nothing
//! else of the crate. Spans and the line index ([`span`]), the rule table and
//! severities ([`rules`]), the finding type ([`diagnostic`]), fix data
//! ([`edit`]), a file's findings and outcome ([`file_report`]), exit codes
//! ([`exit`]), how a path is shown ([`display`]), how an input came to be
//! read ([`origin`]), element paths ([`path`]), the civil calendar
//! ([`date`]), file syntaxes by extension ([`syntax`]) and text helpers
//! ([`text`]).

pub mod date;
pub mod diagnostic;
pub mod display;
pub mod edit;
pub mod exit;
pub mod file_report;
pub mod origin;
pub mod path;
pub mod rules;
pub mod span;
pub mod syntax;
pub mod text;

pub use date::Date;
pub use diagnostic::{Diagnostic, Label};
pub use edit::{Applicability, Edit, Fix};
pub use file_report::{FileReport, Outcome};
pub use origin::Origin;
pub use rules::{Rule, RuleMeta, RuleSettings, Severity};
pub use span::{LineColumn, LineIndex, Span, Spanned};
pub use syntax::Syntax;
