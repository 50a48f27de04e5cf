//! `vpclint exposure`: what the internet reaches, exactly. Exit 0 on success, 2 on input error.

use clap::ValueEnum;

use super::progress::Progress;
use super::{print_warnings, Inputs};
use crate::error::Error;
use crate::reach::Reach;
use crate::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExposureFormat {
    Human,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ExposureArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExposureFormat,
}

pub fn run(args: &ExposureArgs) -> Result<i32, Error> {
    let progress = Progress::start(args.format == ExposureFormat::Human, "reading inputs");
    let estate = args.inputs.load()?;
    progress.suspend(|| print_warnings(&estate));
    progress.phase("computing what the internet reaches");
    let exposures = Reach::new(&estate).exposures();
    progress.finish();
    let text = match args.format {
        ExposureFormat::Human => report::exposure::human(&exposures),
        ExposureFormat::Json => report::exposure::json(&exposures),
        ExposureFormat::Csv => report::exposure::csv(&exposures),
    };
    print!("{text}");
    Ok(0)
}
