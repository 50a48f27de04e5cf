//! VPCs, subnets, routing, network ACLs, gateways and peering.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::IpAddr;

use super::security::PortSpec;
use super::source::{Meta, Source};
use crate::net::Protocol;

#[derive(Debug, Clone)]
pub struct Vpc {
    pub meta: Meta,
    pub cidrs_v4: Vec<Ipv4Net>,
    pub cidrs_v6: Vec<Ipv6Net>,
    pub is_default: bool,
}

impl Vpc {
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.cidrs_v4.iter().any(|n| n.contains(&a)),
            IpAddr::V6(a) => self.cidrs_v6.iter().any(|n| n.contains(&a)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub meta: Meta,
    pub vpc_id: String,
    pub cidr_v4: Option<Ipv4Net>,
    pub cidrs_v6: Vec<Ipv6Net>,
    pub availability_zone: Option<String>,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_on_creation: bool,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    VpcPeering(String),
    TransitGateway(String),
    VirtualPrivateGateway(String),
    NetworkInterface(String),
    Instance(String),
    VpcEndpoint(String),
    CarrierGateway(String),
    LocalGateway(String),
    /// A target kind vpclint does not model (kept so nothing is silently dropped).
    Other(String),
}

impl RouteTarget {
    /// Classifies a gateway-like id by its AWS prefix.
    pub fn from_gateway_id(id: &str) -> RouteTarget {
        let id_owned = id.to_string();
        match id {
            "local" => RouteTarget::Local,
            _ if id.starts_with("igw-") => RouteTarget::InternetGateway(id_owned),
            _ if id.starts_with("eigw-") => RouteTarget::EgressOnlyInternetGateway(id_owned),
            _ if id.starts_with("nat-") => RouteTarget::NatGateway(id_owned),
            _ if id.starts_with("pcx-") => RouteTarget::VpcPeering(id_owned),
            _ if id.starts_with("tgw-") => RouteTarget::TransitGateway(id_owned),
            _ if id.starts_with("vgw-") => RouteTarget::VirtualPrivateGateway(id_owned),
            _ if id.starts_with("eni-") => RouteTarget::NetworkInterface(id_owned),
            _ if id.starts_with("i-") => RouteTarget::Instance(id_owned),
            _ if id.starts_with("vpce-") => RouteTarget::VpcEndpoint(id_owned),
            _ if id.starts_with("cagw-") => RouteTarget::CarrierGateway(id_owned),
            _ if id.starts_with("lgw-") => RouteTarget::LocalGateway(id_owned),
            _ => RouteTarget::Other(id_owned),
        }
    }

    /// The target's id as AWS writes it (`local` for the VPC-local route).
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(s)
            | RouteTarget::EgressOnlyInternetGateway(s)
            | RouteTarget::NatGateway(s)
            | RouteTarget::VpcPeering(s)
            | RouteTarget::TransitGateway(s)
            | RouteTarget::VirtualPrivateGateway(s)
            | RouteTarget::NetworkInterface(s)
            | RouteTarget::Instance(s)
            | RouteTarget::VpcEndpoint(s)
            | RouteTarget::CarrierGateway(s)
            | RouteTarget::LocalGateway(s)
            | RouteTarget::Other(s) => s,
        }
    }

    /// Plain words for learners.
    pub fn describe(&self) -> &'static str {
        match self {
            RouteTarget::Local => "the VPC itself (local route)",
            RouteTarget::InternetGateway(_) => "an internet gateway",
            RouteTarget::EgressOnlyInternetGateway(_) => "an egress-only internet gateway",
            RouteTarget::NatGateway(_) => "a NAT gateway",
            RouteTarget::VpcPeering(_) => "a VPC peering connection",
            RouteTarget::TransitGateway(_) => "a transit gateway",
            RouteTarget::VirtualPrivateGateway(_) => "a VPN gateway",
            RouteTarget::NetworkInterface(_) => "a network interface",
            RouteTarget::Instance(_) => "an instance",
            RouteTarget::VpcEndpoint(_) => "a VPC endpoint",
            RouteTarget::CarrierGateway(_) => "a carrier gateway",
            RouteTarget::LocalGateway(_) => "a local gateway",
            RouteTarget::Other(_) => "an unmodelled target",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDestination {
    Cidr(IpNet),
    /// A managed prefix list (gateway endpoints route this way).
    PrefixList(String),
}

#[derive(Debug, Clone)]
pub struct Route {
    pub destination: RouteDestination,
    pub target: RouteTarget,
    /// `State: blackhole`: the target is gone and packets are dropped.
    pub blackhole: bool,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteAssociation {
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    /// The VPC's main table: used by every subnet without an explicit association.
    pub main: bool,
}

#[derive(Debug, Clone)]
pub struct RouteTable {
    pub meta: Meta,
    pub vpc_id: String,
    pub routes: Vec<Route>,
    pub associations: Vec<RouteAssociation>,
}

impl RouteTable {
    pub fn is_main(&self) -> bool {
        self.associations.iter().any(|a| a.main)
    }
}

#[derive(Debug, Clone)]
pub struct NaclEntry {
    /// 1..=32766 for user entries; 32767 is the `*` catch-all deny.
    pub rule_number: u16,
    pub egress: bool,
    pub allow: bool,
    pub protocol: Protocol,
    pub cidr: IpNet,
    /// Destination ports (both directions), or ICMP type/code.
    pub ports: PortSpec,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct NetworkAcl {
    pub meta: Meta,
    pub vpc_id: String,
    pub is_default: bool,
    /// Entries as loaded; the engine sorts by rule number (JSON order is not trusted).
    pub entries: Vec<NaclEntry>,
    pub subnet_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct InternetGateway {
    pub meta: Meta,
    /// VPCs the gateway is attached to (state `available`/`attached`).
    pub vpc_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EgressOnlyInternetGateway {
    pub meta: Meta,
    pub vpc_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NatGateway {
    pub meta: Meta,
    pub vpc_id: String,
    pub subnet_id: String,
    pub state: Option<String>,
    /// `public` (default) or `private`.
    pub connectivity: String,
    pub public_ips: Vec<std::net::Ipv4Addr>,
    pub private_ips: Vec<std::net::Ipv4Addr>,
}

/// One side of a peering connection.
#[derive(Debug, Clone, Default)]
pub struct PeerVpc {
    pub vpc_id: String,
    pub owner_id: Option<String>,
    pub region: Option<String>,
    pub cidrs_v4: Vec<Ipv4Net>,
    pub cidrs_v6: Vec<Ipv6Net>,
}

#[derive(Debug, Clone)]
pub struct VpcPeering {
    pub meta: Meta,
    pub requester: PeerVpc,
    pub accepter: PeerVpc,
    /// `active`, `pending-acceptance`, `deleted`, …
    pub status: String,
}

impl VpcPeering {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// The other side of the peering as seen from `vpc_id`.
    pub fn peer_of(&self, vpc_id: &str) -> Option<&PeerVpc> {
        if self.requester.vpc_id == vpc_id {
            Some(&self.accepter)
        } else if self.accepter.vpc_id == vpc_id {
            Some(&self.requester)
        } else {
            None
        }
    }
}
