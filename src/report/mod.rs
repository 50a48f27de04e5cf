//! Findings report writers (human, JSON, and the CI formats), each in its own file, plus the
//! few things they share: stable fingerprints and severity counts.
//!
//! Every writer takes findings already sorted by [`crate::rules::sort_findings`], including
//! suppressed ones; each format decides how to show those.

pub mod explain;
pub mod exposure;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use crate::rules::{Finding, RuleMeta, Severity};

/// 64-bit FNV-1a: tiny, dependency-free and — unlike `DefaultHasher` — fixed forever, which
/// fingerprints stored by GitHub code scanning between runs require.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// A finding's stable identity as 16 hex digits: rule, resource and detail, separated by NUL
/// so that `("a", "bc")` and `("ab", "c")` differ. Lines and messages are left out on purpose.
pub fn fingerprint(f: &Finding) -> String {
    let (rule, resource, detail) = f.key();
    let text = format!("{rule}\0{resource}\0{detail}");
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// Unsuppressed findings per severity, most severe first, zero counts left out.
pub fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&s| {
            let n = findings
                .iter()
                .filter(|f| f.severity == s && !f.is_suppressed())
                .count();
            (s, n)
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// The catalog entry of a finding's rule, if the catalog has it.
pub fn meta_of<'c>(catalog: &'c [RuleMeta], f: &Finding) -> Option<&'c RuleMeta> {
    catalog.iter().find(|m| m.id == f.rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "" and "a" and "foobar".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
