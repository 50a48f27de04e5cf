//! Subjects: the objects a rule of each resource kind is evaluated against, and their fields.
//!
//! A subject borrows from the estate; it knows its AWS id (what a finding names), its source
//! (where a finding points when no predicate gives better evidence) and the `{fields}` that
//! message templates may use.

use std::collections::HashSet;

use crate::model::{
    Database, ElasticIp, Estate, Instance, KeyPair, LoadBalancer, NaclEntry, NetworkAcl,
    NetworkInterface, PortSpec, Route, RouteDestination, RouteTable, SecurityGroup, SgRule, Source,
    Subnet, Vpc,
};
use crate::net::Protocol;

use super::eval::EvalContext;
use super::keyfile::{self, KeyFileFact};
use super::ResourceKind;

/// One object a rule looks at.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'e> {
    SgRule {
        group: &'e SecurityGroup,
        rule: &'e SgRule,
    },
    SecurityGroup(&'e SecurityGroup),
    NaclEntry {
        acl: &'e NetworkAcl,
        entry: &'e NaclEntry,
    },
    NetworkAcl(&'e NetworkAcl),
    Subnet(&'e Subnet),
    Route {
        table: &'e RouteTable,
        route: &'e Route,
    },
    RouteTable(&'e RouteTable),
    Vpc(&'e Vpc),
    Interface(&'e NetworkInterface),
    Instance(&'e Instance),
    /// An instance the inputs name only in a network interface's attachment (an export
    /// without `describe-instances`). The exposure map already reports such instances by
    /// their id, so instance rules see them too; `interface` is the first one attached to
    /// it, which gives its subnet and VPC. What only the instance record holds (state,
    /// key pair, metadata options) is unknown.
    UnlistedInstance {
        id: &'e str,
        interface: &'e NetworkInterface,
    },
    LoadBalancer(&'e LoadBalancer),
    Database(&'e Database),
    ElasticIp(&'e ElasticIp),
    KeyPair(&'e KeyPair),
    /// A private key found by the key scan (not part of the estate: see [`subjects_in`]).
    KeyFile(&'e KeyFileFact),
}

/// Fields every kind offers.
const COMMON_FIELDS: &[&str] = &["id", "name", "label"];

/// The template fields of each kind (besides [`COMMON_FIELDS`] and predicate facts).
pub fn kind_fields(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::SecurityGroupRule => &[
            "group",
            "group-name",
            "direction",
            "protocol",
            "ports",
            "peer",
            "rule-id",
            "description",
            "vpc",
        ],
        ResourceKind::SecurityGroup => &["group", "group-name", "vpc"],
        ResourceKind::NaclEntry => &[
            "acl",
            "rule-number",
            "direction",
            "action",
            "protocol",
            "ports",
            "cidr",
            "vpc",
        ],
        ResourceKind::NetworkAcl => &["acl", "vpc"],
        ResourceKind::Subnet => &["subnet", "vpc", "cidr"],
        ResourceKind::Route => &["route-table", "destination", "target", "vpc"],
        ResourceKind::RouteTable => &["route-table", "vpc"],
        ResourceKind::Vpc => &["vpc", "cidr"],
        ResourceKind::Interface => &["interface", "subnet", "vpc", "instance"],
        ResourceKind::Instance => &["instance", "subnet", "vpc", "key-name", "public-ip"],
        ResourceKind::LoadBalancer => &["load-balancer", "scheme", "vpc"],
        ResourceKind::Database => &["database", "engine", "port", "vpc"],
        ResourceKind::ElasticIp => &["allocation", "public-ip"],
        ResourceKind::KeyPair => &["key-name"],
        ResourceKind::KeyFile => keyfile::FIELDS,
    }
}

/// Whether `{field}` is valid in a template of `kind`.
pub fn has_field(kind: ResourceKind, field: &str) -> bool {
    COMMON_FIELDS.contains(&field) || kind_fields(kind).contains(&field)
}

/// Every subject of `kind` in the estate, in load order.
pub fn subjects(estate: &Estate, kind: ResourceKind) -> Vec<Subject<'_>> {
    match kind {
        ResourceKind::SecurityGroupRule => estate
            .security_groups
            .iter()
            .flat_map(|group| {
                group
                    .rules()
                    .map(move |rule| Subject::SgRule { group, rule })
            })
            .collect(),
        ResourceKind::SecurityGroup => estate
            .security_groups
            .iter()
            .map(Subject::SecurityGroup)
            .collect(),
        ResourceKind::NaclEntry => estate
            .network_acls
            .iter()
            .flat_map(|acl| {
                acl.entries
                    .iter()
                    .map(move |entry| Subject::NaclEntry { acl, entry })
            })
            .collect(),
        ResourceKind::NetworkAcl => estate
            .network_acls
            .iter()
            .map(Subject::NetworkAcl)
            .collect(),
        ResourceKind::Subnet => estate.subnets.iter().map(Subject::Subnet).collect(),
        ResourceKind::Route => estate
            .route_tables
            .iter()
            .flat_map(|table| {
                table
                    .routes
                    .iter()
                    .map(move |route| Subject::Route { table, route })
            })
            .collect(),
        ResourceKind::RouteTable => estate
            .route_tables
            .iter()
            .map(Subject::RouteTable)
            .collect(),
        ResourceKind::Vpc => estate.vpcs.iter().map(Subject::Vpc).collect(),
        ResourceKind::Interface => estate.interfaces.iter().map(Subject::Interface).collect(),
        ResourceKind::Instance => estate
            .instances
            .iter()
            .map(Subject::Instance)
            .chain(unlisted_instances(estate))
            .collect(),
        ResourceKind::LoadBalancer => estate
            .load_balancers
            .iter()
            .map(Subject::LoadBalancer)
            .collect(),
        ResourceKind::Database => estate.databases.iter().map(Subject::Database).collect(),
        ResourceKind::ElasticIp => estate.elastic_ips.iter().map(Subject::ElasticIp).collect(),
        ResourceKind::KeyPair => estate.key_pairs.iter().map(Subject::KeyPair).collect(),
        // Key files come from the key scan, not the estate: see `subjects_in`.
        ResourceKind::KeyFile => Vec::new(),
    }
}

/// Instances named by an interface's attachment but absent from the inputs, once each, in
/// interface load order. A listed instance is never one of them, so no instance is judged
/// twice.
fn unlisted_instances(estate: &Estate) -> impl Iterator<Item = Subject<'_>> {
    let mut seen = HashSet::new();
    estate.interfaces.iter().filter_map(move |interface| {
        let id = interface.instance_id.as_deref()?;
        let unlisted = estate.instances.get_by_id(id).is_none() && seen.insert(id);
        unlisted.then_some(Subject::UnlistedInstance { id, interface })
    })
}

/// Every subject of `kind`: the estate's, and for key-file rules the keys the run's key
/// scan found (none without one).
pub fn subjects_in<'e>(
    estate: &'e Estate,
    ctx: &EvalContext<'e>,
    kind: ResourceKind,
) -> Vec<Subject<'e>> {
    match (kind, ctx.keys) {
        (ResourceKind::KeyFile, Some(keys)) => {
            keys.key_files().iter().map(Subject::KeyFile).collect()
        }
        _ => subjects(estate, kind),
    }
}

impl<'e> Subject<'e> {
    /// The resource a finding names: for rules and entries, their group, ACL or table.
    pub fn resource(&self) -> &'e str {
        match self {
            Subject::SgRule { group, .. } | Subject::SecurityGroup(group) => &group.meta.id,
            Subject::NaclEntry { acl, .. } | Subject::NetworkAcl(acl) => &acl.meta.id,
            Subject::Route { table, .. } | Subject::RouteTable(table) => &table.meta.id,
            Subject::Subnet(s) => &s.meta.id,
            Subject::Vpc(v) => &v.meta.id,
            Subject::Interface(i) => &i.meta.id,
            Subject::Instance(i) => &i.meta.id,
            Subject::UnlistedInstance { id, .. } => id,
            Subject::LoadBalancer(l) => &l.meta.id,
            Subject::Database(d) => &d.meta.id,
            Subject::ElasticIp(e) => &e.meta.id,
            Subject::KeyPair(k) => &k.meta.id,
            Subject::KeyFile(k) => &k.path,
        }
    }

    /// The most specific place the subject was written.
    pub fn source(&self) -> &'e Source {
        match self {
            Subject::SgRule { rule, .. } => &rule.source,
            Subject::NaclEntry { entry, .. } => &entry.source,
            Subject::Route { route, .. } => &route.source,
            Subject::SecurityGroup(g) => &g.meta.source,
            Subject::NetworkAcl(a) => &a.meta.source,
            Subject::RouteTable(t) => &t.meta.source,
            Subject::Subnet(s) => &s.meta.source,
            Subject::Vpc(v) => &v.meta.source,
            Subject::Interface(i) => &i.meta.source,
            Subject::Instance(i) => &i.meta.source,
            Subject::UnlistedInstance { interface, .. } => &interface.meta.source,
            Subject::LoadBalancer(l) => &l.meta.source,
            Subject::Database(d) => &d.meta.source,
            Subject::ElasticIp(e) => &e.meta.source,
            Subject::KeyPair(k) => &k.meta.source,
            Subject::KeyFile(k) => &k.source,
        }
    }

    /// Other names a finding should list (the `sgr-…` id of a group rule).
    pub fn related(&self) -> Vec<String> {
        match self {
            Subject::SgRule { rule, .. } => rule.rule_id.iter().cloned().collect(),
            // The finding names the instance; the interface is what the inputs hold of it.
            Subject::UnlistedInstance { interface, .. } => vec![interface.meta.id.clone()],
            _ => Vec::new(),
        }
    }

    /// What tells two findings of one rule on one resource apart (stable across runs).
    pub fn detail(&self) -> String {
        match self {
            Subject::SgRule { rule, .. } => {
                let what = match rule.protocol {
                    Protocol::All => "all".to_string(),
                    p => format!("{p} {}", ports_text(p, &rule.ports)),
                };
                format!(
                    "{} {what} {}",
                    rule.direction.as_str(),
                    rule.peer.describe()
                )
            }
            Subject::NaclEntry { entry, .. } => format!(
                "{} {}",
                if entry.egress { "egress" } else { "ingress" },
                entry.rule_number
            ),
            Subject::Route { route, .. } => destination_text(&route.destination),
            Subject::KeyFile(k) => k.detail(),
            _ => String::new(),
        }
    }

    /// A template field, if this subject has it.
    pub fn field(&self, name: &str) -> Option<String> {
        match name {
            "id" => return Some(self.resource().to_string()),
            "name" => return Some(self.display_name()),
            "label" => return Some(self.label()),
            _ => {}
        }
        match self {
            Subject::SgRule { group, rule } => sg_rule_field(group, rule, name),
            Subject::SecurityGroup(g) => group_field(g, name),
            Subject::NaclEntry { acl, entry } => nacl_entry_field(acl, entry, name),
            Subject::NetworkAcl(a) => match name {
                "acl" => Some(a.meta.label()),
                "vpc" => Some(a.vpc_id.clone()),
                _ => None,
            },
            Subject::Subnet(s) => match name {
                "subnet" => Some(s.meta.label()),
                "vpc" => Some(s.vpc_id.clone()),
                "cidr" => s.cidr_v4.map(|c| c.to_string()),
                _ => None,
            },
            Subject::Route { table, route } => match name {
                "route-table" => Some(table.meta.label()),
                "destination" => Some(destination_text(&route.destination)),
                "target" => Some(route.target.id().to_string()),
                "vpc" => Some(table.vpc_id.clone()),
                _ => None,
            },
            Subject::RouteTable(t) => match name {
                "route-table" => Some(t.meta.label()),
                "vpc" => Some(t.vpc_id.clone()),
                _ => None,
            },
            Subject::Vpc(v) => match name {
                "vpc" => Some(v.meta.label()),
                "cidr" => Some(join(v.cidrs_v4.iter())),
                _ => None,
            },
            Subject::Interface(i) => match name {
                "interface" => Some(i.meta.label()),
                "subnet" => Some(i.subnet_id.clone()),
                "vpc" => Some(i.vpc_id.clone()),
                "instance" => i.instance_id.clone(),
                _ => None,
            },
            Subject::Instance(i) => match name {
                "instance" => Some(i.meta.label()),
                "subnet" => i.subnet_id.clone(),
                "vpc" => i.vpc_id.clone(),
                "key-name" => i.key_name.clone(),
                "public-ip" => i.public_ip.map(|a| a.to_string()),
                _ => None,
            },
            Subject::UnlistedInstance { id, interface } => match name {
                "instance" => Some(id.to_string()),
                "subnet" => Some(interface.subnet_id.clone()),
                "vpc" => Some(interface.vpc_id.clone()),
                "public-ip" => interface.public_ips.first().map(|a| a.to_string()),
                _ => None,
            },
            Subject::LoadBalancer(l) => match name {
                "load-balancer" => Some(l.name.clone()),
                "scheme" => Some(l.scheme.clone()),
                "vpc" => Some(l.vpc_id.clone()),
                _ => None,
            },
            Subject::Database(d) => match name {
                "database" => Some(d.meta.label()),
                "engine" => Some(d.engine.clone()),
                "port" => d.port.map(|p| p.to_string()),
                "vpc" => d.vpc_id.clone(),
                _ => None,
            },
            Subject::ElasticIp(e) => match name {
                "allocation" => Some(e.meta.label()),
                "public-ip" => e.public_ip.map(|a| a.to_string()),
                _ => None,
            },
            Subject::KeyPair(k) => match name {
                "key-name" => Some(k.name.clone()),
                _ => None,
            },
            Subject::KeyFile(k) => k.field(name),
        }
    }

    fn display_name(&self) -> String {
        match self {
            Subject::SgRule { group, .. } | Subject::SecurityGroup(group) => group.name.clone(),
            Subject::LoadBalancer(l) => l.name.clone(),
            Subject::KeyPair(k) => k.name.clone(),
            Subject::KeyFile(k) => k.path.clone(),
            _ => self
                .meta_name()
                .unwrap_or_else(|| self.resource().to_string()),
        }
    }

    fn meta_name(&self) -> Option<String> {
        let meta = match self {
            Subject::NaclEntry { acl, .. } | Subject::NetworkAcl(acl) => &acl.meta,
            Subject::Route { table, .. } | Subject::RouteTable(table) => &table.meta,
            Subject::Subnet(s) => &s.meta,
            Subject::Vpc(v) => &v.meta,
            Subject::Interface(i) => &i.meta,
            Subject::Instance(i) => &i.meta,
            Subject::Database(d) => &d.meta,
            Subject::ElasticIp(e) => &e.meta,
            _ => return None,
        };
        meta.name().map(str::to_string)
    }

    fn label(&self) -> String {
        match self {
            Subject::SgRule { group, .. } | Subject::SecurityGroup(group) => group.label(),
            Subject::LoadBalancer(l) => l.name.clone(),
            Subject::KeyPair(k) => k.name.clone(),
            Subject::KeyFile(k) => k.path.clone(),
            _ => match self.meta_name() {
                Some(n) if n != self.resource() => format!("{} ({n})", self.resource()),
                _ => self.resource().to_string(),
            },
        }
    }
}

fn sg_rule_field(group: &SecurityGroup, rule: &SgRule, name: &str) -> Option<String> {
    match name {
        "direction" => Some(rule.direction.as_str().to_string()),
        "protocol" => Some(rule.protocol.to_string()),
        "ports" => Some(ports_text(rule.protocol, &rule.ports)),
        "peer" => Some(rule.peer.describe()),
        "rule-id" => rule.rule_id.clone(),
        "description" => rule.description.clone(),
        _ => group_field(group, name),
    }
}

fn group_field(group: &SecurityGroup, name: &str) -> Option<String> {
    match name {
        "group" => Some(group.label()),
        "group-name" => Some(group.name.clone()),
        "vpc" => Some(group.vpc_id.clone()),
        _ => None,
    }
}

fn nacl_entry_field(acl: &NetworkAcl, entry: &NaclEntry, name: &str) -> Option<String> {
    match name {
        "acl" => Some(acl.meta.label()),
        "vpc" => Some(acl.vpc_id.clone()),
        "rule-number" => Some(entry.rule_number.to_string()),
        "direction" => Some(if entry.egress { "egress" } else { "ingress" }.to_string()),
        "action" => Some(if entry.allow { "allow" } else { "deny" }.to_string()),
        "protocol" => Some(entry.protocol.to_string()),
        "ports" => Some(ports_text(entry.protocol, &entry.ports)),
        "cidr" => Some(entry.cidr.to_string()),
        _ => None,
    }
}

/// `22`, `1024-65535`, `all`, `icmp 8/0` — short, for details and messages.
pub fn ports_text(protocol: Protocol, ports: &PortSpec) -> String {
    match (protocol, ports) {
        (Protocol::All, _) | (_, PortSpec::All) => "all".to_string(),
        (_, PortSpec::Range(0, 65535)) => "all".to_string(),
        (_, PortSpec::Range(lo, hi)) if lo == hi => lo.to_string(),
        (_, PortSpec::Range(lo, hi)) => format!("{lo}-{hi}"),
        (_, icmp @ PortSpec::Icmp { .. }) => icmp.describe(),
    }
}

fn destination_text(d: &RouteDestination) -> String {
    match d {
        RouteDestination::Cidr(c) => c.to_string(),
        RouteDestination::PrefixList(p) => p.clone(),
    }
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}
