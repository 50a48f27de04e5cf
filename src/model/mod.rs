//! The normalized estate: every loaded AWS object, with typed indices and its source location.
//!
//! Loaders fill an [`Estate`]; everything downstream (reach, rules, report) reads it. Objects
//! refer to each other by AWS id (or Terraform address when no id exists yet); [`Arena`] maps
//! ids to typed indices so lookups are cheap and cannot confuse a subnet with a group.

mod arena;
mod compute;
mod network;
mod security;
mod services;
mod source;

pub use arena::{Arena, Idx};
pub use compute::{ElasticIp, Instance, KeyPair, MetadataOptions, NetworkInterface};
pub use network::{
    EgressOnlyInternetGateway, InternetGateway, NaclEntry, NatGateway, NetworkAcl, PeerVpc, Route,
    RouteAssociation, RouteDestination, RouteTable, RouteTarget, Subnet, Vpc, VpcPeering,
};
pub use security::{Direction, Peer, PortSpec, PrefixList, SecurityGroup, SgRule};
pub use services::{Database, DbSubnetGroup, Listener, LoadBalancer, Target, TargetGroup};
pub use source::{FileIx, Location, Meta, Source, SourceFile, Tags};

/// Something the loaders noticed that is not fatal (an unrecognised file, a dangling id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub file: String,
    pub message: String,
}

/// Every object loaded from every input, normalized.
#[derive(Debug, Default)]
pub struct Estate {
    pub files: Vec<SourceFile>,
    pub vpcs: Arena<Vpc>,
    pub subnets: Arena<Subnet>,
    pub route_tables: Arena<RouteTable>,
    pub network_acls: Arena<NetworkAcl>,
    pub security_groups: Arena<SecurityGroup>,
    pub prefix_lists: Arena<PrefixList>,
    pub interfaces: Arena<NetworkInterface>,
    pub instances: Arena<Instance>,
    pub internet_gateways: Arena<InternetGateway>,
    pub egress_only_gateways: Arena<EgressOnlyInternetGateway>,
    pub nat_gateways: Arena<NatGateway>,
    pub peerings: Arena<VpcPeering>,
    pub elastic_ips: Arena<ElasticIp>,
    pub load_balancers: Arena<LoadBalancer>,
    pub listeners: Arena<Listener>,
    pub target_groups: Arena<TargetGroup>,
    pub targets: Vec<Target>,
    pub databases: Arena<Database>,
    pub db_subnet_groups: Arena<DbSubnetGroup>,
    pub key_pairs: Arena<KeyPair>,
    pub warnings: Vec<Warning>,
}

impl Estate {
    /// Registers an input file and returns its index for [`Source`]s.
    pub fn add_file(&mut self, file: SourceFile) -> FileIx {
        self.files.push(file);
        FileIx(self.files.len() as u32 - 1)
    }

    pub fn file(&self, ix: FileIx) -> &SourceFile {
        &self.files[ix.0 as usize]
    }

    /// Where a source points, with the line resolved (lazily: only findings need lines).
    pub fn location(&self, source: &Source) -> Location {
        let file = self.file(source.file);
        let line = source
            .line
            .or_else(|| file.line_of_pointer(&source.pointer));
        Location {
            file: file.display.clone(),
            line,
            pointer: if source.pointer.is_empty() {
                None
            } else {
                Some(source.pointer.clone())
            },
        }
    }

    /// Resolves many sources at once: one scan per file however many sources point into it.
    pub fn locations(&self, sources: &[&Source]) -> Vec<Location> {
        let mut by_file: std::collections::HashMap<FileIx, Vec<&str>> = Default::default();
        for s in sources.iter().filter(|s| s.line.is_none()) {
            by_file.entry(s.file).or_default().push(s.pointer.as_str());
        }
        let lines: std::collections::HashMap<FileIx, _> = by_file
            .into_iter()
            .map(|(f, pointers)| (f, self.file(f).lines_of_pointers(&pointers)))
            .collect();
        sources
            .iter()
            .map(|s| Location {
                file: self.file(s.file).display.clone(),
                line: s
                    .line
                    .or_else(|| lines.get(&s.file).and_then(|m| m.get(&s.pointer).copied())),
                pointer: (!s.pointer.is_empty()).then(|| s.pointer.clone()),
            })
            .collect()
    }

    /// Records a non-fatal problem once (identical warnings are merged).
    pub fn warn(&mut self, file: impl Into<String>, message: impl Into<String>) {
        let w = Warning {
            file: file.into(),
            message: message.into(),
        };
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// The default security group of a VPC (the one named `default`).
    pub fn is_default_group(&self, group: &SecurityGroup) -> bool {
        group.name == "default"
    }

    /// Whether the estate holds nothing at all (every input was unrecognised or empty).
    pub fn is_empty(&self) -> bool {
        self.vpcs.is_empty()
            && self.subnets.is_empty()
            && self.security_groups.is_empty()
            && self.network_acls.is_empty()
            && self.route_tables.is_empty()
            && self.interfaces.is_empty()
            && self.instances.is_empty()
            && self.load_balancers.is_empty()
            && self.databases.is_empty()
            && self.key_pairs.is_empty()
    }
}
