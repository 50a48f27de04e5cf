//! VPCs, subnets, gateways, elastic IPs, route tables, routes and their associations.

use super::{cidr4, cidr6, ipv4, put};
use crate::error::LoadError;
use crate::load::terraform::defaults::VpcInfo;
use crate::load::terraform::links::{Ctx, Res};
use crate::load::terraform::obj::Obj;
use crate::load::terraform::Inst;
use crate::model::{
    EgressOnlyInternetGateway, ElasticIp, InternetGateway, NatGateway, Route, RouteAssociation,
    RouteDestination, RouteTable, RouteTarget, Subnet, Vpc,
};

const VPCS: &[&str] = &["aws_vpc", "aws_default_vpc"];
const SUBNETS: &[&str] = &["aws_subnet", "aws_default_subnet"];
const TABLES: &[&str] = &["aws_route_table", "aws_default_route_table"];

pub fn vpc(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let cidr = cidr4(o, "cidr_block")?;
    if cidr.is_none() && res.unknown_set("cidr_block") {
        meta.unknown.push("cidr_block".into());
    }
    let v6 = cidr6(o, "ipv6_cidr_block")?;
    // An Amazon-provided IPv6 block is assigned at apply: the VPC has IPv6, value unknown.
    let wants_v6 = o.bool("assign_generated_ipv6_cidr_block")? == Some(true)
        || res.unknown_set("ipv6_cidr_block");
    if v6.is_none() && wants_v6 {
        meta.unknown.push("ipv6_cidr_block".into());
    }
    let info = VpcInfo {
        id: res.id.clone(),
        address: inst.address.clone(),
        default_sg: o.string("default_security_group_id")?,
        default_nacl: o.string("default_network_acl_id")?,
        default_table: o
            .string("default_route_table_id")?
            .or(o.string("main_route_table_id")?),
        source: meta.source.clone(),
        ipv6: v6.is_some() || wants_v6,
    };
    let vpc = Vpc {
        meta,
        cidrs_v4: cidr.into_iter().collect(),
        cidrs_v6: v6.into_iter().collect(),
        is_default: inst.kind == "aws_default_vpc",
    };
    let (id, address) = (res.id.clone(), inst.address.clone());
    put(&mut ctx.estate.vpcs, &id, &address, vpc);
    ctx.later.vpcs.push(info);
    Ok(())
}

pub fn subnet(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let vpc_id = one(ctx.link(
        &res,
        o,
        "vpc_id",
        res.expr("vpc_id"),
        VPCS,
        &mut meta.unknown,
    )?);
    let cidr = cidr4(o, "cidr_block")?;
    if cidr.is_none() && res.unknown_set("cidr_block") {
        meta.unknown.push("cidr_block".into());
    }
    let v6 = cidr6(o, "ipv6_cidr_block")?;
    if v6.is_none() && res.unknown_set("ipv6_cidr_block") {
        meta.unknown.push("ipv6_cidr_block".into());
    }
    let subnet = Subnet {
        meta,
        vpc_id,
        cidr_v4: cidr,
        cidrs_v6: v6.into_iter().collect(),
        availability_zone: o.string("availability_zone")?,
        // aws_default_subnet: default subnets auto-assign public addresses.
        map_public_ip_on_launch: o
            .bool("map_public_ip_on_launch")?
            .unwrap_or(inst.kind == "aws_default_subnet"),
        assign_ipv6_on_creation: o.bool("assign_ipv6_address_on_creation")?.unwrap_or(false),
    };
    put(&mut ctx.estate.subnets, &res.id, &inst.address, subnet);
    Ok(())
}

pub fn internet_gateway(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let mut meta = ctx.meta(&res)?;
    let vpc_ids = ctx.link(
        &res,
        &res.obj,
        "vpc_id",
        res.expr("vpc_id"),
        VPCS,
        &mut meta.unknown,
    )?;
    put(
        &mut ctx.estate.internet_gateways,
        &res.id,
        &inst.address,
        InternetGateway { meta, vpc_ids },
    );
    Ok(())
}

pub fn egress_only_gateway(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let mut meta = ctx.meta(&res)?;
    let vpc_ids = ctx.link(
        &res,
        &res.obj,
        "vpc_id",
        res.expr("vpc_id"),
        VPCS,
        &mut meta.unknown,
    )?;
    let gw = EgressOnlyInternetGateway { meta, vpc_ids };
    put(
        &mut ctx.estate.egress_only_gateways,
        &res.id,
        &inst.address,
        gw,
    );
    Ok(())
}

pub fn elastic_ip(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let public_ip = ipv4(o, "public_ip")?;
    if public_ip.is_none() && o.is_unknown("public_ip") {
        // An elastic IP always has an address; only its value is unknown.
        meta.unknown.push("public_ip".into());
    }
    let instance_id = one(ctx.link(
        &res,
        o,
        "instance",
        res.expr("instance"),
        &["aws_instance"],
        &mut meta.unknown,
    )?);
    let interface_id = one(ctx.link(
        &res,
        o,
        "network_interface",
        res.expr("network_interface"),
        &["aws_network_interface"],
        &mut meta.unknown,
    )?);
    let eip = ElasticIp {
        meta,
        public_ip,
        association_id: o.string("association_id")?,
        instance_id: non_empty(instance_id),
        interface_id: non_empty(interface_id),
        private_ip: ipv4(o, "private_ip")?.or(ipv4(o, "associate_with_private_ip")?),
    };
    put(&mut ctx.estate.elastic_ips, &res.id, &inst.address, eip);
    ctx.later.eips.push(res.id.clone());
    Ok(())
}

pub fn nat_gateway(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let subnet_id = one(ctx.link(
        &res,
        o,
        "subnet_id",
        res.expr("subnet_id"),
        SUBNETS,
        &mut meta.unknown,
    )?);
    let alloc = ctx.link(
        &res,
        o,
        "allocation_id",
        res.expr("allocation_id"),
        &["aws_eip"],
        &mut meta.unknown,
    )?;
    let mut public_ips: Vec<_> = ipv4(o, "public_ip")?.into_iter().collect();
    for a in &alloc {
        match ctx.estate.elastic_ips.get_by_id(a).map(|e| e.public_ip) {
            Some(Some(ip)) if !public_ips.contains(&ip) => public_ips.push(ip),
            Some(None) => meta.unknown.push("public_ip".into()),
            _ => {}
        }
    }
    let vpc_id = vpc_of_subnet(ctx, &subnet_id);
    let nat = NatGateway {
        meta,
        vpc_id,
        subnet_id,
        state: None,
        connectivity: o
            .string("connectivity_type")?
            .unwrap_or_else(|| "public".into()),
        public_ips,
        private_ips: ipv4(o, "private_ip")?.into_iter().collect(),
    };
    put(&mut ctx.estate.nat_gateways, &res.id, &inst.address, nat);
    Ok(())
}

/// `aws_route_table` (inline `route` blocks) and `aws_default_route_table` (the VPC's main
/// table, adopted: its routes become exactly the blocks given).
pub fn route_table(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let is_default = inst.kind == "aws_default_route_table";
    let vpc_id = if is_default {
        default_vpc(ctx, &res, "default_route_table_id", &mut meta.unknown)?
    } else {
        one(ctx.link(
            &res,
            o,
            "vpc_id",
            res.expr("vpc_id"),
            VPCS,
            &mut meta.unknown,
        )?)
    };
    let blocks = o.blocks("route")?;
    let mut routes = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let expr = |attr: &str| ctx.block_expr(&res, "route", i, blocks.len(), attr);
        let dest = RouteDest::Inline;
        if let Some(r) = route_from(
            ctx,
            &res,
            b,
            dest,
            &expr,
            &format!("route[{i}]"),
            &mut meta.unknown,
        )? {
            routes.push(r);
        }
    }
    if o.is_unknown("route") && blocks.is_empty() && res.expr("route").is_some() {
        meta.unknown.push("route".into());
    }
    let associations = if is_default {
        ctx.later.own_main_table.push(vpc_id.clone());
        vec![RouteAssociation {
            subnet_id: None,
            gateway_id: None,
            main: true,
        }]
    } else {
        Vec::new()
    };
    let table = RouteTable {
        meta,
        vpc_id,
        routes,
        associations,
    };
    put(&mut ctx.estate.route_tables, &res.id, &inst.address, table);
    ctx.later.tables.push(res.id.clone());
    Ok(())
}

/// The VPC an `aws_default_*` resource adopts the default of: `vpc_id` when known (state),
/// else the VPC its `default_*_id` argument references (`aws_vpc.main.default_route_table_id`).
pub fn default_vpc(
    ctx: &Ctx,
    res: &Res,
    attr: &str,
    unknown: &mut Vec<String>,
) -> Result<String, LoadError> {
    if let Some(v) = res.obj.string("vpc_id")? {
        return Ok(v);
    }
    let linked = ctx.linked(res, res.expr(attr), VPCS, true);
    match linked.into_iter().next() {
        Some((_, id)) => Ok(id),
        None => {
            unknown.push("vpc_id".into());
            Ok(String::new())
        }
    }
}

/// Which attribute names hold a route's destination.
#[derive(Clone, Copy)]
enum RouteDest {
    /// `route` blocks: `cidr_block`, `ipv6_cidr_block`, `destination_prefix_list_id`.
    Inline,
    /// `aws_route`: `destination_cidr_block`, `destination_ipv6_cidr_block`, ….
    Standalone,
}

/// Target attributes, the resource types a reference may name, and the target kind.
/// (attribute, resource types it may reference, target kind).
type TargetAttr = (
    &'static str,
    &'static [&'static str],
    fn(String) -> RouteTarget,
);

const TARGETS: &[TargetAttr] = &[
    (
        "gateway_id",
        &["aws_internet_gateway", "aws_vpn_gateway"],
        RouteTarget::InternetGateway,
    ),
    (
        "egress_only_gateway_id",
        &["aws_egress_only_internet_gateway"],
        RouteTarget::EgressOnlyInternetGateway,
    ),
    (
        "nat_gateway_id",
        &["aws_nat_gateway"],
        RouteTarget::NatGateway,
    ),
    (
        "transit_gateway_id",
        &["aws_ec2_transit_gateway"],
        RouteTarget::TransitGateway,
    ),
    (
        "vpc_peering_connection_id",
        &["aws_vpc_peering_connection"],
        RouteTarget::VpcPeering,
    ),
    (
        "network_interface_id",
        &["aws_network_interface"],
        RouteTarget::NetworkInterface,
    ),
    ("instance_id", &["aws_instance"], RouteTarget::Instance),
    (
        "vpc_endpoint_id",
        &["aws_vpc_endpoint"],
        RouteTarget::VpcEndpoint,
    ),
    (
        "carrier_gateway_id",
        &["aws_ec2_carrier_gateway"],
        RouteTarget::CarrierGateway,
    ),
    ("local_gateway_id", &[], RouteTarget::LocalGateway),
];

fn route_from<'c>(
    ctx: &Ctx,
    res: &Res<'_, 'c>,
    o: &Obj,
    dest: RouteDest,
    expr: &dyn Fn(&str) -> Option<&'c serde_json::Value>,
    label: &str,
    unknown: &mut Vec<String>,
) -> Result<Option<Route>, LoadError> {
    let (k4, k6, kpl) = match dest {
        RouteDest::Inline => (
            "cidr_block",
            "ipv6_cidr_block",
            "destination_prefix_list_id",
        ),
        RouteDest::Standalone => (
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ),
    };
    let destination = if let Some(n) = cidr4(o, k4)? {
        RouteDestination::Cidr(n.into())
    } else if let Some(n) = cidr6(o, k6)? {
        RouteDestination::Cidr(n.into())
    } else if let Some(pl) = o.string(kpl)? {
        RouteDestination::PrefixList(pl)
    } else {
        // A route whose destination is unknown: read as the default route, the widest.
        unknown.push(dotted(label, k4));
        RouteDestination::Cidr(ipnet::IpNet::V4(ipnet::Ipv4Net::default()))
    };
    let mut target = None;
    for (attr, types, make) in TARGETS {
        if let Some(id) = o.string(attr)? {
            target = Some(if *attr == "gateway_id" {
                RouteTarget::from_gateway_id(&id)
            } else {
                make(id)
            });
            break;
        }
        if o.is_unknown(attr) {
            let linked = ctx.linked(res, expr(attr), types, true);
            if let Some((kind, id)) = linked.into_iter().next() {
                target = Some(match kind.as_str() {
                    "aws_vpn_gateway" => RouteTarget::VirtualPrivateGateway(id),
                    _ => make(id),
                });
                break;
            }
            unknown.push(dotted(label, attr));
        }
    }
    let Some(target) = target else {
        return Ok(None); // no target at all: nothing AWS would route
    };
    Ok(Some(Route {
        destination,
        target,
        blackhole: false,
        source: o.source(),
    }))
}

pub fn route(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let table = one(ctx.link(
        &res,
        o,
        "route_table_id",
        res.expr("route_table_id"),
        TABLES,
        &mut unknown,
    )?);
    let expr = |attr: &str| res.expr(attr);
    let route = route_from(ctx, &res, o, RouteDest::Standalone, &expr, "", &mut unknown)?;
    let address = inst.address.clone();
    attach_to_table(ctx, &table, &address, |t| {
        t.routes.extend(route);
        t.meta
            .unknown
            .extend(unknown.into_iter().map(|u| format!("{address}.{u}")));
    });
    Ok(())
}

/// `aws_eip_association`: links an elastic IP (by allocation id) to an instance or
/// interface; the address reaches the interface in `defaults::finish`.
pub fn eip_association(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let alloc = one(ctx.link(
        &res,
        o,
        "allocation_id",
        res.expr("allocation_id"),
        &["aws_eip"],
        &mut unknown,
    )?);
    let instance = one(ctx.link(
        &res,
        o,
        "instance_id",
        res.expr("instance_id"),
        &["aws_instance"],
        &mut unknown,
    )?);
    let eni = one(ctx.link(
        &res,
        o,
        "network_interface_id",
        res.expr("network_interface_id"),
        &["aws_network_interface"],
        &mut unknown,
    )?);
    match ctx.estate.elastic_ips.get_by_id_mut(&alloc) {
        Some(e) => {
            e.instance_id = non_empty(instance).or(e.instance_id.take());
            e.interface_id = non_empty(eni).or(e.interface_id.take());
            let address = &inst.address;
            e.meta
                .unknown
                .extend(unknown.into_iter().map(|u| format!("{address}.{u}")));
        }
        None => {
            let path = ctx.err.path.clone();
            ctx.estate.warn(
                path,
                format!(
                    "{}: elastic IP {alloc:?} is not in this plan or state; skipped",
                    inst.address
                ),
            );
        }
    }
    Ok(())
}

pub fn route_table_association(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let table = one(ctx.link(
        &res,
        o,
        "route_table_id",
        res.expr("route_table_id"),
        TABLES,
        &mut unknown,
    )?);
    let subnet = one(ctx.link(
        &res,
        o,
        "subnet_id",
        res.expr("subnet_id"),
        SUBNETS,
        &mut unknown,
    )?);
    let gateway = one(ctx.link(
        &res,
        o,
        "gateway_id",
        res.expr("gateway_id"),
        &["aws_internet_gateway", "aws_vpn_gateway"],
        &mut unknown,
    )?);
    let assoc = RouteAssociation {
        subnet_id: non_empty(subnet),
        gateway_id: non_empty(gateway),
        main: false,
    };
    let address = inst.address.clone();
    attach_to_table(ctx, &table, &address, |t| {
        t.associations.push(assoc);
        t.meta
            .unknown
            .extend(unknown.into_iter().map(|u| format!("{address}.{u}")));
    });
    Ok(())
}

pub fn main_route_table_association(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let table = one(ctx.link(
        &res,
        o,
        "route_table_id",
        res.expr("route_table_id"),
        TABLES,
        &mut unknown,
    )?);
    let vpc = one(ctx.link(&res, o, "vpc_id", res.expr("vpc_id"), VPCS, &mut unknown)?);
    // A VPC has one main table: the association moves it from the previous one.
    for t in ctx.estate.route_tables.iter_mut() {
        if t.vpc_id == vpc && t.meta.id != table {
            t.associations.retain(|a| !a.main);
        }
    }
    ctx.later.own_main_table.push(vpc);
    let address = inst.address.clone();
    attach_to_table(ctx, &table, &address, |t| {
        t.associations.push(RouteAssociation {
            subnet_id: None,
            gateway_id: None,
            main: true,
        });
    });
    Ok(())
}

fn attach_to_table(ctx: &mut Ctx, table: &str, by: &str, f: impl FnOnce(&mut RouteTable)) {
    match ctx.estate.route_tables.get_by_id_mut(table) {
        Some(t) => f(t),
        None => {
            let path = ctx.err.path.clone();
            ctx.estate.warn(
                path,
                format!("{by}: route table {table:?} is not in this plan or state; skipped"),
            );
        }
    }
}

/// The single id of a single-valued link (`""` when unresolved; the unknown mark says why).
pub fn one(ids: Vec<String>) -> String {
    ids.into_iter().next().unwrap_or_default()
}

pub fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

pub fn vpc_of_subnet(ctx: &Ctx, subnet: &str) -> String {
    ctx.estate
        .subnets
        .get_by_id(subnet)
        .map(|s| s.vpc_id.clone())
        .unwrap_or_default()
}

/// `route[0].gateway_id`, or just `gateway_id` for a standalone resource.
fn dotted(label: &str, attr: &str) -> String {
    if label.is_empty() {
        attr.to_string()
    } else {
        format!("{label}.{attr}")
    }
}
