//! Shared helpers: fixture paths and running the built binary with colour off.

use std::path::PathBuf;
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn estate_small() -> PathBuf {
    root().join("fixtures/aws-cli/estate-small")
}

/// Output of one run of the real binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `vpclint` from the repository root (so paths in output are relative and stable).
pub fn vpclint(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the vpclint binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts a text snapshot kept in `tests/snapshots/NAME.snap` (no module prefix, so the
/// files are easy to find and review).
pub fn snapshot(name: &str, value: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, value);
    });
}

/// Copies a fixture tree into a fresh temporary folder outside any git work tree, so key-file
/// facts (git status, file modes) do not depend on whether the fixture is committed or how git
/// checked it out. Every file gets mode 0600 (what ssh wants), except those a `modes.txt` at the
/// fixture's top lists as `relative/path 0644`; `modes.txt` itself is not copied.
pub fn key_tree(fixture: &std::path::Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temporary folder");
    copy_dir(fixture, tmp.path());
    let modes = std::fs::read_to_string(fixture.join("modes.txt")).unwrap_or_default();
    for line in modes.lines().filter(|l| !l.trim().is_empty()) {
        let (file, mode) = line.split_once(' ').expect("`path mode` in modes.txt");
        let mode = u32::from_str_radix(mode.trim(), 8).expect("octal mode in modes.txt");
        set_mode(&tmp.path().join(file), mode);
    }
    tmp
}

/// A copy of a flat fixture folder in a fresh temporary folder, each file passed through
/// `edit(file name, text)`: `None` leaves the file out (an export without that `describe-*`
/// command), `Some` writes the text given.
pub fn edited_copy(
    fixture: &std::path::Path,
    edit: impl Fn(&str, String) -> Option<String>,
) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temporary folder");
    for entry in std::fs::read_dir(fixture).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).expect("read fixture file");
        if let Some(text) = edit(&name, text) {
            std::fs::write(tmp.path().join(&name), text).expect("write fixture copy");
        }
    }
    tmp
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else if entry.file_name() != "modes.txt" {
            std::fs::copy(&src, &dst).expect("copy fixture file");
            set_mode(&dst, 0o600);
        }
    }
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(not(unix))]
fn set_mode(_: &std::path::Path, _: u32) {}
