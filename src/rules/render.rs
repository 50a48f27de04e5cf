//! `vpclint rules` and `vpclint rule ID`: the catalog as a table or JSON, and one rule's
//! documentation for a terminal.

use colored::Colorize;
use serde::Serialize;

use super::catalog::Catalog;

#[derive(Serialize)]
struct ListJson<'a> {
    version: u32,
    rules: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
struct RowJson<'a> {
    id: &'a str,
    name: &'a str,
    severity: &'a str,
    kind: &'a str,
    title: &'a str,
}

/// The catalog as an aligned table, or as `{"version":1,"rules":[…]}`.
pub fn render_rule_list(catalog: &Catalog, json: bool) -> String {
    let rows: Vec<RowJson> = catalog
        .rules()
        .iter()
        .map(|r| RowJson {
            id: &r.meta.id,
            name: &r.meta.name,
            severity: r.meta.severity.as_str(),
            kind: r.meta.kind.as_str(),
            title: &r.meta.title,
        })
        .collect();
    if json {
        let doc = ListJson {
            version: 1,
            rules: rows,
        };
        return serde_json::to_string_pretty(&doc).map_or_else(|_| String::new(), |s| s + "\n");
    }
    let header = ["ID", "NAME", "SEVERITY", "KIND", "TITLE"];
    let cells: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| [r.id, r.name, r.severity, r.kind, r.title])
        .collect();
    let width = |col: usize| {
        cells
            .iter()
            .map(|c| c[col].chars().count())
            .chain([header[col].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..4).map(width).collect();
    let line = |c: [&str; 5]| {
        let mut s = String::new();
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&format!("{:<w$}  ", c[i], w = *w));
        }
        s.push_str(c[4]);
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for c in cells {
        out.push_str(&line(c));
    }
    out
}

/// One rule's documentation: a header line, then its Markdown with headings emphasised.
pub fn render_rule_doc(catalog: &Catalog, id_or_name: &str) -> Option<String> {
    let rule = catalog.find(id_or_name)?;
    let m = &rule.meta;
    let mut out = format!(
        "{} {} ({}, {})\n{}\n\n",
        m.id.bold(),
        m.name.bold(),
        m.severity,
        m.kind.as_str(),
        m.title
    );
    // Terminals do not render Markdown: headings are emphasised and code blocks indented
    // (their fences dropped) so examples stand out from prose.
    let mut in_code = false;
    for line in m.docs.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {}\n", line.dimmed()));
        } else if let Some(heading) = line.strip_prefix("## ") {
            out.push_str(&format!("{}\n", heading.bold().underline()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}
