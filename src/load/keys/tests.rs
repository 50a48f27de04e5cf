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

/// A real PKCS#1 body to build texts around.
fn pkcs1_pem() -> String {
    read("rsa_pkcs1.pem")
}

#[test]
fn headers_without_a_real_body_are_not_keys() {
    let texts = [
        "To use it, paste the contents starting with -----BEGIN RSA PRIVATE KEY----- here."
            .to_owned(),
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n".to_owned(),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n"
            .to_owned(),
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----\n"
            .to_owned(),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n".to_owned(),
        // Valid base64, wrong structure.
        "-----BEGIN PRIVATE KEY-----\nSGVsbG8sIHdvcmxkIQ==\n-----END PRIVATE KEY-----\n".to_owned(),
        // No END line.
        pkcs1_pem().replace("-----END RSA PRIVATE KEY-----", ""),
        // Not a private key label.
        pkcs1_pem().replace("RSA PRIVATE KEY", "CERTIFICATE"),
        "key: \"-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----\\n\""
            .to_owned(),
        "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: docs\n".to_owned(),
        // A public key is not a finding.
        read("rsa_pkcs1.pub"),
        read("ec_sec1.pub"),
    ];
    for text in texts {
        assert!(
            detect_keys(&text).is_empty(),
            "wrongly detected in {text:.60}"
        );
    }
}

#[test]
fn several_keys_in_one_file_with_their_lines() {
    let text = format!(
        "# notes\n\n{}\nsome text\n{}",
        pkcs1_pem(),
        read("rsa_v3.ppk")
    );
    let found = detect_keys(&text);
    let lines: Vec<_> = found.iter().map(|k| (k.line, k.format)).collect();
    // The PEM's lines, an empty line, "some text", then the PuTTY key.
    let ppk_line = 3 + pkcs1_pem().lines().count() + 2;
    assert_eq!(
        lines,
        vec![(3, KeyFormat::PemPkcs1), (ppk_line, KeyFormat::PuttyV3)]
    );
}

#[test]
fn keys_in_terraform_state_yaml_and_nested_json() {
    let escaped = serde_json::to_string(&pkcs1_pem()).expect("json string");
    let state = format!("{{\n  \"attributes\": {{\n    \"private_key_pem\": {escaped},\n    \"id\": \"x\"\n  }}\n}}\n");
    let yaml = format!("outputs:\n  key: {escaped}\n");
    let nested = serde_json::to_string(&format!("{{\"k\": {escaped}}}")).expect("json string");
    let nested = format!("{{\"TemplateBody\": {nested}}}");
    let block = format!(
        "key: |\n  {}\n",
        pkcs1_pem().trim_end().replace('\n', "\n  ")
    );
    for (text, line, embedded) in [
        (state, 3, true),
        (yaml, 2, true),
        (nested, 1, true),
        (block, 2, false),
    ] {
        let found = detect_keys(&text);
        let [key] = found.as_slice() else {
            panic!("expected one key in {text:.80}, found {}", found.len());
        };
        assert_eq!((key.line, key.embedded), (line, embedded), "{text:.80}");
        assert_eq!(key.fingerprints.created_rsa_sha1.as_deref(), Some(A_SHA1));
    }
}

#[test]
fn crlf_line_endings_are_read() {
    let found = detect_keys(&read("rsa_openssh").replace('\n', "\r\n"));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].fingerprints.created_rsa_sha1.as_deref(),
        Some(A_SHA1)
    );
}

fn key_file(name: &str) -> KeyFile {
    let text = read(name);
    let found = detect_keys(&text).into_iter().next().expect("one key");
    KeyFile {
        path: PathBuf::from(name),
        line: found.line,
        format: found.format,
        algorithm: found.algorithm,
        encrypted: found.encrypted,
        fingerprints: found.fingerprints,
        public_key: found.public_key,
        git: GitStatus::NotInRepo,
        mode: Some(0o600),
        under_web_root: false,
        embedded: found.embedded,
    }
}

/// Key pairs of `describe-key-pairs.with-public-keys.json` each file should match, by
/// fingerprint only and by fingerprint or public key (FINGERPRINTS.md's last column).
#[test]
fn matches_key_pairs_of_the_reference_export() {
    let export: serde_json::Value =
        serde_json::from_str(&read("describe-key-pairs.with-public-keys.json")).expect("json");
    let pairs: Vec<(String, String, String)> = export["KeyPairs"]
        .as_array()
        .expect("KeyPairs")
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            (s("KeyName"), s("KeyFingerprint"), s("PublicKey"))
        })
        .collect();
    let both = ["aws-created-rsa", "aws-created-rsa-imported-elsewhere"];
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("rsa_pkcs1.pem", &both, &both),
        ("rsa_pkcs8.pem", &both, &both),
        ("rsa_openssh", &both, &both),
        ("rsa_v2.ppk", &both, &both),
        ("rsa_v3.ppk", &both, &both),
        ("rsa_pkcs8_enc.pem", &[], &[]),
        ("rsa_pkcs1_enc.pem", &[], &[]),
        (
            "rsa_openssh_enc",
            &["aws-created-rsa-imported-elsewhere"],
            &both,
        ),
        (
            "rsa_v2_enc.ppk",
            &["aws-created-rsa-imported-elsewhere"],
            &both,
        ),
        (
            "rsa_v3_enc.ppk",
            &["aws-created-rsa-imported-elsewhere"],
            &both,
        ),
        ("id_rsa", &["imported-rsa"], &["imported-rsa"]),
        ("id_ed25519", &["imported-ed25519"], &["imported-ed25519"]),
        (
            "ed25519_v2.ppk",
            &["imported-ed25519"],
            &["imported-ed25519"],
        ),
        (
            "ed25519_v3.ppk",
            &["imported-ed25519"],
            &["imported-ed25519"],
        ),
        (
            "id_ed25519_enc",
            &["imported-ed25519-enc"],
            &["imported-ed25519-enc"],
        ),
        (
            "ed25519_pkcs8.pem",
            &["openssl-ed25519"],
            &["openssl-ed25519"],
        ),
        ("ec_sec1.pem", &[], &[]),
        ("id_ecdsa", &[], &[]),
    ];
    for (file, by_fp, by_any) in cases {
        let key = key_file(file);
        let matched = |with_pk: bool| -> Vec<&str> {
            pairs
                .iter()
                .filter(|(_, fp, pk)| key.matches_key_pair(fp, with_pk.then_some(pk.as_str())))
                .map(|(name, _, _)| name.as_str())
                .collect()
        };
        assert_eq!(matched(false), *by_fp, "{file} by fingerprint");
        assert_eq!(
            matched(true),
            *by_any,
            "{file} by fingerprint or public key"
        );
    }
}

#[test]
fn fingerprint_comparison_forms() {
    let rsa = key_file("rsa_pkcs1.pem");
    assert!(rsa.matches_key_pair(&A_SHA1.to_uppercase(), None));
    assert!(rsa.matches_key_pair(&format!(" {A_MD5} "), None));
    assert!(!rsa.matches_key_pair("", None));
    assert!(!rsa.matches_key_pair("", Some("")));
    let ed = key_file("id_ed25519");
    assert!(ed.matches_key_pair("SHA256:YAE+d6tW2bNf1zFpUisJFA57abPNuLAT6C4mfzEzCng", None));
    // Base64 is case-sensitive.
    assert!(!ed.matches_key_pair(&C_ED.to_lowercase(), None));
    let with_comment = format!("{} some-comment", public_line("id_ed25519"));
    assert!(ed.matches_key_pair("nope", Some(&with_comment)));
}

#[test]
fn web_roots() {
    for p in [
        "srv/public/id_rsa",
        "a/WWW/k.pem",
        "dist/x",
        "site/public_html/.ssh/id",
        "C/wwwroot/k",
    ] {
        assert!(is_under_web_root(std::path::Path::new(p)), "{p}");
    }
    for p in ["home/u/.ssh/id_rsa", "publicity/k", "src/statics/k"] {
        assert!(!is_under_web_root(std::path::Path::new(p)), "{p}");
    }
}

/// Lines of a fixture that are private base64 body. Public data is excluded, as it is meant
/// to be shown: PuTTY's public lines, and body lines that fall wholly inside the public key's
/// base64 (in PKCS#8 and OpenSSH files the modulus can sit at the same offset mod 3 as in the
/// SSH blob, so its base64 is the same text).
fn private_body_lines(name: &str) -> Vec<String> {
    let text = read(name);
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => v["KeyMaterial"].as_str().unwrap_or_default().to_owned(),
        Err(_) => text,
    };
    let mut lines = Vec::new();
    let mut skip = 0usize;
    let mut in_private = !text.starts_with("PuTTY");
    let public = public_line(name);
    for line in text.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("Public-Lines: ") {
            skip = n.parse().unwrap_or(0);
            continue;
        }
        if line.starts_with("Private-Lines: ") {
            in_private = true;
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let is_body = line.len() >= 16
            && line
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b));
        if in_private && is_body && !public.contains(line) {
            lines.push(line.to_owned());
        }
    }
    lines
}

#[test]
fn debug_and_serde_never_show_key_material() {
    for vector in vectors() {
        let key = key_file(vector.file);
        let shown = format!(
            "{key:?}\n{key:#?}\n{}",
            serde_json::to_string(&key).expect("serialize")
        );
        let body = private_body_lines(vector.file);
        assert!(!body.is_empty(), "{}: no body lines found", vector.file);
        for line in body {
            assert!(!shown.contains(&line), "{}: body line leaked", vector.file);
        }
    }
}
