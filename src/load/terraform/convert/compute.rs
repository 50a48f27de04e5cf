//! Key pairs, launch templates (their network settings), network interfaces and instances.
//!
//! An instance gets its primary interface synthesized as `<instance id>/eth0` (the AWS CLI
//! loader's convention), carrying its subnet, groups and addresses, so the engine reaches
//! instances through interfaces whatever the input. Launch templates are not model objects:
//! their network settings (groups, subnet, public address, key, metadata options) fill in
//! what an `aws_instance` launched from them leaves unset.

use std::net::Ipv6Addr;

use super::network::{non_empty, one, vpc_of_subnet};
use super::security::GROUPS;
use super::{ipv4, put};
use crate::error::LoadError;
use crate::load::terraform::links::{Ctx, Res};
use crate::load::terraform::obj::Obj;
use crate::load::terraform::Inst;
use crate::model::{Instance, KeyPair, MetadataOptions, NetworkInterface};

const SUBNETS: &[&str] = &["aws_subnet", "aws_default_subnet"];

pub fn key_pair(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let meta = ctx.meta(&res)?;
    let public_key = o.string("public_key")?;
    let key_type = o.string("key_type")?.or_else(|| {
        public_key.as_deref().and_then(|k| {
            if k.starts_with("ssh-ed25519") {
                Some("ed25519".to_string())
            } else if k.starts_with("ssh-rsa") {
                Some("rsa".to_string())
            } else {
                None
            }
        })
    });
    let kp = KeyPair {
        meta,
        name: o
            .string("key_name")?
            .unwrap_or_else(|| inst.address.clone()),
        key_type,
        fingerprint: o.string("fingerprint")?,
        public_key,
    };
    put(&mut ctx.estate.key_pairs, &res.id, &inst.address, kp);
    Ok(())
}

/// Network settings of a launch template, applied to instances launched from it.
#[derive(Debug, Clone, Default)]
pub struct LaunchNet {
    pub name: Option<String>,
    pub group_ids: Vec<String>,
    pub subnet_id: Option<String>,
    pub associate_public_ip: Option<bool>,
    pub key_name: Option<String>,
    pub metadata: MetadataOptions,
}

pub fn launch_template(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut unknown = Vec::new();
    let mut net = LaunchNet {
        name: o.string("name")?,
        group_ids: ctx.link(
            &res,
            o,
            "vpc_security_group_ids",
            res.expr("vpc_security_group_ids"),
            GROUPS,
            &mut unknown,
        )?,
        key_name: key_name(ctx, &res, o)?,
        metadata: metadata(o)?,
        ..LaunchNet::default()
    };
    let blocks = o.blocks("network_interfaces")?;
    if let Some(b) = blocks.first() {
        net.associate_public_ip = b.bool("associate_public_ip_address")?;
        let expr = |attr: &str| ctx.block_expr(&res, "network_interfaces", 0, blocks.len(), attr);
        let subnets = ctx.linked_or_known(&res, b, "subnet_id", expr("subnet_id"), SUBNETS)?;
        net.subnet_id = subnets.into_iter().next();
        net.group_ids.extend(ctx.linked_or_known(
            &res,
            b,
            "security_groups",
            expr("security_groups"),
            GROUPS,
        )?);
    }
    ctx.later
        .templates
        .push((res.id.clone(), inst.address.clone(), net));
    Ok(())
}

pub fn network_interface(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
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
    let group_ids = ctx.link(
        &res,
        o,
        "security_groups",
        res.expr("security_groups"),
        GROUPS,
        &mut meta.unknown,
    )?;
    let mut private_ips = Vec::new();
    for s in o
        .strings("private_ips")?
        .iter()
        .chain(o.strings("private_ip")?.iter())
    {
        let ip = s.parse().map_err(|_| {
            o.err.invalid(
                &o.at("private_ips"),
                format!("{s:?} is not an IPv4 address"),
            )
        })?;
        if !private_ips.contains(&ip) {
            private_ips.push(ip);
        }
    }
    let mut instance_id = None;
    let blocks = o.blocks("attachment")?;
    for (i, b) in blocks.iter().enumerate() {
        let expr = ctx.block_expr(&res, "attachment", i, blocks.len(), "instance");
        instance_id = ctx
            .linked_or_known(&res, b, "instance", expr, &["aws_instance"])?
            .into_iter()
            .next()
            .or(instance_id);
    }
    let eni = NetworkInterface {
        vpc_id: vpc_of_subnet(ctx, &subnet_id),
        subnet_id,
        private_ips,
        public_ips: Vec::new(),
        ipv6_addresses: ipv6s(o, "ipv6_addresses")?,
        group_ids,
        instance_id,
        interface_type: o.string("interface_type")?.or(Some("interface".into())),
        requester_managed: false,
        description: o.string("description")?,
        meta,
    };
    put(&mut ctx.estate.interfaces, &res.id, &inst.address, eni);
    ctx.later.enis.push(res.id.clone());
    Ok(())
}

pub fn instance(ctx: &mut Ctx, inst: &Inst) -> Result<(), LoadError> {
    let res = ctx.res(inst);
    let o = &res.obj;
    let mut meta = ctx.meta(&res)?;
    let template = template_of(ctx, &res, o)?;
    let mut subnet_id = non_empty(one(ctx.link(
        &res,
        o,
        "subnet_id",
        res.expr("subnet_id"),
        SUBNETS,
        &mut meta.unknown,
    )?));
    let mut group_ids = ctx.link(
        &res,
        o,
        "vpc_security_group_ids",
        res.expr("vpc_security_group_ids"),
        GROUPS,
        &mut meta.unknown,
    )?;
    // `security_groups` holds names (default VPC / EC2-Classic) or, through references, ids.
    let names = o.strings("security_groups")?;
    if names.is_empty() {
        group_ids.extend(ctx.link(
            &res,
            o,
            "security_groups",
            res.expr("security_groups"),
            GROUPS,
            &mut meta.unknown,
        )?);
    }
    let mut key = key_name(ctx, &res, o)?;
    let mut associate = o.bool("associate_public_ip_address")?;
    let mut metadata = metadata(o)?;
    if let Some(t) = template {
        subnet_id = subnet_id.or(t.subnet_id);
        if group_ids.is_empty() && names.is_empty() {
            group_ids = t.group_ids;
        }
        key = key.or(t.key_name);
        associate = associate.or(t.associate_public_ip);
        metadata.http_tokens = metadata.http_tokens.or(t.metadata.http_tokens);
        metadata.http_endpoint = metadata.http_endpoint.or(t.metadata.http_endpoint);
    }
    let mut interface_ids = Vec::new();
    let blocks = o.blocks("network_interface")?;
    for (i, b) in blocks.iter().enumerate() {
        let expr = ctx.block_expr(
            &res,
            "network_interface",
            i,
            blocks.len(),
            "network_interface_id",
        );
        interface_ids.extend(ctx.linked_or_known(
            &res,
            b,
            "network_interface_id",
            expr,
            &["aws_network_interface"],
        )?);
    }
    let vpc_id = subnet_id
        .as_deref()
        .map(|s| vpc_of_subnet(ctx, s))
        .and_then(non_empty);
    let private_ip = ipv4(o, "private_ip")?;
    let public_ip = ipv4(o, "public_ip")?;
    if interface_ids.is_empty() {
        let eth0 = format!("{}/eth0", res.id);
        let mut eni_meta = meta.clone();
        eni_meta.id = eth0.clone();
        eni_meta.address = Some(format!("{}/eth0", inst.address));
        let eni = NetworkInterface {
            meta: eni_meta,
            subnet_id: subnet_id.clone().unwrap_or_default(),
            vpc_id: vpc_id.clone().unwrap_or_default(),
            private_ips: private_ip.into_iter().collect(),
            public_ips: public_ip.into_iter().collect(),
            ipv6_addresses: ipv6s(o, "ipv6_addresses")?,
            group_ids: group_ids.clone(),
            instance_id: Some(res.id.clone()),
            interface_type: Some("interface".into()),
            requester_managed: false,
            description: None,
        };
        put(
            &mut ctx.estate.interfaces,
            &eth0,
            &format!("{}/eth0", inst.address),
            eni,
        );
        ctx.later.instance_enis.push((eth0.clone(), associate));
        interface_ids.push(eth0);
    } else {
        let id = res.id.clone();
        for eni in &interface_ids {
            if let Some(e) = ctx.estate.interfaces.get_by_id_mut(eni) {
                e.instance_id.get_or_insert_with(|| id.clone());
            }
        }
    }
    if !names.is_empty() {
        ctx.later.group_names.push((res.id.clone(), names));
    }
    let instance = Instance {
        meta,
        state: o.string("instance_state")?,
        key_name: key,
        subnet_id,
        vpc_id,
        private_ip,
        public_ip,
        interface_ids,
        group_ids,
        metadata,
        platform: None,
    };
    put(&mut ctx.estate.instances, &res.id, &inst.address, instance);
    Ok(())
}

/// The key pair name: known, or the `key_name` of the referenced `aws_key_pair`.
fn key_name(ctx: &Ctx, res: &Res, o: &Obj) -> Result<Option<String>, LoadError> {
    if let Some(k) = o.string("key_name")? {
        return Ok(Some(k));
    }
    let linked = ctx.linked(res, res.expr("key_name"), &["aws_key_pair"], true);
    Ok(linked
        .into_iter()
        .find_map(|(_, id)| ctx.estate.key_pairs.get_by_id(&id).map(|k| k.name.clone())))
}

fn metadata(o: &Obj) -> Result<MetadataOptions, LoadError> {
    let blocks = o.blocks("metadata_options")?;
    let Some(b) = blocks.first() else {
        return Ok(MetadataOptions::default());
    };
    Ok(MetadataOptions {
        http_tokens: b.string("http_tokens")?,
        http_endpoint: b.string("http_endpoint")?,
    })
}

fn ipv6s(o: &Obj, key: &str) -> Result<Vec<Ipv6Addr>, LoadError> {
    o.strings(key)?
        .iter()
        .map(|s| {
            s.parse().map_err(|_| {
                o.err
                    .invalid(&o.at(key), format!("{s:?} is not an IPv6 address"))
            })
        })
        .collect()
}

/// The launch template an instance names in its `launch_template` block, if loaded here.
fn template_of(ctx: &Ctx, res: &Res, o: &Obj) -> Result<Option<LaunchNet>, LoadError> {
    let blocks = o.blocks("launch_template")?;
    let Some(b) = blocks.first() else {
        return Ok(None);
    };
    let expr = ctx.block_expr(res, "launch_template", 0, blocks.len(), "id");
    let ids = ctx.linked_or_known(res, b, "id", expr, &["aws_launch_template"])?;
    let name = b.string("name")?;
    let found = ctx.later.templates.iter().find(|(id, address, t)| {
        ids.iter().any(|i| i == id || i == address) || (name.is_some() && t.name == name)
    });
    Ok(found.map(|(_, _, t)| t.clone()))
}
