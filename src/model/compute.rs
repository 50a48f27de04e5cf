//! Network interfaces, instances, elastic IPs and key pairs.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::source::Meta;

#[derive(Debug, Clone)]
pub struct NetworkInterface {
    pub meta: Meta,
    pub subnet_id: String,
    pub vpc_id: String,
    pub private_ips: Vec<Ipv4Addr>,
    /// Public IPv4 addresses associated with the interface (auto-assigned or elastic).
    pub public_ips: Vec<Ipv4Addr>,
    pub ipv6_addresses: Vec<Ipv6Addr>,
    pub group_ids: Vec<String>,
    pub instance_id: Option<String>,
    pub interface_type: Option<String>,
    pub requester_managed: bool,
    pub description: Option<String>,
}

impl NetworkInterface {
    /// Whether the internet can address this interface over IPv4: a known public address,
    /// or (before apply) one Terraform says will be assigned (`public_ip` in `meta.unknown`).
    pub fn has_public_ipv4(&self) -> bool {
        !self.public_ips.is_empty() || self.meta.unknown.iter().any(|u| u == "public_ip")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 allowed).
    pub http_tokens: Option<String>,
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub meta: Meta,
    pub state: Option<String>,
    pub key_name: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub public_ip: Option<Ipv4Addr>,
    pub interface_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub metadata: MetadataOptions,
    pub platform: Option<String>,
}

impl Instance {
    /// Running or about to run (stopped instances cannot be reached).
    pub fn is_live(&self) -> bool {
        !matches!(
            self.state.as_deref(),
            Some("stopped" | "stopping" | "terminated" | "shutting-down")
        )
    }
}

#[derive(Debug, Clone)]
pub struct ElasticIp {
    pub meta: Meta,
    pub public_ip: Option<Ipv4Addr>,
    pub association_id: Option<String>,
    pub instance_id: Option<String>,
    pub interface_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
}

#[derive(Debug, Clone)]
pub struct KeyPair {
    pub meta: Meta,
    pub name: String,
    /// `rsa` or `ed25519`.
    pub key_type: Option<String>,
    pub fingerprint: Option<String>,
    /// OpenSSH public key line, with `--include-public-key`.
    pub public_key: Option<String>,
}
