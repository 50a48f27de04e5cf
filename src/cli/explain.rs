//! `vpclint explain` (placeholder, filled below).
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {}
pub fn run(_args: &ExplainArgs) -> Result<i32, crate::error::Error> {
    Ok(0)
}
