//! Elastic Load Balancing v2 (load balancers, listeners, target groups, targets) and RDS.

use super::convert::{region_of, Ctx};
use super::shapes;
use crate::error::LoadError;
use crate::model::{
    Database, DbSubnetGroup, Estate, Listener, LoadBalancer, Meta, Target, TargetGroup,
};

pub fn load_balancers(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::LoadBalancer> = ctx.doc.parse("LoadBalancers")?.unwrap_or_default();
    for (i, lb) in list.into_iter().enumerate() {
        let at = format!("/LoadBalancers/{i}");
        ctx.require_id(&lb.load_balancer_arn, &at, "LoadBalancerArn")?;
        let mut meta = Meta::new(&lb.load_balancer_arn, ctx.source(&at));
        meta.region = region_of(Some(&lb.load_balancer_arn), None);
        let model = LoadBalancer {
            meta,
            name: lb.load_balancer_name.clone(),
            scheme: lb.scheme.unwrap_or_else(|| "internet-facing".to_string()),
            lb_type: lb.r#type.unwrap_or_else(|| "application".to_string()),
            vpc_id: lb.vpc_id.unwrap_or_default(),
            subnet_ids: lb
                .availability_zones
                .into_iter()
                .filter_map(|z| z.subnet_id)
                .collect(),
            group_ids: lb.security_groups,
            dns_name: lb.dns_name,
            ip_address_type: lb.ip_address_type,
        };
        if let Some(ix) = estate.load_balancers.insert(&lb.load_balancer_arn, model) {
            estate.load_balancers.alias(&lb.load_balancer_name, ix);
        }
    }
    Ok(())
}

pub fn listeners(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Listener> = ctx.doc.parse("Listeners")?.unwrap_or_default();
    for (i, l) in list.into_iter().enumerate() {
        let at = format!("/Listeners/{i}");
        ctx.require_id(&l.listener_arn, &at, "ListenerArn")?;
        let port = match l.port {
            Some(p) => ctx.port(p, &format!("{at}/Port"))?,
            None => return Err(ctx.invalid(&at, "missing Port")),
        };
        let mut target_group_arns = Vec::new();
        for a in &l.default_actions {
            let forwarded = a.forward_config.iter().flat_map(|f| {
                f.target_groups
                    .iter()
                    .filter_map(|t| t.target_group_arn.clone())
            });
            for arn in a.target_group_arn.clone().into_iter().chain(forwarded) {
                if !target_group_arns.contains(&arn) {
                    target_group_arns.push(arn);
                }
            }
        }
        let listener = Listener {
            meta: Meta::new(&l.listener_arn, ctx.source(&at)),
            load_balancer_arn: l.load_balancer_arn,
            port,
            protocol: l.protocol.unwrap_or_default(),
            target_group_arns,
        };
        estate.listeners.insert(&l.listener_arn, listener);
    }
    Ok(())
}

pub fn target_groups(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::TargetGroup> = ctx.doc.parse("TargetGroups")?.unwrap_or_default();
    for (i, t) in list.into_iter().enumerate() {
        let at = format!("/TargetGroups/{i}");
        ctx.require_id(&t.target_group_arn, &at, "TargetGroupArn")?;
        let port = match t.port {
            Some(p) => Some(ctx.port(p, &format!("{at}/Port"))?),
            None => None,
        };
        let group = TargetGroup {
            meta: Meta::new(&t.target_group_arn, ctx.source(&at)),
            name: t.target_group_name,
            protocol: t.protocol,
            port,
            vpc_id: t.vpc_id,
            target_type: t.target_type.unwrap_or_else(|| "instance".to_string()),
            load_balancer_arns: t.load_balancer_arns,
            preserve_client_ip: None,
        };
        estate.target_groups.insert(&t.target_group_arn, group);
    }
    Ok(())
}

/// `describe-target-health` does not name its target group; exporters wrap each answer with
/// `TargetGroupArn`. Without it the targets cannot be placed, which is reported once.
pub fn target_health(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let group: Option<String> = ctx.doc.parse("TargetGroupArn")?;
    let list: Vec<shapes::TargetHealthDescription> = ctx
        .doc
        .parse("TargetHealthDescriptions")?
        .unwrap_or_default();
    let Some(group) = group else {
        if !list.is_empty() {
            estate.warn(
                ctx.doc.path,
                "TargetHealthDescriptions without a TargetGroupArn beside them; targets skipped",
            );
        }
        return Ok(());
    };
    for (i, d) in list.into_iter().enumerate() {
        let at = format!("/TargetHealthDescriptions/{i}");
        ctx.require_id(&d.target.id, &format!("{at}/Target"), "Target.Id")?;
        let port = match d.target.port {
            Some(p) => Some(ctx.port(p, &format!("{at}/Target/Port"))?),
            None => None,
        };
        estate.targets.push(Target {
            target_group_arn: group.clone(),
            target_id: d.target.id,
            port,
            health: d.target_health.and_then(|h| h.state),
            source: ctx.source(&at),
        });
    }
    Ok(())
}

pub fn db_instances(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::DbInstance> = ctx.doc.parse("DBInstances")?.unwrap_or_default();
    for (i, d) in list.into_iter().enumerate() {
        let at = format!("/DBInstances/{i}");
        ctx.require_id(&d.identifier, &at, "DBInstanceIdentifier")?;
        let port = match d
            .endpoint
            .as_ref()
            .and_then(|e| e.port)
            .or(d.port.filter(|&p| p > 0))
        {
            Some(p) => Some(ctx.port(p, &format!("{at}/Endpoint/Port"))?),
            None => default_port(&d.engine),
        };
        let mut meta = Meta::new(&d.identifier, ctx.source(&at));
        meta.tags = super::convert::tags_of(&d.tag_list);
        meta.region = region_of(d.arn.as_deref(), None);
        let subnet_group = d.subnet_group.as_ref();
        let db = Database {
            meta,
            engine: d.engine.clone(),
            port,
            publicly_accessible: d.publicly_accessible,
            encrypted: d.storage_encrypted,
            subnet_group: subnet_group.map(|g| g.name.clone()),
            subnet_ids: subnet_group
                .map(|g| {
                    g.subnets
                        .iter()
                        .map(|s| s.subnet_identifier.clone())
                        .collect()
                })
                .unwrap_or_default(),
            group_ids: d
                .vpc_security_groups
                .iter()
                .map(|g| g.vpc_security_group_id.clone())
                .collect(),
            vpc_id: subnet_group.and_then(|g| g.vpc_id.clone()),
            endpoint: d.endpoint.as_ref().and_then(|e| e.address.clone()),
        };
        estate.databases.insert(&d.identifier, db);
    }
    Ok(())
}

/// The engine's default port, for exports that omit the endpoint (instances being created).
pub fn default_port(engine: &str) -> Option<u16> {
    let e = engine.to_ascii_lowercase();
    let port = if e.contains("postgres") {
        5432
    } else if e.contains("mysql") || e.contains("maria") || e.contains("aurora") {
        3306
    } else if e.contains("sqlserver") {
        1433
    } else if e.contains("oracle") {
        1521
    } else if e.contains("db2") {
        50000
    } else {
        return None;
    };
    Some(port)
}

pub fn db_subnet_groups(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::DbSubnetGroup> = ctx.doc.parse("DBSubnetGroups")?.unwrap_or_default();
    for (i, g) in list.into_iter().enumerate() {
        let at = format!("/DBSubnetGroups/{i}");
        ctx.require_id(&g.name, &at, "DBSubnetGroupName")?;
        let group = DbSubnetGroup {
            meta: Meta::new(&g.name, ctx.source(&at)),
            vpc_id: g.vpc_id,
            subnet_ids: g.subnets.into_iter().map(|s| s.subnet_identifier).collect(),
        };
        estate.db_subnet_groups.insert(&g.name, group);
    }
    Ok(())
}
