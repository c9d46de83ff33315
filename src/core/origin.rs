//! Core: how an input came to be read, which decides what a file that is
//! not a policy gets.

/// How a file came to be linted: a walked file that is not a policy is
/// skipped, a named one is always linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Named,
    Walked,
}
