//! Baselines: the findings a project has accepted so far, so that CI fails only on new ones.
//!
//! A baseline holds each finding's key — rule, resource and detail — never line numbers or
//! messages, which change when unrelated parts of a file move or wording improves. The file is
//! JSON, `version: 1`, entries sorted and unique so that rewriting it gives a minimal diff:
//!
//! ```json
//! {"version":1,"findings":[{"rule":"VL001","resource":"sg-1","detail":"ingress tcp 22 0.0.0.0/0"}]}
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rules::{Finding, SuppressionKind};

/// The baseline format this build reads and writes.
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read baseline: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write baseline: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a vpclint baseline: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: baseline version {found} is not supported (expected {VERSION})")]
    Version { path: String, found: u32 },
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub resource: String,
    #[serde(default)]
    pub detail: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    findings: BTreeSet<Entry>,
}

/// A loaded baseline: the file it came from (for messages) and its keys.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub path: String,
    entries: BTreeSet<Entry>,
}

impl Baseline {
    /// The baseline for the current findings. Findings already waived by a tag or the config
    /// are left out: they are accounted for where they are, and must stay so when their
    /// suppression expires or is removed.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let entries = findings
            .iter()
            .filter(|f| {
                f.suppressed
                    .as_ref()
                    .is_none_or(|s| s.kind == SuppressionKind::Baseline)
            })
            .map(|f| Entry {
                rule: f.rule.clone(),
                resource: f.resource.clone(),
                detail: f.detail.clone(),
            })
            .collect();
        Baseline {
            path: String::new(),
            entries,
        }
    }

    pub fn parse(text: &str, path: &str) -> Result<Baseline, BaselineError> {
        let doc: Document = serde_json::from_str(text).map_err(|e| BaselineError::Syntax {
            path: path.to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if doc.version != VERSION {
            return Err(BaselineError::Version {
                path: path.to_string(),
                found: doc.version,
            });
        }
        Ok(Baseline {
            path: path.to_string(),
            entries: doc.findings,
        })
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        Baseline::parse(&text, &shown)
    }

    pub fn render(&self) -> String {
        let doc = Document {
            version: VERSION,
            findings: self.entries.clone(),
        };
        // Strings only: serialisation cannot fail.
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.render()).map_err(|source| BaselineError::Write {
            path: path.to_string_lossy().replace('\\', "/"),
            source,
        })
    }

    pub fn contains(&self, f: &Finding) -> bool {
        let (rule, resource, detail) = f.key();
        // BTreeSet lookups need an owned key; baselines are small next to the estate.
        self.entries.contains(&Entry {
            rule: rule.to_string(),
            resource: resource.to_string(),
            detail: detail.to_string(),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Location;
    use crate::rules::{Severity, Suppression};

    fn finding(rule: &str, resource: &str, detail: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            name: "n".into(),
            severity: Severity::High,
            resource: resource.into(),
            related: vec![],
            message: "m".into(),
            location: Location {
                file: "f.json".into(),
                line: Some(line),
                pointer: None,
            },
            detail: detail.into(),
            suppressed: None,
        }
    }

    #[test]
    fn round_trip_ignores_lines_and_sorts() {
        let mut waived = finding("VL003", "sg-3", "", 1);
        waived.suppressed = Some(Suppression {
            kind: SuppressionKind::Tag,
            reason: "r".into(),
            expires: None,
        });
        let b = Baseline::from_findings(&[
            finding("VL002", "sg-2", "tcp 22", 9),
            finding("VL001", "sg-1", "", 5),
            finding("VL001", "sg-1", "", 6),
            waived,
        ]);
        let text = b.render();
        assert!(text.find("VL001") < text.find("VL002"), "{text}");
        let back = Baseline::parse(&text, "b.json").unwrap();
        assert_eq!(back.len(), 2);
        assert!(back.contains(&finding("VL002", "sg-2", "tcp 22", 100)));
        assert!(!back.contains(&finding("VL002", "sg-2", "tcp 23", 9)));
        assert!(!back.contains(&finding("VL003", "sg-3", "", 1)));
    }

    #[test]
    fn bad_baselines_are_errors_with_place() {
        let e = Baseline::parse("{\"version\":1,\n\"findings\":[{\"rule\":1}]}", "b.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("b.json:2:"), "{e}");
        let e = Baseline::parse("{\"version\":2,\"findings\":[]}", "b.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.json: baseline version 2 is not supported (expected 1)"
        );
    }
}
