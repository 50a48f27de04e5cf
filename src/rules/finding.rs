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

    /// One step less severe; `info` stays `info`.
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
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
    /// Set when a tag, the config or a baseline accepts this finding. Suppressed findings
    /// stay in every machine-readable report (so reviewers can see what was waived) but never
    /// fail the build. Absent from JSON when `None`, so the DESIGN §3 shape is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// Where a suppression came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `vpclint:ignore` tag on the resource (AWS `Tags`, Terraform `tags`).
    Tag,
    /// An `[[ignore]]` entry in `vpclint.toml`.
    Config,
    /// The finding was already present in the `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Tag => "tag",
            SuppressionKind::Config => "config",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

/// Why a finding does not count: who accepted it, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// `YYYY-MM-DD`, the last day the suppression holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
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

    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// The identity of a finding across runs: rule, resource and detail — never a line
    /// number, which moves whenever an unrelated part of the file changes. Baselines and
    /// SARIF fingerprints are built on it.
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.rule, &self.resource, &self.detail)
    }

    /// Whether `reference` (an id such as `VL001`, any case, or a kebab name) names this
    /// finding's rule.
    pub fn rule_is(&self, reference: &str) -> bool {
        let r = reference.trim();
        self.rule.eq_ignore_ascii_case(r) || self.name == r
    }
}

/// Sorts findings into the deterministic report order and drops exact duplicates.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}
