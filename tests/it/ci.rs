//! CI integration (issue 6): SARIF against the official schema, one snapshot per format on the
//! same findings, config errors, suppressions by tag and config, expiry, baselines, and the
//! exit codes of the real binary.
//!
//! `rules::check` is still a placeholder, so binary tests feed findings through the hidden
//! `--findings FILE` (a saved `check --format json` report) and read tags from a real AWS CLI
//! export.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use vpclint::model::Location;
use vpclint::report;
use vpclint::rules::{
    sort_findings, Finding, ResourceKind, RuleMeta, Severity, Suppression, SuppressionKind,
};

use super::support::{root, Run};

const SG_FILE: &str = "fixtures/aws-cli/estate-small/ec2-describe-security-groups.json";
const SSH_OPEN: &str = "sg-0c6600cb72e24af0c";
const ADMIN_WIDE: &str = "sg-6967c1aeb2e8cfc65";
const DEV_SSH: &str = "sg-e0551b482ada6e2f0";

// ---- shared findings and catalog ----------------------------------------------------------

fn meta(id: &str, name: &str, severity: Severity, title: &str) -> RuleMeta {
    RuleMeta {
        id: id.into(),
        name: name.into(),
        severity,
        kind: ResourceKind::SecurityGroupRule,
        title: title.into(),
        docs: format!(
            "## What it does\n\n{title}.\n\n## Why is this bad?\n\nAttackers scan for it.\n\n\
             ## How to fix\n\nNarrow the source.\n"
        ),
    }
}

fn catalog() -> Vec<RuleMeta> {
    vec![
        meta(
            "VL001",
            "ssh-open-to-internet",
            Severity::Critical,
            "SSH open to the internet",
        ),
        meta(
            "VL002",
            "admin-ports-open",
            Severity::High,
            "Administrative ports open to the internet",
        ),
        meta(
            "VL010",
            "db-public",
            Severity::Medium,
            "Database publicly accessible",
        ),
        meta(
            "VL020",
            "unused-group",
            Severity::Low,
            "Security group attached to nothing",
        ),
        meta(
            "VL030",
            "default-group-used",
            Severity::Info,
            "Default security group in use",
        ),
        meta(
            "VL040",
            "nacl-ephemeral-blocked",
            Severity::Medium,
            "NACL blocks ephemeral replies",
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &str,
    name: &str,
    severity: Severity,
    resource: &str,
    line: Option<u32>,
    message: &str,
    detail: &str,
    related: &[&str],
) -> Finding {
    Finding {
        rule: rule.into(),
        name: name.into(),
        severity,
        resource: resource.into(),
        related: related.iter().map(|s| s.to_string()).collect(),
        message: message.into(),
        location: Location {
            file: SG_FILE.into(),
            line,
            pointer: line.map(|l| format!("/SecurityGroups/{}", l / 30)),
        },
        detail: detail.into(),
        suppressed: None,
    }
}

fn suppressed(
    mut f: Finding,
    kind: SuppressionKind,
    reason: &str,
    expires: Option<&str>,
) -> Finding {
    f.suppressed = Some(Suppression {
        kind,
        reason: reason.into(),
        expires: expires.map(str::to_string),
    });
    f
}

/// One finding per severity (with the characters each format must escape), and one
/// suppressed finding of each kind.
fn sample() -> Vec<Finding> {
    let mut all = vec![
        finding(
            "VL001",
            "ssh-open-to-internet",
            Severity::Critical,
            SSH_OPEN,
            Some(80),
            "sg-0c6600cb72e24af0c (ssh-open) allows tcp/22 from 0.0.0.0/0",
            "ingress tcp 22 0.0.0.0/0",
            &["i-0a1b2c3d4e5f60718", "eni-0123"],
        ),
        finding(
            "VL002",
            "admin-ports-open",
            Severity::High,
            ADMIN_WIDE,
            Some(190),
            "Ports 3389,5985 open: 100% of <0.0.0.0/0> | \"review\" & fix",
            "ingress tcp 3389-5985 0.0.0.0/0",
            &[],
        ),
        finding(
            "VL010",
            "db-public",
            Severity::Medium,
            "db-orders",
            None,
            "Database is publicly accessible\nand its subnets route to an internet gateway",
            "",
            &[],
        ),
        finding(
            "VL020",
            "unused-group",
            Severity::Low,
            "sg-2947ec244c2df70f5",
            Some(300),
            "Security group svc-0 is attached to nothing",
            "",
            &[],
        ),
        finding(
            "VL030",
            "default-group-used",
            Severity::Info,
            "sg-d197a10eb420e9c32",
            Some(3),
            "The default group is attached to 2 interfaces",
            "",
            &[],
        ),
    ];
    all.push(suppressed(
        finding(
            "VL001",
            "ssh-open-to-internet",
            Severity::Critical,
            DEV_SSH,
            Some(400),
            "sg-e0551b482ada6e2f0 (dev-ssh) allows tcp/22 from 0.0.0.0/0",
            "ingress tcp 22 0.0.0.0/0",
            &[],
        ),
        SuppressionKind::Tag,
        "dev sandbox, reviewed",
        None,
    ));
    all.push(suppressed(
        finding(
            "VL002",
            "admin-ports-open",
            Severity::High,
            "sg-d8c1f915b8a43b957",
            Some(350),
            "Port 3389 open to 198.51.100.0/24",
            "ingress tcp 3389 198.51.100.0/24",
            &[],
        ),
        SuppressionKind::Config,
        "office range, ticket SEC-12",
        Some("2027-01-01"),
    ));
    all.push(suppressed(
        finding(
            "VL020",
            "unused-group",
            Severity::Low,
            "sg-abb236e988a23f3bd",
            Some(320),
            "Security group svc-1 is attached to nothing",
            "",
            &[],
        ),
        SuppressionKind::Baseline,
        "present in baseline vpclint-baseline.json",
        None,
    ));
    sort_findings(&mut all);
    all
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

// ---- SARIF schema validation ----------------------------------------------------------------

fn sarif_validator() -> jsonschema::Validator {
    let path = root().join("fixtures/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the vendored SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let doc: Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    doc
}

#[test]
fn sarif_is_valid_for_every_fixture() {
    let cases: Vec<(Vec<Finding>, Vec<RuleMeta>)> = vec![
        (sample(), catalog()),
        (Vec::new(), catalog()),
        (Vec::new(), Vec::new()),
        // Findings whose rules the catalog lacks still get valid ruleIndex entries.
        (sample(), Vec::new()),
    ];
    for (findings, cat) in cases {
        let doc = assert_valid_sarif(&report::sarif::render(&findings, &cat));
        let run = &doc["runs"][0];
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][i]["id"], r["ruleId"]);
        }
    }
}

#[test]
fn sarif_carries_levels_fingerprints_and_suppressions() {
    let doc = assert_valid_sarif(&report::sarif::render(&sample(), &catalog()));
    let run = &doc["runs"][0];
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "vpclint");
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 6);
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let results = run["results"].as_array().unwrap();
    let by_resource = |id: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["logicalLocations"][0]["name"] == id)
            .unwrap()
    };
    let dev = by_resource(DEV_SSH);
    assert_eq!(dev["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        dev["suppressions"][0]["justification"],
        "dev sandbox, reviewed"
    );
    assert!(by_resource(SSH_OPEN).get("suppressions").is_none());
    assert_eq!(by_resource("db-orders")["level"], "warning");
    assert!(by_resource("db-orders")["locations"][0]["physicalLocation"]
        .get("region")
        .is_none());
    // Fingerprints ignore lines and messages: moving a finding keeps its identity.
    let mut moved = sample();
    for f in &mut moved {
        f.location.line = f.location.line.map(|l| l + 7);
        f.message.push_str(" (reworded)");
    }
    let moved_doc: Value =
        serde_json::from_str(&report::sarif::render(&moved, &catalog())).unwrap();
    let prints = |d: &Value| -> Vec<Value> {
        d["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&doc), prints(&moved_doc));
}

// ---- one snapshot per format -----------------------------------------------------------------

#[test]
fn snapshots_of_every_format() {
    let f = sample();
    let c = catalog();
    snapshot("ci_human", &report::human::render(&f));
    snapshot("ci_json", &report::json::render(&f));
    snapshot("ci_sarif", &report::sarif::render(&f, &c));
    snapshot("ci_junit", &report::junit::render(&f, &c));
    snapshot("ci_github", &report::github::render(&f));
    snapshot("ci_markdown", &report::markdown::render(&f));
}

#[test]
fn junit_is_well_formed_and_counts() {
    let xml = report::junit::render(&sample(), &catalog());
    // Every element opened is closed, in order (a small check without an XML crate).
    let mut stack: Vec<String> = Vec::new();
    for tag in xml.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("tags close")];
        if tag.starts_with('?') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "{xml}");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "{xml}");
    assert!(!xml.contains("& "), "raw ampersand in {xml}");
    assert!(
        xml.contains(
            "<testsuites name=\"vpclint\" tests=\"9\" failures=\"5\" errors=\"0\" skipped=\"3\">"
        ),
        "{xml}"
    );
}

// ---- the binary -----------------------------------------------------------------------------

/// Runs the binary in `dir` with colour off.
fn vpclint_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_vpclint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the vpclint binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A work folder with the security-group export (tags added to some groups), a saved report of
/// `findings` (unsuppressed, with details), and optionally a vpclint.toml.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(tags: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let mut groups: Value =
            serde_json::from_str(&std::fs::read_to_string(root().join(SG_FILE)).unwrap()).unwrap();
        for g in groups["SecurityGroups"].as_array_mut().unwrap() {
            for (id, value) in tags {
                if g["GroupId"] == *id {
                    g["Tags"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"Key": "vpclint:ignore", "Value": value}));
                }
            }
        }
        std::fs::create_dir(dir.path().join("estate")).unwrap();
        std::fs::write(
            dir.path().join("estate/sgs.json"),
            serde_json::to_string_pretty(&groups).unwrap(),
        )
        .unwrap();
        Workspace { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    fn findings(&self, name: &str, findings: &[Finding]) {
        let saved: Vec<Value> = findings
            .iter()
            .map(|f| {
                let mut v = serde_json::to_value(f).unwrap();
                v["detail"] = json!(f.detail);
                v.as_object_mut().unwrap().remove("suppressed");
                v
            })
            .collect();
        self.write(name, &json!({"version": 1, "findings": saved}).to_string());
    }

    fn check(&self, findings: &str, extra: &[&str]) -> Run {
        let mut args = vec!["check", "estate", "--findings", findings];
        args.extend_from_slice(extra);
        vpclint_in(self.dir.path(), &args)
    }
}

fn live(findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .cloned()
        .collect()
}

/// The live sample findings on one resource.
fn on(resource: &str) -> Vec<Finding> {
    live(&sample())
        .into_iter()
        .filter(|f| f.resource == resource)
        .collect()
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

fn suppression_kinds(doc: &Value) -> Vec<(String, Option<String>)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"].as_str().unwrap().to_string(),
                f["suppressed"]["kind"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn tag_suppressions_hide_from_the_build_but_not_from_json() {
    let ws = Workspace::new(&[
        (SSH_OPEN, "VL001 bastion, reviewed"),
        (DEV_SSH, "VL009 nothing here"),
    ]);
    ws.findings("f.json", &on(SSH_OPEN));
    let run = ws.check("f.json", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json_of(&run);
    assert_eq!(
        doc["findings"][0]["suppressed"],
        json!({"kind": "tag", "reason": "bastion, reviewed"})
    );
    assert!(
        run.stderr
            .contains("vpclint:ignore tag on sg-e0551b482ada6e2f0 (VL009) matches no finding"),
        "{}",
        run.stderr
    );
    let human = ws.check("f.json", &[]);
    assert_eq!(human.stdout, "no findings (1 suppressed)\n");
}

#[test]
fn config_suppressions_expire_into_findings_again() {
    let ws = Workspace::new(&[]);
    let findings = live(&sample());
    ws.findings("f.json", &findings);
    ws.write(
        "vpclint.toml",
        &format!(
            "[[ignore]]\nrule = \"ssh-open-to-internet\"\nresource = \"{SSH_OPEN}\"\nreason = \"bastion\"\nexpires = 2999-01-01\n\n\
             [[ignore]]\nrule = \"VL002\"\nresource = \"{ADMIN_WIDE}\"\nreason = \"temporary\"\nexpires = 2020-01-01\n\n\
             [[ignore]]\nrule = \"VL030\"\nresource = \"sg-nope\"\nreason = \"stale\"\n"
        ),
    );
    let run = ws.check("f.json", &["--format", "json", "--fail-on", "high"]);
    assert_eq!(run.code, 1, "the expired VL002 fails again: {}", run.stderr);
    let doc = json_of(&run);
    let admin = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == ADMIN_WIDE)
        .unwrap();
    assert!(admin.get("suppressed").is_none());
    assert!(
        admin["message"]
            .as_str()
            .unwrap()
            .ends_with("(suppression expired on 2020-01-01: vpclint.toml:7:1: \"temporary\")"),
        "{admin}"
    );
    let ssh = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == SSH_OPEN)
        .unwrap();
    assert_eq!(
        ssh["suppressed"],
        json!({"kind": "config", "reason": "bastion", "expires": "2999-01-01"})
    );
    assert!(
        run.stderr.contains(
            "warning: vpclint.toml:13:1: suppression of VL030 on sg-nope matches no finding"
        ),
        "{}",
        run.stderr
    );
    // Without the expired entry's finding, the rest passes at `high`.
    ws.findings("g.json", &findings[..1]);
    assert_eq!(ws.check("g.json", &[]).code, 0);
}

#[test]
fn config_errors_exit_2_with_file_line_column() {
    let ws = Workspace::new(&[]);
    ws.findings("f.json", &[]);
    for (text, expected) in [
        (
            "fail-on = \"high\"\nbogus = 1\n[severity]\nVL001 = \"low\"\n",
            "vpclint.toml:2:1: unknown field `bogus`",
        ),
        (
            "[trusted]\noffice = [\"203.0.113.0/24\", \"10.1.2.3/33\"]\n",
            "vpclint.toml:2:29: invalid CIDR `10.1.2.3/33`",
        ),
        (
            "[severity]\nVL001 = \"urgent\"\n",
            "vpclint.toml:2:9: invalid severity `urgent`",
        ),
        ("select = [\"VL001\"\n", "vpclint.toml:1:"),
    ] {
        ws.write("vpclint.toml", text);
        let run = ws.check("f.json", &[]);
        assert_eq!(run.code, 2, "{text}");
        assert!(
            run.stderr.starts_with(&format!("error: {expected}")),
            "{text}: {}",
            run.stderr
        );
    }
    // `--config` names a file anywhere; a missing one is an input error.
    let run = ws.check("f.json", &["--config", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing.toml: cannot read config"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_sets_fail_on_selection_and_severity() {
    let ws = Workspace::new(&[]);
    let findings = live(&sample());
    ws.findings("f.json", &findings);
    // Only VL030 (info) selected, raised to high: fails at the default threshold. (Config
    // names are checked against the real catalog, so the sample's made-up names cannot be used.)
    ws.write(
        "vpclint.toml",
        "select = [\"VL030\"]\n[severity]\nVL030 = \"high\"\n",
    );
    let run = ws.check("f.json", &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(json_of(&run)["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json_of(&run)["findings"][0]["severity"], "high");
    ws.write("vpclint.toml", "fail-on = \"never\"\n");
    assert_eq!(ws.check("f.json", &[]).code, 0);
    // The command line beats the file.
    assert_eq!(ws.check("f.json", &["--fail-on", "info"]).code, 1);
}

#[test]
fn baseline_round_trip_fails_only_on_new_findings() {
    let ws = Workspace::new(&[]);
    let findings = live(&sample());
    let (old, new) = findings.split_at(3);
    ws.findings("old.json", old);
    let run = ws.check(
        "old.json",
        &["--write-baseline", "baseline.json", "--fail-on", "info"],
    );
    assert_eq!(run.code, 0, "--write-baseline exits 0: {}", run.stderr);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("baseline.json")).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    let keys: Vec<&str> = written["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted: {keys:?}");
    assert!(!std::fs::read_to_string(ws.path("baseline.json"))
        .unwrap()
        .contains("line"));

    // Same findings (lines moved): all baselined, nothing fails even at `info`.
    let mut moved = old.to_vec();
    for f in &mut moved {
        f.location.line = f.location.line.map(|l| l + 40);
    }
    ws.findings("moved.json", &moved);
    let run = ws.check(
        "moved.json",
        &[
            "--baseline",
            "baseline.json",
            "--fail-on",
            "info",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(suppression_kinds(&json_of(&run))
        .iter()
        .all(|(_, k)| k.as_deref() == Some("baseline")));

    // A new finding fails; the old ones stay suppressed.
    ws.findings("all.json", &findings);
    let run = ws.check(
        "all.json",
        &[
            "--baseline",
            "baseline.json",
            "--fail-on",
            "info",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1);
    let kinds = suppression_kinds(&json_of(&run));
    let live_now: Vec<&str> = kinds
        .iter()
        .filter(|(_, k)| k.is_none())
        .map(|(r, _)| r.as_str())
        .collect();
    let expected: Vec<&str> = new.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(live_now, expected);
    // The human summary counts what the baseline hides.
    let human = ws.check(
        "all.json",
        &["--baseline", "baseline.json", "--fail-on", "info"],
    );
    assert!(
        human
            .stdout
            .ends_with("2 findings: 1 high, 1 low (3 suppressed)\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn several_formats_in_one_run() {
    let ws = Workspace::new(&[]);
    ws.findings("f.json", &live(&sample()));
    let run = ws.check(
        "f.json",
        &[
            "--format",
            "human",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
            "--format",
            "junit=out.xml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("5 findings: 1 critical, 1 high, 1 medium, 1 low, 1 info\n"),
        "{}",
        run.stdout
    );
    assert_valid_sarif(&std::fs::read_to_string(ws.path("out.sarif")).unwrap());
    assert!(std::fs::read_to_string(ws.path("out.xml"))
        .unwrap()
        .starts_with("<?xml"));
    let run = ws.check("f.json", &["--format", "json", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("several formats would write to standard output"),
        "{}",
        run.stderr
    );
}

#[test]
fn github_annotations_from_the_binary() {
    let ws = Workspace::new(&[]);
    ws.findings("f.json", &on(SSH_OPEN));
    let run = ws.check("f.json", &["--format", "github"]);
    assert_eq!(run.code, 1);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=fixtures/aws-cli/estate-small/ec2-describe-security-groups.json,line=80,\
         title=VL001 ssh-open-to-internet::[critical] sg-0c6600cb72e24af0c: sg-0c6600cb72e24af0c (ssh-open) allows tcp/22 from 0.0.0.0/0"
    );
}

/// One group admitting tcp/2222 from 8.0.0.0/8 (public, broader than /16) and tcp/8080 from
/// the world.
const ODD_PORTS_GROUP: &str = r#"{"SecurityGroups": [{
  "GroupId": "sg-0a0a0a0a0a0a0a0a0", "GroupName": "odd-ports", "Description": "odd ports",
  "VpcId": "vpc-0a0a0a0a0a0a0a0a0", "OwnerId": "123456789012",
  "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2222,
     "IpRanges": [{"CidrIp": "8.0.0.0/8", "Description": "ssh on an odd port"}]},
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
     "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "app"}]}],
  "IpPermissionsEgress": []}]}"#;

/// The ids of the unsuppressed findings of `rule` in a JSON report.
fn resources_of(run: &Run, rule: &str) -> Vec<String> {
    json_of(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["resource"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn config_port_sets_replace_catalog_sets_and_feed_user_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("estate")).unwrap();
    std::fs::write(dir.path().join("estate/sgs.json"), ODD_PORTS_GROUP).unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "estate", "--format", "json", "--fail-on", "never"];
        args.extend_from_slice(extra);
        vpclint_in(dir.path(), &args)
    };
    // Without a config, 2222 is not an admin port: the broad /8 is not flagged.
    let plain = check(&[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(resources_of(&plain, "VL008").is_empty());

    // `admin-ports` from the config replaces the catalog's set for every rule using it.
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[ports]\nadmin-ports = [22, 2222]\nweb-dev = [\"8080-8089\"]\n",
    )
    .unwrap();
    let configured = check(&[]);
    assert_eq!(configured.code, 0, "{}", configured.stderr);
    assert_eq!(resources_of(&configured, "VL008"), ["sg-0a0a0a0a0a0a0a0a0"]);

    // A named prefix from the config moves VL008's threshold: a /8 is not broader than /7.
    let with_prefix = |prefix: &str| {
        std::fs::write(
            dir.path().join("vpclint.toml"),
            format!("[ports]\nadmin-ports = [22, 2222]\nweb-dev = [\"8080-8089\"]\n[prefixes]\nbroad-public-prefix = {prefix}\n"),
        )
        .unwrap();
        check(&[])
    };
    let narrow = with_prefix("7");
    assert_eq!(narrow.code, 0, "{}", narrow.stderr);
    assert!(resources_of(&narrow, "VL008").is_empty());
    let wide = with_prefix("9");
    assert_eq!(resources_of(&wide, "VL008"), ["sg-0a0a0a0a0a0a0a0a0"]);
    let bad = with_prefix("129");
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("vpclint.toml:5:23: invalid prefix length `129`"),
        "{}",
        bad.stderr
    );
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[ports]\nadmin-ports = [22, 2222]\nweb-dev = [\"8080-8089\"]\n",
    )
    .unwrap();

    // A new name from the config is usable by a user rule, and checked at load time.
    std::fs::create_dir(dir.path().join("rules-local")).unwrap();
    std::fs::write(
        dir.path().join("rules-local/dev.vpl"),
        "rule VL900 dev-port-open-to-internet\n  severity high\n  kind security-group-rule\n  title \"Dev port open\"\n  when ingress and ports overlap web-dev and source is internet\n  message \"{group} opens {ports}\"\n  docs \"\"\"\n    ## What it does\n    x\n    ## Why is this bad?\n    x\n    ## Example\n    x\n    ## How to fix\n    x\n    \"\"\"\n",
    )
    .unwrap();
    let user = check(&["--rules", "rules-local"]);
    assert_eq!(user.code, 0, "{}", user.stderr);
    assert_eq!(resources_of(&user, "VL900"), ["sg-0a0a0a0a0a0a0a0a0"]);

    // Without the config the same rule names an unknown set: a load-time error, exit 2.
    std::fs::remove_file(dir.path().join("vpclint.toml")).unwrap();
    let unknown = check(&["--rules", "rules-local"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("web-dev"), "{}", unknown.stderr);
}
