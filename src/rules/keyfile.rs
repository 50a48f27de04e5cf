//! A private key found in the inputs, as key-file rules see it: the scanner's record plus what
//! ties it to the estate (the key pairs it stands behind and the instances they open).
//!
//! Built by [`crate::load::keys::ScanFacts`]; only paths, formats, fingerprints and ids live
//! here, never key material.

use crate::load::keys::{GitStatus, KeyFile, KeyFormat};
use crate::model::Source;

/// One private key in one file (a file may hold several).
#[derive(Debug, Clone)]
pub struct KeyFileFact {
    /// The scanner's record (absolute path, format, fingerprints, git status, mode).
    pub key: KeyFile,
    /// The path as shown to users: relative to the working directory when inside it.
    pub path: String,
    /// The fingerprint worth printing: the one that matched a key pair, else every EC2
    /// fingerprint computable for the key; `None` when none is (encrypted PKCS#8).
    pub fingerprint: Option<String>,
    /// Key pairs of the inputs this key stands behind: (name, id), sorted by name.
    pub key_pairs: Vec<(String, String)>,
    /// Instances that name one of those key pairs, in estate order.
    pub instances: Vec<String>,
    /// Where findings point: the key file at the key's first line.
    pub source: Source,
}

impl KeyFileFact {
    /// A template field of key-file rules.
    pub fn field(&self, name: &str) -> Option<String> {
        match name {
            "path" => Some(self.path.clone()),
            "line" => Some(self.key.line.to_string()),
            "format" => Some(format_text(self.key.format).to_string()),
            "algorithm" => Some(format!("{:?}", self.key.algorithm).to_lowercase()),
            "fingerprint" => Some(
                self.fingerprint
                    .clone()
                    .unwrap_or_else(|| "unknown".to_string()),
            ),
            "key-pair" => (!self.key_pairs.is_empty()).then(|| self.key_pair_names()),
            "instances" => (!self.instances.is_empty()).then(|| self.instances.join(", ")),
            "git" => Some(git_text(self.key.git).to_string()),
            "mode" => self.key.mode.map(mode_text),
            _ => None,
        }
    }

    /// What tells two keys of one file apart, stable across edits of the file around them.
    pub fn detail(&self) -> String {
        match &self.fingerprint {
            Some(fp) => fp.clone(),
            None => format!("line {}", self.key.line),
        }
    }

    pub fn key_pair_names(&self) -> String {
        let names: Vec<&str> = self.key_pairs.iter().map(|(n, _)| n.as_str()).collect();
        names.join(", ")
    }
}

/// The template fields of key-file rules (besides `id`, `name`, `label`).
pub const FIELDS: &[&str] = &[
    "path",
    "line",
    "format",
    "algorithm",
    "fingerprint",
    "key-pair",
    "instances",
    "git",
    "mode",
];

/// `0644`: permission bits as `chmod` takes them.
pub fn mode_text(mode: u32) -> String {
    format!("{:04o}", mode & 0o7777)
}

fn format_text(format: KeyFormat) -> &'static str {
    match format {
        KeyFormat::PemPkcs1 => "PEM PKCS#1",
        KeyFormat::Pkcs8 => "PEM PKCS#8",
        KeyFormat::Pkcs8Encrypted => "encrypted PEM PKCS#8",
        KeyFormat::PemEc => "PEM EC",
        KeyFormat::PemDsa => "PEM DSA",
        KeyFormat::OpenSsh => "OpenSSH",
        KeyFormat::PuttyV2 => "PuTTY v2",
        KeyFormat::PuttyV3 => "PuTTY v3",
    }
}

fn git_text(git: GitStatus) -> &'static str {
    match git {
        GitStatus::Tracked => "tracked by git",
        GitStatus::Ignored => "ignored by git",
        GitStatus::Untracked => "untracked in a git work tree",
        GitStatus::NotInRepo => "not in a git work tree",
    }
}
