//! `explain`: one packet, hop by hop, in plain words — and every element that blocks it.
//!
//! The verdict always comes from the exact set computation ([`Reach::internet_to_interface`]
//! and friends); the hops re-evaluate each element for the one packet so a learner sees
//! which route, ACL entry and group rule decided, and what change would open a blocked
//! path. All hops are evaluated even after a block, so `blocked_by` names every blocker.
//!
//! When the source is "the internet", the trace needs one concrete client: the lowest
//! address that gets through if any does, else the lowest internet address the route table
//! sends to an internet gateway, else the lowest public address of the family. The trace
//! says so, and `sources` lists exactly which clients get through.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::error::Error;
use crate::model::{Database, Estate, Idx, LoadBalancer, Location, NetworkInterface};
use crate::net::{icmp_key, AddrSet, PacketSet, Protocol};

use super::internet::internet;
use super::Reach;

/// One end of an explained flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Internet,
    /// An address or block that no interface holds.
    Cidr(IpNet),
    Interface(Idx<NetworkInterface>),
    LoadBalancer(Idx<LoadBalancer>),
    Database(Idx<Database>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Reachable,
    Unreachable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Deny,
    Route,
}

/// One element on the path and what it decided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hop {
    /// The element's id (and name): `rtb-… (prod-public-rt)`, `acl-…`, `sg-… (web)`.
    pub component: String,
    /// `interface`, `route-table`, `network-acl`, `security-group`, `load-balancer`,
    /// `listener`, `database`, `target`.
    pub kind: String,
    pub decision: Decision,
    /// The deciding rule: `0.0.0.0/0 -> igw-…`, `inbound rule 100`, `sgr-…`.
    pub rule: String,
    /// Plain words.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// Something that stops the packet, and the change that would let it through.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Blocker {
    pub component: String,
    pub reason: String,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// The whole explanation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trace {
    pub from: String,
    pub to: String,
    /// The concrete source and destination addresses the hops were evaluated for.
    pub source_address: Option<String>,
    pub destination_address: Option<String>,
    pub protocol: String,
    pub port: Option<u16>,
    pub verdict: Verdict,
    pub hops: Vec<Hop>,
    pub blocked_by: Vec<Blocker>,
    /// For internet sources: exactly which clients get through (minimal CIDRs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<String>>,
    /// The same, as a set (for renderers that summarise it).
    #[serde(skip)]
    pub source_set: Option<AddrSet>,
    /// Remarks that are not hops (representative client chosen, unsupported parts).
    pub notes: Vec<String>,
}

/// The packet being explained: protocol number and key (port or ICMP type/code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub protocol: u8,
    pub key: u16,
}

impl Probe {
    /// `protocol` as AWS spells it (`tcp`, `udp`, `icmp`, `icmpv6`, a number); `port` is
    /// the destination port, or the ICMP type (code 0; echo request when absent).
    pub fn new(protocol: &str, port: Option<u16>) -> Result<Probe, Error> {
        let p = match Protocol::parse(protocol) {
            Some(Protocol::Number(n)) => n,
            Some(Protocol::All) | None => {
                return Err(Error::Usage(format!(
                    "unknown protocol `{protocol}` (use tcp, udp, icmp, icmpv6 or a number 0-255)"
                )))
            }
        };
        let proto = Protocol::Number(p);
        let key = if proto.has_ports() {
            port.ok_or_else(|| Error::Usage(format!("--port is required for {proto}")))?
        } else if proto.is_icmp() {
            let default = if proto == Protocol::ICMP { 8 } else { 128 };
            let t = port.unwrap_or(default);
            let t = u8::try_from(t).map_err(|_| {
                Error::Usage(format!(
                    "--port for {proto} is the ICMP type, 0-255; got {t}"
                ))
            })?;
            icmp_key(t, 0)
        } else {
            0
        };
        Ok(Probe { protocol: p, key })
    }

    pub fn proto(self) -> Protocol {
        Protocol::Number(self.protocol)
    }

    /// `tcp/22`, `icmp type 8 code 0`, `protocol 50`.
    pub fn describe(self) -> String {
        let p = self.proto();
        if p.has_ports() {
            format!("{p}/{}", self.key)
        } else if p.is_icmp() {
            let [t, c] = self.key.to_be_bytes();
            format!("{p} type {t} code {c}")
        } else {
            format!("protocol {p}")
        }
    }

    pub(crate) fn in_set(self, set: &PacketSet, addr: IpAddr) -> bool {
        set.contains(self.protocol, self.key, addr)
    }
}

impl Endpoint {
    /// Resolves `internet`, an IP or CIDR (an interface's address resolves to the interface),
    /// or a resource: instance id, interface id, Name tag, load balancer name, ARN or DNS
    /// name, database identifier or endpoint, Terraform address. Ambiguous and unknown names are usage errors that
    /// list candidates.
    pub fn resolve(estate: &Estate, text: &str) -> Result<Endpoint, Error> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("internet") {
            return Ok(Endpoint::Internet);
        }
        if let Some(net) = parse_net(t) {
            if net.prefix_len() == net.max_prefix_len() {
                if let Some(ix) = interface_with_addr(estate, net.addr()) {
                    return Ok(Endpoint::Interface(ix));
                }
            }
            return Ok(Endpoint::Cidr(net));
        }
        let mut found: Vec<(String, Endpoint)> = Vec::new();
        let mut add = |label: String, ep: Endpoint| {
            if !found.iter().any(|(_, e)| *e == ep) {
                found.push((label, ep));
            }
        };
        for (ix, i) in estate.instances.indexed() {
            let hit =
                i.meta.id == t || i.meta.name() == Some(t) || i.meta.address.as_deref() == Some(t);
            if hit {
                let reach_ix = primary_interface(estate, ix);
                match reach_ix {
                    Some(e) => add(
                        format!("instance {}", i.meta.label()),
                        Endpoint::Interface(e),
                    ),
                    None => {
                        return Err(Error::Usage(format!(
                            "instance {} has no network interface in the inputs",
                            i.meta.label()
                        )))
                    }
                }
            }
        }
        if estate.instances.find(t).is_none() {
            // An instance missing from the export is still known through its interfaces.
            if let Some((ix, _)) = estate
                .interfaces
                .indexed()
                .find(|(_, e)| e.instance_id.as_deref() == Some(t))
            {
                add(format!("instance {t}"), Endpoint::Interface(ix));
            }
        }
        for (ix, e) in estate.interfaces.indexed() {
            if e.meta.id == t || e.meta.name() == Some(t) || e.meta.address.as_deref() == Some(t) {
                add(
                    format!("network interface {}", e.meta.label()),
                    Endpoint::Interface(ix),
                );
            }
        }
        for (ix, lb) in estate.load_balancers.indexed() {
            if lb.meta.id == t
                || lb.name == t
                || lb.meta.name() == Some(t)
                || lb.meta.address.as_deref() == Some(t)
                || lb
                    .dns_name
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(t))
            {
                add(
                    format!("load balancer {}", lb.name),
                    Endpoint::LoadBalancer(ix),
                );
            }
        }
        for (ix, db) in estate.databases.indexed() {
            // RDS identifiers are lower case whatever case they were created with.
            if db.meta.id.eq_ignore_ascii_case(t)
                || db.meta.name() == Some(t)
                || db.meta.address.as_deref() == Some(t)
                || db
                    .endpoint
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(t))
            {
                add(format!("database {}", db.meta.id), Endpoint::Database(ix));
            }
        }
        match found.len() {
            1 => Ok(found.remove(0).1),
            0 => Err(Error::Usage(format!(
                "`{t}` is not `internet`, an IP address or CIDR, or a resource in the inputs \
                 (instance id, interface id, Name tag, load balancer name, ARN or DNS name, \
                 database identifier or endpoint, Terraform address){}",
                suggestions(estate, t)
            ))),
            _ => Err(Error::Usage(format!(
                "`{t}` is ambiguous; it names: {}",
                found
                    .iter()
                    .map(|(l, _)| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

impl Endpoint {
    /// The port a destination implies when `--port` is not given, with the note saying
    /// so: a database's endpoint port (the engine's default when the export has none), a
    /// balancer's only listener port. Several listeners: a usage error listing them.
    pub fn default_port(&self, estate: &Estate) -> Result<Option<(u16, String)>, Error> {
        match self {
            Endpoint::Database(ix) => {
                let db = estate.databases.get(*ix);
                Ok(db.port.map(|p| {
                    (
                        p,
                        format!(
                            "no --port given: tcp/{p} is the endpoint port of database {} ({})",
                            db.meta.id, db.engine
                        ),
                    )
                }))
            }
            Endpoint::LoadBalancer(ix) => {
                let lb = estate.load_balancers.get(*ix);
                let mut ports: Vec<u16> = estate
                    .listeners
                    .iter()
                    .filter(|l| l.load_balancer_arn == lb.meta.id)
                    .map(|l| l.port)
                    .collect();
                ports.sort_unstable();
                ports.dedup();
                match ports.as_slice() {
                    [] => Ok(None),
                    [p] => Ok(Some((
                        *p,
                        format!(
                            "no --port given: {p} is the only listener port of load balancer {}",
                            lb.name
                        ),
                    ))),
                    many => Err(Error::Usage(format!(
                        "--port is required: load balancer {} listens on {}",
                        lb.name,
                        many.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            }
            _ => Ok(None),
        }
    }
}

fn parse_net(t: &str) -> Option<IpNet> {
    if let Ok(n) = t.parse::<IpNet>() {
        return Some(n.trunc());
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

/// An interface holding `addr` as a private, public or IPv6 address.
pub(crate) fn interface_with_addr(estate: &Estate, addr: IpAddr) -> Option<Idx<NetworkInterface>> {
    estate.interfaces.indexed().find_map(|(ix, e)| {
        let hit = match addr {
            IpAddr::V4(a) => e.private_ips.contains(&a) || e.public_ips.contains(&a),
            IpAddr::V6(a) => e.ipv6_addresses.contains(&a),
        };
        hit.then_some(ix)
    })
}

fn primary_interface(
    estate: &Estate,
    inst: Idx<crate::model::Instance>,
) -> Option<Idx<NetworkInterface>> {
    let i = estate.instances.get(inst);
    let listed: Vec<Idx<NetworkInterface>> = i
        .interface_ids
        .iter()
        .filter_map(|id| estate.interfaces.find(id))
        .collect();
    listed
        .iter()
        .copied()
        .find(|&ix| {
            i.private_ip
                .is_some_and(|p| estate.interfaces.get(ix).private_ips.first() == Some(&p))
        })
        .or_else(|| listed.first().copied())
        .or_else(|| {
            estate
                .interfaces
                .indexed()
                .find(|(_, e)| e.instance_id.as_deref() == Some(i.meta.id.as_str()))
                .map(|(ix, _)| ix)
        })
}

/// Up to five resource names that contain the text, for "did you mean".
fn suggestions(estate: &Estate, t: &str) -> String {
    let lower = t.to_ascii_lowercase();
    let mut names: Vec<String> = Vec::new();
    let mut consider = |s: &str| {
        if !lower.is_empty()
            && s.to_ascii_lowercase().contains(&lower)
            && !names.iter().any(|n| n == s)
        {
            names.push(s.to_string());
        }
    };
    for i in estate.instances.iter() {
        consider(&i.meta.id);
        if let Some(n) = i.meta.name() {
            consider(n);
        }
    }
    for e in estate.interfaces.iter() {
        consider(&e.meta.id);
    }
    for lb in estate.load_balancers.iter() {
        consider(&lb.name);
    }
    for db in estate.databases.iter() {
        consider(&db.meta.id);
    }
    names.sort();
    names.truncate(5);
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean: {}", names.join(", "))
    }
}

impl<'e> Reach<'e> {
    /// Explains whether `probe` gets from `from` to `to`, hop by hop.
    pub fn explain(&self, from: &Endpoint, to: &Endpoint, probe: Probe) -> Result<Trace, Error> {
        let mut t = super::trace::Tracer::new(self, probe);
        match (from, to) {
            (Endpoint::Internet, Endpoint::Interface(e)) => t.internet_to_interface(None, *e),
            (Endpoint::Cidr(n), Endpoint::Interface(e)) => {
                t.internet_to_interface(Some(n.network()), *e)
            }
            (Endpoint::Interface(a), Endpoint::Interface(b)) => t.interface_to_interface(*a, *b),
            (Endpoint::Interface(e), Endpoint::Internet) => t.interface_to_internet(*e, None),
            (Endpoint::Interface(e), Endpoint::Cidr(n)) => {
                t.interface_to_internet(*e, Some(n.network()))
            }
            (
                Endpoint::Internet | Endpoint::Cidr(_),
                Endpoint::LoadBalancer(_) | Endpoint::Database(_),
            ) => {
                if let Some(a) = from_addr(from).filter(|a| !is_internet(*a)) {
                    return Err(Error::Usage(format!(
                        "{a} is not an internet address: to trace from inside a VPC, name the \
                         instance or interface as --from"
                    )));
                }
                match to {
                    Endpoint::LoadBalancer(lb) => t.internet_to_lb(from_addr(from), *lb),
                    Endpoint::Database(db) => t.internet_to_db(from_addr(from), *db),
                    _ => {}
                }
            }
            (Endpoint::Interface(e), Endpoint::LoadBalancer(ix)) => {
                if self.estate.load_balancers.get(*ix).is_internet_facing() {
                    t.interface_to_public_lb(*e, *ix)
                } else {
                    t.interface_to_lb(*e, *ix)
                }
            }
            (Endpoint::Interface(e), Endpoint::Database(db)) => t.interface_to_db(*e, *db),
            (Endpoint::LoadBalancer(lb), Endpoint::Interface(e)) => t.lb_to_target(*lb, *e),
            (_, Endpoint::Cidr(n)) => t.nobody_there(*n),
            _ => {
                return Err(Error::Usage(
                    "explain answers: internet or a CIDR → an instance, interface, load balancer \
                     or database; an instance or interface → another, the internet, a CIDR, a load \
                     balancer (through the internet when it is internet-facing) or a database; a load balancer → one of its targets \
                     (the back leg alone)"
                        .to_string(),
                ))
            }
        }
        Ok(t.finish(self.endpoint_label(from), self.endpoint_label(to)))
    }

    pub fn endpoint_label(&self, ep: &Endpoint) -> String {
        let est = self.estate;
        match ep {
            Endpoint::Internet => "internet".to_string(),
            Endpoint::Cidr(n) => n.to_string(),
            Endpoint::Interface(ix) => {
                let e = est.interfaces.get(*ix);
                match e
                    .instance_id
                    .as_deref()
                    .and_then(|i| est.instances.get_by_id(i))
                {
                    Some(i) => format!("{} via {}", i.meta.label(), e.meta.id),
                    None => e.meta.label(),
                }
            }
            Endpoint::LoadBalancer(ix) => est.load_balancers.get(*ix).name.clone(),
            Endpoint::Database(ix) => est.databases.get(*ix).meta.id.clone(),
        }
    }
}

fn from_addr(ep: &Endpoint) -> Option<IpAddr> {
    match ep {
        Endpoint::Cidr(n) => Some(n.network()),
        _ => None,
    }
}

/// The lowest address of a set (IPv4 first), if any.
pub(crate) fn first_addr(s: &AddrSet) -> Option<IpAddr> {
    if let Some(&(lo, _)) = s.v4.ranges().first() {
        return Some(IpAddr::V4(lo.into()));
    }
    s.v6.ranges().first().map(|&(lo, _)| IpAddr::V6(lo.into()))
}

/// Whether `a` is an internet address.
pub(crate) fn is_internet(a: IpAddr) -> bool {
    internet().contains(a)
}
