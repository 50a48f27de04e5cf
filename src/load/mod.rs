//! Loaders: one module per input format, all producing the normalized [`crate::model::Estate`].
//!
//! Inputs are files or directories. A directory is walked once (sorted, so results are
//! deterministic); each JSON file is recognised by its content, never by its name.

pub mod aws_cli;
pub mod document;
pub mod terraform;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::LoadError;
use crate::model::{Estate, SourceFile};
use document::Document;

/// Directories never worth reading: build output, VCS internals, dependencies.
const SKIP_DIRS: &[&str] = &["target", ".git", "node_modules", ".terraform"];

/// Loads every input into one estate. Unrecognised JSON files become warnings.
pub fn load_paths(paths: &[PathBuf]) -> Result<Estate, LoadError> {
    let mut estate = Estate::default();
    for path in paths {
        if !path.exists() {
            return Err(LoadError::NotFound {
                path: display(path),
            });
        }
        let mut files = Vec::new();
        collect_json_files(path, true, &mut files)?;
        for file in files {
            load_file(&mut estate, &file)?;
        }
    }
    aws_cli::finish(&mut estate);
    Ok(estate)
}

/// Loads one JSON text (already read) into the estate.
pub fn load_text(estate: &mut Estate, path: &Path, text: String) -> Result<(), LoadError> {
    let text: Arc<str> = Arc::from(text);
    let shown = display(path);
    let file = estate.add_file(SourceFile::new(path.to_path_buf(), Some(text.clone())));
    let docs = Document::split(&shown, file, &text)?;
    let mut recognised = false;
    for doc in &docs {
        if terraform::recognises(doc) {
            terraform::load(estate, doc)?;
            recognised = true;
        } else if aws_cli::recognises(doc) {
            aws_cli::load(estate, doc)?;
            recognised = true;
        }
    }
    if !recognised {
        estate.warn(
            &shown,
            "not a recognised AWS CLI export or Terraform JSON; skipped",
        );
    }
    Ok(())
}

fn load_file(estate: &mut Estate, path: &Path) -> Result<(), LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: display(path),
        source,
    })?;
    if !looks_like_json(&text) {
        estate.warn(display(path), "not JSON; skipped");
        return Ok(());
    }
    load_text(estate, path, text)
}

fn looks_like_json(text: &str) -> bool {
    matches!(
        text.trim_start_matches(['\u{feff}', ' ', '\n', '\r', '\t'])
            .chars()
            .next(),
        Some('{' | '[')
    ) || text.trim().is_empty()
}

/// Files given by name are read whatever their extension; inside directories only
/// `.json` and `.tfstate` files are considered (keys are found by their own walker).
fn collect_json_files(
    path: &Path,
    explicit: bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), LoadError> {
    let meta = std::fs::symlink_metadata(path).map_err(|source| LoadError::Io {
        path: display(path),
        source,
    })?;
    if meta.is_dir() || (explicit && path.is_dir()) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| LoadError::Io {
                path: display(path),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let is_dir = std::fs::symlink_metadata(&entry)
                .map(|m| m.is_dir())
                .unwrap_or(false);
            if is_dir {
                if !SKIP_DIRS.contains(&name) {
                    collect_json_files(&entry, false, out)?;
                }
            } else if name.ends_with(".json") || name.ends_with(".tfstate") {
                out.push(entry);
            }
        }
    } else if explicit || meta.is_file() {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// A path as users see it: as given, with `/` separators.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
