//! Error types of the library: every error names the file and the place in it.
//!
//! Only the CLI turns these into messages and exit code 2.

use std::fmt;

/// Where in an input a problem is: line and column when the parser knows them, else a JSON
/// pointer (and its line when it can be resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub pointer: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, ":{l}:{c}")?,
            (Some(l), None) => write!(f, ":{l}")?,
            _ => {}
        }
        if let Some(p) = &self.pointer {
            write!(f, " (at {})", if p.is_empty() { "/" } else { p })?;
        }
        Ok(())
    }
}

/// A problem with an input file that stops the run (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Invalid or truncated JSON, or a value of the wrong type.
    #[error("{path}{place}: {message}")]
    Syntax {
        path: String,
        place: Place,
        message: String,
    },
    /// Well-formed JSON whose content is impossible (`10.0.0.0/33`, `FromPort > ToPort`).
    #[error("{path}{place}: {message}")]
    Invalid {
        path: String,
        place: Place,
        message: String,
    },
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            LoadError::Io { path, .. }
            | LoadError::Syntax { path, .. }
            | LoadError::Invalid { path, .. }
            | LoadError::NotFound { path } => path,
        }
    }
}

/// Any error the library reports to the CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A usage problem found after argument parsing (unknown resource in `--from`, …).
    #[error("{0}")]
    Usage(String),
}
