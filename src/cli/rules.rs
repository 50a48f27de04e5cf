//! `vpclint rules` (the catalog) and `vpclint rule ID-OR-NAME` (one rule's documentation).

use std::path::PathBuf;

use clap::ValueEnum;

use crate::error::Error;
use crate::rules::{load_catalog, render_rule_doc, render_rule_list};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ListFormat,
    /// Extra rule folders (user-written rules) to list too.
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule id (`VL001`) or name (`ssh-open-to-internet`).
    #[arg(value_name = "ID-OR-NAME")]
    pub rule: String,
    /// Extra rule folders (user-written rules).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
}

pub fn list(args: &RulesArgs) -> Result<i32, Error> {
    let catalog = load_catalog(&args.rule_dirs).map_err(|e| Error::Usage(e.to_string()))?;
    print!(
        "{}",
        render_rule_list(&catalog, args.format == ListFormat::Json)
    );
    Ok(0)
}

pub fn show(args: &RuleArgs) -> Result<i32, Error> {
    let catalog = load_catalog(&args.rule_dirs).map_err(|e| Error::Usage(e.to_string()))?;
    match render_rule_doc(&catalog, &args.rule) {
        Some(text) => {
            print!("{text}");
            Ok(0)
        }
        None => Err(Error::Usage(format!(
            "no rule `{}` (see `vpclint rules` for the catalog)",
            args.rule
        ))),
    }
}
