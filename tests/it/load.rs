//! The AWS CLI loader on the bundled real export.

use super::support::estate_small;
use vpclint::model::{Peer, PortSpec, RouteTarget};
use vpclint::net::Protocol;

fn estate() -> vpclint::model::Estate {
    vpclint::load::load_paths(&[estate_small()]).expect("the bundled export loads")
}

#[test]
fn counts_match_the_manifest() {
    let e = estate();
    // MANIFEST.md: 3 VPCs, 12 subnets, 14 groups (53 rules), 5 NACLs, 6 route tables,
    // 9 instances, 11 interfaces, 4 key pairs, 2 load balancers (2 listeners), 2 databases.
    assert_eq!(e.vpcs.len(), 3);
    assert_eq!(e.subnets.len(), 12);
    assert_eq!(e.security_groups.len(), 14);
    let rules: usize = e.security_groups.iter().map(|g| g.rules().count()).sum();
    assert_eq!(rules, 53);
    assert_eq!(e.network_acls.len(), 5);
    assert_eq!(e.route_tables.len(), 6);
    assert_eq!(e.instances.len(), 9);
    assert_eq!(e.interfaces.len(), 11);
    assert_eq!(e.key_pairs.len(), 4);
    assert_eq!(e.load_balancers.len(), 2);
    assert_eq!(e.listeners.len(), 2);
    assert_eq!(e.targets.len(), 3);
    assert_eq!(e.databases.len(), 2);
}

#[test]
fn security_group_rules_file_adds_rule_ids_without_duplicating_rules() {
    let e = estate();
    assert!(e.security_groups.iter().flat_map(|g| g.rules()).all(|r| r
        .rule_id
        .as_deref()
        .is_some_and(|id| id.starts_with("sgr-"))));
}

#[test]
fn ssh_open_group_has_its_rule_with_location() {
    let e = estate();
    let g = e
        .security_groups
        .iter()
        .find(|g| g.name == "ssh-open")
        .expect("ssh-open group");
    let r = &g.ingress[0];
    assert_eq!(r.protocol, Protocol::TCP);
    assert_eq!(r.ports, PortSpec::Range(22, 22));
    assert_eq!(r.peer, Peer::Cidr("0.0.0.0/0".parse().unwrap()));
    let loc = e.location(&r.source);
    assert!(loc.file.ends_with("ec2-describe-security-groups.json"));
    assert!(loc.line.is_some());
    assert_eq!(
        loc.pointer.as_deref(),
        Some("/SecurityGroups/3/IpPermissions/0/IpRanges/0")
    );
}

#[test]
fn routes_nacls_and_interfaces_are_normalized() {
    let e = estate();
    let igw_routes = e
        .route_tables
        .iter()
        .flat_map(|t| &t.routes)
        .filter(|r| matches!(r.target, RouteTarget::InternetGateway(_)))
        .count();
    assert!(
        igw_routes >= 2,
        "prod and dev public tables route to an IGW"
    );
    let lockdown = e
        .network_acls
        .iter()
        .find(|a| a.meta.name() == Some("dev-lockdown"))
        .expect("dev-lockdown NACL");
    assert!(lockdown.entries.is_empty());
    let public = e
        .interfaces
        .iter()
        .filter(|i| !i.public_ips.is_empty())
        .count();
    assert!(public >= 1);
    let bastion = e
        .instances
        .iter()
        .find(|i| i.meta.name() == Some("bastion"))
        .expect("bastion instance");
    assert!(bastion.key_name.is_some());
    assert!(bastion.meta.region.as_deref() == Some("us-east-1"));
}

#[test]
fn unmodelled_kinds_are_reported_once() {
    let e = estate();
    let endpoint_warnings = e
        .warnings
        .iter()
        .filter(|w| w.message.contains("VpcEndpoints"))
        .count();
    assert_eq!(endpoint_warnings, 1);
}
