//! The rule catalog and the checks behind it.

mod finding;

pub use finding::{sort_findings, Finding, Severity};
