//! Tests of the Terraform loader on real `terraform show -json` output (`fixtures/terraform`)
//! and one hand-written plan with modules (`fixtures/terraform/modules`, marked as such).

use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::model::{
    Direction, Estate, Peer, PortSpec, RouteDestination, RouteTarget, SecurityGroup, SgRule,
};
use crate::net::Protocol;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform")
        .join(rel)
}

/// Loads one JSON text the way the dispatcher does (kept local so these tests do not depend
/// on the dispatcher's API): register the file, split it, load what is Terraform JSON.
fn load_at(path: &Path, text: String) -> Result<Estate, LoadError> {
    let mut estate = Estate::default();
    let text: std::sync::Arc<str> = std::sync::Arc::from(text);
    let shown = path.to_string_lossy().replace('\\', "/");
    let file = estate.add_file(crate::model::SourceFile::new(
        path.to_path_buf(),
        Some(text.clone()),
    ));
    for doc in crate::load::document::Document::split(&shown, file, &text)? {
        if super::recognises(&doc) {
            super::load(&mut estate, &doc)?;
        }
    }
    Ok(estate)
}

fn load(rel: &str) -> Estate {
    let path = fixture(rel);
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    load_at(&path, text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load_str(text: &str) -> Result<Estate, LoadError> {
    load_at(Path::new("/nonexistent/bad.json"), text.to_string())
}

fn group<'e>(e: &'e Estate, name: &str) -> &'e SecurityGroup {
    e.security_groups
        .get_by_id(name)
        .unwrap_or_else(|| panic!("no group {name}"))
}

/// Rules as comparable strings: `ingress tcp port 22 from 0.0.0.0/0`.
fn rules(g: &SecurityGroup, dir: Direction) -> Vec<String> {
    let list: &[SgRule] = match dir {
        Direction::Ingress => &g.ingress,
        Direction::Egress => &g.egress,
    };
    let mut out: Vec<String> = list
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.protocol,
                r.ports.describe(),
                r.peer.describe()
            )
        })
        .collect();
    out.sort();
    out
}

fn ids<T>(arena: &crate::model::Arena<T>, meta: impl Fn(&T) -> &crate::model::Meta) -> Vec<String> {
    let mut v: Vec<String> = arena.iter().map(|x| meta(x).id.clone()).collect();
    v.sort();
    v
}

#[test]
fn web_two_tier_network_objects() {
    let e = load("web-two-tier/plan.json");
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    assert_eq!(ids(&e.vpcs, |v| &v.meta), ["aws_vpc.main"]);
    let vpc = e.vpcs.get_by_id("aws_vpc.main").unwrap();
    assert_eq!(vpc.cidrs_v4[0].to_string(), "10.20.0.0/16");
    assert_eq!(
        vpc.meta.region.as_deref(),
        Some("us-east-1"),
        "the provider's region"
    );
    // assign_generated_ipv6_cidr_block: IPv6 comes at apply, its value is unknown.
    assert_eq!(vpc.meta.unknown, ["ipv6_cidr_block"]);
    assert_eq!(
        ids(&e.subnets, |s| &s.meta),
        [
            "aws_subnet.private[0]",
            "aws_subnet.private[1]",
            "aws_subnet.public[0]",
            "aws_subnet.public[1]"
        ]
    );
    for s in e.subnets.iter() {
        assert_eq!(s.vpc_id, "aws_vpc.main");
        assert_eq!(s.meta.address.as_deref(), Some(s.meta.id.as_str()));
        let public = s.meta.id.contains("public");
        assert_eq!(s.map_public_ip_on_launch, public);
    }
    let p1 = e.subnets.get_by_id("aws_subnet.public[1]").unwrap();
    assert_eq!(p1.cidr_v4.unwrap().to_string(), "10.20.1.0/24");
    assert_eq!(p1.meta.tags.name(), Some("public-1"));

    let igw = e
        .internet_gateways
        .get_by_id("aws_internet_gateway.igw")
        .unwrap();
    assert_eq!(igw.vpc_ids, ["aws_vpc.main"]);
    let nat = e.nat_gateways.get_by_id("aws_nat_gateway.nat").unwrap();
    assert_eq!(
        (nat.subnet_id.as_str(), nat.vpc_id.as_str()),
        ("aws_subnet.public[0]", "aws_vpc.main")
    );
    assert_eq!(nat.meta.unknown, ["public_ip"]);
    assert_eq!(e.elastic_ips.len(), 1);

    // Route tables: two declared plus the VPC's main table, each with its local route.
    assert_eq!(
        ids(&e.route_tables, |t| &t.meta),
        [
            "aws_route_table.private",
            "aws_route_table.public",
            "aws_vpc.main.default_route_table_id"
        ]
    );
    let public = e.route_tables.get_by_id("aws_route_table.public").unwrap();
    let routes: Vec<(String, &RouteTarget)> = public
        .routes
        .iter()
        .map(|r| match &r.destination {
            RouteDestination::Cidr(n) => (n.to_string(), &r.target),
            RouteDestination::PrefixList(p) => (p.clone(), &r.target),
        })
        .collect();
    assert_eq!(
        routes,
        [
            ("10.20.0.0/16".to_string(), &RouteTarget::Local),
            (
                "0.0.0.0/0".to_string(),
                &RouteTarget::InternetGateway("aws_internet_gateway.igw".into())
            )
        ]
    );
    let assoc: Vec<_> = public
        .associations
        .iter()
        .filter_map(|a| a.subnet_id.clone())
        .collect();
    assert_eq!(assoc, ["aws_subnet.public[0]", "aws_subnet.public[1]"]);
    // `aws_route` lands in its table.
    let private = e.route_tables.get_by_id("aws_route_table.private").unwrap();
    assert_eq!(
        private.routes[1].target,
        RouteTarget::NatGateway("aws_nat_gateway.nat".into())
    );
    assert!(e
        .route_tables
        .get_by_id("aws_vpc.main.default_route_table_id")
        .unwrap()
        .is_main());

    // NACLs: the custom one with inline entries and the rule-50 deny; the default one
    // (synthesized) holds the subnets nobody else associates.
    let acl = e.network_acls.get_by_id("aws_network_acl.private").unwrap();
    assert_eq!(
        acl.subnet_ids,
        ["aws_subnet.private[0]", "aws_subnet.private[1]"]
    );
    let mut entries: Vec<_> = acl
        .entries
        .iter()
        .map(|x| {
            (
                x.egress,
                x.rule_number,
                x.allow,
                x.protocol,
                x.ports,
                x.cidr.to_string(),
            )
        })
        .collect();
    entries.sort_by_key(|x| (x.0, x.1));
    assert_eq!(
        entries,
        [
            (
                false,
                50,
                false,
                Protocol::TCP,
                PortSpec::Range(3389, 3389),
                "0.0.0.0/0".into()
            ),
            (
                false,
                100,
                true,
                Protocol::TCP,
                PortSpec::Range(0, 65535),
                "10.20.0.0/16".into()
            ),
            (
                false,
                200,
                true,
                Protocol::TCP,
                PortSpec::Range(1024, 65535),
                "0.0.0.0/0".into()
            ),
            // protocol -1 with ports 0/0: all traffic
            (
                true,
                100,
                true,
                Protocol::All,
                PortSpec::All,
                "0.0.0.0/0".into()
            ),
        ]
    );
    let default = e
        .network_acls
        .get_by_id("aws_vpc.main.default_network_acl_id")
        .unwrap();
    assert!(default.is_default);
    assert_eq!(
        default.subnet_ids,
        ["aws_subnet.public[0]", "aws_subnet.public[1]"]
    );
    assert_eq!(
        default.entries.len(),
        4,
        "allow all, IPv4 and IPv6, both ways"
    );
}

#[test]
fn web_two_tier_groups_and_rules() {
    let e = load("web-two-tier/plan.json");
    assert_eq!(
        ids(&e.security_groups, |g| &g.meta),
        [
            "aws_security_group.alb",
            "aws_security_group.app",
            "aws_security_group.db",
            "aws_vpc.main.default_security_group_id"
        ]
    );
    let alb = group(&e, "aws_security_group.alb");
    assert_eq!(
        rules(alb, Direction::Ingress),
        ["tcp port 80 0.0.0.0/0", "tcp port 80 ::/0"]
    );
    assert_eq!(rules(alb, Direction::Egress), ["all all ports 0.0.0.0/0"]);
    let app = group(&e, "aws_security_group.app");
    assert_eq!(
        rules(app, Direction::Ingress),
        [
            "tcp port 22 0.0.0.0/0",
            "tcp port 8000 0.0.0.0/0",
            "tcp port 8000 group aws_security_group.alb"
        ]
    );
    assert!(app.meta.unknown.is_empty(), "{:?}", app.meta.unknown);
    let db = group(&e, "aws_security_group.db");
    assert_eq!(
        rules(db, Direction::Ingress),
        ["tcp port 5432 group aws_security_group.app"]
    );
    // No `egress` block: Terraform removes AWS's default allow-all egress.
    assert!(db.egress.is_empty());
    let default = group(&e, "aws_vpc.main.default_security_group_id");
    assert!(default.is_default());
    assert_eq!(
        rules(default, Direction::Ingress),
        ["all all ports group aws_vpc.main.default_security_group_id"]
    );
    // Found by address too.
    assert!(e.security_groups.find("aws_security_group.app").is_some());
}

#[test]
fn web_two_tier_compute_and_services() {
    let e = load("web-two-tier/plan.json");
    let app1 = e.instances.get_by_id("aws_instance.app[1]").unwrap();
    assert_eq!(app1.subnet_id.as_deref(), Some("aws_subnet.public[1]"));
    assert_eq!(app1.vpc_id.as_deref(), Some("aws_vpc.main"));
    assert_eq!(app1.group_ids, ["aws_security_group.app"]);
    assert_eq!(app1.key_name.as_deref(), Some("deploy"));
    // Public subnet, no associate_public_ip_address: AWS assigns an address at launch.
    assert_eq!(app1.meta.unknown, ["public_ip"]);
    let worker = e.instances.get_by_id("aws_instance.worker").unwrap();
    assert_eq!(worker.subnet_id.as_deref(), Some("aws_subnet.private[0]"));
    assert_eq!(worker.metadata.http_tokens.as_deref(), Some("required"));
    assert!(worker.meta.unknown.is_empty());
    assert_eq!(e.instances.len(), 3);
    let eth0 = e.interfaces.get_by_id("aws_instance.app[0]/eth0").unwrap();
    assert_eq!(eth0.subnet_id, "aws_subnet.public[0]");
    assert_eq!(eth0.instance_id.as_deref(), Some("aws_instance.app[0]"));
    assert_eq!(eth0.group_ids, ["aws_security_group.app"]);
    assert_eq!(eth0.meta.unknown, ["public_ip"]);
    assert_eq!(e.interfaces.len(), 3);

    let kp = e.key_pairs.get_by_id("aws_key_pair.deploy").unwrap();
    assert_eq!(kp.name, "deploy");
    assert_eq!(kp.key_type.as_deref(), Some("ed25519"));
    assert!(kp
        .public_key
        .as_deref()
        .unwrap_or("")
        .starts_with("ssh-ed25519 "));

    let lb = e.load_balancers.get_by_id("aws_lb.web").unwrap();
    assert!(lb.is_internet_facing());
    assert_eq!(lb.lb_type, "application");
    assert_eq!(
        lb.subnet_ids,
        ["aws_subnet.public[0]", "aws_subnet.public[1]"]
    );
    assert_eq!(lb.group_ids, ["aws_security_group.alb"]);
    assert_eq!(lb.vpc_id, "aws_vpc.main");
    let l = e.listeners.get_by_id("aws_lb_listener.http").unwrap();
    assert_eq!(
        (l.port, l.protocol.as_str(), l.load_balancer_arn.as_str()),
        (80, "HTTP", "aws_lb.web")
    );
    assert_eq!(l.target_group_arns, ["aws_lb_target_group.app"]);
    let tg = e
        .target_groups
        .get_by_id("aws_lb_target_group.app")
        .unwrap();
    assert_eq!((tg.port, tg.target_type.as_str()), (Some(8000), "instance"));
    assert_eq!(tg.vpc_id.as_deref(), Some("aws_vpc.main"));
    assert_eq!(tg.load_balancer_arns, ["aws_lb.web"]);
    let targets: Vec<_> = e
        .targets
        .iter()
        .map(|t| (t.target_group_arn.as_str(), t.target_id.as_str(), t.port))
        .collect();
    assert_eq!(
        targets,
        [
            ("aws_lb_target_group.app", "aws_instance.app[0]", Some(8000)),
            ("aws_lb_target_group.app", "aws_instance.app[1]", Some(8000))
        ]
    );

    let db = e.databases.get_by_id("aws_db_instance.orders").unwrap();
    assert_eq!(
        (db.engine.as_str(), db.port),
        ("postgres", Some(5432)),
        "engine default port"
    );
    assert!(db.publicly_accessible && !db.encrypted);
    assert_eq!(db.subnet_group.as_deref(), Some("db"));
    assert_eq!(
        db.subnet_ids,
        ["aws_subnet.public[0]", "aws_subnet.public[1]"]
    );
    assert_eq!(db.group_ids, ["aws_security_group.db"]);
    assert_eq!(db.vpc_id.as_deref(), Some("aws_vpc.main"));
}

#[test]
fn locations_point_at_tf_blocks_and_json() {
    let e = load("web-two-tier/plan.json");
    let app1 = e.instances.get_by_id("aws_instance.app[1]").unwrap();
    let loc = e.location(&app1.meta.source);
    assert!(loc.file.ends_with("web-two-tier/main.tf"), "{loc:?}");
    assert_eq!(loc.line, Some(198));
    // Rules, entries and routes point at their resource's block: the group's for inline
    // rules, their own for standalone rule, entry and route resources (a JSON place would be
    // `plan.json:1`: the real plan is one line).
    let app = group(&e, "aws_security_group.app");
    let mut lines: Vec<Option<u32>> = app
        .ingress
        .iter()
        .map(|r| {
            let loc = e.location(&r.source);
            assert!(loc.file.ends_with("web-two-tier/main.tf"), "{loc:?}");
            loc.line
        })
        .collect();
    lines.dedup();
    assert_eq!(
        lines,
        [Some(147), Some(172)],
        "inline rules, then app_direct_8000"
    );
    let acl = e.network_acls.get_by_id("aws_network_acl.private").unwrap();
    let entry_lines: std::collections::BTreeSet<Option<u32>> = acl
        .entries
        .iter()
        .map(|x| e.location(&x.source).line)
        .collect();
    assert!(entry_lines.contains(&Some(88)) && entry_lines.contains(&Some(117)));
    let routes: Vec<Option<u32>> = e
        .route_tables
        .iter()
        .flat_map(|t| t.routes.iter())
        .filter(|r| e.location(&r.source).file.ends_with("main.tf"))
        .map(|r| e.location(&r.source).line)
        .collect();
    assert!(routes.contains(&Some(70)), "{routes:?}");
    // Without .tf files beside the JSON, objects point into the JSON.
    let text = std::fs::read_to_string(fixture("web-two-tier/plan.json")).unwrap();
    let e = load_str(&text).unwrap();
    let vpc = e.vpcs.get_by_id("aws_vpc.main").unwrap();
    let loc = e.location(&vpc.meta.source);
    assert_eq!(loc.file, "/nonexistent/bad.json");
    assert!(loc
        .pointer
        .unwrap()
        .starts_with("/planned_values/root_module/resources/"));
}

#[test]
fn source_dir_option_finds_tf_files() {
    let path = fixture("web-two-tier/plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut e = Estate::default();
    let file = e.add_file(crate::model::SourceFile::new(
        "elsewhere/plan.json".into(),
        Some(text.clone().into()),
    ));
    let docs = crate::load::document::Document::split("elsewhere/plan.json", file, &text).unwrap();
    let opts = super::LoadOptions {
        source_dir: Some(fixture("web-two-tier")),
    };
    super::load_with(&mut e, &docs[0], &opts).unwrap();
    let db = e.databases.get_by_id("aws_db_instance.orders").unwrap();
    let loc = e.location(&db.meta.source);
    assert!(loc.file.ends_with("web-two-tier/main.tf"));
    assert_eq!(loc.line, Some(256));
}

#[test]
fn sensitive_values_never_reach_the_model() {
    for f in [
        "web-two-tier/plan.json",
        "small/plan.json",
        "applied-then-changed/state.json",
        "applied-then-changed/plan-v2.json",
    ] {
        let mut e = load(f);
        // The input texts are kept for line lookups; every loaded object must be clean.
        e.files.clear();
        let dump = format!("{e:?}");
        assert!(!dump.contains("not-a-real-password"), "{f}");
    }
}

#[test]
fn small_plan_standalone_rules_with_null_prefix_lists() {
    let e = load("small/plan.json");
    // Both `aws_security_group_rule`s have `prefix_list_ids = null` and still load.
    let db = group(&e, "aws_security_group.db");
    assert_eq!(
        rules(db, Direction::Ingress),
        [
            "tcp all ports 0.0.0.0/0",
            "tcp port 5432 group aws_security_group.ssh_open"
        ]
    );
    let ssh = group(&e, "aws_security_group.ssh_open");
    assert_eq!(
        rules(ssh, Direction::Ingress),
        ["tcp port 22 0.0.0.0/0", "tcp port 3389 ::/0"]
    );
    // protocol -1, ports 0/0: all traffic.
    let all = &ssh.egress[0];
    assert_eq!((all.protocol, all.ports), (Protocol::All, PortSpec::All));
    let acl = e.network_acls.get_by_id("aws_network_acl.main").unwrap();
    let all_in = acl.entries.iter().find(|x| x.rule_number == 200).unwrap();
    assert_eq!(
        (all_in.protocol, all_in.ports),
        (Protocol::All, PortSpec::All)
    );
    let web = e.instances.get_by_id("aws_instance.web").unwrap();
    assert_eq!(
        web.meta.unknown,
        ["public_ip"],
        "associate_public_ip_address = true"
    );
    assert_eq!(
        e.databases
            .get_by_id("aws_db_instance.pg")
            .unwrap()
            .subnet_ids
            .len(),
        2
    );
}

#[test]
fn state_has_real_ids_and_addresses_find_them() {
    let e = load("applied-then-changed/state.json");
    let public = e.subnets.get_by_id("aws_subnet.public").unwrap();
    assert_eq!(public.meta.id, "subnet-cd6b5a8602ba755d5");
    assert_eq!(public.meta.address.as_deref(), Some("aws_subnet.public"));
    assert_eq!(
        public.meta.region.as_deref(),
        Some("us-east-1"),
        "from the ARN"
    );
    assert_eq!(public.vpc_id, "vpc-b0c81d29967079926");
    let web = e.instances.get_by_id("aws_instance.web").unwrap();
    assert_eq!(web.meta.id, "i-ccda7970645202884");
    assert_eq!(web.subnet_id.as_deref(), Some("subnet-cd6b5a8602ba755d5"));
    assert!(web.meta.unknown.is_empty());
    // The state lists the standalone rules inside the group too: one copy each.
    let db = group(&e, "sg-a238316434cbc8cfe");
    assert_eq!(
        rules(db, Direction::Ingress),
        [
            "tcp all ports 0.0.0.0/0",
            "tcp port 5432 group sg-da8f1700236d1b242"
        ]
    );
    // The VPC's defaults carry their real ids.
    assert!(e
        .security_groups
        .get_by_id("sg-1243c5c67e5bf5f19")
        .unwrap()
        .is_default());
    assert!(
        e.network_acls
            .get_by_id("acl-8c7938d2660261058")
            .unwrap()
            .is_default
    );
    assert!(e
        .route_tables
        .get_by_id("rtb-b3e2ea7eb694d547f")
        .unwrap()
        .is_main());
    // Rules of existing defaults Terraform does not manage are assumed, and say so.
    let default = group(&e, "sg-1243c5c67e5bf5f19");
    assert_eq!(default.meta.unknown, ["ingress", "egress"]);
    let unknown: usize = e.security_groups.iter().map(|g| g.meta.unknown.len()).sum();
    assert_eq!(unknown, 2);
}

#[test]
fn plan_v2_reads_what_exists_after_apply() {
    let e = load("applied-then-changed/plan-v2.json");
    let db = group(&e, "sg-a238316434cbc8cfe");
    // db_from_app is deleted, db_world replaced (0-65535 -> 5432): only the new rule.
    assert_eq!(rules(db, Direction::Ingress), ["tcp port 5432 0.0.0.0/0"]);
    // update: SSH narrowed.
    let ssh = group(&e, "aws_security_group.ssh_open");
    assert_eq!(ssh.meta.id, "sg-da8f1700236d1b242");
    assert_eq!(
        rules(ssh, Direction::Ingress),
        ["tcp port 22 203.0.113.0/24", "tcp port 3389 ::/0"]
    );
    // create: a new group links to the existing VPC by its real id.
    let mon = group(&e, "aws_security_group.monitoring");
    assert_eq!(mon.meta.id, "aws_security_group.monitoring");
    assert_eq!(mon.vpc_id, "vpc-b0c81d29967079926");
    assert_eq!(
        rules(mon, Direction::Ingress),
        ["tcp port 9100 10.0.0.0/16"]
    );
    assert!(mon.egress.is_empty());
    assert_eq!(e.security_groups.len(), 4);
    let web = e.instances.get_by_id("aws_instance.web").unwrap();
    assert_eq!(web.group_ids, ["sg-da8f1700236d1b242"]);
}

#[test]
fn modules_for_each_and_unknown_values() {
    let e = load("modules/plan.json");
    // Resources in a child module link inside it …
    let a = e
        .subnets
        .get_by_id(r#"module.net.aws_subnet.public["a"]"#)
        .unwrap();
    assert_eq!(a.vpc_id, "module.net.aws_vpc.this");
    // … a root resource reads a child's output …
    let web = group(&e, "aws_security_group.web");
    assert_eq!(web.vpc_id, "module.net.aws_vpc.this");
    // … and a module's variable reads the parent's argument, itself another module's output.
    let app = group(&e, "module.app.aws_security_group.app");
    assert_eq!(app.vpc_id, "module.net.aws_vpc.this");
    let lb = e.load_balancers.get_by_id("module.app.aws_lb.app").unwrap();
    assert_eq!(
        lb.subnet_ids,
        [
            r#"module.net.aws_subnet.public["a"]"#,
            r#"module.net.aws_subnet.public["b"]"#
        ]
    );
    assert_eq!(lb.group_ids, ["module.app.aws_security_group.app"]);
    // An output naming one instance (`aws_subnet.public["a"].id`).
    let b = e.instances.get_by_id(r#"aws_instance.web["b"]"#).unwrap();
    assert_eq!(
        b.subnet_id.as_deref(),
        Some(r#"module.net.aws_subnet.public["a"]"#)
    );
    // for_each keys line up: `aws_instance.web[each.key]`, `aws_subnet.public[each.key]`.
    let eip = e.elastic_ips.get_by_id(r#"aws_eip.web["b"]"#).unwrap();
    assert_eq!(eip.instance_id.as_deref(), Some(r#"aws_instance.web["b"]"#));
    assert_eq!(
        eip.interface_id.as_deref(),
        Some(r#"aws_instance.web["b"]/eth0"#)
    );
    let rt = e
        .route_tables
        .get_by_id("module.net.aws_route_table.public")
        .unwrap();
    let assoc: Vec<_> = rt
        .associations
        .iter()
        .filter_map(|x| x.subnet_id.clone())
        .collect();
    assert_eq!(
        assoc,
        [
            r#"module.net.aws_subnet.public["a"]"#,
            r#"module.net.aws_subnet.public["b"]"#
        ]
    );
    assert_eq!(
        rt.routes[1].target,
        RouteTarget::InternetGateway("module.net.aws_internet_gateway.igw".into())
    );

    // `self = true` with `cidr_blocks = ["0.0.0.0/0"]` in one block: both peers.
    let https: Vec<&Peer> = web
        .ingress
        .iter()
        .filter(|r| r.ports == PortSpec::Range(443, 443))
        .map(|r| &r.peer)
        .collect();
    assert_eq!(https.len(), 2);
    assert!(https.iter().any(
        |p| matches!(p, Peer::Group { group_id, .. } if group_id == "aws_security_group.web")
    ));
    assert!(https.iter().any(|p| p.describe() == "0.0.0.0/0"));
    // `-1` without meaningful ports: all traffic.
    assert!(web.ingress.iter().any(|r| r.protocol == Protocol::All
        && r.ports == PortSpec::All
        && r.peer.describe() == "10.30.0.0/16"));
    // An unknown CIDR (an elastic IP's address) is read as the world, and recorded.
    assert!(web
        .ingress
        .iter()
        .any(|r| r.ports == PortSpec::Range(8443, 8443) && r.peer.describe() == "0.0.0.0/0"));
    assert_eq!(
        web.meta.unknown,
        ["aws_security_group_rule.https_from_eip.cidr_blocks"]
    );

    // Locations in a local module's own .tf file.
    let loc = e.location(&a.meta.source);
    assert!(loc.file.ends_with("modules/net/main.tf"), "{loc:?}");
    assert_eq!(loc.line, Some(8));
    // Unsupported types: one warning with counts.
    assert_eq!(e.warnings.len(), 1);
    assert!(e.warnings[0].message.contains("aws_sns_topic (1)"));
}

/// A minimal plan around one resource's values, for error cases.
fn plan_with(kind: &str, values: &str) -> String {
    format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[
{{"address":"{kind}.x","mode":"managed","type":"{kind}","name":"x","values":{values}}}]}}}}}}"#
    )
}

#[test]
fn wrong_types_are_errors_with_file_and_pointer() {
    let cases = [
        (
            "aws_subnet",
            r#"{"cidr_block":"10.0.0.0/33"}"#,
            "/planned_values/root_module/resources/0/values/cidr_block",
        ),
        (
            "aws_security_group",
            r#"{"ingress":"oops"}"#,
            "/planned_values/root_module/resources/0/values/ingress",
        ),
        (
            "aws_security_group",
            r#"{"ingress":[{"protocol":"tcp","from_port":"x"}]}"#,
            "/planned_values/root_module/resources/0/values/ingress/0/from_port",
        ),
        (
            "aws_network_acl",
            r#"{"ingress":[{"rule_no":100,"action":"maybe","protocol":"-1"}]}"#,
            "/planned_values/root_module/resources/0/values/ingress/0/action",
        ),
        (
            "aws_instance",
            r#"{"vpc_security_group_ids":[1]}"#,
            "/planned_values/root_module/resources/0/values/vpc_security_group_ids/0",
        ),
        (
            "aws_security_group_rule",
            r#"{"type":"sideways"}"#,
            "/planned_values/root_module/resources/0/values/type",
        ),
        (
            "aws_lb_listener",
            r#"{"port":70000}"#,
            "/planned_values/root_module/resources/0/values/port",
        ),
    ];
    for (kind, values, pointer) in cases {
        let err = load_str(&plan_with(kind, values))
            .err()
            .unwrap_or_else(|| panic!("{kind} {values} loaded"));
        let msg = err.to_string();
        assert!(msg.starts_with("/nonexistent/bad.json:"), "{msg}");
        assert!(msg.contains(&format!("(at {pointer})")), "{msg}");
    }
    // Structure of the wrong type: serde's error, at the member's line and column.
    let err =
        load_str(r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":{}}}}"#)
            .unwrap_err();
    assert!(err.to_string().contains("(at /planned_values)"), "{err}");
    let err = load_str(
        r#"{"format_version":"1.2","planned_values":{},"resource_changes":[{"address":1}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("(at /resource_changes)"), "{err}");
}

#[test]
fn recognises_plans_and_states_only() {
    let recognised = |text: &str| {
        let docs = crate::load::document::Document::split("x.json", crate::model::FileIx(0), text)
            .unwrap();
        super::recognises(&docs[0])
    };
    assert!(recognised(
        r#"{"format_version":"1.0","values":{"root_module":{}}}"#
    ));
    assert!(recognised(
        r#"{"format_version":"1.2","planned_values":{}}"#
    ));
    assert!(recognised(r#"{"format_version":"1.2","configuration":{}}"#));
    assert!(!recognised(
        r#"{"format_version":"1.0","values":{"outputs":{}}}"#
    ));
    assert!(!recognised(r#"{"Vpcs":[]}"#));
}

#[test]
fn kinds_missing_from_the_real_plans() {
    // Hand-written state (fixtures/terraform/kinds, marked in the README).
    let e = load("kinds/state.json");
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    let vpc = e.vpcs.get_by_id("vpc-1").unwrap();
    assert_eq!(vpc.cidrs_v6[0].to_string(), "2600:1f18:abc:de00::/56");
    assert_eq!(vpc.meta.tags.get("env"), Some("test"), "tags_all");
    assert_eq!(vpc.meta.owner_id.as_deref(), Some("123456789012"));
    let eigw = e.egress_only_gateways.get_by_id("eigw-1").unwrap();
    assert_eq!(eigw.vpc_ids, ["vpc-1"]);

    // aws_default_route_table adopted the main table; aws_main_route_table_association
    // then moved "main" to rtb-pub. No synthesized table.
    assert_eq!(ids(&e.route_tables, |t| &t.meta), ["rtb-main", "rtb-pub"]);
    let main = e.route_tables.get_by_id("rtb-main").unwrap();
    assert!(!main.is_main());
    assert_eq!(main.routes.len(), 3, "local v4, local v6, ::/0 via eigw");
    assert_eq!(
        main.routes[2].target,
        RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
    );
    let public = e.route_tables.get_by_id("rtb-pub").unwrap();
    assert!(public.is_main());
    assert!(public
        .associations
        .iter()
        .any(|a| a.subnet_id.as_deref() == Some("subnet-b")));
    let v6: Vec<_> = public.routes.iter().map(|r| &r.target).collect();
    assert_eq!(
        v6,
        [
            &RouteTarget::Local,
            &RouteTarget::Local,
            &RouteTarget::InternetGateway("igw-1".into()),
            &RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
        ]
    );

    // NACLs: the adopted default (ICMP echo, an IPv6 deny) and an association moving subnet-b.
    let def = e.network_acls.get_by_id("acl-def").unwrap();
    assert!(def.is_default);
    assert_eq!(def.subnet_ids, ["subnet-a"]);
    let icmp = def
        .entries
        .iter()
        .find(|x| x.rule_number == 100 && !x.egress)
        .unwrap();
    assert_eq!(
        (icmp.protocol, icmp.ports),
        (
            Protocol::ICMP,
            PortSpec::Icmp {
                icmp_type: Some(8),
                code: Some(0)
            }
        )
    );
    let deny = def.entries.iter().find(|x| x.rule_number == 110).unwrap();
    assert!(!deny.allow && deny.cidr.to_string() == "::/0");
    assert_eq!(
        e.network_acls.get_by_id("acl-b").unwrap().subnet_ids,
        ["subnet-b"]
    );
    assert_eq!(e.network_acls.len(), 2);

    // Groups: the adopted default has no rules; provider-5 rule resources attach.
    let default = group(&e, "sg-def");
    assert!(default.is_default() && default.ingress.is_empty() && default.egress.is_empty());
    let web = group(&e, "sg-web");
    assert_eq!(rules(web, Direction::Ingress), ["all all ports ::/0"]);
    assert_eq!(rules(web, Direction::Egress), ["tcp port 5432 group sg-db"]);
    assert_eq!(web.ingress[0].rule_id.as_deref(), Some("sgr-1"));
    let db = group(&e, "sg-db");
    assert_eq!(
        db.ingress[0].ports,
        PortSpec::Icmp {
            icmp_type: Some(8),
            code: None
        }
    );

    // Launch template settings fill what the instance leaves unset.
    let lt = e.instances.get_by_id("i-lt").unwrap();
    assert_eq!(lt.subnet_id.as_deref(), Some("subnet-a"));
    assert_eq!(lt.group_ids, ["sg-web"]);
    assert_eq!(lt.key_name.as_deref(), Some("ops"));
    assert_eq!(lt.metadata.http_tokens.as_deref(), Some("optional"));
    let eth0 = e.interfaces.get_by_id("i-lt/eth0").unwrap();
    assert_eq!(eth0.public_ips[0].to_string(), "54.1.2.3");
    assert_eq!(eth0.ipv6_addresses[0].to_string(), "2600:1f18:abc:de01::10");
    let extra = e.interfaces.get_by_id("eni-1").unwrap();
    assert_eq!(extra.instance_id.as_deref(), Some("i-lt"));
    assert_eq!(
        (extra.vpc_id.as_str(), extra.group_ids.as_slice()),
        ("vpc-1", &["sg-web".to_string()][..])
    );
    // Group names resolve to ids; no group at all means the VPC's default group.
    assert_eq!(e.instances.get_by_id("i-c").unwrap().group_ids, ["sg-web"]);
    let nogroup = e.instances.get_by_id("i-n").unwrap();
    assert_eq!(nogroup.group_ids, ["sg-def"]);
    assert!(!nogroup.is_live());
    assert_eq!(
        e.interfaces.get_by_id("i-n/eth0").unwrap().group_ids,
        ["sg-def"]
    );
    // aws_eip_association: the address lands on the instance's interface.
    assert_eq!(
        e.interfaces.get_by_id("i-c/eth0").unwrap().public_ips[0].to_string(),
        "198.51.100.7"
    );
    let nat = e.nat_gateways.get_by_id("nat-1").unwrap();
    assert_eq!(
        (nat.connectivity.as_str(), nat.private_ips[0].to_string()),
        ("private", "10.40.1.5".to_string())
    );

    // aws_alb (network, internal, subnet_mapping), weighted forward, an IP target.
    let lb = e.load_balancers.iter().next().unwrap();
    assert_eq!(
        (lb.scheme.as_str(), lb.lb_type.as_str()),
        ("internal", "network")
    );
    assert_eq!(lb.subnet_ids, ["subnet-a"]);
    let l = e.listeners.iter().next().unwrap();
    assert_eq!(l.target_group_arns.len(), 1);
    assert_eq!((l.port, l.protocol.as_str()), (22, "TCP"));
    let tg = e.target_groups.iter().next().unwrap();
    assert_eq!(
        (tg.target_type.as_str(), tg.preserve_client_ip),
        ("ip", Some(true))
    );
    assert_eq!(tg.load_balancer_arns, std::slice::from_ref(&lb.meta.id));
    assert_eq!(e.targets[0].target_id, "10.40.1.30");

    let db = e.databases.get_by_id("billing").unwrap();
    assert_eq!(
        (
            db.engine.as_str(),
            db.port,
            db.encrypted,
            db.publicly_accessible
        ),
        ("mysql", Some(3306), true, false)
    );
    assert_eq!(db.subnet_ids, ["subnet-a", "subnet-b"]);
    assert_eq!(db.endpoint.as_deref(), Some("billing.example"));
    let kp = e.key_pairs.get_by_id("key-1").unwrap();
    assert_eq!(
        (kp.name.as_str(), kp.key_type.as_deref()),
        ("ops", Some("rsa"))
    );
    assert!(e.key_pairs.find("aws_key_pair.ops").is_some());
}

/// The web-two-tier plan wrapped `n` times in a module called with `for_each`
/// (`module.env["e0"]`, …), built from the real plan; also used to time big plans.
fn wrapped_web_two_tier(n: usize) -> String {
    use serde_json::{json, Value};
    let text = std::fs::read_to_string(fixture("web-two-tier/plan.json")).expect("fixture");
    let plan: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let prefix = |v: &Value, m: &str| -> Value {
        let mut v = v.clone();
        let address = format!("{m}.{}", v["address"].as_str().unwrap_or_default());
        v["address"] = Value::String(address);
        v
    };
    let mut children = Vec::new();
    let mut all_changes = Vec::new();
    for i in 0..n {
        let m = format!("module.env[\"e{i}\"]");
        let rs: Vec<Value> = resources.iter().map(|r| prefix(r, &m)).collect();
        children.push(json!({"address": m, "resources": rs}));
        all_changes.extend(changes.iter().map(|c| prefix(c, &m)));
    }
    json!({
        "format_version": plan["format_version"],
        "planned_values": {"root_module": {"child_modules": children}},
        "resource_changes": all_changes,
        "configuration": {"root_module": {"module_calls": {"env": {
            "source": "./env",
            "module": plan["configuration"]["root_module"]
        }}}}
    })
    .to_string()
}

#[test]
fn module_instances_keep_their_own_links() {
    let e = load_str(&wrapped_web_two_tier(2)).unwrap();
    assert_eq!(e.subnets.len(), 8);
    assert_eq!(e.security_groups.len(), 8);
    let app = e
        .instances
        .get_by_id(r#"module.env["e1"].aws_instance.app[1]"#)
        .unwrap();
    assert_eq!(
        app.subnet_id.as_deref(),
        Some(r#"module.env["e1"].aws_subnet.public[1]"#)
    );
    assert_eq!(
        app.group_ids,
        [r#"module.env["e1"].aws_security_group.app"#]
    );
    let app_sg = group(&e, r#"module.env["e0"].aws_security_group.app"#);
    assert!(app_sg
        .ingress
        .iter()
        .any(|r| r.peer.describe() == r#"group module.env["e0"].aws_security_group.alb"#));
}

#[test]
fn wrong_types_anywhere_never_panic() {
    use serde_json::Value;
    let text = std::fs::read_to_string(fixture("small/plan.json")).expect("fixture");
    let plan: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let count = plan["planned_values"]["root_module"]["resources"]
        .as_array()
        .map_or(0, Vec::len);
    let wrong = [
        Value::from(7),
        Value::from("x"),
        serde_json::json!([1, {}]),
        serde_json::json!({"a": 1}),
    ];
    let mut errors = 0;
    for i in 0..count {
        let keys: Vec<String> = plan["planned_values"]["root_module"]["resources"][i]["values"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for key in keys {
            for w in &wrong {
                let mut p = plan.clone();
                p["planned_values"]["root_module"]["resources"][i]["values"][&key] = w.clone();
                // Either loads (the value is not read, or reads as a string) or names its place.
                if let Err(e) = load_str(&p.to_string()) {
                    errors += 1;
                    assert!(
                        e.to_string()
                            .contains("(at /planned_values/root_module/resources/"),
                        "{e}"
                    );
                }
            }
        }
    }
    assert!(errors > 50, "{errors}");
}

#[test]
fn partly_unknown_lists_keep_known_and_referenced_ids() {
    // `vpc_security_group_ids = [aws_security_group.a.id, "sg-123"]` before apply.
    let plan = r#"{"format_version":"1.2",
      "planned_values":{"root_module":{"resources":[
        {"address":"aws_security_group.a","mode":"managed","type":"aws_security_group","name":"a",
         "values":{"name":"a","ingress":[],"egress":[]}},
        {"address":"aws_instance.i","mode":"managed","type":"aws_instance","name":"i",
         "values":{"vpc_security_group_ids":[null,"sg-123"]}}]}},
      "resource_changes":[
        {"address":"aws_security_group.a","change":{"actions":["create"],"after_unknown":{"id":true}}},
        {"address":"aws_instance.i","change":{"actions":["create"],
         "after_unknown":{"id":true,"vpc_security_group_ids":[true,false]}}}],
      "configuration":{"root_module":{"resources":[
        {"address":"aws_security_group.a","mode":"managed","type":"aws_security_group","name":"a","expressions":{}},
        {"address":"aws_instance.i","mode":"managed","type":"aws_instance","name":"i",
         "expressions":{"vpc_security_group_ids":{"references":["aws_security_group.a.id","aws_security_group.a"]}}}]}}}"#;
    let e = load_str(plan).unwrap();
    let i = e.instances.get_by_id("aws_instance.i").unwrap();
    assert_eq!(i.group_ids, ["sg-123", "aws_security_group.a"]);
    assert!(i.meta.unknown.is_empty());
}

#[test]
fn unknown_nacl_numbers_and_actions_are_not_errors() {
    let plan = r#"{"format_version":"1.2",
      "planned_values":{"root_module":{"resources":[
        {"address":"aws_network_acl.n","mode":"managed","type":"aws_network_acl","name":"n",
         "values":{"ingress":[{"protocol":"tcp","from_port":22,"to_port":22}],"egress":[]}}]}},
      "resource_changes":[{"address":"aws_network_acl.n","change":{"actions":["create"],
        "after_unknown":{"id":true,"ingress":[{"rule_no":true,"action":true,"cidr_block":true}]}}}]}"#;
    let e = load_str(plan).unwrap();
    let acl = e.network_acls.get_by_id("aws_network_acl.n").unwrap();
    assert_eq!(acl.entries.len(), 1);
    let x = &acl.entries[0];
    assert_eq!(
        (x.rule_number, x.allow, x.cidr.to_string()),
        (1, true, "0.0.0.0/0".to_string())
    );
    assert_eq!(
        acl.meta.unknown,
        [
            "ingress[0].action",
            "ingress[0].rule_no",
            "ingress[0].cidr_block"
        ]
    );
}

/// `security_group_id = aws_security_group.tier[local.rules[count.index].tier].id`: the plan
/// cannot say which tier each rule joins, so the rules go to one stand-in group that every
/// member of any tier also belongs to, and one warning says so. Before, every such rule
/// silently landed on `tier[0]`.
#[test]
fn computed_keys_go_to_a_stand_in_group() {
    let mut resources = vec![serde_json::json!({"address":"aws_vpc.v","mode":"managed",
        "type":"aws_vpc","name":"v","values":{"cidr_block":"10.0.0.0/16"}})];
    let mut changes = vec![serde_json::json!({"address":"aws_vpc.v",
        "change":{"actions":["create"],"after_unknown":{"id":true}}})];
    let mut add =
        |kind: &str, name: &str, i: usize, values: serde_json::Value, unknown: &[&str]| {
            let address = format!("{kind}.{name}[{i}]");
            resources.push(
                serde_json::json!({"address": address, "mode":"managed","type":kind,
            "name":name,"index":i,"values":values}),
            );
            let after: serde_json::Map<String, serde_json::Value> = unknown
                .iter()
                .map(|u| (u.to_string(), serde_json::Value::Bool(true)))
                .collect();
            changes.push(serde_json::json!({"address": address,
            "change":{"actions":["create"],"after_unknown":after}}));
        };
    for i in 0..3 {
        let values = serde_json::json!({"name": format!("tier{i}"), "ingress": [], "egress": [],
            "tags": {"team": "web", "tier": format!("t{i}")}});
        add("aws_security_group", "tier", i, values, &["id", "vpc_id"]);
        let values = serde_json::json!({"private_ip": format!("10.0.1.{}", 10 + i)});
        add(
            "aws_instance",
            "app",
            i,
            values,
            &["id", "vpc_security_group_ids"],
        );
    }
    // Three rules, two of them alike: from different resources they are different rules
    // (for different tiers, perhaps), so both stay and neither is "redundant".
    for (i, port) in [22, 3389, 22].into_iter().enumerate() {
        let values = serde_json::json!({"type":"ingress","protocol":"tcp","from_port":port,
            "to_port":port,"cidr_blocks":["0.0.0.0/0"]});
        add(
            "aws_security_group_rule",
            "r",
            i,
            values,
            &["id", "security_group_id"],
        );
    }
    // An interface whose group list picks a tier by a local: in every tier and the stand-in.
    add(
        "aws_network_interface",
        "x",
        0,
        serde_json::json!({"private_ip": "10.0.1.99"}),
        &["id", "security_groups"],
    );
    let refs = |r: &[&str]| serde_json::json!({ "references": r });
    let plan = serde_json::json!({"format_version":"1.2",
        "planned_values":{"root_module":{"resources":resources}},
        "resource_changes":changes,
        "configuration":{"root_module":{"resources":[
            {"address":"aws_vpc.v","expressions":{}},
            {"address":"aws_security_group.tier","expressions":{
                "vpc_id": refs(&["aws_vpc.v.id", "aws_vpc.v"])}},
            {"address":"aws_instance.app","expressions":{
                "vpc_security_group_ids": refs(&["aws_security_group.tier", "count.index"])}},
            {"address":"aws_security_group_rule.r","expressions":{
                "security_group_id": refs(&["aws_security_group.tier", "local.rules", "count.index"])}},
            {"address":"aws_network_interface.x","expressions":{
                "security_groups": refs(&["aws_security_group.tier", "local.pick", "count.index"])}}]}}});
    let e = load_str(&plan.to_string()).unwrap();
    let stand_in = "aws_security_group.tier[?]";
    assert_eq!(
        rules(group(&e, stand_in), Direction::Ingress),
        [
            "tcp port 22 0.0.0.0/0",
            "tcp port 22 0.0.0.0/0",
            "tcp port 3389 0.0.0.0/0"
        ]
    );
    // The tags every tier has carry over (tag suppressions keep working); the others not.
    let tags: Vec<(&str, &str)> = group(&e, stand_in)
        .meta
        .tags
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(tags, [("team", "web")]);
    // Judged as a group of rules, the stand-in is neither unused nor redundant; rule-level
    // findings come once per rule.
    let catalog = crate::rules::load_catalog(&[]).expect("catalog");
    let findings = crate::rules::run(&catalog, &e, &crate::rules::EvalContext::default());
    let mut on_stand_in: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.resource == stand_in)
        .map(|f| (f.name.as_str(), f.severity.as_str()))
        .collect();
    on_stand_in.sort();
    assert_eq!(
        on_stand_in,
        [
            ("rdp-open-to-internet", "high"),
            ("security-group-rule-missing-description", "low"),
            ("security-group-rule-missing-description", "low"),
            ("security-group-rule-missing-description", "low"),
            // Group-level: one finding per group and port, as for any group.
            ("ssh-open-to-internet", "high"),
        ]
    );
    assert_eq!(group(&e, stand_in).vpc_id, "aws_vpc.v");
    for i in 0..3 {
        let tier = format!("aws_security_group.tier[{i}]");
        assert!(
            rules(group(&e, &tier), Direction::Ingress).is_empty(),
            "{tier}"
        );
        let app = e
            .instances
            .get_by_id(&format!("aws_instance.app[{i}]"))
            .unwrap();
        assert_eq!(app.group_ids, [tier.as_str(), stand_in]);
    }
    let x = e
        .interfaces
        .get_by_id("aws_network_interface.x[0]")
        .unwrap();
    let mut in_groups = x.group_ids.clone();
    in_groups.sort();
    assert_eq!(
        in_groups,
        [
            "aws_security_group.tier[0]",
            "aws_security_group.tier[1]",
            "aws_security_group.tier[2]",
            stand_in
        ]
    );
    let warned: Vec<&str> = e.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with(
            "aws_network_interface.x, aws_security_group_rule.r: an id attribute names one of the 3 instances of \
             aws_security_group.tier"
        ),
        "{}",
        warned[0]
    );
}

/// Keys the plan cannot settle, for links that have no stand-in: a balancer whose
/// `subnet_mapping` picks subnets by locals keeps every candidate (it lives in several
/// subnets anyway); `subnet_id = each.value.id` with `for_each = aws_subnet.s` is the subnet
/// with the same key; an id through a module output of a counted resource is "one of" them.
#[test]
fn unsettled_keys_keep_every_candidate_or_follow_for_each() {
    let plan = r#"{"format_version":"1.2",
      "planned_values":{"root_module":{"resources":[
        {"address":"aws_subnet.s[0]","mode":"managed","type":"aws_subnet","name":"s","index":0,
         "values":{"cidr_block":"10.0.0.0/24"}},
        {"address":"aws_subnet.s[1]","mode":"managed","type":"aws_subnet","name":"s","index":1,
         "values":{"cidr_block":"10.0.1.0/24"}},
        {"address":"aws_lb.nlb","mode":"managed","type":"aws_lb","name":"nlb",
         "values":{"load_balancer_type":"network","subnet_mapping":[{},{}]}},
        {"address":"aws_network_interface.n[\"1\"]","mode":"managed","type":"aws_network_interface",
         "name":"n","index":"1","values":{}},
        {"address":"aws_network_interface.m[0]","mode":"managed","type":"aws_network_interface",
         "name":"m","index":0,"values":{}}]}},
      "resource_changes":[
        {"address":"aws_subnet.s[0]","change":{"actions":["create"],"after_unknown":{"id":true}}},
        {"address":"aws_subnet.s[1]","change":{"actions":["create"],"after_unknown":{"id":true}}},
        {"address":"aws_lb.nlb","change":{"actions":["create"],"after_unknown":{"id":true,
          "subnet_mapping":[{"subnet_id":true},{"subnet_id":true}]}}},
        {"address":"aws_network_interface.n[\"1\"]","change":{"actions":["create"],
          "after_unknown":{"id":true,"subnet_id":true}}},
        {"address":"aws_network_interface.m[0]","change":{"actions":["create"],
          "after_unknown":{"id":true,"subnet_id":true}}}],
      "configuration":{"root_module":{"resources":[
        {"address":"aws_subnet.s","expressions":{}},
        {"address":"aws_lb.nlb","expressions":{"subnet_mapping":[
          {"subnet_id":{"references":["aws_subnet.s","local.a"]}},
          {"subnet_id":{"references":["aws_subnet.s","local.b"]}}]}},
        {"address":"aws_network_interface.n","for_each_expression":{"references":["aws_subnet.s"]},
         "expressions":{"subnet_id":{"references":["each.value.id","each.value"]}}},
        {"address":"aws_network_interface.m","expressions":{
          "subnet_id":{"references":["aws_subnet.s","local.pick"]}}}]}}}"#;
    // `for_each = aws_subnet.s` keys by the subnets' keys: `["1"]` is not a count index,
    // so the fixture's subnets are re-keyed to match.
    let plan = plan
        .replace(r#"aws_subnet.s[1]"#, r#"aws_subnet.s[\"1\"]"#)
        .replace(r#""name":"s","index":1"#, r#""name":"s","index":"1""#);
    let e = load_str(&plan).unwrap();
    let lb = e.load_balancers.get_by_id("aws_lb.nlb").unwrap();
    assert_eq!(lb.subnet_ids, ["aws_subnet.s[0]", r#"aws_subnet.s["1"]"#]);
    let n = e
        .interfaces
        .get_by_id(r#"aws_network_interface.n["1"]"#)
        .unwrap();
    assert_eq!(n.subnet_id, r#"aws_subnet.s["1"]"#);
    // A subnet picked by a local: the first, and a warning that says so; no other warning.
    let m = e
        .interfaces
        .get_by_id("aws_network_interface.m[0]")
        .unwrap();
    assert_eq!(m.subnet_id, "aws_subnet.s[0]");
    let warned: Vec<&str> = e.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with(
            r#"aws_network_interface.m: `subnet_id` names one of aws_subnet.s[0], aws_subnet.s["1"], and the plan does not say which"#
        ),
        "{}",
        warned[0]
    );
}
