//! Turning rules and entries into packet sets, and the reply-path algebra shared by every
//! flow (ENGINE-SPEC.md, "Matching one packet" and the reply conditions).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::PortSpec;
use crate::net::{icmp_key_range, AddrSet, PacketSet, Protocol};

/// Ephemeral ports a reply may use: ENGINE-SPEC fixes 1024..=65535 (the widest client range
/// AWS documents, used by NAT gateways and ELB:
/// <https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports>).
pub(crate) const EPHEMERAL: (u16, u16) = (1024, 65535);

/// ICMP echo request and reply keys (type * 256 + code).
const ICMP_ECHO_REQUEST: u8 = 8;
const ICMP_ECHO_REPLY_KEY: u16 = 0;
const ICMPV6_ECHO_REQUEST: u8 = 128;
const ICMPV6_ECHO_REPLY_KEY: u16 = 129 << 8;

/// The key range a rule covers: tcp/udp destination ports, ICMP type/code keys, or all.
pub(crate) fn key_range(ports: &PortSpec) -> (u16, u16) {
    match *ports {
        PortSpec::All => (0, u16::MAX),
        PortSpec::Range(lo, hi) => (lo, hi),
        PortSpec::Icmp { icmp_type, code } => icmp_key_range(icmp_type, code),
    }
}

/// The packets one rule or entry matches.
pub(crate) fn rule_set(protocol: Protocol, ports: &PortSpec, addrs: AddrSet) -> PacketSet {
    PacketSet::new(protocol, key_range(ports), addrs)
}

pub(crate) fn net_set(net: &IpNet) -> AddrSet {
    AddrSet::from_net(net)
}

/// Packets of one protocol, every key, every address.
fn whole(protocol: Protocol) -> PacketSet {
    PacketSet::new(protocol, (0, u16::MAX), AddrSet::all())
}

/// The addresses that go with some key of `keys` for `protocol` in `set`.
fn addrs_at_keys(set: &PacketSet, protocol: Protocol, keys: (u16, u16)) -> AddrSet {
    set.intersection(&PacketSet::new(protocol, keys, AddrSet::all()))
        .addrs()
}

/// Given the reply packets that pass (protocol, reply key, peer), the request packets
/// (protocol, request key, same peer) whose reply passes.
///
/// ENGINE-SPEC: tcp/udp replies go to some ephemeral port 1024..=65535 (so the request
/// passes for every destination port when ONE ephemeral port passes); ICMP echo request
/// (type 8) is answered by type 0 code 0, ICMPv6 echo request (128) by 129/0; every
/// other ICMP key and every other protocol needs "the same kind of packet back".
pub(crate) fn reply_ok(replies: &PacketSet) -> PacketSet {
    let special = [
        Protocol::TCP,
        Protocol::UDP,
        Protocol::ICMP,
        Protocol::ICMPV6,
    ];
    let mut out = special
        .iter()
        .fold(replies.clone(), |acc, p| acc.difference(&whole(*p)));
    for p in [Protocol::TCP, Protocol::UDP] {
        let a = addrs_at_keys(replies, p, EPHEMERAL);
        out = out.union(&PacketSet::new(p, (0, u16::MAX), a));
    }
    for (p, request, reply_key) in [
        (Protocol::ICMP, ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY_KEY),
        (Protocol::ICMPV6, ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY_KEY),
    ] {
        let echo = icmp_key_range(Some(request), None);
        let same_key =
            replies
                .intersection(&whole(p))
                .difference(&PacketSet::new(p, echo, AddrSet::all()));
        let a = addrs_at_keys(replies, p, (reply_key, reply_key));
        out = out.union(&same_key).union(&PacketSet::new(p, echo, a));
    }
    out
}

/// The (protocol, key) pairs that `set` holds for the one address `addr`, as a packet set
/// over every address (so it can be intersected with a set whose address is another peer).
pub(crate) fn keys_at(set: &PacketSet, addr: IpAddr) -> PacketSet {
    let mut parts = Vec::new();
    for (plo, phi, klo, khi, a) in set.pieces() {
        if !a.contains(addr) {
            continue;
        }
        if plo == 0 && phi == u8::MAX && klo == 0 && khi == u16::MAX {
            parts.push(PacketSet::all());
            continue;
        }
        for p in plo..=phi {
            parts.push(PacketSet::new(
                Protocol::Number(p),
                (klo, khi),
                AddrSet::all(),
            ));
        }
    }
    PacketSet::union_all(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn tcp_reply_needs_one_ephemeral_port() {
        let out = PacketSet::new(Protocol::TCP, (32768, 61000), AddrSet::all_v4());
        let ok = reply_ok(&out);
        assert!(ok.contains(6, 22, ip("8.8.8.8")));
        assert!(!ok.contains(17, 22, ip("8.8.8.8")));
        let low = PacketSet::new(Protocol::TCP, (0, 1023), AddrSet::all_v4());
        assert!(reply_ok(&low).is_empty());
    }

    #[test]
    fn echo_request_needs_echo_reply() {
        let echo_reply = PacketSet::new(Protocol::ICMP, (0, 0), AddrSet::all_v4());
        let ok = reply_ok(&echo_reply);
        assert!(ok.contains(1, 8 << 8, ip("8.8.8.8")));
        assert!(
            ok.contains(1, 0, ip("8.8.8.8")),
            "type 0 answered by type 0"
        );
        assert!(!ok.contains(1, 3 << 8, ip("8.8.8.8")));
        let esp = PacketSet::new(Protocol::Number(50), (0, 0), AddrSet::all_v4());
        assert_eq!(reply_ok(&esp), esp);
    }

    #[test]
    fn keys_at_one_address() {
        let s = PacketSet::new(Protocol::TCP, (22, 22), AddrSet::from_addr(ip("10.0.0.1")));
        let k = keys_at(&s, ip("10.0.0.1"));
        assert!(k.contains(6, 22, ip("1.2.3.4")));
        assert!(keys_at(&s, ip("10.0.0.2")).is_empty());
        assert!(keys_at(&PacketSet::all(), ip("::1")).is_all());
    }
}
