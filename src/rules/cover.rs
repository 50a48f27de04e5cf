//! Small exact set arithmetic the rule predicates need: does a union of CIDRs cover the whole
//! address space, and does a union of boxes (protocol × port × address) cover another box.
//!
//! Why here and not in `net`: the shared packet-space algebra (`crate::net::PacketSet`) was
//! being written in parallel; these helpers are exact, tiny, and tested on their own, and
//! can be swapped for `net` calls without touching any rule file.

use ipnet::IpNet;

/// An inclusive range of addresses, ports or protocol numbers (u128 fits IPv6).
pub type Range = (u128, u128);

/// The inclusive address range of a CIDR, and whether it is IPv6.
pub fn cidr_range(net: &IpNet) -> (bool, Range) {
    match net {
        IpNet::V4(n) => (
            false,
            (
                u128::from(u32::from(n.network())),
                u128::from(u32::from(n.broadcast())),
            ),
        ),
        IpNet::V6(n) => (true, (u128::from(n.network()), u128::from(n.broadcast()))),
    }
}

const V4_MAX: u128 = u32::MAX as u128;

/// Whether the union of `ranges` is exactly `0..=max`.
pub fn covers_all(mut ranges: Vec<Range>, max: u128) -> bool {
    ranges.sort_unstable();
    let mut next = 0u128; // the first address not yet covered
    for (lo, hi) in ranges {
        if lo > next {
            return false;
        }
        if hi >= next {
            if hi == max {
                return true;
            }
            next = hi + 1;
        }
    }
    false
}

/// Whether these CIDRs together cover all of IPv4 or all of IPv6 (the internet).
pub fn union_is_internet(cidrs: &[IpNet]) -> bool {
    let (v6, v4): (Vec<_>, Vec<_>) = cidrs.iter().map(cidr_range).partition(|(is6, _)| *is6);
    covers_all(v4.into_iter().map(|(_, r)| r).collect(), V4_MAX)
        || covers_all(v6.into_iter().map(|(_, r)| r).collect(), u128::MAX)
}

/// A box in a space of `N` dimensions, each an inclusive range.
pub type Box3 = [Range; 3];

fn intersect(a: &Box3, b: &Box3) -> Option<Box3> {
    let mut out = *a;
    for d in 0..3 {
        let lo = a[d].0.max(b[d].0);
        let hi = a[d].1.min(b[d].1);
        if lo > hi {
            return None;
        }
        out[d] = (lo, hi);
    }
    Some(out)
}

/// `a` minus `b` as disjoint boxes (at most two per dimension).
fn subtract(a: &Box3, b: &Box3) -> Vec<Box3> {
    let Some(common) = intersect(a, b) else {
        return vec![*a];
    };
    let mut out = Vec::new();
    let mut rest = *a;
    for d in 0..3 {
        if rest[d].0 < common[d].0 {
            let mut piece = rest;
            piece[d] = (rest[d].0, common[d].0 - 1);
            out.push(piece);
        }
        if common[d].1 < rest[d].1 {
            let mut piece = rest;
            piece[d] = (common[d].1 + 1, rest[d].1);
            out.push(piece);
        }
        rest[d] = common[d];
    }
    out
}

/// Whether the union of `covers` contains all of `target` (exact).
pub fn box_covered(target: &Box3, covers: &[Box3]) -> bool {
    let mut left = vec![*target];
    for c in covers {
        left = left.iter().flat_map(|b| subtract(b, c)).collect();
        if left.is_empty() {
            return true;
        }
    }
    left.is_empty()
}

/// Whether two boxes share a point.
pub fn boxes_meet(a: &Box3, b: &Box3) -> bool {
    intersect(a, b).is_some()
}

/// Whether `outer` contains `inner`.
pub fn box_contains(outer: &Box3, inner: &Box3) -> bool {
    (0..3).all(|d| outer[d].0 <= inner[d].0 && inner[d].1 <= outer[d].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().filter_map(|s| s.parse().ok()).collect()
    }

    #[test]
    fn halves_make_the_internet() {
        assert!(union_is_internet(&nets(&["0.0.0.0/1", "128.0.0.0/1"])));
        assert!(union_is_internet(&nets(&["0.0.0.0/0"])));
        assert!(union_is_internet(&nets(&["::/1", "8000::/1"])));
        assert!(!union_is_internet(&nets(&["0.0.0.0/1", "128.0.0.0/2"])));
        assert!(!union_is_internet(&nets(&["0.0.0.0/1", "8000::/1"])));
        assert!(!union_is_internet(&[]));
    }

    #[test]
    fn boxes_cover_exactly() {
        let target = [(6, 6), (22, 22), (0, 100)];
        assert!(box_covered(&target, &[[(0, 255), (0, 65535), (0, 100)]]));
        assert!(box_covered(
            &target,
            &[[(6, 6), (0, 30), (0, 49)], [(6, 6), (22, 22), (50, 100)]]
        ));
        assert!(!box_covered(
            &target,
            &[[(6, 6), (0, 30), (0, 49)], [(6, 6), (22, 22), (51, 100)]]
        ));
        assert!(!box_covered(&target, &[[(17, 17), (0, 65535), (0, 100)]]));
    }
}
