//! The hop builders behind [`Reach::explain`] for load balancers and databases.
//!
//! A balancer is two legs. The front leg is the client's connection to a node of the
//! balancer: its scheme, the listener, its groups, and the route and ACL of its subnets
//! (from the internet) or the client's own egress, route and ACLs (from inside). The back
//! leg is a node forwarding to each target of the listener on the target port: unless
//! node and target share a subnet, the request leaves the node's subnet and enters the
//! target's (both ACLs) and the reply crosses both back on one ephemeral port; the
//! target's groups must admit the node address or the balancer's group — or the client's
//! address when a network load balancer preserves it. A client goes through one node, so
//! the back leg is shown from the first node that gets it to the target, else from every
//! node the front leg reaches (from every node when it reaches none). The verdict is end
//! to end: reachable when some node admits the client and forwards it to at least one
//! target (with no target in the inputs, the front leg alone). The exact sets come from
//! `services`, so the verdicts agree with `vpclint exposure`.
//!
//! An internet-facing balancer named from inside is reached by its public DNS name, so
//! the request goes out to the internet and comes back: the source's way out first (as
//! `interface → internet`), then the balancer as reached by an internet client at the
//! address the source is translated to (its public address, or the NAT gateway's elastic
//! IP). The balancer's public addresses are not in the export: the way out is traced to
//! the lowest public address the source reaches.
//!
//! A database is reached on an address of one of its DB subnet group's subnets; from the
//! internet only when `PubliclyAccessible`, from inside the VPC always on its private
//! address. Node and database addresses are not in the export: the hops use the lowest
//! usable address of a subnet that lets the request through, and the trace says so.

use std::net::IpAddr;

use crate::model::{Database, Idx, Listener, LoadBalancer, Meta, NetworkInterface};
use crate::net::{AddrSet, PacketSet, Protocol};

use super::explain::{first_addr, Decision};
use super::internet::internet;
use super::services::{listener_protocols, Node, TargetReach};
use super::trace::{SeenAs, Tracer};
use super::{Reach, Rules};

/// A stand-in interface for a balancer node or a database in one subnet, so the
/// interface hop builders can evaluate its subnet and groups.
fn stand_in(
    meta: &Meta,
    subnet: &str,
    vpc: &str,
    addr: IpAddr,
    groups: &[String],
) -> NetworkInterface {
    NetworkInterface {
        meta: meta.clone(),
        subnet_id: subnet.to_string(),
        vpc_id: vpc.to_string(),
        private_ips: match addr {
            IpAddr::V4(a) => vec![a],
            IpAddr::V6(_) => Vec::new(),
        },
        public_ips: Vec::new(),
        ipv6_addresses: match addr {
            IpAddr::V6(a) => vec![a],
            IpAddr::V4(_) => Vec::new(),
        },
        group_ids: groups.to_vec(),
        instance_id: None,
        interface_type: None,
        requester_managed: false,
        description: None,
    }
}

/// The balancer's metadata under its name: its id is an ARN, too long for a hop.
fn lb_meta(lb: &LoadBalancer) -> Meta {
    let mut meta = lb.meta.clone();
    meta.id = lb.name.clone();
    meta
}

/// Each node's share of `packets`.
fn within<'e>(fronts: Vec<Node<'e>>, packets: &PacketSet) -> Vec<Node<'e>> {
    fronts
        .into_iter()
        .map(|n| Node {
            subnet: n.subnet,
            packets: n.packets.intersection(packets),
        })
        .collect()
}

/// Every node of the balancer taking `packets`: the back leg on its own.
fn every_node<'e>(lb: &'e LoadBalancer, packets: &PacketSet) -> Vec<Node<'e>> {
    lb.subnet_ids
        .iter()
        .map(|s| Node {
            subnet: s.as_str(),
            packets: packets.clone(),
        })
        .collect()
}

fn open_without_groups(lb: &LoadBalancer) -> bool {
    lb.group_ids.is_empty() && lb.lb_type == "network"
}

impl<'r, 'e> Tracer<'r, 'e> {
    fn probe_any(&self) -> PacketSet {
        PacketSet::new(
            self.probe.proto(),
            (self.probe.key, self.probe.key),
            AddrSet::all(),
        )
    }

    /// The probe from one client.
    fn probe_at(&self, c: IpAddr) -> PacketSet {
        PacketSet::new(
            self.probe.proto(),
            (self.probe.key, self.probe.key),
            AddrSet::from_addr(c),
        )
    }

    fn note_once(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The listener that takes the probe, as a hop; a blocker when there is none.
    fn listener_hop(&mut self, lb: &'e LoadBalancer) -> Option<&'e Listener> {
        let k = self.probe.key;
        let proto = self.probe.proto();
        let listener = self.reach.listeners_of(lb).into_iter().find(|l| {
            listener_protocols(&l.protocol)
                .iter()
                .any(|(p, fixed)| *p == proto && fixed.unwrap_or(l.port) == k)
        });
        let loc = self.loc(&lb.meta.source);
        match listener {
            Some(l) => self.hop(
                l.meta.id.clone(),
                "listener",
                Decision::Allow,
                format!("{} {}", l.protocol, l.port),
                format!("listener {} {} accepts {}", l.protocol, l.port, self.pk()),
                self.loc(&l.meta.source),
            ),
            None => {
                let reason = format!(
                    "load balancer {} has no listener for {}",
                    lb.name,
                    self.pk()
                );
                let fix = format!("add a listener on {} to {}", self.pk(), lb.name);
                let rule = "no listener".to_string();
                self.deny(lb.name.clone(), "listener", rule, reason, fix, loc);
            }
        }
        listener
    }

    /// Internet → load balancer → its targets.
    pub(crate) fn internet_to_lb(&mut self, client: Option<IpAddr>, ix: Idx<LoadBalancer>) {
        let reach = self.reach;
        let lb = reach.estate.load_balancers.get(ix);
        let probe_any = self.probe_any();
        let front = PacketSet::union_all(
            reach
                .listeners_of(lb)
                .iter()
                .map(|l| reach.listener_reach(lb, l)),
        )
        .intersection(&probe_any);
        let c = match client {
            Some(c) => c,
            None => self.representative_lb_client(lb, &front),
        };
        self.src = Some(c);
        self.internet_flow = true;
        let front_ok = self.probe.in_set(&front, c);
        let loc = self.loc(&lb.meta.source);
        if lb.is_internet_facing() {
            self.hop(
                lb.name.clone(),
                "load-balancer",
                Decision::Allow,
                "scheme".into(),
                format!("load balancer {} is internet-facing", lb.name),
                loc.clone(),
            );
        } else {
            let reason = format!(
                "load balancer {} is {} (only reachable from inside)",
                lb.name, lb.scheme
            );
            self.deny(
                lb.name.clone(),
                "load-balancer",
                "scheme".into(),
                reason,
                "recreate it with the internet-facing scheme".into(),
                loc.clone(),
            );
        }
        let listener = self.listener_hop(lb);
        if open_without_groups(lb) {
            self.hop(
                lb.name.clone(),
                "security-group",
                Decision::Allow,
                "no groups".into(),
                "a network load balancer without security groups admits every client".into(),
                loc,
            );
        } else {
            let node = stand_in(&lb_meta(lb), "", &lb.vpc_id, c, &lb.group_ids);
            self.groups(&node, true, self.probe.key, c);
        }
        self.subnets(&lb.subnet_ids, &lb.vpc_id, c);
        let at_c = self.probe_at(c);
        let back = listener.and_then(|l| {
            let fronts = within(reach.listener_fronts(lb, l), &at_c);
            self.back_leg(lb, l, c, fronts, Rules::IngressFromInternet)
        });
        self.lb_verdict(lb, listener.is_some(), front_ok, back);
    }

    /// Every client the whole path admits (front leg and some target), else one the front
    /// leg admits, else the lowest public IPv4 address.
    fn representative_lb_client(&mut self, lb: &'e LoadBalancer, front: &PacketSet) -> IpAddr {
        let reach = self.reach;
        let by_group = reach.targets_by_group();
        let k = self.probe.key;
        let proto = self.probe.proto();
        let probe_any = self.probe_any();
        let mut through = Vec::new();
        let mut any_target = false;
        for l in reach.listeners_of(lb) {
            let takes = listener_protocols(&l.protocol)
                .iter()
                .any(|(p, fixed)| *p == proto && fixed.unwrap_or(l.port) == k);
            if !takes {
                continue;
            }
            let fronts = within(reach.listener_fronts(lb, l), &probe_any);
            for t in reach.listener_targets(lb, l, &fronts, &by_group) {
                any_target = true;
                through.push(t.packets.addrs());
            }
        }
        let passing = if any_target {
            AddrSet::union_all(through.iter())
        } else {
            front.addrs()
        };
        self.set_sources(&passing);
        let c = [
            passing,
            front.addrs(),
            internet().intersection(&AddrSet::all_v4()),
        ]
        .iter()
        .find_map(first_addr)
        .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
        self.notes.push(format!("the internet is many clients; the hops are shown for one of them, {c}; `sources` lists exactly which clients get through"));
        c
    }

    /// The end-to-end verdict of a balancer trace and what it means when the legs differ.
    /// Without a listener on the port there is no back leg to speak of: only the missing
    /// listener (already a blocking hop) is worth saying.
    fn lb_verdict(
        &mut self,
        lb: &LoadBalancer,
        listener: bool,
        front_ok: bool,
        back: Option<bool>,
    ) {
        let front_ok = listener && front_ok;
        self.verdict = front_ok && back.unwrap_or(true);
        match back {
            None if !listener => {}
            None => self.notes.push(format!(
                "the listener of {} forwards to no target in the inputs: the verdict is about the balancer alone",
                lb.name
            )),
            Some(false) if front_ok => self.notes.push(format!(
                "load balancer {} itself accepts the connection{}, but no target admits the forwarded request, so the client gets an error from the balancer",
                lb.name,
                if lb.is_internet_facing() { " (`exposure` lists the balancer)" } else { "" }
            )),
            _ => {}
        }
    }

    /// The back leg: one set of hops per target of the listener. `fronts`: per node, what
    /// of `c`'s probe the front leg lets reach it; when it reaches none, the back leg is
    /// shown on its own from every node, so its blockers are its own. `Some(true)` when a
    /// target admits what `c` sends; `None` when the listener has no target in the inputs.
    /// Blockers are kept only when no target admits it.
    fn back_leg(
        &mut self,
        lb: &'e LoadBalancer,
        l: &'e Listener,
        c: IpAddr,
        fronts: Vec<Node<'e>>,
        rules: Rules,
    ) -> Option<bool> {
        let reach = self.reach;
        let by_group = reach.targets_by_group();
        let fronts = if fronts.iter().all(|n| n.packets.is_empty()) {
            every_node(lb, &self.probe_at(c))
        } else {
            fronts
        };
        let targets = reach.listener_targets_for(lb, l, &fronts, &by_group, rules);
        if targets.is_empty() {
            return None;
        }
        let before = self.blocked.len();
        let mut any = false;
        for t in &targets {
            self.target_hops(lb, t, c, &fronts);
            any |= !t.packets.is_empty();
        }
        if any {
            self.blocked.truncate(before);
        }
        Some(any)
    }

    /// The hops of one target; returns the address the target sees (the client's when
    /// preserved, else a node's). The node shown is the first that gets `c` through; when
    /// none does, every node the front leg reaches is, with all their blockers.
    fn target_hops(
        &mut self,
        lb: &'e LoadBalancer,
        t: &TargetReach<'e>,
        c: IpAddr,
        fronts: &[Node<'e>],
    ) -> IpAddr {
        let how = if t.preserve_client_ip {
            format!("client IP preserved: the target sees {c}")
        } else {
            "the target sees a node address of the load balancer".to_string()
        };
        self.hop(
            t.target.target_id.clone(),
            "target",
            Decision::Route,
            format!("target group {} port {}", t.group.name, t.port),
            format!(
                "the listener forwards to target group {}: target {} on port {} ({how})",
                t.group.name, t.target.target_id, t.port
            ),
            self.loc(&t.target.source),
        );
        if t.interface.is_none() {
            let reason = format!(
                "target {} has no network interface in the inputs",
                t.target.target_id
            );
            self.deny(
                t.target.target_id.clone(),
                "target",
                "no interface".into(),
                reason,
                "export the target's instance and network interfaces with the rest".into(),
                self.loc(&t.target.source),
            );
            return c;
        }
        let from_c = PacketSet::new(self.probe.proto(), (0, u16::MAX), AddrSet::from_addr(c));
        let working = t
            .nodes
            .iter()
            .find(|n| !n.packets.intersection(&from_c).is_empty())
            .map(|n| n.subnet);
        let shown: Vec<&str> = match working {
            Some(s) => vec![s],
            None => fronts
                .iter()
                .filter(|n| !n.packets.is_empty())
                .map(|n| n.subnet)
                .collect(),
        };
        let mut seen = None;
        for node in shown {
            let peer = self.node_hops(lb, t, c, node);
            seen = seen.or(Some(peer));
        }
        seen.unwrap_or(c)
    }

    /// The node in subnet `node` forwarding to the target: the ACLs between them (none
    /// inside one subnet) and the target's groups. Returns the address the target sees.
    fn node_hops(
        &mut self,
        lb: &'e LoadBalancer,
        t: &TargetReach<'e>,
        c: IpAddr,
        node: &str,
    ) -> IpAddr {
        let reach = self.reach;
        let Some(ix) = t.interface else {
            return c;
        };
        let e = reach.estate.interfaces.get(ix);
        let pt = reach.place_of(e);
        let pn = reach.place(node, &lb.vpc_id);
        let at_port = PacketSet::new(self.probe.proto(), (t.port, t.port), AddrSet::all());
        let (peer, peer_groups): (IpAddr, &[String]) = if t.preserve_client_ip {
            (c, &[])
        } else {
            let n = reach.node_addr_for(lb, t, node, &at_port).unwrap_or(c);
            self.note_once(format!("the node addresses of load balancer {} are not in the inputs; the back leg from subnet {node} uses {n}, an address of that subnet that the target admits if any does", lb.name));
            (n, &lb.group_ids)
        };
        let to = t.address;
        self.hop(
            lb.name.clone(),
            "load-balancer",
            Decision::Route,
            format!("node in {node}"),
            format!(
                "the node in subnet {node} forwards the request: {peer} -> {} port {}",
                to.map_or_else(|| t.target.target_id.clone(), |a| a.to_string()),
                t.port
            ),
            self.loc(&lb.meta.source),
        );
        // As in `services`: traffic inside one subnet never meets its ACL.
        if node == e.subnet_id {
            self.hop(
                e.subnet_id.clone(),
                "network-acl",
                Decision::Allow,
                "same subnet".into(),
                format!(
                    "the node in subnet {node} and target {} share the subnet: network ACLs are not evaluated between them",
                    t.target.target_id
                ),
                None,
            );
            self.groups_with(e, true, t.port, peer, peer_groups);
            return peer;
        }
        let Some(to) = to else {
            self.groups_with(e, true, t.port, peer, peer_groups);
            self.nacl(
                &pt,
                false,
                t.port,
                peer,
                "the forwarded request entering the target's subnet",
            );
            self.nacl_reply(&pt, true, peer);
            return peer;
        };
        self.nacl(
            &pn,
            true,
            t.port,
            to,
            &format!("the forwarded request leaving the balancer's subnet {node}"),
        );
        self.nacl(
            &pt,
            false,
            t.port,
            peer,
            "the forwarded request entering the target's subnet",
        );
        self.groups_with(e, true, t.port, peer, peer_groups);
        let onward = t.preserve_client_ip.then_some(c);
        self.two_acl_reply(&pn, &pt, peer, to, onward);
        peer
    }

    /// Route and ACL hops for each subnet of a balancer or database; blockers are kept
    /// only when no subnet admits the client.
    fn subnets(&mut self, subnets: &[String], vpc: &str, c: IpAddr) {
        let reach = self.reach;
        let before = self.blocked.len();
        let mut any = false;
        for s in subnets {
            let place = reach.place(s, vpc);
            let v = place.vpc_id;
            let fix = self.igw_fix(&place, c);
            let r = self.route(
                &place,
                c,
                &format!("subnet {s}: the reply must go to an internet gateway"),
                &|t| reach.is_attached_igw(t, v),
                &fix,
            );
            let i = self.nacl(
                &place,
                false,
                self.probe.key,
                c,
                &format!("the request, in subnet {s}"),
            );
            let o = self.nacl_reply(&place, true, c);
            any |= r && i && o;
        }
        if subnets.is_empty() {
            self.block(
                "subnets".into(),
                "no subnets in the inputs".into(),
                "place it in a public subnet".into(),
                None,
            );
        }
        if any {
            self.blocked.truncate(before);
        }
    }

    /// Internet → database.
    pub(crate) fn internet_to_db(&mut self, client: Option<IpAddr>, ix: Idx<Database>) {
        let reach = self.reach;
        let db = reach.estate.databases.get(ix);
        let exact = reach.database_reach(db);
        let passing = exact.intersection(&self.probe_any()).addrs();
        let c = client
            .or_else(|| {
                self.set_sources(&passing);
                first_addr(&passing)
                    .or_else(|| first_addr(&internet().intersection(&AddrSet::all_v4())))
            })
            .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
        self.src = Some(c);
        self.verdict = self.probe.in_set(&exact, c);
        self.internet_flow = true;
        self.db_hops(db, true);
        let vpc = db.vpc_id.as_deref().unwrap_or("");
        let stand = stand_in(&db.meta, "", vpc, c, &db.group_ids);
        self.groups(&stand, true, self.probe.key, c);
        self.subnets(&db.subnet_ids, vpc, c);
    }

    /// The database itself: public accessibility (internet only) and the endpoint port.
    fn db_hops(&mut self, db: &Database, from_internet: bool) -> bool {
        let loc = self.loc(&db.meta.source);
        let mut ok = true;
        if !from_internet {
            self.hop(
                db.meta.id.clone(),
                "database",
                Decision::Allow,
                "private address".into(),
                format!(
                    "database {} ({}) is reached on its private address from inside the VPC, publicly accessible or not",
                    db.meta.id, db.engine
                ),
                loc.clone(),
            );
        } else if db.publicly_accessible {
            self.hop(
                db.meta.id.clone(),
                "database",
                Decision::Allow,
                "PubliclyAccessible".into(),
                format!(
                    "database {} is publicly accessible (it gets a public address)",
                    db.meta.id
                ),
                loc.clone(),
            );
        } else {
            let reason = format!(
                "database {} is not publicly accessible: it has no public address",
                db.meta.id
            );
            self.deny(
                db.meta.id.clone(),
                "database",
                "PubliclyAccessible".into(),
                reason,
                "only if really intended: modify the database with --publicly-accessible".into(),
                loc.clone(),
            );
            ok = false;
        }
        let port_ok = self.probe.proto() == Protocol::TCP && db.port == Some(self.probe.key);
        if !port_ok {
            let (reason, fix) = match db.port {
                Some(p) => (
                    format!(
                        "database {} listens on tcp/{p}, not {}",
                        db.meta.id,
                        self.pk()
                    ),
                    format!("connect to tcp/{p}, the database's endpoint port"),
                ),
                None => (
                    format!(
                        "the endpoint port of database {} is not in the inputs",
                        db.meta.id
                    ),
                    "export the database with its endpoint".to_string(),
                ),
            };
            self.deny(
                db.meta.id.clone(),
                "database",
                "port".into(),
                reason,
                fix,
                loc,
            );
        }
        ok && port_ok
    }

    /// Interface → internal load balancer → its targets.
    pub(crate) fn interface_to_lb(&mut self, a_ix: Idx<NetworkInterface>, ix: Idx<LoadBalancer>) {
        let reach = self.reach;
        let lb = reach.estate.load_balancers.get(ix);
        let Some(a) = self.source_v4(a_ix) else {
            return;
        };
        self.hop(
            lb.name.clone(),
            "load-balancer",
            Decision::Allow,
            "scheme".into(),
            format!(
                "load balancer {} is {}: clients inside the VPC reach it on its private addresses",
                lb.name, lb.scheme
            ),
            self.loc(&lb.meta.source),
        );
        let listener = self.listener_hop(lb);
        let filter = reach.lb_groups_ingress_inside(lb);
        let target = Service {
            meta: lb_meta(lb),
            subnets: &lb.subnet_ids,
            vpc: &lb.vpc_id,
            groups: &lb.group_ids,
            filters: !open_without_groups(lb),
            what: "node",
        };
        let admitted = self.inside_front(a_ix, a, &target, &filter);
        let at_a = self.probe_at(a);
        let fronts: Vec<Node<'e>> = lb
            .subnet_ids
            .iter()
            .map(|s| Node {
                subnet: s.as_str(),
                packets: if admitted.contains(&s.as_str()) {
                    at_a.clone()
                } else {
                    PacketSet::empty()
                },
            })
            .collect();
        let back = listener.and_then(|l| self.back_leg(lb, l, a, fronts, Rules::Ingress));
        self.lb_verdict(lb, listener.is_some(), !admitted.is_empty(), back);
    }

    /// Interface → internet-facing load balancer by its public DNS name: the request
    /// leaves through the internet and comes back in, so it is the interface's way out
    /// (egress, route, NAT, ACL) and then the balancer as an internet client at the
    /// address the source is translated to (the interface's public address through an
    /// internet gateway, the NAT gateway's elastic IP through a NAT). IPv4 only: a
    /// dualstack balancer's IPv6 addresses lie in its subnets' IPv6 blocks, so over IPv6
    /// the path from inside is not a translated one through the internet.
    pub(crate) fn interface_to_public_lb(
        &mut self,
        a_ix: Idx<NetworkInterface>,
        ix: Idx<LoadBalancer>,
    ) {
        let reach = self.reach;
        let lb = reach.estate.load_balancers.get(ix);
        let e = reach.estate.interfaces.get(a_ix);
        let exact = reach.interface_to_internet(a_ix);
        let out = exact.intersection(&self.probe_any()).addrs();
        let world = |fam: AddrSet| internet().intersection(&fam);
        let fam = AddrSet::all_v4();
        if !e.ipv6_addresses.is_empty()
            && Reach::lb_families(lb).contains(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED))
        {
            self.notes.push(format!(
                "load balancer {} is dualstack: only IPv4 is traced (over IPv6 its addresses are in its subnets' IPv6 blocks, not reached through a translation)",
                lb.name
            ));
        }
        let reached = out.intersection(&world(fam.clone()));
        // The balancer's public addresses are AWS's and not in the export: the way out is
        // traced to the lowest one the source reaches, which does not hide a path.
        let d = [reached.clone(), world(fam.clone())]
            .iter()
            .find_map(first_addr)
            .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
        self.src = match d {
            IpAddr::V4(_) => e.private_ips.first().map(|a| IpAddr::V4(*a)),
            IpAddr::V6(_) => e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)),
        };
        self.dst = Some(d);
        self.internet_flow = true;
        self.notes.push(format!(
            "load balancer {} is internet-facing: its DNS name resolves to public addresses, so the request goes out to the internet and comes back in; those addresses are not in the inputs, and the way out is shown to {d}",
            lb.name
        ));
        if !reached.is_empty() && reached != world(fam) {
            self.notes.push(format!(
                "the source reaches only part of the internet on {}; the verdict holds if the balancer's addresses are among them",
                self.pk()
            ));
        }
        let out_ok = self.probe.in_set(&exact, d);
        let src = self.src;
        match self.outbound_hops(a_ix, d) {
            SeenAs::Addr(c) => {
                self.notes.push(format!(
                    "the balancer sees the request come from {c}, the public address the source is translated to"
                ));
                self.internet_to_lb(Some(c), ix);
            }
            SeenAs::Unknown(why) => {
                self.notes.push(format!(
                    "{why}: the balancer is traced as reached from the internet"
                ));
                self.internet_to_lb(None, ix);
            }
            SeenAs::NoWayOut => {
                self.notes.push(format!(
                    "the request does not reach the internet, so load balancer {} is not traced",
                    lb.name
                ));
                self.verdict = false;
            }
        }
        // The balancer leg puts its client (the translated address) here; the packet
        // starts at the source.
        self.src = src;
        self.dst = Some(d);
        self.verdict &= out_ok;
    }

    /// Interface → database, on its private address.
    pub(crate) fn interface_to_db(&mut self, a_ix: Idx<NetworkInterface>, ix: Idx<Database>) {
        let reach = self.reach;
        let db = reach.estate.databases.get(ix);
        let Some(a) = self.source_v4(a_ix) else {
            return;
        };
        let db_ok = self.db_hops(db, false);
        let filter = reach.sg_set(&db.group_ids, Rules::Ingress);
        let target = Service {
            meta: db.meta.clone(),
            subnets: &db.subnet_ids,
            vpc: db.vpc_id.as_deref().unwrap_or(""),
            groups: &db.group_ids,
            filters: true,
            what: "database",
        };
        let front = !self.inside_front(a_ix, a, &target, &filter).is_empty();
        self.verdict = db_ok && front;
    }

    /// The source interface's primary private IPv4 address (balancer nodes and databases
    /// are traced over IPv4); a blocker when it has none.
    fn source_v4(&mut self, a_ix: Idx<NetworkInterface>) -> Option<IpAddr> {
        let e1 = self.reach.estate.interfaces.get(a_ix);
        let a = e1.private_ips.first().map(|a| IpAddr::V4(*a));
        match a {
            Some(a) => self.src = Some(a),
            None => self.block(
                e1.meta.label(),
                format!("interface {} has no private IPv4 address", e1.meta.id),
                "trace from an interface with an IPv4 address".into(),
                self.loc(&e1.meta.source),
            ),
        }
        a
    }

    /// The request from interface `a_ix` to a node or database in one of its subnets:
    /// the first subnet that admits it is traced; when none does, every subnet is, with
    /// all their blockers. Returns the subnets that admit it.
    fn inside_front<'s>(
        &mut self,
        a_ix: Idx<NetworkInterface>,
        a: IpAddr,
        target: &Service<'s>,
        filter: &PacketSet,
    ) -> Vec<&'s str> {
        let reach = self.reach;
        let e1 = reach.estate.interfaces.get(a_ix);
        let probe_any = self.probe_any();
        let mut tried = Vec::new();
        for s in target.subnets {
            let p2 = reach.place(s, target.vpc);
            match reach.service_addr(a_ix, &p2, &probe_any) {
                Some(d) => {
                    let exact = reach.interface_to_service(a_ix, &p2, d, filter);
                    tried.push((s.as_str(), d, self.probe.in_set(&exact, a)));
                }
                None => self.note_once(format!("subnet {s} is not in the inputs; it is skipped")),
            }
        }
        if tried.is_empty() {
            let label = target.meta.label();
            self.block(
                label.clone(),
                format!("{label} has no subnet in the inputs"),
                "export its subnets with the rest".into(),
                self.loc(&target.meta.source),
            );
            return Vec::new();
        }
        let admitted = tried.iter().find(|x| x.2).copied();
        let shown: Vec<(&str, IpAddr, bool)> = match admitted {
            Some(x) => vec![x],
            None => tried.clone(),
        };
        self.dst = shown.first().map(|x| x.1);
        for (s, d, _) in shown {
            self.note_once(format!(
                "the {} address in subnet {s} is not in the inputs; the hops use {d}, the lowest usable address of that subnet that no interface holds and the request can reach",
                target.what
            ));
            let stand = stand_in(&target.meta, s, target.vpc, d, target.groups);
            self.private_leg(e1, a, &stand, d, target.filters);
        }
        tried.iter().filter(|x| x.2).map(|x| x.0).collect()
    }
}

/// A balancer or database as the destination of an inside request.
struct Service<'a> {
    meta: Meta,
    subnets: &'a [String],
    vpc: &'a str,
    groups: &'a [String],
    /// False for a network load balancer without groups: it admits everything.
    filters: bool,
    what: &'a str,
}

impl<'r, 'e> Tracer<'r, 'e> {
    /// Load balancer → one of its targets: the back leg alone, on the target port. When
    /// the balancer preserves client addresses the target sees a client, not the node: the
    /// hops use the lowest public IPv4 address for an internet-facing balancer, a node
    /// address for an internal one, and say so.
    pub(crate) fn lb_to_target(&mut self, ix: Idx<LoadBalancer>, to: Idx<NetworkInterface>) {
        let reach = self.reach;
        let lb = reach.estate.load_balancers.get(ix);
        let by_group = reach.targets_by_group();
        let (proto, k) = (self.probe.proto(), self.probe.key);
        let client = if lb.is_internet_facing() {
            first_addr(&internet().intersection(&AddrSet::all_v4()))
        } else {
            first_addr(&reach.lb_usable_node_addrs(lb))
        }
        .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
        let fronts = every_node(
            lb,
            &PacketSet::new(proto, (0, u16::MAX), AddrSet::from_addr(client)),
        );
        let rules = if lb.is_internet_facing() {
            Rules::IngressFromInternet
        } else {
            Rules::Ingress
        };
        let mut found = Vec::new();
        for l in reach.listeners_of(lb) {
            for t in reach.listener_targets_for(lb, l, &fronts, &by_group, rules) {
                let carries =
                    listener_protocols(t.group.protocol.as_deref().unwrap_or(&l.protocol))
                        .iter()
                        .any(|(p, _)| *p == proto);
                if t.interface == Some(to) && t.port == k && carries {
                    found.push(t);
                }
            }
        }
        self.dst = reach
            .estate
            .interfaces
            .get(to)
            .private_ips
            .first()
            .map(|a| IpAddr::V4(*a));
        if found.is_empty() {
            let e = reach.estate.interfaces.get(to);
            let reason = format!(
                "{} is not a target of load balancer {} on {}",
                e.meta.label(),
                lb.name,
                self.pk()
            );
            let fix = format!(
                "register it on port {k} in a target group a listener of {} forwards to",
                lb.name
            );
            let loc = self.loc(&lb.meta.source);
            self.deny(
                lb.name.clone(),
                "target",
                "no target".into(),
                reason,
                fix,
                loc,
            );
            return;
        }
        if found.iter().any(|t| t.preserve_client_ip) {
            self.notes.push(format!("load balancer {} preserves client addresses: the target sees the client, and the hops use {client}; to trace a given client, explain --from it --to {}", lb.name, lb.name));
        }
        let before = self.blocked.len();
        let mut any = false;
        for t in &found {
            let seen = self.target_hops(lb, t, client, &fronts);
            self.src = self.src.or(Some(seen));
            any |= !t.packets.is_empty();
        }
        if any {
            self.blocked.truncate(before);
        }
        self.verdict = any;
    }
}
