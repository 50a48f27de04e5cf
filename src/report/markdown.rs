//! A Markdown summary for a pull-request comment (GitHub, GitLab): counts by severity, a table
//! of live findings, and collapsed sections for details and suppressed findings.
//!
//! Table cells are escaped (`|`, line breaks, HTML-significant characters) so one odd message
//! cannot break the table or inject markup into the comment.

use std::fmt::Write;

use crate::rules::Finding;

/// Rows shown in the table and details. GitHub rejects comments over 65,536 characters, and a
/// reviewer reads the top of the list anyway; the full list is in the JSON/SARIF reports.
pub const MAX_ROWS: usize = 100;

/// The heading used by bots that update one comment in place instead of adding new ones.
pub const MARKER: &str = "<!-- vpclint-report -->";

pub fn render(findings: &[Finding]) -> String {
    let mut live: Vec<&Finding> = findings.iter().filter(|f| !f.is_suppressed()).collect();
    // A reviewer reads from the top: most severe first, report order within a severity.
    live.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let suppressed: Vec<&Finding> = findings.iter().filter(|f| f.is_suppressed()).collect();
    let mut out = format!("{MARKER}\n## vpclint\n\n");
    out.push_str(&counts_line(findings, live.len(), suppressed.len()));
    if !live.is_empty() {
        let shown = &live[..live.len().min(MAX_ROWS)];
        findings_table(&mut out, shown);
        if live.len() > shown.len() {
            let _ = writeln!(
                out,
                "… and {} more (lower severities); see the JSON or SARIF report.\n",
                live.len() - shown.len()
            );
        }
        details(&mut out, shown);
    }
    if !suppressed.is_empty() {
        suppressed_section(&mut out, &suppressed);
    }
    // Exposure highlights (what the internet reaches) will be added here once `exposure` lands.
    out
}

fn counts_line(findings: &[Finding], live: usize, suppressed: usize) -> String {
    let mut line = if live == 0 {
        "**No findings.**".to_string()
    } else {
        let counts: Vec<String> = super::severity_counts(findings)
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let plural = if live == 1 { "" } else { "s" };
        format!("**{live} finding{plural}**: {}", counts.join(", "))
    };
    if suppressed > 0 {
        let _ = write!(line, " ({suppressed} suppressed)");
    }
    line.push_str("\n\n");
    line
}

fn findings_table(out: &mut String, live: &[&Finding]) {
    out.push_str("| Severity | Rule | Resource | Location | Message |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for f in live {
        let _ = writeln!(
            out,
            "| {} | `{}` {} | `{}` | {} | {} |",
            f.severity,
            cell(&f.rule),
            cell(&f.name),
            code_cell(&f.resource),
            cell(&place(f)),
            cell(&f.message)
        );
    }
    out.push('\n');
}

fn details(out: &mut String, live: &[&Finding]) {
    out.push_str("<details><summary>Details</summary>\n\n");
    for f in live {
        let _ = writeln!(
            out,
            "- **{} {}** on `{}` at {}",
            cell(&f.rule),
            cell(&f.name),
            code_cell(&f.resource),
            cell(&place(f))
        );
        let _ = writeln!(out, "  - {}", cell(&f.message));
        if let Some(p) = &f.location.pointer {
            let _ = writeln!(out, "  - JSON pointer: `{}`", code_cell(p));
        }
        if !f.related.is_empty() {
            let related: Vec<String> = f
                .related
                .iter()
                .map(|r| format!("`{}`", code_cell(r)))
                .collect();
            let _ = writeln!(out, "  - related: {}", related.join(", "));
        }
    }
    out.push_str("\n</details>\n\n");
}

fn suppressed_section(out: &mut String, suppressed: &[&Finding]) {
    let _ = writeln!(
        out,
        "<details><summary>{} suppressed</summary>\n",
        suppressed.len()
    );
    out.push_str("| Rule | Resource | By | Reason | Expires |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for f in suppressed {
        let Some(s) = &f.suppressed else { continue };
        let _ = writeln!(
            out,
            "| `{}` {} | `{}` | {} | {} | {} |",
            cell(&f.rule),
            cell(&f.name),
            code_cell(&f.resource),
            s.kind.as_str(),
            cell(&s.reason),
            s.expires.as_deref().unwrap_or("")
        );
    }
    out.push_str("\n</details>\n\n");
}

fn place(f: &Finding) -> String {
    match f.location.line {
        Some(l) => format!("{}:{l}", f.location.file),
        None => f.location.file.clone(),
    }
}

/// Escapes text for a table cell or list item.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// Inside backticks only the pipe and the backtick itself matter.
fn code_cell(text: &str) -> String {
    text.replace('`', "'")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_after_the_most_severe() {
        let f = |i: usize, s: crate::rules::Severity| Finding {
            rule: "VL001".into(),
            name: "n".into(),
            severity: s,
            resource: format!("sg-{i}"),
            related: vec![],
            message: "m".into(),
            location: crate::model::Location {
                file: "f.json".into(),
                line: Some(i as u32),
                pointer: None,
            },
            detail: String::new(),
            suppressed: None,
        };
        let mut all: Vec<Finding> = (0..MAX_ROWS + 5)
            .map(|i| f(i, crate::rules::Severity::Low))
            .collect();
        all.push(f(999, crate::rules::Severity::Critical));
        let text = render(&all);
        assert!(
            text.contains("| critical | `VL001` n | `sg-999` |"),
            "{text}"
        );
        assert!(text.contains("… and 6 more (lower severities)"), "{text}");
        assert_eq!(text.matches("| low |").count(), MAX_ROWS - 1);
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\n<script>&"), "a\\|b<br>&lt;script&gt;&amp;");
        assert_eq!(code_cell("x`y|z"), "x'y\\|z");
    }
}
