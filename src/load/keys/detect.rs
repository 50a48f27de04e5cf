//! Finding keys in a file's text, whatever the file is called: PEM and OpenSSH armour,
//! PuTTY headers, and the same inside JSON/YAML strings with `\n` escapes (Terraform state
//! `private_key_pem`, `aws ec2 create-key-pair` `KeyMaterial`, CloudFormation outputs).

use super::{pem, putty, Parsed};

const PEM_MARKER: &str = "-----BEGIN ";
const PUTTY_MARKER: &str = "PuTTY-User-Key-File-";

/// Escaped strings are unescaped at most this many times (a JSON string inside a JSON
/// string, e.g. a CloudFormation template body in a state file, needs two).
const MAX_UNESCAPE_DEPTH: usize = 3;

/// One key found in a text.
pub(crate) struct Found {
    /// 1-based line where the key's first marker is.
    pub line: usize,
    /// Inside a quoted string with escaped newlines.
    pub embedded: bool,
    pub parsed: Parsed,
}

/// Cheap test that lets the walker skip the parse for almost every file.
pub(crate) fn may_contain_key(text: &str) -> bool {
    text.contains("PRIVATE KEY-----") || text.contains(PUTTY_MARKER)
}

/// Every key in `text`, in order of position.
pub(crate) fn find(text: &str) -> Vec<Found> {
    let mut starts: Vec<usize> = text
        .match_indices(PEM_MARKER)
        .chain(text.match_indices(PUTTY_MARKER))
        .map(|(i, _)| i)
        .collect();
    starts.sort_unstable();
    let mut found = Vec::new();
    let (mut line, mut counted_to) = (1, 0);
    for start in starts {
        line += text[counted_to..start]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        counted_to = start;
        if let Some((parsed, embedded)) = parse_at(&text[start..]) {
            found.push(Found {
                line,
                embedded,
                parsed,
            });
        }
    }
    found
}

/// Parses the key whose marker starts `rest`, unescaping it first when the marker's line
/// carries literal `\n` sequences instead of line breaks.
fn parse_at(rest: &str) -> Option<(Parsed, bool)> {
    let line = rest.split('\n').next().unwrap_or(rest);
    if !line.contains("\\n") {
        return parse_block(rest).map(|p| (p, false));
    }
    let mut block = unescape(quoted_prefix(line));
    for _ in 1..MAX_UNESCAPE_DEPTH {
        if block.contains('\n') || !block.contains("\\n") {
            break;
        }
        block = unescape(quoted_prefix(&block));
    }
    parse_block(&block).map(|p| (p, true))
}

fn parse_block(block: &str) -> Option<Parsed> {
    if block.starts_with(PEM_MARKER) {
        pem::parse(block)
    } else {
        putty::parse(block)
    }
}

/// The text up to the first unescaped `"` (the end of the JSON/YAML string holding the key).
fn quoted_prefix(s: &str) -> &str {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' if !escaped => return &s[..i],
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    s
}

/// JSON string escapes (RFC 8259 §7), which YAML double-quoted strings share.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other), // `\/`, `\\`, `\"` and anything unknown
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_handles_json_escapes() {
        assert_eq!(unescape(r#"a\nb\/c\\d\"e\u002bf"#), "a\nb/c\\d\"e+f");
    }

    #[test]
    fn quoted_prefix_stops_at_unescaped_quote() {
        assert_eq!(quoted_prefix(r#"ab\"c", "x""#), r#"ab\"c"#);
    }
}
