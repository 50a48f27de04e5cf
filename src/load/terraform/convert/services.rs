//! Load balancers, listeners, target groups and attachments; databases and subnet groups.

use super::network::{non_empty, one, vpc_of_subnet};
use super::put;
use super::security::GROUPS;
use crate::error::LoadError;
use crate::load::terraform::links::Ctx;
use crate::load::terraform::Inst;
use crate::model::{Database, DbSubnetGroup, Listener, LoadBalancer, Target, TargetGroup};

const SUBNETS: &[&str] = &["aws_subnet", "aws_default_subnet"];
const VPCS: &[&str] = &["aws_vpc", "aws_default_vpc"];
const LBS: &[&str] = &["aws_lb", "aws_alb"];
const TARGET_GROUPS: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];

pub fn load_balancer(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let mut subnet_ids = ctx.link(
        &res,
        o,
        "subnets",
        res.expr("subnets"),
        SUBNETS,
        &mut meta.unknown,
    )?;
    let blocks = o.blocks("subnet_mapping")?;
    for (i, b) in blocks.iter().enumerate() {
        let expr = ctx.block_expr(&res, "subnet_mapping", i, blocks.len(), "subnet_id");
        for s in ctx.linked_or_known(&res, b, "subnet_id", expr, SUBNETS)? {
            if !subnet_ids.contains(&s) {
                subnet_ids.push(s);
            }
        }
    }
    let group_ids = ctx.link(
        &res,
        o,
        "security_groups",
        res.expr("security_groups"),
        GROUPS,
        &mut meta.unknown,
    )?;
    // `internal` defaults to false: internet-facing (also the reading that hides nothing).
    let internal = o.bool("internal")?.unwrap_or(false);
    let vpc_id = o
        .string("vpc_id")?
        .or_else(|| subnet_ids.first().map(|s| vpc_of_subnet(ctx, s)))
        .unwrap_or_default();
    let lb = LoadBalancer {
        meta,
        name: o.string("name")?.unwrap_or_default(),
        scheme: if internal {
            "internal"
        } else {
            "internet-facing"
        }
        .to_string(),
        lb_type: o
            .string("load_balancer_type")?
            .unwrap_or_else(|| "application".into()),
        vpc_id,
        subnet_ids,
        group_ids,
        dns_name: o.string("dns_name")?,
        ip_address_type: o.string("ip_address_type")?,
    };
    put(&mut ctx.estate.load_balancers, &res.id, &inst.address, lb);
    Ok(())
}

pub fn listener(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let lb = one(ctx.link(
        &res,
        o,
        "load_balancer_arn",
        res.expr("load_balancer_arn"),
        LBS,
        &mut meta.unknown,
    )?);
    let lb_type = ctx
        .estate
        .load_balancers
        .get_by_id(&lb)
        .map(|l| l.lb_type.clone());
    let protocol = o.string("protocol")?.unwrap_or_else(|| {
        // The provider's default: HTTP for application, TCP for network load balancers.
        if lb_type.as_deref() == Some("network") {
            "TCP"
        } else {
            "HTTP"
        }
        .to_string()
    });
    let port = match o.port("port")? {
        Some(p) => p,
        None => {
            meta.unknown.push("port".into());
            0
        }
    };
    let mut target_group_arns = Vec::new();
    let actions = o.blocks("default_action")?;
    for (i, a) in actions.iter().enumerate() {
        if a.string("type")?.as_deref() != Some("forward") {
            continue;
        }
        let expr = ctx.block_expr(&res, "default_action", i, actions.len(), "target_group_arn");
        target_group_arns.extend(ctx.linked_or_known(
            &res,
            a,
            "target_group_arn",
            expr,
            TARGET_GROUPS,
        )?);
        // Weighted forwarding: `forward { target_group { arn } }`.
        for f in a.blocks("forward")? {
            for tg in f.blocks("target_group")? {
                let expr = ctx.block_expr(&res, "default_action", i, actions.len(), "forward");
                target_group_arns.extend(ctx.linked_or_known(
                    &res,
                    &tg,
                    "arn",
                    expr,
                    TARGET_GROUPS,
                )?);
            }
        }
    }
    target_group_arns.dedup();
    let l = Listener {
        meta,
        load_balancer_arn: lb,
        port,
        protocol,
        target_group_arns,
    };
    put(&mut ctx.estate.listeners, &res.id, &inst.address, l);
    Ok(())
}

pub fn target_group(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let vpc_id = non_empty(one(ctx.link(
        &res,
        o,
        "vpc_id",
        res.expr("vpc_id"),
        VPCS,
        &mut meta.unknown,
    )?));
    let tg = TargetGroup {
        meta,
        name: o.string("name")?.unwrap_or_default(),
        protocol: o.string("protocol")?,
        port: o.port("port")?,
        vpc_id,
        target_type: o
            .string("target_type")?
            .unwrap_or_else(|| "instance".into()),
        load_balancer_arns: Vec::new(),
        preserve_client_ip: o.bool("preserve_client_ip")?,
    };
    put(&mut ctx.estate.target_groups, &res.id, &inst.address, tg);
    Ok(())
}

pub fn target_group_attachment(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let tg = one(ctx.link(
        &res,
        o,
        "target_group_arn",
        res.expr("target_group_arn"),
        TARGET_GROUPS,
        &mut unknown,
    )?);
    let target = one(ctx.link(
        &res,
        o,
        "target_id",
        res.expr("target_id"),
        &["aws_instance", "aws_lb", "aws_alb"],
        &mut unknown,
    )?);
    if !unknown.is_empty() {
        if let Some(g) = ctx.estate.target_groups.get_by_id_mut(&tg) {
            let address = &inst.address;
            g.meta
                .unknown
                .extend(unknown.iter().map(|u| format!("{address}.{u}")));
        }
    }
    ctx.estate.targets.push(Target {
        target_group_arn: tg,
        target_id: target,
        port: o.port("port")?,
        health: None,
        source: o.source(),
    });
    Ok(())
}

pub fn db_subnet_group(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let subnet_ids = ctx.link(
        &res,
        o,
        "subnet_ids",
        res.expr("subnet_ids"),
        SUBNETS,
        &mut meta.unknown,
    )?;
    let vpc_id = subnet_ids
        .first()
        .map(|s| vpc_of_subnet(ctx, s))
        .and_then(non_empty);
    let g = DbSubnetGroup {
        meta,
        vpc_id,
        subnet_ids,
    };
    put(&mut ctx.estate.db_subnet_groups, &res.id, &inst.address, g);
    Ok(())
}

/// The port RDS uses when `port` is not set (RDS user guide, "DB instance endpoints").
fn default_port(engine: &str) -> Option<u16> {
    let e = engine.to_ascii_lowercase();
    match e.as_str() {
        _ if e.contains("postgres") => Some(5432),
        _ if e.contains("mysql") || e.contains("mariadb") || e == "aurora" => Some(3306),
        _ if e.starts_with("oracle") => Some(1521),
        _ if e.starts_with("sqlserver") => Some(1433),
        _ if e.starts_with("db2") => Some(50000),
        _ => None,
    }
}

pub fn database(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let engine = o.string("engine")?.unwrap_or_default();
    let port = o.port("port")?.or_else(|| default_port(&engine));
    let subnet_group = non_empty(one(ctx.link(
        &res,
        o,
        "db_subnet_group_name",
        res.expr("db_subnet_group_name"),
        &["aws_db_subnet_group"],
        &mut meta.unknown,
    )?));
    let group_ids = ctx.link(
        &res,
        o,
        "vpc_security_group_ids",
        res.expr("vpc_security_group_ids"),
        GROUPS,
        &mut meta.unknown,
    )?;
    let (subnet_ids, vpc_id) = subnet_group
        .as_deref()
        .and_then(|g| ctx.estate.db_subnet_groups.get_by_id(g))
        .map(|g| (g.subnet_ids.clone(), g.vpc_id.clone()))
        .unwrap_or_default();
    let db = Database {
        meta,
        engine,
        port,
        publicly_accessible: o.bool("publicly_accessible")?.unwrap_or(false),
        encrypted: o.bool("storage_encrypted")?.unwrap_or(false),
        subnet_group,
        subnet_ids,
        group_ids,
        vpc_id,
        endpoint: o.string("address")?.or(o.string("endpoint")?),
    };
    put(&mut ctx.estate.databases, &res.id, &inst.address, db);
    Ok(())
}
