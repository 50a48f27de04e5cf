//! The reachability engine on hand-made fixtures (one DESIGN.md §4 point each) and on the
//! real export: exact sets, the exposure map, explain traces and the two commands.

use std::net::IpAddr;

use super::support::{estate_small, root, vpclint};
use vpclint::model::{Estate, Idx, NetworkInterface};
use vpclint::net::{AddrSet, PacketSet, Protocol};
use vpclint::reach::{internet, Endpoint, Exposure, Probe, Reach, Verdict};

fn load(case: &str) -> Estate {
    vpclint::load::load_paths(&[root().join("fixtures/reach").join(case)]).expect("fixture loads")
}

fn eni(e: &Estate, id: &str) -> Idx<NetworkInterface> {
    e.interfaces.find(id).expect("interface in fixture")
}

fn set(nets: &[&str]) -> AddrSet {
    let v: Vec<ipnet::IpNet> = nets.iter().map(|s| s.parse().expect("test CIDR")).collect();
    AddrSet::from_nets(&v)
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test ip")
}

fn world4() -> AddrSet {
    internet().intersection(&AddrSet::all_v4())
}

fn world6() -> AddrSet {
    internet().intersection(&AddrSet::all_v6())
}

fn tcp(lo: u16, hi: u16, a: AddrSet) -> PacketSet {
    PacketSet::new(Protocol::TCP, (lo, hi), a)
}

/// `(resource, kind, protocol, ports, sources, path)`: one exposure row, for exact comparisons.
type Row = (
    String,
    &'static str,
    String,
    Vec<[u16; 2]>,
    Vec<String>,
    &'static str,
);

/// `(resource, kind, protocol, ports, path)`: a row without its sources.
type Summary = (String, &'static str, String, Vec<[u16; 2]>, &'static str);

fn rows(x: &[Exposure]) -> Vec<Row> {
    x.iter()
        .map(|e| {
            (
                e.resource.clone(),
                e.kind.as_str(),
                e.protocol.to_string(),
                e.ports.to_pairs(),
                e.sources
                    .to_cidrs()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                e.path.as_str(),
            )
        })
        .collect()
}

fn world4_cidrs() -> Vec<String> {
    world4()
        .to_cidrs()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn nacl_entries_apply_in_rule_number_order() {
    let e = load("nacl-order");
    let r = Reach::new(&e);
    let got = r.internet_to_interface(eni(&e, "eni-ordered"));
    // 50 allows 22 from 1.2.3.0/24, 100 denies 22 to everyone else, 200 allows the rest.
    let want = tcp(0, 21, world4())
        .union(&tcp(23, 65535, world4()))
        .union(&tcp(22, 22, set(&["1.2.3.0/24"])));
    assert_eq!(got, want);
    assert!(got.contains(6, 22, ip("1.2.3.4")));
    assert!(!got.contains(6, 22, ip("1.2.4.4")));
    assert!(
        !got.contains(17, 80, ip("1.2.3.4")),
        "the ACL allows tcp only"
    );
}

#[test]
fn nacl_replies_need_an_ephemeral_port_out() {
    let e = load("nacl-order");
    let r = Reach::new(&e);
    assert!(r.internet_to_interface(eni(&e, "eni-noreply")).is_empty());
    // Replies allowed only to 32768-61000: one port of 1024-65535 is enough.
    assert_eq!(
        r.internet_to_interface(eni(&e, "eni-linux")),
        tcp(0, 65535, world4())
    );
}

#[test]
fn exposure_rows_of_the_ordered_acl() {
    let e = load("nacl-order");
    let x = Reach::new(&e).exposures();
    let w = world4_cidrs();
    assert_eq!(
        rows(&x),
        vec![
            (
                "eni-linux".into(),
                "network-interface",
                "tcp".into(),
                vec![[0, 65535]],
                w.clone(),
                "direct"
            ),
            (
                "eni-ordered".into(),
                "network-interface",
                "tcp".into(),
                vec![[0, 21], [23, 65535]],
                w,
                "direct"
            ),
            (
                "eni-ordered".into(),
                "network-interface",
                "tcp".into(),
                vec![[22, 22]],
                vec!["1.2.3.0/24".into()],
                "direct"
            ),
        ]
    );
    assert_eq!(x[0].address, "54.0.0.3");
}

#[test]
fn halves_udp_and_group_references() {
    let e = load("groups-and-protocols");
    let r = Reach::new(&e);
    assert_eq!(
        r.internet_to_interface(eni(&e, "eni-rdp")),
        tcp(3389, 3389, world4())
    );
    let dns = r.internet_to_interface(eni(&e, "eni-dns"));
    assert_eq!(dns, PacketSet::new(Protocol::UDP, (53, 53), world4()));
    assert!(!dns.contains(6, 53, ip("8.8.8.8")));
    // Group references never admit the internet.
    assert!(r.internet_to_interface(eni(&e, "eni-app")).is_empty());
    // ... but admit the members' private addresses.
    let from_bastion =
        r.interface_to_interface(eni(&e, "eni-bastion"), eni(&e, "eni-app"), ip("10.0.1.13"));
    assert_eq!(from_bastion, tcp(22, 22, set(&["10.0.1.12/32"])));
    let from_rdp =
        r.interface_to_interface(eni(&e, "eni-rdp"), eni(&e, "eni-app"), ip("10.0.1.13"));
    assert!(
        from_rdp.is_empty(),
        "rdp is not in the bastion group; 8080 names a missing group"
    );
    // The destination address must belong to the destination.
    assert!(r
        .interface_to_interface(eni(&e, "eni-bastion"), eni(&e, "eni-app"), ip("10.0.1.99"))
        .is_empty());
    let x = Reach::new(&e).exposures();
    let w = world4_cidrs();
    assert_eq!(
        rows(&x),
        vec![
            (
                "i-bastion".into(),
                "instance",
                "tcp".into(),
                vec![[22, 22]],
                w.clone(),
                "direct"
            ),
            (
                "i-dns".into(),
                "instance",
                "udp".into(),
                vec![[53, 53]],
                w.clone(),
                "direct"
            ),
            (
                "i-rdp".into(),
                "instance",
                "tcp".into(),
                vec![[3389, 3389]],
                w,
                "direct"
            ),
        ]
    );
    assert_eq!(x[0].interface.as_deref(), Some("eni-bastion"));
}

#[test]
fn a_narrow_igw_route_narrows_the_exposure() {
    let e = load("narrow-igw");
    let r = Reach::new(&e);
    // 1.2.3.0/24 -> igw, but the longer 1.2.3.128/25 is a blackhole.
    assert_eq!(
        r.internet_to_interface(eni(&e, "eni-narrow")),
        tcp(22, 22, set(&["1.2.3.0/25"]))
    );
}

#[test]
fn ipv6_through_an_igw_but_never_through_an_egress_only_gateway() {
    let e = load("ipv6");
    let r = Reach::new(&e);
    let vpc6 = set(&["2600:1f18:1:100::/56"]);
    assert_eq!(
        r.internet_to_interface(eni(&e, "eni-igw6")),
        tcp(443, 443, world6().difference(&vpc6)),
        "no public IPv4, so only IPv6 clients; the VPC's own block routes local"
    );
    assert!(r.internet_to_interface(eni(&e, "eni-eigw6")).is_empty());
    // The egress-only gateway still carries connections opened from inside.
    let out = r.interface_to_internet(eni(&e, "eni-eigw6"));
    assert!(out.contains(6, 443, ip("2600::1")));
    assert!(!out.contains(6, 443, ip("8.8.8.8")), "no IPv4 route out");
}

#[test]
fn nat_is_outbound_only_and_peering_is_not_transitive() {
    let e = load("nat-peering");
    let r = Reach::new(&e);
    assert!(r.exposures().is_empty());
    let private = eni(&e, "eni-private");
    assert!(r.internet_to_interface(private).is_empty());
    let out = r.interface_to_internet(private);
    assert!(
        out.contains(6, 443, ip("8.8.8.8")),
        "through the NAT gateway"
    );
    assert_eq!(
        out.addrs(),
        world4(),
        "everything but the VPC-local and peered blocks is internet anyway"
    );
    let b = eni(&e, "eni-b");
    let c = eni(&e, "eni-c");
    assert_eq!(
        r.interface_to_interface(private, b, ip("10.1.1.10")),
        tcp(22, 22, set(&["10.0.2.10/32"]))
    );
    assert!(
        r.interface_to_interface(private, c, ip("10.2.1.10"))
            .is_empty(),
        "A -> C via B is not a path"
    );
    assert_eq!(
        r.interface_to_interface(b, c, ip("10.2.1.10")),
        tcp(22, 22, set(&["10.1.1.10/32"]))
    );
}

#[test]
fn load_balancer_targets_and_bypass() {
    let e = load("lb-db");
    let x = Reach::new(&e).exposures();
    let w = world4_cidrs();
    assert_eq!(
        rows(&x),
        vec![
            (
                "i-behind".into(),
                "instance",
                "tcp".into(),
                vec![[8080, 8080]],
                w.clone(),
                "load-balancer"
            ),
            (
                "i-bypass".into(),
                "instance",
                "tcp".into(),
                vec![[8080, 8080]],
                w.clone(),
                "direct"
            ),
            (
                "i-bypass".into(),
                "instance",
                "tcp".into(),
                vec![[8080, 8080]],
                w.clone(),
                "load-balancer"
            ),
            (
                "public-db".into(),
                "database",
                "tcp".into(),
                vec![[5432, 5432]],
                w.clone(),
                "direct"
            ),
            (
                "web".into(),
                "load-balancer",
                "tcp".into(),
                vec![[80, 80]],
                w,
                "direct"
            ),
        ]
    );
    assert_eq!(x[0].via.as_deref(), Some("web"));
    assert_eq!(x[0].address, "web-1.us-east-1.elb.amazonaws.com");
    assert_eq!(x[3].address, "public-db.x.us-east-1.rds.amazonaws.com");
}

/// The ACLs between a balancer's nodes and its targets (lb-acl-legs): a target sharing a
/// subnet with one node is still behind its ACL for the other node's clients; a node's
/// subnet must let the forwarded request out and the target's reply in. Before these legs
/// were checked, i-keep, i-app and i-app2 were all reported open to every public IPv4.
#[test]
fn balancer_nodes_reach_targets_through_both_acls() {
    let e = load("lb-acl-legs");
    let x = Reach::new(&e).exposures();
    let w = world4_cidrs();
    let via = |r: &Exposure| r.via.clone().unwrap_or_default();
    assert_eq!(
        rows(&x)
            .into_iter()
            .zip(x.iter().map(via))
            .collect::<Vec<_>>(),
        vec![
            // web-a lets everyone in but refuses the forwarded request (outbound rule 90);
            // web-b admits only 5.6.7.0/24 and passes both the request and the reply.
            (
                (
                    "i-app".into(),
                    "instance",
                    "tcp".into(),
                    vec![[8080, 8080]],
                    vec!["5.6.7.0/24".to_string()],
                    "load-balancer"
                ),
                "web".to_string()
            ),
            // Through keep-a (same subnet) only 1.2.3.0/24 arrives; keep-b forwards everyone
            // with their own address, and keep-a's ACL admits only 1.2.3.0/24 of them.
            (
                (
                    "i-keep".into(),
                    "instance",
                    "tcp".into(),
                    vec![[22, 22]],
                    vec!["1.2.3.0/24".to_string()],
                    "load-balancer"
                ),
                "keep".to_string()
            ),
            // Its node shares its allow-all subnet: nothing in between.
            (
                (
                    "i-keep-b".into(),
                    "instance",
                    "tcp".into(),
                    vec![[22, 22]],
                    w.clone(),
                    "load-balancer"
                ),
                "keep".to_string()
            ),
            (
                (
                    "keep".into(),
                    "load-balancer",
                    "tcp".into(),
                    vec![[22, 22], [2222, 2222]],
                    w.clone(),
                    "direct"
                ),
                String::new()
            ),
            // The balancer itself is open; i-app2's replies never get back into its subnets.
            (
                (
                    "reply".into(),
                    "load-balancer",
                    "tcp".into(),
                    vec![[80, 80]],
                    w.clone(),
                    "direct"
                ),
                String::new()
            ),
            (
                (
                    "web".into(),
                    "load-balancer",
                    "tcp".into(),
                    vec![[80, 80]],
                    w,
                    "direct"
                ),
                String::new()
            ),
        ]
    );
}

/// lb-acl-legs with i-keep moved to the app subnet (both of keep's nodes now cross ACLs to
/// reach it), keep-b's ACL letting out the forwarded request and replies to clients on
/// 32768-65535 only, and the app subnet's ACL letting replies out on `reply_out` only.
fn preserved_reply_estate(reply_out: (u16, u16)) -> Estate {
    use super::oracle::gen::{entry, nacl};
    use vpclint::model::PortSpec;
    let mut e = load("lb-acl-legs");
    let moved: std::net::Ipv4Addr = "10.0.3.12".parse().expect("test ip");
    let keep = e
        .interfaces
        .get_by_id_mut("eni-keep")
        .expect("eni-keep in fixture");
    keep.subnet_id = "subnet-app".into();
    keep.private_ips = vec![moved];
    e.instances
        .get_by_id_mut("i-keep")
        .expect("i-keep in fixture")
        .private_ip = Some(moved);
    e.network_acls
        .get_by_id_mut("acl-default-a")
        .expect("default ACL")
        .subnet_ids
        .retain(|s| s != "subnet-keep-b" && s != "subnet-app");
    let mut node = nacl(
        "acl-node",
        "vpc-a",
        false,
        vec![
            entry(100, false, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
            entry(
                100,
                true,
                true,
                Protocol::TCP,
                PortSpec::Range(22, 22),
                "10.0.0.0/16",
            ),
            entry(
                110,
                true,
                true,
                Protocol::TCP,
                PortSpec::Range(32768, 65535),
                "0.0.0.0/0",
            ),
        ],
    );
    node.subnet_ids = vec!["subnet-keep-b".into()];
    let mut app = nacl(
        "acl-app",
        "vpc-a",
        false,
        vec![
            entry(100, false, true, Protocol::All, PortSpec::All, "0.0.0.0/0"),
            entry(
                100,
                true,
                true,
                Protocol::TCP,
                PortSpec::Range(reply_out.0, reply_out.1),
                "0.0.0.0/0",
            ),
        ],
    );
    app.subnet_ids = vec!["subnet-app".into()];
    e.network_acls.insert("acl-node", node);
    e.network_acls.insert("acl-app", app);
    e
}

/// A preserved client's reply crosses three ACLs on ONE port (the client's): out of the
/// target's subnet, into the node's, and out of the node's towards the client. Here each
/// ACL passes some ephemeral port, but the target's subnet and the node's way out share
/// none; keep-a's ACL refuses the target's reply outright. So nothing reaches i-keep —
/// until the ranges overlap.
#[test]
fn a_preserved_reply_needs_one_port_through_three_acls() {
    let keep_rows = |e: &Estate| -> Vec<Row> {
        let x = Reach::new(e).exposures();
        rows(&x).into_iter().filter(|r| r.0 == "i-keep").collect()
    };
    let disjoint = preserved_reply_estate((1024, 32767));
    assert_eq!(keep_rows(&disjoint), vec![]);
    let r = Reach::new(&disjoint);
    let keep = Endpoint::resolve(&disjoint, "keep").expect("balancer resolves");
    let t = r
        .explain(
            &Endpoint::Cidr("8.8.8.8/32".parse().expect("cidr")),
            &keep,
            Probe::new("tcp", Some(22)).expect("probe"),
        )
        .expect("explain answers");
    assert_eq!(t.verdict, Verdict::Unreachable);
    let blamed: Vec<(&str, &str)> = t
        .blocked_by
        .iter()
        .map(|b| (b.component.as_str(), b.reason.as_str()))
        .collect();
    assert_eq!(
        blamed,
        vec![(
            "subnet-app / subnet-keep-b",
            "the reply passes both subnets' ACLs only on ports that subnet-keep-b's ACL does not let out to 8.8.8.8"
        )]
    );
    let overlapping = preserved_reply_estate((1024, 65535));
    assert_eq!(
        keep_rows(&overlapping),
        vec![(
            "i-keep".into(),
            "instance",
            "tcp".into(),
            vec![[22, 22]],
            world4_cidrs(),
            "load-balancer"
        )]
    );
}

/// The real export: what DESIGN and the export say is exposed, row by row.
#[test]
fn exposure_of_the_real_export() {
    let e = vpclint::load::load_paths(&[estate_small()]).expect("export loads");
    let x = Reach::new(&e).exposures();
    let summary: Vec<Summary> = x
        .iter()
        .map(|r| {
            (
                r.resource.clone(),
                r.kind.as_str(),
                r.protocol.to_string(),
                r.ports.to_pairs(),
                r.path.as_str(),
            )
        })
        .collect();
    let row = |res: &str, kind: &'static str, p: &str, ports: Vec<[u16; 2]>, path: &'static str| {
        (res.to_string(), kind, p.to_string(), ports, path)
    };
    assert_eq!(
        summary,
        vec![
            // web-1: `web` (80/443 world); no IPv6 address, so the ::/0 rules expose nothing.
            row(
                "i-378e7c720c474fb4c",
                "instance",
                "tcp",
                vec![[80, 80], [443, 443]],
                "direct"
            ),
            row(
                "i-378e7c720c474fb4c",
                "instance",
                "tcp",
                vec![[80, 80]],
                "load-balancer"
            ),
            // web-2: `web` + `ipv6-open`, also without an IPv6 address.
            row(
                "i-3e072d6dd3f9ceda2",
                "instance",
                "tcp",
                vec![[80, 80], [443, 443]],
                "direct"
            ),
            row(
                "i-3e072d6dd3f9ceda2",
                "instance",
                "tcp",
                vec![[80, 80]],
                "load-balancer"
            ),
            // dev-box: dev-public routes 0.0.0.0/0 to dev-igw; `dev-ssh` 22.
            row(
                "i-7bb266f031167ddd8",
                "instance",
                "tcp",
                vec![[22, 22]],
                "direct"
            ),
            // bastion: `ssh-open`, and behind the NLB (no groups, client IP preserved).
            row(
                "i-ab5afa0ff874fd3af",
                "instance",
                "tcp",
                vec![[22, 22]],
                "direct"
            ),
            row(
                "i-ab5afa0ff874fd3af",
                "instance",
                "tcp",
                vec![[22, 22]],
                "load-balancer"
            ),
            // legacy-admin: `admin-wide` (tcp all; 3389 halves are inside it; udp 53; icmp all).
            row(
                "i-dee8689d048d88d9d",
                "instance",
                "icmp",
                vec![[0, 65535]],
                "direct"
            ),
            row(
                "i-dee8689d048d88d9d",
                "instance",
                "tcp",
                vec![[0, 65535]],
                "direct"
            ),
            row(
                "i-dee8689d048d88d9d",
                "instance",
                "udp",
                vec![[53, 53]],
                "direct"
            ),
            // orders-db: public, in the public subnets, `db` 5432 from 0.0.0.0/0.
            row("orders-db", "database", "tcp", vec![[5432, 5432]], "direct"),
            row("ssh-nlb", "load-balancer", "tcp", vec![[22, 22]], "direct"),
            row("web-alb", "load-balancer", "tcp", vec![[80, 80]], "direct"),
        ]
    );
    // Every source set is the whole public IPv4 internet.
    assert!(x.iter().all(|r| r.sources == world4()));
    // Not exposed: app-1 and svc-* (private subnets, NAT only), the NAT's interface (default
    // group), billing-db (not public), anything in the default VPC (no gateway) or in
    // dev-private (dev-lockdown has no entries: deny).
    for quiet in [
        "i-8adc5b4c5ab825934",
        "i-b9096294240f3fea3",
        "i-d02fa7f2b6fe70d41",
        "eni-988c19c5543337dab",
        "billing-db",
    ] {
        assert!(x.iter().all(|r| r.resource != quiet), "{quiet}");
    }
}

#[test]
fn explain_names_every_blocker() {
    let e = vpclint::load::load_paths(&[estate_small()]).expect("export loads");
    let r = Reach::new(&e);
    let app = Endpoint::resolve(&e, "app-1").expect("app-1 resolves");
    let t = r
        .explain(
            &Endpoint::Internet,
            &app,
            Probe::new("tcp", Some(22)).expect("probe"),
        )
        .expect("explain");
    assert_eq!(t.verdict, Verdict::Unreachable);
    let fixes: Vec<&str> = t.blocked_by.iter().map(|b| b.fix.as_str()).collect();
    assert_eq!(
        fixes,
        vec![
            "associate an Elastic IP (a public IPv4 address) with eni-b5fa21de0df586e76",
            "add a route 0.0.0.0/0 -> igw-96b42f1ce56706345 to rtb-df14cbc181b7cb165",
            "add an inbound rule to sg-e226c0d2c145290c5 allowing tcp/22 from 1.0.0.0/32",
        ]
    );
    assert!(t
        .hops
        .iter()
        .all(|h| h.kind == "reply" || h.location.is_some()));
}

#[test]
fn explain_follows_a_peering() {
    let e = load("nat-peering");
    let r = Reach::new(&e);
    let a = Endpoint::resolve(&e, "i-private").expect("resolves");
    let b = Endpoint::resolve(&e, "10.1.1.10").expect("resolves");
    let c = Endpoint::resolve(&e, "eni-c").expect("resolves");
    let ssh = Probe::new("tcp", Some(22)).expect("probe");
    assert_eq!(
        r.explain(&a, &b, ssh).expect("explain").verdict,
        Verdict::Reachable
    );
    let t = r.explain(&a, &c, ssh).expect("explain");
    assert_eq!(t.verdict, Verdict::Unreachable);
    assert!(
        t.blocked_by.iter().any(|x| x.reason.contains("pcx-ab")),
        "{:?}",
        t.blocked_by
    );
}

#[test]
fn endpoints_resolve_or_say_why_not() {
    let e = vpclint::load::load_paths(&[estate_small()]).expect("export loads");
    assert_eq!(
        Endpoint::resolve(&e, "internet").expect("internet"),
        Endpoint::Internet
    );
    assert!(matches!(
        Endpoint::resolve(&e, "bastion"),
        Ok(Endpoint::Interface(_))
    ));
    assert!(matches!(
        Endpoint::resolve(&e, "web-alb"),
        Ok(Endpoint::LoadBalancer(_))
    ));
    assert!(matches!(
        Endpoint::resolve(&e, "orders-db"),
        Ok(Endpoint::Database(_))
    ));
    assert!(matches!(
        Endpoint::resolve(&e, "54.214.128.202"),
        Ok(Endpoint::Interface(_))
    ));
    assert!(matches!(
        Endpoint::resolve(&e, "203.0.113.0/24"),
        Ok(Endpoint::Cidr(_))
    ));
    let err = Endpoint::resolve(&e, "web")
        .expect_err("unknown")
        .to_string();
    assert!(
        err.contains("did you mean") && err.contains("web-1") && err.contains("web-alb"),
        "{err}"
    );
}

// ---- the commands ---------------------------------------------------------------------

#[test]
fn exposure_json_matches_the_contract() {
    let run = vpclint(&["exposure", "fixtures/reach/narrow-igw", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        doc,
        serde_json::json!({"version": 1, "exposures": [{
            "resource": "i-narrow", "kind": "instance", "interface": "eni-narrow",
            "address": "54.0.0.20", "protocol": "tcp", "ports": [[22, 22]],
            "sources": ["1.2.3.0/25"], "path": "direct"}]})
    );
}

#[test]
fn exposure_csv_and_human() {
    let csv = vpclint(&["exposure", "fixtures/reach/narrow-igw", "--format", "csv"]);
    assert_eq!(
        csv.stdout,
        "resource,kind,interface,via,address,protocol,ports,sources,path\n\
         i-narrow,instance,eni-narrow,,54.0.0.20,tcp,22-22,1.2.3.0/25,direct\n"
    );
    let human = vpclint(&["exposure", "fixtures/reach/lb-db"]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("any public IPv4"), "{}", human.stdout);
    assert!(human.stdout.contains("load-balancer (web)"));
    let bad = vpclint(&["exposure", "fixtures/reach/no-such-case"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn explain_exit_codes() {
    let ok = vpclint(&[
        "explain",
        "fixtures/reach/narrow-igw",
        "--from",
        "1.2.3.4",
        "--to",
        "i-narrow",
        "--port",
        "22",
    ]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let no = vpclint(&[
        "explain",
        "fixtures/reach/narrow-igw",
        "--from",
        "1.2.3.200",
        "--to",
        "i-narrow",
        "--port",
        "22",
    ]);
    assert_eq!(no.code, 1);
    assert!(no.stdout.contains("blackhole"), "{}", no.stdout);
    let usage = vpclint(&[
        "explain",
        "fixtures/reach/narrow-igw",
        "--from",
        "internet",
        "--to",
        "nobody",
        "--port",
        "22",
    ]);
    assert_eq!(usage.code, 2);
    let no_port = vpclint(&[
        "explain",
        "fixtures/reach/narrow-igw",
        "--from",
        "internet",
        "--to",
        "i-narrow",
    ]);
    assert_eq!(no_port.code, 2);
}

#[test]
fn explain_snapshots() {
    let human = vpclint(&[
        "explain",
        "fixtures/reach/nacl-order",
        "--from",
        "internet",
        "--to",
        "eni-ordered",
        "--port",
        "22",
    ]);
    assert_eq!(human.code, 0);
    assert!(human
        .stdout
        .contains("inbound rule 50 allows tcp/22 from 1.2.3.0"));
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain_nacl_order_human", human.stdout);
    });
    let json = vpclint(&[
        "explain",
        "fixtures/reach/nacl-order",
        "--from",
        "8.8.8.8",
        "--to",
        "eni-ordered",
        "--port",
        "22",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(doc["verdict"], "unreachable");
    assert_eq!(doc["blocked_by"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["blocked_by"][0]["component"], "acl-ordered");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain_nacl_order_json", json.stdout);
    });
}

#[test]
fn interfaces_of_one_class_share_their_set_and_others_do_not() {
    let mut e = load("nacl-order");
    let base = e.interfaces.get(eni(&e, "eni-ordered")).clone();
    let mut twin = base.clone();
    twin.meta.id = "eni-twin".into();
    twin.private_ips = vec!["10.0.1.77".parse().expect("ip")];
    twin.public_ips = vec!["54.0.0.77".parse().expect("ip")];
    e.interfaces.insert("eni-twin", twin);
    let mut private = base;
    private.meta.id = "eni-private".into();
    private.public_ips.clear();
    e.interfaces.insert("eni-private", private);
    let r = Reach::new(&e);
    let a = r.internet_to_interface(eni(&e, "eni-ordered"));
    assert!(!a.is_empty());
    assert_eq!(r.internet_to_interface(eni(&e, "eni-twin")), a);
    assert!(r.internet_to_interface(eni(&e, "eni-private")).is_empty());
    let twins: Vec<String> = r
        .exposures()
        .iter()
        .filter(|x| x.resource == "eni-twin")
        .map(|x| x.address.clone())
        .collect();
    assert_eq!(
        twins,
        vec!["54.0.0.77", "54.0.0.77"],
        "same blocks, its own address"
    );
}
