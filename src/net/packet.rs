//! Exact sets of packets: protocol × key (port or ICMP type/code) × peer address.
//!
//! Security groups and NACLs each describe a set of packets; reachability is unions,
//! intersections and differences of such sets. Keeping them exact and canonical means the
//! answer to "who can reach what" is computed, not approximated, and two ways of writing
//! the same rules compare equal.
//!
//! Normalisation choice: a protocol that AWS does not read ports for (anything but tcp,
//! udp, icmp, icmpv6) always carries the **full** key range. AWS says such a rule matches
//! all ports whatever the range says, so every constructor widens the key range, and
//! every set operation preserves "uniform across keys" for those protocols. This also
//! keeps `-1` (all protocols, all ports) a single piece.

use std::collections::HashMap;
use std::net::IpAddr;

use super::addr::AddrSet;
use super::interval::{IntervalMap, IntervalSet};
use super::ports::PortSet;
use super::protocol::Protocol;

/// Per protocol: which addresses go with which key ranges.
type KeyMap = IntervalMap<u16, AddrSet>;

/// A set of packets. Canonical: protocol intervals map to key maps, key intervals map to
/// non-empty address sets, touching pieces with equal content are merged and empty
/// content is absent, so structural equality is set equality.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct PacketSet {
    protos: IntervalMap<u8, KeyMap>,
}

/// One block of a [`PacketSet`] for rendering: these protocols, these keys, these peers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PacketGroup {
    /// `All` when the block holds for every one of the 256 protocols.
    pub protocol: Protocol,
    /// Ports for tcp/udp, ICMP keys for icmp/icmpv6, always full otherwise.
    pub keys: PortSet,
    pub addrs: AddrSet,
}

fn non_empty(a: AddrSet) -> Option<AddrSet> {
    (!a.is_empty()).then_some(a)
}

fn non_empty_map(m: KeyMap) -> Option<KeyMap> {
    (!m.is_empty()).then_some(m)
}

fn keys_union(a: &KeyMap, b: &KeyMap) -> KeyMap {
    a.combine(b, |x, y| match (x, y) {
        (Some(x), Some(y)) => Some(x.union(y)),
        (Some(v), None) | (None, Some(v)) => Some(v.clone()),
        (None, None) => None,
    })
}

fn keys_intersection(a: &KeyMap, b: &KeyMap) -> KeyMap {
    a.combine(b, |x, y| match (x, y) {
        (Some(x), Some(y)) => non_empty(x.intersection(y)),
        _ => None,
    })
}

fn keys_difference(a: &KeyMap, b: &KeyMap) -> KeyMap {
    a.combine(b, |x, y| match (x, y) {
        (Some(x), Some(y)) => non_empty(x.difference(y)),
        (Some(x), None) => Some(x.clone()),
        _ => None,
    })
}

impl PacketSet {
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every packet: all protocols, all keys, all v4 and v6 addresses.
    pub fn all() -> Self {
        Self::new(Protocol::All, (0, u16::MAX), AddrSet::all())
    }

    /// Packets of `proto` with key in `keys` (inclusive) and peer in `addrs`.
    ///
    /// For `Protocol::All` and for protocols without ports or ICMP keys, `keys` is
    /// ignored and the full key range is used (AWS semantics). A reversed range
    /// (`lo > hi`) on tcp/udp/icmp selects nothing.
    pub fn new(proto: Protocol, keys: (u16, u16), addrs: AddrSet) -> Self {
        if addrs.is_empty() {
            return Self::empty();
        }
        let (plo, phi) = match proto {
            Protocol::All => (u8::MIN, u8::MAX),
            Protocol::Number(p) => (p, p),
        };
        let (klo, khi) = if proto.has_ports() || proto.is_icmp() {
            keys
        } else {
            (0, u16::MAX)
        };
        let km = KeyMap::piece(klo, khi, addrs);
        match non_empty_map(km) {
            Some(km) => PacketSet {
                protos: IntervalMap::piece(plo, phi, km),
            },
            None => Self::empty(),
        }
    }

    pub fn union(&self, other: &Self) -> Self {
        PacketSet {
            protos: self.protos.combine(&other.protos, |x, y| match (x, y) {
                (Some(x), Some(y)) => Some(keys_union(x, y)),
                (Some(v), None) | (None, Some(v)) => Some(v.clone()),
                (None, None) => None,
            }),
        }
    }

    /// The union of many sets, merged pairwise as a balanced tree so that folding
    /// thousands of rules costs O(n log n) merges instead of growing one accumulator
    /// n times.
    pub fn union_all<I: IntoIterator<Item = PacketSet>>(sets: I) -> Self {
        let mut layer: Vec<PacketSet> = sets.into_iter().collect();
        while layer.len() > 1 {
            let mut next = Vec::with_capacity(layer.len().div_ceil(2));
            let mut it = layer.into_iter();
            while let Some(a) = it.next() {
                match it.next() {
                    Some(b) => next.push(a.union(&b)),
                    None => next.push(a),
                }
            }
            layer = next;
        }
        layer.pop().unwrap_or_default()
    }

    pub fn intersection(&self, other: &Self) -> Self {
        PacketSet {
            protos: self.protos.combine(&other.protos, |x, y| match (x, y) {
                (Some(x), Some(y)) => non_empty_map(keys_intersection(x, y)),
                _ => None,
            }),
        }
    }

    pub fn difference(&self, other: &Self) -> Self {
        PacketSet {
            protos: self.protos.combine(&other.protos, |x, y| match (x, y) {
                (Some(x), Some(y)) => non_empty_map(keys_difference(x, y)),
                (Some(x), None) => Some(x.clone()),
                _ => None,
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.protos.is_empty()
    }

    pub fn is_all(&self) -> bool {
        *self == Self::all()
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }

    pub fn is_superset(&self, other: &Self) -> bool {
        other.is_subset(self)
    }

    /// Whether the packet (protocol number, key, peer address) is in the set. For
    /// protocols without keys any `key` gives the same answer.
    pub fn contains(&self, proto: u8, key: u16, addr: IpAddr) -> bool {
        self.protos
            .get(proto)
            .and_then(|km| km.get(key))
            .is_some_and(|a| a.contains(addr))
    }

    /// The same packets, keeping only peers in `addrs`.
    pub fn restrict_addrs(&self, addrs: &AddrSet) -> Self {
        PacketSet {
            protos: self.protos.filter_map(|km| {
                non_empty_map(km.filter_map(|a| non_empty(a.intersection(addrs))))
            }),
        }
    }

    /// Every peer address that appears with some protocol and key. Built with one sort
    /// over all ranges rather than a chain of unions.
    pub fn addrs(&self) -> AddrSet {
        AddrSet::union_all(self.pieces().map(|p| p.4))
    }

    /// The protocol numbers with at least one packet.
    pub fn protocols(&self) -> IntervalSet<u8> {
        self.protos.domain()
    }

    /// The raw canonical pieces `(proto_lo, proto_hi, key_lo, key_hi, addrs)`, for
    /// consumers that want to walk the set without rendering it.
    pub fn pieces(&self) -> impl Iterator<Item = (u8, u8, u16, u16, &AddrSet)> + '_ {
        self.protos.pieces().iter().flat_map(|(plo, phi, km)| {
            km.pieces()
                .iter()
                .map(move |(klo, khi, a)| (*plo, *phi, *klo, *khi, a))
        })
    }

    /// A deterministic partition of the set into readable blocks.
    ///
    /// The peers that every protocol accepts on every key (if any) are reported once as
    /// `Protocol::All` with all keys; what each protocol has beyond that is reported per
    /// protocol number. `All` groups always carry the full key range, because a key range
    /// means nothing for most protocols. Within one protocol, key ranges that share the
    /// same address set are merged into one `PortSet`. Groups are sorted by protocol
    /// (`All` first), then by lowest key.
    ///
    /// The blocks are disjoint and their union is exactly `self`.
    pub fn groups(&self) -> Vec<PacketGroup> {
        let pieces = self.protos.pieces();
        let mut out = Vec::new();
        let common = self.common_to_all();
        if !common.is_empty() {
            out.push(PacketGroup {
                protocol: Protocol::All,
                keys: PortSet::full(),
                addrs: common.clone(),
            });
        }
        for (plo, phi, km) in pieces {
            let rest = if common.is_empty() {
                km.clone()
            } else {
                km.filter_map(|a| non_empty(a.difference(&common)))
            };
            if rest.is_empty() {
                continue;
            }
            for p in *plo..=*phi {
                out.extend(group_keymap(Protocol::Number(p), &rest));
            }
        }
        out
    }

    /// The addresses present for every protocol and every key (empty unless both
    /// dimensions are fully covered).
    fn common_to_all(&self) -> AddrSet {
        if !self.protos.domain().is_full() {
            return AddrSet::empty();
        }
        let mut acc: Option<AddrSet> = None;
        for (_, _, km) in self.protos.pieces() {
            if !km.domain().is_full() {
                return AddrSet::empty();
            }
            for (_, _, a) in km.pieces() {
                let next = match acc {
                    None => a.clone(),
                    Some(prev) => prev.intersection(a),
                };
                if next.is_empty() {
                    return next;
                }
                acc = Some(next);
            }
        }
        acc.unwrap_or_default()
    }
}

/// Groups the pieces of one protocol's key map by address set, in ascending key order.
fn group_keymap(protocol: Protocol, km: &KeyMap) -> Vec<PacketGroup> {
    let mut order: Vec<(&AddrSet, Vec<(u16, u16)>)> = Vec::new();
    let mut index: HashMap<&AddrSet, usize> = HashMap::new();
    for (lo, hi, a) in km.pieces() {
        match index.get(a) {
            Some(&i) => order[i].1.push((*lo, *hi)),
            None => {
                index.insert(a, order.len());
                order.push((a, vec![(*lo, *hi)]));
            }
        }
    }
    order
        .into_iter()
        .map(|(a, ranges)| PacketGroup {
            protocol,
            keys: PortSet::from_ranges(ranges),
            addrs: a.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(nets: &[&str]) -> AddrSet {
        let v: Vec<ipnet::IpNet> = nets.iter().map(|s| s.parse().expect("test CIDR")).collect();
        AddrSet::from_nets(&v)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test ip")
    }

    #[test]
    fn all_protocols_cover_tcp_22() {
        let any = PacketSet::new(Protocol::All, (0, 0), AddrSet::all());
        let ssh = PacketSet::new(Protocol::TCP, (22, 22), addrs(&["0.0.0.0/0"]));
        assert!(any.is_superset(&ssh));
        assert!(!ssh.is_superset(&any));
        assert_eq!(any, PacketSet::all());
        assert!(any.is_all());
        assert_eq!(any.union(&ssh), any);
        assert_eq!(any.intersection(&ssh), ssh);
    }

    #[test]
    fn udp_is_not_tcp() {
        let udp = PacketSet::new(Protocol::UDP, (22, 22), AddrSet::all());
        let tcp = PacketSet::new(Protocol::TCP, (22, 22), AddrSet::all());
        assert!(!udp.is_superset(&tcp));
        assert!(!udp.contains(6, 22, ip("1.2.3.4")));
        assert!(udp.contains(17, 22, ip("1.2.3.4")));
        assert!(udp.intersection(&tcp).is_empty());
    }

    #[test]
    fn portless_protocols_ignore_the_range() {
        let esp = PacketSet::new(Protocol::Number(50), (22, 22), addrs(&["10.0.0.0/8"]));
        assert!(esp.contains(50, 1000, ip("10.1.2.3")));
        assert!(esp.contains(50, 0, ip("10.1.2.3")));
        assert_eq!(
            esp,
            PacketSet::new(Protocol::Number(50), (0, 65535), addrs(&["10.0.0.0/8"]))
        );
        let g = esp.groups();
        assert_eq!(g.len(), 1);
        assert!(g[0].keys.is_full());
    }

    #[test]
    fn reversed_or_empty_inputs_are_empty() {
        assert!(PacketSet::new(Protocol::TCP, (23, 22), AddrSet::all()).is_empty());
        assert!(PacketSet::new(Protocol::TCP, (22, 22), AddrSet::empty()).is_empty());
        assert_eq!(
            PacketSet::new(Protocol::All, (0, 0), AddrSet::empty()),
            PacketSet::empty()
        );
    }

    #[test]
    fn difference_and_restriction() {
        let tcp_all = PacketSet::new(Protocol::TCP, (0, 65535), addrs(&["10.0.0.0/8"]));
        let ssh = PacketSet::new(Protocol::TCP, (22, 22), addrs(&["10.0.0.0/8"]));
        let rest = tcp_all.difference(&ssh);
        assert!(!rest.contains(6, 22, ip("10.0.0.1")));
        assert!(rest.contains(6, 21, ip("10.0.0.1")));
        assert_eq!(rest.union(&ssh), tcp_all);
        let r = tcp_all.restrict_addrs(&addrs(&["10.1.0.0/16", "192.168.0.0/16"]));
        assert_eq!(r.addrs(), addrs(&["10.1.0.0/16"]));
        assert!(tcp_all
            .restrict_addrs(&addrs(&["192.168.0.0/16"]))
            .is_empty());
        assert_eq!(rest.protocols(), IntervalSet::single(6));
    }

    #[test]
    fn groups_pull_out_what_all_protocols_share() {
        let lan = addrs(&["10.0.0.0/8"]);
        let any_lan = PacketSet::new(Protocol::All, (0, 0), lan.clone());
        let ssh_world = PacketSet::new(Protocol::TCP, (22, 22), AddrSet::all_v4());
        let https_world = PacketSet::new(Protocol::TCP, (443, 443), AddrSet::all_v4());
        let set = any_lan.union(&ssh_world).union(&https_world);
        let g = set.groups();
        assert_eq!(g.len(), 2, "{g:?}");
        assert_eq!(g[0].protocol, Protocol::All);
        assert!(g[0].keys.is_full());
        assert_eq!(g[0].addrs, lan);
        assert_eq!(g[1].protocol, Protocol::TCP);
        assert_eq!(g[1].keys, PortSet::from_ranges([(22, 22), (443, 443)]));
        assert_eq!(g[1].addrs, AddrSet::all_v4().difference(&lan));
        // The groups partition the set exactly.
        let rebuilt = g.iter().fold(PacketSet::empty(), |acc, gr| {
            let p = match gr.protocol {
                Protocol::All => PacketSet::new(Protocol::All, (0, 0), gr.addrs.clone()),
                proto => gr
                    .keys
                    .ranges()
                    .iter()
                    .fold(PacketSet::empty(), |a, &(lo, hi)| {
                        a.union(&PacketSet::new(proto, (lo, hi), gr.addrs.clone()))
                    }),
            };
            acc.union(&p)
        });
        assert_eq!(rebuilt, set);
    }

    #[test]
    fn groups_all_keys_only_when_uniform() {
        let lan = addrs(&["10.0.0.0/8"]);
        let world = PacketSet::new(Protocol::All, (0, 0), AddrSet::all_v4());
        let ssh_outside =
            PacketSet::new(Protocol::TCP, (22, 22), AddrSet::all_v4().difference(&lan));
        let set = world.difference(&ssh_outside);
        let g = set.groups();
        assert_eq!(g[0].protocol, Protocol::All);
        assert!(g[0].keys.is_full());
        assert_eq!(g[0].addrs, lan);
        assert_eq!(
            g.len(),
            1 + 255 + 1,
            "all, 255 other protocols, tcp minus port 22"
        );
        let tcp = g
            .iter()
            .find(|x| x.protocol == Protocol::TCP)
            .expect("tcp group");
        assert_eq!(tcp.keys, PortSet::single(22).complement());
    }

    #[test]
    fn groups_without_all_protocols_are_per_protocol() {
        let a = PacketSet::new(Protocol::TCP, (80, 80), addrs(&["1.0.0.0/8"]));
        let b = PacketSet::new(Protocol::UDP, (53, 53), addrs(&["1.0.0.0/8"]));
        let c = PacketSet::new(Protocol::ICMP, (2048, 2303), addrs(&["2.0.0.0/8"]));
        let g = a.union(&b).union(&c).groups();
        let protos: Vec<Protocol> = g.iter().map(|x| x.protocol).collect();
        assert_eq!(protos, vec![Protocol::ICMP, Protocol::TCP, Protocol::UDP]);
        assert!(PacketSet::empty().groups().is_empty());
    }
}
