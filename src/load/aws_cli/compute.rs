//! Instances, network interfaces, elastic IPs and key pairs.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::convert::{region_of, tags_of, Ctx};
use super::shapes;
use crate::error::LoadError;
use crate::model::{ElasticIp, Estate, Instance, KeyPair, Meta, MetadataOptions, NetworkInterface};

pub fn network_interfaces(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::NetworkInterface> =
        ctx.doc.parse("NetworkInterfaces")?.unwrap_or_default();
    for (i, n) in list.iter().enumerate() {
        let at = format!("/NetworkInterfaces/{i}");
        let eni = interface(ctx, n, &at, None)?;
        estate.interfaces.insert(&n.network_interface_id, eni);
    }
    Ok(())
}

/// One interface, from `describe-network-interfaces` or from inside an instance (which
/// omits the attachment's instance id and the subnet's VPC, passed in `instance`).
fn interface(
    ctx: &Ctx,
    n: &shapes::NetworkInterface,
    at: &str,
    instance: Option<(&str, Option<&str>)>,
) -> Result<NetworkInterface, LoadError> {
    ctx.require_id(&n.network_interface_id, at, "NetworkInterfaceId")?;
    let mut private_ips: Vec<Ipv4Addr> = Vec::new();
    let mut public_ips: Vec<Ipv4Addr> = Vec::new();
    if let Some(p) = &n.private_ip_address {
        private_ips.push(ctx.ipv4(p, &format!("{at}/PrivateIpAddress"))?);
    }
    if let Some(p) = n.association.as_ref().and_then(|a| a.public_ip.as_ref()) {
        public_ips.push(ctx.ipv4(p, &format!("{at}/Association/PublicIp"))?);
    }
    for (j, p) in n.private_ip_addresses.iter().enumerate() {
        let here = format!("{at}/PrivateIpAddresses/{j}");
        if let Some(a) = &p.private_ip_address {
            let ip = ctx.ipv4(a, &format!("{here}/PrivateIpAddress"))?;
            if !private_ips.contains(&ip) {
                private_ips.push(ip);
            }
        }
        if let Some(a) = p.association.as_ref().and_then(|a| a.public_ip.as_ref()) {
            let ip = ctx.ipv4(a, &format!("{here}/Association/PublicIp"))?;
            if !public_ips.contains(&ip) {
                public_ips.push(ip);
            }
        }
    }
    let mut ipv6_addresses: Vec<Ipv6Addr> = Vec::new();
    for (j, a) in n.ipv6_addresses.iter().enumerate() {
        if let Some(a) = &a.ipv6_address {
            ipv6_addresses.push(ctx.ipv6(a, &format!("{at}/Ipv6Addresses/{j}/Ipv6Address"))?);
        }
    }
    let mut meta = ctx.meta(&n.network_interface_id, at, &n.tag_set);
    meta.owner_id = n.owner_id.clone();
    meta.region = region_of(None, n.availability_zone.as_deref());
    let attached = n.attachment.as_ref().and_then(|a| a.instance_id.clone());
    Ok(NetworkInterface {
        meta,
        subnet_id: n.subnet_id.clone().unwrap_or_default(),
        vpc_id: n
            .vpc_id
            .clone()
            .or_else(|| instance.and_then(|i| i.1.map(str::to_string)))
            .unwrap_or_default(),
        private_ips,
        public_ips,
        ipv6_addresses,
        group_ids: n.groups.iter().map(|g| g.group_id.clone()).collect(),
        instance_id: attached.or_else(|| instance.map(|i| i.0.to_string())),
        interface_type: n.interface_type.clone(),
        requester_managed: n.requester_managed,
        description: n.description.clone().filter(|d| !d.is_empty()),
    })
}

pub fn reservations(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Reservation> = ctx.doc.parse("Reservations")?.unwrap_or_default();
    for (r, res) in list.iter().enumerate() {
        for (i, inst) in res.instances.iter().enumerate() {
            let at = format!("/Reservations/{r}/Instances/{i}");
            ctx.require_id(&inst.instance_id, &at, "InstanceId")?;
            let mut interface_ids = Vec::new();
            for (j, n) in inst.network_interfaces.iter().enumerate() {
                let here = format!("{at}/NetworkInterfaces/{j}");
                let eni = interface(
                    ctx,
                    n,
                    &here,
                    Some((&inst.instance_id, inst.vpc_id.as_deref())),
                )?;
                interface_ids.push(n.network_interface_id.clone());
                estate.interfaces.insert(&n.network_interface_id, eni);
            }
            let instance = instance(ctx, inst, &at, res.owner_id.clone(), interface_ids)?;
            estate.instances.insert(&inst.instance_id, instance);
        }
    }
    Ok(())
}

fn instance(
    ctx: &Ctx,
    inst: &shapes::Instance,
    at: &str,
    owner: Option<String>,
    interface_ids: Vec<String>,
) -> Result<Instance, LoadError> {
    let private_ip = match &inst.private_ip_address {
        Some(p) => Some(ctx.ipv4(p, &format!("{at}/PrivateIpAddress"))?),
        None => None,
    };
    let public_ip = match &inst.public_ip_address {
        Some(p) => Some(ctx.ipv4(p, &format!("{at}/PublicIpAddress"))?),
        None => None,
    };
    let mut meta = Meta::new(&inst.instance_id, ctx.source(at));
    meta.tags = tags_of(&inst.tags);
    meta.owner_id = owner;
    meta.region = region_of(
        None,
        inst.placement
            .as_ref()
            .and_then(|p| p.availability_zone.as_deref()),
    );
    let metadata = inst
        .metadata_options
        .as_ref()
        .map(|m| MetadataOptions {
            http_tokens: m.http_tokens.clone(),
            http_endpoint: m.http_endpoint.clone(),
        })
        .unwrap_or_default();
    Ok(Instance {
        meta,
        state: inst.state.as_ref().and_then(|s| s.name.clone()),
        key_name: inst.key_name.clone().filter(|k| !k.is_empty()),
        subnet_id: inst.subnet_id.clone(),
        vpc_id: inst.vpc_id.clone(),
        private_ip,
        public_ip,
        interface_ids,
        group_ids: inst
            .security_groups
            .iter()
            .map(|g| g.group_id.clone())
            .collect(),
        metadata,
        platform: inst.platform.clone(),
    })
}

pub fn addresses(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Address> = ctx.doc.parse("Addresses")?.unwrap_or_default();
    for (i, a) in list.into_iter().enumerate() {
        let at = format!("/Addresses/{i}");
        let id = a
            .allocation_id
            .clone()
            .or_else(|| a.public_ip.clone())
            .unwrap_or_default();
        ctx.require_id(&id, &at, "AllocationId")?;
        let public_ip = match &a.public_ip {
            Some(p) => Some(ctx.ipv4(p, &format!("{at}/PublicIp"))?),
            None => None,
        };
        let private_ip = match &a.private_ip_address {
            Some(p) => Some(ctx.ipv4(p, &format!("{at}/PrivateIpAddress"))?),
            None => None,
        };
        let mut meta = ctx.meta(&id, &at, &a.tags);
        meta.owner_id = a.network_interface_owner_id.clone();
        let eip = ElasticIp {
            meta,
            public_ip,
            association_id: a.association_id,
            instance_id: a.instance_id,
            interface_id: a.network_interface_id,
            private_ip,
        };
        estate.elastic_ips.insert(&id, eip);
    }
    Ok(())
}

pub fn key_pairs(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::KeyPair> = ctx.doc.parse("KeyPairs")?.unwrap_or_default();
    for (i, k) in list.into_iter().enumerate() {
        let at = format!("/KeyPairs/{i}");
        ctx.require_id(&k.key_name, &at, "KeyName")?;
        let id = k.key_pair_id.clone().unwrap_or_else(|| k.key_name.clone());
        let meta = ctx.meta(&id, &at, &k.tags);
        let pair = KeyPair {
            meta,
            name: k.key_name.clone(),
            key_type: k.key_type,
            fingerprint: k.key_fingerprint,
            public_key: k.public_key.filter(|p| !p.is_empty()),
        };
        if let Some(ix) = estate.key_pairs.insert(&id, pair) {
            // Instances name their key pair by name, so the name must find it too.
            estate.key_pairs.alias(&k.key_name, ix);
        }
    }
    Ok(())
}

/// Fills what one export knows and another lacks: interfaces for instances exported without
/// them, and public addresses known only from `describe-addresses`.
pub fn link_instances_and_addresses(estate: &mut Estate) {
    let mut synthesized = Vec::new();
    for inst in estate.instances.iter_mut() {
        if !inst.interface_ids.is_empty() {
            continue;
        }
        let (Some(subnet), Some(private)) = (&inst.subnet_id, inst.private_ip) else {
            continue;
        };
        let id = format!("{}/eth0", inst.meta.id);
        inst.interface_ids.push(id.clone());
        let mut meta = inst.meta.clone();
        meta.id = id.clone();
        synthesized.push(NetworkInterface {
            meta,
            subnet_id: subnet.clone(),
            vpc_id: inst.vpc_id.clone().unwrap_or_default(),
            private_ips: vec![private],
            public_ips: inst.public_ip.into_iter().collect(),
            ipv6_addresses: Vec::new(),
            group_ids: inst.group_ids.clone(),
            instance_id: Some(inst.meta.id.clone()),
            interface_type: Some("interface".to_string()),
            requester_managed: false,
            description: None,
        });
    }
    for eni in synthesized {
        let id = eni.meta.id.clone();
        estate.interfaces.insert(&id, eni);
    }
    let links: Vec<(String, Ipv4Addr)> = estate
        .elastic_ips
        .iter()
        .filter_map(|e| Some((e.interface_id.clone()?, e.public_ip?)))
        .collect();
    for (eni_id, ip) in links {
        if let Some(eni) = estate.interfaces.get_by_id_mut(&eni_id) {
            if !eni.public_ips.contains(&ip) {
                eni.public_ips.push(ip);
            }
        }
    }
}
