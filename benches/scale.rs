//! Scale benchmark: generated estates of 1k, 10k and 100k interfaces and a Terraform plan of
//! 12,208 resources, each phase timed in its own child process so that its peak memory
//! (VmHWM) is its own.
//!
//! Run with `cargo bench --bench scale`; `-- --sizes 1000,10000` chooses the AWS CLI sizes and
//! `-- --plans 12208` the plan sizes (an empty list skips that kind).
//! Phases: `parse` (the bare cost: every file into `serde_json::Value`), `load` (the typed
//! loader), `exposure` (load + engine + exposure map), `check` (load + engine + every rule),
//! `keys` (the private-key walk of the same folder; not run for plans).

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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-estates");
    println!("| input | size | phase | time | peak memory | time / bare parse |");
    println!("| --- | ---: | --- | ---: | ---: | ---: |");
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

/// Runs one phase in a fresh process of this same benchmark binary.
fn child(phase: &str, dir: &Path) -> (f64, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["--phase", phase])
        .arg(dir)
        .output()
        .expect("run phase");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let secs = fields
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let peak = fields.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (secs, peak)
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
        "keys" => vpclint::load::keys::scan(&[dir.to_path_buf()])
            .map(|s| s.keys.len())
            .unwrap_or(0),
        other => panic!("unknown phase {other}"),
    };
    let secs = start.elapsed().as_secs_f64();
    std::hint::black_box(work);
    println!("{secs} {}", peak_kib());
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
