//! The offline authorization evaluator behind `policy-check simulate` and
//! `policy-check test`: RAM's evaluation of identity policies for one
//! request, the simulated API call, and the reports.

pub mod api;
