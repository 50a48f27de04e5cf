//! AWS CLI exports (`aws ec2 describe-*`, `aws elbv2 describe-*`, `aws rds describe-*`).
//!
//! Each JSON file is recognised by its top-level keys, whatever it is called; several files
//! of one kind (pages, regions, accounts) merge, the first copy of an id winning.

mod compute;
mod convert;
mod network;
mod security;
mod services;
mod shapes;

use super::document::Document;
use crate::error::LoadError;
use crate::model::Estate;
use convert::Ctx;

/// Top-level keys vpclint loads, each with its loader, in loading order.
type KindLoader = fn(&mut Estate, &Ctx) -> Result<(), LoadError>;

const KINDS: &[(&str, KindLoader)] = &[
    ("Vpcs", network::vpcs),
    ("Subnets", network::subnets),
    ("RouteTables", network::route_tables),
    ("NetworkAcls", network::network_acls),
    ("InternetGateways", network::internet_gateways),
    ("EgressOnlyInternetGateways", network::egress_only_gateways),
    ("NatGateways", network::nat_gateways),
    ("VpcPeeringConnections", network::peerings),
    ("PrefixLists", security::prefix_lists),
    ("ManagedPrefixLists", security::managed_prefix_lists),
    ("SecurityGroups", security::security_groups),
    ("SecurityGroupRules", security::security_group_rules),
    // Standalone interfaces first: they are more complete than the copies inside instances.
    ("NetworkInterfaces", compute::network_interfaces),
    ("Reservations", compute::reservations),
    ("Addresses", compute::addresses),
    ("KeyPairs", compute::key_pairs),
    ("LoadBalancers", services::load_balancers),
    ("Listeners", services::listeners),
    ("TargetGroups", services::target_groups),
    ("TargetHealthDescriptions", services::target_health),
    ("DBInstances", services::db_instances),
    ("DBSubnetGroups", services::db_subnet_groups),
];

/// Keys of AWS CLI answers that vpclint recognises but does not model yet: reported once.
const NOT_MODELLED: &[&str] = &[
    "VpcEndpoints",
    "TransitGateways",
    "TransitGatewayAttachments",
    "VpnGateways",
    "CustomerGateways",
    "VpnConnections",
    "DhcpOptions",
    "FlowLogs",
    "LoadBalancerDescriptions",
    "DBClusters",
    "Entries",
];

pub fn recognises(doc: &Document) -> bool {
    doc.keys()
        .any(|k| KINDS.iter().any(|(name, _)| *name == k) || NOT_MODELLED.contains(&k))
}

/// Loads every AWS CLI document, kind by kind in the order of [`KINDS`], then links them.
pub fn load_all(estate: &mut Estate, docs: &[&Document]) -> Result<(), LoadError> {
    for doc in docs {
        for key in doc.keys() {
            if NOT_MODELLED.contains(&key) {
                estate.warn(
                    doc.path,
                    format!("`{key}` is recognised but not modelled yet; skipped"),
                );
            }
        }
    }
    for (key, loader) in KINDS {
        for doc in docs.iter().filter(|d| d.has(key)) {
            loader(estate, &Ctx { doc })?;
        }
    }
    finish(estate);
    Ok(())
}

/// Cross-file fix-ups once every file is loaded: interfaces known only from their instance,
/// public addresses known only from `describe-addresses`.
fn finish(estate: &mut Estate) {
    compute::link_instances_and_addresses(estate);
}
