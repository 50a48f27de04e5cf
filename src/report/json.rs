//! Findings as JSON, in the shape of DESIGN.md §3 (`{"version":1,"findings":[…]}`).

use serde::Serialize;

use crate::rules::Finding;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: &'a [Finding],
}

pub fn render(findings: &[Finding]) -> String {
    let doc = Document {
        version: 1,
        findings,
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
