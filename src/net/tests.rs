//! Property tests: the packet-space algebra against naive membership models.
//!
//! Every canonical structure here is checked two ways: pointwise (does the fast set
//! answer `contains` like the obvious "any of these ranges/rules matches" predicate, on
//! random points and on every boundary point lo-1, lo, hi, hi+1 of every input?) and
//! structurally (do algebraic identities hold with `==`, which only works if the
//! representation is canonical?).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use proptest::prelude::*;

use super::*;

// ---------- generators ----------

fn u16_value() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(0u16),
        Just(u16::MAX),
        0u16..64,
        65500u16..=u16::MAX,
        any::<u16>()
    ]
}

fn u16_ranges() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop::collection::vec((u16_value(), u16_value()), 0..6)
}

fn u8_ranges() -> impl Strategy<Value = Vec<(u8, u8)>> {
    prop::collection::vec((any::<u8>(), any::<u8>()), 0..6)
}

fn net_of(s: &str) -> IpNet {
    s.parse().expect("literal CIDR")
}

fn cidr() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        prop::sample::select(vec![
            "0.0.0.0/0",
            "0.0.0.0/1",
            "128.0.0.0/1",
            "0.0.0.0/32",
            "255.255.255.255/32",
            "10.0.0.0/8",
            "10.0.0.0/24",
            "::/0",
            "::/1",
            "8000::/1",
            "::/128",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
            "2001:db8::/32",
        ])
        .prop_map(net_of),
        // Anywhere in the v4 space, any prefix.
        (any::<u32>(), 0u8..=32).prop_map(|(a, p)| {
            IpNet::V4(
                ipnet::Ipv4Net::new(Ipv4Addr::from(a), p)
                    .expect("p <= 32")
                    .trunc(),
            )
        }),
        // Crowded into 10.0.0.0/20 so blocks overlap and touch often.
        (0u32..4096, 20u8..=32).prop_map(|(a, p)| {
            let addr = Ipv4Addr::from(0x0a00_0000 | a);
            IpNet::V4(ipnet::Ipv4Net::new(addr, p).expect("p <= 32").trunc())
        }),
        (any::<u128>(), 0u8..=128).prop_map(|(a, p)| {
            IpNet::V6(
                ipnet::Ipv6Net::new(Ipv6Addr::from(a), p)
                    .expect("p <= 128")
                    .trunc(),
            )
        }),
        // Crowded near the top of the v6 space to exercise the u128 edge.
        (0u128..4096, 116u8..=128).prop_map(|(a, p)| {
            let addr = Ipv6Addr::from(u128::MAX - a);
            IpNet::V6(ipnet::Ipv6Net::new(addr, p).expect("p <= 128").trunc())
        }),
    ]
}

fn cidrs() -> impl Strategy<Value = Vec<IpNet>> {
    prop::collection::vec(cidr(), 0..5)
}

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        Just(Protocol::All),
        Just(Protocol::TCP),
        Just(Protocol::UDP),
        Just(Protocol::ICMP),
        Just(Protocol::ICMPV6),
        Just(Protocol::Number(50)),
        Just(Protocol::Number(0)),
        Just(Protocol::Number(255)),
    ]
}

/// One AWS-like rule: protocol, key range, peers.
type Rule = (Protocol, (u16, u16), Vec<IpNet>);

fn rules() -> impl Strategy<Value = Vec<Rule>> {
    prop::collection::vec((protocol(), (u16_value(), u16_value()), cidrs()), 0..5)
}

// ---------- naive models ----------

fn in_ranges<T: PartialOrd>(ranges: &[(T, T)], v: T) -> bool {
    ranges.iter().any(|(lo, hi)| *lo <= v && v <= *hi)
}

fn in_nets(nets: &[IpNet], a: IpAddr) -> bool {
    nets.iter().any(|n| n.contains(&a))
}

fn rule_matches(rule: &Rule, proto: u8, key: u16, a: IpAddr) -> bool {
    let (p, (lo, hi), nets) = rule;
    let proto_ok = match p {
        Protocol::All => true,
        Protocol::Number(n) => *n == proto,
    };
    let keys_ok = match p {
        Protocol::All => true,
        p if p.has_ports() || p.is_icmp() => *lo <= key && key <= *hi,
        _ => true,
    };
    proto_ok && keys_ok && in_nets(nets, a)
}

fn in_rules(rules: &[Rule], proto: u8, key: u16, a: IpAddr) -> bool {
    rules.iter().any(|r| rule_matches(r, proto, key, a))
}

fn build(rules: &[Rule]) -> PacketSet {
    rules.iter().fold(PacketSet::empty(), |acc, (p, k, nets)| {
        acc.union(&PacketSet::new(*p, *k, AddrSet::from_nets(nets)))
    })
}

// ---------- probe points ----------

fn u16_probes(ranges: &[&[(u16, u16)]], extra: &[u16]) -> Vec<u16> {
    let mut v = vec![0, 1, u16::MAX - 1, u16::MAX];
    v.extend_from_slice(extra);
    for rs in ranges {
        for &(lo, hi) in rs.iter() {
            v.extend([lo, hi]);
            v.extend(lo.checked_sub(1));
            v.extend(hi.checked_add(1));
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn addr_probes(nets: &[&[IpNet]], extra: &[IpAddr]) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = vec![
        Ipv4Addr::new(0, 0, 0, 0).into(),
        Ipv4Addr::new(255, 255, 255, 255).into(),
        Ipv6Addr::from(0u128).into(),
        Ipv6Addr::from(u128::MAX).into(),
    ];
    v.extend_from_slice(extra);
    for ns in nets {
        for n in ns.iter() {
            match n {
                IpNet::V4(n) => {
                    let (lo, hi) = (u32::from(n.network()), u32::from(n.broadcast()));
                    for x in [lo.checked_sub(1), Some(lo), Some(hi), hi.checked_add(1)]
                        .into_iter()
                        .flatten()
                    {
                        v.push(Ipv4Addr::from(x).into());
                    }
                }
                IpNet::V6(n) => {
                    let (lo, hi) = (u128::from(n.network()), u128::from(n.broadcast()));
                    for x in [lo.checked_sub(1), Some(lo), Some(hi), hi.checked_add(1)]
                        .into_iter()
                        .flatten()
                    {
                        v.push(Ipv6Addr::from(x).into());
                    }
                }
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn any_addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::from(Ipv4Addr::from(a))),
        (0u32..4096).prop_map(|a| IpAddr::from(Ipv4Addr::from(0x0a00_0000 | a))),
        any::<u128>().prop_map(|a| IpAddr::from(Ipv6Addr::from(a))),
        (0u128..4096).prop_map(|a| IpAddr::from(Ipv6Addr::from(u128::MAX - a))),
    ]
}

// ---------- CIDR checks ----------

/// `to_cidrs` is exact, sorted, disjoint, and every block is maximal (its parent block
/// is not inside the set). Maximal blocks of a set are unique and disjoint, and any exact
/// CIDR cover needs at least one block inside each of them, so this proves minimality.
fn check_cidrs(set: &AddrSet) -> Result<(), TestCaseError> {
    let cidrs = set.to_cidrs();
    prop_assert_eq!(&AddrSet::from_nets(&cidrs), set, "cidrs {:?}", cidrs);
    let mut sorted = cidrs.clone();
    sorted.sort_by_key(|n| (n.network().is_ipv6(), n.network()));
    prop_assert_eq!(&sorted, &cidrs);
    for w in cidrs.windows(2) {
        let disjoint = match (w[0], w[1]) {
            (IpNet::V4(a), IpNet::V4(b)) => a.broadcast() < b.network(),
            (IpNet::V6(a), IpNet::V6(b)) => a.broadcast() < b.network(),
            _ => true,
        };
        prop_assert!(disjoint, "{} and {} overlap", w[0], w[1]);
    }
    for n in &cidrs {
        if let Some(parent) = n.supernet() {
            prop_assert!(
                !AddrSet::from_net(&parent).is_subset(set),
                "{} could be widened to {}",
                n,
                parent
            );
        }
    }
    Ok(())
}

// ---------- properties ----------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// u8 is small enough to check every value.
    #[test]
    fn u8_sets_match_model_everywhere(a in u8_ranges(), b in u8_ranges()) {
        let (sa, sb) = (IntervalSet::from_ranges(a.clone()), IntervalSet::from_ranges(b.clone()));
        let (u, i, d, c) = (sa.union(&sb), sa.intersection(&sb), sa.difference(&sb), sa.complement());
        let mut count = 0u128;
        for v in 0..=u8::MAX {
            let (ia, ib) = (in_ranges(&a, v), in_ranges(&b, v));
            count += u128::from(ia);
            prop_assert_eq!(sa.contains(v), ia);
            prop_assert_eq!(u.contains(v), ia || ib);
            prop_assert_eq!(i.contains(v), ia && ib);
            prop_assert_eq!(d.contains(v), ia && !ib);
            prop_assert_eq!(c.contains(v), !ia);
        }
        prop_assert_eq!(sa.len(), count);
        prop_assert_eq!(sa.is_subset(&sb), sa.difference(&sb).is_empty());
        prop_assert_eq!(sa.is_full(), count == 256);
    }

    #[test]
    fn u16_sets_match_model(a in u16_ranges(), b in u16_ranges(), extra in prop::collection::vec(any::<u16>(), 8)) {
        let (sa, sb) = (PortSet::from_ranges(a.clone()), PortSet::from_ranges(b.clone()));
        let (u, i, d, c) = (sa.union(&sb), sa.intersection(&sb), sa.difference(&sb), sa.complement());
        for v in u16_probes(&[&a, &b], &extra) {
            let (ia, ib) = (in_ranges(&a, v), in_ranges(&b, v));
            prop_assert_eq!(sa.contains(v), ia);
            prop_assert_eq!(u.contains(v), ia || ib);
            prop_assert_eq!(i.contains(v), ia && ib);
            prop_assert_eq!(d.contains(v), ia && !ib);
            prop_assert_eq!(c.contains(v), !ia);
        }
        // Canonical form: identities hold structurally.
        prop_assert_eq!(&u, &sb.union(&sa));
        prop_assert_eq!(&i, &sb.intersection(&sa));
        prop_assert_eq!(&d.union(&i), &sa);
        prop_assert_eq!(&c.complement(), &sa);
        prop_assert_eq!(&sa.difference(&sb), &sa.intersection(&sb.complement()));
        prop_assert!(d.intersection(&sb).is_empty());
        prop_assert_eq!(sa.is_subset(&sb), sa.difference(&sb).is_empty());
        // Canonical ranges: sorted, non-empty, separated by a gap.
        for w in sa.ranges().windows(2) {
            prop_assert!(u32::from(w[0].1) + 1 < u32::from(w[1].0));
        }
    }

    #[test]
    fn addr_sets_match_model(
        a in cidrs(),
        b in cidrs(),
        extra in prop::collection::vec(any_addr(), 8),
    ) {
        let (sa, sb) = (AddrSet::from_nets(&a), AddrSet::from_nets(&b));
        let (u, i, d, c) = (sa.union(&sb), sa.intersection(&sb), sa.difference(&sb), sa.complement());
        for p in addr_probes(&[&a, &b], &extra) {
            let (ia, ib) = (in_nets(&a, p), in_nets(&b, p));
            prop_assert_eq!(sa.contains(p), ia, "{}", p);
            prop_assert_eq!(u.contains(p), ia || ib, "{}", p);
            prop_assert_eq!(i.contains(p), ia && ib, "{}", p);
            prop_assert_eq!(d.contains(p), ia && !ib, "{}", p);
            prop_assert_eq!(c.contains(p), !ia, "{}", p);
        }
        prop_assert_eq!(&u, &sb.union(&sa));
        prop_assert_eq!(&d.union(&i), &sa);
        prop_assert_eq!(&c.complement(), &sa);
        prop_assert_eq!(sa.is_subset(&sb), d.is_empty());
        // Rebuilding by repeated single unions gives the same canonical set.
        let one_by_one = a.iter().fold(AddrSet::empty(), |acc, n| acc.union(&AddrSet::from_net(n)));
        prop_assert_eq!(&one_by_one, &sa);
        for s in [&sa, &u, &i, &d, &c] {
            check_cidrs(s)?;
        }
    }

    #[test]
    fn packet_sets_match_model(
        ra in rules(),
        rb in rules(),
        extra_keys in prop::collection::vec(any::<u16>(), 3),
        extra_addrs in prop::collection::vec(any_addr(), 3),
    ) {
        let (a, b) = (build(&ra), build(&rb));
        let (u, i, d) = (a.union(&b), a.intersection(&b), a.difference(&b));

        let key_ranges: Vec<(u16, u16)> = ra.iter().chain(&rb).map(|r| r.1).collect();
        let keys = u16_probes(&[&key_ranges], &extra_keys);
        let nets: Vec<IpNet> = ra.iter().chain(&rb).flat_map(|r| r.2.iter().copied()).collect();
        let addrs = addr_probes(&[&nets], &extra_addrs);
        for proto in [0u8, 1, 2, 5, 6, 7, 17, 50, 58, 254, 255] {
            for &k in &keys {
                for &p in &addrs {
                    let (ia, ib) = (in_rules(&ra, proto, k, p), in_rules(&rb, proto, k, p));
                    prop_assert_eq!(a.contains(proto, k, p), ia, "a {} {} {}", proto, k, p);
                    prop_assert_eq!(u.contains(proto, k, p), ia || ib, "u {} {} {}", proto, k, p);
                    prop_assert_eq!(i.contains(proto, k, p), ia && ib, "i {} {} {}", proto, k, p);
                    prop_assert_eq!(d.contains(proto, k, p), ia && !ib, "d {} {} {}", proto, k, p);
                }
            }
        }

        // Canonical form.
        prop_assert_eq!(&u, &b.union(&a));
        prop_assert_eq!(&i, &b.intersection(&a));
        prop_assert_eq!(&d.union(&i), &a);
        prop_assert!(d.intersection(&b).is_empty());
        let reversed: Vec<Rule> = ra.iter().rev().cloned().collect();
        prop_assert_eq!(&build(&reversed), &a);
        let all_at_once = PacketSet::union_all(ra.iter().map(|(p, k, n)| PacketSet::new(*p, *k, AddrSet::from_nets(n))));
        prop_assert_eq!(&all_at_once, &a);
        prop_assert_eq!(a.is_subset(&b), d.is_empty());
        prop_assert!(i.is_subset(&a) && i.is_subset(&b) && a.is_subset(&u));
    }

    #[test]
    fn packet_projections_and_restriction(ra in rules(), only in cidrs()) {
        let a = build(&ra);
        let keep = AddrSet::from_nets(&only);
        // addrs() is the union of every rule's peers that actually contributes a packet.
        let expected = ra.iter().fold(AddrSet::empty(), |acc, (p, k, nets)| {
            let contributes = !PacketSet::new(*p, *k, AddrSet::all()).is_empty();
            if contributes { acc.union(&AddrSet::from_nets(nets)) } else { acc }
        });
        prop_assert_eq!(a.addrs(), expected);
        let r = a.restrict_addrs(&keep);
        prop_assert_eq!(&r, &a.intersection(&PacketSet::new(Protocol::All, (0, 0), keep.clone())));
        prop_assert!(r.addrs().is_subset(&keep));
        prop_assert!(a.protocols().is_subset(&IntervalSet::full()));
        prop_assert_eq!(r.protocols().is_empty(), r.is_empty());
    }

    /// groups() is a partition: pairwise disjoint, union exactly the set, deterministic.
    #[test]
    fn groups_partition_the_set(ra in rules()) {
        let a = build(&ra);
        let groups = a.groups();
        let as_sets: Vec<PacketSet> = groups.iter().map(|g| {
            prop_assert!(!g.addrs.is_empty() && !g.keys.is_empty());
            if g.protocol == Protocol::All {
                prop_assert!(g.keys.is_full());
            }
            Ok(g.keys.ranges().iter().fold(PacketSet::empty(), |acc, &(lo, hi)| {
                acc.union(&PacketSet::new(g.protocol, (lo, hi), g.addrs.clone()))
            }))
        }).collect::<Result<_, TestCaseError>>()?;
        let mut total = PacketSet::empty();
        for s in &as_sets {
            prop_assert!(total.intersection(s).is_empty(), "groups overlap: {:?}", groups);
            total = total.union(s);
        }
        prop_assert_eq!(&total, &a);
        prop_assert_eq!(a.clone().groups(), groups.clone());
        let sorted = groups.windows(2).all(|w| {
            (w[0].protocol, w[0].keys.ranges().first()) <= (w[1].protocol, w[1].keys.ranges().first())
        });
        prop_assert!(sorted, "{:?}", groups);
    }
}
