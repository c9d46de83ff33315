//! Conditions, shared by the lint checks (stage 3) and the simulator: RAM's
//! condition vocabulary as data, value parsers, and operator evaluation.
//!
//! The vocabulary lives in `rules/data/conditions.toml`; [`vocabulary()`]
//! reads it once. [`evaluate`] decides one operator/key pair and
//! [`evaluate_condition`] a statement's whole `Condition` element.

mod evaluate;
pub mod values;
mod vocabulary;

pub use evaluate::{
    evaluate, evaluate_condition, ConditionFailure, ConditionOutcome, EvalError, Evaluation, RequestContext,
};
pub use vocabulary::{
    is_well_formed_key, vocabulary, AwsOnly, Compare, Family, GlobalKey, Operator, ParsedOperator, Qualifier,
    Quantifier, Vocabulary,
};
