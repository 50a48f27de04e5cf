//! Reachability facts for the rule evaluator: the exposure map, indexed by resource, by
//! security group and by network ACL.
//!
//! Built once per run from [`Reach::exposures`] (which already shares work between
//! interfaces that behave alike), so rules ask "is this resource exposed on this traffic",
//! "does this group expose anyone", "is this target reachable around its load balancer" and
//! "does this ACL drop replies" in constant time per subject instead of re-running the engine.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::exposure::ExposurePath;
use super::replies::{reply_gaps, ReplyGap};
use super::{Exposure, Reach};
use crate::model::{Estate, Peer};
use crate::net::{describe, AddrSet, PacketSet, PortSet, Protocol};
use crate::report::exposure::sources_text;
use crate::rules::eval::{BypassHit, Evidence, ReplyGapHit};
use crate::rules::{ExposureHit, ReachFacts};

/// The exposure map of one estate, by resource id, plus the indexes derived from it.
pub struct ExposureFacts {
    by_resource: HashMap<String, Vec<Exposure>>,
    /// Group id → the internet packets (protocol, port, client) that reach some user of the
    /// group directly and that the group's own rules admit.
    through_group: HashMap<String, PacketSet>,
    /// Resource id → how the internet reaches it around its load balancers.
    bypass: HashMap<String, BypassHit>,
    /// Network ACL id → what its reply path drops.
    reply_gaps: HashMap<String, ReplyGapHit>,
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
        let through_group = through_group(reach, &by_resource);
        let bypass = by_resource
            .iter()
            .filter_map(|(id, rows)| Some((id.clone(), bypass(reach, rows)?)))
            .collect();
        // An ACL associated with no subnet filters nothing: its gaps break no connection.
        let in_use = reach.nacls_in_use();
        let reply_gaps = reach
            .estate
            .network_acls
            .indexed()
            .filter(|(ix, _)| in_use.contains(&ix.index()))
            .filter_map(|(_, acl)| {
                let gaps = reply_gaps(acl);
                Some((acl.meta.id.clone(), gap_hit(acl, &gaps)?))
            })
            .collect();
        ExposureFacts {
            by_resource,
            through_group,
            bypass,
            reply_gaps,
        }
    }
}

/// The security groups that decide whether the internet reaches a row's resource directly.
fn row_groups<'e>(
    estate: &'e Estate,
    lbs: &HashMap<&str, &'e [String]>,
    row: &Exposure,
) -> &'e [String] {
    use super::ExposureKind as K;
    let found = match row.kind {
        K::Instance => row
            .interface
            .as_deref()
            .and_then(|i| estate.interfaces.get_by_id(i))
            .map(|e| e.group_ids.as_slice()),
        K::NetworkInterface => estate
            .interfaces
            .get_by_id(&row.resource)
            .map(|e| e.group_ids.as_slice()),
        K::LoadBalancer => lbs.get(row.resource.as_str()).copied(),
        K::Database => estate
            .databases
            .get_by_id(&row.resource)
            .map(|d| d.group_ids.as_slice()),
    };
    found.unwrap_or(&[])
}

/// The packets of one protocol on some port (key) ranges from some clients.
fn packets(protocol: Protocol, ports: &PortSet, clients: &AddrSet) -> PacketSet {
    PacketSet::union_all(
        ports
            .ranges()
            .iter()
            .map(|r| PacketSet::new(protocol, *r, clients.clone())),
    )
}

/// The packets of one exposure row.
fn row_packets(row: &Exposure) -> PacketSet {
    packets(row.protocol, &row.ports, &row.sources)
}

/// Group → exposures of its users, cut to what the group itself admits from the internet.
/// Rows through a load balancer count too: a network load balancer that keeps the client's
/// address delivers internet clients whom the target's group must admit, and a world-open
/// rule behind an application load balancer is still what lets the traffic in. Rows of
/// interfaces alike repeat the same blocks, so each group unites only distinct
/// (protocol, ports, sources) rows.
fn through_group(
    reach: &Reach<'_>,
    by_resource: &HashMap<String, Vec<Exposure>>,
) -> HashMap<String, PacketSet> {
    let estate = reach.estate;
    let lbs: HashMap<&str, &[String]> = estate
        .load_balancers
        .iter()
        .map(|l| (l.name.as_str(), l.group_ids.as_slice()))
        .collect();
    let mut rows: HashMap<&str, HashSet<(Protocol, &PortSet, &AddrSet)>> = HashMap::new();
    for row in by_resource.values().flatten() {
        for g in row_groups(estate, &lbs, row) {
            rows.entry(g.as_str())
                .or_default()
                .insert((row.protocol, &row.ports, &row.sources));
        }
    }
    let mut out = HashMap::new();
    for (group, keys) in rows {
        let Some(ix) = estate.security_groups.find(group) else {
            continue;
        };
        let admitted = &reach.groups[ix.index()].ingress_internet;
        let reached = PacketSet::union_all(
            keys.into_iter()
                .map(|(protocol, ports, sources)| packets(protocol, ports, sources)),
        );
        let through = reached.intersection(admitted);
        if !through.is_empty() {
            out.insert(group.to_string(), through);
        }
    }
    out
}

/// The direct exposure of a load balancer's target on its target ports, if any.
fn bypass(reach: &Reach<'_>, rows: &[Exposure]) -> Option<BypassHit> {
    let mut lbs = BTreeSet::new();
    let mut hit = PacketSet::empty();
    let mut interfaces = BTreeSet::new();
    for via in rows.iter().filter(|r| r.path == ExposurePath::LoadBalancer) {
        // The target ports, from any client: the direct path has its own clients.
        let target = packets(via.protocol, &via.ports, &AddrSet::all());
        for direct in rows.iter().filter(|r| r.path == ExposurePath::Direct) {
            let both = row_packets(direct).intersection(&target);
            if both.is_empty() {
                continue;
            }
            hit = hit.union(&both);
            lbs.extend(via.via.clone());
            // Instance rows name their interface; interface rows are the interface.
            let eni = direct.interface.as_ref().unwrap_or(&direct.resource);
            interfaces.insert(eni.clone());
        }
    }
    if hit.is_empty() {
        return None;
    }
    let estate = reach.estate;
    let groups: BTreeSet<&String> = interfaces
        .iter()
        .filter_map(|i| estate.interfaces.get_by_id(i))
        .flat_map(|e| e.group_ids.iter())
        .collect();
    Some(BypassHit {
        evidence: admitting_rules(reach, &groups, &hit),
        load_balancers: lbs.into_iter().collect::<Vec<_>>().join(", "),
        traffic: traffic_text(&hit),
        sources: sources_text(&hit.addrs()),
    })
}

/// The inbound CIDR rules of these groups that admit some of `packets`, broadest first.
fn admitting_rules(
    reach: &Reach<'_>,
    groups: &BTreeSet<&String>,
    packets: &PacketSet,
) -> Vec<Evidence> {
    let mut found = Vec::new();
    for g in groups {
        let Some(group) = reach.estate.security_groups.get_by_id(g) else {
            continue;
        };
        for rule in &group.ingress {
            if matches!(rule.peer, Peer::Group { .. }) {
                continue;
            }
            if reach.peers.rule_set(rule).intersection(packets).is_empty() {
                continue;
            }
            let width = match &rule.peer {
                Peer::Cidr(n) => n.prefix_len(),
                _ => u8::MAX,
            };
            found.push((
                width,
                Evidence {
                    id: rule.rule_id.clone().unwrap_or_default(),
                    source: rule.source.clone(),
                },
            ));
        }
    }
    // Stable: rules of equal width keep group and file order.
    found.sort_by_key(|(w, _)| *w);
    found.into_iter().map(|(_, e)| e).collect()
}

/// `tcp/8080` style text of a packet set's tcp/udp ports (other protocols by name).
fn traffic_text(set: &PacketSet) -> String {
    let mut parts: Vec<String> = Vec::new();
    for g in set.groups() {
        let text = if g.protocol.has_ports() {
            format!("{}/{}", g.protocol, describe(&g.keys))
        } else {
            g.protocol.to_string()
        };
        if !parts.contains(&text) {
            parts.push(text);
        }
    }
    parts.join(", ")
}

/// The finding facts of an ACL's reply gaps; `None` when it has none.
fn gap_hit(acl: &crate::model::NetworkAcl, gaps: &[ReplyGap]) -> Option<ReplyGapHit> {
    if gaps.is_empty() {
        return None;
    }
    let mut evidence: Vec<(u16, Evidence)> = Vec::new();
    for g in gaps {
        for &i in g.blockers.iter().chain(&g.star_entry) {
            let e = &acl.entries[i];
            if evidence.iter().all(|(_, x)| x.source != e.source) {
                let id = format!("{} rule {}", acl.meta.id, e.rule_number);
                evidence.push((
                    e.rule_number,
                    Evidence {
                        id,
                        source: e.source.clone(),
                    },
                ));
            }
        }
    }
    evidence.sort_by_key(|(n, _)| *n);
    let cases: Vec<String> = gaps
        .iter()
        .map(|g| format!("{} {} {}", direction(g), g.protocol, family(g)))
        .collect();
    Some(ReplyGapHit {
        evidence: evidence.into_iter().map(|(_, e)| e).collect(),
        problems: gaps
            .iter()
            .map(|g| gap_text(acl, g))
            .collect::<Vec<_>>()
            .join("; "),
        cases: cases.join(", "),
        blocked_entirely: gaps.iter().any(|g| !g.blocked.is_empty()),
    })
}

fn direction(g: &ReplyGap) -> &'static str {
    if g.inbound {
        "inbound"
    } else {
        "outbound"
    }
}

fn family(g: &ReplyGap) -> &'static str {
    if g.v6 {
        "IPv6"
    } else {
        "IPv4"
    }
}

/// One clause: which requests, from whom, what happens to their replies, and who drops them.
fn gap_text(acl: &crate::model::NetworkAcl, g: &ReplyGap) -> String {
    let (peer_word, back) = if g.inbound {
        ("from", "out")
    } else {
        ("to", "in")
    };
    let request = format!(
        "{} {}/{} requests {peer_word} {}",
        direction(g),
        g.protocol,
        describe(&g.request_ports),
        addrs_text(&g.peers, g.v6)
    );
    let mut what = Vec::new();
    if !g.blocked.is_empty() {
        what.push(format!(
            "no reply goes {back} to {}",
            addrs_text(&g.blocked, g.v6)
        ));
    }
    if !g.missing.is_empty() && !g.passing.is_empty() {
        what.push(format!(
            "replies go {back} only to ports {}, missing client ranges {}",
            describe(&g.passing),
            g.missing.join(", ")
        ));
    }
    format!(
        "{request}: {} (dropped by {})",
        what.join(", and "),
        blockers_text(acl, g)
    )
}

/// CIDRs of one family, or `0.0.0.0/0 except …` when that is shorter.
fn addrs_text(addrs: &AddrSet, v6: bool) -> String {
    let (family, all) = if v6 {
        (AddrSet::all_v6(), "::/0")
    } else {
        (AddrSet::all_v4(), "0.0.0.0/0")
    };
    let rest = family.difference(addrs);
    if !rest.is_empty() && rest.to_cidrs().len() < addrs.to_cidrs().len() {
        format!("{all} except {rest}")
    } else {
        addrs.to_string()
    }
}

fn blockers_text(acl: &crate::model::NetworkAcl, g: &ReplyGap) -> String {
    let mut parts: Vec<String> = g
        .blockers
        .iter()
        .map(|i| format!("rule {}", acl.entries[*i].rule_number))
        .collect();
    if g.implicit_deny {
        parts.push("the implicit `*` deny".to_string());
    }
    parts.join(", ")
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
            direct: rows
                .iter()
                .any(|r| r.path == ExposurePath::Direct && overlap(r, protocol, ports).is_some()),
        })
    }

    fn exposed_through_group(&self, group: &str, protocol: Protocol, ports: &[(u16, u16)]) -> bool {
        let Some(through) = self.through_group.get(group) else {
            return false;
        };
        let asked = PacketSet::union_all(
            ports
                .iter()
                .map(|r| PacketSet::new(protocol, *r, AddrSet::all())),
        );
        !through.intersection(&asked).is_empty()
    }

    fn load_balancer_bypass(&self, resource: &str) -> Option<BypassHit> {
        self.bypass.get(resource).cloned()
    }

    fn return_traffic_gaps(&self, acl: &str) -> Option<ReplyGapHit> {
        self.reply_gaps.get(acl).cloned()
    }
}
