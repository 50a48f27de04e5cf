//! Private keys in `check`'s inputs: the leaked key that opens an exposed instance, key files
//! among configuration files, git grading, and no key material in any output format.

use std::path::{Path, PathBuf};

use crate::support::{key_tree, root, vpclint};

/// The key-file findings (VL035-VL037) of a `check --format json` run.
fn key_findings(stdout: &str) -> Vec<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_str(stdout).expect("check writes JSON");
    doc["findings"]
        .as_array()
        .expect("findings list")
        .iter()
        .filter(|f| {
            f["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("private-key-file-"))
        })
        .cloned()
        .collect()
}

fn text(path: &Path) -> String {
    path.to_str().expect("UTF-8 temp path").to_string()
}

#[test]
fn a_leaked_key_of_an_exposed_instance_is_one_critical_finding() {
    let tree = key_tree(&root().join("fixtures/leaked-key"));
    let run = vpclint(&["check", &text(tree.path()), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = key_findings(&run.stdout);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["rule"], "VL035");
    assert_eq!(f["severity"], "critical");
    let resource = f["resource"].as_str().unwrap_or_default();
    assert_eq!(
        resource,
        format!("{}/deploy/ops-rsa.json", text(tree.path()))
    );
    let message = f["message"].as_str().unwrap_or_default();
    for needle in [
        "key pair ops-rsa",
        "SSH (tcp/22) of i-ab5afa0ff874fd3af (bastion)",
        "25:84:99:81:82:63:71:2c:9f:61:65:10:8b:58:6f:d2:6e:3e:53:d0",
        "deploy/ops-rsa.json",
    ] {
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    }
    let related: Vec<&str> = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert_eq!(
        related,
        [
            "i-ab5afa0ff874fd3af",
            "i-7bb266f031167ddd8",
            "key-8e25013c57c70458b"
        ]
    );
    assert_eq!(f["location"]["line"], 11);
    // The create-key-pair output is a key file, not an unrecognised export.
    assert!(!run.stderr.contains("ops-rsa.json"), "{}", run.stderr);
}

#[test]
fn a_key_file_named_on_the_command_line_is_scanned_not_parsed() {
    let run = vpclint(&[
        "check",
        "fixtures/keys/id_rsa",
        "fixtures/aws-cli/estate-small",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("id_rsa"), "{}", run.stderr);
    let found = key_findings(&run.stdout);
    let resources: Vec<&str> = found
        .iter()
        .filter_map(|f| f["resource"].as_str())
        .collect();
    assert_eq!(resources, ["fixtures/keys/id_rsa"]);
    assert_eq!(found[0]["location"]["file"], "fixtures/keys/id_rsa");
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_key_tracked_by_git_is_high_and_its_checkout_mode_is_not_judged() {
    let tree = key_tree(&root().join("fixtures/rules/private-key-file-permissions/fail"));
    git(tree.path(), &["init", "-q"]);
    git(tree.path(), &["add", "keys/ops.pem"]);
    let run = vpclint(&["check", &text(tree.path()), "--format", "json"]);
    let found = key_findings(&run.stdout);
    let got: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| {
            let resource = f["resource"].as_str().unwrap_or_default();
            let file = resource.rsplit('/').next().unwrap_or_default();
            (
                f["name"].as_str().unwrap_or_default(),
                f["severity"].as_str().unwrap_or_default(),
                file,
            )
        })
        .collect();
    // ops.pem (0644) is tracked: high, and its mode is git's, not judged. backup (0640) is
    // encrypted and untracked: it is only noted, and its mode is not judged in a work tree.
    assert_eq!(
        got,
        [
            ("private-key-file-encrypted", "info", "backup"),
            ("private-key-file-exposed", "high", "ops.pem"),
        ],
        "{found:#?}"
    );
    let message = found[1]["message"].as_str().unwrap_or_default();
    assert!(message.contains("it is tracked by git"), "{message}");

    // The key-file predicates are there for user rules too.
    let rules = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        rules.path().join("team.vpl"),
        r#"rule VL900 key-file-in-git
  severity low
  kind     key-file
  title    "A key file is in git"
  when     tracked-by-git and not encrypted
  message  "{path} is {git}"
  docs """
    ## What it does
    Flags keys in git.
    """
"#,
    )
    .expect("write rule");
    let run = vpclint(&[
        "check",
        &text(tree.path()),
        "--rules",
        &text(rules.path()),
        "--select",
        "VL900",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found = doc["findings"].as_array().expect("findings");
    assert_eq!(found.len(), 1, "{}", run.stdout);
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("keys/ops.pem is tracked by git"),
        "{message}"
    );
}

/// Base64 body lines of a private key text: what must never be printed.
fn body_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.len() >= 16)
        .filter(|l| {
            l.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        })
        .map(str::to_string)
        .collect()
}

/// Every private key file of `fixtures/keys` with its body lines (create-key-pair JSON
/// through its `KeyMaterial`).
fn fixture_key_lines() -> Vec<(PathBuf, Vec<String>)> {
    let dir = root().join("fixtures/keys");
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/keys")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".pub") || name.ends_with(".md") || name.starts_with("describe-") {
            continue;
        }
        let raw = std::fs::read_to_string(&path).expect("key text");
        let key = if name.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
            v["KeyMaterial"].as_str().expect("KeyMaterial").to_string()
        } else {
            raw
        };
        let lines = body_lines(&key);
        assert!(!lines.is_empty(), "{name}: no body lines found");
        out.push((path, lines));
    }
    out
}

#[test]
fn no_output_format_ever_prints_key_material() {
    let keys = fixture_key_lines();
    assert!(keys.len() >= 20, "only {} key files", keys.len());
    // Every fixture key, next to an export whose key pairs some of them match.
    let tree = key_tree(&root().join("fixtures/leaked-key"));
    for (path, _) in &keys {
        let name = path.file_name().expect("file name");
        std::fs::copy(path, tree.path().join("deploy").join(name)).expect("copy key");
    }
    let dir = text(tree.path());
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let run = vpclint(&["check", &dir, "--format", format, "--fail-on", "never"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(run.stdout.contains("private-key-file-exposed"), "{format}");
        outputs.push((format!("check --format {format}"), run.stdout + &run.stderr));
    }
    let baseline = tree.path().join("baseline.json");
    let run = vpclint(&["check", &dir, "--write-baseline", &text(&baseline)]);
    let written = std::fs::read_to_string(&baseline).expect("baseline written");
    outputs.push((
        "check --write-baseline".into(),
        run.stdout + &run.stderr + &written,
    ));
    for format in ["human", "json", "csv"] {
        let run = vpclint(&["exposure", &dir, "--format", format]);
        assert_eq!(run.code, 0, "exposure {format}: {}", run.stderr);
        outputs.push((
            format!("exposure --format {format}"),
            run.stdout + &run.stderr,
        ));
    }
    for format in ["human", "json"] {
        let args = ["explain", &dir, "--from", "internet", "--to", "bastion"];
        let run = vpclint(&[&args[..], &["--port", "22", "--format", format]].concat());
        assert_eq!(run.code, 0, "explain {format}: {}", run.stderr);
        outputs.push((
            format!("explain --format {format}"),
            run.stdout + &run.stderr,
        ));
    }
    for (command, output) in &outputs {
        for (path, lines) in &keys {
            for line in lines {
                assert!(
                    !output.contains(line.as_str()),
                    "{command} prints a line of {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn every_command_keeps_quiet_about_key_files_among_the_inputs() {
    for command in ["check", "exposure"] {
        let run = vpclint(&[command, "fixtures/leaked-key", "--format", "json"]);
        assert!(
            !run.stderr.contains("ops-rsa.json"),
            "{command}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("ec2-describe-vpc-endpoints.json"),
            "{command}: {}",
            run.stderr
        );
    }
}

/// Key file → names of the key pairs it is tied to, for every key of `fixtures/keys`, with
/// one field (`KeyFingerprint` or `PublicKey`) removed from every key pair of the export.
fn key_pairs_by_file(drop: &str) -> Vec<(String, String)> {
    let tree = key_tree(&root().join("fixtures/keys"));
    let export = tree.path().join("describe-key-pairs.with-public-keys.json");
    let text = std::fs::read_to_string(&export).expect("export");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for pair in doc["KeyPairs"].as_array_mut().expect("KeyPairs") {
        pair.as_object_mut().expect("pair").remove(drop);
    }
    std::fs::write(&export, doc.to_string()).expect("rewrite export");
    let dir = tree.path().to_path_buf();
    let mut estate = vpclint::load::load_paths(std::slice::from_ref(&dir)).expect("load");
    let scan = vpclint::load::keys::scan(std::slice::from_ref(&dir)).expect("scan");
    let facts = vpclint::load::keys::ScanFacts::new(&scan, &mut estate, &dir);
    use vpclint::rules::KeyFacts;
    facts
        .key_files()
        .iter()
        .map(|k| (k.path.clone(), k.key_pair_names()))
        .collect()
}

#[test]
fn keys_are_tied_to_key_pairs_by_fingerprint_or_public_key() {
    let both = "aws-created-rsa, aws-created-rsa-imported-elsewhere";
    for drop in ["PublicKey", "KeyFingerprint"] {
        // Encrypted OpenSSH and PuTTY keys keep only their public half in clear: by fingerprint
        // (imported-RSA MD5) they match the key pair imported elsewhere, not the one EC2
        // created (SHA-1 of the private key); by public key they match both.
        let encrypted = match drop {
            "PublicKey" => "aws-created-rsa-imported-elsewhere",
            _ => both,
        };
        let expected = [
            ("ec_sec1.pem", ""),
            ("ed25519_pkcs8.pem", "openssl-ed25519"),
            ("ed25519_v2.ppk", "imported-ed25519"),
            ("ed25519_v3.ppk", "imported-ed25519"),
            ("id_ecdsa", ""),
            ("id_ed25519", "imported-ed25519"),
            ("id_ed25519_enc", "imported-ed25519-enc"),
            ("id_rsa", "imported-rsa"),
            ("moto-create-key-pair-ops-ed25519.json", "ops-ed25519"),
            ("moto-create-key-pair-ops-rsa.json", "ops-rsa"),
            ("rsa_openssh", both),
            ("rsa_openssh_enc", encrypted),
            ("rsa_pkcs1.pem", both),
            ("rsa_pkcs1_enc.pem", ""),
            ("rsa_pkcs8.pem", both),
            ("rsa_pkcs8_enc.pem", ""),
            ("rsa_v2.ppk", both),
            ("rsa_v2_enc.ppk", encrypted),
            ("rsa_v3.ppk", both),
            ("rsa_v3_enc.ppk", encrypted),
        ];
        let got = key_pairs_by_file(drop);
        let got: Vec<(&str, &str)> = got.iter().map(|(p, n)| (p.as_str(), n.as_str())).collect();
        assert_eq!(got, expected, "without {drop}");
    }
}
