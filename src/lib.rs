//! vpclint: exact reachability analysis and risk findings for AWS network configuration.
//!
//! Data flows one way: [`load`] → [`model`] → [`reach`] → [`rules`] → [`report`].
//! The binary in `main.rs` is a thin face over [`cli`].

pub mod cli;
pub mod error;
pub mod generate;
pub mod load;
pub mod model;
pub mod net;
pub mod reach;
pub mod report;
pub mod rules;
