//! Security groups and their rules (inline blocks, `aws_security_group_rule`, the newer
//! `aws_vpc_security_group_{ingress,egress}_rule`), and network ACLs with their entries and
//! associations.
//!
//! Terraform defaults differ from AWS's: an `aws_security_group` gets no egress rule unless
//! its configuration has `egress` blocks, because the provider revokes AWS's default
//! allow-all egress on create ("Terraform will remove this default rule, and require you
//! specifically re-create it", aws provider docs, `aws_security_group`; the applied state in
//! the fixtures confirms `egress = []`). `aws_default_security_group` and
//! `aws_default_network_acl` replace every rule of the default with the blocks given.

use ipnet::IpNet;
use serde_json::Value;

use super::network::{default_vpc, non_empty, one};
use super::{cidr4, cidr6, cidrs, put};
use crate::error::LoadError;
use crate::load::terraform::links::{Ctx, Res};
use crate::load::terraform::obj::Obj;
use crate::load::terraform::Inst;
use crate::model::{Direction, NaclEntry, NetworkAcl, Peer, PortSpec, SecurityGroup, SgRule};
use crate::net::Protocol;

const VPCS: &[&str] = &["aws_vpc", "aws_default_vpc"];
const SUBNETS: &[&str] = &["aws_subnet", "aws_default_subnet"];
pub const GROUPS: &[&str] = &["aws_security_group", "aws_default_security_group"];
const NACLS: &[&str] = &["aws_network_acl", "aws_default_network_acl"];
const PREFIX_LISTS: &[&str] = &["aws_ec2_managed_prefix_list"];

/// Where a rule's peers are, by attribute name.
struct PeerKeys {
    v4: &'static str,
    v6: &'static str,
    prefix_lists: &'static str,
    groups: &'static str,
    /// `self`, or `""` when the resource type has none.
    own: &'static str,
}

const INLINE_PEERS: PeerKeys = PeerKeys {
    v4: "cidr_blocks",
    v6: "ipv6_cidr_blocks",
    prefix_lists: "prefix_list_ids",
    groups: "security_groups",
    own: "self",
};
const RULE_PEERS: PeerKeys = PeerKeys {
    v4: "cidr_blocks",
    v6: "ipv6_cidr_blocks",
    prefix_lists: "prefix_list_ids",
    groups: "source_security_group_id",
    own: "self",
};
const VPC_RULE_PEERS: PeerKeys = PeerKeys {
    v4: "cidr_ipv4",
    v6: "cidr_ipv6",
    prefix_lists: "prefix_list_id",
    groups: "referenced_security_group_id",
    own: "",
};

pub fn security_group(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let is_default = inst.kind == "aws_default_security_group";
    let vpc_id = one(ctx.link(
        &res,
        o,
        "vpc_id",
        res.expr("vpc_id"),
        VPCS,
        &mut meta.unknown,
    )?);
    let name = if is_default {
        "default".to_string()
    } else {
        o.string("name")?
            .or(o.string("name_prefix")?)
            .unwrap_or_default()
    };
    let mut rules = [Vec::new(), Vec::new()];
    for (n, dir) in [Direction::Ingress, Direction::Egress]
        .into_iter()
        .enumerate()
    {
        let key = dir.as_str();
        let blocks = o.blocks(key)?;
        for (i, b) in blocks.iter().enumerate() {
            let expr = |attr: &str| ctx.block_expr(&res, key, i, blocks.len(), attr);
            let label = format!("{key}[{i}]");
            let spec = RuleSpec::read(b, "protocol")?;
            let peers = peers(
                ctx,
                &res,
                b,
                &INLINE_PEERS,
                &expr,
                &label,
                &mut meta.unknown,
            )?;
            push_rules(&mut rules[n], dir, &spec, peers, b)?;
        }
        // Without `ingress`/`egress` in its configuration, the group's list is the
        // provider's refreshed copy of every rule in AWS, standalone rule resources
        // included, even those this plan deletes or replaces: those copies go (the rule
        // resources are authoritative); rules made outside Terraform stay.
        if res.cfg.is_some_and(|c| !c.expressions.contains_key(key)) {
            let prior = &ctx.later.prior_rules;
            rules[n].retain(|r| !prior.iter().any(|(g, p)| *g == res.id && same_rule(p, r)));
        }
        // The whole list unknown (a `dynamic` block over unknown values): read as allow-all.
        if blocks.is_empty() && o.is_unknown(key) && res.expr(key).is_some() {
            meta.unknown.push(key.to_string());
            let spec = RuleSpec::all();
            push_rules(&mut rules[n], dir, &spec, world(), o)?;
        }
    }
    if is_default {
        ctx.later.own_default_sg.push(vpc_id.clone());
    }
    let [ingress, egress] = rules;
    let group = SecurityGroup {
        meta,
        name,
        description: o.string("description")?.unwrap_or_default(),
        vpc_id,
        ingress,
        egress,
    };
    put(
        &mut ctx.estate.security_groups,
        &res.id,
        &inst.address,
        group,
    );
    Ok(())
}

/// `aws_security_group_rule`: one rule set attached to a group by `security_group_id`.
pub fn security_group_rule(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let group = one(ctx.link(
        &res,
        o,
        "security_group_id",
        res.expr("security_group_id"),
        GROUPS,
        &mut unknown,
    )?);
    let dir = match o.string("type")?.as_deref() {
        Some("egress") => Direction::Egress,
        Some("ingress") => Direction::Ingress,
        // Unknown direction: ingress, where an exposure would be.
        None if o.is_unknown("type") => {
            unknown.push("type".into());
            Direction::Ingress
        }
        other => {
            return Err(o.err.invalid(
                &o.at("type"),
                format!("`type` should be \"ingress\" or \"egress\", not {other:?}"),
            ))
        }
    };
    let spec = RuleSpec::read(o, "protocol")?;
    let expr = |attr: &str| res.expr(attr);
    let mut peers = peers(ctx, &res, o, &RULE_PEERS, &expr, "", &mut unknown)?;
    // `self = true` names the group the rule is attached to.
    for p in &mut peers {
        if let Peer::Group { group_id, .. } = p {
            if group_id.is_empty() {
                *group_id = group.clone();
            }
        }
    }
    attach_rules(ctx, inst, &group, dir, &spec, peers, o, unknown)
}

/// `aws_vpc_security_group_ingress_rule` / `_egress_rule` (provider 5): one peer each.
pub fn vpc_security_group_rule(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let group = one(ctx.link(
        &res,
        o,
        "security_group_id",
        res.expr("security_group_id"),
        GROUPS,
        &mut unknown,
    )?);
    let dir = if inst.kind.ends_with("egress_rule") {
        Direction::Egress
    } else {
        Direction::Ingress
    };
    let spec = RuleSpec::read(o, "ip_protocol")?;
    let expr = |attr: &str| res.expr(attr);
    let peers = peers(ctx, &res, o, &VPC_RULE_PEERS, &expr, "", &mut unknown)?;
    attach_rules(ctx, inst, &group, dir, &spec, peers, o, unknown)
}

#[allow(clippy::too_many_arguments)]
fn attach_rules(
    ctx: &mut Ctx,
    inst: &Inst,
    group: &str,
    dir: Direction,
    spec: &RuleSpec,
    peers: Vec<Peer>,
    o: &Obj,
    unknown: Vec<String>,
) -> Result<(), LoadError> {
    crate::load::terraform::stand_in::ensure_group(ctx, group);
    let mut rules = Vec::new();
    push_rules(&mut rules, dir, spec, peers, o)?;
    let rule_id = o.string("security_group_rule_id")?;
    for r in &mut rules {
        r.rule_id.clone_from(&rule_id);
    }
    match ctx.estate.security_groups.get_by_id_mut(group) {
        Some(g) => {
            let stand_in = g.is_stand_in();
            // A state lists standalone rules again inside their group: keep one copy. The
            // keys of a group's rules are kept so that a group with thousands of standalone
            // rules is not rescanned for each.
            let list = match dir {
                Direction::Ingress => &mut g.ingress,
                Direction::Egress => &mut g.egress,
            };
            let seen = ctx
                .later
                .rule_keys
                .entry((group.to_string(), dir))
                .or_insert_with(|| list.iter().map(rule_key).collect());
            // A stand-in gathers rules of different groups: identical ones from different
            // resources are different rules there, each reported at its own block.
            for r in rules {
                if seen.insert(rule_key(&r)) || stand_in {
                    list.push(r);
                }
            }
            let address = &inst.address;
            g.meta
                .unknown
                .extend(unknown.into_iter().map(|u| format!("{address}.{u}")));
        }
        None => {
            let path = ctx.err.path.clone();
            ctx.estate.warn(
                path,
                format!(
                    "{}: security group {group:?} is not in this plan or state; rule skipped",
                    inst.address
                ),
            );
        }
    }
    Ok(())
}

/// Protocol and ports of one rule.
struct RuleSpec {
    protocol: Protocol,
    ports: PortSpec,
    description: Option<String>,
}

impl RuleSpec {
    fn all() -> Self {
        RuleSpec {
            protocol: Protocol::All,
            ports: PortSpec::All,
            description: None,
        }
    }

    /// Security-group ports: tcp/udp `from_port..to_port`; ICMP type/code in
    /// `from_port`/`to_port`; `-1` and absent mean any; protocol `-1` ignores ports, so
    /// `-1` with `0`/`0` is all traffic. tcp `0`-`0` is read literally (port 0).
    fn read(o: &Obj, protocol_key: &str) -> Result<Self, LoadError> {
        let protocol = protocol(o, protocol_key)?;
        let ports = ports(o, protocol, "from_port", "to_port", "from_port", "to_port")?;
        Ok(RuleSpec {
            protocol,
            ports,
            description: o.string("description")?,
        })
    }
}

fn protocol(o: &Obj, key: &str) -> Result<Protocol, LoadError> {
    match o.string(key)? {
        // Unknown protocol: all protocols (never hides an exposure).
        None => Ok(Protocol::All),
        Some(p) => Protocol::parse(&p).ok_or_else(|| {
            o.err
                .invalid(&o.at(key), format!("`{key}` = {p:?} is not a protocol"))
        }),
    }
}

fn ports(
    o: &Obj,
    protocol: Protocol,
    from: &str,
    to: &str,
    icmp_type: &str,
    icmp_code: &str,
) -> Result<PortSpec, LoadError> {
    if protocol.has_ports() {
        return match (o.port(from)?, o.port(to)?) {
            (Some(lo), Some(hi)) if lo <= hi => Ok(PortSpec::Range(lo, hi)),
            (Some(lo), Some(hi)) => Err(o
                .err
                .invalid(&o.at(from), format!("`{from}` {lo} is above `{to}` {hi}"))),
            _ => Ok(PortSpec::All),
        };
    }
    if protocol.is_icmp() {
        let byte = |key: &str| -> Result<Option<u8>, LoadError> {
            match o.int(key)? {
                None | Some(-1) => Ok(None),
                Some(n) => u8::try_from(n).map(Some).map_err(|_| {
                    o.err.invalid(
                        &o.at(key),
                        format!("`{key}` = {n} is not an ICMP type or code"),
                    )
                }),
            }
        };
        return Ok(PortSpec::Icmp {
            icmp_type: byte(icmp_type)?,
            code: byte(icmp_code)?,
        });
    }
    Ok(PortSpec::All)
}

/// Everyone on the internet, over IPv4 and IPv6.
fn world() -> Vec<Peer> {
    vec![Peer::Cidr(any_v4()), Peer::Cidr(any_v6())]
}

fn any_v4() -> IpNet {
    IpNet::V4(ipnet::Ipv4Net::default())
}

fn any_v6() -> IpNet {
    IpNet::V6(ipnet::Ipv6Net::default())
}

/// The peers of one rule block. Unknown CIDRs and prefix lists are read as the whole
/// internet (`0.0.0.0/0`, `::/0`), so a plan never looks safer than what apply may make;
/// unknown group references are resolved through the configuration.
fn peers<'c>(
    ctx: &Ctx,
    res: &Res<'_, 'c>,
    o: &Obj,
    keys: &PeerKeys,
    expr: &dyn Fn(&str) -> Option<&'c Value>,
    label: &str,
    unknown: &mut Vec<String>,
) -> Result<Vec<Peer>, LoadError> {
    let name = |attr: &str| {
        if label.is_empty() {
            attr.to_string()
        } else {
            format!("{label}.{attr}")
        }
    };
    // Only values the configuration sets can be unknown for a reason; others are computed.
    let set = |attr: &str| res.cfg.is_none() || expr(attr).is_some();
    let unknown_set = |attr: &str| o.is_unknown(attr) && set(attr);
    let mut out: Vec<Peer> = cidrs(o, keys.v4)?.into_iter().map(Peer::Cidr).collect();
    if unknown_set(keys.v4) {
        unknown.push(name(keys.v4));
        out.push(Peer::Cidr(any_v4()));
    }
    out.extend(cidrs(o, keys.v6)?.into_iter().map(Peer::Cidr));
    if unknown_set(keys.v6) {
        unknown.push(name(keys.v6));
        out.push(Peer::Cidr(any_v6()));
    }
    let lists = ctx.linked_or_known(
        res,
        o,
        keys.prefix_lists,
        expr(keys.prefix_lists),
        PREFIX_LISTS,
    )?;
    out.extend(lists.iter().cloned().map(Peer::PrefixList));
    if lists.is_empty() && unknown_set(keys.prefix_lists) {
        unknown.push(name(keys.prefix_lists));
        out.extend(world());
    }
    let groups = ctx.linked_or_known(res, o, keys.groups, expr(keys.groups), GROUPS)?;
    if groups.is_empty() && unknown_set(keys.groups) {
        unknown.push(name(keys.groups));
    }
    out.extend(groups.into_iter().map(group_peer));
    if !keys.own.is_empty() && o.bool(keys.own)? == Some(true) {
        let own = if res.inst.kind.ends_with("_rule") {
            String::new() // filled in with the rule's group by the caller
        } else {
            res.id.clone()
        };
        out.push(group_peer(own));
    }
    Ok(out)
}

fn group_peer(group_id: String) -> Peer {
    Peer::Group {
        group_id,
        user_id: None,
        vpc_id: None,
        peering_status: None,
    }
}

fn push_rules(
    out: &mut Vec<SgRule>,
    direction: Direction,
    spec: &RuleSpec,
    peers: Vec<Peer>,
    o: &Obj,
) -> Result<(), LoadError> {
    let source = o.source();
    for peer in peers {
        out.push(SgRule {
            direction,
            protocol: spec.protocol,
            ports: spec.ports,
            peer,
            description: spec.description.clone(),
            rule_id: None,
            source: source.clone(),
        });
    }
    Ok(())
}

/// `aws_network_acl` and `aws_default_network_acl` with inline `ingress`/`egress` entries.
pub fn network_acl(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let is_default = inst.kind == "aws_default_network_acl";
    let vpc_id = if is_default {
        default_vpc(ctx, &res, "default_network_acl_id", &mut meta.unknown)?
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
    let subnet_ids = ctx.link(
        &res,
        o,
        "subnet_ids",
        res.expr("subnet_ids"),
        SUBNETS,
        &mut meta.unknown,
    )?;
    let mut entries = Vec::new();
    for egress in [false, true] {
        let key = if egress { "egress" } else { "ingress" };
        for (i, b) in o.blocks(key)?.iter().enumerate() {
            let label = format!("{key}[{i}]");
            entries.extend(nacl_entries(
                b,
                egress,
                "rule_no",
                "action",
                &label,
                &mut meta.unknown,
            )?);
        }
    }
    if is_default {
        ctx.later.own_default_nacl.push(vpc_id.clone());
    }
    ctx.later.nacl_subnets.extend(subnet_ids.iter().cloned());
    let acl = NetworkAcl {
        meta,
        vpc_id,
        is_default,
        entries,
        subnet_ids,
    };
    put(&mut ctx.estate.network_acls, &res.id, &inst.address, acl);
    Ok(())
}

/// One NACL entry block: an IPv4 entry, an IPv6 entry, or (unknown CIDR) a conservative
/// reading: an allow widened to everyone, a deny dropped, so nothing looks blocked that
/// apply may leave open.
fn nacl_entries(
    o: &Obj,
    egress: bool,
    number_key: &str,
    action_key: &str,
    label: &str,
    unknown: &mut Vec<String>,
) -> Result<Vec<NaclEntry>, LoadError> {
    let mark = |key: &str| {
        if label.is_empty() {
            key.to_string()
        } else {
            format!("{label}.{key}")
        }
    };
    let action = o.string(action_key)?.map(|a| a.to_ascii_lowercase());
    let allow = match action.as_deref() {
        Some("allow") => true,
        Some("deny") => false,
        // Unknown action: an allow (a deny could only hide traffic).
        None if o.is_unknown(action_key) => {
            unknown.push(mark(action_key));
            true
        }
        other => {
            return Err(o.err.invalid(
                &o.at(action_key),
                format!("`{action_key}` should be \"allow\" or \"deny\", not {other:?}"),
            ))
        }
    };
    let rule_number = match o.int(number_key)? {
        // Unknown number: an allow is evaluated first, a deny last.
        None if o.is_unknown(number_key) => {
            unknown.push(mark(number_key));
            if allow {
                1
            } else {
                32766
            }
        }
        number => {
            let number = number.unwrap_or(0);
            u16::try_from(number)
                .ok()
                .filter(|n| (1..=32767).contains(n))
                .ok_or_else(|| {
                    o.err.invalid(
                        &o.at(number_key),
                        format!("`{number_key}` = {number} is not 1..32766"),
                    )
                })?
        }
    };
    let protocol = protocol(o, "protocol")?;
    let ports = ports(
        o,
        protocol,
        "from_port",
        "to_port",
        "icmp_type",
        "icmp_code",
    )?;
    let mut nets: Vec<IpNet> = Vec::new();
    nets.extend(cidr4(o, "cidr_block")?.map(IpNet::V4));
    nets.extend(cidr6(o, "ipv6_cidr_block")?.map(IpNet::V6));
    for key in ["cidr_block", "ipv6_cidr_block"] {
        if o.is_unknown(key) {
            unknown.push(mark(key));
            if allow {
                nets.push(if key == "cidr_block" {
                    any_v4()
                } else {
                    any_v6()
                });
            }
        }
    }
    let source = o.source();
    Ok(nets
        .into_iter()
        .map(|cidr| NaclEntry {
            rule_number,
            egress,
            allow,
            protocol,
            cidr,
            ports,
            source: source.clone(),
        })
        .collect())
}

/// `aws_network_acl_rule`: one entry added to an ACL.
pub fn network_acl_rule(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let acl = one(ctx.link(
        &res,
        o,
        "network_acl_id",
        res.expr("network_acl_id"),
        NACLS,
        &mut unknown,
    )?);
    let egress = o.bool("egress")?.unwrap_or(false);
    let entries = nacl_entries(o, egress, "rule_number", "rule_action", "", &mut unknown)?;
    match ctx.estate.network_acls.get_by_id_mut(&acl) {
        Some(a) => {
            a.entries.extend(entries);
            let address = &inst.address;
            a.meta
                .unknown
                .extend(unknown.into_iter().map(|u| format!("{address}.{u}")));
        }
        None => warn_missing(ctx, inst, "network ACL", &acl),
    }
    Ok(())
}

/// `aws_network_acl_association`: the subnet leaves whatever ACL it had for this one.
pub fn network_acl_association(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let acl = one(ctx.link(
        &res,
        o,
        "network_acl_id",
        res.expr("network_acl_id"),
        NACLS,
        &mut unknown,
    )?);
    let Some(subnet) = non_empty(one(ctx.link(
        &res,
        o,
        "subnet_id",
        res.expr("subnet_id"),
        SUBNETS,
        &mut unknown,
    )?)) else {
        return Ok(());
    };
    if ctx.estate.network_acls.find(&acl).is_none() {
        warn_missing(ctx, inst, "network ACL", &acl);
        return Ok(());
    }
    for a in ctx.estate.network_acls.iter_mut() {
        a.subnet_ids.retain(|s| *s != subnet);
    }
    if let Some(a) = ctx.estate.network_acls.get_by_id_mut(&acl) {
        a.subnet_ids.push(subnet.clone());
    }
    ctx.later.nacl_subnets.push(subnet);
    Ok(())
}

fn warn_missing(ctx: &mut Ctx, inst: &Inst, what: &str, id: &str) {
    let path = ctx.err.path.clone();
    ctx.estate.warn(
        path,
        format!(
            "{}: {what} {id:?} is not in this plan or state; skipped",
            inst.address
        ),
    );
}

/// Whether two rules admit the same packets from the same peer.
fn same_rule(a: &SgRule, b: &SgRule) -> bool {
    rule_key(a) == rule_key(b)
}

/// What [`same_rule`] compares, as a hashable key.
fn rule_key(r: &SgRule) -> super::super::links::RuleKey {
    (r.direction, r.protocol, r.ports, r.peer.clone())
}

/// The rules of an `aws_security_group_rule` in a plan's `prior_state` (all values known),
/// with the id of the group they belong to.
pub fn prior_rules(o: &Obj) -> Result<Vec<(String, SgRule)>, LoadError> {
    let Some(group) = o.string("security_group_id")? else {
        return Ok(Vec::new());
    };
    let dir = match o.string("type")?.as_deref() {
        Some("egress") => Direction::Egress,
        _ => Direction::Ingress,
    };
    let spec = RuleSpec::read(o, "protocol")?;
    let mut peers: Vec<Peer> = cidrs(o, "cidr_blocks")?
        .into_iter()
        .map(Peer::Cidr)
        .collect();
    peers.extend(cidrs(o, "ipv6_cidr_blocks")?.into_iter().map(Peer::Cidr));
    peers.extend(
        o.strings("prefix_list_ids")?
            .into_iter()
            .map(Peer::PrefixList),
    );
    peers.extend(
        o.strings("source_security_group_id")?
            .into_iter()
            .map(group_peer),
    );
    if o.bool("self")? == Some(true) {
        peers.push(group_peer(group.clone()));
    }
    let mut rules = Vec::new();
    push_rules(&mut rules, dir, &spec, peers, o)?;
    Ok(rules.into_iter().map(|r| (group.clone(), r)).collect())
}
