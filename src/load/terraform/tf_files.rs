//! A light scan of `.tf` files (no HCL evaluation) so findings can point at the line of the
//! `resource "type" "name" {` block that made an object.
//!
//! The root module's directory is scanned, and each local module (`module_calls.*.source`
//! starting with `./` or `../`) below it; registry and git modules have no files here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{Estate, FileIx, SourceFile};

/// `(module config path, "type.name")` → (`.tf` file, 1-based line).
#[derive(Debug, Default)]
pub struct TfLocations {
    blocks: HashMap<(String, String), (PathBuf, u32)>,
    /// `.tf` files already registered in the estate.
    registered: HashMap<PathBuf, FileIx>,
}

impl TfLocations {
    /// Scans `root` and the local module directories named by `module_sources`
    /// (module config path, call `source`). Unreadable files are skipped: locations are
    /// a convenience, never a reason to fail.
    pub fn scan(root: &Path, module_sources: &[(String, String)]) -> Self {
        let mut out = TfLocations::default();
        let mut dirs: HashMap<String, PathBuf> = HashMap::new();
        dirs.insert(String::new(), root.to_path_buf());
        // Sorted by path, so a parent module's directory is known before its children's.
        for (path, source) in module_sources {
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            let parent = path.rsplit_once(".module.").map_or("", |(p, _)| p);
            if let Some(dir) = dirs.get(parent).cloned() {
                dirs.insert(path.clone(), normalize(&dir.join(source)));
            }
        }
        for (module, dir) in dirs {
            out.scan_dir(&module, &dir);
        }
        out
    }

    fn scan_dir(&mut self, module: &str, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tf"))
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                if let Some(addr) = resource_header(line) {
                    self.blocks
                        .entry((module.to_string(), addr))
                        .or_insert((file.clone(), n as u32 + 1));
                }
            }
        }
    }

    /// Where `local` (`aws_subnet.public`) is declared in the module instance `module`.
    pub fn find(&self, module: &str, local: &str) -> Option<(PathBuf, u32)> {
        let key = (super::refs::config_path(module), local.to_string());
        self.blocks.get(&key).cloned()
    }

    /// Registers a `.tf` file once as a source file without text (lines are already known).
    pub fn file_ix(&mut self, estate: &mut Estate, path: &Path) -> FileIx {
        if let Some(ix) = self.registered.get(path) {
            return *ix;
        }
        let ix = estate.add_file(SourceFile::new(path.to_path_buf(), None));
        self.registered.insert(path.to_path_buf(), ix);
        ix
    }
}

/// `a/./b/../c` → `a/c`, lexically, so locations read well (`modules/net/main.tf`).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `resource "aws_vpc" "main" {` → `aws_vpc.main`.
fn resource_header(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("resource")?;
    let mut parts = rest.split('"');
    // ["  ", type, " ", name, " {"]
    if !parts.next()?.trim().is_empty() {
        return None;
    }
    let kind = parts.next()?;
    if !parts.next()?.trim().is_empty() {
        return None;
    }
    let name = parts.next()?;
    if kind.is_empty() || name.is_empty() {
        return None;
    }
    Some(format!("{kind}.{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resource_headers_only() {
        assert_eq!(
            resource_header(r#"resource "aws_vpc" "main" {"#).as_deref(),
            Some("aws_vpc.main")
        );
        assert_eq!(
            resource_header(r#"  resource  "aws_subnet" "a" {"#).as_deref(),
            Some("aws_subnet.a")
        );
        assert_eq!(resource_header(r#"resources = "x""#), None);
        assert_eq!(resource_header(r#"data "aws_vpc" "x" {"#), None);
    }
}
