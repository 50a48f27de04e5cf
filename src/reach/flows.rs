//! Flows between the internet, CIDRs and interfaces, as exact packet sets.
//!
//! **Internet → interface** (ENGINE-SPEC): client `a` in [`internet()`]; an IPv4 client
//! needs a public IPv4 on the interface, an IPv6 client an IPv6 address; the subnet's
//! table must route `a` (longest prefix) to an internet gateway attached to the VPC
//! (egress-only gateways and NAT gateways never admit inbound:
//! <https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html>);
//! the subnet ACL must allow the request in and the reply out; a group must allow it in.
//!
//! **Interface → interface** (ENGINE-SPEC): same VPC via `local` routes both ways, or
//! across an active peering named by the routes both ways (peering is not transitive:
//! <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html>); the source's
//! groups allow egress, the destination's groups ingress; ACLs of both subnets when they
//! differ, with ONE ephemeral port passing the reply through both.
//!
//! **CIDR → interface** ([`Reach::cidr_to_interface`]): the internet part of the CIDR is
//! treated as internet clients; the rest as hosts without security groups of their own in
//! a different subnet of a VPC the destination's table routes `local` (or via a peering)
//! — so only the destination's ACL and groups filter it. This is the reading that does
//! not hide exposure (DESIGN.md §4).
//!
//! **Interface → internet** ([`Reach::interface_to_internet`], addr = destination):
//! - IPv4 direct: the interface has a public IPv4 and its table routes the destination to
//!   an attached internet gateway.
//! - IPv6 direct: the interface has an IPv6 address and the table routes the destination
//!   to an attached internet gateway or egress-only gateway.
//! - IPv4 via NAT: the table routes the destination to a NAT gateway in the estate that is
//!   not `failed`/`deleted`/`deleting` and is `public`, whose own subnet's table routes the
//!   destination to an internet gateway attached to the NAT's VPC
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>). The
//!   interface's ACL must let the request out and the reply in; the NAT subnet's ACL (when
//!   it is another subnet) must let the request in from the interface's primary private
//!   address and out to the destination, and the reply (on one ephemeral port) back.
//! - In every case the interface's groups must allow the egress.

use std::net::IpAddr;

use crate::model::{Idx, NetworkInterface, RouteTarget};
use crate::net::{AddrSet, PacketSet};

use super::compile::{keys_at, reply_ok};
use super::internet::internet;
use super::{ClassKey, Place, Reach, Rules};

/// The addresses of an interface as an [`AddrSet`]: private IPv4 and IPv6.
pub(crate) fn private_addrs(eni: &NetworkInterface) -> AddrSet {
    let v: Vec<ipnet::IpNet> = eni
        .private_ips
        .iter()
        .map(|a| ipnet::IpNet::from(IpAddr::V4(*a)))
        .chain(
            eni.ipv6_addresses
                .iter()
                .map(|a| ipnet::IpNet::from(IpAddr::V6(*a))),
        )
        .collect();
    AddrSet::from_nets(&v)
}

/// The client families an interface can be reached on from the internet.
pub(crate) fn public_families(eni: &NetworkInterface) -> AddrSet {
    let mut a = AddrSet::empty();
    if eni.has_public_ipv4() {
        a = a.union(&AddrSet::all_v4());
    }
    if !eni.ipv6_addresses.is_empty() {
        a = a.union(&AddrSet::all_v6());
    }
    a
}

fn same_family(addr: IpAddr) -> AddrSet {
    match addr {
        IpAddr::V4(_) => AddrSet::all_v4(),
        IpAddr::V6(_) => AddrSet::all_v6(),
    }
}

/// NAT gateway states that forward traffic (pending ones are about to).
fn nat_usable(state: Option<&str>) -> bool {
    !matches!(state, Some("failed" | "deleted" | "deleting"))
}

impl<'e> Reach<'e> {
    pub(crate) fn place_of(&self, eni: &'e NetworkInterface) -> Place<'_> {
        self.place(&eni.subnet_id, &eni.vpc_id)
    }

    /// The packets internet clients get through to the interface (addr = client address).
    pub fn internet_to_interface(&self, eni: Idx<NetworkInterface>) -> PacketSet {
        let e = self.estate.interfaces.get(eni);
        let key = self.class_key(e);
        if let Some(hit) = self.class_cache.borrow().get(&key) {
            return hit.clone();
        }
        let set = self.internet_to_interface_uncached(e);
        self.class_cache.borrow_mut().insert(key, set.clone());
        set
    }

    /// Interfaces with equal keys get equal [`Reach::internet_to_interface`] sets: the
    /// set depends only on the subnet (table, ACL, VPC), the existing groups, and which
    /// address families are public.
    pub(crate) fn class_key(&self, e: &NetworkInterface) -> ClassKey {
        let mut groups: Vec<String> = e
            .group_ids
            .iter()
            .filter(|g| self.estate.security_groups.find(g).is_some())
            .cloned()
            .collect();
        groups.sort();
        groups.dedup();
        (
            e.subnet_id.clone(),
            e.vpc_id.clone(),
            groups,
            e.has_public_ipv4(),
            !e.ipv6_addresses.is_empty(),
        )
    }

    fn internet_to_interface_uncached(&self, e: &'e NetworkInterface) -> PacketSet {
        let place = self.place_of(e);
        let clients = internet()
            .intersection(&public_families(e))
            .intersection(&self.igw_region(&place));
        if clients.is_empty() {
            return PacketSet::empty();
        }
        self.sg_set(&e.group_ids, Rules::IngressFromInternet)
            .intersection(&self.nacl(&place).inbound_round_trip)
            .restrict_addrs(&clients)
    }

    /// The packets `src` can send to `dst` at `dst_addr` and get answered (addr = source
    /// address, one of `src`'s private addresses of `dst_addr`'s family).
    pub fn interface_to_interface(
        &self,
        src: Idx<NetworkInterface>,
        dst: Idx<NetworkInterface>,
        dst_addr: IpAddr,
    ) -> PacketSet {
        let e1 = self.estate.interfaces.get(src);
        let e2 = self.estate.interfaces.get(dst);
        if !private_addrs(e2).contains(dst_addr) {
            return PacketSet::empty();
        }
        let p1 = self.place_of(e1);
        let p2 = self.place_of(e2);
        let sources = private_addrs(e1)
            .intersection(&same_family(dst_addr))
            .intersection(&self.path_sources(&p1, &p2, dst_addr));
        if sources.is_empty() {
            return PacketSet::empty();
        }
        let sg = keys_at(&self.sg_set(&e1.group_ids, Rules::Egress), dst_addr)
            .intersection(&self.sg_set(&e2.group_ids, Rules::Ingress));
        let set = if p1.subnet_id == p2.subnet_id {
            sg
        } else {
            sg.intersection(&self.nacl_between(&p1, &p2, dst_addr))
        };
        set.restrict_addrs(&sources)
    }

    /// Source addresses for which the route from `p1` to `b` and the route back from `p2`
    /// agree (both `local` in one VPC, or both the same active peering between the VPCs).
    pub(crate) fn path_sources(&self, p1: &Place, p2: &Place, b: IpAddr) -> AddrSet {
        let Some((t, r)) = self.lookup(p1, b) else {
            return AddrSet::empty();
        };
        let route = &self.estate.route_tables.get(t).routes[r];
        if route.blackhole {
            return AddrSet::empty();
        }
        match &route.target {
            RouteTarget::Local if p1.vpc_id == p2.vpc_id => {
                self.routed(p2, |t| matches!(t, RouteTarget::Local))
            }
            RouteTarget::VpcPeering(x) if p1.vpc_id != p2.vpc_id => {
                if !self.peering_connects(x, p1.vpc_id, p2.vpc_id) {
                    return AddrSet::empty();
                }
                self.routed(p2, |t| matches!(t, RouteTarget::VpcPeering(y) if y == x))
            }
            _ => AddrSet::empty(),
        }
    }

    pub(crate) fn peering_connects(&self, pcx: &str, v1: &str, v2: &str) -> bool {
        self.estate.peerings.get_by_id(pcx).is_some_and(|p| {
            p.is_active()
                && ((p.requester.vpc_id == v1 && p.accepter.vpc_id == v2)
                    || (p.requester.vpc_id == v2 && p.accepter.vpc_id == v1))
        })
    }

    /// ACLs of two different subnets for a request from `p1` (source addr = set dim) to
    /// `b` in `p2`, with the reply on one ephemeral port through both.
    pub(crate) fn nacl_between(&self, p1: &Place, p2: &Place, b: IpAddr) -> PacketSet {
        let n1 = self.nacl(p1);
        let n2 = self.nacl(p2);
        keys_at(&n1.outbound, b)
            .intersection(&n2.inbound)
            .intersection(&reply_ok(
                &n2.outbound.intersection(&keys_at(&n1.inbound, b)),
            ))
    }

    /// What sources in `cidr` get through to the interface (addr = source). See the module
    /// documentation for how non-internet sources are read.
    pub fn cidr_to_interface(&self, cidr: &AddrSet, eni: Idx<NetworkInterface>) -> PacketSet {
        let e = self.estate.interfaces.get(eni);
        let public = cidr.intersection(&internet());
        let from_internet = self.internet_to_interface(eni).restrict_addrs(&public);
        let private = cidr.difference(&internet());
        if private.is_empty() {
            return from_internet;
        }
        let place = self.place_of(e);
        let local = self.routed(&place, |t| {
            matches!(t, RouteTarget::Local)
                || matches!(t, RouteTarget::VpcPeering(x)
                    if self.estate.peerings.get_by_id(x).is_some_and(|p| p.is_active()))
        });
        let inside = self
            .sg_set(&e.group_ids, Rules::Ingress)
            .intersection(&self.nacl(&place).inbound_round_trip)
            .restrict_addrs(&private.intersection(&local));
        from_internet.union(&inside)
    }

    /// What the interface can open towards the internet and get answered (addr =
    /// destination). See the module documentation for the three paths.
    pub fn interface_to_internet(&self, eni: Idx<NetworkInterface>) -> PacketSet {
        let e = self.estate.interfaces.get(eni);
        let place = self.place_of(e);
        let world = internet();
        let mut direct = AddrSet::empty();
        if e.has_public_ipv4() {
            direct = direct.union(&self.igw_region(&place).intersection(&AddrSet::all_v4()));
        }
        if !e.ipv6_addresses.is_empty() {
            let v6 = self.routed(&place, |t| {
                self.is_attached_igw(t, place.vpc_id) || self.is_attached_eigw(t, place.vpc_id)
            });
            direct = direct.union(&v6.intersection(&AddrSet::all_v6()));
        }
        let own = self
            .sg_set(&e.group_ids, Rules::EgressToInternet)
            .intersection(&self.nacl(&place).outbound_round_trip);
        let mut out = own.restrict_addrs(&direct.intersection(&world));
        if let Some(&a) = e.private_ips.first() {
            out = out.union(&own.intersection(&self.via_nat(&place, IpAddr::V4(a))));
        }
        out
    }

    /// IPv4 destinations reached through NAT gateways from `place` (source address `a`),
    /// with the NAT subnet's ACL applied (addr = destination).
    fn via_nat(&self, place: &Place, a: IpAddr) -> PacketSet {
        let world = internet().intersection(&AddrSet::all_v4());
        let mut parts = Vec::new();
        for nat in self.estate.nat_gateways.iter() {
            if !nat_usable(nat.state.as_deref()) || nat.connectivity == "private" {
                continue;
            }
            let to_nat = self.routed(
                place,
                |t| matches!(t, RouteTarget::NatGateway(n) if *n == nat.meta.id),
            );
            if to_nat.is_empty() {
                continue;
            }
            let np = self.place(&nat.subnet_id, &nat.vpc_id);
            let dests = to_nat
                .intersection(&self.igw_region(&np))
                .intersection(&world);
            if dests.is_empty() {
                continue;
            }
            let through = if np.subnet_id == place.subnet_id {
                PacketSet::all()
            } else {
                let n = self.nacl(&np);
                keys_at(&n.inbound, a)
                    .intersection(&n.outbound)
                    .intersection(&reply_ok(&n.inbound.intersection(&keys_at(&n.outbound, a))))
            };
            parts.push(through.restrict_addrs(&dests));
        }
        PacketSet::union_all(parts)
    }
}
