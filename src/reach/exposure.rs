//! The exposure map: everything the internet reaches, as exact rows.
//!
//! One row per block of [`PacketSet::groups`] and per address family (so `address` and
//! `sources` always agree): interfaces (kind `instance` when attached to one, with the
//! interface in `interface`), internet-facing load balancers (`direct`, listener ports),
//! their targets (`load-balancer`, target port, address = the balancer's DNS name, the
//! balancer in `via`), and publicly reachable databases.
//!
//! `ports` are key ranges: destination ports for tcp/udp; for icmp/icmpv6 the encoded
//! `type * 256 + code` ranges of [`crate::net::icmp_key`] (exact and round-trippable;
//! the human table renders them as `type 8`, `type 3 code 4`); `[[0,65535]]` for other
//! protocols and `all`.

use std::collections::{BTreeSet, HashMap};

use crate::model::NetworkInterface;
use crate::net::{AddrSet, PacketSet, PortSet, Protocol};

use super::internet::internet;
use super::{ClassKey, Reach};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExposureKind {
    Instance,
    NetworkInterface,
    LoadBalancer,
    Database,
}

impl ExposureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExposureKind::Instance => "instance",
            ExposureKind::NetworkInterface => "network-interface",
            ExposureKind::LoadBalancer => "load-balancer",
            ExposureKind::Database => "database",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExposurePath {
    Direct,
    LoadBalancer,
}

impl ExposurePath {
    pub fn as_str(self) -> &'static str {
        match self {
            ExposurePath::Direct => "direct",
            ExposurePath::LoadBalancer => "load-balancer",
        }
    }
}

/// One exposed (resource, protocol, ports, sources) block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exposure {
    /// Instance id, interface id, load balancer name, database id.
    pub resource: String,
    pub kind: ExposureKind,
    /// The interface, for instance rows.
    pub interface: Option<String>,
    /// The load balancer, for rows reached through one.
    pub via: Option<String>,
    /// Public IP, IPv6 address, DNS name or endpoint.
    pub address: String,
    pub protocol: Protocol,
    pub ports: PortSet,
    /// Exactly the client addresses, always within [`internet()`].
    pub sources: AddrSet,
    pub path: ExposurePath,
}

impl Exposure {
    #[allow(clippy::type_complexity)]
    fn sort_key(
        &self,
    ) -> (
        String,
        ExposureKind,
        ExposurePath,
        Option<String>,
        Option<String>,
        String,
        Protocol,
        Vec<(u16, u16)>,
        Vec<(u32, u32)>,
        Vec<(u128, u128)>,
    ) {
        (
            self.resource.clone(),
            self.kind,
            self.path,
            self.via.clone(),
            self.interface.clone(),
            self.address.clone(),
            self.protocol,
            self.ports.ranges().to_vec(),
            self.sources.v4.ranges().to_vec(),
            self.sources.v6.ranges().to_vec(),
        )
    }
}

/// The row template filled per packet group.
struct RowBase<'a> {
    resource: &'a str,
    kind: ExposureKind,
    interface: Option<&'a str>,
    via: Option<&'a str>,
    address_v4: Option<String>,
    address_v6: Option<String>,
    path: ExposurePath,
}

/// One exposed block, split by family and already limited to internet sources.
#[derive(Debug, Clone)]
struct Block {
    protocol: Protocol,
    keys: PortSet,
    v4: AddrSet,
    v6: AddrSet,
}

fn blocks(set: &PacketSet) -> Vec<Block> {
    let world = internet();
    set.groups()
        .into_iter()
        .map(|g| {
            let sources = g.addrs.intersection(&world);
            Block {
                protocol: g.protocol,
                keys: g.keys,
                v4: sources.intersection(&AddrSet::all_v4()),
                v6: sources.intersection(&AddrSet::all_v6()),
            }
        })
        .collect()
}

fn rows(base: &RowBase, set: &PacketSet, out: &mut Vec<Exposure>) {
    emit(base, &blocks(set), out);
}

fn emit(base: &RowBase, blocks: &[Block], out: &mut Vec<Exposure>) {
    for b in blocks {
        for (address, part) in [(&base.address_v4, &b.v4), (&base.address_v6, &b.v6)] {
            if part.is_empty() {
                continue;
            }
            out.push(Exposure {
                resource: base.resource.to_string(),
                kind: base.kind,
                interface: base.interface.map(str::to_string),
                via: base.via.map(str::to_string),
                address: address.clone().unwrap_or_default(),
                protocol: b.protocol,
                ports: b.keys.clone(),
                sources: part.clone(),
                path: base.path,
            });
        }
    }
}

fn interface_base<'a>(e: &'a NetworkInterface, path: ExposurePath) -> RowBase<'a> {
    let (resource, kind, interface) = match &e.instance_id {
        Some(i) => (i.as_str(), ExposureKind::Instance, Some(e.meta.id.as_str())),
        None => (e.meta.id.as_str(), ExposureKind::NetworkInterface, None),
    };
    RowBase {
        resource,
        kind,
        interface,
        via: None,
        address_v4: match e.public_ips.first() {
            Some(ip) => Some(ip.to_string()),
            // Before apply the address is unknown, but it will exist.
            None if e.has_public_ipv4() => Some("public IPv4 (known after apply)".to_string()),
            None => None,
        },
        address_v6: e.ipv6_addresses.first().map(ToString::to_string),
        path,
    }
}

impl<'e> Reach<'e> {
    /// Every exposure of the estate, sorted deterministically and without duplicates.
    pub fn exposures(&self) -> Vec<Exposure> {
        let mut out = Vec::new();
        // Interfaces of one class share their blocks: group and split them once.
        let mut per_class: HashMap<ClassKey, Vec<Block>> = HashMap::new();
        for (ix, e) in self.estate.interfaces.indexed() {
            let b = per_class
                .entry(self.class_key(e))
                .or_insert_with(|| blocks(&self.internet_to_interface(ix)));
            emit(&interface_base(e, ExposurePath::Direct), b, &mut out);
        }
        self.lb_exposures(&mut out);
        for db in self.estate.databases.iter() {
            let set = self.database_reach(db);
            let address = db.endpoint.clone().unwrap_or_else(|| db.meta.id.clone());
            let base = RowBase {
                resource: &db.meta.id,
                kind: ExposureKind::Database,
                interface: None,
                via: None,
                address_v4: Some(address.clone()),
                address_v6: Some(address),
                path: ExposurePath::Direct,
            };
            rows(&base, &set, &mut out);
        }
        out.sort_by_cached_key(Exposure::sort_key);
        out.dedup();
        out
    }

    fn lb_exposures(&self, out: &mut Vec<Exposure>) {
        let by_group = self.targets_by_group();
        for lb in self.estate.load_balancers.iter() {
            let address = lb.dns_name.clone().unwrap_or_else(|| lb.name.clone());
            let mut front = Vec::new();
            for listener in self.listeners_of(lb) {
                let fronts = self.listener_fronts(lb, listener);
                let clients = PacketSet::union_all(fronts.iter().map(|n| n.packets.clone()));
                if clients.is_empty() {
                    continue;
                }
                for t in self.listener_targets(lb, listener, &fronts, &by_group) {
                    let Some(ix) = t.interface else { continue };
                    if t.packets.is_empty() {
                        continue;
                    }
                    let e = self.estate.interfaces.get(ix);
                    let mut base = interface_base(e, ExposurePath::LoadBalancer);
                    base.via = Some(&lb.name);
                    base.address_v4 = Some(address.clone());
                    base.address_v6 = Some(address.clone());
                    rows(&base, &t.packets, out);
                }
                front.push(clients);
            }
            let base = RowBase {
                resource: &lb.name,
                kind: ExposureKind::LoadBalancer,
                interface: None,
                via: None,
                address_v4: Some(address.clone()),
                address_v6: Some(address),
                path: ExposurePath::Direct,
            };
            rows(&base, &PacketSet::union_all(front), out);
        }
    }

    /// Resources (ids) with at least one exposure, for quick membership tests.
    pub fn exposed_resources(&self) -> BTreeSet<String> {
        self.exposures().into_iter().map(|e| e.resource).collect()
    }
}
