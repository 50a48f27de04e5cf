//! IP protocol numbers as AWS writes them: names (`tcp`), numbers (`6`) or `-1` for all.

use std::fmt;

/// One IP protocol, or every protocol (`-1` in AWS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// `-1`: every protocol, ports ignored.
    All,
    /// A protocol number 0..=255 (6 = tcp, 17 = udp, 1 = icmp, 58 = icmpv6).
    Number(u8),
}

impl Protocol {
    pub const TCP: Protocol = Protocol::Number(6);
    pub const UDP: Protocol = Protocol::Number(17);
    pub const ICMP: Protocol = Protocol::Number(1);
    pub const ICMPV6: Protocol = Protocol::Number(58);

    /// Parses AWS spellings: `-1`, `all`, a name (`tcp`, `udp`, `icmp`, `icmpv6`) or a number.
    pub fn parse(text: &str) -> Option<Protocol> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(Protocol::All),
            "tcp" => Some(Protocol::TCP),
            "udp" => Some(Protocol::UDP),
            "icmp" => Some(Protocol::ICMP),
            "icmpv6" | "ipv6-icmp" | "icmp6" => Some(Protocol::ICMPV6),
            _ => t.parse::<u8>().ok().map(Protocol::Number),
        }
    }

    /// Whether AWS honours a port range (tcp, udp) for this protocol.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Number(6) | Protocol::Number(17))
    }

    /// Whether AWS reads `FromPort`/`ToPort` as ICMP type/code for this protocol.
    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Number(1) | Protocol::Number(58))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Number(6) => f.write_str("tcp"),
            Protocol::Number(17) => f.write_str("udp"),
            Protocol::Number(1) => f.write_str("icmp"),
            Protocol::Number(58) => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_numbers_and_all() {
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("tcp"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("6"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("58"), Some(Protocol::ICMPV6));
        assert_eq!(Protocol::parse("50"), Some(Protocol::Number(50)));
        assert_eq!(Protocol::parse("256"), None);
        assert_eq!(Protocol::parse("bogus"), None);
        assert_eq!(Protocol::TCP.to_string(), "tcp");
        assert_eq!(Protocol::Number(50).to_string(), "50");
    }
}
