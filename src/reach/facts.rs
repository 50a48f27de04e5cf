//! Reachability facts for the rule evaluator: the exposure map, indexed by resource.
//!
//! Built once per run from [`Reach::exposures`] (which already shares work between
//! interfaces that behave alike), so rules ask "is this resource exposed on this traffic"
//! in constant time per resource instead of re-running the engine.

use std::collections::HashMap;

use super::{Exposure, Reach};
use crate::net::{describe, AddrSet, PortSet, Protocol};
use crate::report::exposure::sources_text;
use crate::rules::{ExposureHit, ReachFacts};

/// The exposure map of one estate, by resource id.
pub struct ExposureFacts {
    by_resource: HashMap<String, Vec<Exposure>>,
}

impl ExposureFacts {
    pub fn new(reach: &Reach<'_>) -> Self {
        ExposureFacts::with_trusted(reach, &AddrSet::empty())
    }

    /// Like [`ExposureFacts::new`], but sources inside `trusted` (the config's office, VPN
    /// and bastion ranges) are not "the internet": rows left with no other source vanish.
    pub fn with_trusted(reach: &Reach<'_>, trusted: &AddrSet) -> Self {
        let mut by_resource: HashMap<String, Vec<Exposure>> = HashMap::new();
        for mut row in reach.exposures() {
            row.sources = row.sources.difference(trusted);
            if row.sources.is_empty() {
                continue;
            }
            by_resource
                .entry(row.resource.clone())
                .or_default()
                .push(row);
        }
        ExposureFacts { by_resource }
    }
}

/// The ports of `row` that fall in `ports` for `protocol` (all of them for `-1` queries or
/// rows of protocols without ports).
fn overlap(row: &Exposure, protocol: Protocol, ports: &[(u16, u16)]) -> Option<PortSet> {
    let same_protocol =
        protocol == Protocol::All || row.protocol == Protocol::All || row.protocol == protocol;
    if !same_protocol {
        return None;
    }
    if !row.protocol.has_ports() || protocol == Protocol::All {
        return Some(row.ports.clone());
    }
    let wanted = PortSet::from_ranges(ports.iter().copied());
    let hit = row.ports.intersection(&wanted);
    (!hit.is_empty()).then_some(hit)
}

impl ReachFacts for ExposureFacts {
    fn exposed_from_internet(
        &self,
        resource: &str,
        protocol: Protocol,
        ports: &[(u16, u16)],
    ) -> Option<ExposureHit> {
        let rows = self.by_resource.get(resource)?;
        // (path, traffic texts) in first-seen order: "tcp/80, 443 directly; tcp/80 via …".
        let mut by_path: Vec<(String, Vec<String>)> = Vec::new();
        let mut sources = Vec::new();
        let mut hit_ports = Vec::new();
        for row in rows {
            let Some(p) = overlap(row, protocol, ports) else {
                continue;
            };
            let shown = if row.protocol.has_ports() {
                format!("{}/{}", row.protocol, describe(&p))
            } else {
                row.protocol.to_string()
            };
            if row.protocol.has_ports() || row.protocol == Protocol::All {
                hit_ports.extend(p.ranges().iter().copied());
            }
            let path = match &row.via {
                Some(lb) => format!("via load balancer {lb}"),
                None => "directly".to_string(),
            };
            match by_path.iter_mut().find(|(p, _)| *p == path) {
                Some((_, texts)) if !texts.contains(&shown) => texts.push(shown),
                Some(_) => {}
                None => by_path.push((path, vec![shown])),
            }
            let src = sources_text(&row.sources);
            if !sources.contains(&src) {
                sources.push(src);
            }
        }
        if by_path.is_empty() {
            return None;
        }
        let traffic: Vec<String> = by_path
            .iter()
            .map(|(path, texts)| format!("{} {path}", texts.join(", ")))
            .collect();
        let paths: Vec<&str> = by_path.iter().map(|(p, _)| p.as_str()).collect();
        Some(ExposureHit {
            evidence: Vec::new(),
            traffic: traffic.join("; "),
            sources: sources.join("; "),
            path: paths.join(" and "),
            ports: hit_ports,
        })
    }
}
