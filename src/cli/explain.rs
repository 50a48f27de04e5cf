//! `vpclint explain`: one packet, hop by hop.
//!
//! Exit codes: 0 when the packet is reachable, 1 when it is not (like findings: scripts
//! can assert "this must stay closed" with `! vpclint explain …`), 2 for usage or input
//! errors (unknown or ambiguous `--from`/`--to`, missing `--port` for tcp/udp when the
//! destination does not give one: a database's endpoint port, a balancer's only listener).

use clap::ValueEnum;

use super::{print_warnings, Inputs};
use crate::error::Error;
use crate::reach::{Endpoint, Probe, Reach, Verdict};
use crate::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Source: `internet`, an IP or CIDR, or a resource (id, Name tag, LB name, Terraform address).
    #[arg(long, value_name = "SRC")]
    pub from: String,
    /// Destination: like `--from`.
    #[arg(long, value_name = "DST")]
    pub to: String,
    /// tcp, udp, icmp, icmpv6 or a protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Destination port (tcp/udp), or ICMP type (icmp/icmpv6; echo request by default).
    /// Optional for a database (its endpoint port) or a load balancer with one listener.
    #[arg(long)]
    pub port: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
}

pub fn run(args: &ExplainArgs) -> Result<i32, Error> {
    // Checked before loading so a bad protocol fails fast; the port may come from `--to`.
    Probe::new(&args.protocol, args.port.or(Some(0)))?;
    let estate = args.inputs.load()?;
    print_warnings(&estate);
    let from = Endpoint::resolve(&estate, &args.from)?;
    let to = Endpoint::resolve(&estate, &args.to)?;
    let has_ports = crate::net::Protocol::parse(&args.protocol).is_some_and(|p| p.has_ports());
    let default = match args.port {
        None if has_ports => to.default_port(&estate)?,
        _ => None,
    };
    let probe = Probe::new(&args.protocol, args.port.or(default.as_ref().map(|d| d.0)))?;
    let mut trace = Reach::new(&estate).explain(&from, &to, probe)?;
    if let Some((_, why)) = default {
        trace.notes.push(why);
    }
    let text = match args.format {
        ExplainFormat::Human => report::explain::human(&trace),
        ExplainFormat::Json => report::explain::json(&trace),
    };
    print!("{text}");
    Ok(match trace.verdict {
        Verdict::Reachable => 0,
        Verdict::Unreachable => 1,
    })
}
