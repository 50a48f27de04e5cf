//! File-system tests: the walk's skips and symlink rule, git status from a real `git init`
//! (index versions 2, 3 and 4, linked work trees), modes outside git.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::tests::fixture_dir;
use super::*;

fn copy_fixture(name: &str, to: &Path) {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir).expect("mkdir");
    }
    fs::copy(fixture_dir().join(name), to).expect("copy fixture");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn statuses(root: &Path) -> Vec<(String, GitStatus)> {
    let scan = scan(&[root.to_path_buf()]).expect("scan");
    scan.keys
        .iter()
        .map(|k| {
            let rel = k.path.strip_prefix(root).expect("under root");
            (rel.to_string_lossy().into_owned(), k.git)
        })
        .collect()
}

/// A repository with one key of each status (and one under an ignored directory, and one
/// re-included by a deeper negation).
fn populate_repo(root: &Path) {
    git(root, &["init", "-q"]);
    copy_fixture("rsa_pkcs1.pem", &root.join("deploy/tracked.pem"));
    copy_fixture("id_ed25519", &root.join("untracked_key"));
    copy_fixture("rsa_v3.ppk", &root.join("secrets/ignored.ppk"));
    copy_fixture("id_rsa", &root.join("logs/deep/ignored_dir_key"));
    copy_fixture("rsa_openssh", &root.join("conf/keep.key"));
    copy_fixture("id_ecdsa", &root.join("conf/drop.key"));
    fs::write(root.join(".gitignore"), "secrets/*.ppk\nlogs/\n*.key\n").expect("write");
    fs::write(root.join("conf/.gitignore"), "!keep.key\n").expect("write");
    git(root, &["add", "deploy/tracked.pem", ".gitignore"]);
}

fn expected_statuses() -> Vec<(String, GitStatus)> {
    [
        ("conf/drop.key", GitStatus::Ignored),
        ("conf/keep.key", GitStatus::Untracked),
        ("deploy/tracked.pem", GitStatus::Tracked),
        ("logs/deep/ignored_dir_key", GitStatus::Ignored),
        ("secrets/ignored.ppk", GitStatus::Ignored),
        ("untracked_key", GitStatus::Untracked),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_owned(), s))
    .collect()
}

#[test]
fn git_status_index_v2() {
    let dir = tempfile::tempdir().expect("tempdir");
    populate_repo(dir.path());
    assert_eq!(statuses(dir.path()), expected_statuses());
}

#[test]
fn git_status_index_v3_and_v4() {
    for version in ["3", "4"] {
        let dir = tempfile::tempdir().expect("tempdir");
        populate_repo(dir.path());
        // Many entries sharing prefixes exercise v4's path compression.
        for i in 0..20 {
            fs::write(dir.path().join(format!("deploy/note-{i:02}.txt")), "x").expect("write");
        }
        git(dir.path(), &["add", "deploy"]);
        git(dir.path(), &["update-index", "--index-version", version]);
        // Intent-to-add sets the extended flags that only exist from version 3 on.
        git(dir.path(), &["add", "-N", "untracked_key"]);
        let index = fs::read(dir.path().join(".git/index")).expect("index");
        assert_eq!(
            index[4..8],
            [0, 0, 0, version.parse::<u8>().expect("digit")]
        );
        let mut expected = expected_statuses();
        expected[5].1 = GitStatus::Tracked;
        assert_eq!(statuses(dir.path()), expected, "index v{version}");
    }
}

#[test]
fn git_status_in_a_linked_worktree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = dir.path().join("main");
    fs::create_dir(&main).expect("mkdir");
    populate_repo(&main);
    fs::write(main.join(".git/info/exclude"), "untracked_key\n").expect("write");
    git(&main, &["commit", "-qm", "x"]);
    git(&main, &["worktree", "add", "-q", "../linked"]);
    let linked = dir.path().join("linked");
    copy_fixture("id_ed25519", &linked.join("excluded_key"));
    fs::write(main.join(".git/info/exclude"), "excluded_key\n").expect("write");
    assert_eq!(
        statuses(&linked),
        vec![
            ("deploy/tracked.pem".to_owned(), GitStatus::Tracked),
            ("excluded_key".to_owned(), GitStatus::Ignored),
        ]
    );
}

#[cfg(unix)]
#[test]
fn modes_are_judged_outside_git_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let strict = dir.path().join("strict.pem");
    let open = dir.path().join("open.pem");
    copy_fixture("rsa_pkcs1.pem", &strict);
    copy_fixture("rsa_pkcs1.pem", &open);
    fs::set_permissions(&strict, fs::Permissions::from_mode(0o600)).expect("chmod");
    fs::set_permissions(&open, fs::Permissions::from_mode(0o644)).expect("chmod");
    let scan = scan(&[dir.path().to_path_buf()]).expect("scan");
    let seen: Vec<_> = scan
        .keys
        .iter()
        .map(|k| (k.git, k.mode, k.ssh_refuses_mode()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (GitStatus::NotInRepo, Some(0o644), Some(true)),
            (GitStatus::NotInRepo, Some(0o600), Some(false)),
        ]
    );

    let repo = tempfile::tempdir().expect("tempdir");
    git(repo.path(), &["init", "-q"]);
    copy_fixture("rsa_pkcs1.pem", &repo.path().join("k.pem"));
    fs::set_permissions(repo.path().join("k.pem"), fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let in_repo = super::scan(&[repo.path().to_path_buf()]).expect("scan");
    assert_eq!(in_repo.keys[0].ssh_refuses_mode(), None);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_out_of_the_root() {
    let outside = tempfile::tempdir().expect("tempdir");
    copy_fixture("rsa_pkcs1.pem", &outside.path().join("secret.pem"));
    let root = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.pem"),
        root.path().join("link.pem"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), root.path().join("linkdir")).expect("symlink");
    let scan = scan(&[root.path().to_path_buf()]).expect("scan");
    assert!(scan.keys.is_empty());
    assert_eq!(scan.stats.skipped_symlinks, 2);
}

#[test]
fn walk_skips_build_dirs_binaries_and_large_files_and_sorts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for skipped in ["target/k.pem", "node_modules/pkg/k.pem", "sub/.git/k.pem"] {
        copy_fixture("rsa_pkcs1.pem", &root.join(skipped));
    }
    copy_fixture("rsa_pkcs1.pem", &root.join("b/public/k.pem"));
    copy_fixture(
        "moto-create-key-pair-ops-rsa.json",
        &root.join("a/out.json"),
    );
    copy_fixture("id_ed25519", &root.join(".hidden/id"));
    let mut binary = b"\0\x01".to_vec();
    binary.extend(fs::read(fixture_dir().join("rsa_pkcs1.pem")).expect("read"));
    fs::write(root.join("bin.dat"), binary).expect("write");
    let mut large = fs::read_to_string(fixture_dir().join("rsa_pkcs1.pem")).expect("read");
    large.push_str(&"x".repeat(usize::try_from(MAX_FILE_SIZE).unwrap_or(0)));
    fs::write(root.join("large.txt"), large).expect("write");

    let scan = scan(&[root.join("b"), root.to_path_buf()]).expect("scan");
    let found: Vec<_> = scan
        .keys
        .iter()
        .map(|k| {
            (
                k.path.strip_prefix(root).expect("under root").to_path_buf(),
                k.line,
                k.embedded,
                k.under_web_root,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (PathBuf::from(".hidden/id"), 1, false, false),
            (PathBuf::from("a/out.json"), 11, true, false),
            (PathBuf::from("b/public/k.pem"), 1, false, true),
        ]
    );
    assert_eq!(
        (scan.stats.skipped_binary, scan.stats.skipped_large),
        (1, 1)
    );
    assert!(scan.warnings.is_empty());
}

#[test]
fn missing_root_is_an_error_naming_the_path() {
    let err = scan(&[PathBuf::from("/nonexistent/vpclint-keys")]).expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/vpclint-keys"));
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_warning() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.pem");
    copy_fixture("rsa_pkcs1.pem", &path);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads everything: the warning path can only be checked as a normal user.
    if fs::read(&path).is_ok() {
        return;
    }
    let scan = scan(&[dir.path().to_path_buf()]).expect("scan");
    assert!(scan.keys.is_empty());
    assert_eq!(scan.warnings.len(), 1);
    assert_eq!(scan.warnings[0].path, path);
}

#[cfg(unix)]
#[test]
fn file_roots_and_symlinked_roots_are_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_fixture("id_ed25519", &dir.path().join("real/id"));
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).expect("symlink");
    let by_file = scan(&[dir.path().join("real/id")]).expect("scan");
    assert_eq!(by_file.keys.len(), 1);
    // A root the user names explicitly is entered even through a symlink.
    let by_link = scan(&[dir.path().join("alias")]).expect("scan");
    let dotted = scan(&[dir.path().join("real/../real")]).expect("scan");
    assert_eq!(
        dotted.keys[0].path,
        dir.path()
            .canonicalize()
            .expect("canonical")
            .join("real/id")
    );
    assert_eq!(by_link.keys.len(), 1);
    assert_eq!(by_link.keys[0].path, dir.path().join("alias/id"));
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_still_serialize() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"k\xffey"));
    copy_fixture("id_ed25519", &odd);
    let scan = scan(&[dir.path().to_path_buf()]).expect("scan");
    assert_eq!(scan.keys.len(), 1);
    assert!(serde_json::to_string(&scan).is_ok());
}
