//! Network ACLs compiled to "allowed by first match" packet sets, per direction.
//!
//! Entries are evaluated in ascending rule number and the first match decides; nothing
//! matching means deny (<https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html>).
//! Walking entries in order, an allow entry contributes only what earlier entries did not
//! already decide: `allowed ∪= entry − covered; covered ∪= entry`.

use crate::model::{NaclEntry, NetworkAcl};
use crate::net::PacketSet;

use super::compile::{net_set, reply_ok, rule_set};

#[derive(Debug, Clone)]
pub(crate) struct CompiledNacl {
    /// Inbound packets allowed (peer = source).
    pub inbound: PacketSet,
    /// Outbound packets allowed (peer = destination).
    pub outbound: PacketSet,
    /// Inbound requests allowed in whose reply is allowed out: what an internet client
    /// gets through this ACL in both directions.
    pub inbound_round_trip: PacketSet,
    /// Outbound requests allowed out whose reply is allowed in.
    pub outbound_round_trip: PacketSet,
    /// Indices into the ACL's entries, sorted by rule number: inbound, outbound.
    pub order_in: Vec<usize>,
    pub order_out: Vec<usize>,
}

impl CompiledNacl {
    pub(crate) fn new(acl: &NetworkAcl) -> Self {
        let (order_in, inbound) = compile(&acl.entries, false);
        let (order_out, outbound) = compile(&acl.entries, true);
        Self::from_sets(inbound, outbound, order_in, order_out)
    }

    /// A subnet without any ACL in the export: allow everything (ENGINE-SPEC).
    pub(crate) fn allow_all() -> Self {
        Self::from_sets(PacketSet::all(), PacketSet::all(), Vec::new(), Vec::new())
    }

    fn from_sets(
        inbound: PacketSet,
        outbound: PacketSet,
        order_in: Vec<usize>,
        order_out: Vec<usize>,
    ) -> Self {
        let inbound_round_trip = inbound.intersection(&reply_ok(&outbound));
        let outbound_round_trip = outbound.intersection(&reply_ok(&inbound));
        CompiledNacl {
            inbound,
            outbound,
            inbound_round_trip,
            outbound_round_trip,
            order_in,
            order_out,
        }
    }
}

pub(crate) fn entry_set(e: &NaclEntry) -> PacketSet {
    rule_set(e.protocol, &e.ports, net_set(&e.cidr))
}

pub(crate) fn compile(entries: &[NaclEntry], egress: bool) -> (Vec<usize>, PacketSet) {
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].egress == egress)
        .collect();
    // Stable: equal rule numbers (impossible in AWS) keep load order.
    order.sort_by_key(|&i| entries[i].rule_number);
    let mut allowed = PacketSet::empty();
    let mut covered = PacketSet::empty();
    for &i in &order {
        let set = entry_set(&entries[i]);
        if entries[i].allow {
            allowed = allowed.union(&set.difference(&covered));
        }
        covered = covered.union(&set);
    }
    (order, allowed)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{Meta, PortSpec, Source};
    use crate::net::Protocol;

    /// One entry; the reply-traffic tests share it.
    pub(in crate::reach) fn entry(
        n: u16,
        egress: bool,
        allow: bool,
        proto: Protocol,
        cidr: &str,
        ports: PortSpec,
    ) -> NaclEntry {
        NaclEntry {
            rule_number: n,
            egress,
            allow,
            protocol: proto,
            cidr: cidr.parse().expect("test CIDR"),
            ports,
            source: Source::default(),
        }
    }

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().expect("test ip")
    }

    #[test]
    fn first_match_by_rule_number_not_json_order() {
        let acl = NetworkAcl {
            meta: Meta::default(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            entries: vec![
                entry(200, false, true, Protocol::All, "0.0.0.0/0", PortSpec::All),
                entry(
                    100,
                    false,
                    false,
                    Protocol::TCP,
                    "0.0.0.0/0",
                    PortSpec::Range(22, 22),
                ),
                entry(
                    100,
                    true,
                    true,
                    Protocol::TCP,
                    "0.0.0.0/0",
                    PortSpec::Range(1024, 65535),
                ),
                entry(110, false, true, Protocol::All, "::/0", PortSpec::All),
            ],
            subnet_ids: Vec::new(),
        };
        let c = CompiledNacl::new(&acl);
        assert!(!c.inbound.contains(6, 22, ip("8.8.8.8")));
        assert!(c.inbound.contains(6, 23, ip("8.8.8.8")));
        assert!(
            c.inbound.contains(6, 22, ip("2600::1")),
            "the IPv4 deny does not match IPv6"
        );
        assert_eq!(c.order_in.len(), 3);
        // Replies: tcp out on ephemeral ports only, IPv4 only.
        assert!(c.inbound_round_trip.contains(6, 80, ip("8.8.8.8")));
        assert!(!c.inbound_round_trip.contains(17, 53, ip("8.8.8.8")));
        assert!(!c.inbound_round_trip.contains(6, 80, ip("2600::1")));
        // An ACL without entries denies everything (the implicit `*` rule).
        let empty = NetworkAcl {
            entries: Vec::new(),
            ..acl
        };
        assert!(CompiledNacl::new(&empty).inbound.is_empty());
    }
}
