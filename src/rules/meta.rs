//! What every rule declares about itself: id, name, severity, kind, title and documentation.

use serde::Serialize;

use super::Severity;

/// The kind of resource a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    SecurityGroupRule,
    SecurityGroup,
    NaclEntry,
    NetworkAcl,
    Subnet,
    Route,
    RouteTable,
    Vpc,
    Interface,
    Instance,
    LoadBalancer,
    Database,
    ElasticIp,
    KeyPair,
    KeyFile,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 15] = [
        ResourceKind::SecurityGroupRule,
        ResourceKind::SecurityGroup,
        ResourceKind::NaclEntry,
        ResourceKind::NetworkAcl,
        ResourceKind::Subnet,
        ResourceKind::Route,
        ResourceKind::RouteTable,
        ResourceKind::Vpc,
        ResourceKind::Interface,
        ResourceKind::Instance,
        ResourceKind::LoadBalancer,
        ResourceKind::Database,
        ResourceKind::ElasticIp,
        ResourceKind::KeyPair,
        ResourceKind::KeyFile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::SecurityGroupRule => "security-group-rule",
            ResourceKind::SecurityGroup => "security-group",
            ResourceKind::NaclEntry => "nacl-entry",
            ResourceKind::NetworkAcl => "network-acl",
            ResourceKind::Subnet => "subnet",
            ResourceKind::Route => "route",
            ResourceKind::RouteTable => "route-table",
            ResourceKind::Vpc => "vpc",
            ResourceKind::Interface => "interface",
            ResourceKind::Instance => "instance",
            ResourceKind::LoadBalancer => "load-balancer",
            ResourceKind::Database => "database",
            ResourceKind::ElasticIp => "elastic-ip",
            ResourceKind::KeyPair => "key-pair",
            ResourceKind::KeyFile => "key-file",
        }
    }

    pub fn parse(text: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A rule's identity and documentation, as `vpclint rules`, `vpclint rule` and SARIF show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// `VL` + number; stable, never reused.
    pub id: String,
    /// Kebab-case; reads as "allow <name>".
    pub name: String,
    pub severity: Severity,
    pub kind: ResourceKind,
    /// One line.
    pub title: String,
    /// Markdown with `## What it does`, `## Why is this bad?`, `## Example`, `## How to fix`
    /// and optionally `## References`.
    pub docs: String,
}
