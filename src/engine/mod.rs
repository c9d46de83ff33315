//! The engine: the one pipeline from an input's bytes to its findings, used
//! by every front end. [`fix_loop`] re-runs it until the fixes settle.

pub mod fix_loop;
