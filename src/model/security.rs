//! Security groups, their rules, and managed prefix lists.

use ipnet::IpNet;

use super::source::{Meta, Source};
use crate::net::Protocol;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// What part of the protocol's space a rule or NACL entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortSpec {
    /// Every port (protocol `-1`, protocols without ports, or ports absent / `-1`).
    All,
    /// TCP/UDP destination ports, inclusive.
    Range(u16, u16),
    /// ICMP type and code; `None` is AWS's `-1` (any).
    Icmp {
        icmp_type: Option<u8>,
        code: Option<u8>,
    },
}

impl PortSpec {
    /// Whether the destination port `port` is covered (for tcp/udp specs).
    pub fn includes_port(&self, port: u16) -> bool {
        match *self {
            PortSpec::All => true,
            PortSpec::Range(lo, hi) => lo <= port && port <= hi,
            PortSpec::Icmp { .. } => false,
        }
    }

    /// `22`, `1024-65535`, `all`, `type 8`, `type 3 code 4`.
    pub fn describe(&self) -> String {
        match *self {
            PortSpec::All => "all ports".to_string(),
            PortSpec::Range(lo, hi) if lo == hi => format!("port {lo}"),
            PortSpec::Range(0, 65535) => "all ports".to_string(),
            PortSpec::Range(lo, hi) => format!("ports {lo}-{hi}"),
            PortSpec::Icmp {
                icmp_type: None, ..
            } => "all ICMP types".to_string(),
            PortSpec::Icmp {
                icmp_type: Some(t),
                code: None,
            } => format!("ICMP type {t}"),
            PortSpec::Icmp {
                icmp_type: Some(t),
                code: Some(c),
            } => format!("ICMP type {t} code {c}"),
        }
    }
}

/// Who a security-group rule admits (ingress) or lets traffic go to (egress).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Peer {
    Cidr(IpNet),
    PrefixList(String),
    /// Another group (or the same one): the private addresses of interfaces that carry it.
    Group {
        group_id: String,
        user_id: Option<String>,
        vpc_id: Option<String>,
        peering_status: Option<String>,
    },
}

impl Peer {
    pub fn describe(&self) -> String {
        match self {
            Peer::Cidr(n) => n.to_string(),
            Peer::PrefixList(id) => format!("prefix list {id}"),
            Peer::Group { group_id, .. } => format!("group {group_id}"),
        }
    }
}

/// One security-group rule for one peer (an AWS permission with three CIDRs is three rules).
#[derive(Debug, Clone)]
pub struct SgRule {
    pub direction: Direction,
    pub protocol: Protocol,
    pub ports: PortSpec,
    pub peer: Peer,
    pub description: Option<String>,
    /// `sgr-…` when known (describe-security-group-rules).
    pub rule_id: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct SecurityGroup {
    pub meta: Meta,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

impl SecurityGroup {
    /// Each VPC's `default` group (it cannot be deleted, and every new interface may land in it).
    pub fn is_default(&self) -> bool {
        self.name == "default"
    }

    /// A Terraform plan's stand-in for "one of these groups, unknown which" (its id ends in
    /// `[?]`, which no AWS id or Terraform address does): its rules are a union over
    /// several groups, so judging it as one group (unused, redundant rules) would mislead.
    pub fn is_stand_in(&self) -> bool {
        self.meta.id.ends_with("[?]")
    }

    pub fn rules(&self) -> impl Iterator<Item = &SgRule> {
        self.ingress.iter().chain(self.egress.iter())
    }

    /// `sg-… (name)`.
    pub fn label(&self) -> String {
        if self.name.is_empty() || self.name == self.meta.id {
            self.meta.id.clone()
        } else {
            format!("{} ({})", self.meta.id, self.name)
        }
    }
}

#[derive(Debug, Clone)]
pub struct PrefixList {
    pub meta: Meta,
    pub name: String,
    /// `None` when the export lists the prefix list without its entries.
    pub cidrs: Option<Vec<IpNet>>,
}
