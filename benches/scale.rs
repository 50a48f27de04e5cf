//! Scale benchmark: generated estates of 1k, 10k and 100k interfaces and a Terraform plan of
//! 12,208 resources, each phase timed in its own child process so that its peak memory
//! (VmHWM) is its own.
//!
//! Run with `cargo bench --bench scale`; `-- --sizes 1000,10000` chooses the AWS CLI sizes and
//! `-- --plans 12208` the plan sizes (an empty list skips that kind).
//! Phases: `parse` (the bare cost: every file into `serde_json::Value`), `load` (the typed
//! loader), `exposure` (load + engine + exposure map), `check` (load + engine + every rule),
//! `keys` (the private-key walk of the same folder; not run for plans).
//!
//! Then a source tree of 100k files (`-- --files N` to choose; `--files 0` skips it),
//! generated into a temporary folder: 1,000 folders of 100 text files of about 2 KB, plus ten
//! private keys (copies of `fixtures/keys`) among them. Phases: `tree-keys` (the key scan
//! alone) and `tree-check` (what `check` does with such a tree: load, key scan, joining keys to
//! the estate, every rule).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const PHASES: &[&str] = &["parse", "load", "exposure", "check", "keys"];
const PLAN_PHASES: &[&str] = &["parse", "load", "exposure", "check"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--phase") {
        let phase = &args[i + 1];
        let dir = PathBuf::from(&args[i + 2]);
        run_phase(phase, &dir);
        return;
    }
    let sizes = list_arg(&args, "--sizes", &[1_000, 10_000, 100_000]);
    let plans = list_arg(&args, "--plans", &[12_208]);
    let files = list_arg(&args, "--files", &[100_000])
        .first()
        .copied()
        .unwrap_or(0);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-estates");
    if !sizes.is_empty() || !plans.is_empty() {
        println!("| input | size | phase | time | peak memory | time / bare parse |");
        println!("| --- | ---: | --- | ---: | ---: | ---: |");
    }
    for n in sizes {
        let dir = root.join(format!("aws-{n}"));
        if !dir.join("ec2-describe-instances.json").exists() {
            let params = vpclint::generate::Params {
                interfaces: n,
                seed: 1,
            };
            vpclint::generate::write_estate(params, &dir).expect("generate estate");
        }
        report(&format!("{n} interfaces (AWS CLI)"), &dir, PHASES);
    }
    for n in plans {
        let file = root.join(format!("tf-{n}/plan.json"));
        if !file.exists() {
            let params = vpclint::generate::terraform::PlanParams {
                resources: n,
                seed: 1,
            };
            vpclint::generate::terraform::write_plan(params, &file).expect("generate plan");
        }
        report(
            &format!("{n} resources (Terraform plan)"),
            &file,
            PLAN_PHASES,
        );
    }
    if files > 0 {
        key_tree(files);
    }
}

/// `--name 1,2,3` as numbers, else the defaults; an empty list is allowed.
fn list_arg(args: &[String], name: &str, default: &[usize]) -> Vec<usize> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_default(),
        None => default.to_vec(),
    }
}

/// Runs every phase on one input (a folder or a file) and prints a table row each.
fn report(label: &str, input: &Path, phases: &[&str]) {
    let size = input_size(input);
    let mut parse_secs = None;
    for phase in phases {
        let (secs, peak_kib) = child(phase, input);
        let base = *parse_secs.get_or_insert(secs);
        println!(
            "| {label} | {:.0} MB | {phase} | {secs:.2} s | {:.0} MiB | {:.2}× |",
            size as f64 / 1e6,
            peak_kib as f64 / 1024.0,
            secs / base
        );
    }
}

/// Runs one phase in a fresh process of this same benchmark binary: (seconds, peak KiB).
fn child(phase: &str, dir: &Path) -> (f64, u64) {
    let (secs, peak, _) = child_counted(phase, dir);
    (secs, peak)
}

/// The walk of a big source tree with a few keys in it.
fn key_tree(files: usize) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (bytes, keys) = write_tree(tmp.path(), files);
    println!();
    println!("| files | input | phase | time | peak memory | keys found |");
    println!("| ---: | ---: | --- | ---: | ---: | ---: |");
    for phase in ["tree-keys", "tree-check"] {
        let (secs, peak_kib, found) = child_counted(phase, tmp.path());
        assert_eq!(found, keys, "{phase}: every planted key is found");
        println!(
            "| {files} | {:.0} MB | {phase} | {secs:.2} s | {:.0} MiB | {found} |",
            bytes as f64 / 1e6,
            peak_kib as f64 / 1024.0,
        );
    }
}

/// Writes `files` files, 100 per folder; every 10,000th is a fixture key. Deterministic.
/// Returns the bytes written and the number of keys planted.
fn write_tree(root: &Path, files: usize) -> (u64, u64) {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/keys");
    let keys: Vec<String> = ["id_rsa", "id_ed25519", "rsa_pkcs1.pem", "rsa_v3.ppk"]
        .iter()
        .map(|k| std::fs::read_to_string(fixtures.join(k)).expect("fixture key"))
        .collect();
    let (mut bytes, mut planted) = (0u64, 0u64);
    for i in 0..files {
        let dir = root.join(format!("pkg{:03}/src", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&dir).expect("create folder");
        }
        let (name, text) = if i % 10_000 == 9_999 {
            planted += 1;
            (
                format!("deploy{i}"),
                keys[(i / 10_000) % keys.len()].clone(),
            )
        } else {
            (format!("mod{i}.rs"), source_text(i))
        };
        bytes += text.len() as u64;
        std::fs::write(dir.join(name), text).expect("write file");
    }
    (bytes, planted)
}

/// About 2 KB of code-like text that differs per file.
fn source_text(i: usize) -> String {
    (0..32)
        .map(|l| format!("    let value_{l} = compute({i}, {l}); // line {l} of file {i}\n"))
        .collect()
}

/// Like [`child`], with the third number the phase prints (what it counted).
fn child_counted(phase: &str, dir: &Path) -> (f64, u64, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--phase", phase])
        .arg(dir)
        .output()
        .expect("run phase");
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    let secs = fields
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let peak = fields.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let found = fields.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    (secs, peak, found)
}

/// `check` on a folder as the CLI runs it, minus the report: the number of key findings.
fn tree_check(dir: &Path) -> usize {
    let mut estate = vpclint::load::load_paths(&[dir.to_path_buf()]).expect("load");
    let scan = vpclint::load::keys::scan(&[dir.to_path_buf()]).expect("scan");
    let keys = vpclint::load::keys::ScanFacts::new(&scan, &mut estate, dir);
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let catalog = vpclint::rules::load_catalog(&[]).expect("catalog");
    let ctx = vpclint::rules::EvalContext {
        reach: Some(&facts),
        keys: Some(&keys),
    };
    let findings = vpclint::rules::run(&catalog, &estate, &ctx);
    findings
        .iter()
        .filter(|f| f.name == "private-key-file-exposed")
        .count()
}

fn run_phase(phase: &str, dir: &Path) {
    let start = Instant::now();
    let work = match phase {
        "parse" => bare_parse(dir),
        "load" => vpclint::load::load_paths(&[dir.to_path_buf()])
            .map(|e| e.interfaces.len())
            .unwrap_or(0),
        "exposure" => {
            let estate = vpclint::load::load_paths(&[dir.to_path_buf()]).expect("load");
            vpclint::reach::Reach::new(&estate).exposures().len()
        }
        "check" => {
            let estate = vpclint::load::load_paths(&[dir.to_path_buf()]).expect("load");
            let reach = vpclint::reach::Reach::new(&estate);
            let facts = vpclint::reach::ExposureFacts::new(&reach);
            let catalog = vpclint::rules::load_catalog(&[]).expect("catalog");
            let ctx = vpclint::rules::EvalContext {
                reach: Some(&facts),
                ..Default::default()
            };
            vpclint::rules::run(&catalog, &estate, &ctx).len()
        }
        "keys" | "tree-keys" => vpclint::load::keys::scan(&[dir.to_path_buf()])
            .map(|s| s.keys.len())
            .unwrap_or(0),
        "tree-check" => tree_check(dir),
        other => panic!("unknown phase {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    std::hint::black_box(work);
    println!("{secs} {} {work}", peak_kib());
}

/// The bare cost of reading the same input: every JSON file into an untyped tree.
fn bare_parse(input: &Path) -> usize {
    let files: Vec<PathBuf> = if input.is_dir() {
        std::fs::read_dir(input)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect()
    } else {
        vec![input.to_path_buf()]
    };
    let mut n = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let value: serde_json::Value = serde_json::from_str(&text).expect("parse");
        n += usize::from(!value.is_null());
    }
    n
}

/// Peak resident memory of this process in KiB (Linux `VmHWM`; 0 elsewhere).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn input_size(input: &Path) -> u64 {
    if input.is_file() {
        return input.metadata().map(|m| m.len()).unwrap_or(0);
    }
    std::fs::read_dir(input)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
