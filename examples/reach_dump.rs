//! Debug dump of the estate as the engine sees it (subnets, tables, ACLs, interfaces).
fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let e = match vpclint::load::load_paths(&paths) {
        Ok(e) => e,
        Err(err) => {
            eprintln!("{err}");
            return;
        }
    };
    for v in e.vpcs.iter() {
        println!("VPC {} {:?} {:?}", v.meta.label(), v.cidrs_v4, v.cidrs_v6);
    }
    for s in e.subnets.iter() {
        println!(
            "SUBNET {} vpc={} {:?} {:?}",
            s.meta.label(),
            s.vpc_id,
            s.cidr_v4,
            s.cidrs_v6
        );
    }
    for t in e.route_tables.iter() {
        println!(
            "RTB {} vpc={} assoc={:?}",
            t.meta.label(),
            t.vpc_id,
            t.associations
        );
        for r in &t.routes {
            println!(
                "   {:?} -> {:?} bh={}",
                r.destination, r.target, r.blackhole
            );
        }
    }
    for a in e.network_acls.iter() {
        println!(
            "ACL {} vpc={} default={} subnets={:?}",
            a.meta.label(),
            a.vpc_id,
            a.is_default,
            a.subnet_ids
        );
        for x in &a.entries {
            println!(
                "   {} egress={} allow={} {} {} {:?}",
                x.rule_number, x.egress, x.allow, x.protocol, x.cidr, x.ports
            );
        }
    }
    for g in e.internet_gateways.iter() {
        println!("IGW {} {:?}", g.meta.label(), g.vpc_ids);
    }
    for g in e.egress_only_gateways.iter() {
        println!("EIGW {} {:?}", g.meta.label(), g.vpc_ids);
    }
    for g in e.security_groups.iter() {
        println!("SG {} vpc={}", g.label(), g.vpc_id);
        for r in g.rules() {
            println!(
                "   {} {} {:?} {}",
                r.direction.as_str(),
                r.protocol,
                r.ports,
                r.peer.describe()
            );
        }
    }
    for i in e.interfaces.iter() {
        println!(
            "ENI {} subnet={} inst={:?} priv={:?} pub={:?} v6={:?} groups={:?}",
            i.meta.label(),
            i.subnet_id,
            i.instance_id,
            i.private_ips,
            i.public_ips,
            i.ipv6_addresses,
            i.group_ids
        );
    }
    for i in e.instances.iter() {
        println!("INST {} enis={:?}", i.meta.label(), i.interface_ids);
    }
    for l in e.load_balancers.iter() {
        println!(
            "LB {} {} {} subnets={:?} groups={:?}",
            l.name, l.lb_type, l.scheme, l.subnet_ids, l.group_ids
        );
    }
    for l in e.listeners.iter() {
        println!(
            "LISTENER {} {} {} {:?}",
            l.load_balancer_arn, l.protocol, l.port, l.target_group_arns
        );
    }
    for t in e.target_groups.iter() {
        println!(
            "TG {} {:?} {:?} {}",
            t.name, t.protocol, t.port, t.target_type
        );
    }
    for t in &e.targets {
        println!("TARGET {} {} {:?}", t.target_group_arn, t.target_id, t.port);
    }
    for d in e.databases.iter() {
        println!(
            "DB {} public={} port={:?} subnets={:?} groups={:?} ep={:?}",
            d.meta.id, d.publicly_accessible, d.port, d.subnet_ids, d.group_ids, d.endpoint
        );
    }
    for p in e.peerings.iter() {
        println!(
            "PCX {} {} {} {}",
            p.meta.id, p.requester.vpc_id, p.accepter.vpc_id, p.status
        );
    }
    for n in e.nat_gateways.iter() {
        println!("NAT {} subnet={} {:?}", n.meta.id, n.subnet_id, n.state);
    }
}
