//! Return traffic through a network ACL: requests it admits whose replies it drops.
//!
//! Network ACLs are stateless, so a request that one direction admits needs its reply to
//! pass the other direction too, towards the client's ephemeral port
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports>).
//! Which port the client picked is unknown, so the question is asked against the client
//! ranges AWS documents: Linux 32768-60999 (DESIGN.md §4 writes 61000; the AWS page and the
//! kernel default `ip_local_port_range` end at 60999), Windows 49152-65535, and NAT gateways
//! and Elastic Load Balancing 1024-65535.
//!
//! Only tcp and udp are checked: their replies are what the ephemeral ranges are about
//! (ICMP replies are checked by the engine's round trip, but an ACL that drops echo replies
//! is a choice, not a mistake worth a finding).
//!
//! Entries that are themselves the reply path of the other direction are not requests: an
//! allow entry for tcp or udp whose ports start at 1024 or above and look like an ephemeral
//! range — containing one whole common range (`1024-65535`, `32768-60999`), starting where
//! one starts (`1024-2000`, `32768-40000`), or running to 65535 (`30000-65535`).
//! Such an entry exists to let replies in (or out); treating it as a request would ask for
//! replies of replies, and flag nearly every correctly built ACL.

use crate::model::{NaclEntry, NetworkAcl, PortSpec};
use crate::net::{AddrSet, PacketSet, PortSet, Protocol};

use super::compile::EPHEMERAL;
use super::nacl::{compile, entry_set};

/// The client port ranges replies must reach, with the words a message uses for them.
pub(crate) const CLIENT_RANGES: [(&str, (u16, u16)); 3] = [
    ("Linux 32768-60999", (32768, 60999)),
    ("Windows 49152-65535", (49152, 65535)),
    ("NAT gateway/ELB 1024-65535", (1024, 65535)),
];

/// Requests of one direction, protocol and address family whose replies do not all pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReplyGap {
    /// The requests come in (replies go out); otherwise they go out and replies come in.
    pub inbound: bool,
    pub protocol: Protocol,
    pub v6: bool,
    /// Destination ports of the admitted requests.
    pub request_ports: PortSet,
    /// Peers of the admitted requests (clients for inbound, servers for outbound).
    pub peers: AddrSet,
    /// Peers for which no reply port passes at all.
    pub blocked: AddrSet,
    /// Reply ports that pass for every other peer (within 1024-65535).
    pub passing: PortSet,
    /// The client ranges of [`CLIENT_RANGES`] holding reply ports that no entry mentions
    /// (so the implicit `*` deny drops them), for peers that get some reply.
    pub missing: Vec<&'static str>,
    /// Indices into the ACL's entries of the entries that drop replies, by rule number.
    pub blockers: Vec<usize>,
    /// Some dropped replies match no entry: the implicit `*` deny drops them.
    pub implicit_deny: bool,
    /// The exported `*` entry (rule 32767), when the export lists it and it drops some.
    pub star_entry: Option<usize>,
}

/// Every reply gap of an ACL, inbound requests first, then tcp before udp, IPv4 before IPv6.
pub(crate) fn reply_gaps(acl: &NetworkAcl) -> Vec<ReplyGap> {
    let mut out = Vec::new();
    for inbound in [true, false] {
        let requests = requests(&acl.entries, !inbound);
        if requests.is_empty() {
            continue;
        }
        let (reply_order, replies) = compile(&acl.entries, inbound);
        for protocol in [Protocol::TCP, Protocol::UDP] {
            for v6 in [false, true] {
                let family = if v6 {
                    AddrSet::all_v6()
                } else {
                    AddrSet::all_v4()
                };
                let asked = requests.intersection(&PacketSet::new(protocol, (0, u16::MAX), family));
                if asked.is_empty() {
                    continue;
                }
                let gap = Case {
                    inbound,
                    protocol,
                    v6,
                    asked: &asked,
                    replies: &replies,
                    reply_order: &reply_order,
                    entries: &acl.entries,
                }
                .gap();
                out.extend(gap);
            }
        }
    }
    out
}

/// The requests an ACL direction admits: the first-match share of every allow entry that is
/// not a reply entry (see the module docs).
fn requests(entries: &[NaclEntry], egress: bool) -> PacketSet {
    let (order, _) = compile(entries, egress);
    let mut covered = PacketSet::empty();
    let mut admitted = Vec::new();
    for &i in &order {
        let set = entry_set(&entries[i]);
        if entries[i].allow && !is_reply_entry(&entries[i]) {
            admitted.push(set.difference(&covered));
        }
        covered = covered.union(&set);
    }
    PacketSet::union_all(admitted)
}

/// An allow entry that exists for replies: tcp/udp, ports from 1024 up, and shaped like an
/// ephemeral range — holding one whole common client range, starting where one starts
/// (1024, 32768, 49152), or running to 65535. `1024-2000` is a (too narrow) reply entry;
/// `8080` or `3000-4000` is a service.
fn is_reply_entry(e: &NaclEntry) -> bool {
    let PortSpec::Range(lo, hi) = e.ports else {
        return false;
    };
    let tcp_or_udp = e.protocol == Protocol::TCP || e.protocol == Protocol::UDP;
    let holds_a_range = CLIENT_RANGES.iter().any(|(_, (a, b))| lo <= *a && *b <= hi);
    let starts_a_range = CLIENT_RANGES.iter().any(|(_, (a, _))| lo == *a);
    tcp_or_udp && lo >= EPHEMERAL.0 && (holds_a_range || starts_a_range || hi == u16::MAX)
}

/// The `*` entry, which exports list as rule 32767: the implicit deny, not a decision.
fn is_catch_all(e: &NaclEntry) -> bool {
    e.rule_number >= CATCH_ALL
}

const CATCH_ALL: u16 = 32767;

/// The union of the keys of every block of `set`.
fn keys_of(set: &PacketSet) -> PortSet {
    set.groups()
        .iter()
        .fold(PortSet::empty(), |acc, g| acc.union(&g.keys))
}

/// One (direction, protocol, family) question.
struct Case<'a> {
    inbound: bool,
    protocol: Protocol,
    v6: bool,
    /// The admitted requests of this protocol and family.
    asked: &'a PacketSet,
    /// What the reply direction allows (peer = the request's peer).
    replies: &'a PacketSet,
    reply_order: &'a [usize],
    entries: &'a [NaclEntry],
}

impl Case<'_> {
    fn gap(&self) -> Option<ReplyGap> {
        let peers = self.asked.addrs();
        let eph = |addrs: &AddrSet| PacketSet::new(self.protocol, EPHEMERAL, addrs.clone());
        // A reply is some packet to an ephemeral port of the peer (ENGINE-SPEC).
        let served = self.replies.intersection(&eph(&peers)).addrs();
        let blocked = peers.difference(&served);
        let dropped = eph(&peers).difference(self.replies);
        // Reply ports no entry mentions fall to the `*` deny: an oversight. Ports an
        // explicit deny entry takes (a deny of 3389 before the ephemeral allow) are a
        // decision, so they alone never make a client range "missing".
        let matched = PacketSet::union_all(
            self.reply_order
                .iter()
                .filter(|&&i| !is_catch_all(&self.entries[i]))
                .map(|&i| entry_set(&self.entries[i])),
        );
        let forgotten = dropped.intersection(&eph(&served)).difference(&matched);
        let forgotten_ports = keys_of(&forgotten);
        let passing = if served.is_empty() {
            PortSet::empty()
        } else {
            PortSet::range(EPHEMERAL.0, EPHEMERAL.1)
                .difference(&keys_of(&dropped.intersection(&eph(&served))))
        };
        // A deny is a decision only while it leaves part of every client range open: one
        // that drops a whole range for some peer (deny 32768-65535 before the ephemeral
        // allow) leaves those clients without replies, whoever wrote it.
        let served_drops = dropped.intersection(&eph(&served));
        let drop_groups = served_drops.groups();
        let whole = |lo: u16, hi: u16| {
            drop_groups
                .iter()
                .any(|g| PortSet::range(lo, hi).difference(&g.keys).is_empty())
        };
        let mut relevant = dropped.intersection(&eph(&blocked)).union(&forgotten);
        let mut missing: Vec<&'static str> = Vec::new();
        for (name, (lo, hi)) in CLIENT_RANGES {
            let range = PortSet::range(lo, hi);
            if whole(lo, hi) {
                let part = PacketSet::new(self.protocol, (lo, hi), served.clone());
                relevant = relevant.union(&served_drops.intersection(&part));
                missing.push(name);
            } else if !range.intersection(&forgotten_ports).is_empty() {
                missing.push(name);
            }
        }
        if blocked.is_empty() && missing.is_empty() {
            return None;
        }
        let (blockers, implicit_deny) = self.blockers(&relevant);
        let star_entry = self
            .reply_order
            .iter()
            .copied()
            .find(|&i| is_catch_all(&self.entries[i]))
            .filter(|_| implicit_deny);
        Some(ReplyGap {
            inbound: self.inbound,
            protocol: self.protocol,
            v6: self.v6,
            request_ports: keys_of(self.asked),
            peers,
            blocked,
            passing,
            missing,
            blockers,
            implicit_deny,
            star_entry,
        })
    }

    /// The entries that decide the dropped replies (in rule-number order, each taking what
    /// earlier ones left), and whether some fall through to the implicit `*` deny.
    fn blockers(&self, dropped: &PacketSet) -> (Vec<usize>, bool) {
        let mut rest = dropped.clone();
        let mut found = Vec::new();
        for &i in self.reply_order {
            if rest.is_empty() || is_catch_all(&self.entries[i]) {
                break;
            }
            let set = entry_set(&self.entries[i]);
            if !set.intersection(&rest).is_empty() {
                found.push(i);
                rest = rest.difference(&set);
            }
        }
        (found, !rest.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::super::nacl::tests::entry;
    use super::*;
    use crate::model::Meta;

    /// An entry for every IPv4 address on a port range.
    fn world(n: u16, egress: bool, allow: bool, proto: Protocol, lo: u16, hi: u16) -> NaclEntry {
        entry(n, egress, allow, proto, WORLD, PortSpec::Range(lo, hi))
    }

    fn acl(entries: Vec<NaclEntry>) -> NetworkAcl {
        NetworkAcl {
            meta: Meta::default(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            entries,
            subnet_ids: Vec::new(),
        }
    }

    const WORLD: &str = "0.0.0.0/0";

    #[test]
    fn replies_to_the_whole_client_range_leave_no_gap() {
        let a = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(100, true, true, Protocol::TCP, 1024, 65535),
        ]);
        assert_eq!(reply_gaps(&a), Vec::new());
    }

    #[test]
    fn a_deny_that_takes_whole_client_ranges_is_reported_with_its_entry() {
        let a = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(90, true, false, Protocol::TCP, 32768, 65535),
            world(100, true, true, Protocol::TCP, 1024, 65535),
        ]);
        let gaps = reply_gaps(&a);
        assert_eq!(gaps.len(), 1, "{gaps:#?}");
        let g = &gaps[0];
        assert!(g.inbound && g.blocked.is_empty());
        assert_eq!(g.passing, PortSet::range(1024, 32767));
        assert_eq!(g.missing, ["Linux 32768-60999", "Windows 49152-65535"]);
        assert_eq!((g.blockers.clone(), g.implicit_deny), (vec![1], false));
    }

    #[test]
    fn a_narrow_reply_entry_is_not_a_request_of_its_own() {
        let a = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(100, true, true, Protocol::TCP, 1024, 2000),
        ]);
        let gaps = reply_gaps(&a);
        // Only the inbound https requests; `1024-2000` out is their (too narrow) reply path.
        assert_eq!(gaps.len(), 1, "{gaps:#?}");
        assert!(gaps[0].inbound);
        assert_eq!(gaps[0].passing, PortSet::range(1024, 2000));
    }

    #[test]
    fn the_linux_range_alone_misses_windows_and_nat_clients() {
        let a = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(100, true, true, Protocol::TCP, 32768, 60999),
        ]);
        let gaps = reply_gaps(&a);
        assert_eq!(gaps.len(), 1);
        let g = &gaps[0];
        assert!(g.inbound && !g.v6 && g.blocked.is_empty());
        assert_eq!(g.protocol, Protocol::TCP);
        assert_eq!(g.request_ports, PortSet::single(443));
        assert_eq!(g.passing, PortSet::range(32768, 60999));
        assert_eq!(
            g.missing,
            ["Windows 49152-65535", "NAT gateway/ELB 1024-65535"]
        );
        assert_eq!((g.blockers.clone(), g.implicit_deny), (Vec::new(), true));
    }

    #[test]
    fn udp_requests_without_udp_replies_are_blocked_by_a_deny_entry() {
        let a = acl(vec![
            entry(100, false, true, Protocol::All, WORLD, PortSpec::All),
            entry(90, true, false, Protocol::UDP, WORLD, PortSpec::All),
            world(100, true, true, Protocol::TCP, 1024, 65535),
        ]);
        let gaps = reply_gaps(&a);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        let g = &gaps[0];
        assert_eq!(g.protocol, Protocol::UDP);
        assert_eq!(g.blocked, AddrSet::all_v4());
        assert_eq!(g.blockers, [1]);
        assert!(!g.implicit_deny);
    }

    #[test]
    fn an_explicit_deny_inside_the_ephemeral_range_is_a_decision_not_a_gap() {
        let a = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(90, true, false, Protocol::TCP, 3389, 3389),
            world(100, true, true, Protocol::TCP, 1024, 65535),
        ]);
        assert_eq!(reply_gaps(&a), Vec::new());
        // The exported `*` entry (rule 32767) is the implicit deny, not a decision.
        let b = acl(vec![
            world(100, false, true, Protocol::TCP, 443, 443),
            world(100, true, true, Protocol::TCP, 32768, 65535),
            entry(32767, true, false, Protocol::All, WORLD, PortSpec::All),
        ]);
        let gaps = reply_gaps(&b);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].missing, ["NAT gateway/ELB 1024-65535"]);
        assert_eq!(
            (gaps[0].blockers.clone(), gaps[0].implicit_deny),
            (Vec::new(), true)
        );
    }

    #[test]
    fn reply_entries_are_not_requests() {
        // Outbound requests (443 out) with replies in on 1024-65535: the inbound entry is the
        // reply path, not a request whose own replies would need ports out.
        let a = acl(vec![
            world(100, true, true, Protocol::TCP, 443, 443),
            world(100, false, true, Protocol::TCP, 1024, 65535),
            world(110, false, true, Protocol::UDP, 32768, 65535),
        ]);
        assert_eq!(reply_gaps(&a), Vec::new());
        // 3000-4000 starts above 1024 but holds no client range: a request (an app port).
        let b = acl(vec![world(100, false, true, Protocol::TCP, 3000, 4000)]);
        let gaps = reply_gaps(&b);
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].implicit_deny && !gaps[0].blocked.is_empty());
    }
}
