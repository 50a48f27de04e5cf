//! VPCs, subnets, route tables, network ACLs, gateways and peering connections.

use super::convert::{association_is_live, region_of, Ctx};
use super::shapes;
use crate::error::LoadError;
use crate::model::{
    EgressOnlyInternetGateway, Estate, InternetGateway, NaclEntry, NatGateway, NetworkAcl, PeerVpc,
    PortSpec, Route, RouteAssociation, RouteDestination, RouteTable, RouteTarget, Subnet, Vpc,
    VpcPeering,
};

pub fn vpcs(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Vpc> = ctx.doc.parse("Vpcs")?.unwrap_or_default();
    for (i, v) in list.into_iter().enumerate() {
        let at = format!("/Vpcs/{i}");
        ctx.require_id(&v.vpc_id, &at, "VpcId")?;
        let mut cidrs_v4 = Vec::new();
        if let Some(c) = &v.cidr_block {
            cidrs_v4.push(ctx.cidr_v4(c, &format!("{at}/CidrBlock"))?);
        }
        for (j, a) in v.cidr_block_association_set.iter().enumerate() {
            if let (Some(c), true) = (&a.cidr_block, association_is_live(&a.cidr_block_state)) {
                let n = ctx.cidr_v4(c, &format!("{at}/CidrBlockAssociationSet/{j}/CidrBlock"))?;
                if !cidrs_v4.contains(&n) {
                    cidrs_v4.push(n);
                }
            }
        }
        let mut cidrs_v6 = Vec::new();
        for (j, a) in v.ipv6_cidr_block_association_set.iter().enumerate() {
            if let (Some(c), true) = (
                &a.ipv6_cidr_block,
                association_is_live(&a.ipv6_cidr_block_state),
            ) {
                cidrs_v6.push(ctx.cidr_v6(
                    c,
                    &format!("{at}/Ipv6CidrBlockAssociationSet/{j}/Ipv6CidrBlock"),
                )?);
            }
        }
        let mut meta = ctx.meta(&v.vpc_id, &at, &v.tags);
        meta.owner_id = v.owner_id;
        let vpc = Vpc {
            meta,
            cidrs_v4,
            cidrs_v6,
            is_default: v.is_default,
        };
        estate.vpcs.insert(&v.vpc_id, vpc);
    }
    Ok(())
}

pub fn subnets(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Subnet> = ctx.doc.parse("Subnets")?.unwrap_or_default();
    for (i, s) in list.into_iter().enumerate() {
        let at = format!("/Subnets/{i}");
        ctx.require_id(&s.subnet_id, &at, "SubnetId")?;
        let cidr_v4 = match &s.cidr_block {
            Some(c) => Some(ctx.cidr_v4(c, &format!("{at}/CidrBlock"))?),
            None => None,
        };
        let mut cidrs_v6 = Vec::new();
        for (j, a) in s.ipv6_cidr_block_association_set.iter().enumerate() {
            if let (Some(c), true) = (
                &a.ipv6_cidr_block,
                association_is_live(&a.ipv6_cidr_block_state),
            ) {
                cidrs_v6.push(ctx.cidr_v6(
                    c,
                    &format!("{at}/Ipv6CidrBlockAssociationSet/{j}/Ipv6CidrBlock"),
                )?);
            }
        }
        let mut meta = ctx.meta(&s.subnet_id, &at, &s.tags);
        meta.owner_id = s.owner_id;
        meta.region = region_of(s.subnet_arn.as_deref(), s.availability_zone.as_deref());
        let subnet = Subnet {
            meta,
            vpc_id: s.vpc_id,
            cidr_v4,
            cidrs_v6,
            availability_zone: s.availability_zone,
            map_public_ip_on_launch: s.map_public_ip_on_launch,
            assign_ipv6_on_creation: s.assign_ipv6_address_on_creation,
        };
        estate.subnets.insert(&s.subnet_id, subnet);
    }
    Ok(())
}

pub fn route_tables(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::RouteTable> = ctx.doc.parse("RouteTables")?.unwrap_or_default();
    for (i, t) in list.into_iter().enumerate() {
        let at = format!("/RouteTables/{i}");
        ctx.require_id(&t.route_table_id, &at, "RouteTableId")?;
        let mut routes = Vec::new();
        for (j, r) in t.routes.iter().enumerate() {
            routes.push(route(ctx, r, &format!("{at}/Routes/{j}"))?);
        }
        let associations = t
            .associations
            .iter()
            .filter(|a| association_is_live(&a.association_state))
            .map(|a| RouteAssociation {
                subnet_id: a.subnet_id.clone(),
                gateway_id: a.gateway_id.clone(),
                main: a.main,
            })
            .collect();
        let mut meta = ctx.meta(&t.route_table_id, &at, &t.tags);
        meta.owner_id = t.owner_id;
        let table = RouteTable {
            meta,
            vpc_id: t.vpc_id,
            routes,
            associations,
        };
        estate.route_tables.insert(&t.route_table_id, table);
    }
    Ok(())
}

fn route(ctx: &Ctx, r: &shapes::Route, at: &str) -> Result<Route, LoadError> {
    let destination = if let Some(c) = &r.destination_cidr_block {
        RouteDestination::Cidr(ctx.cidr(c, &format!("{at}/DestinationCidrBlock"))?)
    } else if let Some(c) = &r.destination_ipv6_cidr_block {
        RouteDestination::Cidr(ctx.cidr(c, &format!("{at}/DestinationIpv6CidrBlock"))?)
    } else if let Some(p) = &r.destination_prefix_list_id {
        RouteDestination::PrefixList(p.clone())
    } else {
        return Err(ctx.invalid(at, "route has no destination"));
    };
    let target = route_target(r).ok_or_else(|| ctx.invalid(at, "route has no target"))?;
    Ok(Route {
        destination,
        target,
        blackhole: r.state.as_deref() == Some("blackhole"),
        source: ctx.source(at),
    })
}

fn route_target(r: &shapes::Route) -> Option<RouteTarget> {
    let by_field = [
        (
            &r.nat_gateway_id,
            RouteTarget::NatGateway as fn(String) -> RouteTarget,
        ),
        (
            &r.egress_only_internet_gateway_id,
            RouteTarget::EgressOnlyInternetGateway,
        ),
        (&r.vpc_peering_connection_id, RouteTarget::VpcPeering),
        (&r.transit_gateway_id, RouteTarget::TransitGateway),
        (&r.network_interface_id, RouteTarget::NetworkInterface),
        (&r.instance_id, RouteTarget::Instance),
        (&r.carrier_gateway_id, RouteTarget::CarrierGateway),
        (&r.local_gateway_id, RouteTarget::LocalGateway),
        (&r.core_network_arn, RouteTarget::Other),
    ];
    if let Some(g) = &r.gateway_id {
        return Some(RouteTarget::from_gateway_id(g));
    }
    by_field
        .into_iter()
        .find_map(|(field, make)| field.as_ref().map(|id| make(id.clone())))
}

pub fn network_acls(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::NetworkAcl> = ctx.doc.parse("NetworkAcls")?.unwrap_or_default();
    for (i, a) in list.into_iter().enumerate() {
        let at = format!("/NetworkAcls/{i}");
        ctx.require_id(&a.network_acl_id, &at, "NetworkAclId")?;
        let mut entries = Vec::new();
        for (j, e) in a.entries.iter().enumerate() {
            entries.push(nacl_entry(ctx, e, &format!("{at}/Entries/{j}"))?);
        }
        let mut meta = ctx.meta(&a.network_acl_id, &at, &a.tags);
        meta.owner_id = a.owner_id;
        let acl = NetworkAcl {
            meta,
            vpc_id: a.vpc_id,
            is_default: a.is_default,
            entries,
            subnet_ids: a
                .associations
                .into_iter()
                .filter_map(|s| s.subnet_id)
                .collect(),
        };
        estate.network_acls.insert(&a.network_acl_id, acl);
    }
    Ok(())
}

fn nacl_entry(ctx: &Ctx, e: &shapes::NaclEntry, at: &str) -> Result<NaclEntry, LoadError> {
    let rule_number = match e.rule_number {
        Some(n @ 1..=32767) => n as u16,
        Some(n) => {
            return Err(ctx.invalid(
                &format!("{at}/RuleNumber"),
                format!("rule number {n} is outside 1-32767"),
            ))
        }
        None => return Err(ctx.invalid(at, "missing RuleNumber")),
    };
    let allow = match e.rule_action.as_str() {
        "allow" => true,
        "deny" => false,
        other => {
            return Err(ctx.invalid(
                &format!("{at}/RuleAction"),
                format!("rule action `{other}` is neither allow nor deny"),
            ))
        }
    };
    let protocol = ctx.protocol(&e.protocol, &format!("{at}/Protocol"))?;
    let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
        (Some(c), _) => ctx.cidr(c, &format!("{at}/CidrBlock"))?,
        (None, Some(c)) => ctx.cidr(c, &format!("{at}/Ipv6CidrBlock"))?,
        (None, None) => {
            return Err(ctx.invalid(at, "entry has neither CidrBlock nor Ipv6CidrBlock"))
        }
    };
    let ports = if protocol.has_ports() {
        match &e.port_range {
            Some(p) => ctx.port_range(p.from, p.to, &format!("{at}/PortRange"))?,
            None => PortSpec::All,
        }
    } else if protocol.is_icmp() {
        // The emulator omits IcmpTypeCode; absent means every type and code.
        let tc = e.icmp_type_code.as_ref();
        let part = |v: Option<i64>| v.filter(|&x| x >= 0).and_then(|x| u8::try_from(x).ok());
        let icmp_type = part(tc.and_then(|t| t.r#type));
        PortSpec::Icmp {
            icmp_type,
            code: icmp_type.and(part(tc.and_then(|t| t.code))),
        }
    } else {
        PortSpec::All
    };
    Ok(NaclEntry {
        rule_number,
        egress: e.egress,
        allow,
        protocol,
        cidr,
        ports,
        source: ctx.source(at),
    })
}

pub fn internet_gateways(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Gateway> = ctx.doc.parse("InternetGateways")?.unwrap_or_default();
    for (i, g) in list.into_iter().enumerate() {
        let at = format!("/InternetGateways/{i}");
        let id = g.internet_gateway_id.clone().unwrap_or_default();
        ctx.require_id(&id, &at, "InternetGatewayId")?;
        let mut meta = ctx.meta(&id, &at, &g.tags);
        meta.owner_id = g.owner_id.clone();
        let igw = InternetGateway {
            meta,
            vpc_ids: attached_vpcs(&g),
        };
        estate.internet_gateways.insert(&id, igw);
    }
    Ok(())
}

pub fn egress_only_gateways(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Gateway> = ctx
        .doc
        .parse("EgressOnlyInternetGateways")?
        .unwrap_or_default();
    for (i, g) in list.into_iter().enumerate() {
        let at = format!("/EgressOnlyInternetGateways/{i}");
        let id = g
            .egress_only_internet_gateway_id
            .clone()
            .unwrap_or_default();
        ctx.require_id(&id, &at, "EgressOnlyInternetGatewayId")?;
        let meta = ctx.meta(&id, &at, &g.tags);
        let gw = EgressOnlyInternetGateway {
            meta,
            vpc_ids: attached_vpcs(&g),
        };
        estate.egress_only_gateways.insert(&id, gw);
    }
    Ok(())
}

/// Attachments in state `available`/`attached` (or no state): detaching ones still count,
/// because the reading that does not hide exposure is that traffic may still flow.
fn attached_vpcs(g: &shapes::Gateway) -> Vec<String> {
    g.attachments
        .iter()
        .filter(|a| !matches!(a.state.as_deref(), Some("detached")))
        .map(|a| a.vpc_id.clone())
        .collect()
}

pub fn nat_gateways(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::NatGateway> = ctx.doc.parse("NatGateways")?.unwrap_or_default();
    for (i, n) in list.into_iter().enumerate() {
        let at = format!("/NatGateways/{i}");
        ctx.require_id(&n.nat_gateway_id, &at, "NatGatewayId")?;
        let mut public_ips = Vec::new();
        let mut private_ips = Vec::new();
        for (j, a) in n.nat_gateway_addresses.iter().enumerate() {
            if let Some(p) = &a.public_ip {
                public_ips.push(ctx.ipv4(p, &format!("{at}/NatGatewayAddresses/{j}/PublicIp"))?);
            }
            if let Some(p) = &a.private_ip {
                private_ips.push(ctx.ipv4(p, &format!("{at}/NatGatewayAddresses/{j}/PrivateIp"))?);
            }
        }
        let meta = ctx.meta(&n.nat_gateway_id, &at, &n.tags);
        let nat = NatGateway {
            meta,
            vpc_id: n.vpc_id,
            subnet_id: n.subnet_id,
            state: n.state,
            connectivity: n.connectivity_type.unwrap_or_else(|| "public".to_string()),
            public_ips,
            private_ips,
        };
        estate.nat_gateways.insert(&n.nat_gateway_id, nat);
    }
    Ok(())
}

pub fn peerings(estate: &mut Estate, ctx: &Ctx) -> Result<(), LoadError> {
    let list: Vec<shapes::Peering> = ctx.doc.parse("VpcPeeringConnections")?.unwrap_or_default();
    for (i, p) in list.into_iter().enumerate() {
        let at = format!("/VpcPeeringConnections/{i}");
        ctx.require_id(&p.vpc_peering_connection_id, &at, "VpcPeeringConnectionId")?;
        let requester = peer_side(
            ctx,
            &p.requester_vpc_info,
            &format!("{at}/RequesterVpcInfo"),
        )?;
        let accepter = peer_side(ctx, &p.accepter_vpc_info, &format!("{at}/AccepterVpcInfo"))?;
        let meta = ctx.meta(&p.vpc_peering_connection_id, &at, &p.tags);
        let status = p.status.and_then(|s| s.code).unwrap_or_default();
        let peering = VpcPeering {
            meta,
            requester,
            accepter,
            status,
        };
        estate
            .peerings
            .insert(&p.vpc_peering_connection_id, peering);
    }
    Ok(())
}

fn peer_side(ctx: &Ctx, s: &shapes::PeeringSide, at: &str) -> Result<PeerVpc, LoadError> {
    let mut cidrs_v4 = Vec::new();
    if let Some(c) = &s.cidr_block {
        cidrs_v4.push(ctx.cidr_v4(c, &format!("{at}/CidrBlock"))?);
    }
    for (j, c) in s.cidr_block_set.iter().enumerate() {
        if let Some(c) = &c.cidr_block {
            let n = ctx.cidr_v4(c, &format!("{at}/CidrBlockSet/{j}/CidrBlock"))?;
            if !cidrs_v4.contains(&n) {
                cidrs_v4.push(n);
            }
        }
    }
    let mut cidrs_v6 = Vec::new();
    for (j, c) in s.ipv6_cidr_block_set.iter().enumerate() {
        if let Some(c) = &c.ipv6_cidr_block {
            cidrs_v6.push(ctx.cidr_v6(c, &format!("{at}/Ipv6CidrBlockSet/{j}/Ipv6CidrBlock"))?);
        }
    }
    Ok(PeerVpc {
        vpc_id: s.vpc_id.clone(),
        owner_id: s.owner_id.clone(),
        region: s.region.clone(),
        cidrs_v4,
        cidrs_v6,
    })
}
