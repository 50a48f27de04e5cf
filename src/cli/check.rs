//! `vpclint check`: load, analyse, report findings, exit by threshold.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{print_warnings, FailOn, Inputs};
use crate::error::Error;
use crate::report;
use crate::rules::{self, Finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,
    /// Extra rule folders (user-written rules).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Only these rules (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

pub fn run(args: &CheckArgs) -> Result<i32, Error> {
    let estate = crate::load::load_paths(&args.inputs.inputs)?;
    print_warnings(&estate);
    let findings = rules::check(&estate)?;
    let text = match args.format {
        CheckFormat::Human => report::human::render(&findings),
        CheckFormat::Json => report::json::render(&findings),
    };
    print!("{text}");
    Ok(exit_code(&findings, args.fail_on))
}

fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    match fail_on.threshold() {
        Some(t) if findings.iter().any(|f| f.severity >= t) => 1,
        _ => 0,
    }
}
