//! Random small estates and packets for the property tests, plus plain model constructors.
//!
//! Proptest generates a [`Plan`]: small numbers and flags, with cross references as indices
//! that are resolved modulo what exists (so shrinking can delete a VPC or a group without
//! breaking anything; a reference that falls off the end names a missing object, which the
//! spec also covers). [`build`] turns a plan into model structs directly, no JSON.
//! [`Interesting`] collects the boundary values of an estate so sampled packets land on the
//! edges where an exact engine is most likely to be off by one.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use vpclint::model::{
    Direction, EgressOnlyInternetGateway, Estate, InternetGateway, Meta, NaclEntry, NetworkAcl,
    NetworkInterface, Peer, PeerVpc, PortSpec, PrefixList, Route, RouteAssociation,
    RouteDestination, RouteTable, RouteTarget, SecurityGroup, SgRule, Source, Subnet, Vpc,
    VpcPeering,
};
use vpclint::net::Protocol;

// ---------------------------------------------------------------------------------------------
// Plain constructors (also used by the oracle's hand-built unit tests).

pub fn net(text: &str) -> IpNet {
    text.parse().expect("test CIDR parses")
}

pub fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address parses")
}

pub fn meta(id: &str) -> Meta {
    Meta::new(id, Source::default())
}

pub fn vpc(id: &str, cidr4: &str, cidr6: Option<&str>) -> Vpc {
    Vpc {
        meta: meta(id),
        cidrs_v4: vec![cidr4.parse().expect("v4 CIDR")],
        cidrs_v6: cidr6
            .map(|c| c.parse().expect("v6 CIDR"))
            .into_iter()
            .collect(),
        is_default: false,
    }
}

pub fn subnet(id: &str, vpc_id: &str, cidr4: Ipv4Net, cidr6: Option<Ipv6Net>) -> Subnet {
    Subnet {
        meta: meta(id),
        vpc_id: vpc_id.to_string(),
        cidr_v4: Some(cidr4),
        cidrs_v6: cidr6.into_iter().collect(),
        availability_zone: None,
        map_public_ip_on_launch: false,
        assign_ipv6_on_creation: false,
    }
}

pub fn route(destination: RouteDestination, target: RouteTarget, blackhole: bool) -> Route {
    Route {
        destination,
        target,
        blackhole,
        source: Source::default(),
    }
}

pub fn cidr_route(cidr: &str, target: RouteTarget) -> Route {
    route(RouteDestination::Cidr(net(cidr)), target, false)
}

pub fn igw(id: &str) -> RouteTarget {
    RouteTarget::InternetGateway(id.to_string())
}

pub fn route_table(id: &str, vpc_id: &str, routes: Vec<Route>) -> RouteTable {
    RouteTable {
        meta: meta(id),
        vpc_id: vpc_id.to_string(),
        routes,
        associations: Vec::new(),
    }
}

pub fn main_association() -> RouteAssociation {
    RouteAssociation {
        subnet_id: None,
        gateway_id: None,
        main: true,
    }
}

pub fn subnet_association(subnet_id: &str) -> RouteAssociation {
    RouteAssociation {
        subnet_id: Some(subnet_id.to_string()),
        gateway_id: None,
        main: false,
    }
}

pub fn nacl(id: &str, vpc_id: &str, is_default: bool, entries: Vec<NaclEntry>) -> NetworkAcl {
    NetworkAcl {
        meta: meta(id),
        vpc_id: vpc_id.to_string(),
        is_default,
        entries,
        subnet_ids: Vec::new(),
    }
}

pub fn entry(
    rule_number: u16,
    egress: bool,
    allow: bool,
    protocol: Protocol,
    ports: PortSpec,
    cidr: &str,
) -> NaclEntry {
    NaclEntry {
        rule_number,
        egress,
        allow,
        protocol,
        cidr: net(cidr),
        ports,
        source: Source::default(),
    }
}

pub fn group(id: &str, vpc_id: &str, ingress: Vec<SgRule>, egress: Vec<SgRule>) -> SecurityGroup {
    SecurityGroup {
        meta: meta(id),
        name: id.to_string(),
        description: String::new(),
        vpc_id: vpc_id.to_string(),
        ingress,
        egress,
    }
}

pub fn rule(direction: Direction, protocol: Protocol, ports: PortSpec, peer: Peer) -> SgRule {
    SgRule {
        direction,
        protocol,
        ports,
        peer,
        description: None,
        rule_id: None,
        source: Source::default(),
    }
}

pub fn group_peer(group_id: &str) -> Peer {
    Peer::Group {
        group_id: group_id.to_string(),
        user_id: None,
        vpc_id: None,
        peering_status: None,
    }
}

pub fn interface(
    id: &str,
    subnet: &Subnet,
    private: Vec<IpAddr>,
    groups: &[&str],
) -> NetworkInterface {
    let mut private_ips = Vec::new();
    let mut ipv6_addresses = Vec::new();
    for a in private {
        match a {
            IpAddr::V4(x) => private_ips.push(x),
            IpAddr::V6(x) => ipv6_addresses.push(x),
        }
    }
    NetworkInterface {
        meta: meta(id),
        subnet_id: subnet.meta.id.clone(),
        vpc_id: subnet.vpc_id.clone(),
        private_ips,
        public_ips: Vec::new(),
        ipv6_addresses,
        group_ids: groups.iter().map(|g| g.to_string()).collect(),
        instance_id: None,
        interface_type: None,
        requester_managed: false,
        description: None,
    }
}

pub fn peering(id: &str, requester: &str, accepter: &str, status: &str) -> VpcPeering {
    let side = |vpc_id: &str| PeerVpc {
        vpc_id: vpc_id.to_string(),
        ..PeerVpc::default()
    };
    VpcPeering {
        meta: meta(id),
        requester: side(requester),
        accepter: side(accepter),
        status: status.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Plans: what proptest generates and shrinks.

/// A whole estate, as choices.
#[derive(Debug, Clone)]
pub struct Plan {
    pub vpcs: Vec<VpcPlan>,
    /// Internet gateways: `igw-g` is attached to VPC g (unless detached) and these VPC picks.
    pub igws: Vec<IgwPlan>,
    /// Egress-only gateways `eigw-0`, …, attached to one VPC pick.
    pub eigws: Vec<usize>,
    pub peerings: Vec<PeeringPlan>,
    /// CIDRs of `pl-known`; `pl-unknown` always exists without entries; `pl-missing` never.
    pub prefix_list: Vec<NetPick>,
    pub groups: Vec<GroupPlan>,
}

#[derive(Debug, Clone)]
pub struct IgwPlan {
    pub detached: bool,
    pub also: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct VpcPlan {
    pub cidr4: usize,
    pub has_v6: bool,
    pub subnets: Vec<SubnetPlan>,
    pub tables: Vec<TablePlan>,
    pub main_table: Option<usize>,
    pub nacls: Vec<NaclPlan>,
    pub default_nacl: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct SubnetPlan {
    pub table: Option<usize>,
    pub nacl: Option<usize>,
    pub interfaces: Vec<InterfacePlan>,
}

#[derive(Debug, Clone)]
pub struct InterfacePlan {
    pub second_ip: bool,
    pub public_ip: bool,
    pub ipv6: bool,
    pub groups: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct TablePlan {
    pub local: bool,
    /// Default routes (IPv4 and IPv6) to the VPC's own gateway `igw-v`, as public subnets have.
    pub public: bool,
    pub routes: Vec<RoutePlan>,
}

#[derive(Debug, Clone)]
pub struct RoutePlan {
    pub destination: DestinationPick,
    pub target: TargetPick,
    pub blackhole: bool,
}

#[derive(Debug, Clone)]
pub enum DestinationPick {
    Net(NetPick),
    /// 0 = `pl-known`, 1 = `pl-unknown`, 2 = `pl-missing`.
    PrefixList(usize),
}

#[derive(Debug, Clone)]
pub enum TargetPick {
    /// 0 = the VPC's own `igw-v`, 1 = the next VPC's, 2 = a missing one.
    Igw(usize),
    Eigw(usize),
    Nat,
    Peering(usize),
    Appliance,
}

#[derive(Debug, Clone)]
pub struct PeeringPlan {
    pub requester: usize,
    pub accepter: usize,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct NaclPlan {
    pub entries: Vec<EntryPlan>,
    /// Whether the export spells out the `*` (32767) deny entries.
    pub catch_all: bool,
    /// Rule 1000 allows everything (as the default NACL does), so earlier entries punch holes.
    pub allow_tail: bool,
}

#[derive(Debug, Clone)]
pub struct EntryPlan {
    pub rule_number: u16,
    pub egress: bool,
    pub allow: bool,
    pub traffic: TrafficPlan,
    pub cidr: NetPick,
}

/// A protocol and the part of its key space a rule or entry covers.
#[derive(Debug, Clone)]
pub struct TrafficPlan {
    pub protocol: usize,
    pub range: usize,
    pub lo: u16,
    pub hi: u16,
    pub icmp_type: usize,
    pub icmp_code: usize,
}

#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub vpc: usize,
    /// AWS's default egress: everything to 0.0.0.0/0 and ::/0.
    pub egress_all: bool,
    pub ingress: Vec<RulePlan>,
    pub egress: Vec<RulePlan>,
}

#[derive(Debug, Clone)]
pub struct RulePlan {
    pub traffic: TrafficPlan,
    pub peer: PeerPick,
}

#[derive(Debug, Clone)]
pub enum PeerPick {
    Net(NetPick),
    /// Index into the groups, one past the end = `sg-missing`.
    Group(usize),
    PrefixList(usize),
}

/// A CIDR: one of the interesting fixed ones, one tied to a VPC, or a random one.
#[derive(Debug, Clone)]
pub struct NetPick {
    pub kind: usize,
    pub raw: u128,
    pub len: u8,
}

fn net_pick() -> impl Strategy<Value = NetPick> {
    // Weighted towards the defaults (kind 0 = 0.0.0.0/0, 1 = ::/0) that make things reachable.
    let kind = prop_oneof![
        3 => 0usize..2,
        3 => 0usize..FIXED_NETS.len(),
        3 => FIXED_NETS.len()..FIXED_NETS.len() + 3,
        1 => FIXED_NETS.len() + 3..NET_KINDS,
    ];
    (kind, any::<u128>(), any::<u8>()).prop_map(|(kind, raw, len)| NetPick { kind, raw, len })
}

fn traffic_plan() -> impl Strategy<Value = TrafficPlan> {
    (
        0usize..PROTOCOLS.len(),
        0usize..PORT_RANGES.len() + 2,
        any::<u16>(),
        any::<u16>(),
        0usize..ICMP_TYPES.len() + 1,
        0usize..ICMP_CODES.len() + 1,
    )
        .prop_map(
            |(protocol, range, lo, hi, icmp_type, icmp_code)| TrafficPlan {
                protocol,
                range,
                lo,
                hi,
                icmp_type,
                icmp_code,
            },
        )
}

fn entry_plan() -> impl Strategy<Value = EntryPlan> {
    let rule_number = prop_oneof![4 => 1u16..=12, 1 => Just(100u16), 1 => Just(32766u16)];
    (
        rule_number,
        any::<bool>(),
        any::<bool>(),
        traffic_plan(),
        net_pick(),
    )
        .prop_map(|(rule_number, egress, allow, traffic, cidr)| EntryPlan {
            rule_number,
            egress,
            allow,
            traffic,
            cidr,
        })
}

fn nacl_plan() -> impl Strategy<Value = NaclPlan> {
    (
        prop::collection::vec(entry_plan(), 0..=8),
        any::<bool>(),
        prop::bool::weighted(0.6),
    )
        .prop_map(|(entries, catch_all, allow_tail)| NaclPlan {
            entries,
            catch_all,
            allow_tail,
        })
}

fn target_pick() -> impl Strategy<Value = TargetPick> {
    prop_oneof![
        4 => (0usize..3).prop_map(TargetPick::Igw),
        1 => (0usize..2).prop_map(TargetPick::Eigw),
        1 => Just(TargetPick::Nat),
        3 => (0usize..3).prop_map(TargetPick::Peering),
        1 => Just(TargetPick::Appliance),
    ]
}

fn route_plan() -> impl Strategy<Value = RoutePlan> {
    let destination = prop_oneof![
        5 => net_pick().prop_map(DestinationPick::Net),
        1 => (0usize..3).prop_map(DestinationPick::PrefixList),
    ];
    (destination, target_pick(), prop::bool::weighted(0.1)).prop_map(
        |(destination, target, blackhole)| RoutePlan {
            destination,
            target,
            blackhole,
        },
    )
}

fn table_plan() -> impl Strategy<Value = TablePlan> {
    (
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.7),
        prop::collection::vec(route_plan(), 0..=4),
    )
        .prop_map(|(local, public, routes)| TablePlan {
            local,
            public,
            routes,
        })
}

fn interface_plan() -> impl Strategy<Value = InterfacePlan> {
    (
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.7),
        prop::collection::vec(0usize..8, 0..=3),
    )
        .prop_map(|(second_ip, public_ip, ipv6, groups)| InterfacePlan {
            second_ip,
            public_ip,
            ipv6,
            groups,
        })
}

fn subnet_plan() -> impl Strategy<Value = SubnetPlan> {
    (
        prop::option::weighted(0.5, 0usize..3),
        prop::option::weighted(0.5, 0usize..3),
        prop::collection::vec(interface_plan(), 0..=2),
    )
        .prop_map(|(table, nacl, interfaces)| SubnetPlan {
            table,
            nacl,
            interfaces,
        })
}

fn vpc_plan() -> impl Strategy<Value = VpcPlan> {
    (
        0usize..VPC_CIDRS.len(),
        prop::bool::weighted(0.6),
        prop::collection::vec(subnet_plan(), 1..=4),
        prop::collection::vec(table_plan(), 0..=3),
        prop::option::weighted(0.85, 0usize..3),
        prop::collection::vec(nacl_plan(), 0..=3),
        prop::option::weighted(0.8, 0usize..3),
    )
        .prop_map(
            |(cidr4, has_v6, subnets, tables, main_table, nacls, default_nacl)| VpcPlan {
                cidr4,
                has_v6,
                subnets,
                tables,
                main_table,
                nacls,
                default_nacl,
            },
        )
}

fn peer_pick() -> impl Strategy<Value = PeerPick> {
    prop_oneof![
        5 => net_pick().prop_map(PeerPick::Net),
        2 => (0usize..6).prop_map(PeerPick::Group),
        1 => (0usize..3).prop_map(PeerPick::PrefixList),
    ]
}

fn rule_plan() -> impl Strategy<Value = RulePlan> {
    (traffic_plan(), peer_pick()).prop_map(|(traffic, peer)| RulePlan { traffic, peer })
}

fn group_plan() -> impl Strategy<Value = GroupPlan> {
    (
        0usize..3,
        prop::bool::weighted(0.6),
        prop::collection::vec(rule_plan(), 0..=4),
        prop::collection::vec(rule_plan(), 0..=3),
    )
        .prop_map(|(vpc, egress_all, ingress, egress)| GroupPlan {
            vpc,
            egress_all,
            ingress,
            egress,
        })
}

fn igw_plan() -> impl Strategy<Value = IgwPlan> {
    (
        prop::bool::weighted(0.15),
        prop::collection::vec(0usize..3, 0..=1),
    )
        .prop_map(|(detached, also)| IgwPlan { detached, also })
}

fn peering_plan() -> impl Strategy<Value = PeeringPlan> {
    (0usize..3, 0usize..3, prop::bool::weighted(0.75)).prop_map(|(requester, accepter, active)| {
        PeeringPlan {
            requester,
            accepter,
            active,
        }
    })
}

/// The strategy for whole estates (as plans; see [`build`]).
pub fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec(vpc_plan(), 1..=3),
        prop::collection::vec(igw_plan(), 3),
        prop::collection::vec(0usize..3, 0..=1),
        prop::collection::vec(peering_plan(), 0..=2),
        prop::collection::vec(net_pick(), 0..=3),
        prop::collection::vec(group_plan(), 1..=4),
    )
        .prop_map(|(vpcs, igws, eigws, peerings, prefix_list, groups)| Plan {
            vpcs,
            igws,
            eigws,
            peerings,
            prefix_list,
            groups,
        })
}

// ---------------------------------------------------------------------------------------------
// Resolving picks.

/// Protocols of rules and entries: `-1`, tcp, udp, icmp, icmpv6, ESP (50, a portless protocol).
const PROTOCOLS: [Protocol; 6] = [
    Protocol::All,
    Protocol::TCP,
    Protocol::UDP,
    Protocol::ICMP,
    Protocol::ICMPV6,
    Protocol::Number(50),
];

/// Port ranges people actually write, edges of the ephemeral ranges included.
const PORT_RANGES: [(u16, u16); 11] = [
    (0, 65535),
    (22, 22),
    (80, 80),
    (443, 443),
    (1024, 65535),
    (32768, 61000),
    (49152, 65535),
    (0, 1023),
    (1025, 65535),
    (0, 0),
    (65535, 65535),
];

const ICMP_TYPES: [u8; 6] = [0, 3, 8, 11, 128, 129];
const ICMP_CODES: [u8; 3] = [0, 1, 4];

/// VPC IPv4 CIDRs: the usual private ones, a duplicate (overlapping VPCs), and a public block
/// (AWS allows publicly routable VPC CIDRs; then private addresses are internet addresses too).
const VPC_CIDRS: [&str; 5] = [
    "10.0.0.0/16",
    "10.1.0.0/16",
    "172.31.0.0/16",
    "10.0.0.0/16",
    "52.95.0.0/16",
];

/// Fixed interesting CIDRs, then the kinds tied to VPCs and the random kinds (see `resolve_net`).
const FIXED_NETS: [&str; 13] = [
    "0.0.0.0/0",
    "::/0",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "::/1",
    "8000::/1",
    "10.0.0.0/8",
    "52.0.0.0/8",
    "54.0.0.0/8",
    "203.0.113.0/24",
    "2600::/12",
    "2000::/3",
    "8.8.8.0/24",
];
const NET_KINDS: usize = FIXED_NETS.len() + 5;

fn traffic(plan: &TrafficPlan) -> (Protocol, PortSpec) {
    let protocol = PROTOCOLS[plan.protocol % PROTOCOLS.len()];
    let ports = match protocol {
        Protocol::All => PortSpec::All,
        Protocol::Number(6 | 17) => port_range(plan),
        Protocol::Number(1 | 58) => icmp_spec(plan),
        // A portless protocol: sometimes with a range, which must be ignored.
        _ if plan.range.is_multiple_of(2) => PortSpec::All,
        _ => PortSpec::Range(plan.lo.min(plan.hi), plan.lo.max(plan.hi)),
    };
    (protocol, ports)
}

fn port_range(plan: &TrafficPlan) -> PortSpec {
    match plan.range.checked_sub(2) {
        None if plan.range == 0 => PortSpec::All,
        None => PortSpec::Range(plan.lo.min(plan.hi), plan.lo.max(plan.hi)),
        Some(i) => {
            let (lo, hi) = PORT_RANGES[i % PORT_RANGES.len()];
            PortSpec::Range(lo, hi)
        }
    }
}

fn icmp_spec(plan: &TrafficPlan) -> PortSpec {
    // Index 0 means "any" (AWS -1); shrinking therefore heads for the widest rule.
    let icmp_type = plan
        .icmp_type
        .checked_sub(1)
        .map(|i| ICMP_TYPES[i % ICMP_TYPES.len()]);
    let code = plan
        .icmp_code
        .checked_sub(1)
        .map(|i| ICMP_CODES[i % ICMP_CODES.len()]);
    if plan.range % 7 == 6 {
        // The loader may keep "all ICMP" as `All`.
        return PortSpec::All;
    }
    PortSpec::Icmp { icmp_type, code }
}

fn vpc_cidr4(plan: &Plan, vpc: usize) -> Ipv4Net {
    let cidr = VPC_CIDRS[plan.vpcs[vpc].cidr4 % VPC_CIDRS.len()];
    cidr.parse().expect("VPC CIDR")
}

/// `2600:1f18:0:v00::/56` for VPC v (distinct per VPC).
fn vpc_cidr6(vpc: usize) -> Ipv6Net {
    let segment = (vpc as u16) << 8;
    Ipv6Net::new(Ipv6Addr::new(0x2600, 0x1f18, 0, segment, 0, 0, 0, 0), 56).expect("/56")
}

fn subnet_cidr4(plan: &Plan, vpc: usize, j: usize) -> Ipv4Net {
    let base = u32::from(vpc_cidr4(plan, vpc).network()) + ((j as u32) << 8);
    Ipv4Net::new(Ipv4Addr::from(base), 24).expect("/24")
}

fn subnet_cidr6(vpc: usize, j: usize) -> Ipv6Net {
    let base = u128::from(vpc_cidr6(vpc).network()) + ((j as u128) << 64);
    Ipv6Net::new(Ipv6Addr::from(base), 64).expect("/64")
}

fn resolve_net(plan: &Plan, pick: &NetPick) -> IpNet {
    let kind = pick.kind % NET_KINDS;
    if kind < FIXED_NETS.len() {
        return net(FIXED_NETS[kind]);
    }
    let vpc = (pick.raw as usize) % plan.vpcs.len();
    let j = ((pick.raw >> 8) as usize) % 4;
    match kind - FIXED_NETS.len() {
        0 => IpNet::V4(vpc_cidr4(plan, vpc)),
        1 => IpNet::V4(subnet_cidr4(plan, vpc, j)),
        2 => IpNet::V6(subnet_cidr6(vpc, j)),
        3 => {
            let len = pick.len % 33;
            let net = Ipv4Net::new(Ipv4Addr::from(pick.raw as u32), len).expect("len <= 32");
            IpNet::V4(net.trunc())
        }
        _ => {
            // Random IPv6, but inside 2600:1f18::/32 when long enough to matter for our VPCs.
            let len = pick.len % 129;
            let low = pick.raw >> 32;
            let addr = if len >= 32 {
                (0x2600_1f18u128 << 96) | low
            } else {
                pick.raw
            };
            let net = Ipv6Net::new(Ipv6Addr::from(addr), len).expect("len <= 128");
            IpNet::V6(net.trunc())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Building an estate from a plan.

pub fn vpc_id(v: usize) -> String {
    format!("vpc-{v}")
}

fn subnet_id(v: usize, j: usize) -> String {
    format!("subnet-{v}{j}")
}

fn group_id(plan: &Plan, pick: usize) -> String {
    let g = pick % (plan.groups.len() + 1);
    if g == plan.groups.len() {
        "sg-missing".to_string()
    } else {
        format!("sg-{g}")
    }
}

fn prefix_list_id(pick: usize) -> String {
    ["pl-known", "pl-unknown", "pl-missing"][pick % 3].to_string()
}

/// The estate a plan describes.
pub fn build(plan: &Plan) -> Estate {
    let mut estate = Estate::default();
    for (v, vp) in plan.vpcs.iter().enumerate() {
        let cidr6 = vp.has_v6.then(|| vpc_cidr6(v).to_string());
        let cidr4 = vpc_cidr4(plan, v).to_string();
        estate
            .vpcs
            .insert(&vpc_id(v), vpc(&vpc_id(v), &cidr4, cidr6.as_deref()));
    }
    add_gateways(plan, &mut estate);
    add_prefix_lists(plan, &mut estate);
    add_groups(plan, &mut estate);
    for v in 0..plan.vpcs.len() {
        add_subnets_and_interfaces(plan, v, &mut estate);
        add_route_tables(plan, v, &mut estate);
        add_nacls(plan, v, &mut estate);
    }
    estate
}

fn add_gateways(plan: &Plan, estate: &mut Estate) {
    let n = plan.vpcs.len();
    for (g, ip) in plan.igws.iter().enumerate() {
        let own = (!ip.detached && g < n).then_some(g);
        let attached = own.into_iter().chain(ip.also.iter().map(|v| v % n));
        let mut vpc_ids: Vec<String> = attached.map(vpc_id).collect();
        vpc_ids.sort();
        vpc_ids.dedup();
        let id = format!("igw-{g}");
        let gateway = InternetGateway {
            meta: meta(&id),
            vpc_ids,
        };
        estate.internet_gateways.insert(&id, gateway);
    }
    for (g, v) in plan.eigws.iter().enumerate() {
        let id = format!("eigw-{g}");
        let gateway = EgressOnlyInternetGateway {
            meta: meta(&id),
            vpc_ids: vec![vpc_id(v % n)],
        };
        estate.egress_only_gateways.insert(&id, gateway);
    }
    for (x, pp) in plan.peerings.iter().enumerate() {
        let id = format!("pcx-{x}");
        let status = if pp.active {
            "active"
        } else {
            "pending-acceptance"
        };
        let pcx = peering(
            &id,
            &vpc_id(pp.requester % n),
            &vpc_id(pp.accepter % n),
            status,
        );
        estate.peerings.insert(&id, pcx);
    }
}

fn add_prefix_lists(plan: &Plan, estate: &mut Estate) {
    let known = PrefixList {
        meta: meta("pl-known"),
        name: "known".to_string(),
        cidrs: Some(
            plan.prefix_list
                .iter()
                .map(|p| resolve_net(plan, p))
                .collect(),
        ),
    };
    estate.prefix_lists.insert("pl-known", known);
    let unknown = PrefixList {
        meta: meta("pl-unknown"),
        name: "unknown".to_string(),
        cidrs: None,
    };
    estate.prefix_lists.insert("pl-unknown", unknown);
}

fn add_groups(plan: &Plan, estate: &mut Estate) {
    for (g, gp) in plan.groups.iter().enumerate() {
        let id = format!("sg-{g}");
        let ingress = gp
            .ingress
            .iter()
            .map(|r| sg_rule(plan, Direction::Ingress, r))
            .collect();
        let mut egress: Vec<SgRule> = Vec::new();
        if gp.egress_all {
            for cidr in ["0.0.0.0/0", "::/0"] {
                let peer = Peer::Cidr(net(cidr));
                egress.push(rule(Direction::Egress, Protocol::All, PortSpec::All, peer));
            }
        }
        egress.extend(
            gp.egress
                .iter()
                .map(|r| sg_rule(plan, Direction::Egress, r)),
        );
        let vpc = vpc_id(gp.vpc % plan.vpcs.len());
        estate
            .security_groups
            .insert(&id, group(&id, &vpc, ingress, egress));
    }
}

fn sg_rule(plan: &Plan, direction: Direction, rp: &RulePlan) -> SgRule {
    let (protocol, ports) = traffic(&rp.traffic);
    let peer = match &rp.peer {
        PeerPick::Net(pick) => Peer::Cidr(resolve_net(plan, pick)),
        PeerPick::Group(pick) => group_peer(&group_id(plan, *pick)),
        PeerPick::PrefixList(pick) => Peer::PrefixList(prefix_list_id(*pick)),
    };
    rule(direction, protocol, ports, peer)
}

fn add_subnets_and_interfaces(plan: &Plan, v: usize, estate: &mut Estate) {
    let vp = &plan.vpcs[v];
    for (j, sp) in vp.subnets.iter().enumerate() {
        let cidr6 = vp.has_v6.then(|| subnet_cidr6(v, j));
        let sn = subnet(
            &subnet_id(v, j),
            &vpc_id(v),
            subnet_cidr4(plan, v, j),
            cidr6,
        );
        for ip in &sp.interfaces {
            let n = estate.interfaces.len();
            let eni = build_interface(plan, &sn, n, ip);
            estate.interfaces.insert(&eni.meta.id.clone(), eni);
        }
        estate.subnets.insert(&subnet_id(v, j), sn);
    }
}

fn build_interface(plan: &Plan, sn: &Subnet, n: usize, ip: &InterfacePlan) -> NetworkInterface {
    let base4 = u32::from(sn.cidr_v4.expect("generated subnets have IPv4").network());
    let mut addrs = vec![IpAddr::V4(Ipv4Addr::from(base4 + 10 + n as u32))];
    if ip.second_ip {
        addrs.push(IpAddr::V4(Ipv4Addr::from(base4 + 100 + n as u32)));
    }
    if let (true, Some(net6)) = (ip.ipv6, sn.cidrs_v6.first()) {
        let base6 = u128::from(net6.network());
        addrs.push(IpAddr::V6(Ipv6Addr::from(base6 + 0x10 + n as u128)));
    }
    let groups: Vec<String> = ip.groups.iter().map(|g| group_id(plan, *g)).collect();
    let group_refs: Vec<&str> = groups.iter().map(String::as_str).collect();
    let mut eni = interface(&format!("eni-{n}"), sn, addrs, &group_refs);
    eni.group_ids.sort();
    eni.group_ids.dedup();
    if ip.public_ip && n % 4 == 3 {
        // A Terraform plan: AWS assigns the public IPv4 at launch, its value unknown.
        eni.meta.unknown.push("public_ip".to_string());
    } else if ip.public_ip {
        eni.public_ips.push(Ipv4Addr::new(54, 240, 1, n as u8));
    }
    eni
}

fn add_route_tables(plan: &Plan, v: usize, estate: &mut Estate) {
    let vp = &plan.vpcs[v];
    for (t, tp) in vp.tables.iter().enumerate() {
        let id = format!("rtb-{v}{t}");
        let mut table = route_table(&id, &vpc_id(v), Vec::new());
        if tp.local {
            let local4 = RouteDestination::Cidr(IpNet::V4(vpc_cidr4(plan, v)));
            table.routes.push(route(local4, RouteTarget::Local, false));
            if vp.has_v6 {
                let local6 = RouteDestination::Cidr(IpNet::V6(vpc_cidr6(v)));
                table.routes.push(route(local6, RouteTarget::Local, false));
            }
        }
        if tp.public {
            for default in ["0.0.0.0/0", "::/0"] {
                let own_igw = RouteTarget::InternetGateway(format!("igw-{v}"));
                table
                    .routes
                    .push(route(RouteDestination::Cidr(net(default)), own_igw, false));
            }
        }
        for rp in &tp.routes {
            let r = build_route(plan, v, rp);
            // AWS forbids two routes to one destination in a table: keep the first.
            if table
                .routes
                .iter()
                .all(|old| old.destination != r.destination)
            {
                table.routes.push(r);
            }
        }
        if vp.main_table.map(|m| m % vp.tables.len()) == Some(t) {
            table.associations.push(main_association());
        }
        for (j, sp) in vp.subnets.iter().enumerate() {
            if sp.table.map(|x| x % vp.tables.len()) == Some(t) {
                table
                    .associations
                    .push(subnet_association(&subnet_id(v, j)));
            }
        }
        estate.route_tables.insert(&id, table);
    }
}

fn build_route(plan: &Plan, v: usize, rp: &RoutePlan) -> Route {
    let destination = match &rp.destination {
        DestinationPick::Net(pick) => RouteDestination::Cidr(resolve_net(plan, pick)),
        DestinationPick::PrefixList(pick) => RouteDestination::PrefixList(prefix_list_id(*pick)),
    };
    let target = match rp.target {
        TargetPick::Igw(0) => RouteTarget::InternetGateway(format!("igw-{v}")),
        TargetPick::Igw(1) => RouteTarget::InternetGateway(format!("igw-{}", (v + 1) % 3)),
        TargetPick::Igw(_) => RouteTarget::InternetGateway("igw-missing".to_string()),
        TargetPick::Eigw(g) => RouteTarget::EgressOnlyInternetGateway(format!("eigw-{g}")),
        TargetPick::Nat => RouteTarget::NatGateway("nat-0".to_string()),
        TargetPick::Peering(x) => RouteTarget::VpcPeering(format!("pcx-{x}")),
        TargetPick::Appliance => RouteTarget::NetworkInterface("eni-appliance".to_string()),
    };
    route(destination, target, rp.blackhole)
}

fn add_nacls(plan: &Plan, v: usize, estate: &mut Estate) {
    let vp = &plan.vpcs[v];
    for (n, np) in vp.nacls.iter().enumerate() {
        let id = format!("acl-{v}{n}");
        let is_default = vp.default_nacl.map(|d| d % vp.nacls.len()) == Some(n);
        let mut acl = nacl(&id, &vpc_id(v), is_default, Vec::new());
        for ep in &np.entries {
            let e = nacl_entry(plan, ep);
            // AWS forbids two entries with one number in one direction: keep the first.
            let taken = acl
                .entries
                .iter()
                .any(|old| old.egress == e.egress && old.rule_number == e.rule_number);
            if !taken {
                acl.entries.push(e);
            }
        }
        if np.allow_tail {
            for egress in [false, true] {
                for cidr in ["0.0.0.0/0", "::/0"] {
                    let allow = entry(1000, egress, true, Protocol::All, PortSpec::All, cidr);
                    acl.entries.push(allow);
                }
            }
        }
        if np.catch_all {
            for egress in [false, true] {
                for cidr in ["0.0.0.0/0", "::/0"] {
                    let deny = entry(32767, egress, false, Protocol::All, PortSpec::All, cidr);
                    acl.entries.push(deny);
                }
            }
        }
        for (j, sp) in vp.subnets.iter().enumerate() {
            if sp.nacl.map(|x| x % vp.nacls.len()) == Some(n) {
                acl.subnet_ids.push(subnet_id(v, j));
            }
        }
        estate.network_acls.insert(&id, acl);
    }
}

fn nacl_entry(plan: &Plan, ep: &EntryPlan) -> NaclEntry {
    let (protocol, ports) = traffic(&ep.traffic);
    NaclEntry {
        rule_number: ep.rule_number,
        egress: ep.egress,
        allow: ep.allow,
        protocol,
        cidr: resolve_net(plan, &ep.cidr),
        ports,
        source: Source::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// Interesting packet values.

/// Protocols of sampled packets: tcp, udp, icmp, icmpv6, ESP, HOPOPT (0).
pub const PACKET_PROTOCOLS: [u8; 6] = [6, 17, 1, 58, 50, 0];

/// Boundary keys and addresses of one estate.
#[derive(Debug, Clone, Default)]
pub struct Interesting {
    pub keys: Vec<u16>,
    pub addrs: Vec<IpAddr>,
    /// (protocol, key) pairs on the edges of actual rules and entries, so sampled packets hit
    /// rules of their own protocol far more often than independent picks would.
    pub traffic: Vec<(u8, u16)>,
    /// Per ingress rule (see [`Interesting::of_ingress`]): its own edges, kept together so a
    /// packet can take its key and its address from the same rule.
    pub rules: Vec<Interesting>,
}

impl Interesting {
    /// Edges of the ingress rules of one interface's groups: the packets most likely to be
    /// admitted, hence the ones that exercise NACLs, routes and reply ports.
    pub fn of_ingress(estate: &Estate, eni: &NetworkInterface) -> Interesting {
        let mut found = Interesting::default();
        for g in estate.security_groups.iter() {
            if !eni.group_ids.contains(&g.meta.id) {
                continue;
            }
            for r in &g.ingress {
                let mut one = Interesting::default();
                one.add_traffic(r.protocol, &r.ports);
                match &r.peer {
                    Peer::Cidr(n) => one.add_net(n),
                    Peer::PrefixList(id) => {
                        let list = estate.prefix_lists.get_by_id(id);
                        for n in list.and_then(|l| l.cidrs.as_ref()).into_iter().flatten() {
                            one.add_net(n);
                        }
                    }
                    Peer::Group { .. } => {}
                }
                found.rules.push(one);
            }
        }
        found
    }

    pub fn of(estate: &Estate) -> Interesting {
        let mut found = Interesting {
            keys: vec![
                0, 65535, 1023, 1024, 32767, 32768, 61000, 61001, 49151, 49152,
            ],
            ..Interesting::default()
        };
        found
            .keys
            .extend([8 << 8, 128 << 8, 129 << 8, (3 << 8) | 4]);
        for v in estate.vpcs.iter() {
            v.cidrs_v4
                .iter()
                .for_each(|n| found.add_net(&IpNet::V4(*n)));
            v.cidrs_v6
                .iter()
                .for_each(|n| found.add_net(&IpNet::V6(*n)));
        }
        for s in estate.subnets.iter() {
            s.cidr_v4.iter().for_each(|n| found.add_net(&IpNet::V4(*n)));
            s.cidrs_v6
                .iter()
                .for_each(|n| found.add_net(&IpNet::V6(*n)));
        }
        for t in estate.route_tables.iter() {
            for r in &t.routes {
                if let RouteDestination::Cidr(n) = &r.destination {
                    found.add_net(n);
                }
            }
        }
        for acl in estate.network_acls.iter() {
            for e in &acl.entries {
                found.add_net(&e.cidr);
                found.add_ports(&e.ports);
                found.add_traffic(e.protocol, &e.ports);
            }
        }
        for g in estate.security_groups.iter() {
            for r in g.rules() {
                if let Peer::Cidr(n) = &r.peer {
                    found.add_net(n);
                }
                found.add_ports(&r.ports);
                found.add_traffic(r.protocol, &r.ports);
            }
        }
        for pl in estate.prefix_lists.iter() {
            for n in pl.cidrs.iter().flatten() {
                found.add_net(n);
            }
        }
        for e in estate.interfaces.iter() {
            found
                .addrs
                .extend(e.private_ips.iter().map(|a| IpAddr::V4(*a)));
            found
                .addrs
                .extend(e.public_ips.iter().map(|a| IpAddr::V4(*a)));
            found
                .addrs
                .extend(e.ipv6_addresses.iter().map(|a| IpAddr::V6(*a)));
        }
        found.keys.sort_unstable();
        found.keys.dedup();
        found.addrs.sort_unstable();
        found.addrs.dedup();
        found
    }

    /// First and last address of the net and one either side, plus two inside (the edges of
    /// 0.0.0.0/0 and ::/0 are not internet addresses, the thirds are).
    fn add_net(&mut self, n: &IpNet) {
        match n {
            IpNet::V4(n) => {
                let lo = u32::from(n.network());
                let hi = u32::from(n.broadcast());
                let third = (hi - lo) / 3;
                for x in [
                    lo.wrapping_sub(1),
                    lo,
                    lo + third,
                    hi - third,
                    hi,
                    hi.wrapping_add(1),
                ] {
                    self.addrs.push(IpAddr::V4(Ipv4Addr::from(x)));
                }
            }
            IpNet::V6(n) => {
                let lo = u128::from(n.network());
                let hi = u128::from(n.broadcast());
                let third = (hi - lo) / 3;
                for x in [
                    lo.wrapping_sub(1),
                    lo,
                    lo + third,
                    hi - third,
                    hi,
                    hi.wrapping_add(1),
                ] {
                    self.addrs.push(IpAddr::V6(Ipv6Addr::from(x)));
                }
            }
        }
    }

    fn add_traffic(&mut self, protocol: Protocol, ports: &PortSpec) {
        let Protocol::Number(p) = protocol else {
            return;
        };
        let before = self.keys.len();
        self.add_ports(ports);
        let keys: Vec<u16> = self.keys.drain(before..).collect();
        self.keys.extend(keys.iter().copied());
        self.traffic.extend(keys.iter().map(|k| (p, *k)));
        if keys.is_empty() {
            self.traffic.push((p, 0));
        }
    }

    /// Both ends of a port range and one either side; ICMP type/code edges.
    fn add_ports(&mut self, ports: &PortSpec) {
        match *ports {
            PortSpec::All => {}
            PortSpec::Range(lo, hi) => {
                self.keys
                    .extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
            }
            PortSpec::Icmp { icmp_type, code } => {
                let t = u16::from(icmp_type.unwrap_or(8));
                let c = u16::from(code.unwrap_or(0));
                self.keys.extend([t << 8, (t << 8) | c, (t << 8) | 255]);
                self.keys.extend([(t << 8).saturating_sub(1), (t + 1) << 8]);
            }
        }
    }
}

/// A sampled packet, as picks resolved against an [`Interesting`].
#[derive(Debug, Clone)]
pub struct PacketPick {
    pub protocol: usize,
    pub key: usize,
    pub key_raw: u16,
    pub addr: usize,
    pub addr_raw: u128,
    /// Draw from the destination's own ingress rules rather than the whole estate.
    pub local: bool,
}

pub fn packet_pick() -> impl Strategy<Value = PacketPick> {
    (
        0usize..PACKET_PROTOCOLS.len(),
        any::<usize>(),
        any::<u16>(),
        any::<usize>(),
        any::<u128>(),
        any::<bool>(),
    )
        .prop_map(
            |(protocol, key, key_raw, addr, addr_raw, local)| PacketPick {
                protocol,
                key,
                key_raw,
                addr,
                addr_raw,
                local,
            },
        )
}

impl PacketPick {
    /// (protocol, key, address) from the estate-wide values or the destination's own rules.
    pub fn packet(&self, global: &Interesting, local: &Interesting) -> (u8, u16, IpAddr) {
        let rule = match local.rules.len() {
            0 => None,
            n if self.local => Some(&local.rules[self.key % n]),
            _ => None,
        };
        let Some(rule) = rule else {
            let (p, k) = self.traffic(global);
            return (p, k, self.addr(global));
        };
        let (p, k) = match rule.traffic.len() {
            0 => self.traffic(global),
            n => rule.traffic[(self.key / 8) % n],
        };
        let a = match rule.addrs.len() {
            0 => self.addr(global),
            n => rule.addrs[self.addr % n],
        };
        (p, k, a)
    }

    /// Protocol and key: half the time from one rule's edges, else picked independently.
    pub fn traffic(&self, found: &Interesting) -> (u8, u16) {
        if self.key % 2 == 1 && !found.traffic.is_empty() {
            return found.traffic[(self.key / 2) % found.traffic.len()];
        }
        let p = PACKET_PROTOCOLS[self.protocol % PACKET_PROTOCOLS.len()];
        let i = (self.key / 2) % (found.keys.len() + 2);
        (p, found.keys.get(i).copied().unwrap_or(self.key_raw))
    }

    /// An interesting address half the time; else random (mostly public), v4 or v6.
    pub fn addr(&self, found: &Interesting) -> IpAddr {
        let raw = self.addr_raw;
        match self.addr % 8 {
            0..=3 if !found.addrs.is_empty() => found.addrs[(self.addr / 8) % found.addrs.len()],
            4 => IpAddr::V4(Ipv4Addr::from(0x0a00_0000 | (raw as u32 & 0x00ff_ffff))),
            5 | 6 => IpAddr::V6(Ipv6Addr::from((0x2600u128 << 112) | (raw >> 16))),
            _ => IpAddr::V4(Ipv4Addr::from(raw as u32)),
        }
    }
}
