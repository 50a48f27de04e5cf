//! PuTTY `.ppk` files, versions 2 and 3 (PuTTY manual, appendix C "PPK file format").
//!
//! The public blob is always in clear; the private blob is readable only when `Encryption:` is
//! `none`. Neither the MAC nor the passphrase is checked: we never decrypt.

use base64::Engine as _;

use super::fingerprint::Material;
use super::openssh::{algorithm_of, public_material};
use super::rsa::{RsaParts, RsaPrivate, RsaPublic};
use super::wire::Reader;
use super::{KeyAlgorithm, KeyFormat, Parsed};

/// Base64 lines of one blob at most (a 16384-bit RSA private blob is ~60 lines).
const MAX_BLOB_LINES: usize = 256;

/// Parses the key whose `PuTTY-User-Key-File-N:` line starts `block`.
pub(crate) fn parse(block: &str) -> Option<Parsed> {
    let mut lines = block.lines().map(str::trim);
    let (version, key_type) = lines
        .next()?
        .strip_prefix("PuTTY-User-Key-File-")?
        .split_once(':')?;
    let format = match version {
        "2" => KeyFormat::PuttyV2,
        "3" => KeyFormat::PuttyV3,
        _ => return None,
    };
    let key_type = key_type.trim();
    let mut encryption = None;
    let mut public = None;
    let mut private = None;
    let mut has_mac = false;
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(':') else {
            break;
        };
        let value = value.trim();
        match name {
            "Encryption" => encryption = Some(value),
            "Public-Lines" => public = Some(read_blob(&mut lines, value)?),
            "Private-Lines" => private = Some(read_blob(&mut lines, value)?),
            "Private-MAC" => {
                has_mac = true;
                break;
            }
            _ => {}
        }
    }
    let (encryption, public, private) = (encryption?, public?, private?);
    if !has_mac || Reader::new(&public).string()? != key_type.as_bytes() || private.is_empty() {
        return None;
    }
    let encrypted = encryption != "none";
    let algorithm = algorithm_of(key_type.as_bytes());
    let rsa_private = match (encrypted, algorithm) {
        (false, KeyAlgorithm::Rsa) => rsa_private(&public, &private),
        _ => None,
    };
    let material = match rsa_private {
        Some(key) => Material::RsaPrivate(key),
        None => public_material(&public)?,
    };
    Some(Parsed {
        format,
        algorithm,
        encrypted,
        material,
    })
}

/// Reads `count` base64 lines and decodes them.
fn read_blob<'a>(lines: &mut impl Iterator<Item = &'a str>, count: &str) -> Option<Vec<u8>> {
    let count: usize = count.parse().ok()?;
    if count == 0 || count > MAX_BLOB_LINES {
        return None;
    }
    let mut text = String::new();
    for _ in 0..count {
        text.push_str(lines.next()?);
    }
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The unencrypted RSA private blob is `mpint d, mpint p, mpint q, mpint iqmp`; `e` and `n`
/// come from the public blob.
fn rsa_private(public: &[u8], private: &[u8]) -> Option<RsaPrivate> {
    let RsaPublic { n, e } = RsaPublic::from_ssh_blob(public)?;
    let mut r = Reader::new(private);
    let d = r.mpint()?;
    let p = r.mpint()?;
    let q = r.mpint()?;
    let qinv = r.mpint()?;
    RsaPrivate::from_parts(&RsaParts {
        n: &n,
        e: &e,
        d: &d,
        p: &p,
        q: &q,
        qinv: &qinv,
    })
}
