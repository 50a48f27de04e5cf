//! Load balancers and databases seen from the internet.
//!
//! **Load balancers** (DESIGN.md §4): an `internet-facing` balancer has a node in each of
//! its subnets; a client reaches it when SOME node's subnet routes the client to an
//! attached internet gateway and that subnet's ACL passes request and reply; the
//! balancer's groups must allow the listener port (a network load balancer without groups
//! admits everything:
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html>).
//! IPv6 clients only when `IpAddressType` is dualstack. Listener protocols map to tcp
//! (HTTP, HTTPS, TCP, TLS), udp (UDP), both (TCP_UDP), udp 6081 (GENEVE).
//!
//! **Targets**: the default actions' target groups; a target is an instance (its primary
//! interface) or an IP (the interface holding that private IP). The target port is the
//! registered port, else the group's, else the listener's. With client IP preservation
//! (network load balancers: the group attribute when exported, else on for instance
//! targets and UDP groups, off otherwise —
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation>)
//! the target sees the client address: its groups and ACL filter clients exactly.
//! Without it the target sees a node address somewhere in the node's subnet: the target
//! is reached (by every client that node admits) when its groups allow the target port
//! from some address of that subnet or from a group of the balancer, and the ACLs between
//! them pass that address. The node addresses are not in the export, so "some address" is
//! the reading that does not hide exposure.
//!
//! **Nodes to targets**: a client reaches a target through ONE node, so what reaches a
//! target is the union over the nodes of (the clients that node admits) ∩ (what that node
//! gets through to the target). Every node forwards to every target: cross-zone load
//! balancing is on by default for application load balancers and off by default for
//! network and gateway load balancers, but neither the balancer nor the target group
//! attribute is in the export, so it is read as on — the reading that does not hide
//! exposure
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#cross-zone-load-balancing>).
//! A node and a target in one subnet meet no ACL. Otherwise the forwarded request leaves
//! the node's subnet (outbound: destination the target address, the target port) and
//! enters the target's (inbound: source the node, or the client when preserved), and the
//! reply crosses both the other way on one ephemeral port — the interface → interface
//! reading of [`Reach::nacl_between`]. A preserved reply then leaves the node's subnet
//! towards the client on that same client port, so that ACL joins the reply condition
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html#network-acls>).
//!
//! **Clients inside the VPC** (`explain` from an interface): an internal balancer's node or
//! a database sits at some usable address of one of its subnets; the request follows the
//! interface → interface reading (source egress, routes both ways, both ACLs, the
//! destination's groups with group references counting), see
//! [`Reach::interface_to_service`]. Through an internal balancer the target sees the node
//! (or, preserved, the client's private address, which group references can match).
//!
//! **Databases**: `PubliclyAccessible`, treated as present with a public IPv4 in each of
//! its subnets: a subnet that routes the client to an attached internet gateway, whose
//! ACL passes request and reply, and the database's groups allowing the endpoint port
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding>).

use std::collections::HashMap;
use std::net::IpAddr;

use crate::model::{
    Database, Idx, Listener, LoadBalancer, NetworkInterface, Peer, RouteTarget, Target, TargetGroup,
};
use crate::net::{AddrSet, PacketSet, Protocol};

use super::compile::{keys_at, reply_ok, rule_set};
use super::explain::first_addr;
use super::flows::private_addrs;
use super::internet::internet;
use super::{Place, Reach, Rules};

/// The protocols a listener or target group protocol name carries.
pub(crate) fn listener_protocols(name: &str) -> Vec<(Protocol, Option<u16>)> {
    match name.to_ascii_uppercase().as_str() {
        "UDP" => vec![(Protocol::UDP, None)],
        "TCP_UDP" => vec![(Protocol::TCP, None), (Protocol::UDP, None)],
        "GENEVE" => vec![(Protocol::UDP, Some(6081))],
        _ => vec![(Protocol::TCP, None)],
    }
}

/// Packets to `port` over the listener's protocols, from anyone.
fn port_packets(protocol: &str, port: u16) -> PacketSet {
    PacketSet::union_all(listener_protocols(protocol).into_iter().map(|(p, fixed)| {
        let k = fixed.unwrap_or(port);
        PacketSet::new(p, (k, k), AddrSet::all())
    }))
}

/// One node of a balancer (the one in `subnet`) and packets that go through it.
#[derive(Debug, Clone)]
pub(crate) struct Node<'e> {
    pub subnet: &'e str,
    pub packets: PacketSet,
}

/// One target reached through a listener: the interface and the packets (addr = client,
/// key = target port) that arrive, in all and through each node.
#[derive(Debug, Clone)]
pub(crate) struct TargetReach<'e> {
    pub target: &'e Target,
    pub group: &'e TargetGroup,
    pub interface: Option<Idx<NetworkInterface>>,
    /// The address the balancer sends to.
    pub address: Option<IpAddr>,
    pub port: u16,
    pub preserve_client_ip: bool,
    pub packets: PacketSet,
    pub nodes: Vec<Node<'e>>,
}

/// The back leg of one target, as the set computations need it.
struct Leg<'a> {
    lb: &'a LoadBalancer,
    address: Option<IpAddr>,
    proto: &'a str,
    port: u16,
    preserve: bool,
    rules: Rules,
}

impl<'e> Reach<'e> {
    /// The internet side of a balancer's (or database's) subnets: client packets that a
    /// node in one of `subnets` receives and answers (routes and ACLs only).
    pub(crate) fn subnets_front(
        &self,
        subnets: &[String],
        vpc: &str,
        families: &AddrSet,
    ) -> PacketSet {
        let world = internet().intersection(families);
        PacketSet::union_all(subnets.iter().map(|s| {
            let place = self.place(s, vpc);
            let clients = world.intersection(&self.igw_region(&place));
            self.nacl(&place)
                .inbound_round_trip
                .restrict_addrs(&clients)
        }))
    }

    pub(crate) fn lb_families(lb: &LoadBalancer) -> AddrSet {
        let dual = lb
            .ip_address_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("dualstack"));
        if dual {
            AddrSet::all()
        } else {
            AddrSet::all_v4()
        }
    }

    /// The balancer's groups as an ingress filter.
    pub(crate) fn lb_groups_ingress(&self, lb: &LoadBalancer) -> PacketSet {
        if lb.group_ids.is_empty() && lb.lb_type == "network" {
            PacketSet::all()
        } else {
            self.sg_set(&lb.group_ids, Rules::IngressFromInternet)
        }
    }

    /// Client packets the listener accepts from the internet (addr = client): what some
    /// node admits.
    pub(crate) fn listener_reach(&self, lb: &'e LoadBalancer, listener: &Listener) -> PacketSet {
        PacketSet::union_all(
            self.listener_fronts(lb, listener)
                .into_iter()
                .map(|n| n.packets),
        )
    }

    /// Per node of the balancer, the client packets the listener accepts from the
    /// internet through that node (addr = client); empty sets for an internal balancer.
    pub(crate) fn listener_fronts(
        &self,
        lb: &'e LoadBalancer,
        listener: &Listener,
    ) -> Vec<Node<'e>> {
        let accepted = if lb.is_internet_facing() {
            port_packets(&listener.protocol, listener.port)
                .intersection(&self.lb_groups_ingress(lb))
        } else {
            PacketSet::empty()
        };
        let families = Self::lb_families(lb);
        lb.subnet_ids
            .iter()
            .map(|s| Node {
                subnet: s.as_str(),
                packets: if accepted.is_empty() {
                    PacketSet::empty()
                } else {
                    accepted.intersection(&self.subnets_front(
                        std::slice::from_ref(s),
                        &lb.vpc_id,
                        &families,
                    ))
                },
            })
            .collect()
    }

    pub(crate) fn listeners_of(&self, lb: &LoadBalancer) -> Vec<&'e Listener> {
        self.estate
            .listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.meta.id)
            .collect()
    }

    /// The interface behind a target id: an instance's primary interface or the interface
    /// holding an IP.
    pub(crate) fn target_interface(&self, target_id: &str) -> Option<Idx<NetworkInterface>> {
        if let Some(inst) = self.estate.instances.get_by_id(target_id) {
            let listed: Vec<Idx<NetworkInterface>> = inst
                .interface_ids
                .iter()
                .filter_map(|id| self.estate.interfaces.find(id))
                .collect();
            let primary = listed.iter().copied().find(|&ix| {
                let e = self.estate.interfaces.get(ix);
                inst.private_ip
                    .is_some_and(|p| e.private_ips.first() == Some(&p))
            });
            if let Some(ix) = primary.or_else(|| listed.first().copied()) {
                return Some(ix);
            }
        }
        // Instances missing from the export are found through their interfaces' attachment.
        let attached = self
            .estate
            .interfaces
            .indexed()
            .find(|(_, e)| e.instance_id.as_deref() == Some(target_id))
            .map(|(ix, _)| ix);
        if attached.is_some() {
            return attached;
        }
        let ip: IpAddr = target_id.parse().ok()?;
        self.estate.interfaces.indexed().find_map(|(ix, e)| {
            let hit = match ip {
                IpAddr::V4(a) => e.private_ips.contains(&a),
                IpAddr::V6(a) => e.ipv6_addresses.contains(&a),
            };
            hit.then_some(ix)
        })
    }

    /// Targets of a listener and what reaches each of them from the internet clients that
    /// `fronts` (per node, addr = client) admit.
    pub(crate) fn listener_targets(
        &self,
        lb: &'e LoadBalancer,
        listener: &'e Listener,
        fronts: &[Node<'e>],
        targets_by_group: &HashMap<&str, Vec<&'e Target>>,
    ) -> Vec<TargetReach<'e>> {
        self.listener_targets_for(
            lb,
            listener,
            fronts,
            targets_by_group,
            Rules::IngressFromInternet,
        )
    }

    /// [`Reach::listener_targets`] for clients that can match the group rules `rules`
    /// (inside the VPC: group references count when the client's address is preserved).
    pub(crate) fn listener_targets_for(
        &self,
        lb: &'e LoadBalancer,
        listener: &'e Listener,
        fronts: &[Node<'e>],
        targets_by_group: &HashMap<&str, Vec<&'e Target>>,
        rules: Rules,
    ) -> Vec<TargetReach<'e>> {
        let mut out = Vec::new();
        for arn in &listener.target_group_arns {
            let Some(group) = self.estate.target_groups.get_by_id(arn) else {
                continue;
            };
            for &target in targets_by_group.get(arn.as_str()).into_iter().flatten() {
                let port = target.port.or(group.port).unwrap_or(listener.port);
                let proto = group.protocol.as_deref().unwrap_or(&listener.protocol);
                let interface = self.target_interface(&target.target_id);
                let address = interface.and_then(|ix| self.target_addr(target, ix));
                let preserve = lb.lb_type == "network"
                    && group.preserve_client_ip.unwrap_or(
                        group.target_type == "instance"
                            || listener_protocols(proto)
                                .iter()
                                .any(|(p, _)| *p == Protocol::UDP),
                    );
                let leg = Leg {
                    lb,
                    address,
                    proto,
                    port,
                    preserve,
                    rules,
                };
                let nodes: Vec<Node<'e>> = match interface {
                    Some(ix) => fronts
                        .iter()
                        .map(|f| Node {
                            subnet: f.subnet,
                            packets: self.through_node(&leg, ix, f),
                        })
                        .collect(),
                    None => Vec::new(),
                };
                out.push(TargetReach {
                    target,
                    group,
                    interface,
                    address,
                    port,
                    preserve_client_ip: preserve,
                    packets: PacketSet::union_all(nodes.iter().map(|n| n.packets.clone())),
                    nodes,
                });
            }
        }
        out
    }

    /// The address the balancer sends to: an IP target's own address, else the primary
    /// private address of the instance's interface (IPv4 first).
    fn target_addr(&self, target: &Target, ix: Idx<NetworkInterface>) -> Option<IpAddr> {
        if let Ok(ip) = target.target_id.parse::<IpAddr>() {
            return Some(ip);
        }
        let e = self.estate.interfaces.get(ix);
        e.private_ips
            .first()
            .map(|a| IpAddr::V4(*a))
            .or_else(|| e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)))
    }

    /// What reaches the target through one node (addr = client, key = target port): the
    /// clients the node admits (`front`), when the node gets the request through to the
    /// target — the client itself when its address is preserved, else the node.
    fn through_node(&self, leg: &Leg, ix: Idx<NetworkInterface>, front: &Node) -> PacketSet {
        if front.packets.is_empty() {
            return PacketSet::empty();
        }
        let e = self.estate.interfaces.get(ix);
        let wanted = port_packets(leg.proto, leg.port);
        let acls = self.lb_acls(leg, front.subnet, e);
        let mut parts = Vec::new();
        for (p, _) in listener_protocols(leg.proto) {
            let whole = PacketSet::new(p, (0, u16::MAX), AddrSet::all());
            let client_addrs = front.packets.intersection(&whole).addrs();
            if client_addrs.is_empty() {
                continue;
            }
            let want = wanted.intersection(&whole);
            if leg.preserve {
                parts.push(
                    want.intersection(&self.sg_set(&e.group_ids, leg.rules))
                        .intersection(&acls)
                        .restrict_addrs(&client_addrs),
                );
            } else if !self
                .node_admitted(leg, front.subnet, e, &want, &acls)
                .is_empty()
            {
                parts.push(want.restrict_addrs(&client_addrs));
            }
        }
        PacketSet::union_all(parts)
    }

    /// What the ACLs between the node in `node_subnet` and the target pass (addr = the
    /// source the target sees, key = target port): everything inside one subnet; else the
    /// request out of the node's subnet and into the target's, and the reply back through
    /// both on one ephemeral port — which, when the client's address is preserved, is the
    /// client's port and must also leave the node's subnet towards the client.
    fn lb_acls(&self, leg: &Leg, node_subnet: &str, e: &NetworkInterface) -> PacketSet {
        if node_subnet == e.subnet_id {
            return PacketSet::all();
        }
        let pn = self.place(node_subnet, &leg.lb.vpc_id);
        let pt = self.place_of(e);
        let (n, t) = (self.nacl(&pn), self.nacl(&pt));
        let Some(addr) = leg.address else {
            // No address to match the node subnet's entries against: the target's ACL
            // alone, the reading that does not hide exposure.
            return t.inbound_round_trip.clone();
        };
        let mut replies = t.outbound.intersection(&keys_at(&n.inbound, addr));
        if leg.preserve {
            replies = replies.intersection(&n.outbound);
        }
        keys_at(&n.outbound, addr)
            .intersection(&t.inbound)
            .intersection(&reply_ok(&replies))
    }

    /// Packets from the addresses of the node in `node_subnet` (its subnet's CIDRs in the
    /// target's family, or a group of the balancer) that the target's groups and the ACLs
    /// between them (`acls`, from [`Reach::lb_acls`]) admit (addr = node address).
    fn node_admitted(
        &self,
        leg: &Leg,
        node_subnet: &str,
        e: &NetworkInterface,
        want: &PacketSet,
        acls: &PacketSet,
    ) -> PacketSet {
        let nodes = self.node_addrs(node_subnet, leg.address);
        if nodes.is_empty() {
            return PacketSet::empty();
        }
        let sg = PacketSet::union_all(
            e.group_ids
                .iter()
                .filter_map(|g| self.estate.security_groups.get_by_id(g))
                .flat_map(|g| g.ingress.iter())
                .map(|r| match &r.peer {
                    Peer::Group { group_id, .. } if leg.lb.group_ids.contains(group_id) => {
                        rule_set(r.protocol, &r.ports, nodes.clone())
                    }
                    _ => self.peers.rule_set(r),
                }),
        );
        want.intersection(&sg)
            .intersection(acls)
            .restrict_addrs(&nodes)
    }

    /// The addresses a node in `subnet` can have, in the family of the target address
    /// `to` (all families when unknown). A subnet not in the inputs has none.
    fn node_addrs(&self, subnet: &str, to: Option<IpAddr>) -> AddrSet {
        let all = self
            .estate
            .subnets
            .get_by_id(subnet)
            .map(subnet_addrs)
            .unwrap_or_default();
        match to {
            Some(IpAddr::V4(_)) => all.intersection(&AddrSet::all_v4()),
            Some(IpAddr::V6(_)) => all.intersection(&AddrSet::all_v6()),
            None => all,
        }
    }

    /// A node address in `node_subnet` that the target's groups and the ACLs admit on
    /// `probe`, for the hop-by-hop trace: the node addresses are not exported, so this is
    /// the lowest usable one that gets through, else the lowest usable one.
    pub(crate) fn node_addr_for(
        &self,
        lb: &'e LoadBalancer,
        t: &TargetReach<'e>,
        node_subnet: &str,
        probe: &PacketSet,
    ) -> Option<IpAddr> {
        let ix = t.interface?;
        let e = self.estate.interfaces.get(ix);
        // Only asked for balancers that do not preserve client addresses: the node is the
        // source, and the groups see it as a private address.
        let leg = Leg {
            lb,
            address: t.address,
            proto: t.group.protocol.as_deref().unwrap_or(""),
            port: t.port,
            preserve: false,
            rules: Rules::Ingress,
        };
        let nodes = usable(&self.node_addrs(node_subnet, t.address));
        let acls = self.lb_acls(&leg, node_subnet, e);
        let admitted = self
            .node_admitted(&leg, node_subnet, e, probe, &acls)
            .addrs();
        first_addr(&admitted.intersection(&nodes)).or_else(|| first_addr(&nodes))
    }

    /// The addresses a node of the balancer can have: its subnets without AWS's reserves.
    pub(crate) fn lb_usable_node_addrs(&self, lb: &LoadBalancer) -> AddrSet {
        AddrSet::union_all(
            lb.subnet_ids
                .iter()
                .filter_map(|s| self.estate.subnets.get_by_id(s))
                .map(|s| usable(&subnet_addrs(s)))
                .collect::<Vec<_>>()
                .iter(),
        )
    }

    /// Client packets reaching a publicly accessible database (addr = client).
    pub(crate) fn database_reach(&self, db: &Database) -> PacketSet {
        let Some(port) = db.port else {
            return PacketSet::empty();
        };
        if !db.publicly_accessible {
            return PacketSet::empty();
        }
        let vpc = db.vpc_id.as_deref().unwrap_or("");
        PacketSet::new(Protocol::TCP, (port, port), AddrSet::all())
            .intersection(&self.sg_set(&db.group_ids, Rules::IngressFromInternet))
            .intersection(&self.subnets_front(&db.subnet_ids, vpc, &AddrSet::all_v4()))
    }

    /// The ingress filter of a balancer for clients inside the VPC (group references
    /// count): its groups, or everything for a network load balancer without groups.
    pub(crate) fn lb_groups_ingress_inside(&self, lb: &LoadBalancer) -> PacketSet {
        if lb.group_ids.is_empty() && lb.lb_type == "network" {
            PacketSet::all()
        } else {
            self.sg_set(&lb.group_ids, Rules::Ingress)
        }
    }

    /// Packets `src` opens to address `d` (a balancer node or a database in the place
    /// `p2`) that `ingress` admits, answered (addr = source address). The same reading as
    /// [`Reach::interface_to_interface`], with the destination's groups given as a set
    /// because balancers and databases are not interfaces of the export.
    pub(crate) fn interface_to_service(
        &self,
        src: Idx<NetworkInterface>,
        p2: &Place,
        d: IpAddr,
        ingress: &PacketSet,
    ) -> PacketSet {
        let e1 = self.estate.interfaces.get(src);
        let p1 = self.place_of(e1);
        let family = match d {
            IpAddr::V4(_) => AddrSet::all_v4(),
            IpAddr::V6(_) => AddrSet::all_v6(),
        };
        let sources = private_addrs(e1)
            .intersection(&family)
            .intersection(&self.path_sources(&p1, p2, d));
        if sources.is_empty() {
            return PacketSet::empty();
        }
        let sg = keys_at(&self.sg_set(&e1.group_ids, Rules::Egress), d).intersection(ingress);
        let set = if p1.subnet_id == p2.subnet_id {
            sg
        } else {
            sg.intersection(&self.nacl_between(&p1, p2, d))
        };
        set.restrict_addrs(&sources)
    }

    /// The address a balancer node or database is given in subnet `p2` for a trace from
    /// `src`: the export does not carry it, so this is the lowest usable address of the
    /// subnet, not held by an interface of the export, that the source's groups, route and
    /// ACL let `probe` reach, else the lowest such address (the reading that does not hide
    /// a path). `None`: the subnet is not
    /// in the inputs.
    pub(crate) fn service_addr(
        &self,
        src: Idx<NetworkInterface>,
        p2: &Place,
        probe: &PacketSet,
    ) -> Option<IpAddr> {
        let subnet = self.estate.subnets.get_by_id(p2.subnet_id)?;
        let e1 = self.estate.interfaces.get(src);
        let p1 = self.place_of(e1);
        // Addresses held by the export's interfaces are taken.
        let taken = AddrSet::union_all(
            self.estate
                .interfaces
                .iter()
                .filter(|e| e.subnet_id == p2.subnet_id)
                .map(private_addrs)
                .collect::<Vec<_>>()
                .iter(),
        );
        let all = usable(&subnet_addrs(subnet))
            .intersection(&AddrSet::all_v4())
            .difference(&taken);
        let mut open = all
            .intersection(
                &self
                    .sg_set(&e1.group_ids, Rules::Egress)
                    .intersection(probe)
                    .addrs(),
            )
            .intersection(&self.routed(&p1, |t| {
                matches!(t, RouteTarget::Local | RouteTarget::VpcPeering(_))
            }));
        if p1.subnet_id != p2.subnet_id {
            open = open.intersection(&self.nacl(&p1).outbound.intersection(probe).addrs());
        }
        first_addr(&open).or_else(|| first_addr(&all))
    }

    pub(crate) fn targets_by_group(&self) -> HashMap<&'e str, Vec<&'e Target>> {
        let mut m: HashMap<&str, Vec<&Target>> = HashMap::new();
        for t in &self.estate.targets {
            m.entry(t.target_group_arn.as_str()).or_default().push(t);
        }
        m
    }
}

/// A subnet's addresses without the five AWS reserves in each IPv4 block (the first four
/// and the last): <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>.
fn usable(addrs: &AddrSet) -> AddrSet {
    let mut reserved = Vec::new();
    for &(lo, hi) in addrs.v4.ranges() {
        if hi.saturating_sub(lo) >= 7 {
            reserved.push((lo, lo + 3));
            reserved.push((hi, hi));
        }
    }
    let nets: Vec<ipnet::IpNet> = reserved
        .iter()
        .flat_map(|&(lo, hi)| {
            ipnet::Ipv4Subnets::new(lo.into(), hi.into(), 0).map(ipnet::IpNet::V4)
        })
        .collect();
    addrs.difference(&AddrSet::from_nets(&nets))
}

pub(crate) fn subnet_addrs(s: &crate::model::Subnet) -> AddrSet {
    let mut nets: Vec<ipnet::IpNet> = s.cidrs_v6.iter().map(|n| ipnet::IpNet::V6(*n)).collect();
    nets.extend(s.cidr_v4.map(ipnet::IpNet::V4));
    AddrSet::from_nets(&nets)
}
