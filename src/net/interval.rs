//! Exact sets of unsigned integers kept as canonical lists of inclusive ranges, and
//! piecewise-constant maps over the same domains.
//!
//! Everything in the packet-space algebra (ports, ICMP keys, protocol numbers, IPv4 and
//! IPv6 addresses) is built from these two types. Both are kept canonical so that
//! structural equality is set (or function) equality, which lets callers compare, hash
//! and deduplicate results without a separate normalisation step.

use std::fmt::Debug;
use std::hash::Hash;

/// An unsigned integer domain usable as the element type of an [`IntervalSet`].
///
/// Only the operations the sweeps need are required; `succ`/`pred` are checked because
/// the domain edges (0 and MAX) are ordinary, frequent values here (`0.0.0.0/0`, port 65535).
pub trait Bound: Copy + Ord + Debug + Hash {
    const MIN: Self;
    const MAX: Self;
    /// `self + 1`, or `None` at `MAX`.
    fn succ(self) -> Option<Self>;
    /// `self - 1`, or `None` at `MIN`.
    fn pred(self) -> Option<Self>;
    /// Widening conversion used for counting.
    fn to_u128(self) -> u128;
}

macro_rules! impl_bound {
    ($($t:ty),*) => {$(
        impl Bound for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }
            fn pred(self) -> Option<Self> {
                self.checked_sub(1)
            }
            fn to_u128(self) -> u128 {
                u128::from(self)
            }
        }
    )*};
}

impl_bound!(u8, u16, u32, u128);

/// A set of values of an unsigned domain.
///
/// Invariant: `ranges` is sorted, every range has `lo <= hi`, and consecutive ranges are
/// separated by at least one missing value (disjoint and non-adjacent). That makes the
/// representation unique per set, so the derived `PartialEq`/`Hash` are set semantics.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntervalSet<T: Bound> {
    ranges: Vec<(T, T)>,
}

impl<T: Bound> Default for IntervalSet<T> {
    fn default() -> Self {
        Self::empty()
    }
}

/// Appends `(lo, hi)` to a list being built in ascending `lo` order, fusing it with the
/// previous range when they overlap or touch so the output stays canonical.
fn push_coalesce<T: Bound>(out: &mut Vec<(T, T)>, lo: T, hi: T) {
    if let Some(last) = out.last_mut() {
        // `succ` is None when the previous range already reaches MAX: then it swallows
        // everything after it.
        let touches = match last.1.succ() {
            None => true,
            Some(next) => lo <= next,
        };
        if touches {
            if hi > last.1 {
                last.1 = hi;
            }
            return;
        }
    }
    out.push((lo, hi));
}

impl<T: Bound> IntervalSet<T> {
    pub fn empty() -> Self {
        IntervalSet { ranges: Vec::new() }
    }

    pub fn full() -> Self {
        IntervalSet {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    /// The inclusive range `lo..=hi`; empty when `lo > hi` (a reversed range is treated
    /// as selecting nothing rather than guessed at).
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            IntervalSet {
                ranges: vec![(lo, hi)],
            }
        }
    }

    pub fn single(v: T) -> Self {
        Self::range(v, v)
    }

    /// Builds a set from arbitrary (unsorted, overlapping, possibly reversed) ranges.
    /// Reversed ranges are ignored. O(n log n) — the way to union many sets at once.
    pub fn from_ranges<I: IntoIterator<Item = (T, T)>>(ranges: I) -> Self {
        let mut v: Vec<(T, T)> = ranges.into_iter().filter(|(lo, hi)| lo <= hi).collect();
        v.sort_unstable();
        let mut out = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            push_coalesce(&mut out, lo, hi);
        }
        IntervalSet { ranges: out }
    }

    /// The canonical ranges, sorted, disjoint and non-adjacent.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ranges.len() == 1 && self.ranges[0] == (T::MIN, T::MAX)
    }

    /// Number of values in the set, saturating at `u128::MAX` (only the full `u128`
    /// domain, 2^128 values, does not fit).
    pub fn len(&self) -> u128 {
        self.ranges.iter().fold(0u128, |acc, &(lo, hi)| {
            acc.saturating_add((hi.to_u128() - lo.to_u128()).saturating_add(1))
        })
    }

    pub fn contains(&self, v: T) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < v);
        self.ranges.get(i).is_some_and(|r| r.0 <= v)
    }

    pub fn union(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let take_a = j >= b.len() || (i < a.len() && a[i].0 <= b[j].0);
            let r = if take_a {
                i += 1;
                a[i - 1]
            } else {
                j += 1;
                b[j - 1]
            };
            push_coalesce(&mut out, r.0, r.1);
        }
        IntervalSet { ranges: out }
    }

    pub fn intersection(&self, other: &Self) -> Self {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo <= hi {
                push_coalesce(&mut out, lo, hi);
            }
            // Advance whichever range ends first; the other may still meet later ranges.
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet { ranges: out }
    }

    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        // `next` is the first value not yet accounted for; None once MAX is covered.
        let mut next = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(n) = next {
                if n < lo {
                    if let Some(p) = lo.pred() {
                        out.push((n, p));
                    }
                }
            }
            next = hi.succ();
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        IntervalSet { ranges: out }
    }

    pub fn difference(&self, other: &Self) -> Self {
        if other.is_empty() || self.is_empty() {
            return self.clone();
        }
        self.intersection(&other.complement())
    }

    /// Whether every value of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        // Because `other` is non-adjacent, each range of `self` must sit inside a single
        // range of `other`; one forward pass suffices.
        let b = &other.ranges;
        let mut j = 0;
        for &(lo, hi) in &self.ranges {
            while j < b.len() && b[j].1 < lo {
                j += 1;
            }
            match b.get(j) {
                Some(&(blo, bhi)) if blo <= lo && hi <= bhi => {}
                _ => return false,
            }
        }
        true
    }
}

/// A piecewise-constant partial map from an unsigned domain to values `V`.
///
/// Invariant: pieces `(lo, hi, value)` are sorted and disjoint, keys outside every piece
/// map to "nothing", and two pieces that touch never carry equal values. Callers never
/// store an "empty" value (an empty set): absence is the only representation of nothing.
/// Under those rules the representation is unique, so equality is map equality.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IntervalMap<K: Bound, V> {
    pieces: Vec<(K, K, V)>,
}

impl<K: Bound, V> Default for IntervalMap<K, V> {
    fn default() -> Self {
        IntervalMap { pieces: Vec::new() }
    }
}

/// Appends a piece in ascending order, extending the previous piece instead when it
/// touches it and carries the same value (keeps the map canonical).
fn push_piece<K: Bound, V: Eq>(out: &mut Vec<(K, K, V)>, lo: K, hi: K, v: V) {
    if let Some(last) = out.last_mut() {
        if last.1.succ() == Some(lo) && last.2 == v {
            last.1 = hi;
            return;
        }
    }
    out.push((lo, hi, v));
}

impl<K: Bound, V: Clone + Eq> IntervalMap<K, V> {
    pub fn empty() -> Self {
        Self::default()
    }

    /// `lo..=hi` mapped to `v`; empty when `lo > hi`.
    pub fn piece(lo: K, hi: K, v: V) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            IntervalMap {
                pieces: vec![(lo, hi, v)],
            }
        }
    }

    pub fn pieces(&self) -> &[(K, K, V)] {
        &self.pieces
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    pub fn get(&self, k: K) -> Option<&V> {
        let i = self.pieces.partition_point(|p| p.1 < k);
        self.pieces.get(i).filter(|p| p.0 <= k).map(|p| &p.2)
    }

    /// The keys that map to something.
    pub fn domain(&self) -> IntervalSet<K> {
        IntervalSet::from_ranges(self.pieces.iter().map(|p| (p.0, p.1)))
    }

    /// Pointwise combination: for every maximal key segment on which both maps are
    /// constant and at least one is defined, `f(a_value, b_value)` gives the result
    /// (`None` = nothing). `f` is called once per segment, never per key, so the cost is
    /// linear in the number of pieces (plus whatever `f` costs).
    pub fn combine<F>(&self, other: &Self, mut f: F) -> Self
    where
        F: FnMut(Option<&V>, Option<&V>) -> Option<V>,
    {
        let (a, b) = (&self.pieces, &other.pieces);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        let mut pos = K::MIN;
        loop {
            while i < a.len() && a[i].1 < pos {
                i += 1;
            }
            while j < b.len() && b[j].1 < pos {
                j += 1;
            }
            let (pa, pb) = (a.get(i), b.get(j));
            let in_a = pa.filter(|p| p.0 <= pos);
            let in_b = pb.filter(|p| p.0 <= pos);
            if in_a.is_none() && in_b.is_none() {
                // Neither map is defined here: jump straight to the next piece start.
                pos = match (pa, pb) {
                    (None, None) => break,
                    (Some(p), None) => p.0,
                    (None, Some(q)) => q.0,
                    (Some(p), Some(q)) => p.0.min(q.0),
                };
                continue;
            }
            // The segment ends where either map changes value next.
            let seg_end = |p: Option<&(K, K, V)>| match p {
                None => K::MAX,
                Some(p) if p.0 <= pos => p.1,
                // p.0 > pos >= MIN, so pred exists; the fallback is unreachable.
                Some(p) => p.0.pred().unwrap_or(pos),
            };
            let end = seg_end(pa).min(seg_end(pb));
            if let Some(v) = f(in_a.map(|p| &p.2), in_b.map(|p| &p.2)) {
                push_piece(&mut out, pos, end, v);
            }
            match end.succ() {
                Some(n) => pos = n,
                None => break,
            }
        }
        IntervalMap { pieces: out }
    }

    /// Applies `f` to every value (`None` drops the piece), re-merging pieces that become
    /// equal so the result stays canonical.
    pub fn filter_map<F>(&self, mut f: F) -> Self
    where
        F: FnMut(&V) -> Option<V>,
    {
        let mut out = Vec::with_capacity(self.pieces.len());
        for (lo, hi, v) in &self.pieces {
            if let Some(nv) = f(v) {
                push_piece(&mut out, *lo, *hi, nv);
            }
        }
        IntervalMap { pieces: out }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(r: &[(u8, u8)]) -> IntervalSet<u8> {
        IntervalSet::from_ranges(r.iter().copied())
    }

    #[test]
    fn from_ranges_coalesces_overlap_and_adjacency() {
        let x = s(&[(10, 20), (5, 9), (30, 40), (21, 21), (35, 50), (3, 1)]);
        assert_eq!(x.ranges(), &[(5, 21), (30, 50)]);
        assert_eq!(x.len(), 17 + 21);
    }

    #[test]
    fn edges_do_not_overflow() {
        let x = s(&[(0, 0), (255, 255)]);
        assert_eq!(x.complement().ranges(), &[(1, 254)]);
        assert!(s(&[(0, 255)]).is_full());
        assert!(IntervalSet::<u8>::full().complement().is_empty());
        assert!(IntervalSet::<u8>::empty().complement().is_full());
        let full128 = IntervalSet::<u128>::full();
        assert_eq!(full128.len(), u128::MAX);
        assert!(full128.contains(u128::MAX));
        assert_eq!(
            IntervalSet::range(0u128, u128::MAX - 1).union(&IntervalSet::single(u128::MAX)),
            full128
        );
    }

    #[test]
    fn set_operations() {
        let a = s(&[(0, 10), (20, 30)]);
        let b = s(&[(5, 25)]);
        assert_eq!(a.union(&b).ranges(), &[(0, 30)]);
        assert_eq!(a.intersection(&b).ranges(), &[(5, 10), (20, 25)]);
        assert_eq!(a.difference(&b).ranges(), &[(0, 4), (26, 30)]);
        assert_eq!(b.difference(&a).ranges(), &[(11, 19)]);
        assert!(s(&[(6, 9)]).is_subset(&a));
        assert!(!s(&[(6, 21)]).is_subset(&a));
        assert!(IntervalSet::empty().is_subset(&a));
        assert!(a.contains(0) && a.contains(30) && !a.contains(15) && !a.contains(31));
        assert!(IntervalSet::<u8>::range(5, 4).is_empty());
    }

    #[test]
    fn map_combine_merges_equal_neighbours() {
        let a = IntervalMap::piece(0u8, 9, 1u32);
        let b = IntervalMap::piece(10u8, 255, 1u32);
        let u = a.combine(&b, |x, y| x.or(y).copied());
        assert_eq!(u.pieces(), &[(0, 255, 1)]);
        let c = IntervalMap::piece(5u8, 14, 2u32);
        let sum = u.combine(&c, |x, y| {
            Some(x.copied().unwrap_or(0) + y.copied().unwrap_or(0))
        });
        assert_eq!(sum.pieces(), &[(0, 4, 1), (5, 14, 3), (15, 255, 1)]);
        assert_eq!(sum.get(5), Some(&3));
        assert_eq!(sum.get(255), Some(&1));
        let gaps =
            IntervalMap::piece(100u8, 100, 7u32).combine(&IntervalMap::empty(), |x, _| x.copied());
        assert_eq!(gaps.pieces(), &[(100, 100, 7)]);
        assert_eq!(gaps.get(99), None);
        let dropped = sum.filter_map(|v| if *v == 3 { None } else { Some(1) });
        assert_eq!(dropped.pieces(), &[(0, 4, 1), (15, 255, 1)]);
        assert_eq!(sum.filter_map(|_| Some(0)).pieces(), &[(0, 255, 0)]);
    }
}
