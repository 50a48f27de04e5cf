//! Security groups compiled to packet sets, and group membership as address sets.
//!
//! A group reference admits the *private* addresses of every interface carrying the
//! referenced group (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing>);
//! membership is collected in one pass over interfaces, so it is linear in memberships.

use std::collections::HashMap;

use ipnet::IpNet;

use crate::model::{Estate, Peer, SgRule};
use crate::net::{AddrSet, PacketSet};

use super::compile::rule_set;

/// One group's rules as sets (peer = source for ingress, destination for egress).
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledGroup {
    pub ingress: PacketSet,
    pub egress: PacketSet,
    /// Without group-reference rules: what internet peers can match (ENGINE-SPEC: a group
    /// reference is never an internet source, whatever addresses its members have).
    pub ingress_internet: PacketSet,
    pub egress_internet: PacketSet,
}

/// Addresses of group members and prefix lists: what a peer stands for.
#[derive(Debug, Default)]
pub(crate) struct Peers {
    /// Group id → private addresses (IPv4 and IPv6) of interfaces carrying it.
    pub members: HashMap<String, AddrSet>,
    /// Prefix list id → its CIDRs (only lists whose entries are known).
    pub prefix_lists: HashMap<String, Vec<IpNet>>,
}

impl Peers {
    pub(crate) fn new(estate: &Estate) -> Self {
        let mut nets: HashMap<&str, Vec<IpNet>> = HashMap::new();
        for eni in estate.interfaces.iter() {
            for gid in &eni.group_ids {
                let v = nets.entry(gid.as_str()).or_default();
                v.extend(
                    eni.private_ips
                        .iter()
                        .map(|a| IpNet::from(std::net::IpAddr::V4(*a))),
                );
                v.extend(
                    eni.ipv6_addresses
                        .iter()
                        .map(|a| IpNet::from(std::net::IpAddr::V6(*a))),
                );
            }
        }
        let members = nets
            .into_iter()
            // A reference to a group that is not in the estate matches nothing (ENGINE-SPEC).
            .filter(|(gid, _)| estate.security_groups.find(gid).is_some())
            .map(|(gid, v)| (gid.to_string(), AddrSet::from_nets(&v)))
            .collect();
        let prefix_lists = estate
            .prefix_lists
            .iter()
            .filter_map(|pl| pl.cidrs.clone().map(|c| (pl.meta.id.clone(), c)))
            .collect();
        Peers {
            members,
            prefix_lists,
        }
    }

    /// The addresses a rule's peer stands for.
    pub(crate) fn addrs(&self, peer: &Peer) -> AddrSet {
        match peer {
            Peer::Cidr(n) => AddrSet::from_net(n),
            Peer::PrefixList(id) => self
                .prefix_lists
                .get(id)
                .map(AddrSet::from_nets)
                .unwrap_or_default(),
            Peer::Group { group_id, .. } => self.members.get(group_id).cloned().unwrap_or_default(),
        }
    }

    pub(crate) fn rule_set(&self, rule: &SgRule) -> PacketSet {
        rule_set(rule.protocol, &rule.ports, self.addrs(&rule.peer))
    }

    pub(crate) fn compile(&self, estate: &Estate) -> Vec<CompiledGroup> {
        estate
            .security_groups
            .iter()
            .map(|g| {
                let all =
                    |rules: &[SgRule]| PacketSet::union_all(rules.iter().map(|r| self.rule_set(r)));
                let no_groups = |rules: &[SgRule]| {
                    PacketSet::union_all(
                        rules
                            .iter()
                            .filter(|r| !matches!(r.peer, Peer::Group { .. }))
                            .map(|r| self.rule_set(r)),
                    )
                };
                CompiledGroup {
                    ingress: all(&g.ingress),
                    egress: all(&g.egress),
                    ingress_internet: no_groups(&g.ingress),
                    egress_internet: no_groups(&g.egress),
                }
            })
            .collect()
    }
}
