//! Loaders: one module per input format, all producing the normalized [`crate::model::Estate`].

pub mod keys;
