//! The rule catalog and the checks behind it.

mod finding;
mod meta;

pub use finding::{sort_findings, Finding, Severity, Suppression, SuppressionKind};
pub use meta::{ResourceKind, RuleMeta};

/// Runs the built-in catalog over an estate. Placeholder until the rule language lands.
pub fn check(_estate: &crate::model::Estate) -> Result<Vec<Finding>, crate::error::Error> {
    Ok(Vec::new())
}
