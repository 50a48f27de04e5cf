//! Security groups (both `describe-security-groups` and `describe-security-group-rules`)
//! and managed prefix lists.

use super::convert::{region_of, Ctx};
use super::shapes;
use crate::error::LoadError;
use crate::model::{Direction, Estate, Meta, Peer, PrefixList, SecurityGroup, SgRule};

pub fn security_groups(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::SecurityGroup> = ctx.doc.parse("SecurityGroups")?.unwrap_or_default();
    for (i, g) in list.into_iter().enumerate() {
        let at = format!("/SecurityGroups/{i}");
        ctx.require_id(&g.group_id, &at, "GroupId")?;
        let mut ingress = Vec::new();
        for (j, p) in g.ip_permissions.iter().enumerate() {
            permission(
                ctx,
                p,
                Direction::Ingress,
                &format!("{at}/IpPermissions/{j}"),
                &mut ingress,
            )?;
        }
        let mut egress = Vec::new();
        for (j, p) in g.ip_permissions_egress.iter().enumerate() {
            permission(
                ctx,
                p,
                Direction::Egress,
                &format!("{at}/IpPermissionsEgress/{j}"),
                &mut egress,
            )?;
        }
        let mut meta = ctx.meta(&g.group_id, &at, &g.tags);
        meta.owner_id = g.owner_id;
        meta.region = region_of(g.security_group_arn.as_deref(), None);
        let group = SecurityGroup {
            meta,
            name: g.group_name,
            description: g.description,
            vpc_id: g.vpc_id.unwrap_or_default(),
            ingress,
            egress,
        };
        estate.security_groups.insert(&g.group_id, group);
    }
    Ok(())
}

/// Splits one AWS permission into one rule per peer, each with its own source pointer.
fn permission(
    ctx: &Ctx,
    p: &shapes::IpPermission,
    direction: Direction,
    at: &str,
    out: &mut Vec<SgRule>,
) -> Result<(), LoadError> {
    let protocol = ctx.protocol(&p.ip_protocol, &format!("{at}/IpProtocol"))?;
    let ports = ctx.sg_ports(protocol, p.from_port, p.to_port, at)?;
    let rule = |peer: Peer, description: &Option<String>, pointer: String| SgRule {
        direction,
        protocol,
        ports,
        peer,
        description: description.clone().filter(|d| !d.is_empty()),
        rule_id: None,
        source: ctx.source(&pointer),
    };
    for (k, r) in p.ip_ranges.iter().enumerate() {
        let here = format!("{at}/IpRanges/{k}");
        let text = r
            .cidr_ip
            .as_deref()
            .ok_or_else(|| ctx.invalid(&here, "missing CidrIp"))?;
        out.push(rule(
            Peer::Cidr(ctx.cidr(text, &format!("{here}/CidrIp"))?),
            &r.description,
            here,
        ));
    }
    for (k, r) in p.ipv6_ranges.iter().enumerate() {
        let here = format!("{at}/Ipv6Ranges/{k}");
        let text = r
            .cidr_ipv6
            .as_deref()
            .ok_or_else(|| ctx.invalid(&here, "missing CidrIpv6"))?;
        out.push(rule(
            Peer::Cidr(ctx.cidr(text, &format!("{here}/CidrIpv6"))?),
            &r.description,
            here,
        ));
    }
    for (k, r) in p.prefix_list_ids.iter().enumerate() {
        let here = format!("{at}/PrefixListIds/{k}");
        ctx.require_id(&r.prefix_list_id, &here, "PrefixListId")?;
        out.push(rule(
            Peer::PrefixList(r.prefix_list_id.clone()),
            &r.description,
            here,
        ));
    }
    for (k, g) in p.user_id_group_pairs.iter().enumerate() {
        let here = format!("{at}/UserIdGroupPairs/{k}");
        let group_id = g
            .group_id
            .clone()
            .or_else(|| g.group_name.clone())
            .ok_or_else(|| ctx.invalid(&here, "missing GroupId"))?;
        let peer = Peer::Group {
            group_id,
            user_id: g.user_id.clone(),
            vpc_id: g.vpc_id.clone(),
            peering_status: g.peering_status.clone(),
        };
        out.push(rule(peer, &g.description, here));
    }
    Ok(())
}

/// `describe-security-group-rules`: rule ids and descriptions for groups already loaded from
/// `describe-security-groups`; groups known only from here are built from their rules.
pub fn security_group_rules(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::SecurityGroupRule> =
        ctx.doc.parse("SecurityGroupRules")?.unwrap_or_default();
    for (i, r) in list.into_iter().enumerate() {
        let at = format!("/SecurityGroupRules/{i}");
        ctx.require_id(&r.group_id, &at, "GroupId")?;
        let rule = flat_rule(ctx, &r, &at)?;
        if estate.security_groups.find(&r.group_id).is_none() {
            let mut meta = Meta::new(&r.group_id, ctx.source(&at));
            meta.owner_id = r.group_owner_id.clone();
            let stub = SecurityGroup {
                meta,
                name: String::new(),
                description: String::new(),
                vpc_id: String::new(),
                ingress: Vec::new(),
                egress: Vec::new(),
            };
            estate.security_groups.insert(&r.group_id, stub);
        }
        let Some(group) = estate.security_groups.get_by_id_mut(&r.group_id) else {
            continue;
        };
        let list = match rule.direction {
            Direction::Ingress => &mut group.ingress,
            Direction::Egress => &mut group.egress,
        };
        let same = |x: &SgRule| {
            x.protocol == rule.protocol && x.ports == rule.ports && x.peer == rule.peer
        };
        match list.iter_mut().find(|x| x.rule_id.is_none() && same(x)) {
            Some(existing) => {
                existing.rule_id = rule.rule_id;
                if existing.description.is_none() {
                    existing.description = rule.description;
                }
            }
            // Either the group is known only from this file, or the two exports were taken
            // at different times; keeping the rule never hides exposure.
            None => list.push(rule),
        }
    }
    Ok(())
}

fn flat_rule(ctx: &Ctx, r: &shapes::SecurityGroupRule, at: &str) -> Result<SgRule, LoadError> {
    let protocol = ctx.protocol(&r.ip_protocol, &format!("{at}/IpProtocol"))?;
    let ports = ctx.sg_ports(protocol, r.from_port, r.to_port, at)?;
    let peer = if let Some(c) = &r.cidr_ipv4 {
        Peer::Cidr(ctx.cidr(c, &format!("{at}/CidrIpv4"))?)
    } else if let Some(c) = &r.cidr_ipv6 {
        Peer::Cidr(ctx.cidr(c, &format!("{at}/CidrIpv6"))?)
    } else if let Some(p) = &r.prefix_list_id {
        Peer::PrefixList(p.clone())
    } else if let Some(g) = r
        .referenced_group_info
        .as_ref()
        .and_then(|g| g.group_id.clone().map(|id| (id, g)))
    {
        Peer::Group {
            group_id: g.0,
            user_id: g.1.user_id.clone(),
            vpc_id: g.1.vpc_id.clone(),
            peering_status: g.1.peering_status.clone(),
        }
    } else {
        return Err(ctx.invalid(
            at,
            "rule has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo)",
        ));
    };
    Ok(SgRule {
        direction: if r.is_egress {
            Direction::Egress
        } else {
            Direction::Ingress
        },
        protocol,
        ports,
        peer,
        description: r.description.clone().filter(|d| !d.is_empty()),
        rule_id: r.security_group_rule_id.clone(),
        source: ctx.source(at),
    })
}

/// `describe-prefix-lists` (AWS-managed, with `Cidrs`) and `describe-managed-prefix-lists`
/// (no entries: those need `get-managed-prefix-list-entries`, which does not name its list).
pub fn prefix_lists(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    prefix_list_key(estate, ctx, "PrefixLists")
}

pub fn managed_prefix_lists(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    prefix_list_key(estate, ctx, "ManagedPrefixLists")
}

fn prefix_list_key(estate: &mut Estate, ctx: &Ctx, key: &str) -> Result<(), LoadError> {
    let list: Vec<shapes::PrefixList> = ctx.doc.parse(key)?.unwrap_or_default();
    for (i, p) in list.into_iter().enumerate() {
        let at = format!("/{key}/{i}");
        ctx.require_id(&p.prefix_list_id, &at, "PrefixListId")?;
        let mut cidrs = None;
        if let Some(list) = &p.cidrs {
            let mut v = Vec::new();
            for (j, c) in list.iter().enumerate() {
                v.push(ctx.cidr(c, &format!("{at}/Cidrs/{j}"))?);
            }
            cidrs = Some(v);
        }
        if let Some(entries) = &p.entries {
            let mut v = cidrs.take().unwrap_or_default();
            for (j, e) in entries.iter().enumerate() {
                v.push(ctx.cidr(&e.cidr, &format!("{at}/Entries/{j}/Cidr"))?);
            }
            cidrs = Some(v);
        }
        let mut meta = ctx.meta(&p.prefix_list_id, &at, &p.tags);
        meta.owner_id = p.owner_id;
        let list = PrefixList {
            meta,
            name: p.prefix_list_name.unwrap_or_default(),
            cidrs,
        };
        estate.prefix_lists.insert(&p.prefix_list_id, list);
    }
    Ok(())
}
