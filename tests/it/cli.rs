//! The command-line contract on the bundled real export: exit codes, the JSON shape of
//! DESIGN.md §3, and snapshots of the human and JSON reports.

use super::support::{snapshot, vpclint};

const ESTATE: &str = "fixtures/aws-cli/estate-small";

#[test]
fn check_reports_ssh_open_to_internet_with_file_and_line() {
    let run = vpclint(&["check", ESTATE, "--select", "ssh-open-to-internet"]);
    assert_eq!(run.code, 1, "high findings fail at the default threshold");
    // The `ssh-open` group opens 22 to 0.0.0.0/0 in the real export.
    assert!(
        run.stdout.contains(
            "high[VL001] ssh-open-to-internet: sg-0c6600cb72e24af0c\n  --> fixtures/aws-cli/estate-small/ec2-describe-security-groups.json:159"
        ),
        "{}",
        run.stdout
    );
    snapshot("check_human_ssh", &run.stdout);
}

#[test]
fn check_json_follows_the_contract() {
    let run = vpclint(&["check", ESTATE, "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().expect("findings list");
    for f in findings {
        for key in ["rule", "name", "severity", "resource", "message"] {
            assert!(f[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {f}");
        }
        assert!(f["related"].is_array());
        assert!(f["location"]["file"].is_string());
    }
    let ssh: Vec<&str> = findings
        .iter()
        .filter(|f| f["name"] == "ssh-open-to-internet")
        .map(|f| f["resource"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ssh,
        [
            "sg-0c6600cb72e24af0c",
            "sg-ad628809ff7c4f547",
            "sg-6967c1aeb2e8cfc65",
            "sg-2947ec244c2df70f5",
            "sg-e0551b482ada6e2f0"
        ]
    );
    // Exposure adjusts the open-group findings: the IPv6-only group sits on an instance
    // without IPv6, svc-0 on an instance without a public address.
    let severity_of = |name: &str, id: &str| {
        findings
            .iter()
            .find(|f| f["name"] == name && f["resource"] == id)
            .and_then(|f| f["severity"].as_str())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        severity_of("ssh-open-to-internet", "sg-0c6600cb72e24af0c"),
        "high"
    );
    assert_eq!(
        severity_of("ssh-open-to-internet", "sg-ad628809ff7c4f547"),
        "medium"
    );
    assert_eq!(
        severity_of("ssh-open-to-internet", "sg-2947ec244c2df70f5"),
        "medium"
    );
    assert_eq!(
        severity_of("all-traffic-open-to-internet", "sg-ad628809ff7c4f547"),
        "high"
    );
    let of_rule = |name: &str| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f["name"] == name)
            .map(|f| f["resource"].as_str().unwrap_or(""))
            .collect()
    };
    // web-1 and web-2 behind web-alb, the bastion behind ssh-nlb.
    assert_eq!(
        of_rule("load-balancer-bypass"),
        [
            "i-378e7c720c474fb4c",
            "i-3e072d6dd3f9ceda2",
            "i-ab5afa0ff874fd3af"
        ]
    );
    // prod-private-nacl: udp replies from the public internet and all IPv6 replies.
    assert_eq!(
        of_rule("nacl-blocks-return-traffic"),
        ["acl-eea73bf51236813bb"]
    );
    snapshot("check_json_full", &run.stdout);
}

#[test]
fn check_human_full_report() {
    let run = vpclint(&["check", ESTATE]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .ends_with("140 findings: 4 critical, 12 high, 24 medium, 76 low, 24 info\n"),
        "{}",
        run.stdout.lines().last().unwrap_or("")
    );
    snapshot("check_human_full", &run.stdout);
}

#[test]
fn fail_on_moves_the_exit_code() {
    assert_eq!(vpclint(&["check", ESTATE, "--fail-on", "never"]).code, 0);
    assert_eq!(vpclint(&["check", ESTATE, "--fail-on", "critical"]).code, 1);
    let only_info = vpclint(&["check", ESTATE, "--select", "egress-open-to-internet"]);
    assert_eq!(only_info.code, 0, "info findings do not fail at `high`");
}

#[test]
fn trusted_ranges_in_the_config_are_not_the_internet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/instance-exposed-to-internet/fail");
    let args = |config: &str| {
        let path = dir.path().join("vpclint.toml");
        std::fs::write(&path, config).expect("write config");
        vpclint(&[
            "check",
            fixture.to_str().unwrap_or_default(),
            "--select",
            "instance-exposed-to-internet",
            "--format",
            "json",
            "--config",
            path.to_str().unwrap_or_default(),
        ])
    };
    let count = |run: &super::support::Run| {
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        doc["findings"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(count(&args("")), 2, "both instances are exposed");
    // Trusting every IPv4 address leaves nothing exposed (the fixture has no IPv6).
    let trusted = args("[trusted]\nall-v4 = [\"0.0.0.0/1\", \"128.0.0.0/1\"]\n");
    assert_eq!(count(&trusted), 0, "{}", trusted.stdout);
}

/// `--source-dir` finds the `.tf` files of a plan that was copied elsewhere, so findings keep
/// pointing at `main.tf:LINE`; a missing folder is an input error.
#[test]
fn source_dir_points_plan_findings_at_the_tf_files() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::copy(
        super::support::root().join("fixtures/terraform/web-two-tier/plan.json"),
        &plan,
    )
    .unwrap();
    let plan = plan.to_string_lossy().into_owned();
    // (rule, resource, file name, line) of every finding.
    let places = |run: &super::support::Run| -> Vec<(String, String, String, u64)> {
        assert_eq!(run.code, 0, "{}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut all: Vec<_> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let file = f["location"]["file"].as_str().unwrap_or("");
                (
                    f["rule"].as_str().unwrap_or("").to_string(),
                    f["resource"].as_str().unwrap_or("").to_string(),
                    file.rsplit('/').next().unwrap_or("").to_string(),
                    f["location"]["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        // Report order depends on the path; compare the places, not their order.
        all.sort();
        all
    };
    let json = ["--format", "json", "--fail-on", "never"];
    let at_home = places(&vpclint(
        &[
            &["check", "fixtures/terraform/web-two-tier/plan.json"][..],
            &json,
        ]
        .concat(),
    ));
    let in_tf = at_home.iter().filter(|p| p.2 == "main.tf").count();
    assert!(in_tf > 10, "{at_home:?}");

    // Alone in a temp folder, the plan has no .tf files beside it: JSON locations only.
    let alone = places(&vpclint(&[&["check", plan.as_str()][..], &json].concat()));
    assert_eq!(alone.len(), at_home.len());
    assert!(alone.iter().all(|p| p.2 == "plan.json"), "{alone:?}");

    // With --source-dir, every finding is where it is when the plan sits beside main.tf.
    let dir_args = ["--source-dir", "fixtures/terraform/web-two-tier"];
    let with = places(&vpclint(
        &[&["check", plan.as_str()][..], &dir_args, &json].concat(),
    ));
    assert_eq!(with, at_home);

    let missing = vpclint(&["check", &plan, "--source-dir", "no/such/dir"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no/such/dir"), "{}", missing.stderr);
}
