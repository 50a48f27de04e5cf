//! The file-system walk: which files are read, in parallel, and how the results are put in a
//! deterministic order.
//!
//! Skipped: the directories `.git`, `target` and `node_modules` (at any depth below a root),
//! symlinks (never followed, so nothing outside the roots is read; a link's target inside a
//! root is scanned at its own path), files over [`MAX_FILE_SIZE`] and binaries (a NUL byte in
//! the first 8 KiB). Unreadable files and directories become warnings, never errors.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use serde::Serialize;

use super::git::GitContext;
use super::{detect_keys, is_under_web_root, DetectedKey, KeyFile};

/// Files larger than this (1 MiB) are not read: key files are a few KiB, and a key pasted in
/// a bigger text (a state file with thousands of resources) is the rare case traded for speed.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// How much of a file is looked at for a NUL byte, as git and grep do to call it binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// Directory names never entered (build output, dependencies, git's object store).
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// A scan that could not start.
#[derive(Debug, thiserror::Error)]
pub enum KeyScanError {
    #[error("cannot scan {path}: {source}")]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A file or directory that was skipped because it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyScanWarning {
    #[serde(serialize_with = "super::serialize_path_lossy")]
    pub path: PathBuf,
    pub reason: String,
}

/// Counters of a scan, for reports and benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    pub files_read: u64,
    pub bytes_read: u64,
    pub skipped_large: u64,
    pub skipped_binary: u64,
    pub skipped_symlinks: u64,
}

/// The result of [`scan`]: keys sorted by path then line, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeyScan {
    pub keys: Vec<KeyFile>,
    pub warnings: Vec<KeyScanWarning>,
    pub stats: ScanStats,
}

#[derive(Default)]
struct Counters {
    files_read: AtomicU64,
    bytes_read: AtomicU64,
    skipped_large: AtomicU64,
    skipped_binary: AtomicU64,
    skipped_symlinks: AtomicU64,
}

/// A file with keys, before its git context is known.
struct Hit {
    path: PathBuf,
    mode: Option<u32>,
    keys: Vec<DetectedKey>,
}

/// Scans files and directories for private keys. A root that does not exist or cannot be
/// read is an error; anything unreadable below a root is a warning in the result.
pub fn scan(paths: &[PathBuf]) -> Result<KeyScan, KeyScanError> {
    let roots = paths
        .iter()
        .map(|p| absolute_root(p))
        .collect::<Result<Vec<_>, _>>()?;
    let Some((first, rest)) = roots.split_first() else {
        return Ok(KeyScan::default());
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    // Every file counts, hidden or git-ignored: an ignored key is still a key on disk.
    builder
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| {
            !(e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()) && skip_dir(e.file_name()))
        });

    let hits = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let counters = Counters::default();
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            visit(entry, &hits, &warnings, &counters);
            WalkState::Continue
        })
    });

    let mut warnings = into_inner(warnings);
    let keys = with_context(into_inner(hits), &mut warnings);
    warnings.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(KeyScan {
        keys,
        warnings,
        stats: counters.snapshot(),
    })
}

/// Roots are made absolute (without resolving symlinks) so git and web-root checks see every
/// component; a root must exist.
fn absolute_root(path: &Path) -> Result<PathBuf, KeyScanError> {
    let err = |source| KeyScanError::Root {
        path: path.to_path_buf(),
        source,
    };
    std::fs::metadata(path).map_err(err)?;
    // `absolute` keeps `..`, which would make the upward search for `.git` test directories
    // the file is not in; only then is the root canonicalized (resolving its symlinks).
    if path
        .components()
        .any(|c| c == std::path::Component::ParentDir)
    {
        return std::fs::canonicalize(path).map_err(err);
    }
    std::path::absolute(path).map_err(err)
}

fn skip_dir(name: &std::ffi::OsStr) -> bool {
    SKIP_DIRS.iter().any(|d| name == *d)
}

fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    hits: &Mutex<Vec<Hit>>,
    warnings: &Mutex<Vec<KeyScanWarning>>,
    counters: &Counters,
) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            let path = error_path(&err).unwrap_or_default();
            push(
                warnings,
                KeyScanWarning {
                    path,
                    reason: err.to_string(),
                },
            );
            return;
        }
    };
    let Some(file_type) = entry.file_type() else {
        return;
    };
    if file_type.is_symlink() {
        counters.skipped_symlinks.fetch_add(1, Ordering::Relaxed);
        return;
    }
    if !file_type.is_file() {
        return;
    }
    match read_candidate(entry.path(), counters) {
        Ok(Some((text, mode))) => {
            let keys = detect_keys(&text);
            if !keys.is_empty() {
                push(
                    hits,
                    Hit {
                        path: entry.into_path(),
                        mode,
                        keys,
                    },
                );
            }
        }
        Ok(None) => {}
        Err(err) => push(
            warnings,
            KeyScanWarning {
                path: entry.into_path(),
                reason: err.to_string(),
            },
        ),
    }
}

/// The file's text and mode, or `None` when it is too large or binary.
fn read_candidate(
    path: &Path,
    counters: &Counters,
) -> std::io::Result<Option<(String, Option<u32>)>> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.len() > MAX_FILE_SIZE {
        counters.skipped_large.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Bounded read: the file may grow between `metadata` and here.
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    counters.files_read.fetch_add(1, Ordering::Relaxed);
    counters
        .bytes_read
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    if bytes.len() as u64 > MAX_FILE_SIZE {
        counters.skipped_large.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        counters.skipped_binary.fetch_add(1, Ordering::Relaxed);
        return Ok(None);
    }
    // Key armour is ASCII; stray invalid bytes elsewhere must not hide a key.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Some((text, mode_of(&meta))))
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}

/// Adds git status and web-root flags, then sorts by path and line (overlapping roots may
/// report a file twice: duplicates are dropped).
fn with_context(mut hits: Vec<Hit>, warnings: &mut Vec<KeyScanWarning>) -> Vec<KeyFile> {
    hits.sort_by(|a, b| a.path.cmp(&b.path));
    hits.dedup_by(|a, b| a.path == b.path);
    let mut git = GitContext::default();
    let mut keys = Vec::new();
    for hit in hits {
        let status = git.status(&hit.path);
        let under_web_root = is_under_web_root(&hit.path);
        for key in hit.keys {
            keys.push(KeyFile {
                path: hit.path.clone(),
                line: key.line,
                format: key.format,
                algorithm: key.algorithm,
                encrypted: key.encrypted,
                fingerprints: key.fingerprints,
                public_key: key.public_key,
                git: status,
                mode: hit.mode,
                under_web_root,
                embedded: key.embedded,
            });
        }
    }
    warnings.extend(
        git.warnings
            .drain(..)
            .map(|(path, reason)| KeyScanWarning { path, reason }),
    );
    keys
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    // A poisoned lock only means another thread panicked; the data is still usable.
    list.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(item);
}

fn into_inner<T>(list: Mutex<Vec<T>>) -> Vec<T> {
    list.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Counters {
    fn snapshot(&self) -> ScanStats {
        ScanStats {
            files_read: self.files_read.load(Ordering::Relaxed),
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            skipped_large: self.skipped_large.load(Ordering::Relaxed),
            skipped_binary: self.skipped_binary.load(Ordering::Relaxed),
            skipped_symlinks: self.skipped_symlinks.load(Ordering::Relaxed),
        }
    }
}
