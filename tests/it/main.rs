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
//! Snapshots: one mechanism, `common::snapshot`. Expected output is a file
//! beside its fixture (`testdata/<component>/<case>.snap`, or the fixture's
//! name plus `.snap` or `.fixed`), compared byte for byte;
//! `UPDATE_SNAPSHOTS=1 cargo test --test it` rewrites every one of them, and
//! the diff is reviewed before it is committed.

// The helpers every module shares: running the binary, scratch folders,
// the one snapshot check.
mod common;

// The command line: lint, its flags, output and exit codes.
mod adopting;
mod ci_formats;
mod cli;
mod contract;
mod escaping;
mod first_minutes;
mod progress;
mod walk_ignore;
mod workflow;

// Rules: fixtures, docs and the operation tables.
mod corpus;
mod rules;
mod tables;

// Input kinds (hosts) and fixes.
mod fixes;
mod hosts;
mod terraform_module;

// The engine as a whole: one pipeline, parsed once, properties over every format.
mod agreement;
mod parse_once;
mod properties;

// simulate and test.
mod simulate;

// diff.
mod diff;
mod diff_base;
mod diff_differential;
mod diff_properties;

// The language server.
mod lsp;

// Hostile input and robustness.
mod fuzz_regressions;
mod hostile_io;
mod hostile_tree;
mod robustness;

// The code, docs and packaging themselves.
mod code_shape;
mod docs;
mod modules;
mod packaging;
