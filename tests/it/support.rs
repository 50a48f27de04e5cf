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
