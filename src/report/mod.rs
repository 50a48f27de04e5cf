//! Findings report writers (human, JSON, and the CI formats).

pub mod explain;
pub mod exposure;
pub mod human;
pub mod json;
