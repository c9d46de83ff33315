//! The one integration-test binary (`cargo test --test it`; one module:
//! `cargo test --test it hosts::`). Unit tests stay beside their code in
//! `src/`, in `#[cfg(test)]` modules.
//!
//! Where a test goes: in the module of the component whose promise it
//! states, as a user or a caller meets it, listed below by component. A test
//! that drives the real binary uses `common` (scratch folders, running the
//! binary); one that calls the library uses `policy_check::...` directly. A
//! new component gets a new module here; a test of an existing one joins its
//! module. Hostile inputs go to the `hostile_*` modules whatever they attack.
//!
//! The one exception: a test that reads a child's peak memory through
//! `wait4` runs in a binary of its own (`tests/hostile_inputs.rs`,
//! `tests/hostile_subcommands.rs`), because Linux charges a child with its
//! parent's peak at spawn, and this binary's peak is that of every test in
//! it (an in-process `diff` builds its catalogue automaton).
//!
//! Snapshots: one convention. Expected output is a file beside its fixture
//! (`testdata/<component>/<case>.snap`, or the fixture's name plus `.snap`),
//! compared byte for byte; `UPDATE_SNAPSHOTS=1 cargo test --test it`
//! rewrites them (in `rules`, `hosts`, `fixes` and `ci_formats`; `diff`,
//! `simulate` and `tables` compare only), and the diff is reviewed before it
//! is committed. Each module still carries its own few lines of comparison:
//! one shared helper in `common` is not written yet.
//!
//! Each module is loaded with `#[path]` so that its own `mod common;` finds
//! `common/` beside it: the files kept their contents when they moved here
//! from `tests/`, so edits made elsewhere to `tests/<name>.rs` merge by rename.

// Each module declares its own `mod common;` (the files kept their contents
// when they moved): `common` is compiled once per module that uses it.
#![allow(clippy::duplicate_mod)]

// The command line: lint, its flags, output and exit codes.
#[path = "adopting.rs"]
mod adopting;
#[path = "ci_formats.rs"]
mod ci_formats;
#[path = "cli.rs"]
mod cli;
#[path = "contract.rs"]
mod contract;
#[path = "escaping.rs"]
mod escaping;
#[path = "first_minutes.rs"]
mod first_minutes;
#[path = "progress.rs"]
mod progress;
#[path = "walk_ignore.rs"]
mod walk_ignore;
#[path = "workflow.rs"]
mod workflow;

// Rules: fixtures, docs and the operation tables.
#[path = "corpus.rs"]
mod corpus;
#[path = "rules.rs"]
mod rules;
#[path = "tables.rs"]
mod tables;

// Input kinds (hosts) and fixes.
#[path = "fixes.rs"]
mod fixes;
#[path = "hosts.rs"]
mod hosts;
#[path = "terraform_module.rs"]
mod terraform_module;

// The engine as a whole: one pipeline, parsed once, properties over every format.
#[path = "agreement.rs"]
mod agreement;
#[path = "parse_once.rs"]
mod parse_once;
#[path = "properties.rs"]
mod properties;

// simulate and test.
#[path = "simulate.rs"]
mod simulate;

// diff.
#[path = "diff.rs"]
mod diff;
#[path = "diff_base.rs"]
mod diff_base;
#[path = "diff_differential.rs"]
mod diff_differential;
#[path = "diff_properties.rs"]
mod diff_properties;

// The language server.
#[path = "lsp.rs"]
mod lsp;

// Hostile input and robustness.
#[path = "fuzz_regressions.rs"]
mod fuzz_regressions;
#[path = "hostile_io.rs"]
mod hostile_io;
#[path = "hostile_tree.rs"]
mod hostile_tree;
#[path = "robustness.rs"]
mod robustness;

// The code, docs and packaging themselves.
#[path = "code_shape.rs"]
mod code_shape;
#[path = "docs.rs"]
mod docs;
#[path = "modules.rs"]
mod modules;
#[path = "packaging.rs"]
mod packaging;
