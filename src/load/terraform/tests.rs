//! Tests of the Terraform loader on real `terraform show -json` output (`fixtures/terraform`).

use std::path::PathBuf;

use crate::model::{Estate, Peer, PortSpec};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform")
        .join(rel)
}

fn load(rel: &str) -> Estate {
    let path = fixture(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut estate = Estate::default();
    crate::load::load_text(&mut estate, &path, text).unwrap();
    estate
}

#[test]
fn dump_web_two_tier() {
    let e = load(&std::env::var("TF_FIXTURE").unwrap_or("web-two-tier/plan.json".into()));
    eprintln!("{:#?}", e.warnings);
    for s in e.subnets.iter() {
        eprintln!(
            "subnet {} vpc={} {:?} unk={:?}",
            s.meta.id, s.vpc_id, s.cidr_v4, s.meta.unknown
        );
    }
    for g in e.security_groups.iter() {
        eprintln!(
            "sg {} {} vpc={} unk={:?}",
            g.meta.id, g.name, g.vpc_id, g.meta.unknown
        );
        for r in g.rules() {
            eprintln!(
                "   {:?} {} {:?} {}",
                r.direction,
                r.protocol,
                r.ports,
                r.peer.describe()
            );
        }
    }
    for t in e.route_tables.iter() {
        eprintln!(
            "rt {} vpc={} {:?} {:?} unk={:?}",
            t.meta.id,
            t.vpc_id,
            t.routes
                .iter()
                .map(|r| (&r.destination, &r.target))
                .collect::<Vec<_>>(),
            t.associations,
            t.meta.unknown
        );
    }
    for a in e.network_acls.iter() {
        eprintln!(
            "acl {} vpc={} def={} subnets={:?} entries={}",
            a.meta.id,
            a.vpc_id,
            a.is_default,
            a.subnet_ids,
            a.entries.len()
        );
    }
    for i in e.instances.iter() {
        eprintln!(
            "inst {} subnet={:?} vpc={:?} groups={:?} key={:?} md={:?} unk={:?} src={:?}",
            i.meta.id,
            i.subnet_id,
            i.vpc_id,
            i.group_ids,
            i.key_name,
            i.metadata,
            i.meta.unknown,
            e.location(&i.meta.source)
        );
    }
    for i in e.interfaces.iter() {
        eprintln!(
            "eni {} subnet={} groups={:?} unk={:?}",
            i.meta.id, i.subnet_id, i.group_ids, i.meta.unknown
        );
    }
    for l in e.load_balancers.iter() {
        eprintln!("lb {:?}", l);
    }
    for l in e.listeners.iter() {
        eprintln!(
            "listener {} {} {} {:?}",
            l.meta.id, l.load_balancer_arn, l.port, l.target_group_arns
        );
    }
    for l in e.target_groups.iter() {
        eprintln!("tg {} {:?} {:?}", l.meta.id, l.port, l.load_balancer_arns);
    }
    for l in &e.targets {
        eprintln!("target {:?}", l);
    }
    for l in e.databases.iter() {
        eprintln!("db {:?}", l);
    }
    for l in e.nat_gateways.iter() {
        eprintln!("nat {:?}", l);
    }
    for l in e.elastic_ips.iter() { eprintln!("eip {} {:?} {:?} {:?}", l.meta.id, l.instance_id, l.interface_id, l.meta.unknown); }
    for l in e.internet_gateways.iter() {
        eprintln!("igw {} {:?}", l.meta.id, l.vpc_ids);
    }
    let _ = (Peer::PrefixList(String::new()), PortSpec::All);
}
