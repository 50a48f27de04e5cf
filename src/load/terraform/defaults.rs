//! What AWS creates or decides without a resource of its own, made explicit once every
//! resource of a file is loaded, so a plan shows the topology the engine would see after
//! apply (and the same shape the AWS CLI loader produces):
//!
//! - every new VPC's default security group (all inbound from itself, all outbound), default
//!   network ACL (allow all, both directions) and main route table, unless an
//!   `aws_default_security_group` / `aws_default_network_acl` / `aws_default_route_table`
//!   (or `aws_main_route_table_association`) takes them over; their id is the VPC's
//!   `default_*_id` when known, else `<vpc address>.default_security_group_id` etc.;
//! - the `local` route of every table, for each VPC CIDR;
//! - subnets without an explicit NACL association listed on their VPC's default NACL;
//! - instances without groups placed in their VPC's default group;
//! - public addresses: an instance interface gets one when `associate_public_ip_address`
//!   is true, or unset and its subnet has `map_public_ip_on_launch`; an elastic IP adds its
//!   address. When the address itself is unknown, `public_ip` is recorded in
//!   `meta.unknown` (see [`crate::model::Meta::unknown`]);
//! - target groups learn their load balancers from listeners.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::links::Ctx;
use crate::model::{
    Direction, NaclEntry, NetworkAcl, Peer, PortSpec, Route, RouteAssociation, RouteDestination,
    RouteTable, RouteTarget, SecurityGroup, SgRule, Source,
};
use crate::net::Protocol;

/// A VPC created by the file, with the ids of its defaults when already known.
#[derive(Debug, Clone)]
pub struct VpcInfo {
    pub id: String,
    pub address: String,
    pub default_sg: Option<String>,
    pub default_nacl: Option<String>,
    pub default_table: Option<String>,
    pub source: Source,
    pub ipv6: bool,
}

pub fn finish(ctx: &mut Ctx) {
    let vpcs = ctx.later.vpcs.clone();
    for v in &vpcs {
        if !ctx.later.own_default_sg.contains(&v.id) {
            default_group(ctx, v);
        }
        if !ctx.later.own_default_nacl.contains(&v.id) {
            default_nacl(ctx, v);
        }
        if !ctx.later.own_main_table.contains(&v.id) {
            main_table(ctx, v);
        }
    }
    local_routes(ctx);
    unassociated_subnets(ctx);
    instance_groups(ctx);
    public_addresses(ctx);
    listeners_to_target_groups(ctx);
}

/// The meta of a default object. A new VPC's defaults certainly hold AWS's initial rules;
/// an existing VPC's (known id) may have been changed outside Terraform, so their rules
/// (`rules`) are marked as assumed in `meta.unknown`: an AWS CLI export of the same VPC
/// knows better.
fn synthesized_meta(
    v: &VpcInfo,
    id: &Option<String>,
    attr: &str,
    rules: &[&str],
) -> crate::model::Meta {
    let address = format!("{}.{attr}", v.address);
    let mut meta = crate::model::Meta::new(
        id.clone().unwrap_or_else(|| address.clone()),
        v.source.clone(),
    );
    meta.address = Some(address);
    if id.is_some() {
        meta.unknown = rules.iter().map(|r| r.to_string()).collect();
    }
    meta
}

fn default_group(ctx: &mut Ctx, v: &VpcInfo) {
    let meta = synthesized_meta(
        v,
        &v.default_sg,
        "default_security_group_id",
        &["ingress", "egress"],
    );
    let id = meta.id.clone();
    let rule = |direction, peer| SgRule {
        direction,
        protocol: Protocol::All,
        ports: PortSpec::All,
        peer,
        description: None,
        rule_id: None,
        source: v.source.clone(),
    };
    let own = Peer::Group {
        group_id: id.clone(),
        user_id: None,
        vpc_id: None,
        peering_status: None,
    };
    let mut egress = vec![rule(
        Direction::Egress,
        Peer::Cidr(IpNet::V4(Ipv4Net::default())),
    )];
    if v.ipv6 {
        egress.push(rule(
            Direction::Egress,
            Peer::Cidr(IpNet::V6(Ipv6Net::default())),
        ));
    }
    let group = SecurityGroup {
        meta,
        name: "default".into(),
        description: "default VPC security group".into(),
        vpc_id: v.id.clone(),
        ingress: vec![rule(Direction::Ingress, own)],
        egress,
    };
    insert_aliased(&mut ctx.estate.security_groups, group, |g| &g.meta);
}

fn default_nacl(ctx: &mut Ctx, v: &VpcInfo) {
    let meta = synthesized_meta(
        v,
        &v.default_nacl,
        "default_network_acl_id",
        &["ingress", "egress"],
    );
    let mut nets = vec![IpNet::V4(Ipv4Net::default())];
    if v.ipv6 {
        nets.push(IpNet::V6(Ipv6Net::default()));
    }
    let mut entries = Vec::new();
    for egress in [false, true] {
        for (i, cidr) in nets.iter().enumerate() {
            entries.push(NaclEntry {
                rule_number: 100 + i as u16,
                egress,
                allow: true,
                protocol: Protocol::All,
                cidr: *cidr,
                ports: PortSpec::All,
                source: v.source.clone(),
            });
        }
    }
    let acl = NetworkAcl {
        meta,
        vpc_id: v.id.clone(),
        is_default: true,
        entries,
        subnet_ids: Vec::new(),
    };
    insert_aliased(&mut ctx.estate.network_acls, acl, |a| &a.meta);
}

fn main_table(ctx: &mut Ctx, v: &VpcInfo) {
    let meta = synthesized_meta(v, &v.default_table, "default_route_table_id", &["route"]);
    ctx.later.tables.push(meta.id.clone());
    let table = RouteTable {
        meta,
        vpc_id: v.id.clone(),
        routes: Vec::new(),
        associations: vec![RouteAssociation {
            subnet_id: None,
            gateway_id: None,
            main: true,
        }],
    };
    insert_aliased(&mut ctx.estate.route_tables, table, |t| &t.meta);
}

fn insert_aliased<T>(
    arena: &mut crate::model::Arena<T>,
    item: T,
    meta: impl Fn(&T) -> &crate::model::Meta,
) {
    let m = meta(&item);
    let (id, address) = (m.id.clone(), m.address.clone());
    if let Some(ix) = arena.insert(&id, item) {
        if let Some(a) = address {
            arena.alias(&a, ix);
        }
    }
}

/// Every route table of the file gets the `local` route of its VPC's CIDRs (AWS lists it
/// in every table; Terraform never shows it).
fn local_routes(ctx: &mut Ctx) {
    for table_id in ctx.later.tables.clone() {
        let Some(table) = ctx.estate.route_tables.get_by_id(&table_id) else {
            continue;
        };
        let Some(vpc) = ctx.estate.vpcs.get_by_id(&table.vpc_id) else {
            continue;
        };
        let nets: Vec<IpNet> = vpc
            .cidrs_v4
            .iter()
            .map(|n| IpNet::V4(*n))
            .chain(vpc.cidrs_v6.iter().map(|n| IpNet::V6(*n)))
            .collect();
        let source = table.meta.source.clone();
        if let Some(t) = ctx.estate.route_tables.get_by_id_mut(&table_id) {
            for net in nets.into_iter().rev() {
                let dest = RouteDestination::Cidr(net);
                if !t
                    .routes
                    .iter()
                    .any(|r| r.destination == dest && r.target == RouteTarget::Local)
                {
                    t.routes.insert(
                        0,
                        Route {
                            destination: dest,
                            target: RouteTarget::Local,
                            blackhole: false,
                            source: source.clone(),
                        },
                    );
                }
            }
        }
    }
}

/// Subnets of the file's VPCs that no NACL names are associated with the VPC's default.
fn unassociated_subnets(ctx: &mut Ctx) {
    let vpc_ids: Vec<String> = ctx.later.vpcs.iter().map(|v| v.id.clone()).collect();
    let mut loose: Vec<(String, String)> = Vec::new();
    for s in ctx.estate.subnets.iter() {
        let named = ctx
            .estate
            .network_acls
            .iter()
            .any(|a| a.subnet_ids.contains(&s.meta.id));
        if !named && vpc_ids.contains(&s.vpc_id) {
            loose.push((s.vpc_id.clone(), s.meta.id.clone()));
        }
    }
    for (vpc, subnet) in loose {
        if let Some(acl) = ctx
            .estate
            .network_acls
            .iter_mut()
            .find(|a| a.is_default && a.vpc_id == vpc)
        {
            acl.subnet_ids.push(subnet);
        }
    }
}

fn default_group_of(ctx: &Ctx, vpc: &str) -> Option<String> {
    ctx.estate
        .security_groups
        .iter()
        .find(|g| g.is_default() && g.vpc_id == vpc)
        .map(|g| g.meta.id.clone())
}

/// Group names (`aws_instance.security_groups`) become ids; no group at all means the
/// VPC's default group (EC2 `RunInstances`: "If you don't specify a security group, we
/// use the default security group").
fn instance_groups(ctx: &mut Ctx) {
    for (inst_id, names) in ctx.later.group_names.clone() {
        let Some(inst) = ctx.estate.instances.get_by_id(&inst_id) else {
            continue;
        };
        let vpc = inst.vpc_id.clone().unwrap_or_default();
        let ids: Vec<String> = names
            .iter()
            .map(|n| {
                ctx.estate
                    .security_groups
                    .iter()
                    .find(|g| &g.name == n && (vpc.is_empty() || g.vpc_id == vpc))
                    .map_or_else(|| n.clone(), |g| g.meta.id.clone())
            })
            .collect();
        set_instance_groups(ctx, &inst_id, ids, true);
    }
    let empty: Vec<(String, String)> = ctx
        .later
        .instance_enis
        .iter()
        .filter_map(|(eni, _)| {
            let e = ctx.estate.interfaces.get_by_id(eni)?;
            let inst = e.instance_id.clone()?;
            (e.group_ids.is_empty() && !e.vpc_id.is_empty()).then(|| (inst, e.vpc_id.clone()))
        })
        .collect();
    for (inst, vpc) in empty {
        if let Some(g) = default_group_of(ctx, &vpc) {
            set_instance_groups(ctx, &inst, vec![g], false);
        }
    }
}

fn set_instance_groups(ctx: &mut Ctx, inst_id: &str, ids: Vec<String>, extend: bool) {
    let Some(inst) = ctx.estate.instances.get_by_id_mut(inst_id) else {
        return;
    };
    if extend {
        for id in ids {
            if !inst.group_ids.contains(&id) {
                inst.group_ids.push(id);
            }
        }
    } else {
        inst.group_ids = ids.clone();
    }
    let enis = inst.interface_ids.clone();
    let groups = inst.group_ids.clone();
    if let Some(eth0) = enis.first() {
        if let Some(e) = ctx.estate.interfaces.get_by_id_mut(eth0) {
            e.group_ids = groups;
        }
    }
}

fn public_addresses(ctx: &mut Ctx) {
    for (eni_id, associate) in ctx.later.instance_enis.clone() {
        let Some(eni) = ctx.estate.interfaces.get_by_id(&eni_id) else {
            continue;
        };
        let map_public = ctx
            .estate
            .subnets
            .get_by_id(&eni.subnet_id)
            .is_some_and(|s| s.map_public_ip_on_launch);
        if eni.public_ips.is_empty() && associate.unwrap_or(map_public) {
            mark_public_unknown(ctx, &eni_id);
        }
    }
    for eip_id in ctx.later.eips.clone() {
        let Some(eip) = ctx.estate.elastic_ips.get_by_id(&eip_id) else {
            continue;
        };
        let eni_id = eip.interface_id.clone().or_else(|| {
            let inst = ctx
                .estate
                .instances
                .get_by_id(eip.instance_id.as_deref()?)?;
            inst.interface_ids.first().cloned()
        });
        let (ip, Some(eni_id)) = (eip.public_ip, eni_id) else {
            continue;
        };
        if let Some(e) = ctx.estate.elastic_ips.get_by_id_mut(&eip_id) {
            e.interface_id = Some(eni_id.clone());
        }
        match ip {
            Some(ip) => {
                if let Some(e) = ctx.estate.interfaces.get_by_id_mut(&eni_id) {
                    if !e.public_ips.contains(&ip) {
                        e.public_ips.push(ip);
                    }
                }
            }
            None => mark_public_unknown(ctx, &eni_id),
        }
    }
}

fn mark_public_unknown(ctx: &mut Ctx, eni_id: &str) {
    let Some(e) = ctx.estate.interfaces.get_by_id_mut(eni_id) else {
        return;
    };
    if !e.meta.unknown.iter().any(|u| u == "public_ip") {
        e.meta.unknown.push("public_ip".into());
    }
    if let Some(inst) = e.instance_id.clone() {
        if let Some(i) = ctx.estate.instances.get_by_id_mut(&inst) {
            if !i.meta.unknown.iter().any(|u| u == "public_ip") {
                i.meta.unknown.push("public_ip".into());
            }
        }
    }
}

fn listeners_to_target_groups(ctx: &mut Ctx) {
    let links: Vec<(String, String)> = ctx
        .estate
        .listeners
        .iter()
        .flat_map(|l| {
            l.target_group_arns
                .iter()
                .map(|t| (t.clone(), l.load_balancer_arn.clone()))
        })
        .collect();
    for (tg, lb) in links {
        if let Some(g) = ctx.estate.target_groups.get_by_id_mut(&tg) {
            if !lb.is_empty() && !g.load_balancer_arns.contains(&lb) {
                g.load_balancer_arns.push(lb);
            }
        }
    }
}
