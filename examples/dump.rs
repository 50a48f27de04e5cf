fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    match vpclint::load::load_paths(&paths) {
        Ok(e) => {
            println!("vpcs {} subnets {} rts {} nacls {} sgs {} pls {} enis {} inst {} igw {} eigw {} nat {} pcx {} eip {} lb {} lis {} tg {} tgt {} db {} dbsg {} kp {}",
                e.vpcs.len(), e.subnets.len(), e.route_tables.len(), e.network_acls.len(), e.security_groups.len(), e.prefix_lists.len(), e.interfaces.len(), e.instances.len(), e.internet_gateways.len(), e.egress_only_gateways.len(), e.nat_gateways.len(), e.peerings.len(), e.elastic_ips.len(), e.load_balancers.len(), e.listeners.len(), e.target_groups.len(), e.targets.len(), e.databases.len(), e.db_subnet_groups.len(), e.key_pairs.len());
            for w in &e.warnings {
                println!("warn {}: {}", w.file, w.message);
            }
            let rules: usize = e
                .security_groups
                .iter()
                .map(|g| g.ingress.len() + g.egress.len())
                .sum();
            let with_id: usize = e
                .security_groups
                .iter()
                .flat_map(|g| g.rules())
                .filter(|r| r.rule_id.is_some())
                .count();
            println!("sg rules {rules} with id {with_id}");
            for g in e.security_groups.iter() {
                println!(
                    "{} {} in={} out={} {:?}",
                    g.meta.id,
                    g.name,
                    g.ingress.len(),
                    g.egress.len(),
                    e.location(&g.meta.source)
                );
            }
        }
        Err(err) => println!("ERROR {err}"),
    }
}
