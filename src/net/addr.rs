//! Exact sets of IPv4 and IPv6 addresses, with conversion to and from minimal CIDR lists.
//!
//! AWS rules name peers as CIDR blocks, but after unions and differences the result is
//! rarely one block; keeping addresses as integer intervals makes every set operation
//! exact, and `to_cidrs` turns the result back into something a human (or AWS) can read.

use std::borrow::Borrow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::interval::IntervalSet;

/// A set of IPv4 and IPv6 addresses. The two families are independent dimensions;
/// both fields are canonical, so equality is set equality.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct AddrSet {
    pub v4: IntervalSet<u32>,
    pub v6: IntervalSet<u128>,
}

impl AddrSet {
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every IPv4 and every IPv6 address ("the internet": `0.0.0.0/0` plus `::/0`).
    pub fn all() -> Self {
        AddrSet {
            v4: IntervalSet::full(),
            v6: IntervalSet::full(),
        }
    }

    pub fn all_v4() -> Self {
        AddrSet {
            v4: IntervalSet::full(),
            v6: IntervalSet::empty(),
        }
    }

    pub fn all_v6() -> Self {
        AddrSet {
            v4: IntervalSet::empty(),
            v6: IntervalSet::full(),
        }
    }

    /// The addresses of one CIDR block. Host bits set in the block (`10.0.0.5/8`) are
    /// ignored, as AWS does, so the block is always the whole network.
    pub fn from_net(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => AddrSet {
                v4: IntervalSet::range(u32::from(n.network()), u32::from(n.broadcast())),
                v6: IntervalSet::empty(),
            },
            IpNet::V6(n) => AddrSet {
                v4: IntervalSet::empty(),
                v6: IntervalSet::range(u128::from(n.network()), u128::from(n.broadcast())),
            },
        }
    }

    /// The union of many CIDR blocks (owned or borrowed), built in one sort rather than
    /// by repeated unions.
    pub fn from_nets<I>(nets: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<IpNet>,
    {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for net in nets {
            match net.borrow() {
                IpNet::V4(n) => v4.push((u32::from(n.network()), u32::from(n.broadcast()))),
                IpNet::V6(n) => v6.push((u128::from(n.network()), u128::from(n.broadcast()))),
            }
        }
        AddrSet {
            v4: IntervalSet::from_ranges(v4),
            v6: IntervalSet::from_ranges(v6),
        }
    }

    /// The union of many address sets in one sort (cheaper than folding `union` when
    /// there are many).
    pub fn union_all<'a, I: IntoIterator<Item = &'a AddrSet>>(sets: I) -> Self {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for s in sets {
            v4.extend_from_slice(s.v4.ranges());
            v6.extend_from_slice(s.v6.ranges());
        }
        AddrSet {
            v4: IntervalSet::from_ranges(v4),
            v6: IntervalSet::from_ranges(v6),
        }
    }

    pub fn from_addr(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(a) => AddrSet {
                v4: IntervalSet::single(u32::from(a)),
                v6: IntervalSet::empty(),
            },
            IpAddr::V6(a) => AddrSet {
                v4: IntervalSet::empty(),
                v6: IntervalSet::single(u128::from(a)),
            },
        }
    }

    pub fn union(&self, other: &Self) -> Self {
        AddrSet {
            v4: self.v4.union(&other.v4),
            v6: self.v6.union(&other.v6),
        }
    }

    pub fn intersection(&self, other: &Self) -> Self {
        AddrSet {
            v4: self.v4.intersection(&other.v4),
            v6: self.v6.intersection(&other.v6),
        }
    }

    pub fn difference(&self, other: &Self) -> Self {
        AddrSet {
            v4: self.v4.difference(&other.v4),
            v6: self.v6.difference(&other.v6),
        }
    }

    /// Complement within the whole address space of both families.
    pub fn complement(&self) -> Self {
        AddrSet {
            v4: self.v4.complement(),
            v6: self.v6.complement(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// Every v4 and every v6 address.
    pub fn is_all(&self) -> bool {
        self.v4.is_full() && self.v6.is_full()
    }

    pub fn is_all_v4(&self) -> bool {
        self.v4.is_full()
    }

    pub fn is_all_v6(&self) -> bool {
        self.v6.is_full()
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }

    pub fn is_subset(&self, other: &Self) -> bool {
        self.v4.is_subset(&other.v4) && self.v6.is_subset(&other.v6)
    }

    /// The minimal list of CIDR blocks covering exactly this set: IPv4 first, then IPv6,
    /// each in ascending address order.
    ///
    /// Minimal because each canonical range is decomposed greedily (largest aligned block
    /// first, which is optimal for a single range) and blocks from different ranges can
    /// never merge: the merged block would have to cover the gap between the ranges.
    pub fn to_cidrs(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        for &(lo, hi) in self.v4.ranges() {
            for (base, len) in range_to_blocks(u128::from(lo), u128::from(hi), 32) {
                // base < 2^32 because it lies within [lo, hi].
                let a = Ipv4Addr::from(u32::try_from(base).unwrap_or(u32::MAX));
                out.push(IpNet::V4(
                    Ipv4Net::new(a, len).expect("prefix length <= 32 by construction"),
                ));
            }
        }
        for &(lo, hi) in self.v6.ranges() {
            for (base, len) in range_to_blocks(lo, hi, 128) {
                out.push(IpNet::V6(
                    Ipv6Net::new(Ipv6Addr::from(base), len)
                        .expect("prefix length <= 128 by construction"),
                ));
            }
        }
        out
    }
}

/// Splits the inclusive range `lo..=hi` of a `bits`-wide address space into the fewest
/// aligned power-of-two blocks, returned as `(base, prefix_len)`.
///
/// Works in u128 for both families; the only value that cannot be expressed as a count
/// is the full IPv6 space, which is why block sizes are handled as bit counts (`k`) and
/// masks rather than as `hi - lo + 1`.
fn range_to_blocks(mut lo: u128, hi: u128, bits: u32) -> Vec<(u128, u8)> {
    let mut out = Vec::new();
    loop {
        let span = hi - lo; // number of addresses minus one; cannot overflow
                            // Largest k with 2^k - 1 <= span, i.e. a block of 2^k addresses fits.
        let fit = match span.checked_add(1) {
            None => 128,
            Some(n) => 127 - n.leading_zeros(),
        };
        // The block must also be aligned on its own size.
        let k = fit.min(lo.trailing_zeros()).min(bits);
        let mask = if k >= 128 {
            u128::MAX
        } else {
            (1u128 << k) - 1
        };
        let end = lo | mask;
        // bits - k <= 128, so it fits in u8.
        out.push((lo, u8::try_from(bits - k).unwrap_or(0)));
        if end >= hi {
            break;
        }
        lo = end + 1;
    }
    out
}

impl fmt::Display for AddrSet {
    /// Comma-separated minimal CIDRs, or `none` for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, net) in self.to_cidrs().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{net}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test CIDR")
    }

    fn set(nets: &[&str]) -> AddrSet {
        let v: Vec<IpNet> = nets.iter().map(|s| net(s)).collect();
        AddrSet::from_nets(&v)
    }

    #[test]
    fn halves_make_the_whole_v4_space() {
        let u = set(&["0.0.0.0/1"]).union(&set(&["128.0.0.0/1"]));
        assert_eq!(u, AddrSet::all_v4());
        assert!(u.is_all_v4() && !u.is_all_v6());
        assert_eq!(u.to_string(), "0.0.0.0/0");
    }

    #[test]
    fn whole_spaces_render_without_overflow() {
        assert_eq!(AddrSet::all().to_string(), "0.0.0.0/0, ::/0");
        assert_eq!(AddrSet::all_v6().to_cidrs(), vec![net("::/0")]);
        assert_eq!(AddrSet::empty().to_string(), "none");
        let top = set(&[
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
            "255.255.255.255/32",
        ]);
        assert_eq!(
            top.to_string(),
            "255.255.255.255/32, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"
        );
        let no_zero = AddrSet::all().difference(&set(&["0.0.0.0/32", "::/128"]));
        assert_eq!(no_zero.to_cidrs().len(), 32 + 128);
    }

    #[test]
    fn ten_slash_eight_minus_a_slash_24() {
        let d = set(&["10.0.0.0/8"]).difference(&set(&["10.0.0.0/24"]));
        assert_eq!(
            d.to_string(),
            "10.0.1.0/24, 10.0.2.0/23, 10.0.4.0/22, 10.0.8.0/21, 10.0.16.0/20, \
             10.0.32.0/19, 10.0.64.0/18, 10.0.128.0/17, 10.1.0.0/16, 10.2.0.0/15, \
             10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9"
        );
        assert!(!d.contains("10.0.0.7".parse().expect("ip")));
        assert!(d.contains("10.200.0.7".parse().expect("ip")));
    }

    #[test]
    fn host_bits_are_ignored_and_families_are_separate() {
        assert_eq!(set(&["10.0.0.5/8"]), set(&["10.0.0.0/8"]));
        let mixed = set(&["10.0.0.0/8", "2001:db8::/32"]);
        assert!(mixed.contains("2001:db8::1".parse().expect("ip")));
        assert!(!mixed.contains("::ffff:10.0.0.1".parse().expect("ip")));
        assert!(set(&["10.1.0.0/16"]).is_subset(&mixed));
        assert!(!AddrSet::all_v6().is_subset(&mixed));
        assert_eq!(mixed.complement().complement(), mixed);
        let owned = AddrSet::from_nets(vec![net("10.0.0.0/8"), net("2001:db8::/32")]);
        assert_eq!(owned, mixed);
        let parts = [
            set(&["10.0.0.0/9"]),
            set(&["10.128.0.0/9"]),
            set(&["2001:db8::/32"]),
        ];
        assert_eq!(AddrSet::union_all(&parts), mixed);
        assert_eq!(
            AddrSet::from_addr("1.2.3.4".parse().expect("ip")).to_string(),
            "1.2.3.4/32"
        );
    }
}
