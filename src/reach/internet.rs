//! "The internet": every address except the special-purpose ranges that no public client
//! can use as a source.
//!
//! The list is ENGINE-SPEC.md's, taken from the IANA special-purpose registries
//! (<https://www.iana.org/assignments/iana-ipv4-special-registry/> and
//! <https://www.iana.org/assignments/iana-ipv6-special-registry/>): private, shared (CGNAT),
//! loopback, link-local, documentation, benchmarking, multicast and reserved space.

use std::sync::OnceLock;

use ipnet::IpNet;

use crate::net::AddrSet;

const NON_PUBLIC: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// Every address a client on the internet can have (both families).
pub fn internet() -> AddrSet {
    static SET: OnceLock<AddrSet> = OnceLock::new();
    SET.get_or_init(|| {
        // The constants above are valid CIDRs; a parse failure would drop one block,
        // which the unit test below catches.
        let nets: Vec<IpNet> = NON_PUBLIC.iter().filter_map(|s| s.parse().ok()).collect();
        AddrSet::from_nets(&nets).complement()
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_private_and_documentation_space() {
        let i = internet();
        assert_eq!(
            NON_PUBLIC
                .iter()
                .filter_map(|s| s.parse::<IpNet>().ok())
                .count(),
            NON_PUBLIC.len()
        );
        for a in [
            "10.1.2.3",
            "192.168.1.1",
            "203.0.113.9",
            "224.0.0.1",
            "fd00::1",
            "2001:db8::1",
        ] {
            assert!(!i.contains(a.parse().expect("ip")), "{a}");
        }
        for a in [
            "8.8.8.8",
            "1.1.1.1",
            "2600::1",
            "100.63.255.255",
            "100.128.0.0",
        ] {
            assert!(i.contains(a.parse().expect("ip")), "{a}");
        }
        assert!(!i.contains("255.255.255.255".parse().expect("ip")));
    }
}
