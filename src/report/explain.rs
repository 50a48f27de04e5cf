//! An explained flow as numbered plain-language steps, or as JSON (DESIGN.md §3 plus
//! `"version": 1` and the concrete addresses).

use std::fmt::Write;

use colored::Colorize;
use serde::Serialize;

use crate::reach::{Decision, Trace, Verdict};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    #[serde(flatten)]
    trace: &'a Trace,
}

pub fn json(trace: &Trace) -> String {
    let mut text =
        serde_json::to_string_pretty(&Document { version: 1, trace }).unwrap_or_default();
    text.push('\n');
    text
}

fn mark(d: Decision) -> colored::ColoredString {
    match d {
        Decision::Allow => "allow".green(),
        Decision::Deny => "deny ".red(),
        Decision::Route => "route".cyan(),
    }
}

pub fn human(t: &Trace) -> String {
    let mut out = String::new();
    let port = t.port.map(|p| format!("/{p}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}{port} from {} to {}",
        "explain".bold(),
        t.protocol,
        t.from,
        t.to
    );
    if let (Some(s), Some(d)) = (&t.source_address, &t.destination_address) {
        let _ = writeln!(out, "  packet: {s} -> {d}");
    }
    out.push('\n');
    for (i, h) in t.hops.iter().enumerate() {
        let _ = writeln!(out, "{:>3}. [{}] {}", i + 1, mark(h.decision), h.message);
        let mut at = format!("{} {} · {}", h.kind, h.component, h.rule);
        if let Some(l) = &h.location {
            let _ = write!(at, " · {}", l.file);
            if let Some(line) = l.line {
                let _ = write!(at, ":{line}");
            }
        }
        let _ = writeln!(out, "       {}", at.dimmed());
    }
    out.push('\n');
    match t.verdict {
        Verdict::Reachable => {
            let _ = writeln!(out, "verdict: {}", "reachable".green().bold());
        }
        Verdict::Unreachable => {
            let _ = writeln!(out, "verdict: {}", "unreachable".red().bold());
            let _ = writeln!(out, "blocked by:");
            for b in &t.blocked_by {
                let _ = writeln!(out, "  - {}", b.reason);
                let _ = writeln!(out, "    fix: {}", b.fix);
            }
        }
    }
    if let Some(s) = &t.source_set {
        let shown = if s.is_empty() {
            "none".to_string()
        } else {
            super::exposure::sources_text(s)
        };
        let _ = writeln!(out, "clients that get through: {shown}");
    }
    for n in &t.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}
