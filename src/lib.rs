//! policy-check: a linter and offline authorization evaluator for Alibaba
//! Cloud RAM policy documents.
//!
//! The pipeline, one module per stage:
//! [`parse`] (bytes -> JSON tree with spans) -> [`model`] (typed policy view)
//! -> [`checks`] (diagnostics, driven by the rule table in [`rules`]) ->
//! [`report`] (human, JSON). [`lint`] runs the stages for one file,
//! [`discover`] finds the files and [`cli`] ties it together. [`conditions`]
//! holds the condition vocabulary, value parsers and operator evaluation that
//! the checks and the simulator share.

pub mod baseline;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod completions;
pub mod conditions;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod embedded;
pub mod fix;
pub mod host;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod parse;
pub mod progress;
pub mod report;
pub mod rule_docs;
pub mod rules;
pub mod select;
pub mod settings;
pub mod simulate;
pub mod source;
pub mod suppress;
pub mod wildcard;
