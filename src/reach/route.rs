//! Route tables compiled for longest-prefix match as exact address regions.
//!
//! Each route owns the addresses for which it is the longest match: walking routes by
//! descending prefix length and subtracting what longer routes already cover gives every
//! route its region exactly, so "which clients does this table send to the internet
//! gateway" is a union of regions rather than a per-address lookup
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/route-tables.html#route-tables-priority>).

use std::collections::HashMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::{RouteDestination, RouteTable, RouteTarget};
use crate::net::AddrSet;

/// One table: `(region, route index)` pairs; regions are disjoint.
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledTable {
    regions: Vec<(AddrSet, usize)>,
}

impl CompiledTable {
    /// ENGINE-SPEC: among matching routes the longest prefix wins (a prefix-list route
    /// counts with the length of its matching CIDR); at equal length a CIDR route beats a
    /// prefix-list route; unknown prefix lists match nothing.
    pub(crate) fn new(table: &RouteTable, prefix_lists: &HashMap<String, Vec<IpNet>>) -> Self {
        // (prefix length, is prefix list, route index, block)
        let mut blocks: Vec<(u8, bool, usize, IpNet)> = Vec::new();
        for (i, route) in table.routes.iter().enumerate() {
            match &route.destination {
                RouteDestination::Cidr(n) => blocks.push((n.prefix_len(), false, i, *n)),
                RouteDestination::PrefixList(id) => {
                    for n in prefix_lists.get(id).into_iter().flatten() {
                        blocks.push((n.prefix_len(), true, i, *n));
                    }
                }
            }
        }
        blocks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut covered = AddrSet::empty();
        let mut regions = Vec::new();
        for (_, _, i, net) in blocks {
            let block = AddrSet::from_net(&net);
            let own = block.difference(&covered);
            if !own.is_empty() {
                covered = covered.union(&block);
                regions.push((own, i));
            }
        }
        CompiledTable { regions }
    }

    /// The index of the route that wins for `addr`, if any.
    pub(crate) fn lookup(&self, addr: IpAddr) -> Option<usize> {
        self.regions
            .iter()
            .find(|(a, _)| a.contains(addr))
            .map(|(_, i)| *i)
    }

    /// Every address whose winning route satisfies `pred` (blackholes included: callers
    /// decide, usually by rejecting them).
    pub(crate) fn region_where(
        &self,
        table: &RouteTable,
        mut pred: impl FnMut(&RouteTarget, bool) -> bool,
    ) -> AddrSet {
        let parts: Vec<&AddrSet> = self
            .regions
            .iter()
            .filter(|(_, i)| {
                table
                    .routes
                    .get(*i)
                    .is_some_and(|r| pred(&r.target, r.blackhole))
            })
            .map(|(a, _)| a)
            .collect();
        AddrSet::union_all(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Meta, Route, Source};

    fn route(dest: RouteDestination, target: RouteTarget, blackhole: bool) -> Route {
        Route {
            destination: dest,
            target,
            blackhole,
            source: Source::default(),
        }
    }

    fn cidr(s: &str) -> RouteDestination {
        RouteDestination::Cidr(s.parse().expect("test CIDR"))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test ip")
    }

    #[test]
    fn longest_prefix_wins_and_cidr_beats_prefix_list_on_ties() {
        let igw = RouteTarget::InternetGateway("igw-1".into());
        let table = RouteTable {
            meta: Meta::default(),
            vpc_id: "vpc-1".into(),
            routes: vec![
                route(cidr("0.0.0.0/0"), igw.clone(), false),
                route(
                    RouteDestination::PrefixList("pl-1".into()),
                    RouteTarget::VpcEndpoint("vpce-1".into()),
                    false,
                ),
                route(
                    cidr("52.0.0.0/8"),
                    RouteTarget::NatGateway("nat-1".into()),
                    false,
                ),
                route(cidr("52.1.0.0/16"), RouteTarget::Local, true),
                route(
                    RouteDestination::PrefixList("pl-unknown".into()),
                    RouteTarget::Local,
                    false,
                ),
            ],
            associations: Vec::new(),
        };
        let mut pls = HashMap::new();
        pls.insert(
            "pl-1".to_string(),
            vec![
                "52.0.0.0/8".parse().expect("cidr"),
                "3.5.0.0/16".parse().expect("cidr"),
            ],
        );
        let c = CompiledTable::new(&table, &pls);
        assert_eq!(c.lookup(ip("8.8.8.8")), Some(0));
        assert_eq!(
            c.lookup(ip("3.5.1.1")),
            Some(1),
            "prefix-list /16 beats 0.0.0.0/0"
        );
        assert_eq!(
            c.lookup(ip("52.9.0.1")),
            Some(2),
            "equal /8: the CIDR route beats the list"
        );
        assert_eq!(
            c.lookup(ip("52.1.0.1")),
            Some(3),
            "blackholes still win the lookup"
        );
        assert_eq!(c.lookup(ip("::1")), None);
        let to_igw = c.region_where(&table, |t, bh| !bh && *t == igw);
        let want = AddrSet::all_v4().difference(&AddrSet::from_nets([
            "52.0.0.0/8".parse::<IpNet>().expect("cidr"),
            "3.5.0.0/16".parse::<IpNet>().expect("cidr"),
        ]));
        assert_eq!(to_igw, want);
    }
}
