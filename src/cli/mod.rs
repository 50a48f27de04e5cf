//! Command-line front end: argument parsing and dispatch to the library.

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    0
}
