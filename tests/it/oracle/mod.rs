//! Independent brute-force reachability oracle (ENGINE-SPEC, one concrete packet at a time).
//!
//! This is deliberately naive and written from `/work/wt/ENGINE-SPEC.md` only, never from the
//! engine: every call scans the arenas linearly, sorts the NACL entries it needs, looks routes
//! up by scanning every route, and checks the "some ephemeral port q" reply condition by trying
//! every q in 1024..=65535. It must not use `vpclint::net::{AddrSet, PacketSet, IntervalSet}`
//! (that is the engine's algebra, the very thing under test); `ipnet` containment is fine.

pub mod gen;

use std::net::IpAddr;

use ipnet::IpNet;
use vpclint::model::{
    Direction, Estate, NaclEntry, NetworkAcl, NetworkInterface, Peer, PortSpec, Route,
    RouteDestination, RouteTable, RouteTarget, SecurityGroup, Subnet,
};
use vpclint::net::Protocol;

/// ENGINE-SPEC "the internet": every address except these non-public ranges.
const NON_PUBLIC: [&str; 23] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// Ephemeral ports a reply may go to (ENGINE-SPEC: "q in 1024..=65535").
const EPHEMERAL: std::ops::RangeInclusive<u16> = 1024..=65535;

/// Whether `a` is an internet address: a plain scan of the non-public list.
pub fn is_internet(a: IpAddr) -> bool {
    for text in NON_PUBLIC {
        let net: IpNet = text.parse().expect("constant CIDR parses");
        if net_contains(&net, a) {
            return false;
        }
    }
    true
}

/// Can an internet client at `a` open (p, k) to interface `eni_id`? (ENGINE-SPEC, internet case.)
pub fn internet_to_interface(estate: &Estate, eni_id: &str, p: u8, k: u16, a: IpAddr) -> bool {
    let Some(eni) = find_interface(estate, eni_id) else {
        return false;
    };
    let Some(subnet) = find_subnet(estate, &eni.subnet_id) else {
        return false;
    };
    // 1. a public client, and an address of E in the client's family that the internet can use.
    if !is_internet(a) || !has_public_address(eni, a) {
        return false;
    }
    // 2. the route back to the client (the subnet's lookup for a) is an attached IGW.
    if !routes_to_attached_igw(estate, subnet, a) {
        return false;
    }
    // 3. the subnet NACL lets the request in and the reply out.
    let acl = subnet_nacl(estate, subnet);
    let inbound = sorted_entries(acl, false);
    let outbound = sorted_entries(acl, true);
    if !nacl_allows(inbound.as_deref(), p, k, a) {
        return false;
    }
    let reply_out = match reply_of(p, k) {
        Reply::Ephemeral => EPHEMERAL
            .clone()
            .any(|q| nacl_allows(outbound.as_deref(), p, q, a)),
        Reply::Key(key) => nacl_allows(outbound.as_deref(), p, key, a),
    };
    if !reply_out {
        return false;
    }
    // 4. E's security groups admit the client (internet sources never match group peers).
    sg_allows(estate, eni, Direction::Ingress, p, k, a, true)
}

/// Can interface `src_eni` at its address `a` open (p, k) to interface `dst_eni` at its
/// address `b`? (ENGINE-SPEC, interface case.)
pub fn interface_to_interface(
    estate: &Estate,
    src_eni: &str,
    a: IpAddr,
    dst_eni: &str,
    b: IpAddr,
    p: u8,
    k: u16,
) -> bool {
    let (Some(e1), Some(e2)) = (
        find_interface(estate, src_eni),
        find_interface(estate, dst_eni),
    ) else {
        return false;
    };
    let (Some(s1), Some(s2)) = (
        find_subnet(estate, &e1.subnet_id),
        find_subnet(estate, &e2.subnet_id),
    ) else {
        return false;
    };
    // a and b must be the interfaces' own private addresses, of one family.
    if !is_private_address_of(e1, a) || !is_private_address_of(e2, b) || a.is_ipv4() != b.is_ipv4()
    {
        return false;
    }
    // 1. a path there and back.
    if !path_exists(estate, s1, s2, a, b) {
        return false;
    }
    // 2. security groups: E1 may send to b, E2 may receive from a.
    if !sg_allows(estate, e1, Direction::Egress, p, k, b, false)
        || !sg_allows(estate, e2, Direction::Ingress, p, k, a, false)
    {
        return false;
    }
    // 3. NACLs only between different subnets.
    if s1.meta.id == s2.meta.id {
        return true;
    }
    nacls_allow_between(estate, s1, s2, a, b, p, k)
}

/// ENGINE-SPEC interface case 3: request out of S1 and into S2, reply out of S2 and into S1.
fn nacls_allow_between(
    estate: &Estate,
    s1: &Subnet,
    s2: &Subnet,
    a: IpAddr,
    b: IpAddr,
    p: u8,
    k: u16,
) -> bool {
    let acl1 = subnet_nacl(estate, s1);
    let acl2 = subnet_nacl(estate, s2);
    let s1_in = sorted_entries(acl1, false);
    let s1_out = sorted_entries(acl1, true);
    let s2_in = sorted_entries(acl2, false);
    let s2_out = sorted_entries(acl2, true);
    if !nacl_allows(s1_out.as_deref(), p, k, b) || !nacl_allows(s2_in.as_deref(), p, k, a) {
        return false;
    }
    // One reply port must pass both NACLs (the same q on both legs of the reply).
    let reply_passes =
        |q: u16| nacl_allows(s2_out.as_deref(), p, q, a) && nacl_allows(s1_in.as_deref(), p, q, b);
    match reply_of(p, k) {
        Reply::Ephemeral => EPHEMERAL.clone().any(reply_passes),
        Reply::Key(key) => reply_passes(key),
    }
}

/// What the reply to (p, k) looks like, for the stateless NACL check.
enum Reply {
    /// tcp/udp: to the client's ephemeral port, any q in 1024..=65535.
    Ephemeral,
    /// Everything else: one fixed key.
    Key(u16),
}

fn reply_of(p: u8, k: u16) -> Reply {
    let icmp_type = k >> 8;
    match p {
        6 | 17 => Reply::Ephemeral,
        // echo request (type 8, any code) is answered by echo reply type 0 code 0.
        1 if icmp_type == 8 => Reply::Key(0),
        // ICMPv6 echo request 128 is answered by echo reply 129 code 0.
        58 if icmp_type == 128 => Reply::Key(129 * 256),
        // "the same kind of packet back".
        _ => Reply::Key(k),
    }
}

// ---------------------------------------------------------------------------------------------
// Finding things: linear scans every time, on purpose.

fn find_interface<'e>(estate: &'e Estate, id: &str) -> Option<&'e NetworkInterface> {
    estate.interfaces.iter().find(|e| e.meta.id == id)
}

fn find_subnet<'e>(estate: &'e Estate, id: &str) -> Option<&'e Subnet> {
    estate.subnets.iter().find(|s| s.meta.id == id)
}

fn find_group<'e>(estate: &'e Estate, id: &str) -> Option<&'e SecurityGroup> {
    estate.security_groups.iter().find(|g| g.meta.id == id)
}

/// Explicit association first, else the VPC's default NACL, else none (allow everything).
fn subnet_nacl<'e>(estate: &'e Estate, subnet: &Subnet) -> Option<&'e NetworkAcl> {
    for acl in estate.network_acls.iter() {
        if acl.subnet_ids.contains(&subnet.meta.id) {
            return Some(acl);
        }
    }
    estate
        .network_acls
        .iter()
        .find(|acl| acl.vpc_id == subnet.vpc_id && acl.is_default)
}

/// Explicit association first, else the VPC's main table, else none (nothing leaves).
fn subnet_route_table<'e>(estate: &'e Estate, subnet: &Subnet) -> Option<&'e RouteTable> {
    for table in estate.route_tables.iter() {
        let explicit = table
            .associations
            .iter()
            .any(|assoc| assoc.subnet_id.as_deref() == Some(subnet.meta.id.as_str()));
        if explicit {
            return Some(table);
        }
    }
    estate
        .route_tables
        .iter()
        .find(|t| t.vpc_id == subnet.vpc_id && t.associations.iter().any(|assoc| assoc.main))
}

// ---------------------------------------------------------------------------------------------
// Addresses.

/// `net` contains `a`, and both are of one family.
fn net_contains(net: &IpNet, a: IpAddr) -> bool {
    match (net, a) {
        (IpNet::V4(n), IpAddr::V4(x)) => n.contains(&x),
        (IpNet::V6(n), IpAddr::V6(x)) => n.contains(&x),
        _ => false,
    }
}

/// ENGINE-SPEC says "public_ips non-empty"; the model (Meta::unknown) adds that a Terraform
/// plan's unknown `public_ip` means AWS will assign one at launch: public too.
fn has_public_address(eni: &NetworkInterface, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(_) => {
            !eni.public_ips.is_empty() || eni.meta.unknown.iter().any(|u| u == "public_ip")
        }
        IpAddr::V6(_) => !eni.ipv6_addresses.is_empty(),
    }
}

/// The interface's private addresses: `private_ips` and `ipv6_addresses`.
fn is_private_address_of(eni: &NetworkInterface, a: IpAddr) -> bool {
    match a {
        IpAddr::V4(x) => eni.private_ips.contains(&x),
        IpAddr::V6(x) => eni.ipv6_addresses.contains(&x),
    }
}

/// The longest CIDR of a known prefix list containing `a`; `None` for missing or unknown lists.
fn prefix_list_match(estate: &Estate, list_id: &str, a: IpAddr) -> Option<u8> {
    let list = estate.prefix_lists.iter().find(|l| l.meta.id == list_id)?;
    let cidrs = list.cidrs.as_ref()?;
    let mut best: Option<u8> = None;
    for net in cidrs {
        let longer = match best {
            None => true,
            Some(len) => net.prefix_len() > len,
        };
        if net_contains(net, a) && longer {
            best = Some(net.prefix_len());
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Routes.

/// Longest-prefix match over every route of the table; a CIDR route beats a prefix-list route of
/// the same length. Blackhole routes are returned too (they win, then drop).
fn lookup<'e>(estate: &Estate, table: Option<&'e RouteTable>, d: IpAddr) -> Option<&'e Route> {
    let table = table?;
    let mut best: Option<(&Route, u8, bool)> = None;
    for route in &table.routes {
        let candidate = match &route.destination {
            RouteDestination::Cidr(net) => {
                if net_contains(net, d) {
                    Some((net.prefix_len(), true))
                } else {
                    None
                }
            }
            RouteDestination::PrefixList(id) => {
                prefix_list_match(estate, id, d).map(|l| (l, false))
            }
        };
        let Some((len, is_cidr)) = candidate else {
            continue;
        };
        let better = match best {
            None => true,
            Some((_, best_len, best_is_cidr)) => {
                len > best_len || (len == best_len && is_cidr && !best_is_cidr)
            }
        };
        if better {
            best = Some((route, len, is_cidr));
        }
    }
    best.map(|(route, _, _)| route)
}

fn routes_to_attached_igw(estate: &Estate, subnet: &Subnet, a: IpAddr) -> bool {
    let table = subnet_route_table(estate, subnet);
    let Some(route) = lookup(estate, table, a) else {
        return false;
    };
    if route.blackhole {
        return false;
    }
    let RouteTarget::InternetGateway(igw_id) = &route.target else {
        return false;
    };
    estate
        .internet_gateways
        .iter()
        .any(|g| g.meta.id == *igw_id && g.vpc_ids.contains(&subnet.vpc_id))
}

/// ENGINE-SPEC interface case 1: local both ways in one VPC, or one active peering both ways.
fn path_exists(estate: &Estate, s1: &Subnet, s2: &Subnet, a: IpAddr, b: IpAddr) -> bool {
    let there = lookup(estate, subnet_route_table(estate, s1), b);
    let back = lookup(estate, subnet_route_table(estate, s2), a);
    let (Some(there), Some(back)) = (there, back) else {
        return false;
    };
    if there.blackhole || back.blackhole {
        return false;
    }
    if s1.vpc_id == s2.vpc_id {
        return there.target == RouteTarget::Local && back.target == RouteTarget::Local;
    }
    let (RouteTarget::VpcPeering(x), RouteTarget::VpcPeering(y)) = (&there.target, &back.target)
    else {
        return false;
    };
    x == y && peering_connects(estate, x, &s1.vpc_id, &s2.vpc_id)
}

fn peering_connects(estate: &Estate, pcx_id: &str, v1: &str, v2: &str) -> bool {
    estate.peerings.iter().any(|pcx| {
        let requester = pcx.requester.vpc_id.as_str();
        let accepter = pcx.accepter.vpc_id.as_str();
        pcx.meta.id == pcx_id
            && pcx.is_active()
            && ((requester == v1 && accepter == v2) || (requester == v2 && accepter == v1))
    })
}

// ---------------------------------------------------------------------------------------------
// Protocol, ports and ICMP keys (shared by SG rules and NACL entries).

/// Protocol `All` matches everything (ports ignored); otherwise the protocol must be `p` and
/// the key must fall in the spec: ports for tcp/udp, type/code for icmp/icmpv6, anything else
/// for other protocols.
fn packet_matches(protocol: Protocol, ports: &PortSpec, p: u8, k: u16) -> bool {
    let Protocol::Number(rule_p) = protocol else {
        return true;
    };
    if rule_p != p {
        return false;
    }
    match p {
        6 | 17 => port_matches(ports, k),
        1 | 58 => icmp_matches(ports, k),
        _ => true,
    }
}

fn port_matches(ports: &PortSpec, k: u16) -> bool {
    match *ports {
        PortSpec::All => true,
        PortSpec::Range(lo, hi) => lo <= k && k <= hi,
        // An ICMP spec on a tcp/udp rule: not produced by loaders, and it names no port.
        PortSpec::Icmp { .. } => false,
    }
}

/// k = type * 256 + code.
fn icmp_matches(ports: &PortSpec, k: u16) -> bool {
    let icmp_type = (k >> 8) as u8;
    let code = (k & 0xff) as u8;
    match *ports {
        PortSpec::All => true,
        PortSpec::Icmp {
            icmp_type: None, ..
        } => true,
        PortSpec::Icmp {
            icmp_type: Some(t),
            code: None,
        } => t == icmp_type,
        PortSpec::Icmp {
            icmp_type: Some(t),
            code: Some(c),
        } => t == icmp_type && c == code,
        // A port range on an ICMP rule: not produced by loaders; read as naming no type.
        PortSpec::Range(..) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Network ACLs.

/// The entries of one direction sorted by rule number, or `None` when the subnet has no NACL
/// in the export (then everything is allowed).
fn sorted_entries(acl: Option<&NetworkAcl>, egress: bool) -> Option<Vec<&NaclEntry>> {
    let acl = acl?;
    let mut entries: Vec<&NaclEntry> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    Some(entries)
}

/// First matching entry decides; nothing matching denies.
fn nacl_allows(entries: Option<&[&NaclEntry]>, p: u8, k: u16, a: IpAddr) -> bool {
    let Some(entries) = entries else {
        return true;
    };
    for entry in entries {
        if net_contains(&entry.cidr, a) && packet_matches(entry.protocol, &entry.ports, p, k) {
            return entry.allow;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Security groups.

/// Any rule of any existing group on the interface, in `direction`, matching (p, k, peer `a`).
fn sg_allows(
    estate: &Estate,
    eni: &NetworkInterface,
    direction: Direction,
    p: u8,
    k: u16,
    a: IpAddr,
    from_internet: bool,
) -> bool {
    for group_id in &eni.group_ids {
        let Some(group) = find_group(estate, group_id) else {
            continue;
        };
        let rules = match direction {
            Direction::Ingress => &group.ingress,
            Direction::Egress => &group.egress,
        };
        for rule in rules {
            if packet_matches(rule.protocol, &rule.ports, p, k)
                && peer_matches(estate, &rule.peer, a, from_internet)
            {
                return true;
            }
        }
    }
    false
}

fn peer_matches(estate: &Estate, peer: &Peer, a: IpAddr, from_internet: bool) -> bool {
    match peer {
        Peer::Cidr(net) => net_contains(net, a),
        Peer::PrefixList(id) => prefix_list_match(estate, id, a).is_some(),
        Peer::Group { group_id, .. } => {
            // Internet traffic never comes from an interface; a missing group matches nothing.
            !from_internet
                && find_group(estate, group_id).is_some()
                && estate
                    .interfaces
                    .iter()
                    .any(|e| e.group_ids.contains(group_id) && is_private_address_of(e, a))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle's own tests: one tiny hand-built estate, one mutation per spec clause.

#[cfg(test)]
mod tests {
    use super::gen::{
        cidr_route, entry, group, group_peer, igw, interface, ip, main_association, meta, nacl,
        net, peering, route, route_table, rule, subnet, subnet_association, vpc,
    };
    use super::*;
    use vpclint::model::{InternetGateway, PrefixList};

    const TCP: u8 = 6;
    const UDP: u8 = 17;
    const ICMP: u8 = 1;
    const ICMPV6: u8 = 58;

    fn tcp_ports(lo: u16, hi: u16) -> (Protocol, PortSpec) {
        (Protocol::TCP, PortSpec::Range(lo, hi))
    }

    fn ingress(traffic: (Protocol, PortSpec), peer: Peer) -> vpclint::model::SgRule {
        rule(Direction::Ingress, traffic.0, traffic.1, peer)
    }

    fn egress_all(cidr: &str) -> vpclint::model::SgRule {
        rule(
            Direction::Egress,
            Protocol::All,
            PortSpec::All,
            Peer::Cidr(net(cidr)),
        )
    }

    fn cidr(text: &str) -> Peer {
        Peer::Cidr(net(text))
    }

    fn allow_all_entries() -> Vec<NaclEntry> {
        let mut entries = Vec::new();
        for egress in [false, true] {
            for c in ["0.0.0.0/0", "::/0"] {
                entries.push(entry(100, egress, true, Protocol::All, PortSpec::All, c));
            }
        }
        entries
    }

    /// vpc-1 (10.0.0.0/16, 2600:1f18:0:100::/56) with an attached igw-1 and a main table
    /// routing both defaults to it; subnet-a (public, IPv4+IPv6) holds eni-web (tcp 80 and
    /// pings from anywhere); subnet-b holds eni-db (tcp 5432 from group sg-web). The default
    /// NACL allows everything.
    fn web() -> Estate {
        let mut estate = Estate::default();
        estate.vpcs.insert(
            "vpc-1",
            vpc("vpc-1", "10.0.0.0/16", Some("2600:1f18:0:100::/56")),
        );
        let subnet_a = subnet(
            "subnet-a",
            "vpc-1",
            "10.0.1.0/24".parse().unwrap(),
            Some("2600:1f18:0:101::/64".parse().unwrap()),
        );
        let subnet_b = subnet("subnet-b", "vpc-1", "10.0.2.0/24".parse().unwrap(), None);
        let igw1 = InternetGateway {
            meta: meta("igw-1"),
            vpc_ids: vec!["vpc-1".to_string()],
        };
        estate.internet_gateways.insert("igw-1", igw1);
        let mut main = route_table(
            "rtb-main",
            "vpc-1",
            vec![
                cidr_route("10.0.0.0/16", RouteTarget::Local),
                cidr_route("2600:1f18:0:100::/56", RouteTarget::Local),
                cidr_route("0.0.0.0/0", igw("igw-1")),
                cidr_route("::/0", igw("igw-1")),
            ],
        );
        main.associations.push(main_association());
        estate.route_tables.insert("rtb-main", main);
        let acl = nacl("acl-default", "vpc-1", true, allow_all_entries());
        estate.network_acls.insert("acl-default", acl);
        let web_group = group(
            "sg-web",
            "vpc-1",
            vec![
                ingress(tcp_ports(80, 80), cidr("0.0.0.0/0")),
                ingress(tcp_ports(80, 80), cidr("::/0")),
                ingress(icmp(Protocol::ICMP, Some(8), None), cidr("0.0.0.0/0")),
                ingress(icmp(Protocol::ICMPV6, Some(128), None), cidr("::/0")),
            ],
            vec![egress_all("0.0.0.0/0"), egress_all("::/0")],
        );
        estate.security_groups.insert("sg-web", web_group);
        let db_group = group(
            "sg-db",
            "vpc-1",
            vec![ingress(tcp_ports(5432, 5432), group_peer("sg-web"))],
            vec![egress_all("0.0.0.0/0")],
        );
        estate.security_groups.insert("sg-db", db_group);
        let mut web_eni = interface(
            "eni-web",
            &subnet_a,
            vec![ip("10.0.1.10"), ip("2600:1f18:0:101::10")],
            &["sg-web"],
        );
        web_eni.public_ips.push("54.240.1.1".parse().unwrap());
        estate.interfaces.insert("eni-web", web_eni);
        let db_eni = interface("eni-db", &subnet_b, vec![ip("10.0.2.20")], &["sg-db"]);
        estate.interfaces.insert("eni-db", db_eni);
        estate.subnets.insert("subnet-a", subnet_a);
        estate.subnets.insert("subnet-b", subnet_b);
        estate
    }

    fn icmp(protocol: Protocol, icmp_type: Option<u8>, code: Option<u8>) -> (Protocol, PortSpec) {
        (protocol, PortSpec::Icmp { icmp_type, code })
    }

    fn web_from(estate: &Estate, p: u8, k: u16, a: &str) -> bool {
        internet_to_interface(estate, "eni-web", p, k, ip(a))
    }

    fn web_to_db(estate: &Estate, p: u8, k: u16) -> bool {
        interface_to_interface(
            estate,
            "eni-web",
            ip("10.0.1.10"),
            "eni-db",
            ip("10.0.2.20"),
            p,
            k,
        )
    }

    fn set_acl(estate: &mut Estate, entries: Vec<NaclEntry>) {
        estate
            .network_acls
            .get_by_id_mut("acl-default")
            .unwrap()
            .entries = entries;
    }

    fn set_web_ingress(estate: &mut Estate, rules: Vec<vpclint::model::SgRule>) {
        estate
            .security_groups
            .get_by_id_mut("sg-web")
            .unwrap()
            .ingress = rules;
    }

    fn set_main_routes(estate: &mut Estate, routes: Vec<Route>) {
        estate
            .route_tables
            .get_by_id_mut("rtb-main")
            .unwrap()
            .routes = routes;
    }

    fn local_routes() -> Vec<Route> {
        vec![
            cidr_route("10.0.0.0/16", RouteTarget::Local),
            cidr_route("2600:1f18:0:100::/56", RouteTarget::Local),
        ]
    }

    /// All inbound allowed, and these outbound entries.
    fn outbound_only(entries: Vec<NaclEntry>) -> Vec<NaclEntry> {
        let mut all = vec![
            entry(100, false, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
            entry(101, false, true, Protocol::All, PortSpec::All, "::/0"),
        ];
        all.extend(entries);
        all
    }

    #[test]
    fn the_internet_is_everything_but_the_listed_ranges() {
        for public in ["8.8.8.8", "100.128.0.1", "1.1.1.1", "2600::1", "64:ff9b::1"] {
            assert!(is_internet(ip(public)), "{public}");
        }
        for private in [
            "10.1.2.3",
            "100.64.0.1",
            "198.51.100.7",
            "203.0.113.255",
            "239.1.1.1",
            "255.255.255.255",
            "::ffff:8.8.8.8",
            "2001:db8::1",
            "fd00::1",
            "fe80::1",
            "::1",
            "::",
        ] {
            assert!(!is_internet(ip(private)), "{private}");
        }
    }

    #[test]
    fn baseline_web_is_open_on_80_only_to_internet_clients() {
        let estate = web();
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "2600:1::1"));
        assert!(!web_from(&estate, TCP, 81, "8.8.8.8"));
        assert!(!web_from(&estate, TCP, 80, "10.9.9.9"), "private client");
        assert!(
            !web_from(&estate, TCP, 80, "203.0.113.5"),
            "documentation range"
        );
        assert!(!internet_to_interface(
            &estate,
            "eni-db",
            TCP,
            5432,
            ip("8.8.8.8")
        ));
        assert!(!internet_to_interface(
            &estate,
            "eni-none",
            TCP,
            80,
            ip("8.8.8.8")
        ));
    }

    #[test]
    fn nacl_entries_are_sorted_by_rule_number_and_first_match_decides() {
        let mut estate = web();
        // Listed out of order on purpose: 200 allows, the earlier 100 denies 8.8.8.0/24.
        set_acl(
            &mut estate,
            vec![
                entry(100, true, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
                entry(
                    200,
                    false,
                    true,
                    Protocol::TCP,
                    PortSpec::Range(80, 80),
                    "0.0.0.0/0",
                ),
                entry(
                    100,
                    false,
                    false,
                    Protocol::TCP,
                    PortSpec::All,
                    "8.8.8.0/24",
                ),
            ],
        );
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "9.9.9.9"));
    }

    #[test]
    fn nothing_matching_in_a_nacl_denies() {
        let mut estate = web();
        set_acl(
            &mut estate,
            vec![
                entry(
                    100,
                    false,
                    true,
                    Protocol::TCP,
                    PortSpec::Range(22, 22),
                    "0.0.0.0/0",
                ),
                entry(100, true, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
            ],
        );
        set_web_ingress(
            &mut estate,
            vec![ingress(tcp_ports(0, 65535), cidr("0.0.0.0/0"))],
        );
        assert!(web_from(&estate, TCP, 22, "8.8.8.8"));
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        // No IPv6 entries at all: IPv6 is denied both ways.
        assert!(!web_from(&estate, TCP, 80, "2600:1::1"));
    }

    #[test]
    fn the_reply_needs_some_ephemeral_port_out() {
        let cases: [((u16, u16), bool); 6] = [
            ((32768, 61000), true),
            ((49152, 65535), true),
            ((1024, 1024), true),
            ((65535, 65535), true),
            ((80, 80), false),
            ((0, 1023), false),
        ];
        for ((lo, hi), expected) in cases {
            let mut estate = web();
            let out = entry(
                100,
                true,
                true,
                Protocol::TCP,
                PortSpec::Range(lo, hi),
                "0.0.0.0/0",
            );
            set_acl(&mut estate, outbound_only(vec![out]));
            assert_eq!(web_from(&estate, TCP, 80, "8.8.8.8"), expected, "{lo}-{hi}");
        }
    }

    #[test]
    fn the_reply_port_must_be_allowed_before_any_deny() {
        let mut estate = web();
        set_acl(
            &mut estate,
            outbound_only(vec![
                entry(
                    90,
                    true,
                    false,
                    Protocol::TCP,
                    PortSpec::Range(1024, 65535),
                    "8.8.8.0/24",
                ),
                entry(100, true, true, Protocol::TCP, PortSpec::All, "0.0.0.0/0"),
            ]),
        );
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "9.9.9.9"));
    }

    #[test]
    fn two_slash_one_halves_cover_the_whole_ipv4_internet() {
        let mut estate = web();
        set_web_ingress(
            &mut estate,
            vec![
                ingress(tcp_ports(80, 80), cidr("0.0.0.0/1")),
                ingress(tcp_ports(80, 80), cidr("128.0.0.0/1")),
            ],
        );
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "200.1.1.1"));
        set_web_ingress(
            &mut estate,
            vec![ingress(tcp_ports(80, 80), cidr("0.0.0.0/1"))],
        );
        assert!(
            web_from(&estate, TCP, 80, "127.255.255.255") == is_internet(ip("127.255.255.255"))
        );
        assert!(web_from(&estate, TCP, 80, "126.255.255.255"));
        assert!(!web_from(&estate, TCP, 80, "128.0.0.1"));
    }

    #[test]
    fn udp_and_tcp_are_different_protocols() {
        let mut estate = web();
        assert!(!web_from(&estate, UDP, 80, "8.8.8.8"));
        set_web_ingress(
            &mut estate,
            vec![ingress(
                (Protocol::UDP, PortSpec::Range(53, 53)),
                cidr("0.0.0.0/0"),
            )],
        );
        assert!(web_from(&estate, UDP, 53, "8.8.8.8"));
        assert!(!web_from(&estate, TCP, 53, "8.8.8.8"));
        assert!(!web_from(&estate, UDP, 54, "8.8.8.8"));
    }

    #[test]
    fn all_protocols_rule_ignores_ports_and_other_protocols_ignore_ranges() {
        let mut estate = web();
        set_web_ingress(
            &mut estate,
            vec![
                ingress((Protocol::All, PortSpec::Range(1, 1)), cidr("8.8.8.0/24")),
                ingress(
                    (Protocol::Number(50), PortSpec::Range(1, 1)),
                    cidr("0.0.0.0/0"),
                ),
            ],
        );
        assert!(web_from(&estate, TCP, 4444, "8.8.8.8"));
        assert!(web_from(&estate, 50, 999, "9.9.9.9"));
        assert!(!web_from(&estate, 51, 1, "9.9.9.9"));
        assert!(!web_from(&estate, TCP, 1, "9.9.9.9"));
    }

    #[test]
    fn icmp_type_and_code() {
        let mut estate = web();
        // Echo request, any code.
        assert!(web_from(&estate, ICMP, 8 << 8, "8.8.8.8"));
        assert!(web_from(&estate, ICMP, (8 << 8) | 5, "8.8.8.8"));
        assert!(!web_from(&estate, ICMP, 3 << 8, "8.8.8.8"));
        assert!(
            !web_from(&estate, ICMPV6, 8 << 8, "8.8.8.8"),
            "icmpv6 is not icmp"
        );
        assert!(web_from(&estate, ICMPV6, 128 << 8, "2600:1::1"));
        set_web_ingress(
            &mut estate,
            vec![ingress(
                icmp(Protocol::ICMP, Some(3), Some(4)),
                cidr("0.0.0.0/0"),
            )],
        );
        assert!(web_from(&estate, ICMP, (3 << 8) | 4, "8.8.8.8"));
        assert!(!web_from(&estate, ICMP, (3 << 8) | 3, "8.8.8.8"));
        set_web_ingress(
            &mut estate,
            vec![ingress(icmp(Protocol::ICMP, None, None), cidr("0.0.0.0/0"))],
        );
        assert!(web_from(&estate, ICMP, 0xffff, "8.8.8.8"));
    }

    #[test]
    fn echo_replies_need_their_own_nacl_allow() {
        let mut estate = web();
        let echo_reply = PortSpec::Icmp {
            icmp_type: Some(0),
            code: Some(0),
        };
        let echo_reply6 = PortSpec::Icmp {
            icmp_type: Some(129),
            code: None,
        };
        set_acl(
            &mut estate,
            outbound_only(vec![
                entry(100, true, true, Protocol::ICMP, echo_reply, "0.0.0.0/0"),
                entry(101, true, true, Protocol::ICMPV6, echo_reply6, "::/0"),
            ]),
        );
        assert!(web_from(&estate, ICMP, 8 << 8, "8.8.8.8"));
        assert!(web_from(&estate, ICMPV6, 128 << 8, "2600:1::1"));
        // Other types need the same key back, which is not allowed out here.
        set_web_ingress(
            &mut estate,
            vec![ingress(icmp(Protocol::ICMP, None, None), cidr("0.0.0.0/0"))],
        );
        assert!(!web_from(&estate, ICMP, 3 << 8, "8.8.8.8"));
        set_acl(
            &mut estate,
            outbound_only(vec![entry(
                100,
                true,
                true,
                Protocol::TCP,
                PortSpec::All,
                "0.0.0.0/0",
            )]),
        );
        assert!(!web_from(&estate, ICMP, 8 << 8, "8.8.8.8"));
    }

    #[test]
    fn group_references_never_match_internet_clients() {
        let mut estate = web();
        // eni-peer carries sg-web at a public IPv6 address (an internet address).
        let subnet_a = find_subnet(&estate, "subnet-a").unwrap().clone();
        let peer_eni = interface(
            "eni-peer",
            &subnet_a,
            vec![ip("2600:1f18:0:101::99")],
            &["sg-web"],
        );
        estate.interfaces.insert("eni-peer", peer_eni);
        set_web_ingress(
            &mut estate,
            vec![ingress(tcp_ports(80, 80), group_peer("sg-web"))],
        );
        assert!(is_internet(ip("2600:1f18:0:101::99")));
        assert!(!web_from(&estate, TCP, 80, "2600:1f18:0:101::99"));
        assert!(interface_to_interface(
            &estate,
            "eni-peer",
            ip("2600:1f18:0:101::99"),
            "eni-web",
            ip("2600:1f18:0:101::10"),
            TCP,
            80
        ));
    }

    #[test]
    fn group_references_admit_members_only() {
        let estate = web();
        assert!(web_to_db(&estate, TCP, 5432));
        assert!(!web_to_db(&estate, TCP, 5433));
        // The wrong source address of the right interface is not a source at all.
        assert!(!interface_to_interface(
            &estate,
            "eni-web",
            ip("10.0.1.11"),
            "eni-db",
            ip("10.0.2.20"),
            TCP,
            5432
        ));
        // db → web on 80: sg-db may send, sg-web admits anyone on 80.
        assert!(interface_to_interface(
            &estate,
            "eni-db",
            ip("10.0.2.20"),
            "eni-web",
            ip("10.0.1.10"),
            TCP,
            80
        ));
    }

    #[test]
    fn missing_groups_match_nothing() {
        let mut estate = web();
        estate
            .security_groups
            .get_by_id_mut("sg-db")
            .unwrap()
            .ingress = vec![ingress(tcp_ports(5432, 5432), group_peer("sg-ghost"))];
        estate
            .interfaces
            .get_by_id_mut("eni-web")
            .unwrap()
            .group_ids = vec!["sg-web".to_string(), "sg-ghost".to_string()];
        assert!(!web_to_db(&estate, TCP, 5432));
        // An interface whose only group is missing has no rules: deny.
        estate
            .interfaces
            .get_by_id_mut("eni-web")
            .unwrap()
            .group_ids = vec!["sg-ghost".to_string()];
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
    }

    #[test]
    fn prefix_list_peers_need_known_entries() {
        let mut estate = web();
        let known = PrefixList {
            meta: meta("pl-known"),
            name: "known".to_string(),
            cidrs: Some(vec![net("8.8.8.0/24")]),
        };
        let unknown = PrefixList {
            meta: meta("pl-unknown"),
            name: "unknown".to_string(),
            cidrs: None,
        };
        estate.prefix_lists.insert("pl-known", known);
        estate.prefix_lists.insert("pl-unknown", unknown);
        for (list, client, expected) in [
            ("pl-known", "8.8.8.8", true),
            ("pl-known", "9.9.9.9", false),
            ("pl-unknown", "8.8.8.8", false),
            ("pl-missing", "8.8.8.8", false),
        ] {
            let peer = Peer::PrefixList(list.to_string());
            set_web_ingress(&mut estate, vec![ingress(tcp_ports(80, 80), peer)]);
            assert_eq!(
                web_from(&estate, TCP, 80, client),
                expected,
                "{list} {client}"
            );
        }
    }

    #[test]
    fn a_narrower_igw_route_narrows_the_exposure() {
        let mut estate = web();
        let mut routes = local_routes();
        routes.push(cidr_route("8.8.8.0/24", igw("igw-1")));
        set_main_routes(&mut estate, routes.clone());
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(!web_from(&estate, TCP, 80, "9.9.9.9"));
        // A longer route elsewhere beats the default route to the gateway.
        routes.push(cidr_route("0.0.0.0/0", igw("igw-1")));
        routes.push(cidr_route(
            "9.9.9.0/24",
            RouteTarget::NatGateway("nat-1".to_string()),
        ));
        set_main_routes(&mut estate, routes);
        assert!(web_from(&estate, TCP, 80, "9.9.8.8"));
        assert!(!web_from(&estate, TCP, 80, "9.9.9.9"));
    }

    #[test]
    fn blackhole_routes_win_and_drop() {
        let mut estate = web();
        let mut routes = local_routes();
        routes.push(route(
            RouteDestination::Cidr(net("0.0.0.0/0")),
            igw("igw-1"),
            true,
        ));
        set_main_routes(&mut estate, routes.clone());
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        routes[2].blackhole = false;
        routes.push(route(
            RouteDestination::Cidr(net("8.8.8.0/24")),
            igw("igw-1"),
            true,
        ));
        set_main_routes(&mut estate, routes);
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "9.9.9.9"));
    }

    #[test]
    fn prefix_list_routes_use_the_matching_entry_length_and_lose_ties() {
        let mut estate = web();
        let list = PrefixList {
            meta: meta("pl-known"),
            name: "known".to_string(),
            cidrs: Some(vec![net("8.0.0.0/8"), net("9.9.9.0/24")]),
        };
        estate.prefix_lists.insert("pl-known", list);
        let mut routes = local_routes();
        routes.push(cidr_route("0.0.0.0/0", igw("igw-1")));
        let nat = RouteTarget::NatGateway("nat-1".to_string());
        let pl = RouteDestination::PrefixList("pl-known".to_string());
        routes.push(route(pl, nat, false));
        routes.push(cidr_route("9.9.9.0/24", igw("igw-1")));
        set_main_routes(&mut estate, routes);
        assert!(
            !web_from(&estate, TCP, 80, "8.8.8.8"),
            "/8 in the list beats /0"
        );
        assert!(
            web_from(&estate, TCP, 80, "9.9.9.9"),
            "a CIDR route wins the /24 tie"
        );
        assert!(web_from(&estate, TCP, 80, "7.7.7.7"));
    }

    #[test]
    fn ipv6_needs_an_igw_not_an_egress_only_gateway() {
        let mut estate = web();
        let mut routes = local_routes();
        routes.push(cidr_route("0.0.0.0/0", igw("igw-1")));
        let eigw = RouteTarget::EgressOnlyInternetGateway("eigw-1".to_string());
        routes.push(route(RouteDestination::Cidr(net("::/0")), eigw, false));
        set_main_routes(&mut estate, routes);
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(!web_from(&estate, TCP, 80, "2600:1::1"));
    }

    #[test]
    fn the_client_family_needs_a_public_address_of_that_family() {
        let mut estate = web();
        estate
            .interfaces
            .get_by_id_mut("eni-web")
            .unwrap()
            .public_ips
            .clear();
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_from(&estate, TCP, 80, "2600:1::1"));
        estate
            .interfaces
            .get_by_id_mut("eni-web")
            .unwrap()
            .ipv6_addresses
            .clear();
        assert!(!web_from(&estate, TCP, 80, "2600:1::1")); // A public IPv4 that a Terraform plan leaves unknown still counts.
        let eni = estate.interfaces.get_by_id_mut("eni-web").unwrap();
        eni.meta.unknown.push("public_ip".to_string());
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
    }

    #[test]
    fn the_igw_must_exist_and_be_attached_to_this_vpc() {
        let mut estate = web();
        estate
            .internet_gateways
            .get_by_id_mut("igw-1")
            .unwrap()
            .vpc_ids = vec!["vpc-2".into()];
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        estate
            .internet_gateways
            .get_by_id_mut("igw-1")
            .unwrap()
            .vpc_ids
            .clear();
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        let mut estate = web();
        let mut routes = local_routes();
        routes.push(cidr_route("0.0.0.0/0", igw("igw-ghost")));
        set_main_routes(&mut estate, routes);
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
    }

    #[test]
    fn subnets_without_a_table_route_nothing() {
        let mut estate = web();
        estate
            .route_tables
            .get_by_id_mut("rtb-main")
            .unwrap()
            .associations
            .clear();
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(!web_to_db(&estate, TCP, 5432));
        // An explicit association overrides the main table.
        let mut private = route_table("rtb-private", "vpc-1", local_routes());
        private.associations.push(subnet_association("subnet-a"));
        let mut estate = web();
        estate.route_tables.insert("rtb-private", private);
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_to_db(&estate, TCP, 5432));
    }

    #[test]
    fn a_more_specific_route_inside_the_vpc_breaks_local_delivery() {
        let mut estate = web();
        let mut routes = local_routes();
        routes.push(cidr_route(
            "10.0.2.0/24",
            RouteTarget::NetworkInterface("eni-firewall".to_string()),
        ));
        set_main_routes(&mut estate, routes);
        assert!(!web_to_db(&estate, TCP, 5432));
    }

    #[test]
    fn nacl_association_default_and_absence() {
        let mut estate = web();
        let deny_all = nacl("acl-deny", "vpc-1", false, Vec::new());
        estate.network_acls.insert("acl-deny", deny_all);
        assert!(
            web_from(&estate, TCP, 80, "8.8.8.8"),
            "unassociated custom NACL"
        );
        estate
            .network_acls
            .get_by_id_mut("acl-deny")
            .unwrap()
            .subnet_ids = vec!["subnet-a".into()];
        assert!(!web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(!web_to_db(&estate, TCP, 5432));
        // No NACL in the export at all: allow everything.
        let mut estate = web();
        estate.network_acls = Default::default();
        assert!(web_from(&estate, TCP, 80, "8.8.8.8"));
        assert!(web_to_db(&estate, TCP, 5432));
    }

    #[test]
    fn nacls_do_not_apply_inside_one_subnet() {
        let mut estate = web();
        let subnet_b = find_subnet(&estate, "subnet-b").unwrap().clone();
        let app = interface("eni-app", &subnet_b, vec![ip("10.0.2.30")], &["sg-web"]);
        estate.interfaces.insert("eni-app", app);
        set_acl(&mut estate, Vec::new());
        let app_to_db = |estate: &Estate| {
            interface_to_interface(
                estate,
                "eni-app",
                ip("10.0.2.30"),
                "eni-db",
                ip("10.0.2.20"),
                TCP,
                5432,
            )
        };
        assert!(app_to_db(&estate));
        assert!(!web_to_db(&estate, TCP, 5432));
    }

    #[test]
    fn between_subnets_one_reply_port_must_pass_both_nacls() {
        let mut estate = web();
        let acl_a = nacl(
            "acl-a",
            "vpc-1",
            false,
            vec![
                entry(100, true, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
                entry(
                    100,
                    false,
                    true,
                    Protocol::TCP,
                    PortSpec::Range(3000, 4000),
                    "10.0.0.0/8",
                ),
            ],
        );
        let acl_b = nacl(
            "acl-b",
            "vpc-1",
            false,
            vec![
                entry(100, false, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
                entry(
                    100,
                    true,
                    true,
                    Protocol::TCP,
                    PortSpec::Range(1024, 2000),
                    "10.0.0.0/8",
                ),
            ],
        );
        estate.network_acls.insert("acl-a", acl_a);
        estate.network_acls.insert("acl-b", acl_b);
        estate
            .network_acls
            .get_by_id_mut("acl-a")
            .unwrap()
            .subnet_ids = vec!["subnet-a".into()];
        estate
            .network_acls
            .get_by_id_mut("acl-b")
            .unwrap()
            .subnet_ids = vec!["subnet-b".into()];
        assert!(
            !web_to_db(&estate, TCP, 5432),
            "3000-4000 and 1024-2000 share no port"
        );
        estate.network_acls.get_by_id_mut("acl-b").unwrap().entries[1].ports =
            PortSpec::Range(1024, 3000);
        assert!(web_to_db(&estate, TCP, 5432), "3000 passes both");
    }

    /// web() plus vpc-2 (10.1.0.0/16) with eni-peer admitting 5432 from 10.0.0.0/8, and
    /// vpc-3 (10.2.0.0/16) peered with vpc-2 only.
    fn peered() -> Estate {
        let mut estate = web();
        estate
            .vpcs
            .insert("vpc-2", vpc("vpc-2", "10.1.0.0/16", None));
        estate
            .vpcs
            .insert("vpc-3", vpc("vpc-3", "10.2.0.0/16", None));
        let subnet_c = subnet("subnet-c", "vpc-2", "10.1.1.0/24".parse().unwrap(), None);
        let subnet_d = subnet("subnet-d", "vpc-3", "10.2.1.0/24".parse().unwrap(), None);
        let peer_group = group(
            "sg-peer",
            "vpc-2",
            vec![ingress(tcp_ports(5432, 5432), cidr("10.0.0.0/8"))],
            vec![egress_all("0.0.0.0/0")],
        );
        estate.security_groups.insert("sg-peer", peer_group);
        let c = interface("eni-c", &subnet_c, vec![ip("10.1.1.30")], &["sg-peer"]);
        let d = interface("eni-d", &subnet_d, vec![ip("10.2.1.40")], &["sg-peer"]);
        estate.interfaces.insert("eni-c", c);
        estate.interfaces.insert("eni-d", d);
        estate.subnets.insert("subnet-c", subnet_c);
        estate.subnets.insert("subnet-d", subnet_d);
        let pcx = |id: &str| RouteTarget::VpcPeering(id.to_string());
        let mut routes = local_routes();
        routes.push(cidr_route("10.1.0.0/16", pcx("pcx-12")));
        // Trying to reach vpc-3 through vpc-2: peering is not transitive.
        routes.push(cidr_route("10.2.0.0/16", pcx("pcx-12")));
        set_main_routes(&mut estate, routes);
        let mut t2 = route_table(
            "rtb-2",
            "vpc-2",
            vec![
                cidr_route("10.1.0.0/16", RouteTarget::Local),
                cidr_route("10.0.0.0/16", pcx("pcx-12")),
                cidr_route("10.2.0.0/16", pcx("pcx-23")),
            ],
        );
        t2.associations.push(main_association());
        let mut t3 = route_table(
            "rtb-3",
            "vpc-3",
            vec![
                cidr_route("10.2.0.0/16", RouteTarget::Local),
                cidr_route("10.0.0.0/8", pcx("pcx-23")),
            ],
        );
        t3.associations.push(main_association());
        estate.route_tables.insert("rtb-2", t2);
        estate.route_tables.insert("rtb-3", t3);
        estate
            .peerings
            .insert("pcx-12", peering("pcx-12", "vpc-1", "vpc-2", "active"));
        estate
            .peerings
            .insert("pcx-23", peering("pcx-23", "vpc-3", "vpc-2", "active"));
        estate
    }

    fn web_to(estate: &Estate, eni: &str, b: &str) -> bool {
        interface_to_interface(estate, "eni-web", ip("10.0.1.10"), eni, ip(b), TCP, 5432)
    }

    #[test]
    fn peering_must_be_active_and_used_both_ways() {
        let mut estate = peered();
        assert!(web_to(&estate, "eni-c", "10.1.1.30"));
        assert!(!web_to(&estate, "eni-d", "10.2.1.40"), "not transitive");
        // eni-c → eni-d over pcx-23 works (both sides route it).
        assert!(interface_to_interface(
            &estate,
            "eni-c",
            ip("10.1.1.30"),
            "eni-d",
            ip("10.2.1.40"),
            TCP,
            5432
        ));
        estate.peerings.get_by_id_mut("pcx-12").unwrap().status = "pending-acceptance".into();
        assert!(!web_to(&estate, "eni-c", "10.1.1.30"));
        let mut estate = peered();
        // The way back through another peering does not count.
        estate.route_tables.get_by_id_mut("rtb-2").unwrap().routes[1].target =
            RouteTarget::VpcPeering("pcx-23".into());
        assert!(!web_to(&estate, "eni-c", "10.1.1.30"));
        let mut estate = peered();
        estate.peerings = Default::default();
        assert!(!web_to(&estate, "eni-c", "10.1.1.30"), "missing peering");
    }

    #[test]
    fn sources_and_destinations_must_share_a_family() {
        let estate = web();
        assert!(!interface_to_interface(
            &estate,
            "eni-web",
            ip("2600:1f18:0:101::10"),
            "eni-db",
            ip("10.0.2.20"),
            TCP,
            5432
        ));
    }
}
