//! The built-in predicate table. One row per predicate; the evaluation functions live in the
//! submodule of their area.

pub mod keys;
mod network;
pub mod reach;
mod resources;
mod security;
mod traffic;

use super::registry::{Needs, PredicateDef};
use super::ResourceKind as K;

const RULES: &[K] = &[K::SecurityGroupRule, K::NaclEntry];
const SG_RULE: &[K] = &[K::SecurityGroupRule];
const NACL_ENTRY: &[K] = &[K::NaclEntry];

/// Shorthand for an estate-only predicate row.
const fn p(
    pattern: &'static str,
    kinds: &'static [K],
    provides: &'static [&'static str],
    help: &'static str,
    eval: super::registry::EvalFn,
) -> PredicateDef {
    PredicateDef {
        pattern,
        kinds,
        provides,
        needs: Needs::Estate,
        help,
        eval,
    }
}

/// Every predicate that needs nothing but the estate.
pub const PREDICATES: &[PredicateDef] = &[
    // Security-group rules and NACL entries.
    p(
        "ingress",
        RULES,
        &[],
        "an inbound rule or entry",
        security::ingress,
    ),
    p(
        "egress",
        RULES,
        &[],
        "an outbound rule or entry",
        security::egress,
    ),
    p("allow", NACL_ENTRY, &[], "an allow entry", security::allow),
    p("deny", NACL_ENTRY, &[], "a deny entry", security::deny),
    p(
        "protocol <protocol>",
        RULES,
        &[],
        "covers this protocol (`all` only for protocol -1)",
        security::protocol,
    ),
    p(
        "ports include <ports>",
        RULES,
        &[],
        "covers every one of these ports",
        security::ports_include,
    ),
    p(
        "ports overlap <ports>",
        RULES,
        &["ports"],
        "covers at least one of these ports",
        security::ports_overlap,
    ),
    p(
        "source is internet",
        RULES,
        &[],
        "inbound, from 0.0.0.0/0 or ::/0",
        security::source_internet,
    ),
    p(
        "source is public",
        RULES,
        &[],
        "inbound, from a CIDR with public addresses",
        security::source_public,
    ),
    p(
        "source is private",
        RULES,
        &[],
        "inbound, from a CIDR inside private ranges",
        security::source_private,
    ),
    p(
        "source broader than <prefix>",
        RULES,
        &[],
        "inbound, from a CIDR shorter than the prefix",
        security::source_broader,
    ),
    p(
        "source in <cidrs>",
        RULES,
        &[],
        "inbound, from a CIDR inside these",
        security::source_in,
    ),
    p(
        "destination is internet",
        RULES,
        &[],
        "outbound, to 0.0.0.0/0 or ::/0",
        security::destination_internet,
    ),
    p(
        "described",
        SG_RULE,
        &[],
        "has a non-empty description",
        security::described,
    ),
    p(
        "references unknown group",
        SG_RULE,
        &["peer-group"],
        "names a group that is not in the estate",
        security::references_unknown_group,
    ),
    p(
        "redundant",
        SG_RULE,
        &["covered-by"],
        "another rule of the group admits all it admits",
        security::redundant,
    ),
    p(
        "shadowed",
        NACL_ENTRY,
        &["shadowed-by"],
        "earlier entries decide every packet it matches",
        security::shadowed,
    ),
    // Security groups.
    p(
        "admits <traffic> from internet",
        &[K::SecurityGroup],
        &["ports", "sources"],
        "inbound rules together admit this traffic from every address",
        traffic::admits_from_internet,
    ),
    p(
        "has rules",
        &[K::SecurityGroup],
        &["rule-count"],
        "has at least one inbound or outbound rule",
        security::has_rules,
    ),
    p(
        "default",
        &[K::SecurityGroup, K::Vpc, K::NetworkAcl],
        &[],
        "the VPC's default group, ACL, or a default VPC",
        network::default,
    ),
    p(
        "attached",
        &[K::SecurityGroup, K::NetworkAcl, K::ElasticIp],
        &["users"],
        "in use by an interface, instance, load balancer, database or subnet",
        network::attached,
    ),
    p(
        "usage known",
        &[K::SecurityGroup],
        &[],
        "the inputs list network interfaces or instances, so a group without users is unused",
        network::usage_known,
    ),
    // Subnets, routes, VPCs.
    p(
        "public",
        &[K::Subnet],
        &["gateway"],
        "its route table routes to an internet gateway",
        network::public_subnet,
    ),
    p(
        "auto-assigns public-ip",
        &[K::Subnet],
        &[],
        "instances launched here get a public IPv4 address",
        network::auto_assigns,
    ),
    p(
        "uses default nacl",
        &[K::Subnet],
        &["acl"],
        "the VPC's default network ACL applies",
        network::uses_default_nacl,
    ),
    p(
        "blackhole",
        &[K::Route],
        &[],
        "the route's target is gone (State: blackhole)",
        network::blackhole,
    ),
    p(
        "via peering",
        &[K::Route],
        &[],
        "the route's target is a VPC peering connection",
        network::via_peering,
    ),
    p(
        "via internet-gateway",
        &[K::Route],
        &[],
        "the route's target is an internet gateway",
        network::via_igw,
    ),
    p(
        "wider than peer vpc",
        &[K::Route],
        &["peer-cidrs"],
        "the destination covers addresses outside the peer VPC",
        network::wider_than_peer,
    ),
    p(
        "in use",
        &[K::Vpc],
        &[],
        "holds an interface or an instance",
        network::vpc_in_use,
    ),
    // Instances, interfaces, load balancers, databases, addresses, key pairs.
    p(
        "public-ip",
        &[K::Instance, K::Interface],
        &["public-ips"],
        "has a public IPv4 address",
        resources::public_ip,
    ),
    p(
        "in public subnet",
        &[K::Instance, K::Interface, K::Database],
        &["subnet"],
        "placed in a subnet routed to an internet gateway",
        resources::in_public_subnet,
    ),
    p(
        "running",
        &[K::Instance],
        &[],
        "not stopped or terminated",
        resources::running,
    ),
    p(
        "imdsv1 enabled",
        &[K::Instance],
        &[],
        "the metadata service accepts requests without a token",
        resources::imdsv1,
    ),
    p(
        "internet-facing",
        &[K::LoadBalancer],
        &[],
        "scheme internet-facing",
        resources::internet_facing,
    ),
    p(
        "forwards plain http",
        &[K::LoadBalancer],
        &["ports"],
        "an HTTP listener forwards to targets",
        resources::forwards_http,
    ),
    p(
        "publicly-accessible",
        &[K::Database],
        &[],
        "PubliclyAccessible is true",
        resources::publicly_accessible,
    ),
    p(
        "unencrypted",
        &[K::Database],
        &[],
        "storage is not encrypted",
        resources::unencrypted,
    ),
    p(
        "used",
        &[K::KeyPair],
        &["instances"],
        "named by at least one instance",
        resources::key_used,
    ),
    p(
        "used by more than <count> instances",
        &[K::KeyPair],
        &["instances", "count"],
        "named by more instances than this",
        resources::key_used_by_more,
    ),
];
