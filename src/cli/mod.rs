//! Command-line front end: argument parsing and dispatch to the library.
//!
//! The CLI is thin: it parses arguments with clap, calls the library, prints, and turns the
//! outcome into an exit code (0 clean, 1 findings at or above `--fail-on`, 2 usage or input
//! error). Only here do library errors become messages.

mod check;
mod explain;
mod exposure;
mod progress;
mod rules;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::rules::Severity;

/// Exact reachability analysis and risk findings for AWS network configuration.
#[derive(Debug, Parser)]
#[command(name = "vpclint", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report findings (risky rules, real exposure) for the given inputs.
    Check(check::CheckArgs),
    /// Show what the internet reaches, exactly (instances, interfaces, load balancers, databases).
    Exposure(exposure::ExposureArgs),
    /// Explain hop by hop whether (and why) a packet gets from one place to another.
    Explain(explain::ExplainArgs),
    /// List the rule catalog.
    Rules(rules::RulesArgs),
    /// Show one rule's documentation.
    Rule(rules::RuleArgs),
    /// Write a deterministic synthetic estate (for benchmarks).
    #[command(hide = true)]
    GenEstate(GenEstateArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenEstateArgs {
    /// What to write: AWS CLI exports (a folder) or one Terraform plan JSON file.
    #[arg(long, value_enum, default_value_t = GenFormat::AwsCli)]
    pub format: GenFormat,
    /// How many network interfaces (one instance each), for `aws-cli`.
    #[arg(long, default_value_t = 1000)]
    pub interfaces: usize,
    /// How many resources, for `terraform-plan`.
    #[arg(long, default_value_t = 12_208)]
    pub resources: usize,
    /// Random seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (`aws-cli`) or file (`terraform-plan`).
    #[arg(long)]
    pub out: PathBuf,
}

/// The shape `gen-estate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    AwsCli,
    TerraformPlan,
}

/// The finding threshold that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}

/// Inputs: files or directories, walked for AWS CLI exports and Terraform JSON.
#[derive(Debug, clap::Args)]
pub struct Inputs {
    /// Files or directories to read.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Folder of the Terraform root module's `.tf` files, so findings point at
    /// `main.tf:LINE` (default: the folder of the plan or state JSON).
    #[arg(long, value_name = "DIR")]
    pub source_dir: Option<PathBuf>,
}

impl Inputs {
    /// Loads every input into one estate.
    pub fn load(&self) -> Result<crate::model::Estate, crate::error::LoadError> {
        let opts = crate::load::terraform::LoadOptions {
            source_dir: self.source_dir.clone(),
        };
        crate::load::load_paths_with(&self.inputs, &opts)
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    configure_colour();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Exposure(args) => exposure::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Rule(args) => rules::show(&args),
        Command::GenEstate(args) => gen_estate(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            2
        }
    }
}

/// Colour only for a terminal, and never when `NO_COLOR` is set (https://no-color.org).
fn configure_colour() {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    colored::control::set_override(!no_color && std::io::stdout().is_terminal());
}

fn gen_estate(args: &GenEstateArgs) -> Result<i32, Error> {
    let written = match args.format {
        GenFormat::AwsCli => {
            let params = crate::generate::Params {
                interfaces: args.interfaces,
                seed: args.seed,
            };
            crate::generate::write_estate(params, &args.out).map(drop)
        }
        GenFormat::TerraformPlan => {
            let params = crate::generate::terraform::PlanParams {
                resources: args.resources,
                seed: args.seed,
            };
            crate::generate::terraform::write_plan(params, &args.out)
        }
    };
    written.map_err(|source| {
        Error::Load(crate::error::LoadError::Io {
            path: crate::load::display(&args.out),
            source,
        })
    })?;
    Ok(0)
}

fn report_error(e: &Error) {
    eprintln!("error: {e}");
}

/// Prints loader warnings (unrecognised files, unmodelled kinds) on stderr, once each.
fn print_warnings(estate: &crate::model::Estate) {
    let mut warnings = estate.warnings.clone();
    warnings.sort();
    for w in warnings {
        eprintln!("warning: {}: {}", w.file, w.message);
    }
}
