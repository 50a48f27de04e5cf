//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run; `tool.driver.rules` is the whole catalog (so viewers can show the docs of rules
//! that found nothing) plus a minimal entry for any finding whose rule the catalog lacks, so
//! every `ruleIndex` is valid. Severity mapping:
//!
//! | vpclint  | `level`   | `security-severity` (GitHub: ≥9 critical, ≥7 high, ≥4 medium, else low) |
//! |----------|-----------|------|
//! | critical | `error`   | 9.5  |
//! | high     | `error`   | 8.0  |
//! | medium   | `warning` | 5.5  |
//! | low      | `note`    | 3.0  |
//! | info     | `note`    | 1.0  |
//!
//! `partialFingerprints["vpclint/v1"]` is FNV-1a of rule, resource and detail (no line numbers)
//! so code scanning follows an alert when the file around it changes. Suppressed findings are
//! results with `suppressions` (`inSource` for tags, which live next to the resource;
//! `external` for the config and baselines).

use serde_json::{json, Value};

use super::fingerprint;
use crate::rules::{Finding, RuleMeta, Severity, SuppressionKind};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const FINGERPRINT_KEY: &str = "vpclint/v1";
/// Empty unless Cargo.toml sets `homepage`; the field is left out rather than invented.
const HOMEPAGE: &str = env!("CARGO_PKG_HOMEPAGE");

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub fn render(findings: &[Finding], catalog: &[RuleMeta]) -> String {
    let rules = rules_for(findings, catalog);
    let results: Vec<Value> = findings.iter().map(|f| result(f, &rules)).collect();
    let mut driver = json!({
        "name": "vpclint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(rule).collect::<Vec<_>>(),
    });
    if !HOMEPAGE.is_empty() {
        driver["informationUri"] = json!(HOMEPAGE);
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // A tree of strings and numbers: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The catalog, then a stand-in for each rule that only the findings know.
fn rules_for(findings: &[Finding], catalog: &[RuleMeta]) -> Vec<RuleMeta> {
    let mut rules = catalog.to_vec();
    for f in findings {
        if !rules.iter().any(|m| m.id == f.rule) {
            rules.push(RuleMeta {
                id: f.rule.clone(),
                name: f.name.clone(),
                severity: f.severity,
                kind: crate::rules::ResourceKind::Vpc,
                title: f.name.replace('-', " "),
                docs: String::new(),
            });
        }
    }
    rules
}

fn rule(m: &RuleMeta) -> Value {
    let help_markdown = if m.docs.is_empty() {
        m.title.clone()
    } else {
        m.docs.clone()
    };
    let help_text = plain_text(&help_markdown);
    json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": { "text": m.title },
        "fullDescription": { "text": full_description(m) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "security-severity": security_severity(m.severity),
            "tags": ["security", "network", m.kind.as_str()],
        },
    })
}

/// Markdown headings as plain lines (`## How to fix` → `How to fix:`) for viewers that show
/// `help.text` verbatim.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .map(|line| match line.trim_start().strip_prefix('#') {
            Some(rest) => {
                let heading = rest.trim_start_matches('#').trim();
                let ends_in_punctuation = heading.ends_with(['?', '!', '.', ':']);
                format!("{heading}{}", if ends_in_punctuation { "" } else { ":" })
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first paragraph under `## What it does`, else the title.
fn full_description(m: &RuleMeta) -> String {
    let section = m
        .docs
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").map(str::trim).find(|p| !p.is_empty()))
        .filter(|p| !p.starts_with('#'));
    section
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| m.title.clone())
}

fn result(f: &Finding, rules: &[RuleMeta]) -> Value {
    let index = rules.iter().position(|m| m.id == f.rule).unwrap_or(0);
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location(f)],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(f) },
        "properties": { "severity": f.severity.as_str(), "resource": f.resource },
    });
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, name)| {
                json!({
                    "id": i,
                    "logicalLocations": [{ "name": name, "kind": "resource" }],
                    "message": { "text": format!("related: {name}") },
                })
            })
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    if let Some(s) = &f.suppressed {
        let mut sup = json!({
            "kind": match s.kind {
                SuppressionKind::Tag => "inSource",
                SuppressionKind::Config | SuppressionKind::Baseline => "external",
            },
            "status": "accepted",
            "justification": s.reason,
            "properties": { "vpclint-kind": s.kind.as_str() },
        });
        if let Some(e) = &s.expires {
            sup["properties"]["expires"] = json!(e);
        }
        r["suppressions"] = json!([sup]);
    }
    r
}

fn location(f: &Finding) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": artifact_uri(&f.location.file) } });
    if let Some(line) = f.location.line.filter(|&l| l > 0) {
        physical["region"] = json!({ "startLine": line });
    }
    json!({
        "physicalLocation": physical,
        "logicalLocations": [{ "name": f.resource, "kind": "resource" }],
    })
}

/// A relative URI with `/` separators (what code scanning maps onto the repository), or a
/// `file://` URI for absolute paths; reserved and non-ASCII bytes percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let encoded = percent_encode(path);
    let windows_drive = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else if windows_drive {
        format!("file:///{encoded}")
    } else {
        encoded
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep =
            b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || b"!$&'()*+,;=@".contains(&b);
        if keep || (b == b':' && out.len() == 1) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_slashes_and_encoded() {
        assert_eq!(artifact_uri("fixtures\\a b.json"), "fixtures/a%20b.json");
        assert_eq!(artifact_uri("./plan.json"), "plan.json");
        assert_eq!(artifact_uri("/abs/x#1.json"), "file:///abs/x%231.json");
        assert_eq!(artifact_uri("C:\\x\\y.json"), "file:///C:/x/y.json");
    }

    #[test]
    fn full_description_takes_the_first_paragraph() {
        let m = RuleMeta {
            id: "VL001".into(),
            name: "n".into(),
            severity: Severity::High,
            kind: crate::rules::ResourceKind::SecurityGroupRule,
            title: "Title".into(),
            docs: "## What it does\n\nFinds SSH\nopen to all.\n\nMore.\n\n## Why".into(),
        };
        assert_eq!(full_description(&m), "Finds SSH open to all.");
        let bare = RuleMeta {
            docs: String::new(),
            ..m
        };
        assert_eq!(full_description(&bare), "Title");
    }
}
