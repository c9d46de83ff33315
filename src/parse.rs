//! Stage 1 of the pipeline: bytes -> a JSON tree where every key and value
//! carries its byte span. Nothing here knows about RAM; [`crate::model`] does.

pub mod json;

pub use json::{parse, Member, Node, ParseError, Parsed, Value};
