//! Packet-space algebra: exact sets of protocols, ports and IPv4/IPv6 addresses.

mod addr;
mod interval;
mod packet;
mod ports;
mod protocol;

pub use addr::AddrSet;
pub use interval::{Bound, IntervalMap, IntervalSet};
pub use packet::{PacketGroup, PacketSet};
pub use ports::{describe, describe_icmp, icmp_key, icmp_key_range, PortSet};
pub use protocol::Protocol;

#[cfg(test)]
mod tests;
