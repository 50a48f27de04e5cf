//! Loaders: one module per input format, all producing the normalized [`crate::model::Estate`].
//!
//! Inputs are files or directories. A directory is walked once (sorted, so results are
//! deterministic); each JSON file is recognised by its content, never by its name.

pub mod aws_cli;
pub mod document;
pub mod keys;
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
    load_paths_with(paths, &terraform::LoadOptions::default())
}

/// Like [`load_paths`], with Terraform options (where the `.tf` files are).
pub fn load_paths_with(
    paths: &[PathBuf],
    opts: &terraform::LoadOptions,
) -> Result<Estate, LoadError> {
    if let Some(dir) = opts.source_dir.as_deref().filter(|d| !d.is_dir()) {
        return Err(LoadError::NotFound { path: display(dir) });
    }
    let mut inputs = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(LoadError::NotFound {
                path: display(path),
            });
        }
        let mut files = Vec::new();
        collect_json_files(path, true, &mut files)?;
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
                path: display(&file),
                source,
            })?;
            inputs.push((file, text));
        }
    }
    load_texts_with(inputs, opts)
}

/// Loads already-read inputs (path, text) into one estate.
///
/// All documents are split first and then loaded kind by kind in a fixed order, so that
/// results do not depend on file names (`describe-security-group-rules` may come before or
/// after `describe-security-groups`).
pub fn load_texts(inputs: Vec<(PathBuf, String)>) -> Result<Estate, LoadError> {
    load_texts_with(inputs, &terraform::LoadOptions::default())
}

/// Like [`load_texts`], with Terraform options.
pub fn load_texts_with(
    inputs: Vec<(PathBuf, String)>,
    opts: &terraform::LoadOptions,
) -> Result<Estate, LoadError> {
    let mut estate = Estate::default();
    let mut texts = Vec::new();
    for (path, text) in inputs {
        if !looks_like_json(&text) {
            if !holds_key(&text) {
                estate.warn(display(&path), "not JSON; skipped");
            }
            continue;
        }
        let text: Arc<str> = Arc::from(text);
        let file = estate.add_file(SourceFile::new(path.clone(), Some(text.clone())));
        texts.push((display(&path), file, text));
    }
    let mut docs = Vec::new();
    for (shown, file, text) in &texts {
        let split = Document::split(shown, *file, text)?;
        if !split
            .iter()
            .any(|d| terraform::recognises(d) || aws_cli::recognises(d))
            && !holds_key(text)
        {
            estate.warn(
                shown.as_str(),
                "not a recognised AWS CLI export or Terraform JSON; skipped",
            );
        }
        docs.extend(split);
    }
    for doc in docs.iter().filter(|d| terraform::recognises(d)) {
        terraform::load_with(&mut estate, doc, opts)?;
    }
    let aws_docs: Vec<&Document> = docs.iter().filter(|d| aws_cli::recognises(d)).collect();
    aws_cli::load_all(&mut estate, &aws_docs)?;
    Ok(estate)
}

/// A file holding a private key (a key file named on the command line, `create-key-pair`
/// output) belongs to the key scan that `check` runs, not to the configuration: no warning.
fn holds_key(text: &str) -> bool {
    !keys::detect_keys(text).is_empty()
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
