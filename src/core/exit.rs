//! Core: the process exit codes, as documented in the README. Only front
//! ends name them: the command line, and the glue that runs `diff` and
//! `simulate`, which sits beside its domain code until it moves under `cli`.

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
