//! GitHub Actions workflow commands: one annotation per live finding, shown on the pull
//! request's diff, then the summary line.
//!
//! `::error file=…,line=…,title=VL001 ssh-open::message` — critical and high are `error`,
//! medium `warning`, low and info `notice`. Suppressed findings get no annotation (there is no
//! suppressed annotation); the summary counts them. Escaping follows GitHub's toolkit
//! (`@actions/core` command.ts): in the message `%`, `\r`, `\n`; in properties also `:` and `,`.

use std::fmt::Write;

use crate::rules::{Finding, Severity};

pub fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        let mut props = Vec::new();
        if !f.location.file.is_empty() {
            props.push(format!("file={}", escape_property(&f.location.file)));
        }
        if let Some(line) = f.location.line {
            props.push(format!("line={line}"));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", f.rule, f.name))
        ));
        let message = format!("[{}] {}: {}", f.severity, f.resource, f.message);
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(f.severity),
            props.join(","),
            escape_data(&message)
        );
    }
    out.push_str("vpclint: ");
    out.push_str(&super::human::summary(findings));
    out
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
