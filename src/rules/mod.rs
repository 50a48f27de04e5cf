//! The rule catalog and the checks behind it.

mod finding;
mod meta;

pub use finding::{sort_findings, Finding, Severity};
pub use meta::{ResourceKind, RuleMeta};
