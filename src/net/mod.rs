//! Packet-space algebra: exact sets of protocols, ports and IPv4/IPv6 addresses.

mod addr;
mod interval;
mod protocol;

pub use addr::AddrSet;
pub use interval::{Bound, IntervalMap, IntervalSet};
pub use protocol::Protocol;
