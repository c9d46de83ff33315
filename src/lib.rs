//! policy-check: a linter and offline authorization evaluator for Alibaba
//! Cloud RAM policy documents.
//!
//! Layers, bottom up (no module depends on one above it; `tests/it/modules.rs`
//! checks there is no cycle): [`core`] (spans, the rule table and
//! severities, findings, fix data, dates; imports nothing else of the crate)
//! -> [`parse`] (bytes -> JSON tree with spans), [`model`] (typed policy
//! view), [`catalog`], [`conditions`], [`wildcard`] -> [`checks`] (findings
//! per rule) -> [`host`] and [`embedded`] (input kinds: documents inside a
//! Terraform, ROS or JSON host) -> [`engine`] (the one pipeline from bytes
//! to findings) -> `workspace` (files on disk: discovery, settings per path,
//! the bounded reader and the atomic writer, a lint run with its
//! follow-once queue of `file()` targets) -> [`report`] (human, JSON,
//! SARIF...), [`simulate`], [`diff`] (which read policies through
//! [`engine::read`]) -> front ends: [`cli`] and [`lsp`] (which lint through
//! [`engine::analyze`]).

#![cfg_attr(not(test), forbid(unsafe_code))]
#![warn(unreachable_pub)]

mod baseline;
pub mod catalog;
pub mod checks;
pub mod cli;
mod completions;
mod conditions;
pub mod config;
pub mod core;
pub mod diff;
mod embedded;
pub mod engine;
mod fix;
pub mod host;
pub mod lsp;
pub mod model;
pub mod parse;
pub mod progress;
pub mod report;
pub mod rule_docs;
mod select;
pub mod simulate;
pub mod suppress;
mod wildcard;
mod workspace;
