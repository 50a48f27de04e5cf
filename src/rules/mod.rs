//! The rule catalog and the checks behind it.
//!
//! Rules are data: `rules/*.vpl` at the top of the repository (embedded at build time) and
//! any `--rules DIR`. See `rules/README.md` for the language. The pieces:
//!
//! - [`lang`]: syntax tree, nom parser, errors with file, line, column and a caret;
//! - [`registry`]: the predicate table (one row per predicate);
//! - [`catalog`]: loading, name resolution and load-time checks, `--select`/`--ignore`;
//! - [`eval`]: running a catalog over an [`crate::model::Estate`] into [`Finding`]s;
//! - [`render`]: `vpclint rules` and `vpclint rule ID`.

pub mod catalog;
pub mod eval;
mod finding;
pub mod keyfile;
pub mod lang;
mod meta;
mod predicates;
pub mod registry;
mod render;
pub mod subject;

pub use catalog::{
    load_catalog, load_catalog_configured, load_catalog_with, Catalog, Rule, UnknownRule,
};
pub use eval::{
    run, run_with_notes, BypassHit, EvalContext, Evidence, ExposureHit, KeyFacts, OpenTraffic,
    ReachFacts, ReplyGapHit, Verdict,
};
pub use finding::{sort_findings, Finding, Severity, Suppression, SuppressionKind};
pub use keyfile::KeyFileFact;
pub use lang::{RuleError, RuleErrors};
pub use meta::{ResourceKind, RuleMeta};
pub use registry::{Arg, Needs, PredicateDef, Registry};
pub use render::{render_rule_doc, render_rule_list};

/// Runs the built-in catalog over an estate with no extra facts (tests and library users).
pub fn check(estate: &crate::model::Estate) -> Result<Vec<Finding>, crate::error::Error> {
    let catalog = load_catalog(&[]).map_err(|e| crate::error::Error::Usage(e.to_string()))?;
    Ok(run(&catalog, estate, &EvalContext::default()))
}
