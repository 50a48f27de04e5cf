//! Packet-space algebra: exact sets of protocols, ports and IPv4/IPv6 addresses.

mod protocol;

pub use protocol::Protocol;
