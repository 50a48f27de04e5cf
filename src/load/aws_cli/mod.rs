//! AWS CLI exports (`aws ec2 describe-*`, `aws elbv2 describe-*`, `aws rds describe-*`).

use super::document::Document;
use crate::error::LoadError;
use crate::model::Estate;

pub fn recognises(_doc: &Document) -> bool {
    false
}

pub fn load(_estate: &mut Estate, _doc: &Document) -> Result<(), LoadError> {
    Ok(())
}

/// Cross-file fix-ups once every file is loaded.
pub fn finish(_estate: &mut Estate) {}
