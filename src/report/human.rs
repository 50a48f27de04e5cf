//! Human-readable findings: one block per finding, pointing at file and line, then a summary.
//! Suppressed findings are not shown, only counted, so the terminal shows what needs work.

use colored::Colorize;
use std::fmt::Write;

use crate::rules::{Finding, Severity};

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        let _ = writeln!(
            out,
            "{}[{}] {}: {}",
            paint(f.severity),
            f.rule,
            f.name.bold(),
            f.resource
        );
        let _ = writeln!(out, "  {} {}", "-->".blue(), location(f));
        // Continuation lines are indented so a multi-line message stays inside its block.
        let message = f.message.replace('\n', "\n    ");
        let _ = writeln!(out, "  {} {}", "=".blue(), message);
        if !f.related.is_empty() {
            let _ = writeln!(out, "  {} related: {}", "=".blue(), f.related.join(", "));
        }
        out.push('\n');
    }
    out.push_str(&summary(findings));
    out
}

fn location(f: &Finding) -> String {
    let mut s = f.location.file.clone();
    if let Some(line) = f.location.line {
        let _ = write!(s, ":{line}");
    }
    if let Some(p) = &f.location.pointer {
        let _ = write!(s, " ({p})");
    }
    s
}

fn paint(s: Severity) -> colored::ColoredString {
    let text = s.as_str();
    match s {
        Severity::Critical => text.red().bold(),
        Severity::High => text.red(),
        Severity::Medium => text.yellow(),
        Severity::Low => text.cyan(),
        Severity::Info => text.normal(),
    }
}

/// `3 findings: 1 critical, 2 high`, `no findings`, with `(2 suppressed)` when some were.
pub fn summary(findings: &[Finding]) -> String {
    let suppressed = findings.iter().filter(|f| f.is_suppressed()).count();
    let live = findings.len() - suppressed;
    let mut line = if live == 0 {
        "no findings".to_string()
    } else {
        let counts: Vec<String> = super::severity_counts(findings)
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let plural = if live == 1 { "" } else { "s" };
        format!("{live} finding{plural}: {}", counts.join(", "))
    };
    if suppressed > 0 {
        let _ = write!(line, " ({suppressed} suppressed)");
    }
    line.push('\n');
    line
}
