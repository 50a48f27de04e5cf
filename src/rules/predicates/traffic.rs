//! `admits <traffic> from internet`: whether a group's inbound rules, taken together, admit
//! some of the given traffic from every address.
//!
//! Exact over ports and addresses: the requested ports are cut at every rule boundary, and
//! for each piece the CIDRs of the rules covering it are united; the piece is open to the
//! internet when that union is all of IPv4 or all of IPv6 (so `0.0.0.0/1` + `128.0.0.0/1`
//! counts). Group references never admit internet sources (they stand for private
//! addresses), so they are ignored here.

use ipnet::IpNet;

use super::security::{peer_cidrs, port_range, ports_text, sg_evidence};
use crate::model::SgRule;
use crate::net::{AddrSet, Protocol};
use crate::rules::eval::{Env, OpenTraffic, Verdict};
use crate::rules::registry::{normalize_ports, Arg, PortList};
use crate::rules::subject::Subject;

/// An inbound rule that admits the requested protocol, with its ports and CIDRs.
struct Candidate<'e> {
    rule: &'e SgRule,
    ports: (u16, u16),
    cidrs: Vec<IpNet>,
}

pub fn admits_from_internet(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let (Subject::SecurityGroup(group), Some(Arg::Traffic(traffic))) = (s, args.first()) else {
        return Verdict::no();
    };
    let candidates: Vec<Candidate> = group
        .ingress
        .iter()
        .filter(|r| admits_protocol(r.protocol, traffic.protocol))
        .filter_map(|r| {
            Some(Candidate {
                rule: r,
                ports: port_range(r.protocol, &r.ports)?,
                cidrs: peer_cidrs(&r.peer, env)?,
            })
        })
        .collect();
    let mut open: PortList = Vec::new();
    let mut deciding: Vec<usize> = Vec::new();
    for (lo, hi) in pieces(&traffic.ports, &candidates) {
        let covering: Vec<usize> = (0..candidates.len())
            .filter(|i| candidates[*i].ports.0 <= lo && hi <= candidates[*i].ports.1)
            .collect();
        let cidrs: Vec<IpNet> = covering
            .iter()
            .flat_map(|i| candidates[*i].cidrs.iter().copied())
            .collect();
        if union_is_internet(&cidrs) {
            open.push((lo, hi));
            deciding.extend(decisive(&covering, &candidates));
        }
    }
    if open.is_empty() {
        return Verdict::no();
    }
    deciding.sort_unstable();
    deciding.dedup();
    // The broadest rule first: it is where a finding should point.
    deciding.sort_by_key(|i| {
        let widest = candidates[*i].cidrs.iter().map(|c| c.prefix_len()).min();
        (widest, *i)
    });
    let open = normalize_ports(open);
    let whole = traffic.protocol == Protocol::All || !traffic.protocol.has_ports();
    let ports = if whole {
        "all".to_string()
    } else {
        ports_text(&open)
    };
    // ICMP "ports" are type/code keys here; only tcp/udp narrow the exposure question.
    let open_keys = if whole || traffic.protocol.is_icmp() {
        vec![(0, u16::MAX)]
    } else {
        open.clone()
    };
    let mut sources: Vec<String> = deciding
        .iter()
        .flat_map(|i| candidates[*i].cidrs.iter().map(|c| c.to_string()))
        .collect();
    sources.dedup();
    // The same shape as a single rule's detail: `ingress tcp 22 0.0.0.0/1,128.0.0.0/1`.
    let what = if traffic.protocol == Protocol::All {
        "all".to_string()
    } else {
        format!("{} {}", traffic.protocol, ports.replace(", ", ","))
    };
    let detail = format!("ingress {what} {}", sources.join(","));
    let mut verdict = Verdict::from(true);
    verdict.open.push(OpenTraffic {
        protocol: traffic.protocol,
        ports: open_keys,
    });
    verdict
        .with_evidence(
            deciding
                .iter()
                .map(|i| sg_evidence(candidates[*i].rule))
                .collect(),
        )
        .with_fact("ports", ports)
        .with_fact("sources", sources.join(", "))
        .with_fact("detail", detail)
}

/// `all` is only admitted by protocol -1; a protocol by its own number or by -1.
fn admits_protocol(rule: Protocol, wanted: Protocol) -> bool {
    rule == Protocol::All || (wanted != Protocol::All && rule == wanted)
}

/// The requested port ranges cut at every candidate's boundaries, so each piece is either
/// inside or outside every candidate's range.
fn pieces(wanted: &PortList, candidates: &[Candidate]) -> Vec<(u16, u16)> {
    let mut cuts: Vec<u32> = candidates
        .iter()
        .flat_map(|c| [u32::from(c.ports.0), u32::from(c.ports.1) + 1])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for &(lo, hi) in wanted {
        let mut start = u32::from(lo);
        for &cut in cuts
            .iter()
            .filter(|c| **c > u32::from(lo) && **c <= u32::from(hi))
        {
            out.push((start as u16, (cut - 1) as u16));
            start = cut;
        }
        out.push((start as u16, hi));
    }
    out
}

/// Whether these CIDRs together are all of IPv4 or all of IPv6.
fn union_is_internet(cidrs: &[IpNet]) -> bool {
    let all = AddrSet::from_nets(cidrs);
    all.is_all_v4() || all.is_all_v6()
}

/// The rules worth naming: those open to the whole internet on their own, else all that
/// took part in the union.
fn decisive(covering: &[usize], candidates: &[Candidate]) -> Vec<usize> {
    let alone: Vec<usize> = covering
        .iter()
        .copied()
        .filter(|i| union_is_internet(&candidates[*i].cidrs))
        .collect();
    if alone.is_empty() {
        covering
            .iter()
            .copied()
            .filter(|i| !candidates[*i].cidrs.iter().all(super::security::is_private))
            .collect()
    } else {
        alone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    #[test]
    fn halves_make_the_internet_but_mixed_families_do_not() {
        assert!(union_is_internet(&nets(&["0.0.0.0/1", "128.0.0.0/1"])));
        assert!(union_is_internet(&nets(&["::/1", "8000::/1"])));
        assert!(!union_is_internet(&nets(&["0.0.0.0/1", "128.0.0.0/2"])));
        assert!(!union_is_internet(&nets(&["0.0.0.0/1", "8000::/1"])));
        assert!(!union_is_internet(&[]));
    }
}
