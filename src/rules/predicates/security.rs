//! Predicates over security-group rules, security groups and network-ACL entries.
//!
//! Semantics follow AWS: protocol `-1` covers every protocol and port; protocols other than
//! tcp, udp, icmp and icmpv6 cover every port whatever the range says
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>); NACL entries
//! are decided in rule-number order, first match wins
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html>).

use ipnet::IpNet;

use crate::model::{Direction, Peer, PortSpec, SgRule};
use crate::model::{NaclEntry, NetworkAcl};
use crate::net::{icmp_key_range, AddrSet, PacketSet, PortSet, Protocol};
use crate::rules::eval::{Env, Evidence, Verdict};
use crate::rules::registry::{Arg, PortList};
use crate::rules::subject::Subject;

/// The parts of a security-group rule or NACL entry the shared predicates look at.
struct Entry {
    ingress: bool,
    protocol: Protocol,
    ports: PortSpec,
    /// The peer's CIDRs; `None` for a group reference or an unknown prefix list.
    cidrs: Option<Vec<IpNet>>,
}

fn entry(s: &Subject<'_>, env: &Env<'_>) -> Option<Entry> {
    match s {
        Subject::SgRule { rule, .. } => Some(Entry {
            ingress: rule.direction == Direction::Ingress,
            protocol: rule.protocol,
            ports: rule.ports,
            cidrs: peer_cidrs(&rule.peer, env),
        }),
        Subject::NaclEntry { entry, .. } => Some(Entry {
            ingress: !entry.egress,
            protocol: entry.protocol,
            ports: entry.ports,
            cidrs: Some(vec![entry.cidr]),
        }),
        _ => None,
    }
}

/// The CIDRs a peer stands for (a prefix list's entries when the export has them).
pub fn peer_cidrs(peer: &Peer, env: &Env<'_>) -> Option<Vec<IpNet>> {
    match peer {
        Peer::Cidr(n) => Some(vec![*n]),
        Peer::PrefixList(id) => env
            .estate
            .prefix_lists
            .get_by_id(id)
            .and_then(|p| p.cidrs.clone()),
        Peer::Group { .. } => None,
    }
}

/// The destination ports covered, as one inclusive range; `None` for ICMP.
pub fn port_range(protocol: Protocol, ports: &PortSpec) -> Option<(u16, u16)> {
    if protocol == Protocol::All || (!protocol.has_ports() && !protocol.is_icmp()) {
        return Some((0, 65535));
    }
    match ports {
        PortSpec::All => Some((0, 65535)),
        PortSpec::Range(lo, hi) => Some((*lo, *hi)),
        PortSpec::Icmp { .. } => None,
    }
}

fn with_entry(s: &Subject<'_>, env: &Env<'_>, test: impl Fn(&Entry) -> bool) -> Verdict {
    Verdict::from(entry(s, env).is_some_and(|e| test(&e)))
}

pub fn ingress(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    with_entry(s, env, |e| e.ingress)
}

pub fn egress(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    with_entry(s, env, |e| !e.ingress)
}

pub fn allow(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::NaclEntry { entry, .. } if entry.allow))
}

pub fn deny(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::NaclEntry { entry, .. } if !entry.allow))
}

pub fn protocol(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(Arg::Protocol(want)) = args.first() else {
        return Verdict::no();
    };
    with_entry(s, env, |e| {
        e.protocol == Protocol::All || (*want != Protocol::All && e.protocol == *want)
    })
}

fn port_list(args: &[Arg]) -> Option<&PortList> {
    match args.first() {
        Some(Arg::Ports(list)) => Some(list),
        _ => None,
    }
}

/// The destination ports a rule or entry really decides. For a NACL entry that is its own
/// ports minus what lower-numbered entries already decide (first match wins), so an allow
/// of 1024-65535 after a deny of 3389 does not count as allowing 3389. `None` for ICMP.
fn decided_ports(s: &Subject<'_>, env: &Env<'_>) -> Option<PortSet> {
    let e = entry(s, env)?;
    let (lo, hi) = port_range(e.protocol, &e.ports)?;
    let Subject::NaclEntry { acl, entry } = s else {
        return Some(PortSet::range(lo, hi));
    };
    let left = nacl_packets(entry).difference(&earlier_packets(acl, entry));
    let mut keys = Vec::new();
    for (plo, phi, klo, khi, _) in left.pieces() {
        let has_ports = |p: u8| plo <= p && p <= phi;
        // Ports mean something for tcp and udp; other protocols carry every key.
        if has_ports(6) || has_ports(17) || !(e.protocol.has_ports() || e.protocol == Protocol::All)
        {
            keys.push((klo, khi));
        }
    }
    Some(PortSet::from_ranges(keys))
}

pub fn ports_include(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let (Some(list), Some(have)) = (port_list(args), decided_ports(s, env)) else {
        return Verdict::no();
    };
    Verdict::from(PortSet::from_ranges(list.iter().copied()).is_subset(&have))
}

pub fn ports_overlap(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let (Some(list), Some(have)) = (port_list(args), decided_ports(s, env)) else {
        return Verdict::no();
    };
    let common = have.intersection(&PortSet::from_ranges(list.iter().copied()));
    if common.is_empty() {
        return Verdict::no();
    }
    Verdict::from(true).with_fact("ports", ports_text(&common.ranges().to_vec()))
}

/// `22, 3306, 27017-27019`.
pub fn ports_text(list: &PortList) -> String {
    list.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_internet(n: &IpNet) -> bool {
    n.prefix_len() == 0
}

/// Private and non-routable ranges (RFC 1918, RFC 6598 shared space, loopback, link-local,
/// IPv6 unique-local and link-local): addresses the internet cannot use as a source.
const PRIVATE: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/// Whether the CIDR lies inside one private range (CIDRs nest or are disjoint, so inside
/// their union means inside one of them).
pub fn is_private(n: &IpNet) -> bool {
    PRIVATE
        .iter()
        .filter_map(|p| p.parse::<IpNet>().ok())
        .any(|p| p.contains(n))
}

fn peer_test(
    s: &Subject<'_>,
    env: &Env<'_>,
    inbound: bool,
    test: impl Fn(&IpNet) -> bool,
) -> Verdict {
    with_entry(s, env, |e| {
        e.ingress == inbound && e.cidrs.as_ref().is_some_and(|c| c.iter().any(&test))
    })
}

pub fn source_internet(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    peer_test(s, env, true, is_internet)
}

pub fn destination_internet(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    peer_test(s, env, false, is_internet)
}

pub fn source_public(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    peer_test(s, env, true, |n| !is_private(n))
}

pub fn source_private(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    peer_test(s, env, true, is_private)
}

/// Prefix lengths compare as written for both families; `/16` flags IPv6 peers only when
/// they are shorter than /16 too (a deliberately quiet reading for IPv6).
pub fn source_broader(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(Arg::Prefix(len)) = args.first() else {
        return Verdict::no();
    };
    peer_test(s, env, true, |n| n.prefix_len() < *len)
}

pub fn source_in(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(Arg::Cidrs(set)) = args.first() else {
        return Verdict::no();
    };
    peer_test(s, env, true, |n| set.iter().any(|outer| outer.contains(n)))
}

pub fn described(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::SgRule { rule, .. }
        if rule.description.as_deref().is_some_and(|d| !d.trim().is_empty())))
}

/// A group reference to a group the estate does not hold. References to another account's
/// groups are left alone: that account's groups are not expected in this export.
pub fn references_unknown_group(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Subject::SgRule { group, rule } = s else {
        return Verdict::no();
    };
    let Peer::Group {
        group_id, user_id, ..
    } = &rule.peer
    else {
        return Verdict::no();
    };
    let same_account = match (user_id, &group.meta.owner_id) {
        (Some(u), Some(owner)) => u == owner,
        _ => true,
    };
    let missing = env.estate.security_groups.find(group_id).is_none();
    Verdict::from(same_account && missing).with_fact("peer-group", group_id.clone())
}

/// The packets a rule or entry matches (protocol × port-or-ICMP key × peer), exactly, with
/// the shared packet-space algebra. AWS semantics (all ports for protocol -1 and for
/// protocols without ports) are applied by [`PacketSet::new`].
fn packets(protocol: Protocol, ports: &PortSpec, addrs: AddrSet) -> PacketSet {
    let keys = match *ports {
        PortSpec::All => (0, u16::MAX),
        PortSpec::Range(lo, hi) => (lo, hi),
        PortSpec::Icmp { icmp_type, code } => icmp_key_range(icmp_type, code),
    };
    PacketSet::new(protocol, keys, addrs)
}

/// A rule's packets; a non-CIDR peer (group, prefix list) counts as every address, so such
/// rules compare only with the same peer ([`same_peer_kind`]).
fn sg_packets(rule: &SgRule) -> PacketSet {
    let addrs = match &rule.peer {
        Peer::Cidr(n) => AddrSet::from_net(n),
        _ => AddrSet::all(),
    };
    packets(rule.protocol, &rule.ports, addrs)
}

/// Whether one rule can cover another as far as peers go: any CIDR against any CIDR (the
/// addresses are in the packet set), else the same prefix list or group.
fn same_peer_kind(a: &Peer, b: &Peer) -> bool {
    match (a, b) {
        (Peer::Cidr(_), Peer::Cidr(_)) => true,
        (Peer::PrefixList(x), Peer::PrefixList(y)) => x == y,
        (Peer::Group { group_id: x, .. }, Peer::Group { group_id: y, .. }) => x == y,
        _ => false,
    }
}

pub fn sg_evidence(rule: &SgRule) -> Evidence {
    Evidence {
        id: rule.rule_id.clone().unwrap_or_default(),
        source: rule.source.clone(),
    }
}

/// Another single rule of the same group and direction admits everything this one does.
/// Of two identical rules only the later is redundant, so removing every flagged rule is safe.
pub fn redundant(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Subject::SgRule { group, rule } = s else {
        return Verdict::no();
    };
    if group.is_stand_in() {
        return Verdict::no(); // its rules belong to different groups
    }
    let list = match rule.direction {
        Direction::Ingress => &group.ingress,
        Direction::Egress => &group.egress,
    };
    let Some(me) = list.iter().position(|r| std::ptr::eq(r, *rule)) else {
        return Verdict::no();
    };
    let mine = sg_packets(rule);
    // The cheap peer test first: packet sets are only built for rules that could cover.
    let cover = list.iter().enumerate().find(|(i, other)| {
        if *i == me || !same_peer_kind(&rule.peer, &other.peer) {
            return false;
        }
        let theirs = sg_packets(other);
        mine.is_subset(&theirs) && (theirs != mine || *i < me)
    });
    match cover {
        // The finding stays on the redundant rule; the covering rule is only named.
        Some((_, other)) => Verdict {
            related: other.rule_id.iter().cloned().collect(),
            ..Verdict::from(true)
        }
        .with_fact(
            "covered-by",
            format!(
                "{} {} {}",
                other.protocol,
                crate::rules::subject::ports_text(other.protocol, &other.ports),
                other.peer.describe()
            ),
        ),
        None => Verdict::no(),
    }
}

pub fn has_rules(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Subject::SecurityGroup(g) = s else {
        return Verdict::no();
    };
    let count = g.ingress.len() + g.egress.len();
    let evidence = g.rules().take(1).map(sg_evidence).collect();
    let related = g.rules().filter_map(|r| r.rule_id.clone()).collect();
    let mut v = Verdict::from(count > 0)
        .with_evidence(evidence)
        .with_fact("rule-count", count.to_string());
    v.related = related;
    v
}

/// Earlier entries (lower rule number, same direction and address family) together match
/// every packet this entry matches, so it never decides anything. The `*` entry is skipped.
pub fn shadowed(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Subject::NaclEntry { acl, entry } = s else {
        return Verdict::no();
    };
    if entry.rule_number >= 32767 {
        return Verdict::no();
    }
    let mine = nacl_packets(entry);
    let mut earlier: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|e| e.egress == entry.egress && e.rule_number < entry.rule_number)
        .filter(|e| !nacl_packets(e).intersection(&mine).is_empty())
        .collect();
    earlier.sort_by_key(|e| e.rule_number);
    if earlier.is_empty() || !mine.is_subset(&earlier_packets(acl, entry)) {
        return Verdict::no();
    }
    // The finding stays on the shadowed entry (the one to delete); the deciders are named.
    let numbers: Vec<String> = earlier.iter().map(|e| e.rule_number.to_string()).collect();
    Verdict::from(true).with_fact("shadowed-by", numbers.join(", "))
}

fn nacl_packets(e: &NaclEntry) -> PacketSet {
    packets(e.protocol, &e.ports, AddrSet::from_net(&e.cidr))
}

/// Everything decided before `entry`: entries of the same direction with lower numbers.
/// IPv4 entries only match IPv4 packets and IPv6 entries IPv6 ones; the address sets keep
/// the families apart, so no special case is needed.
fn earlier_packets(acl: &NetworkAcl, entry: &NaclEntry) -> PacketSet {
    PacketSet::union_all(
        acl.entries
            .iter()
            .filter(|e| e.egress == entry.egress && e.rule_number < entry.rule_number)
            .map(nacl_packets),
    )
}
