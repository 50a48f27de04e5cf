//! `explain` to load balancers and databases: it agrees with the exposure map on every
//! fixture, traces both legs of a balancer, and names every blocker with a fix.

use std::net::IpAddr;
use std::path::PathBuf;

use super::support::{estate_small, root, snapshot, vpclint};
use vpclint::model::{Estate, Listener, Target};
use vpclint::net::AddrSet;
use vpclint::reach::{
    Endpoint, Exposure, ExposureKind, ExposurePath, Probe, Reach, Trace, Verdict,
};

/// Every fixture with balancers or databases, and the hand-made reach cases.
fn fixtures() -> Vec<PathBuf> {
    let mut v = vec![
        estate_small(),
        root().join("fixtures/terraform/web-two-tier/plan.json"),
    ];
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/reach"))
        .expect("reach fixtures")
        .filter_map(|d| d.ok().map(|d| d.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    v.extend(cases);
    v
}

fn lowest(s: &AddrSet) -> IpAddr {
    let net = s.to_cidrs().into_iter().next().expect("a row has sources");
    net.network()
}

/// Whether `t` is the target behind an exposure row: the instance itself, or an IP target
/// held by the row's interface.
fn is_row_target(e: &Estate, t: &Target, row: &Exposure) -> bool {
    if t.target_id == row.resource || row.interface.as_deref() == Some(t.target_id.as_str()) {
        return true;
    }
    let eni = row.interface.as_deref().unwrap_or(&row.resource);
    let ip: Option<IpAddr> = t.target_id.parse().ok();
    e.interfaces
        .get_by_id(eni)
        .is_some_and(|i| ip.is_some_and(|ip| i.private_ips.iter().any(|a| IpAddr::V4(*a) == ip)))
}

fn explain(r: &Reach, from: &Endpoint, to: &Endpoint, proto: &str, port: u16) -> Trace {
    r.explain(from, to, Probe::new(proto, Some(port)).expect("probe"))
        .expect("explain answers")
}

/// For each row reached through a balancer: every listener forwarding to that target says
/// reachable, from the internet and from the row's lowest source.
fn check_lb_rows(e: &Estate, r: &Reach, x: &[Exposure]) -> usize {
    let mut checked = 0;
    for row in x
        .iter()
        .filter(|row| row.path == ExposurePath::LoadBalancer)
    {
        let via = row
            .via
            .as_deref()
            .expect("a load-balancer row names its balancer");
        let lb = Endpoint::resolve(e, via).expect("the balancer resolves");
        let Endpoint::LoadBalancer(ix) = lb else {
            panic!("{via} resolves to {lb:?}")
        };
        let arn = &e.load_balancers.get(ix).meta.id;
        let listeners: Vec<_> = e
            .listeners
            .iter()
            .filter(|l| &l.load_balancer_arn == arn)
            .filter(|l| {
                e.targets.iter().any(|t| {
                    l.target_group_arns.contains(&t.target_group_arn) && is_row_target(e, t, row)
                })
            })
            .collect();
        assert!(
            !listeners.is_empty(),
            "no listener of {via} forwards to {}",
            row.resource
        );
        let proto = row.protocol.to_string();
        for l in listeners {
            let ids: Vec<&str> = e
                .targets
                .iter()
                .filter(|t| {
                    l.target_group_arns.contains(&t.target_group_arn) && is_row_target(e, t, row)
                })
                .map(|t| t.target_id.as_str())
                .collect();
            let client = Endpoint::Cidr(lowest(&row.sources).into());
            for from in [Endpoint::Internet, client] {
                let t = explain(r, &from, &lb, &proto, l.port);
                assert_eq!(
                    t.verdict,
                    Verdict::Reachable,
                    "{via}:{} for {}: {t:#?}",
                    l.port,
                    row.resource
                );
                assert!(t.blocked_by.is_empty(), "{:?}", t.blocked_by);
                assert!(
                    t.hops
                        .iter()
                        .any(|h| h.kind == "target" && ids.contains(&h.component.as_str())),
                    "{via}: no hop for target {ids:?}"
                );
            }
            checked += 1;
        }
    }
    checked
}

/// For each listener with targets: the clients `explain` says get through (its `sources`)
/// are exactly the union of the exposure rows of the listener's targets through that
/// balancer — the per-node legs of both agree, not only a sampled client. Listeners sharing
/// a target with another listener of the balancer are skipped: its rows merge both.
fn check_lb_sources(e: &Estate, r: &Reach, x: &[Exposure]) -> usize {
    let mut checked = 0;
    for lb in e.load_balancers.iter() {
        let to = Endpoint::resolve(e, &lb.name).expect("balancer resolves");
        let listeners: Vec<_> = e
            .listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.meta.id)
            .collect();
        let behind = |l: &Listener| -> Vec<&Target> {
            e.targets
                .iter()
                .filter(|t| l.target_group_arns.contains(&t.target_group_arn))
                .collect()
        };
        for l in &listeners {
            let mine = behind(l);
            let shared = listeners
                .iter()
                .filter(|o| o.meta.id != l.meta.id)
                .any(|o| {
                    behind(o)
                        .iter()
                        .any(|t| mine.iter().any(|m| m.target_id == t.target_id))
                });
            if mine.is_empty() || shared {
                continue;
            }
            let want: Vec<AddrSet> = x
                .iter()
                .filter(|row| row.via.as_deref() == Some(lb.name.as_str()))
                .filter(|row| mine.iter().any(|t| is_row_target(e, t, row)))
                .map(|row| row.sources.clone())
                .collect();
            let t = explain(r, &Endpoint::Internet, &to, "tcp", l.port);
            assert_eq!(
                t.source_set,
                Some(AddrSet::union_all(want.iter())),
                "{}:{}: {t:#?}",
                lb.name,
                l.port
            );
            checked += 1;
        }
    }
    checked
}

/// Every database: reachable from the internet on its endpoint port exactly when the
/// exposure map has a row for it.
fn check_databases(e: &Estate, r: &Reach, x: &[Exposure]) -> usize {
    let mut checked = 0;
    for db in e.databases.iter() {
        let Some(port) = db.port else { continue };
        let to = Endpoint::resolve(e, &db.meta.id).expect("database resolves");
        let row = x
            .iter()
            .find(|row| row.kind == ExposureKind::Database && row.resource == db.meta.id);
        let t = explain(r, &Endpoint::Internet, &to, "tcp", port);
        let want = if row.is_some() {
            Verdict::Reachable
        } else {
            Verdict::Unreachable
        };
        assert_eq!(t.verdict, want, "{}: {t:#?}", db.meta.id);
        if let Some(row) = row {
            let from = Endpoint::Cidr(lowest(&row.sources).into());
            assert_eq!(
                explain(r, &from, &to, "tcp", port).verdict,
                Verdict::Reachable
            );
        } else {
            assert!(!t.blocked_by.is_empty());
        }
        checked += 1;
    }
    checked
}

/// Balancers with no exposure row are unreachable on every listener; those with a row are
/// reachable, or accept the connection with no target admitting it (said in a note).
fn check_balancers(e: &Estate, r: &Reach, x: &[Exposure]) -> usize {
    let mut checked = 0;
    for lb in e.load_balancers.iter() {
        let to = Endpoint::resolve(e, &lb.name).expect("balancer resolves");
        let exposed = x
            .iter()
            .any(|row| row.kind == ExposureKind::LoadBalancer && row.resource == lb.name);
        for l in e
            .listeners
            .iter()
            .filter(|l| l.load_balancer_arn == lb.meta.id)
        {
            let t = explain(r, &Endpoint::Internet, &to, "tcp", l.port);
            if exposed {
                assert!(
                    t.verdict == Verdict::Reachable
                        || t.notes
                            .iter()
                            .any(|n| n.contains("itself accepts the connection")),
                    "{}: {t:#?}",
                    lb.name
                );
            } else {
                assert_eq!(t.verdict, Verdict::Unreachable, "{}", lb.name);
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn explain_agrees_with_the_exposure_map() {
    let (mut lb_rows, mut dbs, mut lbs, mut sources) = (0, 0, 0, 0);
    for path in fixtures() {
        let e = vpclint::load::load_paths(std::slice::from_ref(&path)).expect("fixture loads");
        let r = Reach::new(&e);
        let x = r.exposures();
        lb_rows += check_lb_rows(&e, &r, &x);
        dbs += check_databases(&e, &r, &x);
        lbs += check_balancers(&e, &r, &x);
        sources += check_lb_sources(&e, &r, &x);
    }
    // estate-small: web-alb → 2 instances, ssh-nlb → 1; web-two-tier: 2; lb-db: 2;
    // nlb-client-ip: 1; lb-acl-legs: i-keep, i-keep-b, i-app (i-app2 is refused);
    // lb-from-inside: i-app.
    assert_eq!(lb_rows, 12);
    // estate-small: orders-db, billing-db; web-two-tier: one; lb-db and its copy
    // nlb-client-ip: three each; internal-lb-db: one.
    assert_eq!(dbs, 10);
    // One listener each: web-alb, ssh-nlb, web (Terraform), web (lb-db), web (nlb-client-ip),
    // api, api-nlb, edge, web and reply (lb-acl-legs), shop (lb-from-inside); two for keep
    // (lb-acl-legs).
    assert_eq!(lbs, 13);
    // Every listener above has targets and shares none of them with another listener.
    assert_eq!(sources, 13);
}

fn json_of(args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = vpclint(&all);
    let doc = serde_json::from_str(&run.stdout).expect("explain prints JSON");
    (run.code, doc, run.stdout)
}

fn hops(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap_or("").to_string(),
                h["component"].as_str().unwrap_or("").to_string(),
                h["decision"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn blockers(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["blocked_by"]
        .as_array()
        .expect("blocked_by")
        .iter()
        .map(|b| {
            (
                b["component"].as_str().unwrap_or("").to_string(),
                b["fix"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const INTERNAL: &str = "fixtures/reach/internal-lb-db";

#[test]
fn an_internal_balancer_is_traced_on_both_legs() {
    let args = ["explain", INTERNAL, "--from", "i-client", "--to", "api"];
    let human = vpclint(&args);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(human.stdout.contains("verdict: reachable"));
    assert!(human
        .stdout
        .contains("note: no --port given: 443 is the only listener port of load balancer api"));
    snapshot("explain_internal_alb_human", &human.stdout);
    let (code, doc, text) = json_of(&args);
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "reachable");
    assert_eq!(doc["port"], 443);
    assert_eq!(doc["source_address"], "10.0.1.10");
    assert_eq!(doc["destination_address"], "10.0.2.4");
    let h = hops(&doc);
    // Front leg 10; per target: the target, the node, both ACLs out and in, the group and
    // the reply through both ACLs.
    assert_eq!(h.len(), 24);
    // The balancer's group admits the client's group; the back leg admits i-api-1 through
    // the balancer's group and refuses i-api-2 — which is not a blocker, one target is enough.
    assert!(h.contains(&(
        "security-group".into(),
        "sg-api-lb (api-lb)".into(),
        "allow".into()
    )));
    assert!(h.contains(&(
        "security-group".into(),
        "sg-api (api)".into(),
        "allow".into()
    )));
    assert!(h.contains(&(
        "security-group".into(),
        "sg-api-closed (api-closed)".into(),
        "deny".into()
    )));
    let targets: Vec<&str> = h
        .iter()
        .filter(|x| x.0 == "target")
        .map(|x| x.1.as_str())
        .collect();
    assert_eq!(targets, vec!["i-api-1", "i-api-2"]);
    assert_eq!(blockers(&doc), vec![]);
    snapshot("explain_internal_alb_json", &text);
}

#[test]
fn client_ip_preservation_puts_the_client_address_before_the_target() {
    let args = ["explain", INTERNAL, "--from", "i-client", "--to", "api-nlb"];
    let (code, doc, text) = json_of(&args);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "unreachable");
    let h = hops(&doc);
    assert_eq!(h.len(), 17);
    assert!(h.contains(&("security-group".into(), "api-nlb".into(), "allow".into())));
    assert_eq!(
        blockers(&doc),
        vec![(
            "sg-api (api)".to_string(),
            "add an inbound rule to sg-api allowing tcp/5000 from 10.0.1.10/32".to_string()
        )]
    );
    // The same target admits a client of its own subnet, whose address it sees.
    let from_app = vpclint(&["explain", INTERNAL, "--from", "i-api-2", "--to", "api-nlb"]);
    assert_eq!(from_app.code, 0, "{}", from_app.stdout);
    snapshot("explain_internal_nlb_json", &text);
}

#[test]
fn a_database_from_inside_names_every_blocker() {
    let args = ["explain", INTERNAL, "--from", "i-client", "--to", "orders"];
    let human = vpclint(&args);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("packet: 10.0.1.10 -> 10.0.4.4"));
    snapshot("explain_internal_db_human", &human.stdout);
    let (_, doc, _) = json_of(&args);
    assert_eq!(doc["port"], 5432, "the engine's default port");
    assert_eq!(hops(&doc).len(), 17, "both subnets of the DB subnet group");
    assert_eq!(
        blockers(&doc),
        vec![
            (
                "acl-db".to_string(),
                "add an inbound allow entry to acl-db for tcp/5432 from 10.0.1.10/32".to_string()
            ),
            (
                "sg-orders (orders-db)".to_string(),
                "add an inbound rule to sg-orders allowing tcp/5432 from 10.0.1.10/32".to_string()
            ),
        ]
    );
    // The app tier is a member of the admitted group and in the admitted subnet.
    let (code, doc, _) = json_of(&["explain", INTERNAL, "--from", "i-api-1", "--to", "orders"]);
    assert_eq!(code, 0);
    assert_eq!(
        hops(&doc).len(),
        9,
        "only the first admitting subnet is traced"
    );
    // From the internet: not publicly accessible, and no route or ACL would let it in.
    let (code, doc, _) = json_of(&["explain", INTERNAL, "--from", "internet", "--to", "orders"]);
    assert_eq!(code, 1);
    let b = blockers(&doc);
    assert_eq!(b.len(), 7, "{b:?}");
    assert_eq!(b[0].0, "orders");
    assert_eq!(doc["sources"], serde_json::json!([]));
}

#[test]
fn an_internet_balancer_whose_target_refuses_is_unreachable() {
    let args = ["explain", INTERNAL, "--from", "internet", "--to", "edge"];
    let (code, doc, text) = json_of(&args);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "unreachable");
    assert_eq!(hops(&doc).len(), 13);
    assert_eq!(
        blockers(&doc),
        vec![(
            "sg-api-closed (api-closed)".to_string(),
            "add an inbound rule to sg-api-closed allowing tcp/8443 from the load balancer's group sg-edge"
                .to_string()
        )]
    );
    assert_eq!(doc["sources"], serde_json::json!([]));
    let notes = doc["notes"].to_string();
    assert!(notes.contains("itself accepts the connection"), "{notes}");
    snapshot("explain_internet_alb_refused_json", &text);
    // lb-db: the back leg of a working balancer shows both targets admitted.
    let human = vpclint(&[
        "explain",
        "fixtures/reach/lb-db",
        "--from",
        "internet",
        "--to",
        "web",
    ]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains(
        "security group sg-behind (app-behind-alb) inbound rule allows tcp port 8080 from 10.0.1.4 (peer group sg-alb)"
    ), "{}", human.stdout);
    snapshot("explain_lb_db_web_human", &human.stdout);
}

#[test]
fn balancer_and_database_endpoints_say_what_they_cannot_answer() {
    let cases: [&[&str]; 3] = [
        // A private address is not an internet client.
        &["explain", INTERNAL, "--from", "10.0.1.99", "--to", "orders"],
        // Balancers and databases are destinations only.
        &[
            "explain", INTERNAL, "--from", "orders", "--to", "i-client", "--port", "22",
        ],
        &[
            "explain", INTERNAL, "--from", "api", "--to", "internet", "--port", "443",
        ],
    ];
    for args in cases {
        let run = vpclint(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    }
    let e = vpclint::load::load_paths(&[estate_small()]).expect("export loads");
    let db = Endpoint::resolve(&e, "orders-db").expect("resolves");
    let (port, note) = db.default_port(&e).expect("answers").expect("a port");
    assert_eq!(port, 5432);
    assert!(
        note.contains("endpoint port of database orders-db (postgres)"),
        "{note}"
    );
    assert_eq!(Endpoint::Internet.default_port(&e).expect("answers"), None);
    // A database in the source's own subnet is given an address no interface holds.
    let (code, doc, _) = json_of(&[
        "explain",
        "fixtures/aws-cli/estate-small",
        "--from",
        "app-1",
        "--to",
        "billing-db",
    ]);
    assert_eq!(code, 0);
    assert_eq!(doc["port"], 3306, "mysql's endpoint port");
    assert_eq!(doc["source_address"], "10.0.2.4");
    let dst: IpAddr = doc["destination_address"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .expect("a destination address");
    assert!(e
        .interfaces
        .iter()
        .all(|i| !i.private_ips.iter().any(|a| IpAddr::V4(*a) == dst)));
    // A balancer by DNS name or ARN, a database by endpoint or identifier in any case.
    let l = vpclint::load::load_paths(&[root().join("fixtures/reach/lb-db")]).expect("loads");
    let by = |t: &str| Endpoint::resolve(&l, t).expect("resolves");
    let web = by("web");
    assert!(matches!(web, Endpoint::LoadBalancer(_)));
    assert_eq!(by("web-1.us-east-1.elb.amazonaws.com"), web);
    assert_eq!(
        by("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"),
        web
    );
    let db = by("public-db");
    assert!(matches!(db, Endpoint::Database(_)));
    assert_eq!(by("public-db.x.us-east-1.rds.amazonaws.com"), db);
    assert_eq!(by("PUBLIC-DB"), db);
}

#[test]
fn a_balancer_to_one_of_its_targets_is_the_back_leg_alone() {
    let args = [
        "explain", INTERNAL, "--from", "api", "--to", "i-api-2", "--port", "8443",
    ];
    let (code, doc, _) = json_of(&args);
    assert_eq!(code, 1);
    assert_eq!(doc["source_address"], "10.0.2.4", "a usable node address");
    assert_eq!(
        hops(&doc)
            .iter()
            .map(|h| (h.0.as_str(), h.2.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("target", "route"),
            ("load-balancer", "route"),
            ("network-acl", "allow"),
            ("network-acl", "allow"),
            ("security-group", "deny"),
            ("network-acl", "allow"),
            ("network-acl", "allow"),
        ]
    );
    assert_eq!(
        blockers(&doc),
        vec![(
            "sg-api-closed (api-closed)".to_string(),
            "add an inbound rule to sg-api-closed allowing tcp/8443 from the load balancer's group sg-api-lb"
                .to_string()
        )]
    );
    let (code, doc, _) = json_of(&[
        "explain", INTERNAL, "--from", "api", "--to", "i-api-1", "--port", "8443",
    ]);
    assert_eq!(code, 0);
    assert_eq!(blockers(&doc), vec![]);
    // Not a target on that port: one blocker that says how to make it one.
    let lbdb = "fixtures/reach/lb-db";
    let (code, doc, _) = json_of(&[
        "explain", lbdb, "--from", "web", "--to", "i-behind", "--port", "80",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        blockers(&doc),
        vec![(
            "web".to_string(),
            "register it on port 80 in a target group a listener of web forwards to".to_string()
        )]
    );
    let human = vpclint(&[
        "explain", lbdb, "--from", "web", "--to", "i-behind", "--port", "8080",
    ]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("(peer group sg-alb)"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("packet: 10.0.1.4 -> 10.0.3.20"),
        "{}",
        human.stdout
    );
    let numbered = human
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(". ["))
        .count();
    assert_eq!(numbered, 7, "{}", human.stdout);
    snapshot("explain_lb_to_target_human", &human.stdout);
}

/// A port without a listener is blocked at the listener; the balancer's other listeners do
/// forward to targets, so no "forwards to no target" note (review of the first version).
#[test]
fn a_port_without_a_listener_blames_the_listener_only() {
    let run = vpclint(&[
        "explain",
        "fixtures/reach/lb-db",
        "--from",
        "internet",
        "--to",
        "web",
        "--port",
        "8080",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("verdict: unreachable"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("load balancer web has no listener for tcp/8080"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("forwards to no target"),
        "{}",
        run.stdout
    );
}

const LEGS: &str = "fixtures/reach/lb-acl-legs";

/// The deny hops as (component, rule).
fn denials(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .filter(|h| h["decision"] == "deny")
        .map(|h| {
            (
                h["component"].as_str().unwrap_or("").to_string(),
                h["rule"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A node forwards across the ACLs between its subnet and the target's: explain blames the
/// entry that refuses (lb-acl-legs; `exposure` rows in `reach.rs`).
#[test]
fn the_back_leg_crosses_the_node_and_target_acls() {
    let run = |from: &str, to: &str, port: &str| {
        json_of(&["explain", LEGS, "--from", from, "--to", to, "--port", port])
    };
    // keep-b admits 8.8.8.8 and forwards it with its own address to i-keep, whose subnet
    // (keep-a, also a node's) admits only 1.2.3.0/24. keep-a's own node never admits it.
    let (code, doc, _) = run("8.8.8.8", "keep", "22");
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "unreachable");
    assert_eq!(
        blockers(&doc),
        vec![(
            "acl-narrow".to_string(),
            "add an inbound allow entry to acl-narrow for tcp/22 from 8.8.8.8/32".to_string()
        )]
    );
    assert_eq!(
        denials(&doc),
        vec![
            ("acl-narrow".to_string(), "inbound rule *".to_string()),
            ("acl-narrow".to_string(), "inbound rule *".to_string()),
        ],
        "the front leg through keep-a, then the back leg from keep-b"
    );
    assert!(doc["hops"]
        .to_string()
        .contains("the forwarded request entering the target's subnet"));
    // Its own subnet's clients go through keep-a: no ACL between node and target.
    let (code, doc, _) = run("1.2.3.5", "keep", "22");
    assert_eq!(code, 0, "{doc:#}");
    assert!(doc["hops"].to_string().contains("share the subnet"));
    let (_, doc, _) = run("internet", "keep", "22");
    assert_eq!(doc["verdict"], "reachable");
    assert_eq!(doc["sources"], serde_json::json!(["1.2.3.0/24"]));
    // i-keep-b shares keep-b with its node: everyone.
    assert_eq!(run("8.8.8.8", "keep", "2222").0, 0);

    // web-a admits 8.8.8.8 but its ACL refuses the forwarded request to the app subnet.
    let (code, doc, _) = run("8.8.8.8", "web", "80");
    assert_eq!(code, 1);
    assert_eq!(
        blockers(&doc),
        vec![(
            "acl-noforward".to_string(),
            "add an outbound allow entry for tcp/8080 to 10.0.3.10/32 with a rule number lower than 90"
                .to_string()
        )]
    );
    assert!(denials(&doc).contains(&("acl-noforward".to_string(), "outbound rule 90".to_string())));
    // web-b admits 5.6.7.0/24 and lets the target's reply in (rule 110).
    let (code, doc, _) = run("5.6.7.8", "web", "80");
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(denials(&doc), vec![]);
    let h = doc["hops"].to_string();
    assert!(
        h.contains("acl-office inbound rule 110 allows tcp/32768 from 10.0.3.10"),
        "{h}"
    );
    let (_, doc, _) = run("internet", "web", "80");
    assert_eq!(doc["sources"], serde_json::json!(["5.6.7.0/24"]));

    // reply: both nodes forward, the target answers, and neither subnet lets the answer in.
    let (code, doc, text) = run("internet", "reply", "80");
    assert_eq!(code, 1);
    assert_eq!(doc["sources"], serde_json::json!([]));
    assert_eq!(
        blockers(&doc),
        vec![(
            "acl-noreply".to_string(),
            "add an inbound allow entry to acl-noreply for tcp/32768 from 10.0.3.11/32".to_string()
        )]
    );
    assert_eq!(
        denials(&doc),
        vec![
            ("acl-noreply".to_string(), "inbound rule *".to_string()),
            ("acl-noreply".to_string(), "inbound rule *".to_string()),
        ],
        "one per node"
    );
    snapshot("explain_lb_reply_refused_json", &text);
}

const FROM_INSIDE: &str = "fixtures/reach/lb-from-inside";

fn notes(doc: &serde_json::Value) -> String {
    doc["notes"].to_string()
}

#[test]
fn an_internet_facing_balancer_from_inside_goes_out_and_comes_back() {
    // i-private leaves through nat-a, so the balancer sees the NAT's elastic IP, the only
    // client its group admits.
    let args = [
        "explain",
        FROM_INSIDE,
        "--from",
        "i-private",
        "--to",
        "shop",
    ];
    let human = vpclint(&args);
    assert_eq!(human.code, 0, "{}", human.stdout);
    assert!(human.stdout.contains("verdict: reachable"));
    assert!(human.stdout.contains("packet: 10.0.2.10 -> 1.0.0.0"));
    snapshot("explain_lb_from_inside_nat_human", &human.stdout);
    let (code, doc, _) = json_of(&args);
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "reachable");
    assert_eq!(doc["port"], 443);
    assert_eq!(doc["source_address"], "10.0.2.10");
    assert_eq!(blockers(&doc), vec![]);
    let h = hops(&doc);
    // Out: egress, route, NAT, the NAT subnet's route, ACL both ways (6); the front leg
    // (6); the back leg to i-app (7).
    assert_eq!(h.len(), 19);
    assert_eq!(
        h[..4],
        [
            (
                "security-group".to_string(),
                "sg-client (client)".to_string(),
                "allow".to_string()
            ),
            (
                "route-table".to_string(),
                "rtb-priv".to_string(),
                "route".to_string()
            ),
            (
                "nat-gateway".to_string(),
                "nat-a".to_string(),
                "route".to_string()
            ),
            (
                "route-table".to_string(),
                "rtb-pub".to_string(),
                "route".to_string()
            ),
        ]
    );
    assert!(h.contains(&(
        "security-group".into(),
        "sg-shop-lb (shop-lb)".into(),
        "allow".into()
    )));
    assert!(h.contains(&("target".into(), "i-app".into(), "route".into())));
    assert!(
        notes(&doc).contains("the balancer sees the request come from 54.0.0.5"),
        "{}",
        notes(&doc)
    );
    let shown = doc["hops"][8]["message"].as_str().unwrap_or("");
    assert!(
        shown.contains("from 54.0.0.5 (peer 54.0.0.5/32)"),
        "{shown}"
    );

    // i-public leaves through the internet gateway with its own public address, which the
    // balancer's group does not admit: that group is the one blocker.
    let (code, doc, _) = json_of(&["explain", FROM_INSIDE, "--from", "i-public", "--to", "shop"]);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "unreachable");
    assert_eq!(doc["source_address"], "10.0.1.10");
    assert_eq!(
        blockers(&doc),
        vec![(
            "sg-shop-lb (shop-lb)".to_string(),
            "add an inbound rule to sg-shop-lb allowing tcp/443 from 54.0.0.10/32".to_string()
        )]
    );
    let denied: Vec<_> = hops(&doc).into_iter().filter(|x| x.2 == "deny").collect();
    assert_eq!(
        denied,
        vec![(
            "security-group".to_string(),
            "sg-shop-lb (shop-lb)".to_string(),
            "deny".to_string()
        )]
    );
    assert!(notes(&doc).contains("the balancer sees the request come from 54.0.0.10"));

    // i-app has only the local route: no way out, the route table is blamed and the
    // balancer is not traced; the fix is the VPC's NAT gateway (it has no public address).
    let (code, doc, _) = json_of(&["explain", FROM_INSIDE, "--from", "i-app", "--to", "shop"]);
    assert_eq!(code, 1);
    assert_eq!(
        blockers(&doc),
        vec![(
            "rtb-main-a".to_string(),
            "add a route 0.0.0.0/0 -> nat-a to rtb-main-a".to_string()
        )]
    );
    assert!(hops(&doc).iter().all(|x| x.0 != "load-balancer"));
    assert!(notes(&doc).contains("the request does not reach the internet"));
    // The same in a VPC without a NAT gateway: one must be created.
    let (code, doc, _) = json_of(&["explain", INTERNAL, "--from", "i-client", "--to", "edge"]);
    assert_eq!(code, 1);
    assert_eq!(
        blockers(&doc),
        vec![(
            "rtb-main-a".to_string(),
            "create a NAT gateway in a public subnet of vpc-a, then add a route 0.0.0.0/0 -> it to rtb-main-a"
                .to_string()
        )]
    );
}
