//! Terraform plan and state JSON (`terraform show -json`).

use super::document::Document;
use crate::error::LoadError;
use crate::model::Estate;

/// Plan JSON has `format_version` and `planned_values`/`resource_changes`; state JSON has
/// `format_version` and `values`.
pub fn recognises(doc: &Document) -> bool {
    doc.has("format_version")
        && (doc.has("planned_values") || doc.has("resource_changes") || doc.has("values"))
}

/// Not built yet: the file is recognised and reported, nothing is loaded.
pub fn load(estate: &mut Estate, doc: &Document) -> Result<(), LoadError> {
    estate.warn(doc.path, "Terraform JSON is not loaded yet; skipped");
    Ok(())
}
