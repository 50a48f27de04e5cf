//! Converters from resource instances to model objects, one family per file, run in phases
//! so that an object exists before anything attaches to it (a group before its
//! `aws_security_group_rule`, a table before its `aws_route`).

mod compute;
mod network;
mod security;
pub use security::GROUPS;
mod services;

use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

pub use compute::LaunchNet;
pub use security::prior_rules;

use super::links::Ctx;
use super::obj::Obj;
use super::Inst;
use crate::error::LoadError;
use crate::model::{Arena, Idx};

type Convert = fn(&mut Ctx, &Inst) -> Result<(), LoadError>;

/// Resource type → (phase, converter). Later phases attach to objects of earlier ones.
const CONVERTERS: &[(&str, u8, Convert)] = &[
    ("aws_vpc", 0, network::vpc),
    ("aws_default_vpc", 0, network::vpc),
    ("aws_subnet", 0, network::subnet),
    ("aws_default_subnet", 0, network::subnet),
    ("aws_internet_gateway", 0, network::internet_gateway),
    (
        "aws_egress_only_internet_gateway",
        0,
        network::egress_only_gateway,
    ),
    ("aws_eip", 0, network::elastic_ip),
    ("aws_route_table", 0, network::route_table),
    ("aws_default_route_table", 0, network::route_table),
    ("aws_network_acl", 0, security::network_acl),
    ("aws_default_network_acl", 0, security::network_acl),
    ("aws_security_group", 0, security::security_group),
    ("aws_default_security_group", 0, security::security_group),
    ("aws_key_pair", 0, compute::key_pair),
    ("aws_launch_template", 0, compute::launch_template),
    ("aws_lb_target_group", 0, services::target_group),
    ("aws_alb_target_group", 0, services::target_group),
    ("aws_nat_gateway", 1, network::nat_gateway),
    ("aws_route", 1, network::route),
    ("aws_eip_association", 1, network::eip_association),
    (
        "aws_route_table_association",
        1,
        network::route_table_association,
    ),
    (
        "aws_main_route_table_association",
        1,
        network::main_route_table_association,
    ),
    ("aws_network_acl_rule", 1, security::network_acl_rule),
    (
        "aws_network_acl_association",
        1,
        security::network_acl_association,
    ),
    ("aws_security_group_rule", 1, security::security_group_rule),
    (
        "aws_vpc_security_group_ingress_rule",
        1,
        security::vpc_security_group_rule,
    ),
    (
        "aws_vpc_security_group_egress_rule",
        1,
        security::vpc_security_group_rule,
    ),
    ("aws_network_interface", 1, compute::network_interface),
    ("aws_lb", 1, services::load_balancer),
    ("aws_alb", 1, services::load_balancer),
    ("aws_db_subnet_group", 1, services::db_subnet_group),
    ("aws_db_instance", 2, services::database),
    ("aws_instance", 2, compute::instance),
    ("aws_lb_listener", 2, services::listener),
    ("aws_alb_listener", 2, services::listener),
    (
        "aws_lb_target_group_attachment",
        3,
        services::target_group_attachment,
    ),
    (
        "aws_alb_target_group_attachment",
        3,
        services::target_group_attachment,
    ),
];

/// Converts every instance, phase by phase; unknown types are counted for one warning.
pub fn all(ctx: &mut Ctx, insts: &[Inst]) -> Result<(), LoadError> {
    for inst in insts {
        if !CONVERTERS.iter().any(|(k, _, _)| *k == inst.kind) {
            ctx.count_unsupported(&inst.kind);
        }
    }
    for phase in 0..=3 {
        for inst in insts {
            if let Some((_, _, f)) = CONVERTERS
                .iter()
                .find(|(k, p, _)| *k == inst.kind && *p == phase)
            {
                f(ctx, inst)?;
            }
        }
    }
    Ok(())
}

/// Inserts under the object's id and makes its Terraform address find it too.
fn put<T>(arena: &mut Arena<T>, id: &str, address: &str, item: T) -> Option<Idx<T>> {
    let ix = arena.insert(id, item)?;
    arena.alias(address, ix);
    Some(ix)
}

/// An IPv4 CIDR attribute; host bits are dropped as AWS does.
fn cidr4(o: &Obj, key: &str) -> Result<Option<Ipv4Net>, LoadError> {
    match o.string(key)? {
        None => Ok(None),
        Some(s) => Ipv4Net::from_str(s.trim())
            .map(|n| Some(n.trunc()))
            .map_err(|_| {
                o.err
                    .invalid(&o.at(key), format!("`{key}` = {s:?} is not an IPv4 CIDR"))
            }),
    }
}

fn cidr6(o: &Obj, key: &str) -> Result<Option<Ipv6Net>, LoadError> {
    match o.string(key)? {
        None => Ok(None),
        Some(s) => Ipv6Net::from_str(s.trim())
            .map(|n| Some(n.trunc()))
            .map_err(|_| {
                o.err
                    .invalid(&o.at(key), format!("`{key}` = {s:?} is not an IPv6 CIDR"))
            }),
    }
}

/// Every CIDR of a list attribute (`cidr_blocks`), IPv4 or IPv6.
fn cidrs(o: &Obj, key: &str) -> Result<Vec<IpNet>, LoadError> {
    let mut out = Vec::new();
    for (i, s) in o.strings(key)?.into_iter().enumerate() {
        let net = IpNet::from_str(s.trim()).map_err(|_| {
            o.err.invalid(
                &format!("{}/{i}", o.at(key)),
                format!("{s:?} is not a CIDR"),
            )
        })?;
        out.push(net.trunc());
    }
    Ok(out)
}

fn ipv4(o: &Obj, key: &str) -> Result<Option<std::net::Ipv4Addr>, LoadError> {
    match o.string(key)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            o.err.invalid(
                &o.at(key),
                format!("`{key}` = {s:?} is not an IPv4 address"),
            )
        }),
    }
}
