//! The `openssh-key-v1` binary format (OpenSSH's `PROTOCOL.key`).
//!
//! The public keys are stored in clear before the (possibly encrypted) private section, so an
//! encrypted file still yields its public line, its imported-RSA MD5 and its ED25519
//! fingerprint; only the created-RSA SHA-1 needs the private half.

use super::fingerprint::Material;
use super::rsa::{RsaParts, RsaPrivate, RsaPublic};
use super::wire::Reader;
use super::{KeyAlgorithm, KeyFormat, Parsed};

const MAGIC: &[u8] = b"openssh-key-v1\0";

/// More keys than this in one file is not something ssh-keygen writes.
const MAX_KEYS: u32 = 64;

/// Parses the decoded body of a `BEGIN OPENSSH PRIVATE KEY` block.
pub(crate) fn parse(bytes: &[u8]) -> Option<Parsed> {
    let mut r = Reader::new(bytes.strip_prefix(MAGIC)?);
    let cipher = r.string()?;
    let _kdf = r.string()?;
    let _kdf_options = r.string()?;
    let count = r.u32()?;
    if count == 0 || count > MAX_KEYS {
        return None;
    }
    // Only the first key is reported: multi-key files do not occur in practice.
    let public_blob = r.string()?;
    for _ in 1..count {
        r.string()?;
    }
    let private = r.string()?;
    let encrypted = cipher != b"none";
    if private.is_empty() || (encrypted && private.len() % 8 != 0) {
        return None;
    }
    let key_type = Reader::new(public_blob).string()?;
    let algorithm = algorithm_of(key_type);
    let rsa_private = if encrypted {
        None
    } else {
        rsa_from_private_section(private)
    };
    let material = match (algorithm, rsa_private) {
        (_, Some(key)) => Material::RsaPrivate(key),
        _ => public_material(public_blob)?,
    };
    Some(Parsed {
        format: KeyFormat::OpenSsh,
        algorithm,
        encrypted,
        material,
    })
}

/// The algorithm named by an SSH key type.
pub(crate) fn algorithm_of(key_type: &[u8]) -> KeyAlgorithm {
    match key_type {
        b"ssh-rsa" => KeyAlgorithm::Rsa,
        b"ssh-ed25519" => KeyAlgorithm::Ed25519,
        b"ssh-dss" => KeyAlgorithm::Dsa,
        t if t.starts_with(b"ecdsa-sha2-") => KeyAlgorithm::Ecdsa,
        _ => KeyAlgorithm::Unknown,
    }
}

/// What an SSH public blob gives: RSA and Ed25519 keys in the form fingerprints need, other
/// types as a blob for the public line. `None` when the blob does not parse.
pub(crate) fn public_material(blob: &[u8]) -> Option<Material> {
    let mut r = Reader::new(blob);
    Some(match r.string()? {
        b"ssh-rsa" => Material::RsaPublic(RsaPublic::from_ssh_blob(blob)?),
        b"ssh-ed25519" => Material::Ed25519(r.string()?.try_into().ok()?),
        _ => Material::SshBlob(blob.to_vec()),
    })
}

/// The unencrypted private section: `check1, check2, keytype, n, e, d, iqmp, p, q, comment`.
fn rsa_from_private_section(section: &[u8]) -> Option<RsaPrivate> {
    let mut r = Reader::new(section);
    // Equal check words are how OpenSSH itself tells a good decryption; here they guard
    // against a corrupt section.
    if r.u32()? != r.u32()? || r.string()? != b"ssh-rsa" {
        return None;
    }
    let n = r.mpint()?;
    let e = r.mpint()?;
    let d = r.mpint()?;
    let qinv = r.mpint()?;
    let p = r.mpint()?;
    let q = r.mpint()?;
    RsaPrivate::from_parts(&RsaParts {
        n: &n,
        e: &e,
        d: &d,
        p: &p,
        q: &q,
        qinv: &qinv,
    })
}
