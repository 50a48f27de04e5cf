//! Findings: what a rule reports about one resource, and severities.

use serde::Serialize;
use std::fmt;

use crate::model::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// One step down (for rule-text findings on resources that nothing can reach).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one resource, pointing back at what caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, `VL` + number.
    pub rule: String,
    /// Kebab-case rule name.
    pub name: String,
    pub severity: Severity,
    /// The resource the finding is about (AWS id or Terraform address).
    pub resource: String,
    /// Other resources involved (the instance behind an interface, the rule's group, …).
    pub related: Vec<String>,
    pub message: String,
    pub location: Location,
    /// A stable detail that tells two findings of one rule on one resource apart (a port,
    /// a rule's peer); used by baselines instead of line numbers.
    #[serde(skip)]
    pub detail: String,
}

impl Finding {
    /// The order every report uses: file, line, rule, resource, detail.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.location.file,
            self.location.line,
            &self.rule,
            &self.resource,
            &self.detail,
            &self.message,
        )
    }
}

/// Sorts findings into the deterministic report order and drops exact duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}
