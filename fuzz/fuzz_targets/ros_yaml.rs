//! Fuzz target: arbitrary bytes as a ROS template in YAML (tags, block
//! scalars, suppression comments) through the engine and every format.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::analyze_and_render("template.yaml", data));
