//! JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`, Jenkins, Azure).
//!
//! One `<testsuite>` per rule of the catalog (and per rule only the findings know), one
//! `<testcase>` per rule × resource. A resource with live findings fails (`<failure>`, type =
//! severity, one line per finding in the body); one whose findings are all suppressed is
//! `<skipped>` with the reasons. A rule without findings gets one passing case, `all resources`,
//! so the report shows what was checked.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::rules::{Finding, RuleMeta};

pub fn render(findings: &[Finding], catalog: &[RuleMeta]) -> String {
    let suites = suites(findings, catalog);
    let tests: usize = suites.iter().map(|s| s.cases.len().max(1)).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let skipped: usize = suites.iter().map(Suite::skipped).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"vpclint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    for suite in &suites {
        write_suite(&mut out, suite);
    }
    out.push_str("</testsuites>\n");
    out
}

/// One rule and its findings grouped by resource (in report order).
struct Suite<'a> {
    id: String,
    name: String,
    cases: BTreeMap<&'a str, Vec<&'a Finding>>,
}

impl Suite<'_> {
    fn failures(&self) -> usize {
        self.cases
            .values()
            .filter(|fs| fs.iter().any(|f| !f.is_suppressed()))
            .count()
    }

    fn skipped(&self) -> usize {
        self.cases
            .values()
            .filter(|fs| fs.iter().all(|f| f.is_suppressed()))
            .count()
    }
}

fn suites<'a>(findings: &'a [Finding], catalog: &[RuleMeta]) -> Vec<Suite<'a>> {
    let mut by_rule: BTreeMap<String, Suite<'a>> = catalog
        .iter()
        .map(|m| {
            let suite = Suite {
                id: m.id.clone(),
                name: m.name.clone(),
                cases: BTreeMap::new(),
            };
            (m.id.clone(), suite)
        })
        .collect();
    for f in findings {
        by_rule
            .entry(f.rule.clone())
            .or_insert_with(|| Suite {
                id: f.rule.clone(),
                name: f.name.clone(),
                cases: BTreeMap::new(),
            })
            .cases
            .entry(&f.resource)
            .or_default()
            .push(f);
    }
    by_rule.into_values().collect()
}

fn write_suite(out: &mut String, s: &Suite<'_>) {
    let title = format!("{} {}", s.id, s.name);
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        escape(&title),
        s.cases.len().max(1),
        s.failures(),
        s.skipped()
    );
    let classname = escape(&format!("vpclint.{}", s.id));
    if s.cases.is_empty() {
        let _ = writeln!(
            out,
            "    <testcase name=\"all resources\" classname=\"{classname}\"/>"
        );
    }
    for (resource, fs) in &s.cases {
        write_case(out, &classname, resource, fs);
    }
    out.push_str("  </testsuite>\n");
}

fn write_case(out: &mut String, classname: &str, resource: &str, fs: &[&Finding]) {
    let first = fs[0];
    let mut attrs = format!(
        "name=\"{}\" classname=\"{classname}\" file=\"{}\"",
        escape(resource),
        escape(&first.location.file)
    );
    if let Some(line) = first.location.line {
        let _ = write!(attrs, " line=\"{line}\"");
    }
    let _ = writeln!(out, "    <testcase {attrs}>");
    let live: Vec<&Finding> = fs.iter().copied().filter(|f| !f.is_suppressed()).collect();
    if let Some(worst) = live.iter().max_by_key(|f| f.severity) {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape(&first_message(&live)),
            worst.severity,
            escape_text(&details(&live))
        );
    } else {
        let reasons: Vec<String> = fs
            .iter()
            .filter_map(|f| f.suppressed.as_ref())
            .map(|s| format!("suppressed by {}: {}", s.kind.as_str(), s.reason))
            .collect();
        let _ = writeln!(
            out,
            "      <skipped message=\"{}\"/>",
            escape(&reasons.join("; "))
        );
    }
    out.push_str("    </testcase>\n");
}

fn first_message(live: &[&Finding]) -> String {
    match live {
        [one] => one.message.clone(),
        _ => format!("{} findings; first: {}", live.len(), live[0].message),
    }
}

/// The failure body: each finding's severity, place and message, with related resources.
fn details(live: &[&Finding]) -> String {
    let mut body = String::new();
    for f in live {
        let place = match f.location.line {
            Some(l) => format!("{}:{l}", f.location.file),
            None => f.location.file.clone(),
        };
        let _ = writeln!(body, "[{}] {}: {}", f.severity, place, f.message);
        if !f.related.is_empty() {
            let _ = writeln!(body, "  related: {}", f.related.join(", "));
        }
    }
    body
}

/// Attribute escaping; line breaks become character references so parsers keep them.
pub fn escape(text: &str) -> String {
    escape_xml(text, true)
}

/// Element-content escaping: line breaks stay readable.
pub fn escape_text(text: &str) -> String {
    escape_xml(text, false)
}

/// XML 1.0 escaping. Characters XML 1.0 cannot carry at all (most C0 controls) become U+FFFD
/// rather than making the document ill-formed.
fn escape_xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
        assert_eq!(escape_text("x\ny\r"), "x\ny&#13;");
    }
}
