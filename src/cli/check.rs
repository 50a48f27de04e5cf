//! `vpclint check`: load, analyse, apply config and suppressions, write one or more reports,
//! exit by threshold.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;

use super::progress::Progress;
use super::{print_warnings, FailOn, Inputs};
use crate::baseline::Baseline;
use crate::config::{Config, Date};
use crate::error::Error;
use crate::load::keys::{self, ScanFacts};
use crate::model::{Estate, Location};
use crate::report;
use crate::rules::{self, sort_findings, Finding, RuleMeta, Severity};
use crate::suppress::{self, apply_suppressions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

/// One report to write: a format and where (`None` = standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: CheckFormat,
    pub file: Option<PathBuf>,
}

const FORMAT_HELP: &str = "Output format, optionally with a file: FORMAT or FORMAT=FILE \
[human, json, sarif, junit, github, markdown]. Repeat for several reports in one run, e.g. \
`--format human --format sarif=results.sarif`. At most one format may write to standard \
output. Default: human";

const OUTPUT_HELP: &str = "Write a report to FILE instead of standard output. Outputs pair \
with the formats given without `=FILE`, aligned at the end: with `--format human --format \
sarif --output results.sarif`, SARIF goes to the file and human to the terminal";

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[arg(long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_format_spec, help = FORMAT_HELP)]
    pub formats: Vec<FormatSpec>,
    #[arg(long = "output", short = 'o', value_name = "FILE", help = OUTPUT_HELP)]
    pub outputs: Vec<PathBuf>,
    /// Exit with 1 when a live (unsuppressed) finding is at or above this severity
    /// [default: `fail-on` from vpclint.toml, else high].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file [default: vpclint.toml in the current folder or its parents].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra rule folders (user-written rules).
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Only these rules (ids or names, comma-separated); replaces `select` from the config.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (ids or names, comma-separated); adds to `ignore` from the config.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Findings listed in this baseline are suppressed (kind `baseline`): only new ones fail.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings' keys (rule, resource, detail) to FILE and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Read findings from a vpclint JSON report instead of running the rules (re-formatting a
    /// saved report; tests of the CI plumbing before the catalog lands).
    #[arg(long, value_name = "FILE", hide = true)]
    pub findings: Option<PathBuf>,
}

fn parse_format_spec(text: &str) -> Result<FormatSpec, String> {
    let (name, file) = match text.split_once('=') {
        Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
        Some(_) => return Err(format!("`{text}`: missing file after `=`")),
        None => (text, None),
    };
    let format = CheckFormat::from_str(name, true).map_err(|_| {
        format!("unknown format `{name}` (expected human, json, sarif, junit, github, markdown)")
    })?;
    Ok(FormatSpec { format, file })
}

/// Pairs `--output` files with the formats that have no `=FILE`, aligned at the end; the one
/// left over (if any) writes to standard output.
pub fn resolve_outputs(
    formats: &[FormatSpec],
    outputs: &[PathBuf],
) -> Result<Vec<FormatSpec>, String> {
    let mut specs = if formats.is_empty() {
        vec![FormatSpec {
            format: CheckFormat::Human,
            file: None,
        }]
    } else {
        formats.to_vec()
    };
    let open: Vec<usize> = (0..specs.len())
        .filter(|&i| specs[i].file.is_none())
        .collect();
    if outputs.len() > open.len() {
        return Err(format!(
            "{} --output given but only {} --format without `=FILE` to pair with",
            outputs.len(),
            open.len()
        ));
    }
    let skip = open.len() - outputs.len();
    for (&i, out) in open[skip..].iter().zip(outputs) {
        specs[i].file = Some(out.clone());
    }
    if skip > 1 {
        return Err(
            "several formats would write to standard output; give FORMAT=FILE or --output"
                .to_string(),
        );
    }
    Ok(specs)
}

pub fn run(args: &CheckArgs) -> Result<i32, Error> {
    let outputs = resolve_outputs(&args.formats, &args.outputs).map_err(Error::Usage)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = Config::discover(args.config.as_deref(), &cwd).map_err(usage)?;
    let human = outputs.iter().all(|o| o.format == CheckFormat::Human);
    let progress = Progress::start(human, "reading inputs");
    let mut estate = args.inputs.load()?;
    progress.phase("scanning for private keys");
    let keys = scan_keys(&args.inputs.inputs, &mut estate, &cwd)?;
    progress.suspend(|| print_warnings(&estate));
    let mut rule_dirs = config.rule_dirs.clone();
    rule_dirs.extend(args.rule_dirs.iter().cloned());
    let sets = rules::registry::Sets {
        ports: config.ports.clone(),
        prefixes: config.prefixes.clone(),
        ..Default::default()
    };
    let catalog = rules::load_catalog_configured(&rules::Registry::builtin(), &rule_dirs, &sets)
        .map_err(usage)?;
    // `--select`/`--ignore` names are checked here (unknown → exit 2); the config's own
    // selection and severity overrides apply to the findings below.
    let catalog = catalog.filter(&args.select, &args.ignore).map_err(usage)?;
    let metas: Vec<RuleMeta> = catalog.rules().iter().map(|r| r.meta.clone()).collect();
    config.check_rule_refs(&metas).map_err(usage)?;
    let raw = match &args.findings {
        Some(path) => read_findings(path)?,
        None => {
            progress.phase("building the reachability model");
            let reach = crate::reach::Reach::new(&estate);
            let trusted = crate::net::AddrSet::from_nets(config.trusted_cidrs());
            let facts = crate::reach::ExposureFacts::with_trusted(&reach, &trusted);
            let ctx = rules::EvalContext {
                reach: Some(&facts),
                keys: Some(&keys),
            };
            progress.phase("evaluating rules");
            rules::run(&catalog, &estate, &ctx)
        }
    };
    progress.finish();
    let findings = suppressed(apply_config(raw, &config, args), &estate, &config, args)?;
    write_reports(&outputs, &findings, &with_overrides(metas, &config))?;
    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_findings(&findings);
        b.write(path).map_err(usage)?;
        eprintln!(
            "wrote baseline of {} finding(s) to {}",
            b.len(),
            path.display()
        );
        return Ok(0);
    }
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::High);
    Ok(exit_code(&findings, fail_on))
}

/// Walks the inputs for private keys and joins them to the estate (the loader already kept
/// quiet about the files holding them).
fn scan_keys(inputs: &[PathBuf], estate: &mut Estate, cwd: &Path) -> Result<ScanFacts, Error> {
    let scan = keys::scan(inputs).map_err(|e| Error::Usage(e.to_string()))?;
    for w in &scan.warnings {
        eprintln!(
            "warning: {}: skipped by the key scan: {}",
            crate::load::display(&w.path),
            w.reason
        );
    }
    Ok(ScanFacts::new(&scan, estate, cwd))
}

/// Marks suppressed findings (tags, config, baseline), prints the warnings about
/// suppressions, and returns the findings in report order.
fn suppressed(
    findings: Vec<Finding>,
    estate: &crate::model::Estate,
    config: &Config,
    args: &CheckArgs,
) -> Result<Vec<Finding>, Error> {
    let baseline = baseline_path(args, config)
        .map(|p| Baseline::load(&p))
        .transpose()
        .map_err(usage)?;
    let ctx = suppress::Context {
        config,
        baseline: baseline.as_ref(),
        today: Date::today_utc(),
    };
    let outcome = apply_suppressions(findings, estate, &ctx);
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let mut findings = outcome.findings;
    sort_findings(&mut findings);
    Ok(findings)
}

fn usage(e: impl std::fmt::Display) -> Error {
    Error::Usage(e.to_string())
}

/// `--baseline` wins over the config's `baseline`.
fn baseline_path(args: &CheckArgs, config: &Config) -> Option<PathBuf> {
    args.baseline.clone().or_else(|| config.baseline.clone())
}

/// Rule selection and severity overrides from the config and the command line.
fn apply_config(findings: Vec<Finding>, config: &Config, args: &CheckArgs) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| config.rule_selected(&args.select, &args.ignore, (&f.rule, &f.name)))
        .map(|mut f| {
            if let Some(s) = config.severity_of(&f.rule, &f.name) {
                f.severity = s;
            }
            f
        })
        .collect()
}

/// The catalog as this run sees it: overridden severities, so SARIF viewers (which rank by the
/// rule's `security-severity`) agree with the results.
fn with_overrides(catalog: Vec<RuleMeta>, config: &Config) -> Vec<RuleMeta> {
    catalog
        .into_iter()
        .map(|mut m| {
            if let Some(s) = config.severity_of(&m.id, &m.name) {
                m.severity = s;
            }
            m
        })
        .collect()
}

fn write_reports(
    specs: &[FormatSpec],
    findings: &[Finding],
    catalog: &[RuleMeta],
) -> Result<(), Error> {
    for spec in specs {
        let text = render(spec.format, findings, catalog);
        match &spec.file {
            None => print!("{text}"),
            Some(path) => std::fs::write(path, text).map_err(|e| {
                Error::Usage(format!("{}: cannot write report: {e}", path.display()))
            })?,
        }
    }
    Ok(())
}

pub fn render(format: CheckFormat, findings: &[Finding], catalog: &[RuleMeta]) -> String {
    match format {
        CheckFormat::Human => report::human::render(findings),
        CheckFormat::Json => report::json::render(findings),
        CheckFormat::Sarif => report::sarif::render(findings, catalog),
        CheckFormat::Junit => report::junit::render(findings, catalog),
        CheckFormat::Github => report::github::render(findings),
        CheckFormat::Markdown => report::markdown::render(findings),
    }
}

/// Only live findings count: suppressed and baselined ones never fail the build.
fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    match fail_on.threshold() {
        Some(t)
            if findings
                .iter()
                .any(|f| !f.is_suppressed() && f.severity >= t) =>
        {
            1
        }
        _ => 0,
    }
}

/// A finding as `check --format json` writes it (plus the optional `detail`).
#[derive(Deserialize)]
struct SavedReport {
    findings: Vec<SavedFinding>,
}

#[derive(Deserialize)]
struct SavedFinding {
    rule: String,
    name: String,
    severity: String,
    resource: String,
    #[serde(default)]
    related: Vec<String>,
    message: String,
    location: SavedLocation,
    #[serde(default)]
    detail: String,
}

#[derive(Deserialize)]
struct SavedLocation {
    file: String,
    line: Option<u32>,
    pointer: Option<String>,
}

fn read_findings(path: &Path) -> Result<Vec<Finding>, Error> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("{shown}: cannot read findings: {e}")))?;
    let saved: SavedReport = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{shown}:{}:{}: {e}", e.line(), e.column())))?;
    saved
        .findings
        .into_iter()
        .map(|f| {
            let severity = Severity::parse(&f.severity).ok_or_else(|| {
                Error::Usage(format!("{shown}: unknown severity `{}`", f.severity))
            })?;
            Ok(Finding {
                rule: f.rule,
                name: f.name,
                severity,
                resource: f.resource,
                related: f.related,
                message: f.message,
                location: Location {
                    file: f.location.file,
                    line: f.location.line,
                    pointer: f.location.pointer,
                },
                detail: f.detail,
                suppressed: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(f: CheckFormat, file: Option<&str>) -> FormatSpec {
        FormatSpec {
            format: f,
            file: file.map(PathBuf::from),
        }
    }

    #[test]
    fn formats_and_outputs_pair_from_the_end() {
        let formats = [
            spec(CheckFormat::Human, None),
            spec(CheckFormat::Sarif, None),
        ];
        let got = resolve_outputs(&formats, &[PathBuf::from("r.sarif")]).unwrap();
        assert_eq!(
            got,
            [
                spec(CheckFormat::Human, None),
                spec(CheckFormat::Sarif, Some("r.sarif"))
            ]
        );
        assert_eq!(
            resolve_outputs(&[], &[]).unwrap(),
            [spec(CheckFormat::Human, None)]
        );
        assert!(resolve_outputs(&formats, &[]).is_err());
        assert!(resolve_outputs(&formats[..1], &["a".into(), "b".into()]).is_err());
        let parsed = parse_format_spec("SARIF=out/x.sarif").unwrap();
        assert_eq!(parsed, spec(CheckFormat::Sarif, Some("out/x.sarif")));
        assert!(parse_format_spec("xml").is_err());
        assert!(parse_format_spec("json=").is_err());
    }
}
