//! Leaked EC2 private keys: find key files by content, compute the fingerprints EC2 shows for
//! their key pairs, and record the context that makes a leak worse (tracked by git, readable by
//! others, under a web root).
//!
//! Rules come from DESIGN.md §4 "Key pairs and key files". Key material never leaves this
//! module: the public types hold paths, formats, fingerprints and public keys only, and the
//! private components live in types without `Debug` or `Serialize`.

mod der;
mod detect;
mod facts;
mod fingerprint;
mod git;
mod openssh;
mod pem;
mod putty;
mod rsa;
mod walk;
mod wire;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use facts::ScanFacts;
pub use walk::{scan, KeyScan, KeyScanError, KeyScanWarning, ScanStats, MAX_FILE_SIZE};

/// The container a key was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFormat {
    /// `BEGIN RSA PRIVATE KEY` (what EC2's CreateKeyPair hands out for RSA).
    PemPkcs1,
    /// `BEGIN PRIVATE KEY`.
    Pkcs8,
    /// `BEGIN ENCRYPTED PRIVATE KEY`.
    Pkcs8Encrypted,
    /// `BEGIN EC PRIVATE KEY` (SEC1).
    PemEc,
    /// `BEGIN DSA PRIVATE KEY`.
    PemDsa,
    /// `BEGIN OPENSSH PRIVATE KEY` (`openssh-key-v1`).
    OpenSsh,
    /// `PuTTY-User-Key-File-2:`.
    PuttyV2,
    /// `PuTTY-User-Key-File-3:`.
    PuttyV3,
}

/// The key's algorithm. EC2 key pairs are only RSA or ED25519; the others are reported so a
/// leak is still visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyAlgorithm {
    Rsa,
    Ed25519,
    Ecdsa,
    Dsa,
    /// Not knowable (encrypted PKCS#8) or not one of the above.
    Unknown,
}

/// The fingerprints EC2 could show for this key, each `None` when not computable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fingerprints {
    /// Key pair created by EC2 (RSA): SHA-1 of the DER PKCS#8 private key, lower-case colon hex.
    pub created_rsa_sha1: Option<String>,
    /// Key pair imported to EC2 (RSA): MD5 of the DER SubjectPublicKeyInfo, lower-case colon hex.
    pub imported_rsa_md5: Option<String>,
    /// ED25519 key pair: base64 (with `=`) of SHA-256 of the SSH public-key blob.
    pub ed25519_sha256: Option<String>,
}

/// Whether git knows the file, with `git ls-files` / `git status --ignored` semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GitStatus {
    /// In the index: committed or about to be, the worst case.
    Tracked,
    /// In a work tree, not in the index, matched by a `.gitignore` or `info/exclude` rule.
    Ignored,
    /// In a work tree, not in the index, not ignored: one `git add .` away from a commit.
    Untracked,
    /// Not inside any git work tree.
    NotInRepo,
}

/// One private key found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFile {
    /// The file as walked: absolute, symlinks not resolved.
    #[serde(serialize_with = "serialize_path_lossy")]
    pub path: PathBuf,
    /// 1-based line of the key's first line (`-----BEGIN` or `PuTTY-User-Key-File`).
    pub line: usize,
    pub format: KeyFormat,
    pub algorithm: KeyAlgorithm,
    pub encrypted: bool,
    pub fingerprints: Fingerprints,
    /// `ssh-rsa AAAA…` / `ssh-ed25519 AAAA…` without comment, when the public half is known.
    pub public_key: Option<String>,
    pub git: GitStatus,
    /// Unix permission bits (`st_mode & 0o7777`); `None` off unix.
    pub mode: Option<u32>,
    /// A component of the absolute path is a conventional web root (`public`, `static`,
    /// `www`, `htdocs`, `dist`, `wwwroot`, `public_html`; case-insensitive). The whole path
    /// counts, not only the part below the scan root: scanning `/var/www` itself still flags.
    pub under_web_root: bool,
    /// Found inside a quoted string with escaped newlines (JSON, YAML).
    pub embedded: bool,
}

/// A key found in a text, before the file's context is added (see [`detect_keys`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectedKey {
    pub line: usize,
    pub format: KeyFormat,
    pub algorithm: KeyAlgorithm,
    pub encrypted: bool,
    pub fingerprints: Fingerprints,
    pub public_key: Option<String>,
    pub embedded: bool,
}

/// What a parser learned from one key; the private part stays in `material`.
pub(crate) struct Parsed {
    pub format: KeyFormat,
    pub algorithm: KeyAlgorithm,
    pub encrypted: bool,
    pub material: fingerprint::Material,
}

/// Path components that usually mean "served to the world as is".
const WEB_ROOTS: &[&str] = &[
    "public",
    "static",
    "www",
    "htdocs",
    "dist",
    "wwwroot",
    "public_html",
];

/// Finds every private key in a text (file contents, a Terraform state value...). Headers
/// without a real body are not keys. The result holds derived values only.
pub fn detect_keys(text: &str) -> Vec<DetectedKey> {
    if !detect::may_contain_key(text) {
        return Vec::new();
    }
    detect::find(text)
        .into_iter()
        .map(|found| {
            let (fingerprints, public_key) = fingerprint::derive(&found.parsed.material);
            DetectedKey {
                line: found.line,
                format: found.parsed.format,
                algorithm: found.parsed.algorithm,
                encrypted: found.parsed.encrypted,
                fingerprints,
                public_key,
                embedded: found.embedded,
            }
        })
        .collect()
}

/// True when any path component is a web root name (case-insensitive, for `wwwroot` and
/// friends on case-insensitive servers).
pub fn is_under_web_root(path: &Path) -> bool {
    path.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        WEB_ROOTS.iter().any(|w| name.eq_ignore_ascii_case(w))
    })
}

impl KeyFile {
    /// Whether this key stands behind a key pair with EC2 `fingerprint` (any of the three
    /// kinds; colon hex compared case-insensitively, ED25519 base64 exactly, with or without
    /// `SHA256:` prefix and `=` padding as `ssh-keygen -l` prints it) or, when given, public key
    /// `public_key` (`type base64 [comment]`, the comment ignored).
    pub fn matches_key_pair(&self, fingerprint: &str, public_key: Option<&str>) -> bool {
        self.matches_fingerprint(fingerprint)
            || public_key.is_some_and(|pk| self.matches_public_key(pk))
    }

    fn matches_fingerprint(&self, fingerprint: &str) -> bool {
        let wanted = fingerprint.trim();
        if wanted.is_empty() {
            return false;
        }
        let fp = &self.fingerprints;
        let hex_match = [&fp.created_rsa_sha1, &fp.imported_rsa_md5]
            .into_iter()
            .flatten()
            .any(|have| have.eq_ignore_ascii_case(wanted));
        let b64 = |s: &str| {
            s.strip_prefix("SHA256:")
                .unwrap_or(s)
                .trim_end_matches('=')
                .to_owned()
        };
        hex_match
            || fp
                .ed25519_sha256
                .as_deref()
                .is_some_and(|have| b64(have) == b64(wanted) && !b64(wanted).is_empty())
    }

    fn matches_public_key(&self, public_key: &str) -> bool {
        let wanted = type_and_base64(public_key);
        wanted.is_some() && self.public_key.as_deref().map(type_and_base64) == Some(wanted)
    }

    /// Whether ssh would refuse this key for its permissions (`mode & 0o077 != 0`). `None` when
    /// not judgeable: off unix, or inside a git work tree, where checkouts reset modes to 0644
    /// (DESIGN.md §4), so the mode says nothing about the deployed key.
    pub fn ssh_refuses_mode(&self) -> Option<bool> {
        match self.git {
            GitStatus::NotInRepo => self.mode.map(|m| m & 0o077 != 0),
            _ => None,
        }
    }
}

/// Paths serialize as text even when not UTF-8 (serde's own impl fails on those, which would
/// lose the whole report for one odd file name).
pub(crate) fn serialize_path_lossy<S: serde::Serializer>(
    path: &Path,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// The first two fields of an OpenSSH public-key line (type and base64), comment dropped.
fn type_and_base64(line: &str) -> Option<(&str, &str)> {
    let mut fields = line.split_whitespace();
    Some((fields.next()?, fields.next()?))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_walk;
