//! Packet-space algebra: exact sets of protocols, ports and IPv4/IPv6 addresses.

mod interval;
mod protocol;

pub use interval::{Bound, IntervalMap, IntervalSet};
pub use protocol::Protocol;
