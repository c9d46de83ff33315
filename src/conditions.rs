//! Conditions, shared by the lint checks (stage 3) and the simulator: RAM's
//! condition vocabulary as data, value parsers, and operator evaluation.
//!
//! The vocabulary lives in `rules/data/conditions.toml`; [`vocabulary()`]
//! reads it once. [`evaluate`] decides one operator/key pair and
//! [`evaluate_condition`] a statement's whole `Condition` element.

mod evaluate;
pub(crate) mod values;
mod vocabulary;

pub(crate) use evaluate::{evaluate, evaluate_condition, EvalError, RequestContext};
pub(crate) use vocabulary::{
    is_well_formed_key, vocabulary, Compare, Family, GlobalKey, ParsedOperator, Quantifier,
};
