//! Where each object came from: the input file, a JSON pointer into it, and its line.
//!
//! Lines are resolved lazily from the pointer ([`SourceFile::line_of_pointer`]) because
//! only the few objects that end up in findings need one; a 100k-interface export should
//! not pay for line bookkeeping on every object.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Index of an input file in [`crate::model::Estate::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileIx(pub u32);

/// One input file: its path as given and, for JSON inputs, its text (to resolve lines).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown to users (relative as given on the command line, `/` separators).
    pub display: String,
    pub text: Option<Arc<str>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: Option<Arc<str>>) -> Self {
        let display = path.to_string_lossy().replace('\\', "/");
        SourceFile {
            path,
            display,
            text,
        }
    }

    /// The 1-based line where the JSON value at `pointer` starts, if it can be found.
    pub fn line_of_pointer(&self, pointer: &str) -> Option<u32> {
        let text = self.text.as_deref()?;
        let offset = offset_of_pointer(text.as_bytes(), pointer)?;
        Some(line_at(text.as_bytes(), offset))
    }

    /// Lines of many pointers in one scan of the file (a per-pointer scan would make
    /// thousands of findings in a big export quadratic). Unresolvable pointers are absent,
    /// except in a one-line file, where every place is on line 1.
    pub fn lines_of_pointers(&self, pointers: &[&str]) -> HashMap<String, u32> {
        let Some(text) = self.text.as_deref() else {
            return HashMap::new();
        };
        // `terraform show -json` writes one line: every place in it is on line 1, and walking
        // 26 MB of JSON to learn that was a fifth of a big plan's `check`.
        if !text.trim_end().contains('\n') {
            return pointers.iter().map(|p| (p.to_string(), 1)).collect();
        }
        let bytes = text.as_bytes();
        let wanted: HashSet<&str> = pointers.iter().copied().collect();
        let mut prefixes: HashSet<&str> = HashSet::new();
        for p in pointers {
            for (i, c) in p.char_indices() {
                if c == '/' && i > 0 {
                    prefixes.insert(&p[..i]);
                }
            }
            prefixes.insert(p);
        }
        let mut offsets: Vec<(usize, String)> = Vec::new();
        let start = skip_ws(bytes, 0);
        if wanted.contains("") {
            offsets.push((start, String::new()));
        }
        let mut walk = Walk {
            text: bytes,
            prefixes: &prefixes,
            wanted: &wanted,
            found: &mut offsets,
        };
        let mut current = String::new();
        walk.container(start, &mut current);
        offsets.sort();
        lines_at(bytes, offsets)
    }
}

/// One pass over a JSON text, descending only into members on the way to wanted pointers.
struct Walk<'a, 'o> {
    text: &'a [u8],
    prefixes: &'a HashSet<&'a str>,
    wanted: &'a HashSet<&'a str>,
    found: &'o mut Vec<(usize, String)>,
}

impl Walk<'_, '_> {
    /// Visits the container at `pos`; returns the offset just past it.
    fn container(&mut self, pos: usize, current: &mut String) -> Option<usize> {
        let (object, close) = match self.text.get(pos)? {
            b'{' => (true, b'}'),
            b'[' => (false, b']'),
            _ => return skip_value(self.text, pos),
        };
        let mut at = skip_ws(self.text, pos + 1);
        let mut index = 0usize;
        loop {
            if *self.text.get(at)? == close {
                return Some(at + 1);
            }
            let len = current.len();
            if object {
                let end = skip_string(self.text, at)?;
                let key = std::str::from_utf8(&self.text[at + 1..end - 1]).ok()?;
                current.push('/');
                push_escaped(current, key);
                at = skip_ws(self.text, end);
                if self.text.get(at)? != &b':' {
                    return None;
                }
                at = skip_ws(self.text, at + 1);
            } else {
                current.push('/');
                // Writing into a String cannot fail.
                let _ = write!(current, "{index}");
                index += 1;
            }
            at = self.child(at, current)?;
            current.truncate(len);
            at = skip_ws(self.text, at);
            if self.text.get(at) == Some(&b',') {
                at = skip_ws(self.text, at + 1);
            }
        }
    }

    fn child(&mut self, at: usize, current: &mut String) -> Option<usize> {
        if !self.prefixes.contains(current.as_str()) {
            return skip_value(self.text, at);
        }
        if self.wanted.contains(current.as_str()) {
            self.found.push((at, current.clone()));
        }
        self.container(at, current)
    }
}

/// A pointer segment (RFC 6901 escapes `~` and `/`); without either, as is: most keys of
/// every member walked, so no allocation for them.
fn push_escaped(out: &mut String, key: &str) {
    if key.contains(['~', '/']) {
        out.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(key);
    }
}

/// Lines of sorted offsets, counting newlines once from the start of the text.
fn lines_at(text: &[u8], offsets: Vec<(usize, String)>) -> HashMap<String, u32> {
    let mut out = HashMap::with_capacity(offsets.len());
    let (mut line, mut pos) = (1u32, 0usize);
    for (offset, pointer) in offsets {
        let end = offset.min(text.len());
        line += text[pos..end].iter().filter(|&&b| b == b'\n').count() as u32;
        pos = end;
        out.insert(pointer, line);
    }
    out
}

/// A position in an input: file, JSON pointer (RFC 6901), and line when already known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    pub file: FileIx,
    pub pointer: String,
    pub line: Option<u32>,
}

impl Source {
    pub fn new(file: FileIx, pointer: impl Into<String>) -> Self {
        Source {
            file,
            pointer: pointer.into(),
            line: None,
        }
    }

    /// A source for a child value: `pointer` + `/` + escaped `token`.
    pub fn child(&self, token: impl std::fmt::Display) -> Source {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Source {
            file: self.file,
            pointer: format!("{}/{}", self.pointer, token),
            line: None,
        }
    }
}

/// A resolved location, as reports print it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// AWS tags in their original order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn name(&self) -> Option<&str> {
        self.get("Name")
    }
}

/// What every loaded object carries: its id, where it came from, and who owns it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The AWS id (`sg-…`, an ARN for load balancers), or the Terraform address before apply.
    pub id: String,
    /// The Terraform address (`module.net.aws_subnet.public[0]`) when loaded from Terraform.
    pub address: Option<String>,
    pub owner_id: Option<String>,
    pub region: Option<String>,
    pub tags: Tags,
    pub source: Source,
    /// Attributes whose value was unknown when the input was written (a Terraform plan's
    /// `after_unknown`), as paths like `ingress[1].cidr_blocks`. The loader read them
    /// conservatively (an unknown CIDR as `0.0.0.0/0`); findings can say they rest on them.
    /// On a network interface or instance, `public_ip` means AWS assigns a public IPv4
    /// address at launch whose value is not known yet: treat the interface as public.
    /// Rules of objects the input implies but does not describe (an existing VPC's default
    /// group, NACL or main table under Terraform) are assumed and listed here too.
    pub unknown: Vec<String>,
}

impl Meta {
    pub fn new(id: impl Into<String>, source: Source) -> Self {
        Meta {
            id: id.into(),
            source,
            ..Meta::default()
        }
    }

    /// The `Name` tag, if any.
    pub fn name(&self) -> Option<&str> {
        self.tags.name()
    }

    /// `id (name)` for messages, or just the id.
    pub fn label(&self) -> String {
        match self.name() {
            Some(n) if !n.is_empty() && n != self.id => format!("{} ({})", self.id, n),
            _ => self.id.clone(),
        }
    }
}

fn line_at(text: &[u8], offset: usize) -> u32 {
    let upto = &text[..offset.min(text.len())];
    upto.iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

/// Finds the byte offset of the value a JSON pointer names, scanning without building a tree.
fn offset_of_pointer(text: &[u8], pointer: &str) -> Option<usize> {
    let mut pos = skip_ws(text, 0);
    if pointer.is_empty() {
        return Some(pos);
    }
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        pos = match text.get(pos)? {
            b'{' => find_member(text, pos, &token)?,
            b'[' => find_element(text, pos, token.parse().ok()?)?,
            _ => return None,
        };
    }
    Some(pos)
}

fn find_member(text: &[u8], open: usize, key: &str) -> Option<usize> {
    let mut pos = skip_ws(text, open + 1);
    loop {
        match text.get(pos)? {
            b'}' => return None,
            b'"' => {
                let end = skip_string(text, pos)?;
                let name = std::str::from_utf8(&text[pos + 1..end - 1]).ok()?;
                pos = skip_ws(text, end);
                if text.get(pos)? != &b':' {
                    return None;
                }
                pos = skip_ws(text, pos + 1);
                // Keys with escapes are compared raw; AWS keys never need escapes.
                if name == key {
                    return Some(pos);
                }
                pos = skip_ws(text, skip_value(text, pos)?);
                if text.get(pos) == Some(&b',') {
                    pos = skip_ws(text, pos + 1);
                }
            }
            _ => return None,
        }
    }
}

fn find_element(text: &[u8], open: usize, index: usize) -> Option<usize> {
    let mut pos = skip_ws(text, open + 1);
    for _ in 0..index {
        if text.get(pos)? == &b']' {
            return None;
        }
        pos = skip_ws(text, skip_value(text, pos)?);
        if text.get(pos)? != &b',' {
            return None;
        }
        pos = skip_ws(text, pos + 1);
    }
    if text.get(pos)? == &b']' {
        None
    } else {
        Some(pos)
    }
}

fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while matches!(text.get(pos), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        pos += 1;
    }
    pos
}

/// Returns the offset just past the string starting at `pos` (which holds `"`).
fn skip_string(text: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match text.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Returns the offset just past the value starting at `pos`.
fn skip_value(text: &[u8], pos: usize) -> Option<usize> {
    match text.get(pos)? {
        b'"' => skip_string(text, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match text.get(i)? {
                    b'"' => {
                        i = skip_string(text, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = pos;
            while let Some(b) = text.get(i) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("x.json"), Some(Arc::from(text)))
    }

    #[test]
    fn resolves_pointers_to_lines() {
        let f = file("{\n \"A\": [\n  {\"k\": \"}\\\"\"},\n  {\n   \"k\": 2}\n ],\n \"B\": 1\n}");
        assert_eq!(f.line_of_pointer(""), Some(1));
        assert_eq!(f.line_of_pointer("/A"), Some(2));
        assert_eq!(f.line_of_pointer("/A/0"), Some(3));
        assert_eq!(f.line_of_pointer("/A/1"), Some(4));
        assert_eq!(f.line_of_pointer("/A/1/k"), Some(5));
        assert_eq!(f.line_of_pointer("/B"), Some(7));
        assert_eq!(f.line_of_pointer("/A/2"), None);
        assert_eq!(f.line_of_pointer("/C"), None);
    }

    #[test]
    fn batch_resolution_agrees_with_single_lookups() {
        let f = file("{\n \"A\": [\n  {\"k\": \"}\\\"\"},\n  {\n   \"k\": 2}\n ],\n \"B\": 1,\n \"a/b\": {\"c\": [0,\n 1]}\n}");
        let pointers = [
            "",
            "/A",
            "/A/0",
            "/A/1",
            "/A/1/k",
            "/B",
            "/A/2",
            "/C",
            "/a~1b/c/1",
        ];
        let batch = f.lines_of_pointers(&pointers);
        for p in pointers {
            assert_eq!(batch.get(p).copied(), f.line_of_pointer(p), "{p}");
        }
        assert_eq!(batch.get("/a~1b/c/1"), Some(&9));
    }

    #[test]
    fn a_one_line_file_puts_every_place_on_line_one() {
        // The shape of `terraform show -json`: one line, maybe a final newline.
        let f = file("{\"A\": [{\"k\": 1}, {\"k\": 2}], \"B\": {\"c\": 3}}\n");
        let pointers = ["", "/A/1/k", "/B/c"];
        let batch = f.lines_of_pointers(&pointers);
        assert_eq!(batch.len(), 3);
        for p in pointers {
            assert_eq!(batch.get(p), Some(&1), "{p}");
            assert_eq!(f.line_of_pointer(p), Some(1), "{p}");
        }
    }

    #[test]
    fn child_pointers_escape_tokens() {
        let s = Source::new(FileIx(0), "/a");
        assert_eq!(s.child("b/c~d").pointer, "/a/b~1c~0d");
        assert_eq!(s.child(3).pointer, "/a/3");
    }
}
