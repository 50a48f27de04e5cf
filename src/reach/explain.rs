//! Explain.
pub struct Endpoint;
pub struct Hop;
pub struct Trace;
pub enum Verdict {}
