//! The reachability engine: what gets through, exactly, and why.
//!
//! [`Reach::new`] compiles the estate once: route tables into longest-prefix-match regions
//! (`route`), network ACLs into first-match "allowed" packet sets (`nacl`), security
//! groups into packet sets over member addresses (`groups`). Every question is then set
//! algebra on [`PacketSet`]s — never sampling — following ENGINE-SPEC.md (the shared
//! semantics an independent oracle checks packet by packet):
//!
//! - [`Reach::internet_to_interface`]: internet clients → an interface (addr = client).
//! - [`Reach::interface_to_interface`]: one interface → another's address (addr = source).
//! - [`Reach::cidr_to_interface`], [`Reach::interface_to_internet`]: see [`flows`].
//! - [`Reach::exposures`]: the exposure map (interfaces, load balancers, their targets,
//!   databases), see [`exposure`].
//! - [`Reach::explain`]: a hop-by-hop trace for one packet, see [`explain`].
//!
//! Interfaces that share subnet, group set and public-address status behave alike from the
//! internet, so their sets are computed once per class and cached.
//!
//! Decisions where ENGINE-SPEC.md or DESIGN.md leave room (each also documented where it
//! is implemented):
//! - A rule's `PortSpec` is read the same way for every protocol (`Range` = key range,
//!   `Icmp` = type/code keys, `All` = every key); protocols without ports ignore it. The
//!   loader only produces `Range` for tcp/udp and `Icmp` for icmp/icmpv6.
//! - Group references never match internet peers (also for load balancers and databases).
//! - `exposure` reports ICMP `ports` as encoded `type * 256 + code` key ranges.
//! - Load-balancer node addresses are unknown: "some address of the node's subnet" (see
//!   `services`) — the reading that does not hide exposure. Cross-zone load balancing is
//!   read as on (every node forwards to every target) for every balancer type: the
//!   attribute is not in the export, and on hides nothing.
//! - Stopped instances and unhealthy targets are still reported: their configuration
//!   exposes them as soon as they run.

mod compile;
pub mod explain;
pub mod exposure;
mod facts;
pub mod flows;
mod groups;
mod internet;
mod nacl;
mod replies;
mod route;
mod services;
mod trace;
mod trace_services;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::model::{Estate, Idx, NetworkAcl, RouteTable, RouteTarget};
use crate::net::{AddrSet, PacketSet};

pub use explain::{Blocker, Decision, Endpoint, Hop, Probe, Trace, Verdict};
pub use exposure::{Exposure, ExposureKind, ExposurePath};
pub use facts::ExposureFacts;
pub use internet::internet;

pub(crate) use compile::key_range;

use groups::{CompiledGroup, Peers};
use nacl::CompiledNacl;
use route::CompiledTable;

/// Where an interface (or a load-balancer node, or a database) sits: its subnet, VPC, and
/// the route table and ACL that apply there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub subnet_id: &'a str,
    pub vpc_id: &'a str,
    pub table: Option<Idx<RouteTable>>,
    pub nacl: Option<Idx<NetworkAcl>>,
}

/// Interfaces that the internet sees alike: subnet, VPC (used when the subnet is missing
/// from the export), sorted existing groups, has public IPv4, has IPv6.
pub(crate) type ClassKey = (String, String, Vec<String>, bool, bool);

/// The compiled estate. Build once with [`Reach::new`], then ask many questions.
pub struct Reach<'e> {
    pub(crate) estate: &'e Estate,
    pub(crate) tables: Vec<CompiledTable>,
    pub(crate) nacls: Vec<CompiledNacl>,
    pub(crate) allow_all: CompiledNacl,
    pub(crate) groups: Vec<CompiledGroup>,
    pub(crate) peers: Peers,
    explicit_table: HashMap<&'e str, Idx<RouteTable>>,
    main_table: HashMap<&'e str, Idx<RouteTable>>,
    explicit_nacl: HashMap<&'e str, Idx<NetworkAcl>>,
    default_nacl: HashMap<&'e str, Idx<NetworkAcl>>,
    /// (internet gateway id, VPC id) for every attachment.
    igw_attachments: HashSet<(&'e str, &'e str)>,
    /// (egress-only gateway id, VPC id) for every attachment.
    eigw_attachments: HashSet<(&'e str, &'e str)>,
    class_cache: RefCell<HashMap<ClassKey, PacketSet>>,
}

impl<'e> Reach<'e> {
    /// Compiles every table, ACL and group once; linear in the size of the estate.
    pub fn new(estate: &'e Estate) -> Self {
        let peers = Peers::new(estate);
        let tables = estate
            .route_tables
            .iter()
            .map(|t| CompiledTable::new(t, &peers.prefix_lists))
            .collect();
        let nacls = estate.network_acls.iter().map(CompiledNacl::new).collect();
        let groups = peers.compile(estate);
        let mut explicit_table = HashMap::new();
        let mut main_table = HashMap::new();
        for (ix, t) in estate.route_tables.indexed() {
            for a in &t.associations {
                if let Some(s) = &a.subnet_id {
                    explicit_table.entry(s.as_str()).or_insert(ix);
                }
                if a.main {
                    main_table.entry(t.vpc_id.as_str()).or_insert(ix);
                }
            }
        }
        let mut explicit_nacl = HashMap::new();
        let mut default_nacl = HashMap::new();
        for (ix, acl) in estate.network_acls.indexed() {
            for s in &acl.subnet_ids {
                explicit_nacl.entry(s.as_str()).or_insert(ix);
            }
            if acl.is_default {
                default_nacl.entry(acl.vpc_id.as_str()).or_insert(ix);
            }
        }
        let igw_attachments = estate
            .internet_gateways
            .iter()
            .flat_map(|g| g.vpc_ids.iter().map(|v| (g.meta.id.as_str(), v.as_str())))
            .collect();
        let eigw_attachments = estate
            .egress_only_gateways
            .iter()
            .flat_map(|g| g.vpc_ids.iter().map(|v| (g.meta.id.as_str(), v.as_str())))
            .collect();
        Reach {
            estate,
            tables,
            nacls,
            allow_all: CompiledNacl::allow_all(),
            groups,
            peers,
            explicit_table,
            main_table,
            explicit_nacl,
            default_nacl,
            igw_attachments,
            eigw_attachments,
            class_cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn estate(&self) -> &'e Estate {
        self.estate
    }

    /// The subnet's table (explicit association, else the VPC's main table) and ACL
    /// (explicit association, else the VPC's default ACL). `fallback_vpc` is used when the
    /// subnet itself is missing from the export.
    pub(crate) fn place<'a>(&'a self, subnet_id: &'a str, fallback_vpc: &'a str) -> Place<'a> {
        let vpc_id = self
            .estate
            .subnets
            .get_by_id(subnet_id)
            .map_or(fallback_vpc, |s| s.vpc_id.as_str());
        Place {
            subnet_id,
            vpc_id,
            table: self
                .explicit_table
                .get(subnet_id)
                .or_else(|| self.main_table.get(vpc_id))
                .copied(),
            nacl: self
                .explicit_nacl
                .get(subnet_id)
                .or_else(|| self.default_nacl.get(vpc_id))
                .copied(),
        }
    }

    /// Indices of the network ACLs that filter some subnet's traffic: those naming a subnet,
    /// and a VPC's default ACL when a subnet the inputs know (listed, or named by an
    /// interface, load balancer or database) falls back to it. Any other ACL filters
    /// nothing until it is associated.
    pub(crate) fn nacls_in_use(&self) -> HashSet<usize> {
        let estate = self.estate;
        let mut used: HashSet<usize> = estate
            .network_acls
            .indexed()
            .filter(|(_, acl)| !acl.subnet_ids.is_empty())
            .map(|(ix, _)| ix.index())
            .collect();
        let named = |ids: &'e [String], vpc: &'e str| ids.iter().map(move |s| (s.as_str(), vpc));
        let subnets = estate
            .subnets
            .iter()
            .map(|s| (s.meta.id.as_str(), s.vpc_id.as_str()))
            .chain(
                estate
                    .interfaces
                    .iter()
                    .map(|e| (e.subnet_id.as_str(), e.vpc_id.as_str())),
            )
            .chain(
                estate
                    .load_balancers
                    .iter()
                    .flat_map(|l| named(&l.subnet_ids, &l.vpc_id)),
            )
            .chain(
                estate
                    .databases
                    .iter()
                    .flat_map(|d| named(&d.subnet_ids, d.vpc_id.as_deref().unwrap_or(""))),
            );
        for (subnet, vpc) in subnets {
            if let Some(ix) = self.place(subnet, vpc).nacl {
                used.insert(ix.index());
            }
        }
        used
    }

    pub(crate) fn nacl(&self, place: &Place) -> &CompiledNacl {
        place
            .nacl
            .and_then(|ix| self.nacls.get(ix.index()))
            .unwrap_or(&self.allow_all)
    }

    /// Addresses whose winning route in the place's table satisfies `pred` and is not a
    /// blackhole. No table: no routes, nothing leaves.
    pub(crate) fn routed(&self, place: &Place, pred: impl Fn(&RouteTarget) -> bool) -> AddrSet {
        match place.table {
            Some(t) => self.tables[t.index()]
                .region_where(self.estate.route_tables.get(t), |target, blackhole| {
                    !blackhole && pred(target)
                }),
            None => AddrSet::empty(),
        }
    }

    /// Addresses the place's table sends to an internet gateway attached to its VPC.
    pub(crate) fn igw_region(&self, place: &Place) -> AddrSet {
        self.routed(place, |t| self.is_attached_igw(t, place.vpc_id))
    }

    pub(crate) fn is_attached_igw(&self, target: &RouteTarget, vpc: &str) -> bool {
        matches!(target, RouteTarget::InternetGateway(g) if self.igw_attachments.contains(&(g.as_str(), vpc)))
    }

    pub(crate) fn is_attached_eigw(&self, target: &RouteTarget, vpc: &str) -> bool {
        matches!(target, RouteTarget::EgressOnlyInternetGateway(g) if self.eigw_attachments.contains(&(g.as_str(), vpc)))
    }

    /// The winning route for `addr` in the place's table: (table, route index).
    pub(crate) fn lookup(
        &self,
        place: &Place,
        addr: std::net::IpAddr,
    ) -> Option<(Idx<RouteTable>, usize)> {
        let t = place.table?;
        self.tables[t.index()].lookup(addr).map(|r| (t, r))
    }

    /// Union of the compiled rule sets of the groups that exist.
    pub(crate) fn sg_set(&self, group_ids: &[String], rules: Rules) -> PacketSet {
        PacketSet::union_all(group_ids.iter().filter_map(|g| {
            let ix = self.estate.security_groups.find(g)?;
            let c = &self.groups[ix.index()];
            Some(match rules {
                Rules::Ingress => c.ingress.clone(),
                Rules::Egress => c.egress.clone(),
                Rules::IngressFromInternet => c.ingress_internet.clone(),
                Rules::EgressToInternet => c.egress_internet.clone(),
            })
        }))
    }
}

/// Which security-group rules a flow can match: internet peers never match group references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    Ingress,
    Egress,
    IngressFromInternet,
    EgressToInternet,
}
