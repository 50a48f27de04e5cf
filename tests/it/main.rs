//! Integration tests: one binary, one module per area.

mod bad_input;
mod ci;
mod cli;
mod explain_services;
mod keys;
mod load;
mod oracle;
mod reach;
mod reach_props;
mod rules;
mod support;
