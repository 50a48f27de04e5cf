//! Property tests: random estates, sampled packets, the brute-force oracle as the judge.
//!
//! Cases: `VPCLINT_PROPTEST_CASES` (default [`DEFAULT_CASES`]). Each case is one random estate;
//! on failure the estate (Debug) and the packet are printed so they can become a fixture.

use std::net::IpAddr;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use vpclint::model::{Estate, NetworkInterface};
use vpclint::reach::Reach;

use crate::oracle;
use crate::oracle::gen::{self, Interesting, PacketPick};

const DEFAULT_CASES: u32 = 1000;

fn cases() -> u32 {
    std::env::var("VPCLINT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Regressions belong in fixtures/oracle, not in a file proptest scatters next to us.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

/// Every address of an interface the spec treats as its own (private IPv4, IPv6).
fn own_addresses(eni: &NetworkInterface) -> Vec<IpAddr> {
    let v4 = eni.private_ips.iter().map(|a| IpAddr::V4(*a));
    let v6 = eni.ipv6_addresses.iter().map(|a| IpAddr::V6(*a));
    v4.chain(v6).collect()
}

/// Every (a of src, b of dst) of one family, as the spec's interface case takes them.
fn address_pairs(src: &NetworkInterface, dst: &NetworkInterface) -> Vec<(IpAddr, IpAddr)> {
    let mut pairs = Vec::new();
    for a in own_addresses(src) {
        for b in own_addresses(dst) {
            if a.is_ipv4() == b.is_ipv4() {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// A sampled packet, printed in full when a property fails.
#[derive(Debug, Clone, Copy)]
struct Packet {
    p: u8,
    k: u16,
    a: IpAddr,
}

fn packets(picks: &[PacketPick], global: &Interesting, local: &Interesting) -> Vec<Packet> {
    picks
        .iter()
        .map(|pick| {
            let (p, k, a) = pick.packet(global, local);
            Packet { p, k, a }
        })
        .collect()
}

/// The same estate with every NACL gone (so every subnet allows everything).
fn without_nacls(estate: &Estate) -> Estate {
    Estate {
        vpcs: clone_arena(&estate.vpcs, |v| &v.meta.id),
        subnets: clone_arena(&estate.subnets, |s| &s.meta.id),
        route_tables: clone_arena(&estate.route_tables, |t| &t.meta.id),
        security_groups: clone_arena(&estate.security_groups, |g| &g.meta.id),
        prefix_lists: clone_arena(&estate.prefix_lists, |l| &l.meta.id),
        interfaces: clone_arena(&estate.interfaces, |e| &e.meta.id),
        internet_gateways: clone_arena(&estate.internet_gateways, |g| &g.meta.id),
        egress_only_gateways: clone_arena(&estate.egress_only_gateways, |g| &g.meta.id),
        peerings: clone_arena(&estate.peerings, |p| &p.meta.id),
        ..Estate::default()
    }
}

fn clone_arena<T: Clone>(
    arena: &vpclint::model::Arena<T>,
    id: impl Fn(&T) -> &String,
) -> vpclint::model::Arena<T> {
    let mut copy = vpclint::model::Arena::default();
    for item in arena.iter() {
        copy.insert(id(item), item.clone());
    }
    copy
}

proptest! {
    #![proptest_config(config())]

    /// The oracle alone: NACLs only ever take reachability away, never add it; and inside one
    /// subnet they change nothing. (Guards the generator and the oracle before the engine.)
    #[test]
    fn oracle_nacls_only_take_away(
        plan in gen::plan(),
        picks in prop::collection::vec(gen::packet_pick(), 8),
    ) {
        let estate = gen::build(&plan);
        let open = without_nacls(&estate);
        let found = Interesting::of(&estate);
        for eni in estate.interfaces.iter() {
            let local = Interesting::of_ingress(&estate, eni);
            for pk in &packets(&picks, &found, &local) {
                let with = oracle::internet_to_interface(&estate, &eni.meta.id, pk.p, pk.k, pk.a);
                let without = oracle::internet_to_interface(&open, &eni.meta.id, pk.p, pk.k, pk.a);
                prop_assert!(!with || without, "{pk:?} to {}\n{estate:#?}", eni.meta.id);
            }
        }
        for e1 in estate.interfaces.iter() {
            for e2 in estate.interfaces.iter() {
                for a in own_addresses(e1) {
                    for b in own_addresses(e2) {
                        let pk = packets(&picks, &found, &Interesting::of_ingress(&estate, e2))[0];
                        let with = oracle::interface_to_interface(
                            &estate, &e1.meta.id, a, &e2.meta.id, b, pk.p, pk.k);
                        let without = oracle::interface_to_interface(
                            &open, &e1.meta.id, a, &e2.meta.id, b, pk.p, pk.k);
                        prop_assert!(!with || without);
                        if e1.subnet_id == e2.subnet_id {
                            prop_assert_eq!(with, without);
                        }
                    }
                }
            }
        }
    }
}

/// The generator is only useful if both verdicts are common: count them over fixed estates.
#[test]
fn generated_estates_are_sometimes_reachable_and_sometimes_not() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut internet, mut internet_open, mut pairs, mut pairs_open) = (0, 0, 0, 0);
    for _ in 0..60 {
        let plan = gen::plan().new_tree(&mut runner).unwrap().current();
        let picks = prop::collection::vec(gen::packet_pick(), 20)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let estate = gen::build(&plan);
        let found = Interesting::of(&estate);
        for e2 in estate.interfaces.iter() {
            let local = Interesting::of_ingress(&estate, e2);
            let sample = packets(&picks, &found, &local);
            for pk in &sample {
                internet += 1;
                if oracle::internet_to_interface(&estate, &e2.meta.id, pk.p, pk.k, pk.a) {
                    internet_open += 1;
                }
            }
            for e1 in estate.interfaces.iter() {
                for (a, b) in address_pairs(e1, e2) {
                    for pk in sample.iter().take(5) {
                        pairs += 1;
                        let (s, d) = (&e1.meta.id, &e2.meta.id);
                        if oracle::interface_to_interface(&estate, s, a, d, b, pk.p, pk.k) {
                            pairs_open += 1;
                        }
                    }
                }
            }
        }
    }
    eprintln!("internet {internet_open}/{internet}, interface pairs {pairs_open}/{pairs}");
    assert!(internet_open * 500 > internet, "{internet_open}/{internet}");
    assert!(pairs_open * 200 > pairs, "{pairs_open}/{pairs}");
    assert!(internet_open < internet && pairs_open < pairs);
}

/// Packets compared per (source address, destination address) pair; the internet direction
/// uses every sampled packet.
const PAIR_PACKETS: usize = 12;

/// Everything needed to turn a mismatch into a fixture.
fn mismatch(what: &str, estate: &Estate, pk: &Packet, engine: bool, oracle: bool) -> String {
    format!(
        "{what}: packet p={} k={} a={} engine={engine} oracle={oracle}\nestate:\n{estate:#?}",
        pk.p, pk.k, pk.a
    )
}

proptest! {
    #![proptest_config(config())]

    /// ENGINE-SPEC property: `set.contains(p, k, a)` equals the oracle for sampled packets, for
    /// every interface from the internet and for every ordered pair of interfaces (every
    /// destination address; every source address of either family plus foreign addresses,
    /// which must never be in the set).
    #[test]
    fn engine_agrees_with_the_oracle(
        plan in gen::plan(),
        picks in prop::collection::vec(gen::packet_pick(), 50),
    ) {
        let estate = gen::build(&plan);
        let reach = Reach::new(&estate);
        let found = Interesting::of(&estate);
        for (dst, e2) in estate.interfaces.indexed() {
            let local = Interesting::of_ingress(&estate, e2);
            let sample = packets(&picks, &found, &local);
            let set = reach.internet_to_interface(dst);
            for pk in &sample {
                let engine = set.contains(pk.p, pk.k, pk.a);
                let oracle = oracle::internet_to_interface(&estate, &e2.meta.id, pk.p, pk.k, pk.a);
                let what = format!("internet -> {}", e2.meta.id);
                prop_assert!(engine == oracle, "{}", mismatch(&what, &estate, pk, engine, oracle));
            }
            for (src, e1) in estate.interfaces.indexed() {
                for b in own_addresses(e2) {
                    let set = reach.interface_to_interface(src, dst, b);
                    let mut sources = own_addresses(e1);
                    sources.push(sample[0].a);
                    for a in sources {
                        for pk in sample.iter().take(PAIR_PACKETS) {
                            let pk = Packet { p: pk.p, k: pk.k, a };
                            let engine = set.contains(pk.p, pk.k, a);
                            let oracle = oracle::interface_to_interface(
                                &estate, &e1.meta.id, a, &e2.meta.id, b, pk.p, pk.k);
                            let what = format!("{} -> {} at {b}", e1.meta.id, e2.meta.id);
                            prop_assert!(
                                engine == oracle,
                                "{}",
                                mismatch(&what, &estate, &pk, engine, oracle)
                            );
                        }
                    }
                }
            }
        }
    }
}
