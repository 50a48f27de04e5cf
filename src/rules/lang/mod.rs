//! The rule language: syntax tree, parser and errors. Name resolution lives in the catalog.

pub mod ast;
pub mod error;
pub mod parse;

pub use error::{RuleError, RuleErrors};
