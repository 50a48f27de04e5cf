//! PEM private keys: PKCS#1 RSA, PKCS#8 (plain and encrypted), SEC1 EC, DSA and the armour
//! of OpenSSH's own format.
//!
//! A header alone is not a key: the body must be base64 that decodes to the structure the
//! label promises (docs that mention `-----BEGIN RSA PRIVATE KEY-----`, or put `...` in the
//! body, are not findings). Encrypted PEM (`Proc-Type: 4,ENCRYPTED`, `ENCRYPTED PRIVATE KEY`)
//! is never decrypted: it yields no fingerprint, because its public half is not in clear.

use base64::Engine as _;

use super::der;
use super::fingerprint::Material;
use super::rsa::RsaPrivate;
use super::{openssh, KeyAlgorithm, KeyFormat, Parsed};

/// The labels that mark a private key, in the order tried (longest first is not needed: the
/// label is read up to the closing dashes).
const LABELS: &[&str] = &[
    "RSA PRIVATE KEY",
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "EC PRIVATE KEY",
    "DSA PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
];

/// Body lines read at most: a 16384-bit RSA key is ~170 lines, so this only bounds garbage.
const MAX_LINES: usize = 1024;

/// Smallest plausible ciphertext of a legacy-encrypted PEM key (a tiny EC key is ~120 bytes).
const MIN_CIPHERTEXT: usize = 64;

/// The decoded armour: label, whether `Proc-Type: 4,ENCRYPTED` was present, and the DER.
struct Armour<'a> {
    label: &'a str,
    proc_encrypted: bool,
    der: Vec<u8>,
}

/// Parses the key whose `-----BEGIN` line starts `block`.
pub(crate) fn parse(block: &str) -> Option<Parsed> {
    let armour = unarmour(block)?;
    let encrypted = armour.proc_encrypted;
    match armour.label {
        "RSA PRIVATE KEY" if encrypted => {
            legacy_encrypted(&armour, KeyFormat::PemPkcs1, KeyAlgorithm::Rsa)
        }
        "RSA PRIVATE KEY" => Some(Parsed {
            format: KeyFormat::PemPkcs1,
            algorithm: KeyAlgorithm::Rsa,
            encrypted: false,
            material: Material::RsaPrivate(RsaPrivate::from_pkcs1_der(&armour.der)?),
        }),
        "PRIVATE KEY" => pkcs8(&armour.der),
        "ENCRYPTED PRIVATE KEY" => encrypted_pkcs8(&armour.der),
        "EC PRIVATE KEY" if encrypted => {
            legacy_encrypted(&armour, KeyFormat::PemEc, KeyAlgorithm::Ecdsa)
        }
        "EC PRIVATE KEY" => sec1(&armour.der).then_some(Parsed {
            format: KeyFormat::PemEc,
            algorithm: KeyAlgorithm::Ecdsa,
            encrypted: false,
            material: Material::Opaque,
        }),
        "DSA PRIVATE KEY" if encrypted => {
            legacy_encrypted(&armour, KeyFormat::PemDsa, KeyAlgorithm::Dsa)
        }
        "DSA PRIVATE KEY" => dsa(&armour.der).then_some(Parsed {
            format: KeyFormat::PemDsa,
            algorithm: KeyAlgorithm::Dsa,
            encrypted: false,
            material: Material::Opaque,
        }),
        "OPENSSH PRIVATE KEY" => openssh::parse(&armour.der),
        _ => None,
    }
}

/// Reads the label, the RFC 1421 headers and the base64 body up to the matching END line.
fn unarmour(block: &str) -> Option<Armour<'_>> {
    let mut lines = block.lines().map(str::trim);
    let first = lines.next()?.strip_prefix("-----BEGIN ")?;
    let label = &first[..first.find("-----")?];
    if !LABELS.contains(&label) {
        return None;
    }
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    let mut proc_encrypted = false;
    let mut in_headers = true;
    for line in lines.take(MAX_LINES) {
        if line.starts_with(&end) {
            if body.is_empty() {
                return None;
            }
            let der = base64::engine::general_purpose::STANDARD
                .decode(body)
                .ok()?;
            return Some(Armour {
                label,
                proc_encrypted,
                der,
            });
        }
        if line.is_empty() {
            continue;
        }
        if in_headers {
            if let Some((name, value)) = line.split_once(':') {
                // Headers only come first; a colon later means this is not a key body.
                if name.trim().eq_ignore_ascii_case("Proc-Type") {
                    proc_encrypted = value.contains("ENCRYPTED");
                }
                continue;
            }
            in_headers = false;
        }
        if !line.bytes().all(is_base64_byte) {
            return None;
        }
        body.push_str(line);
    }
    None
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

fn legacy_encrypted(
    armour: &Armour<'_>,
    format: KeyFormat,
    algorithm: KeyAlgorithm,
) -> Option<Parsed> {
    // Ciphertext of a block cipher: a whole number of 8-byte blocks, not a stub.
    (armour.der.len() >= MIN_CIPHERTEXT && armour.der.len() % 8 == 0).then_some(Parsed {
        format,
        algorithm,
        encrypted: true,
        material: Material::Opaque,
    })
}

/// `PrivateKeyInfo`/`OneAsymmetricKey` (RFC 5208, RFC 5958).
fn pkcs8(bytes: &[u8]) -> Option<Parsed> {
    let kids = der::children(der::read_whole(bytes, der::TAG_SEQUENCE)?)?;
    let [version, alg, key, rest @ ..] = kids.as_slice() else {
        return None;
    };
    der::uint(version)?;
    if alg.tag != der::TAG_SEQUENCE || key.tag != der::TAG_OCTET_STRING {
        return None;
    }
    let alg_kids = der::children(alg.value)?;
    let oid = alg_kids.first().filter(|t| t.tag == der::TAG_OID)?.value;
    let parsed = |algorithm, material| Parsed {
        format: KeyFormat::Pkcs8,
        algorithm,
        encrypted: false,
        material,
    };
    Some(match oid {
        der::OID_RSA => parsed(
            KeyAlgorithm::Rsa,
            Material::RsaPrivate(RsaPrivate::from_pkcs1_der(key.value)?),
        ),
        der::OID_ED25519 => parsed(
            KeyAlgorithm::Ed25519,
            Material::Ed25519(ed25519_public(key.value, rest)?),
        ),
        der::OID_EC => parsed(
            KeyAlgorithm::Ecdsa,
            sec1(key.value).then_some(Material::Opaque)?,
        ),
        der::OID_DSA => parsed(KeyAlgorithm::Dsa, Material::Opaque),
        _ => parsed(KeyAlgorithm::Unknown, Material::Opaque),
    })
}

/// The Ed25519 public key: from the optional `[1] publicKey` of RFC 5958 when present, else
/// derived from the 32-byte seed (OpenSSL writes v1 files without it).
fn ed25519_public(private: &[u8], rest: &[der::Tlv<'_>]) -> Option<[u8; 32]> {
    // `[1] IMPLICIT BIT STRING`: tag 0x81, one unused-bits byte, then the key.
    if let Some(pk) = rest.iter().find(|t| t.tag == der::TAG_CONTEXT_1_PRIMITIVE) {
        return pk.value.get(1..).and_then(|k| k.try_into().ok());
    }
    let seed = der::read_whole(private, der::TAG_OCTET_STRING)?;
    let seed = ed25519_compact::Seed::from_slice(seed).ok()?;
    Some(*ed25519_compact::KeyPair::from_seed(seed).pk)
}

/// `EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING }` (RFC 5208 §6). The
/// algorithm of the key inside is unknowable without the passphrase.
fn encrypted_pkcs8(bytes: &[u8]) -> Option<Parsed> {
    let kids = der::children(der::read_whole(bytes, der::TAG_SEQUENCE)?)?;
    let [alg, data] = kids.as_slice() else {
        return None;
    };
    (alg.tag == der::TAG_SEQUENCE && data.tag == der::TAG_OCTET_STRING && !data.value.is_empty())
        .then_some(Parsed {
            format: KeyFormat::Pkcs8Encrypted,
            algorithm: KeyAlgorithm::Unknown,
            encrypted: true,
            material: Material::Opaque,
        })
}

/// SEC1 `ECPrivateKey { 1, OCTET STRING, ... }` (RFC 5915).
fn sec1(bytes: &[u8]) -> bool {
    let kids = der::read_whole(bytes, der::TAG_SEQUENCE).and_then(der::children);
    matches!(kids.as_deref(), Some([v, k, ..])
        if der::uint(v).as_deref() == Some(&[1][..]) && k.tag == der::TAG_OCTET_STRING && !k.value.is_empty())
}

/// OpenSSL's DSA private key: `SEQUENCE { 0, p, q, g, y, x }`.
fn dsa(bytes: &[u8]) -> bool {
    let kids = der::read_whole(bytes, der::TAG_SEQUENCE).and_then(der::children);
    matches!(kids.as_deref(), Some(k) if k.len() == 6 && k.iter().all(|t| der::uint(t).is_some()))
}
