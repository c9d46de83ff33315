//! Fuzz target: arbitrary bytes as a plain policy file through the engine
//! (decode, parse, model, checks) and then through every output format.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyze_and_render("fuzz.json", data));
