//! The key scan joined to the estate, as [`crate::rules::KeyFacts`] for key-file rules: each
//! key gets the path users see, the key pairs it stands behind, the instances those open, and
//! a source (registered as an estate file without text) so findings point at its line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{KeyFile, KeyScan};
use crate::model::{Estate, FileIx, Source, SourceFile};
use crate::rules::{KeyFacts, KeyFileFact};

/// Key-file facts of one run.
#[derive(Debug, Default)]
pub struct ScanFacts {
    files: Vec<KeyFileFact>,
}

impl ScanFacts {
    /// Joins `scan` to `estate`'s key pairs and instances. Paths under `base` (the working
    /// directory) are shown relative to it, as the user typed them.
    pub fn new(scan: &KeyScan, estate: &mut Estate, base: &Path) -> ScanFacts {
        let mut registered: HashMap<PathBuf, FileIx> = HashMap::new();
        let mut files = Vec::with_capacity(scan.keys.len());
        for key in &scan.keys {
            let path = shown(&key.path, base);
            let ix = *registered
                .entry(key.path.clone())
                .or_insert_with(|| estate.add_file(SourceFile::new(PathBuf::from(&path), None)));
            let key_pairs = key_pairs_of(key, estate);
            let instances = instances_of(&key_pairs, estate);
            files.push(KeyFileFact {
                fingerprint: fingerprint_of(key, estate, &key_pairs),
                key: key.clone(),
                path,
                key_pairs,
                instances,
                source: Source {
                    file: ix,
                    pointer: String::new(),
                    line: u32::try_from(key.line).ok(),
                },
            });
        }
        ScanFacts { files }
    }
}

impl KeyFacts for ScanFacts {
    fn tracked_by_git(&self, path: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.path == path && f.key.git == super::GitStatus::Tracked)
    }

    fn key_files(&self) -> &[KeyFileFact] {
        &self.files
    }
}

fn shown(path: &Path, base: &Path) -> String {
    crate::load::display(path.strip_prefix(base).unwrap_or(path))
}

/// Key pairs whose fingerprint or public key is this key's, sorted by name.
fn key_pairs_of(key: &KeyFile, estate: &Estate) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = estate
        .key_pairs
        .iter()
        .filter(|p| {
            key.matches_key_pair(
                p.fingerprint.as_deref().unwrap_or(""),
                p.public_key.as_deref(),
            )
        })
        .map(|p| (p.name.clone(), p.meta.id.clone()))
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

fn instances_of(pairs: &[(String, String)], estate: &Estate) -> Vec<String> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let names: HashSet<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    estate
        .instances
        .iter()
        .filter(|i| i.key_name.as_deref().is_some_and(|k| names.contains(k)))
        .map(|i| i.meta.id.clone())
        .collect()
}

/// The fingerprint a reader can look up in the EC2 console: the matched key pair's when there
/// is one, else every kind computable (EC2 shows SHA-1 for created RSA pairs, MD5 for imported
/// ones, and SHA-256 for ED25519).
fn fingerprint_of(key: &KeyFile, estate: &Estate, pairs: &[(String, String)]) -> Option<String> {
    let matched = pairs
        .iter()
        .filter_map(|(_, id)| estate.key_pairs.get_by_id(id))
        .filter_map(|p| p.fingerprint.as_deref())
        .find(|fp| key.matches_key_pair(fp, None));
    if let Some(fp) = matched {
        return Some(fp.to_string());
    }
    let fp = &key.fingerprints;
    let all: Vec<&str> = [
        &fp.created_rsa_sha1,
        &fp.imported_rsa_md5,
        &fp.ed25519_sha256,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    (!all.is_empty()).then(|| all.join(" / "))
}
