//! Integration tests: one binary, one module per area.

mod bad_input;
mod ci;
mod cli;
mod load;
mod reach;
mod rules;
mod support;
