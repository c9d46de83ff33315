//! Fuzz target: arbitrary bytes as a Terraform file (`.tf`: HCL, heredocs,
//! `jsonencode`, suppression comments) through the engine and every format.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyze_and_render("main.tf", data));
