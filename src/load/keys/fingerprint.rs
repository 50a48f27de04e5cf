//! EC2's key-pair fingerprints and the OpenSSH public-key line, computed from public or
//! derived values only.
//!
//! AWS documents them in the EC2 user guide ("Verify the fingerprint of your key pair") and
//! the API reference (`KeyPairInfo.KeyFingerprint`):
//! - RSA created by EC2: SHA-1 of the DER PKCS#8 private key, colon hex;
//! - RSA imported: MD5 of the DER SubjectPublicKeyInfo, colon hex (not `ssh-keygen -E md5`);
//! - ED25519 (either): SHA-256 of the SSH public-key blob, base64 with `=` padding.

use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use super::rsa::{RsaPrivate, RsaPublic};
use super::Fingerprints;

/// The key data a parser could read, private or public. Private parts stay in here.
pub(crate) enum Material {
    /// Nothing readable without a passphrase (encrypted PEM) or an algorithm EC2 does not use.
    Opaque,
    /// A full RSA private key: every RSA fingerprint and the public line.
    RsaPrivate(RsaPrivate),
    /// An RSA public key (encrypted OpenSSH/PuTTY keep it in clear).
    RsaPublic(RsaPublic),
    /// An Ed25519 public key (32 bytes).
    Ed25519([u8; 32]),
    /// Another SSH public blob (ECDSA, DSA...): only the public line.
    SshBlob(Vec<u8>),
}

/// Everything derivable from `material`: fingerprints and the `type base64` public line.
pub(crate) fn derive(material: &Material) -> (Fingerprints, Option<String>) {
    let mut fp = Fingerprints::default();
    let blob = match material {
        Material::Opaque => return (fp, None),
        Material::RsaPrivate(key) => {
            fp.created_rsa_sha1 = Some(colon_hex(&Sha1::digest(key.pkcs8_der())));
            rsa_public(&mut fp, &key.public())
        }
        Material::RsaPublic(public) => rsa_public(&mut fp, public),
        Material::Ed25519(pk) => {
            let blob = ed25519_blob(pk);
            fp.ed25519_sha256 =
                Some(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&blob)));
            blob
        }
        Material::SshBlob(blob) => blob.clone(),
    };
    (fp, public_line(&blob))
}

fn rsa_public(fp: &mut Fingerprints, public: &RsaPublic) -> Vec<u8> {
    fp.imported_rsa_md5 = Some(colon_hex(&Md5::digest(public.spki_der())));
    public.ssh_blob()
}

/// `string "ssh-ed25519", string pk`.
pub(crate) fn ed25519_blob(pk: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(51);
    super::wire::put_string(&mut out, b"ssh-ed25519");
    super::wire::put_string(&mut out, pk);
    out
}

/// `ssh-rsa AAAA…` (no comment), the shape of `describe-key-pairs --include-public-key`.
fn public_line(blob: &[u8]) -> Option<String> {
    let key_type = super::wire::Reader::new(blob).string()?;
    let key_type = std::str::from_utf8(key_type).ok()?;
    Some(format!(
        "{key_type} {}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    ))
}

/// Lower-case hex bytes joined by `:`, as EC2 prints RSA fingerprints.
pub(crate) fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_hex_is_lower_case() {
        assert_eq!(colon_hex(&[0xAB, 0x01]), "ab:01");
    }
}
