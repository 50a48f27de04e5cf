//! The exposure map as a human table, JSON (DESIGN.md §3) or CSV.
//!
//! JSON and CSV are exact (minimal CIDR lists); the human table abbreviates a source set
//! equal to the whole internet of one family as "any public IPv4" / "any public IPv6".

use std::fmt::Write;

use serde::Serialize;

use crate::net::{describe, describe_icmp, AddrSet, Protocol};
use crate::reach::{internet, Exposure};

#[derive(Serialize)]
struct Row<'a> {
    resource: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    interface: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
    address: &'a str,
    protocol: String,
    ports: Vec<[u16; 2]>,
    sources: Vec<String>,
    path: &'a str,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    exposures: Vec<Row<'a>>,
}

/// CIDR strings per distinct source set: big estates repeat a few sets (the whole
/// internet, a VPC-less slice of it) across thousands of rows.
#[derive(Default)]
struct CidrCache<'a> {
    seen: std::collections::HashMap<&'a AddrSet, Vec<String>>,
}

impl<'a> CidrCache<'a> {
    fn get(&mut self, a: &'a AddrSet) -> Vec<String> {
        self.seen
            .entry(a)
            .or_insert_with(|| a.to_cidrs().iter().map(ToString::to_string).collect())
            .clone()
    }
}

fn row<'a>(e: &'a Exposure, cache: &mut CidrCache<'a>) -> Row<'a> {
    Row {
        resource: &e.resource,
        kind: e.kind.as_str(),
        interface: e.interface.as_deref(),
        via: e.via.as_deref(),
        address: &e.address,
        protocol: e.protocol.to_string(),
        ports: e.ports.to_pairs(),
        sources: cache.get(&e.sources),
        path: e.path.as_str(),
    }
}

pub fn json(exposures: &[Exposure]) -> String {
    let doc = Document {
        version: 1,
        exposures: {
            let mut cache = CidrCache::default();
            exposures.iter().map(|e| row(e, &mut cache)).collect()
        },
    };
    // Plain strings and numbers: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One line per row; ports as `from-to` joined by spaces, sources as CIDRs joined by spaces.
pub fn csv(exposures: &[Exposure]) -> String {
    let mut out = String::from("resource,kind,interface,via,address,protocol,ports,sources,path\n");
    let mut cache = CidrCache::default();
    for e in exposures {
        let r = row(e, &mut cache);
        let ports: Vec<String> = r.ports.iter().map(|[a, b]| format!("{a}-{b}")).collect();
        let fields = [
            r.resource.to_string(),
            r.kind.to_string(),
            r.interface.unwrap_or("").to_string(),
            r.via.unwrap_or("").to_string(),
            r.address.to_string(),
            r.protocol.clone(),
            ports.join(" "),
            r.sources.join(" "),
            r.path.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(out, "{}", line.join(","));
    }
    out
}

/// Ports in words: port ranges, ICMP type/code, or `all`.
pub fn ports_text(e: &Exposure) -> String {
    match e.protocol {
        p if p.is_icmp() => describe_icmp(&e.ports),
        Protocol::All => "all".to_string(),
        p if !p.has_ports() => "all".to_string(),
        _ => describe(&e.ports),
    }
}

/// Sources in words: "any public IPv4" when the set is the whole IPv4 internet, else CIDRs.
pub fn sources_text(sources: &AddrSet) -> String {
    let world = internet();
    let v4 = world.intersection(&AddrSet::all_v4());
    let v6 = world.intersection(&AddrSet::all_v6());
    let mut parts = Vec::new();
    let s4 = sources.intersection(&AddrSet::all_v4());
    let s6 = sources.intersection(&AddrSet::all_v6());
    for (s, all, words) in [(s4, v4, "any public IPv4"), (s6, v6, "any public IPv6")] {
        if s.is_empty() {
            continue;
        }
        let missing = all.difference(&s);
        if missing.is_empty() {
            parts.push(words.to_string());
        } else if s.is_subset(&all)
            && missing.to_cidrs().len() <= 4
            && missing.to_cidrs().len() < s.to_cidrs().len()
        {
            parts.push(format!("{words} except {missing}"));
        } else {
            parts.push(s.to_string());
        }
    }
    parts.join(", ")
}

pub fn human(exposures: &[Exposure]) -> String {
    if exposures.is_empty() {
        return "nothing is reachable from the internet\n".to_string();
    }
    let header = [
        "RESOURCE", "KIND", "ADDRESS", "PROTOCOL", "PORTS", "SOURCES", "PATH",
    ];
    let table: Vec<[String; 7]> = exposures
        .iter()
        .map(|e| {
            let path = match &e.via {
                Some(lb) => format!("{} ({lb})", e.path.as_str()),
                None => e.path.as_str().to_string(),
            };
            [
                e.resource.clone(),
                e.kind.as_str().to_string(),
                e.address.clone(),
                e.protocol.to_string(),
                ports_text(e),
                sources_text(&e.sources),
                path,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &table {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let _ = write!(s, "{:<w$}  ", c, w = widths[i]);
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&header));
    for r in &table {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    let resources: std::collections::BTreeSet<&str> =
        exposures.iter().map(|e| e.resource.as_str()).collect();
    let _ = writeln!(
        out,
        "\n{} exposure{} on {} resource{}",
        exposures.len(),
        if exposures.len() == 1 { "" } else { "s" },
        resources.len(),
        if resources.len() == 1 { "" } else { "s" }
    );
    out
}
