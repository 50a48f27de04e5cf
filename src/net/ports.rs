//! Port sets and ICMP type/code keys, and how to render them for people.
//!
//! The packet space uses one 16-bit "key" dimension for both TCP/UDP destination ports
//! and ICMP type/code (`type * 256 + code`), so a single interval algebra covers both;
//! this module holds the encoding and the two renderers that undo it.

use super::interval::IntervalSet;

/// A set of 16-bit keys: TCP/UDP destination ports, or encoded ICMP type/code pairs.
pub type PortSet = IntervalSet<u16>;

impl IntervalSet<u16> {
    /// The ranges as `[from, to]` pairs (inclusive), e.g. for JSON output.
    pub fn to_pairs(&self) -> Vec<[u16; 2]> {
        self.ranges().iter().map(|&(lo, hi)| [lo, hi]).collect()
    }
}

/// Renders a port set: `all`, `22`, `80, 443`, `1024-65535`, or `none`.
pub fn describe(ports: &PortSet) -> String {
    if ports.is_full() {
        return "all".to_string();
    }
    if ports.is_empty() {
        return "none".to_string();
    }
    ports
        .ranges()
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ICMP key for one type/code pair.
pub fn icmp_key(icmp_type: u8, code: u8) -> u16 {
    (u16::from(icmp_type) << 8) | u16::from(code)
}

/// The inclusive key range selected by an ICMP type and code, where `None` means "any"
/// (AWS writes it as `-1`). A code without a type cannot narrow anything, so
/// `(None, _)` is every key.
pub fn icmp_key_range(icmp_type: Option<u8>, code: Option<u8>) -> (u16, u16) {
    match (icmp_type, code) {
        (None, _) => (0, u16::MAX),
        (Some(t), None) => (icmp_key(t, 0), icmp_key(t, u8::MAX)),
        (Some(t), Some(c)) => (icmp_key(t, c), icmp_key(t, c)),
    }
}

/// Renders a set of ICMP keys: `all`, `type 8`, `type 3 code 4`, `type 3 code 0-4`,
/// `type 5-8`, comma-separated; `none` when empty.
pub fn describe_icmp(keys: &PortSet) -> String {
    if keys.is_full() {
        return "all".to_string();
    }
    if keys.is_empty() {
        return "none".to_string();
    }
    let mut parts = Vec::new();
    for &(lo, hi) in keys.ranges() {
        // A key range may start and end mid-type; split it into a partial leading type,
        // a run of whole types, and a partial trailing type so each part reads naturally.
        let (lt, lc) = split(lo);
        let (ht, hc) = split(hi);
        if lt == ht {
            parts.push(type_codes(lt, lc, hc));
            continue;
        }
        let mut first_whole = lt;
        if lc != 0 {
            parts.push(type_codes(lt, lc, u8::MAX));
            first_whole = lt + 1; // lt < ht, no overflow
        }
        let mut last_whole = ht;
        let trailing = hc != u8::MAX;
        if trailing {
            last_whole = ht - 1; // ht > lt >= 0
        }
        if first_whole <= last_whole {
            parts.push(types(first_whole, last_whole));
        }
        if trailing {
            parts.push(type_codes(ht, 0, hc));
        }
    }
    parts.join(", ")
}

fn split(key: u16) -> (u8, u8) {
    let [t, c] = key.to_be_bytes();
    (t, c)
}

fn types(lo: u8, hi: u8) -> String {
    if lo == hi {
        format!("type {lo}")
    } else {
        format!("type {lo}-{hi}")
    }
}

fn type_codes(t: u8, lo: u8, hi: u8) -> String {
    match (lo, hi) {
        (0, u8::MAX) => format!("type {t}"),
        _ if lo == hi => format!("type {t} code {lo}"),
        _ => format!("type {t} code {lo}-{hi}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_ports() {
        assert_eq!(describe(&PortSet::full()), "all");
        assert_eq!(describe(&PortSet::empty()), "none");
        assert_eq!(describe(&PortSet::single(22)), "22");
        assert_eq!(
            describe(&PortSet::from_ranges([(80, 80), (443, 443)])),
            "80, 443"
        );
        assert_eq!(describe(&PortSet::range(1024, 65535)), "1024-65535");
        assert_eq!(
            PortSet::from_ranges([(80, 80), (443, 443)]).to_pairs(),
            vec![[80, 80], [443, 443]]
        );
    }

    #[test]
    fn icmp_keys_and_rendering() {
        assert_eq!(icmp_key_range(None, None), (0, 65535));
        assert_eq!(icmp_key_range(None, Some(4)), (0, 65535));
        assert_eq!(icmp_key_range(Some(8), None), (2048, 2303));
        assert_eq!(icmp_key_range(Some(3), Some(4)), (772, 772));
        let r = |t, c| {
            let (lo, hi) = icmp_key_range(t, c);
            PortSet::range(lo, hi)
        };
        assert_eq!(describe_icmp(&r(None, None)), "all");
        assert_eq!(describe_icmp(&r(Some(8), None)), "type 8");
        assert_eq!(describe_icmp(&r(Some(3), Some(4))), "type 3 code 4");
        assert_eq!(describe_icmp(&r(Some(255), None)), "type 255");
        let mixed = r(Some(0), None).union(&r(Some(8), Some(0)));
        assert_eq!(describe_icmp(&mixed), "type 0, type 8 code 0");
        let across = PortSet::range(icmp_key(3, 250), icmp_key(7, 2));
        assert_eq!(
            describe_icmp(&across),
            "type 3 code 250-255, type 4-6, type 7 code 0-2"
        );
        let whole = PortSet::range(icmp_key(3, 0), icmp_key(5, 255));
        assert_eq!(describe_icmp(&whole), "type 3-5");
        assert_eq!(describe_icmp(&PortSet::empty()), "none");
    }
}
