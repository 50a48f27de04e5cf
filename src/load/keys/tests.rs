//! Test vectors: every key in `fixtures/keys/` against the fingerprints of the shared
//! FINGERPRINTS.md (copied in `fixtures/keys/README.md`), plus detection edge cases.

use std::path::PathBuf;

use super::*;

const A_SHA1: &str = "9b:2c:2f:09:56:62:ed:f9:d0:ec:eb:95:82:e4:7d:f4:2c:75:68:a6";
const A_MD5: &str = "c4:cd:91:74:b9:3a:e0:53:1a:28:31:1a:99:5f:9b:e8";
const B_SHA1: &str = "05:83:33:37:8a:7f:c9:f0:51:95:0b:dc:51:bf:be:d0:5c:6d:8d:9f";
const B_MD5: &str = "b3:4c:1a:1d:f0:c6:16:ce:be:92:ed:8d:7f:22:b2:59";
const C_ED: &str = "YAE+d6tW2bNf1zFpUisJFA57abPNuLAT6C4mfzEzCng=";
const D_ED: &str = "2Uw8+7gy0OQvBtTVQt1JpzgOXCpvni1swMTVQ+fm8tI=";
const E_ED: &str = "YqqzYqta34RF3kwZmkFBqykmRyEeQqcwBz48j84Pmgg=";
const OPS_RSA_SHA1: &str = "25:84:99:81:82:63:71:2c:9f:61:65:10:8b:58:6f:d2:6e:3e:53:d0";
const OPS_RSA_MD5: &str = "e5:1c:b7:19:7a:a3:f7:22:86:fa:dd:cb:c3:5a:e2:b1";
const OPS_ED: &str = "SyB9W1Fh/nGiOl/7EQ1QJotxQa/Wif86Hu9c93y0FBY=";

pub(super) fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(name)).expect("fixture present")
}

/// The `.pub` beside a key: `X.pub` for `X`, `X.pem`, `X.ppk` or `X.json`.
fn public_line(name: &str) -> String {
    let stem = name
        .trim_end_matches(".pem")
        .trim_end_matches(".ppk")
        .trim_end_matches(".json");
    let text = read(&format!("{stem}.pub"));
    let mut fields = text.split_whitespace();
    format!(
        "{} {}",
        fields.next().unwrap_or_default(),
        fields.next().unwrap_or_default()
    )
}

struct Vector {
    file: &'static str,
    format: KeyFormat,
    algorithm: KeyAlgorithm,
    encrypted: bool,
    sha1: Option<&'static str>,
    md5: Option<&'static str>,
    ed: Option<&'static str>,
    /// The `.pub` line must equal the computed public key.
    has_public: bool,
    line: usize,
    embedded: bool,
}

#[allow(clippy::too_many_arguments)]
const fn v(
    file: &'static str,
    format: KeyFormat,
    algorithm: KeyAlgorithm,
    encrypted: bool,
    sha1: Option<&'static str>,
    md5: Option<&'static str>,
    ed: Option<&'static str>,
    has_public: bool,
) -> Vector {
    Vector {
        file,
        format,
        algorithm,
        encrypted,
        sha1,
        md5,
        ed,
        has_public,
        line: 1,
        embedded: false,
    }
}

fn vectors() -> Vec<Vector> {
    use KeyAlgorithm::*;
    use KeyFormat::*;
    vec![
        v(
            "rsa_pkcs1.pem",
            PemPkcs1,
            Rsa,
            false,
            Some(A_SHA1),
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_pkcs8.pem",
            Pkcs8,
            Rsa,
            false,
            Some(A_SHA1),
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_pkcs8_enc.pem",
            Pkcs8Encrypted,
            Unknown,
            true,
            None,
            None,
            None,
            false,
        ),
        v(
            "rsa_pkcs1_enc.pem",
            PemPkcs1,
            Rsa,
            true,
            None,
            None,
            None,
            false,
        ),
        v(
            "rsa_openssh",
            OpenSsh,
            Rsa,
            false,
            Some(A_SHA1),
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_openssh_enc",
            OpenSsh,
            Rsa,
            true,
            None,
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_v2.ppk",
            PuttyV2,
            Rsa,
            false,
            Some(A_SHA1),
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_v3.ppk",
            PuttyV3,
            Rsa,
            false,
            Some(A_SHA1),
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_v2_enc.ppk",
            PuttyV2,
            Rsa,
            true,
            None,
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "rsa_v3_enc.ppk",
            PuttyV3,
            Rsa,
            true,
            None,
            Some(A_MD5),
            None,
            true,
        ),
        v(
            "id_rsa",
            OpenSsh,
            Rsa,
            false,
            Some(B_SHA1),
            Some(B_MD5),
            None,
            true,
        ),
        v(
            "id_ed25519",
            OpenSsh,
            Ed25519,
            false,
            None,
            None,
            Some(C_ED),
            true,
        ),
        v(
            "ed25519_v2.ppk",
            PuttyV2,
            Ed25519,
            false,
            None,
            None,
            Some(C_ED),
            true,
        ),
        v(
            "ed25519_v3.ppk",
            PuttyV3,
            Ed25519,
            false,
            None,
            None,
            Some(C_ED),
            true,
        ),
        v(
            "id_ed25519_enc",
            OpenSsh,
            Ed25519,
            true,
            None,
            None,
            Some(D_ED),
            true,
        ),
        v(
            "ed25519_pkcs8.pem",
            Pkcs8,
            Ed25519,
            false,
            None,
            None,
            Some(E_ED),
            true,
        ),
        v("ec_sec1.pem", PemEc, Ecdsa, false, None, None, None, false),
        v("id_ecdsa", OpenSsh, Ecdsa, false, None, None, None, true),
        Vector {
            line: 11,
            embedded: true,
            ..v(
                "moto-create-key-pair-ops-rsa.json",
                PemPkcs1,
                Rsa,
                false,
                Some(OPS_RSA_SHA1),
                Some(OPS_RSA_MD5),
                None,
                true,
            )
        },
        Vector {
            line: 5,
            embedded: true,
            ..v(
                "moto-create-key-pair-ops-ed25519.json",
                OpenSsh,
                Ed25519,
                false,
                None,
                None,
                Some(OPS_ED),
                true,
            )
        },
    ]
}

#[test]
fn every_reference_key_matches_its_vector() {
    for vector in vectors() {
        let found = detect_keys(&read(vector.file));
        let [key] = found.as_slice() else {
            panic!("{}: expected one key, found {}", vector.file, found.len());
        };
        let file = vector.file;
        assert_eq!(key.format, vector.format, "{file}");
        assert_eq!(key.algorithm, vector.algorithm, "{file}");
        assert_eq!(key.encrypted, vector.encrypted, "{file}");
        assert_eq!(
            key.fingerprints.created_rsa_sha1.as_deref(),
            vector.sha1,
            "{file}"
        );
        assert_eq!(
            key.fingerprints.imported_rsa_md5.as_deref(),
            vector.md5,
            "{file}"
        );
        assert_eq!(
            key.fingerprints.ed25519_sha256.as_deref(),
            vector.ed,
            "{file}"
        );
        assert_eq!(key.line, vector.line, "{file}");
        assert_eq!(key.embedded, vector.embedded, "{file}");
        if vector.has_public {
            assert_eq!(
                key.public_key.as_deref(),
                Some(public_line(file).as_str()),
                "{file}"
            );
        } else {
            assert_eq!(key.public_key, None, "{file}");
        }
    }
}
