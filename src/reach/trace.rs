//! The hop builders behind [`Reach::explain`]: one concrete packet through routes, ACLs
//! and groups, recording every decision and every blocker with a suggested change.

use std::net::IpAddr;

use crate::model::{Idx, Location, NetworkInterface, Peer, RouteTarget, Source};
use crate::net::{AddrSet, PacketSet, Protocol};

use super::compile::{keys_at, rule_set, EPHEMERAL};
use super::explain::{first_addr, is_internet, Blocker, Decision, Hop, Probe, Trace, Verdict};
use super::flows::public_families;
use super::internet::internet;
use super::nacl::entry_set;
use super::{Place, Reach};

/// The Linux default ephemeral port, used to show which ACL entry blocks replies.
const SHOWN_EPHEMERAL: u16 = 32768;

/// The address an internet server sees a request from inside come from.
pub(super) enum SeenAs {
    Addr(IpAddr),
    /// There is a way out, but the export does not give the address; the words say whose.
    Unknown(String),
    /// The request does not reach the internet (the hops say why).
    NoWayOut,
}

pub(crate) struct Tracer<'r, 'e> {
    pub(super) reach: &'r Reach<'e>,
    pub(super) probe: Probe,
    pub(super) hops: Vec<Hop>,
    pub(super) blocked: Vec<Blocker>,
    pub(super) notes: Vec<String>,
    pub(super) verdict: bool,
    pub(super) src: Option<IpAddr>,
    pub(super) dst: Option<IpAddr>,
    pub(super) sources: Option<AddrSet>,
    /// The peer is an internet client or server: group references cannot match it.
    pub(super) internet_flow: bool,
}

fn world_cidr(a: IpAddr) -> &'static str {
    match a {
        IpAddr::V4(_) => "0.0.0.0/0",
        IpAddr::V6(_) => "::/0",
    }
}

pub(super) fn host(a: IpAddr) -> String {
    match a {
        IpAddr::V4(_) => format!("{a}/32"),
        IpAddr::V6(_) => format!("{a}/128"),
    }
}

impl<'r, 'e> Tracer<'r, 'e> {
    pub(crate) fn new(reach: &'r Reach<'e>, probe: Probe) -> Self {
        Tracer {
            reach,
            probe,
            hops: Vec::new(),
            blocked: Vec::new(),
            notes: Vec::new(),
            verdict: false,
            src: None,
            dst: None,
            sources: None,
            internet_flow: false,
        }
    }

    pub(crate) fn finish(mut self, from: String, to: String) -> Trace {
        let verdict = if self.verdict {
            Verdict::Reachable
        } else {
            Verdict::Unreachable
        };
        // Subnets sharing a table or ACL report the same blocker once.
        let mut seen = std::collections::HashSet::new();
        self.blocked
            .retain(|b| seen.insert((b.component.clone(), b.reason.clone(), b.fix.clone())));
        if !self.verdict && self.blocked.is_empty() {
            // The exact computation says no but no single element was pinned down (e.g.
            // ACL replies that pass each subnet but share no ephemeral port).
            self.blocked.push(Blocker {
                component: to.clone(),
                reason: "no path admits this packet".to_string(),
                fix: "see the hops above".to_string(),
                location: None,
            });
        }
        Trace {
            from,
            to,
            source_address: self.src.map(|a| a.to_string()),
            destination_address: self.dst.map(|a| a.to_string()),
            protocol: self.probe.proto().to_string(),
            port: (self.probe.proto().has_ports()).then_some(self.probe.key),
            verdict,
            hops: self.hops,
            blocked_by: self.blocked,
            sources: self
                .sources
                .as_ref()
                .map(|a| a.to_cidrs().iter().map(ToString::to_string).collect()),
            source_set: self.sources,
            notes: self.notes,
        }
    }

    pub(super) fn loc(&self, s: &Source) -> Option<Location> {
        Some(self.reach.estate.location(s))
    }

    pub(super) fn hop(
        &mut self,
        component: String,
        kind: &str,
        decision: Decision,
        rule: String,
        message: String,
        location: Option<Location>,
    ) {
        self.hops.push(Hop {
            component,
            kind: kind.to_string(),
            decision,
            rule,
            message,
            location,
        });
    }

    pub(super) fn block(
        &mut self,
        component: String,
        reason: String,
        fix: String,
        location: Option<Location>,
    ) {
        self.blocked.push(Blocker {
            component,
            reason,
            fix,
            location,
        });
    }

    /// A denying hop and its blocker: one component, one reason, one place.
    pub(super) fn deny(
        &mut self,
        component: String,
        kind: &str,
        rule: String,
        reason: String,
        fix: String,
        location: Option<Location>,
    ) {
        self.hop(
            component.clone(),
            kind,
            Decision::Deny,
            rule,
            reason.clone(),
            location.clone(),
        );
        self.block(component, reason, fix, location);
    }

    pub(super) fn set_sources(&mut self, passing: &AddrSet) {
        self.sources = Some(passing.clone());
    }

    pub(super) fn pk(&self) -> String {
        self.probe.describe()
    }

    // ---- elements -------------------------------------------------------------------

    /// The route chosen for `addr` in the place's table; `ok` says whether its target is
    /// what the flow needs, `want` names it for the fix.
    pub(super) fn route(
        &mut self,
        place: &Place,
        addr: IpAddr,
        purpose: &str,
        ok: &dyn Fn(&RouteTarget) -> bool,
        fix: &dyn Fn(&str) -> String,
    ) -> bool {
        let est = self.reach.estate;
        let Some(t) = place.table else {
            let reason = format!(
                "subnet {} has no route table in the inputs, so nothing leaves it",
                place.subnet_id
            );
            self.deny(
                place.subnet_id.to_string(),
                "route-table",
                "none".into(),
                reason,
                fix("its route table"),
                None,
            );
            return false;
        };
        let table = est.route_tables.get(t);
        let label = table.meta.label();
        let Some((_, r)) = self.reach.lookup(place, addr) else {
            let reason = format!("route table {label} has no route covering {addr} ({purpose})");
            self.deny(
                label.clone(),
                "route-table",
                "no matching route".into(),
                reason,
                fix(&table.meta.id),
                self.loc(&table.meta.source),
            );
            return false;
        };
        let route = &table.routes[r];
        let dest = match &route.destination {
            crate::model::RouteDestination::Cidr(n) => n.to_string(),
            crate::model::RouteDestination::PrefixList(p) => p.clone(),
        };
        let rule = format!("{dest} -> {}", route.target.id());
        let loc = self.loc(&route.source);
        if route.blackhole {
            let reason = format!("route table {label} sends {addr} to a blackhole (route {rule}: its target is gone)");
            self.deny(label, "route-table", rule, reason, fix(&table.meta.id), loc);
            return false;
        }
        let msg = format!(
            "route table {label} sends {addr} to {} ({}) by its longest matching route {dest} ({purpose})",
            route.target.describe(),
            route.target.id()
        );
        self.hop(
            label.clone(),
            "route-table",
            Decision::Route,
            rule,
            msg,
            loc.clone(),
        );
        if ok(&route.target) {
            return true;
        }
        let why = match &route.target {
            RouteTarget::EgressOnlyInternetGateway(_) => {
                "an egress-only internet gateway never admits inbound connections".to_string()
            }
            RouteTarget::NatGateway(_) => {
                "a NAT gateway only carries connections opened from inside".to_string()
            }
            RouteTarget::InternetGateway(g) => {
                format!("internet gateway {g} is not attached to {}", place.vpc_id)
            }
            other => format!("{} is not the way this packet must go", other.describe()),
        };
        self.block(
            label,
            format!(
                "{addr} is routed to {} ({}) — {why}",
                route.target.describe(),
                route.target.id()
            ),
            fix(&table.meta.id),
            loc,
        );
        false
    }

    /// The ACL decision for one packet in one direction (`egress`: peer = destination).
    pub(super) fn nacl(
        &mut self,
        place: &Place,
        egress: bool,
        key: u16,
        peer: IpAddr,
        what: &str,
    ) -> bool {
        let est = self.reach.estate;
        let dir = if egress { "outbound" } else { "inbound" };
        let p = self.probe.protocol;
        let Some(ix) = place.nacl else {
            self.hop(
                place.subnet_id.to_string(),
                "network-acl",
                Decision::Allow,
                "no ACL in the inputs".into(),
                format!(
                    "subnet {} has no network ACL in the inputs: {dir} traffic is allowed",
                    place.subnet_id
                ),
                None,
            );
            return true;
        };
        let acl = est.network_acls.get(ix);
        let compiled = &self.reach.nacls[ix.index()];
        let order = if egress {
            &compiled.order_out
        } else {
            &compiled.order_in
        };
        let label = acl.meta.label();
        let shown = self.probe_text(key);
        let hit = order
            .iter()
            .copied()
            .find(|&i| entry_set(&acl.entries[i]).contains(p, key, peer));
        match hit {
            Some(i) => {
                let e = &acl.entries[i];
                let loc = self.loc(&e.source);
                let verb = if e.allow { "allows" } else { "denies" };
                let rule = format!("{dir} rule {}", e.rule_number);
                let msg = format!(
                    "network ACL {label} {dir} rule {} {verb} {shown} {} {peer} ({what})",
                    e.rule_number,
                    if egress { "to" } else { "from" }
                );
                self.hop(
                    label.clone(),
                    "network-acl",
                    if e.allow {
                        Decision::Allow
                    } else {
                        Decision::Deny
                    },
                    rule,
                    msg,
                    loc.clone(),
                );
                if !e.allow {
                    let reason = format!(
                        "network ACL {label} {dir} rule {} denies {shown} {} {peer} ({what})",
                        e.rule_number,
                        if egress { "to" } else { "from" }
                    );
                    let fix = format!("add an {dir} allow entry for {shown} {} {} with a rule number lower than {}",
                        if egress { "to" } else { "from" }, host(peer), e.rule_number);
                    self.block(label, reason, fix, loc);
                }
                e.allow
            }
            None => {
                let loc = self.loc(&acl.meta.source);
                let msg = format!("no {dir} entry of network ACL {label} matches {shown} {} {peer}, so the final `*` rule denies it ({what})",
                    if egress { "to" } else { "from" });
                let fix = format!(
                    "add an {dir} allow entry to {} for {shown} {} {}",
                    acl.meta.id,
                    if egress { "to" } else { "from" },
                    host(peer)
                );
                self.deny(label, "network-acl", format!("{dir} rule *"), msg, fix, loc);
                false
            }
        }
    }

    pub(super) fn probe_text(&self, key: u16) -> String {
        Probe {
            protocol: self.probe.protocol,
            key,
        }
        .describe()
    }

    /// The reply key for non-port protocols (echo request → echo reply, else the same).
    fn reply_key(&self) -> Option<u16> {
        let p = self.probe.proto();
        if p.has_ports() {
            return None;
        }
        let [t, _] = self.probe.key.to_be_bytes();
        Some(match (p, t) {
            (Protocol::ICMP, 8) => 0,
            (Protocol::ICMPV6, 128) => 129 << 8,
            _ => self.probe.key,
        })
    }

    /// Reply ports (tcp/udp) a set allows for `peer` within the ephemeral range.
    fn ephemeral_ports(&self, set: &PacketSet, peer: IpAddr) -> PacketSet {
        keys_at(set, peer).intersection(&PacketSet::new(
            self.probe.proto(),
            EPHEMERAL,
            AddrSet::all(),
        ))
    }

    /// The reply through one ACL (the internet cases): `egress` is the reply's direction.
    pub(super) fn nacl_reply(&mut self, place: &Place, egress: bool, peer: IpAddr) -> bool {
        if let Some(k) = self.reply_key() {
            return self.nacl(place, egress, k, peer, "the reply");
        }
        let n = self.reach.nacl(place);
        let set = if egress { &n.outbound } else { &n.inbound };
        let q = pick_port(&self.ephemeral_ports(set, peer), self.probe.protocol);
        let what = format!(
            "the reply, on ephemeral port {q}; replies may use any port {}-{}",
            EPHEMERAL.0, EPHEMERAL.1
        );
        self.nacl(place, egress, q, peer, &what)
    }

    /// Security-group decision: every matching rule is a hop; none is a blocker.
    pub(super) fn groups(
        &mut self,
        eni: &NetworkInterface,
        ingress: bool,
        key: u16,
        peer: IpAddr,
    ) -> bool {
        self.groups_with(eni, ingress, key, peer, &[])
    }

    /// [`Self::groups`] for a peer that also carries `peer_groups` (a load balancer's
    /// node: the export has no interface for it, so group references to the balancer's
    /// groups are matched here).
    pub(super) fn groups_with(
        &mut self,
        eni: &NetworkInterface,
        ingress: bool,
        key: u16,
        peer: IpAddr,
        peer_groups: &[String],
    ) -> bool {
        let est = self.reach.estate;
        let dir = if ingress { "inbound" } else { "outbound" };
        let shown = self.probe_text(key);
        let existing: Vec<_> = eni
            .group_ids
            .iter()
            .filter_map(|g| est.security_groups.get_by_id(g))
            .collect();
        for g in &eni.group_ids {
            if est.security_groups.find(g).is_none() {
                self.notes.push(format!(
                    "security group {g} of {} is not in the inputs; it is ignored",
                    eni.meta.id
                ));
            }
        }
        let mut any = false;
        for g in &existing {
            let rules = if ingress { &g.ingress } else { &g.egress };
            for r in rules {
                let by_group = matches!(&r.peer, Peer::Group { group_id, .. } if peer_groups.contains(group_id))
                    && rule_set(r.protocol, &r.ports, AddrSet::all()).contains(
                        self.probe.protocol,
                        key,
                        peer,
                    );
                if by_group
                    || self
                        .reach
                        .peers
                        .rule_set(r)
                        .contains(self.probe.protocol, key, peer)
                {
                    any = true;
                    let id = r.rule_id.clone().unwrap_or_else(|| format!("{dir} rule"));
                    let what = if r.protocol == Protocol::All {
                        "all traffic".to_string()
                    } else {
                        format!("{} {}", r.protocol, r.ports.describe())
                    };
                    let msg = format!(
                        "security group {} {dir} rule allows {what} {} {} (peer {})",
                        g.label(),
                        if ingress { "from" } else { "to" },
                        peer,
                        r.peer.describe()
                    );
                    self.hop(
                        g.label(),
                        "security-group",
                        Decision::Allow,
                        id,
                        msg,
                        self.loc(&r.source),
                    );
                }
            }
        }
        if any {
            return true;
        }
        let names: Vec<String> = existing.iter().map(|g| g.label()).collect();
        let component = if names.is_empty() {
            eni.meta.id.clone()
        } else {
            names.join(", ")
        };
        let dirn = if ingress { "from" } else { "to" };
        let reason = if existing.is_empty() {
            format!(
                "{} has no security group in the inputs, so {dir} traffic is denied",
                eni.meta.id
            )
        } else {
            format!("no {dir} rule of {component} allows {shown} {dirn} {peer}")
        };
        let loc = existing.first().and_then(|g| self.loc(&g.meta.source));
        let fix = match existing.first() {
            Some(g) if !peer_groups.is_empty() => format!(
                "add an {dir} rule to {} allowing {shown} {dirn} the load balancer's group {}",
                g.meta.id,
                peer_groups.join(", ")
            ),
            Some(g) => format!(
                "add an {dir} rule to {} allowing {shown} {dirn} {}",
                g.meta.id,
                host(peer)
            ),
            None => format!(
                "attach a security group to {} allowing {shown} {dirn} {}",
                eni.meta.id,
                host(peer)
            ),
        };
        let rule = "no matching rule".to_string();
        self.deny(component, "security-group", rule, reason, fix, loc);
        false
    }

    pub(super) fn igw_fix(&self, place: &Place, client: IpAddr) -> impl Fn(&str) -> String {
        let igw = self
            .reach
            .estate
            .internet_gateways
            .iter()
            .find(|g| g.vpc_ids.iter().any(|v| v == place.vpc_id))
            .map(|g| g.meta.id.clone());
        let vpc = place.vpc_id.to_string();
        let cidr = world_cidr(client);
        move |rtb: &str| match &igw {
            Some(g) => format!("add a route {cidr} -> {g} to {rtb}"),
            None => format!(
                "attach an internet gateway to {vpc}, then add a route {cidr} -> it to {rtb}"
            ),
        }
    }

    // ---- flows ----------------------------------------------------------------------

    pub(crate) fn internet_to_interface(
        &mut self,
        client: Option<IpAddr>,
        ix: Idx<NetworkInterface>,
    ) {
        let reach = self.reach;
        let e = reach.estate.interfaces.get(ix);
        let place = reach.place_of(e);
        let exact = match client {
            Some(c) if !is_internet(c) => reach.cidr_to_interface(&AddrSet::from_addr(c), ix),
            _ => reach.internet_to_interface(ix),
        };
        let probe_any = PacketSet::new(
            self.probe.proto(),
            (self.probe.key, self.probe.key),
            AddrSet::all(),
        );
        let passing = exact.intersection(&probe_any).addrs();
        let client = match client {
            Some(c) => c,
            None => {
                self.set_sources(&passing);
                let fam = if e.has_public_ipv4() || e.ipv6_addresses.is_empty() {
                    AddrSet::all_v4()
                } else {
                    AddrSet::all_v6()
                };
                let world = internet().intersection(&fam);
                let c = [
                    passing.clone(),
                    world.intersection(&reach.igw_region(&place)),
                    world,
                ]
                .iter()
                .find_map(first_addr)
                .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
                self.notes.push(format!("the internet is many clients; the hops are shown for one of them, {c}; `sources` lists exactly which clients get through"));
                c
            }
        };
        self.src = Some(client);
        self.verdict = self.probe.in_set(&exact, client);
        let public = is_internet(client);
        self.internet_flow = public;
        let (p, k) = (self.probe.protocol, self.probe.key);
        let _ = p;
        if public {
            let fam_ok = public_families(e).contains(client);
            let (addr, what) = match client {
                IpAddr::V4(_) => (
                    e.public_ips.first().map(|a| IpAddr::V4(*a)),
                    "a public IPv4 address",
                ),
                IpAddr::V6(_) => (
                    e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)),
                    "an IPv6 address",
                ),
            };
            self.dst = addr.or_else(|| e.private_ips.first().map(|a| IpAddr::V4(*a)));
            if fam_ok {
                self.hop(
                    e.meta.label(),
                    "interface",
                    Decision::Allow,
                    "address".into(),
                    format!(
                        "interface {} has {what}, {}",
                        e.meta.label(),
                        addr.map(|a| a.to_string()).unwrap_or_default()
                    ),
                    self.loc(&e.meta.source),
                );
            } else {
                let reason = format!(
                    "interface {} has no {} — the internet cannot address it",
                    e.meta.label(),
                    what.trim_start_matches("a ").trim_start_matches("an ")
                );
                let fix = match client {
                    IpAddr::V4(_) => format!(
                        "associate an Elastic IP (a public IPv4 address) with {}",
                        e.meta.id
                    ),
                    IpAddr::V6(_) => format!(
                        "assign an IPv6 address to {} (its subnet needs an IPv6 CIDR)",
                        e.meta.id
                    ),
                };
                let loc = self.loc(&e.meta.source);
                self.deny(
                    e.meta.label(),
                    "interface",
                    "address".into(),
                    reason,
                    fix,
                    loc,
                );
            }
            let vpc = place.vpc_id;
            let fix = self.igw_fix(&place, client);
            self.route(
                &place,
                client,
                "the reply path back to the client must be an internet gateway",
                &|t| reach.is_attached_igw(t, vpc),
                &fix,
            );
        } else {
            self.dst = e.private_ips.first().map(|a| IpAddr::V4(*a));
            self.notes.push(format!("{client} is not an internet address: it is treated as a host without security groups in another subnet"));
            self.route(&place, client, "the reply must stay in the VPC or a peering",
                &|t| matches!(t, RouteTarget::Local | RouteTarget::VpcPeering(_)),
                &|rtb| format!("add a route covering {client} (local or via a peering connection) to {rtb}"));
        }
        self.nacl(&place, false, k, client, "the request");
        self.nacl_reply(&place, true, client);
        self.groups(e, true, k, client);
        if self.verdict {
            self.hop("security groups".into(), "reply", Decision::Allow, "stateful".into(),
                "security groups are stateful: the reply of an allowed connection passes whatever the outbound rules say".into(), None);
        }
    }

    pub(crate) fn interface_to_interface(
        &mut self,
        a_ix: Idx<NetworkInterface>,
        b_ix: Idx<NetworkInterface>,
    ) {
        let reach = self.reach;
        let e1 = reach.estate.interfaces.get(a_ix);
        let e2 = reach.estate.interfaces.get(b_ix);
        let pair = match (e1.private_ips.first(), e2.private_ips.first()) {
            (Some(a), Some(b)) => Some((IpAddr::V4(*a), IpAddr::V4(*b))),
            _ => match (e1.ipv6_addresses.first(), e2.ipv6_addresses.first()) {
                (Some(a), Some(b)) => Some((IpAddr::V6(*a), IpAddr::V6(*b))),
                _ => None,
            },
        };
        let Some((a, b)) = pair else {
            let reason = "the two interfaces share no address family".to_string();
            self.block(
                e2.meta.label(),
                reason,
                "give both interfaces addresses of one family".into(),
                None,
            );
            return;
        };
        self.src = Some(a);
        self.dst = Some(b);
        let exact = reach.interface_to_interface(a_ix, b_ix, b);
        self.verdict = self.probe.in_set(&exact, a);
        self.private_leg(e1, a, e2, b, true);
    }

    /// The hops of a request from interface `e1` (address `a`) to `e2` at `b` inside the
    /// VPCs and its reply. `e2` may stand for a balancer node or a database: its subnet,
    /// VPC and groups are what count. `e2_filters` false: a network load balancer without
    /// groups, which admits everything.
    pub(super) fn private_leg(
        &mut self,
        e1: &NetworkInterface,
        a: IpAddr,
        e2: &NetworkInterface,
        b: IpAddr,
        e2_filters: bool,
    ) -> bool {
        let reach = self.reach;
        let k = self.probe.key;
        let p1 = reach.place(&e1.subnet_id, &e1.vpc_id);
        let p2 = reach.place(&e2.subnet_id, &e2.vpc_id);
        let same_vpc = p1.vpc_id == p2.vpc_id;
        let (v1, v2) = (p1.vpc_id.to_string(), p2.vpc_id.to_string());
        let ok_there = |t: &RouteTarget| {
            if same_vpc {
                matches!(t, RouteTarget::Local)
            } else {
                matches!(t, RouteTarget::VpcPeering(x) if reach.peering_connects(x, &v1, &v2))
            }
        };
        let pcx = reach
            .estate
            .peerings
            .iter()
            .find(|p| reach.peering_connects(&p.meta.id, &v1, &v2))
            .map(|p| p.meta.id.clone());
        let fix_for = |addr: IpAddr, rtb: &str| -> String {
            if same_vpc {
                format!("the VPC's local route must cover {addr}; remove the more specific route in {rtb}")
            } else {
                match &pcx {
                    Some(x) => format!("add a route covering {addr} -> {x} to {rtb}"),
                    None => format!("create and accept a peering connection between {v1} and {v2}, then add a route covering {addr} -> it to {rtb} (peering is not transitive)"),
                }
            }
        };
        let mut ok = self.groups(e1, false, k, b);
        ok &= self.route(&p1, b, "towards the destination", &ok_there, &|rtb| {
            fix_for(b, rtb)
        });
        let crosses = p1.subnet_id != p2.subnet_id;
        if crosses {
            ok &= self.nacl(&p1, true, k, b, "the request leaving the source subnet");
            ok &= self.nacl(
                &p2,
                false,
                k,
                a,
                "the request entering the destination subnet",
            );
        } else {
            self.hop(
                p1.subnet_id.to_string(),
                "network-acl",
                Decision::Allow,
                "same subnet".into(),
                "both interfaces are in one subnet: network ACLs are not evaluated".into(),
                None,
            );
        }
        if e2_filters {
            ok &= self.groups(e2, true, k, a);
        } else {
            self.hop(
                e2.meta.label(),
                "security-group",
                Decision::Allow,
                "no groups".into(),
                "a network load balancer without security groups admits every client".into(),
                self.loc(&e2.meta.source),
            );
        }
        let back = |t: &RouteTarget| {
            if same_vpc {
                matches!(t, RouteTarget::Local)
            } else {
                matches!(t, RouteTarget::VpcPeering(x) if reach.peering_connects(x, &v1, &v2))
            }
        };
        ok &= self.route(&p2, a, "the reply path back to the source", &back, &|rtb| {
            fix_for(a, rtb)
        });
        if crosses {
            ok &= self.two_acl_reply(&p1, &p2, a, b, None);
        }
        ok
    }

    /// Replies cross both ACLs on one ephemeral port (tcp/udp) or one reply key: out of
    /// `p2` to `a`, into `p1` from `b`. `onward`: the reply then also leaves `p1` towards
    /// that address on the same port (a balancer node passing a preserved client's reply
    /// on), so the port shown is one that passes there too when any does.
    pub(super) fn two_acl_reply(
        &mut self,
        p1: &Place,
        p2: &Place,
        a: IpAddr,
        b: IpAddr,
        onward: Option<IpAddr>,
    ) -> bool {
        if let Some(rk) = self.reply_key() {
            let out = self.nacl(p2, true, rk, a, "the reply leaving the destination subnet");
            return self.nacl(p1, false, rk, b, "the reply entering the source subnet") && out;
        }
        let n1 = self.reach.nacl(p1);
        let n2 = self.reach.nacl(p2);
        let out2 = self.ephemeral_ports(&n2.outbound, a);
        let in1 = self.ephemeral_ports(&n1.inbound, b);
        let both = out2.intersection(&in1);
        let all = match onward {
            Some(c) => both.intersection(&self.ephemeral_ports(&n1.outbound, c)),
            None => both.clone(),
        };
        let q = [&all, &both, &out2, &in1]
            .iter()
            .find(|s| !s.is_empty())
            .map_or(SHOWN_EPHEMERAL, |s| pick_port(s, self.probe.protocol));
        let what = format!("the reply, on ephemeral port {q}");
        let ok2 = self.nacl(p2, true, q, a, &what);
        let ok1 = self.nacl(p1, false, q, b, &what);
        if ok1 && ok2 && both.is_empty() {
            self.block(
                format!("{} / {}", p2.subnet_id, p1.subnet_id),
                "the two subnets' ACLs allow replies on disjoint ephemeral port ranges".into(),
                format!(
                    "allow the same ephemeral range ({}-{}) for replies in both ACLs",
                    EPHEMERAL.0, EPHEMERAL.1
                ),
                None,
            );
            return false;
        }
        if let (Some(c), true, true, true) = (onward, ok1 && ok2, all.is_empty(), !both.is_empty())
        {
            self.block(
                format!("{} / {}", p2.subnet_id, p1.subnet_id),
                format!(
                    "the reply passes both subnets' ACLs only on ports that {}'s ACL does not let out to {c}",
                    p1.subnet_id
                ),
                format!(
                    "allow the same ephemeral range ({}-{}) for replies in both ACLs",
                    EPHEMERAL.0, EPHEMERAL.1
                ),
                None,
            );
            return false;
        }
        ok1 && ok2
    }

    pub(crate) fn interface_to_internet(
        &mut self,
        ix: Idx<NetworkInterface>,
        dest: Option<IpAddr>,
    ) {
        let reach = self.reach;
        let e = reach.estate.interfaces.get(ix);
        let exact = reach.interface_to_internet(ix);
        let probe_any = PacketSet::new(
            self.probe.proto(),
            (self.probe.key, self.probe.key),
            AddrSet::all(),
        );
        let d = match dest {
            Some(d) => d,
            None => {
                let passing = exact.intersection(&probe_any).addrs();
                let d = first_addr(&passing)
                    .or_else(|| first_addr(&internet().intersection(&AddrSet::all_v4())))
                    .unwrap_or(IpAddr::V4([1, 0, 0, 0].into()));
                self.notes.push(format!(
                    "the internet is many servers; the hops are shown for one of them, {d}"
                ));
                d
            }
        };
        self.src = match d {
            IpAddr::V4(_) => e.private_ips.first().map(|a| IpAddr::V4(*a)),
            IpAddr::V6(_) => e.ipv6_addresses.first().map(|a| IpAddr::V6(*a)),
        };
        self.dst = Some(d);
        self.verdict = self.probe.in_set(&exact, d);
        self.internet_flow = true;
        self.outbound_hops(ix, d);
    }

    /// The hops of a request from interface `ix` out to internet address `d` and its
    /// reply: the interface's egress, its route (and the NAT gateway's), its ACL both
    /// ways. Returns the public address the far end sees the request come from.
    pub(super) fn outbound_hops(&mut self, ix: Idx<NetworkInterface>, d: IpAddr) -> SeenAs {
        let reach = self.reach;
        let e = reach.estate.interfaces.get(ix);
        let place = reach.place_of(e);
        let k = self.probe.key;
        self.groups(e, false, k, d);
        let vpc = place.vpc_id;
        let has_public = match d {
            IpAddr::V4(_) => e.has_public_ipv4(),
            IpAddr::V6(_) => !e.ipv6_addresses.is_empty(),
        };
        let igw_fix = self.igw_fix(&place, d);
        // Without a public address an internet gateway route alone gets nowhere: the way
        // out is a NAT gateway of the VPC.
        let nat = reach
            .estate
            .nat_gateways
            .iter()
            .find(|n| n.vpc_id == vpc && n.connectivity != "private")
            .map(|n| n.meta.id.clone());
        let private_v4 = !has_public && matches!(d, IpAddr::V4(_));
        let fix = move |rtb: &str| {
            match (&nat, private_v4) {
            (Some(n), true) => format!("add a route 0.0.0.0/0 -> {n} to {rtb}"),
            (None, true) => format!(
                "create a NAT gateway in a public subnet of {vpc}, then add a route 0.0.0.0/0 -> it to {rtb}"
            ),
            (_, false) => igw_fix(rtb),
        }
        };
        let routed_ok = self.route(
            &place,
            d,
            "towards the internet",
            &|t| {
                (has_public && reach.is_attached_igw(t, vpc))
                    || (matches!(d, IpAddr::V6(_)) && has_public && reach.is_attached_eigw(t, vpc))
                    || (matches!(d, IpAddr::V4(_)) && matches!(t, RouteTarget::NatGateway(_)))
            },
            &fix,
        );
        let target = reach
            .lookup(&place, d)
            .map(|(t, r)| &reach.estate.route_tables.get(t).routes[r].target);
        let mut seen = SeenAs::NoWayOut;
        if routed_ok {
            seen = match (target, d) {
                (Some(RouteTarget::NatGateway(n)), _) => self.nat_hops(n, d),
                (_, IpAddr::V4(_)) => match e.public_ips.first() {
                    Some(a) => SeenAs::Addr(IpAddr::V4(*a)),
                    None => SeenAs::Unknown(format!(
                        "the public IPv4 address of interface {} is not in the inputs (known after apply)",
                        e.meta.id
                    )),
                },
                (_, IpAddr::V6(_)) => match e.ipv6_addresses.first() {
                    Some(a) => SeenAs::Addr(IpAddr::V6(*a)),
                    None => SeenAs::NoWayOut,
                },
            };
        } else if !has_public && matches!(target, Some(RouteTarget::InternetGateway(_))) {
            self.block(e.meta.label(), format!("interface {} has no public address, so the internet gateway cannot translate it", e.meta.id),
                format!("associate an Elastic IP with {}, or route {} through a NAT gateway", e.meta.id, world_cidr(d)), self.loc(&e.meta.source));
        }
        self.nacl(&place, true, k, d, "the request");
        self.nacl_reply(&place, false, d);
        seen
    }

    /// The NAT gateway's hops towards `d`; what the far end sees: its elastic IP.
    fn nat_hops(&mut self, nat_id: &str, d: IpAddr) -> SeenAs {
        let reach = self.reach;
        let Some(nat) = reach.estate.nat_gateways.get_by_id(nat_id) else {
            let reason = format!("NAT gateway {nat_id} is not in the inputs");
            self.block(
                nat_id.to_string(),
                reason,
                "check the NAT gateway export".into(),
                None,
            );
            return SeenAs::NoWayOut;
        };
        self.hop(
            nat.meta.label(),
            "nat-gateway",
            Decision::Route,
            "translate".into(),
            format!(
                "NAT gateway {} translates the source to its public address (state {})",
                nat.meta.label(),
                nat.state.as_deref().unwrap_or("unknown")
            ),
            self.loc(&nat.meta.source),
        );
        let np = reach.place(&nat.subnet_id, &nat.vpc_id);
        let vpc = np.vpc_id;
        let fix = self.igw_fix(&np, d);
        let out = self.route(
            &np,
            d,
            "from the NAT gateway's subnet towards the internet",
            &|t| reach.is_attached_igw(t, vpc),
            &fix,
        );
        self.notes.push("the NAT gateway's subnet ACL is applied in the verdict; its entries are not traced hop by hop".into());
        match (out, nat.public_ips.first()) {
            (false, _) => SeenAs::NoWayOut,
            (true, Some(a)) => SeenAs::Addr(IpAddr::V4(*a)),
            (true, None) => SeenAs::Unknown(format!(
                "the elastic IP of NAT gateway {} is not in the inputs",
                nat.meta.label()
            )),
        }
    }

    /// A destination address that no resource holds.
    pub(crate) fn nobody_there(&mut self, n: ipnet::IpNet) {
        self.dst = Some(n.network());
        let reason =
            format!("no interface, load balancer or database in the inputs has the address {n}");
        let fix = "name a resource (instance id, interface id, Name tag, load balancer, database) or one of its addresses";
        self.deny(
            n.to_string(),
            "address",
            "no such address".into(),
            reason,
            fix.into(),
            None,
        );
    }
}

/// The port to show for a reply: the Linux default ephemeral port when it is allowed,
/// else the lowest allowed one, else the Linux default (to show what denies it).
fn pick_port(set: &PacketSet, proto: u8) -> u16 {
    let any = AddrSet::all_v4().union(&AddrSet::all_v6());
    if set
        .intersection(&PacketSet::new(
            Protocol::Number(proto),
            (SHOWN_EPHEMERAL, SHOWN_EPHEMERAL),
            any,
        ))
        .is_empty()
    {
        set.pieces()
            .map(|(_, _, klo, _, _)| klo)
            .min()
            .unwrap_or(SHOWN_EPHEMERAL)
    } else {
        SHOWN_EPHEMERAL
    }
}
