//! Human-readable findings: one block per finding, pointing at file and line, then a summary.

use colored::Colorize;
use std::fmt::Write;

use crate::rules::{Finding, Severity};

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{}[{}] {}: {}",
            paint(f.severity),
            f.rule,
            f.name.bold(),
            f.resource
        );
        let _ = writeln!(out, "  {} {}", "-->".blue(), location(f));
        let _ = writeln!(out, "  {} {}", "=".blue(), f.message);
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

/// `3 findings: 1 critical, 2 high` or `no findings`.
pub fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings\n".to_string();
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|&s| {
            let n = findings.iter().filter(|f| f.severity == s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let plural = if findings.len() == 1 { "" } else { "s" };
    format!(
        "{} finding{plural}: {}\n",
        findings.len(),
        counts.join(", ")
    )
}
