//! Git context of a key file without running git: the work tree is found by looking for
//! `.git` upwards, "tracked" is read from the index file itself (versions 2, 3 and 4, as
//! described in git's `Documentation/gitformat-index.txt`), and "ignored" uses the `ignore`
//! crate's gitignore matcher over every `.gitignore` from the work tree root down plus
//! `info/exclude`, with git's precedence (deeper files win; an ignored directory hides all it
//! contains). The user's global `core.excludesFile` is not read, so results do not depend on
//! who runs the scan.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use super::GitStatus;

/// Why an index could not be read; the caller reports it as a warning.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IndexError {
    #[error("not a git index (bad signature)")]
    Signature,
    #[error("unsupported index version {0}")]
    Version(u32),
    #[error("index truncated at entry {0}")]
    Truncated(u32),
}

/// The statuses of many files, reading each work tree's index once.
#[derive(Default)]
pub(crate) struct GitContext {
    /// Work tree root found for a directory (`None`: not in a work tree).
    roots: HashMap<PathBuf, Option<PathBuf>>,
    repos: HashMap<PathBuf, Repo>,
    /// Index files that could not be read: (index path, reason).
    pub warnings: Vec<(PathBuf, String)>,
}

struct Repo {
    tracked: HashSet<Vec<u8>>,
    /// Sparse-index directory entries (`dir/`): everything under them is tracked.
    tracked_dirs: Vec<Vec<u8>>,
    exclude: Gitignore,
    gitignores: HashMap<PathBuf, Gitignore>,
}

impl GitContext {
    /// The status of `path` (absolute, as walked: symlinks not resolved).
    pub(crate) fn status(&mut self, path: &Path) -> GitStatus {
        let Some(dir) = path.parent() else {
            return GitStatus::NotInRepo;
        };
        let Some(root) = self.root_of(dir) else {
            return GitStatus::NotInRepo;
        };
        let Ok(rel) = path.strip_prefix(&root) else {
            return GitStatus::NotInRepo;
        };
        if !self.repos.contains_key(&root) {
            let repo = self.open(&root);
            self.repos.insert(root.clone(), repo);
        }
        let Some(repo) = self.repos.get_mut(&root) else {
            return GitStatus::NotInRepo;
        };
        if repo.is_tracked(&index_path_bytes(rel)) {
            GitStatus::Tracked
        } else if repo.is_ignored(&root, rel) {
            GitStatus::Ignored
        } else {
            GitStatus::Untracked
        }
    }

    fn root_of(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(known) = self.roots.get(dir) {
            return known.clone();
        }
        let found = dir
            .ancestors()
            .find(|a| is_git_dir_marker(&a.join(".git")))
            .map(Path::to_path_buf);
        self.roots.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn open(&mut self, root: &Path) -> Repo {
        let (git_dir, common_dir) = git_dirs(root);
        let hash_len = hash_len(&common_dir);
        let index_path = git_dir.join("index");
        let entries = match fs::read(&index_path) {
            Ok(bytes) => parse_index(&bytes, hash_len).unwrap_or_else(|e| {
                self.warnings.push((index_path.clone(), e.to_string()));
                Vec::new()
            }),
            // A fresh `git init` has no index yet: nothing is tracked.
            Err(_) => Vec::new(),
        };
        let (tracked_dirs, tracked): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|p| p.ends_with(b"/"));
        Repo {
            tracked: tracked.into_iter().collect(),
            tracked_dirs,
            exclude: matcher(root, &common_dir.join("info").join("exclude")),
            gitignores: HashMap::new(),
        }
    }
}

impl Repo {
    fn is_tracked(&self, rel: &[u8]) -> bool {
        self.tracked.contains(rel) || self.tracked_dirs.iter().any(|d| rel.starts_with(d))
    }

    /// Git stops at the first ignored directory, so each ancestor is tested in turn.
    fn is_ignored(&mut self, root: &Path, rel: &Path) -> bool {
        let parts: Vec<_> = rel.components().collect();
        let mut dirs = vec![root.to_path_buf()];
        for (i, part) in parts.iter().enumerate() {
            let Some(parent) = dirs.last() else {
                return false;
            };
            let path = parent.join(part);
            let is_dir = i + 1 < parts.len();
            if self.matched(&dirs, &path, is_dir) {
                return true;
            }
            dirs.push(path);
        }
        false
    }

    /// The deepest `.gitignore` with an opinion decides; `info/exclude` comes last.
    fn matched(&mut self, dirs: &[PathBuf], path: &Path, is_dir: bool) -> bool {
        for dir in dirs.iter().rev() {
            let gi = self
                .gitignores
                .entry(dir.clone())
                .or_insert_with(|| matcher(dir, &dir.join(".gitignore")));
            match gi.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        self.exclude.matched(path, is_dir).is_ignore()
    }
}

/// A matcher for one ignore file (empty when the file is missing or unreadable).
fn matcher(dir: &Path, file: &Path) -> Gitignore {
    if !file.is_file() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(dir);
    // A bad line makes `add` report an error but keeps the good lines, like git does.
    let _ = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// `.git` as a directory with `HEAD`, or a `gitdir:` file (linked work trees, submodules).
fn is_git_dir_marker(dot_git: &Path) -> bool {
    if dot_git.is_dir() {
        return dot_git.join("HEAD").is_file();
    }
    fs::read_to_string(dot_git).is_ok_and(|s| s.starts_with("gitdir:"))
}

/// The work tree's own git dir (holding `index`) and the common dir (holding `config` and
/// `info/exclude`; they differ for `git worktree` checkouts).
fn git_dirs(root: &Path) -> (PathBuf, PathBuf) {
    let dot_git = root.join(".git");
    let git_dir = match fs::read_to_string(&dot_git) {
        Ok(s) => s
            .strip_prefix("gitdir:")
            .map(|p| root.join(p.trim()))
            .unwrap_or_else(|| dot_git.clone()),
        Err(_) => dot_git,
    };
    let common_dir = fs::read_to_string(git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|_| git_dir.clone());
    (git_dir, common_dir)
}

/// 32 for repositories made with `--object-format=sha256`, else 20 (SHA-1).
fn hash_len(common_dir: &Path) -> usize {
    let config = fs::read_to_string(common_dir.join("config")).unwrap_or_default();
    let sha256 = config.lines().any(|l| {
        let l = l.replace([' ', '\t'], "").to_ascii_lowercase();
        l == "objectformat=sha256"
    });
    if sha256 {
        32
    } else {
        20
    }
}

/// The path as the index spells it: relative, `/`-separated bytes.
fn index_path_bytes(rel: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        rel.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        rel.to_string_lossy().replace('\\', "/").into_bytes()
    }
}

/// Offset of the path in an on-disk entry: ctime, mtime (8 each), dev, ino, mode, uid, gid,
/// size (4 each), then the object hash and 16 bits of flags.
const STAT_LEN: usize = 40;
const FLAG_EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0FFF;

/// The paths of every index entry, in index order.
pub(crate) fn parse_index(bytes: &[u8], hash_len: usize) -> Result<Vec<Vec<u8>>, IndexError> {
    if bytes.get(..4) != Some(b"DIRC") {
        return Err(IndexError::Signature);
    }
    let version = be32(bytes, 4).ok_or(IndexError::Signature)?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::Version(version));
    }
    let count = be32(bytes, 8).ok_or(IndexError::Signature)?;
    let mut pos = 12;
    let mut paths: Vec<Vec<u8>> = Vec::new();
    for n in 0..count {
        let (path, next) =
            entry(bytes, pos, version, hash_len, paths.last()).ok_or(IndexError::Truncated(n))?;
        paths.push(path);
        pos = next;
    }
    Ok(paths)
}

/// One entry at `start`: its path and where the next entry begins.
fn entry(
    bytes: &[u8],
    start: usize,
    version: u32,
    hash_len: usize,
    prev: Option<&Vec<u8>>,
) -> Option<(Vec<u8>, usize)> {
    let flags_at = start + STAT_LEN + hash_len;
    let flags = u16::from_be_bytes(bytes.get(flags_at..flags_at + 2)?.try_into().ok()?);
    let mut name_at = flags_at + 2;
    if version >= 3 && flags & FLAG_EXTENDED != 0 {
        name_at += 2;
    }
    if version == 4 {
        // Prefix compression: drop `strip` bytes from the previous path, append the suffix.
        let (strip, suffix_at) = varint(bytes, name_at)?;
        let suffix_len = bytes.get(suffix_at..)?.iter().position(|&b| b == 0)?;
        let prev = prev.map(Vec::as_slice).unwrap_or_default();
        let keep = prev.len().checked_sub(strip)?;
        let mut path = prev[..keep].to_vec();
        path.extend_from_slice(&bytes[suffix_at..suffix_at + suffix_len]);
        return Some((path, suffix_at + suffix_len + 1));
    }
    // Names of 0xFFF bytes or more store 0xFFF: find the NUL instead of trusting the length.
    let name_len = match flags & NAME_MASK {
        NAME_MASK => bytes.get(name_at..)?.iter().position(|&b| b == 0)?,
        len => usize::from(len),
    };
    let path = bytes.get(name_at..name_at + name_len)?.to_vec();
    // Entries are NUL-padded to a multiple of 8 bytes, with at least one NUL.
    let entry_len = (name_at - start + name_len + 8) & !7;
    Some((path, start + entry_len))
}

/// Git's offset varint (`varint.c`): big-endian 7-bit groups, each continuation adding one.
fn varint(bytes: &[u8], mut pos: usize) -> Option<(usize, usize)> {
    let mut byte = *bytes.get(pos)?;
    let mut value = usize::from(byte & 0x7F);
    while byte & 0x80 != 0 {
        pos += 1;
        byte = *bytes.get(pos)?;
        value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7F);
    }
    Some((value, pos + 1))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_matches_git() {
        // From git's varint.c: 0x80 0x00 encodes 128.
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x80, 0x00], 0), Some((128, 2)));
    }

    #[test]
    fn bad_index_is_an_error_not_a_panic() {
        assert!(matches!(
            parse_index(b"nope", 20),
            Err(IndexError::Signature)
        ));
        assert!(matches!(
            parse_index(b"DIRC\0\0\0\x09\0\0\0\0", 20),
            Err(IndexError::Version(9))
        ));
        assert!(matches!(
            parse_index(b"DIRC\0\0\0\x02\0\0\0\x01", 20),
            Err(IndexError::Truncated(0))
        ));
    }
}
