//! Predicates over VPCs, subnets, routes, network ACLs, and the shared `default`/`attached`.

use crate::model::{RouteDestination, RouteTarget};
use crate::rules::eval::{Env, Evidence, Verdict};
use crate::rules::registry::Arg;
use crate::rules::subject::Subject;

pub fn default(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(match s {
        Subject::SecurityGroup(g) => g.is_default(),
        Subject::Vpc(v) => v.is_default,
        Subject::NetworkAcl(a) => a.is_default,
        _ => false,
    })
}

/// In use: a group on an interface (of any kind), instance, load balancer or database; an
/// ACL with subnets; an elastic IP with an association.
pub fn attached(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let users: Vec<String> = match s {
        Subject::SecurityGroup(g) => env.derived.users_of(&g.meta.id).to_vec(),
        Subject::NetworkAcl(a) => a.subnet_ids.clone(),
        Subject::ElasticIp(e) => e
            .association_id
            .iter()
            .chain(e.instance_id.iter())
            .chain(e.interface_id.iter())
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    if users.is_empty() {
        return Verdict::no();
    }
    let mut v = Verdict::from(true).with_fact("users", users.join(", "));
    v.related = users;
    v
}

/// A subnet is public when its route table (explicit association, else the VPC's main
/// table) has a working route to an internet gateway. A NAT route does not count.
pub fn public_subnet(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Subject::Subnet(subnet) = s else {
        return Verdict::no();
    };
    let Some(table) = env.derived.route_table_of(env.estate, &subnet.meta.id) else {
        return Verdict::no();
    };
    let route = table
        .routes
        .iter()
        .find(|r| !r.blackhole && matches!(r.target, RouteTarget::InternetGateway(_)));
    match route {
        Some(r) => Verdict::from(true)
            .with_evidence(vec![Evidence {
                id: table.meta.id.clone(),
                source: r.source.clone(),
            }])
            .with_fact("gateway", r.target.id().to_string()),
        None => Verdict::no(),
    }
}

pub fn auto_assigns(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::Subnet(x) if x.map_public_ip_on_launch))
}

/// Only judged when the export holds the subnet's ACL association.
pub fn uses_default_nacl(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Subject::Subnet(subnet) = s else {
        return Verdict::no();
    };
    let acl = env
        .derived
        .subnet_acl
        .get(&subnet.meta.id)
        .and_then(|id| env.estate.network_acls.get_by_id(id));
    match acl {
        Some(a) if a.is_default => {
            let mut v = Verdict::from(true).with_fact("acl", a.meta.id.clone());
            v.related = vec![a.meta.id.clone()];
            v
        }
        _ => Verdict::no(),
    }
}

pub fn blackhole(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::Route { route, .. } if route.blackhole))
}

pub fn via_peering(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(
        matches!(s, Subject::Route { route, .. } if matches!(route.target, RouteTarget::VpcPeering(_))),
    )
}

pub fn via_igw(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(
        matches!(s, Subject::Route { route, .. } if matches!(route.target, RouteTarget::InternetGateway(_))),
    )
}

/// The route's destination is not inside any CIDR of the VPC on the other side of the
/// peering: traffic for addresses the peer does not own is sent to it (and dropped there),
/// which usually means a copy-pasted `0.0.0.0/0` or a too-short prefix. Unknown peerings
/// are not judged.
pub fn wider_than_peer(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Subject::Route { table, route } = s else {
        return Verdict::no();
    };
    let (RouteTarget::VpcPeering(pcx), RouteDestination::Cidr(dest)) =
        (&route.target, &route.destination)
    else {
        return Verdict::no();
    };
    let Some(peer) = env
        .estate
        .peerings
        .get_by_id(pcx)
        .and_then(|p| p.peer_of(&table.vpc_id))
    else {
        return Verdict::no();
    };
    let peer_cidrs: Vec<ipnet::IpNet> = peer
        .cidrs_v4
        .iter()
        .map(|c| ipnet::IpNet::V4(*c))
        .chain(peer.cidrs_v6.iter().map(|c| ipnet::IpNet::V6(*c)))
        .collect();
    if peer_cidrs.is_empty() {
        return Verdict::no();
    }
    let inside = peer_cidrs.iter().any(|c| c.contains(dest));
    let text: Vec<String> = peer_cidrs.iter().map(|c| c.to_string()).collect();
    Verdict::from(!inside).with_fact("peer-cidrs", text.join(", "))
}

/// Whether "no user" means unused: the inputs list interfaces or instances. Without both,
/// every group would look unused, however busy the account.
pub fn usage_known(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    Verdict::from(
        matches!(s, Subject::SecurityGroup(g) if !g.is_stand_in()) && env.derived.usage_known,
    )
}

pub fn vpc_in_use(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::Vpc(v) if env.derived.busy_vpcs.contains(&v.meta.id)))
}
