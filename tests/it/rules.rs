//! The rule catalog: documentation and fixture discipline, exact findings per rule, parse
//! errors, user rule folders, and the list/doc renderers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vpclint::load::load_paths;
use vpclint::rules::catalog::compile;
use vpclint::rules::{
    load_catalog, render_rule_doc, render_rule_list, run, run_with_notes, Catalog, EvalContext,
    Finding, ReachFacts, Registry,
};

fn catalog() -> Catalog {
    load_catalog(&[]).unwrap_or_else(|e| panic!("built-in catalog: {e}"))
}

/// Snapshots live in `tests/snapshots/` next to the other integration snapshots.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// Findings of one rule over a fixture folder (given relative, so paths in output are stable).
/// (resource, severity) of each finding, in report order.
fn graded(found: &[Finding]) -> Vec<(&str, vpclint::rules::Severity)> {
    found
        .iter()
        .map(|f| (f.resource.as_str(), f.severity))
        .collect()
}

fn findings_of(name: &str, dir: &str) -> Vec<Finding> {
    if name.starts_with("private-key-file-") {
        return key_findings_of(name, dir);
    }
    let estate = load_paths(&[PathBuf::from(dir)]).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let selected = catalog()
        .filter(&[name.to_string()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    // Reachability facts as `check` builds them, so the reachability rules are tested too.
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let ctx = EvalContext {
        reach: Some(&facts),
        ..EvalContext::default()
    };
    run(&selected, &estate, &ctx)
}

/// Findings of a key-file rule over a copy of its fixture in a temporary folder (outside git,
/// modes set by `modes.txt`), with key facts as `check` builds them; key paths are shown
/// relative to the copy, so they read like the fixture's own.
fn key_findings_of(name: &str, dir: &str) -> Vec<Finding> {
    let tree = crate::support::key_tree(Path::new(dir));
    let root = tree.path().to_path_buf();
    let mut estate =
        load_paths(std::slice::from_ref(&root)).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let scan =
        vpclint::load::keys::scan(std::slice::from_ref(&root)).unwrap_or_else(|e| panic!("{e}"));
    let keys = vpclint::load::keys::ScanFacts::new(&scan, &mut estate, &root);
    let selected = catalog()
        .filter(&[name.to_string()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let ctx = EvalContext {
        reach: Some(&facts),
        keys: Some(&keys),
    };
    run(&selected, &estate, &ctx)
}

/// A compact, reviewable text form of findings (everything, including the hidden detail).
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} {} [{}] {}\n  message: {}\n  at: {}:{} {}\n  detail: {}\n",
            f.rule,
            f.name,
            f.severity,
            f.resource,
            f.message,
            f.location.file,
            f.location.line.map_or("-".to_string(), |l| l.to_string()),
            f.location.pointer.as_deref().unwrap_or(""),
            f.detail
        ));
        if !f.related.is_empty() {
            out.push_str(&format!("  related: {}\n", f.related.join(", ")));
        }
    }
    out
}

/// What each rule's failing fixture must produce: the resources flagged, in report order.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "ssh-open-to-internet",
        &["sg-0direct", "sg-0range6", "sg-0protoall", "sg-0halves"],
    ),
    ("rdp-open-to-internet", &["sg-0rdp", "sg-0rdprange"]),
    (
        "all-traffic-open-to-internet",
        &["sg-0all", "sg-0allhalves"],
    ),
    ("default-security-group-has-rules", &["sg-0default"]),
    ("database-port-open-to-internet", &["sg-0pg", "sg-0mongo"]),
    ("sensitive-port-open-to-internet", &["sg-0smb", "sg-0snmp"]),
    ("any-port-open-to-internet", &["sg-0anytcp", "sg-0anyudp"]),
    ("broad-public-source-cidr", &["sg-0broad", "sg-0broad"]),
    ("broad-private-source-cidr", &["sg-0corp", "sg-0corp"]),
    ("egress-open-to-internet", &["sg-0open", "sg-0open6"]),
    ("security-group-rule-missing-description", &["sg-0nodesc"]),
    ("default-security-group-in-use", &["sg-0default"]),
    ("unused-security-group", &["sg-0orphan", "sg-0referenced"]),
    ("stale-security-group-reference", &["sg-0app"]),
    ("redundant-security-group-rule", &["sg-0wide", "sg-0dup"]),
    (
        "nacl-admin-port-open-to-internet",
        &["acl-0ssh", "acl-0ssh"],
    ),
    ("nacl-allows-all-traffic", &["acl-0open"]),
    ("nacl-rule-shadowed", &["acl-0late", "acl-0union"]),
    ("subnet-uses-default-nacl", &["subnet-0a1"]),
    ("subnet-auto-assigns-public-ip", &["subnet-0pub"]),
    ("route-blackhole", &["rtb-0a1"]),
    ("peering-route-too-broad", &["rtb-0a1"]),
    ("instance-has-public-ip", &["i-0public"]),
    ("instance-imdsv1-enabled", &["i-0optional", "i-0nometa"]),
    (
        "load-balancer-plain-http-listener",
        &["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0a1"],
    ),
    ("database-in-public-subnet", &["orders", "reports"]),
    ("elastic-ip-unattached", &["eipalloc-0free"]),
    ("default-vpc-in-use", &["vpc-0default"]),
    ("key-pair-unused", &["key-0old-laptop"]),
    ("key-pair-shared-by-many-instances", &["key-0prod"]),
    ("instance-exposed-to-internet", &["i-0ssh", "i-0web"]),
    ("database-publicly-accessible", &["orders"]),
    ("load-balancer-bypass", &["i-0app1"]),
    (
        "nacl-blocks-return-traffic",
        &["acl-0udp", "acl-0linux", "acl-0v6"],
    ),
    (
        "private-key-file-exposed",
        &[
            "keys/bastion",
            "keys/ci-create-key-pair.json",
            "site/public/deploy.pem",
        ],
    ),
    (
        "private-key-file-permissions",
        &["keys/backup", "keys/ops.pem"],
    ),
    (
        "private-key-file-encrypted",
        &[
            "keys/id_ed25519_enc",
            "keys/rsa_pkcs8_enc.pem",
            "keys/rsa_v3_enc.ppk",
        ],
    ),
];

#[test]
fn every_rule_is_documented_unique_and_has_fixtures() {
    let catalog = catalog();
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    let sections = [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## How to fix",
    ];
    for rule in catalog.rules() {
        let m = &rule.meta;
        assert!(ids.insert(m.id.clone()), "duplicate id {}", m.id);
        assert!(names.insert(m.name.clone()), "duplicate name {}", m.name);
        let mut last = 0;
        for s in sections {
            let at = m
                .docs
                .find(s)
                .unwrap_or_else(|| panic!("{}: no `{s}`", m.name));
            assert!(at >= last, "{}: `{s}` out of order", m.name);
            last = at;
        }
        let example = &m.docs[m.docs.find("## Example").unwrap_or(0)..];
        assert!(
            example.contains("Use instead"),
            "{}: no `Use instead`",
            m.name
        );
        assert!(
            rule.file.contains(&format!("{}-{}.vpl", m.id, m.name)),
            "{} lives in {}, not {}-{}.vpl",
            m.name,
            rule.file,
            m.id,
            m.name
        );
        for kind in ["fail", "pass"] {
            let dir = Path::new("fixtures/rules").join(&m.name).join(kind);
            let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            assert!(files > 0, "{}: no fixture in {}", m.name, dir.display());
        }
        assert!(
            EXPECTED.iter().any(|(n, _)| *n == m.name),
            "{}: no expected findings in EXPECTED",
            m.name
        );
    }
    for r in catalog.reserved() {
        assert!(!ids.contains(&r.id), "reserved id {} is in use", r.id);
    }
    // No fixture folder for a rule that does not exist (renamed rules leave none behind).
    for entry in std::fs::read_dir("fixtures/rules")
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(names.contains(&name), "fixtures/rules/{name} has no rule");
    }
}

#[test]
fn the_foundation_rules_have_the_first_ids() {
    let catalog = catalog();
    let first: Vec<(&str, &str)> = catalog.rules()[..4]
        .iter()
        .map(|r| (r.meta.id.as_str(), r.meta.name.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            ("VL001", "ssh-open-to-internet"),
            ("VL002", "rdp-open-to-internet"),
            ("VL003", "all-traffic-open-to-internet"),
            ("VL004", "default-security-group-has-rules"),
        ]
    );
}

#[test]
fn failing_fixtures_fire_exactly_and_passing_ones_are_silent() {
    for (name, expected) in EXPECTED {
        let fail = findings_of(name, &format!("fixtures/rules/{name}/fail"));
        let got: Vec<&str> = fail.iter().map(|f| f.resource.as_str()).collect();
        assert_eq!(&got, expected, "{name}: fail fixture");
        assert!(fail.iter().all(|f| f.name == *name));
        let pass = findings_of(name, &format!("fixtures/rules/{name}/pass"));
        assert!(
            pass.is_empty(),
            "{name}: pass fixture fired:\n{}",
            render(&pass)
        );
        snapshot!(format!("rule__{name}"), render(&fail));
    }
}

#[test]
fn exposure_findings_are_graded_by_what_is_exposed() {
    let found = findings_of(
        "instance-exposed-to-internet",
        "fixtures/rules/instance-exposed-to-internet/fail",
    );
    let grade = |id: &str| {
        found
            .iter()
            .find(|f| f.resource == id)
            .map(|f| (f.severity, f.message.clone()))
    };
    let (ssh, msg) = grade("i-0ssh").expect("ssh instance flagged");
    assert_eq!(ssh, vpclint::rules::Severity::Critical, "admin port: {msg}");
    assert!(msg.contains("tcp/22"), "{msg}");
    let (web, msg) = grade("i-0web").expect("web instance flagged");
    assert_eq!(web, vpclint::rules::Severity::High, "port 443 only: {msg}");
}

#[test]
fn load_balancer_bypass_names_the_balancer_and_points_at_the_open_rule() {
    let found = findings_of(
        "load-balancer-bypass",
        "fixtures/rules/load-balancer-bypass/fail",
    );
    assert_eq!(found.len(), 1, "{}", render(&found));
    let f = &found[0];
    assert_eq!(f.severity, vpclint::rules::Severity::Medium);
    assert_eq!(
        f.message,
        "i-0app1 is a target of web but the internet also reaches it directly on tcp/8080, from any public IPv4"
    );
    // The first of the two /1 halves that admit 8080 directly: the deciding element.
    assert!(f
        .location
        .file
        .ends_with("ec2-describe-security-groups.json"));
    assert_eq!(
        f.location.pointer.as_deref(),
        Some("/SecurityGroups/1/IpPermissions/0/IpRanges/0")
    );
    assert!(f.location.line.is_some());
}

/// (rule, resource, severity, message) of each finding, in report order.
fn described(found: &[Finding]) -> Vec<(&str, &str, vpclint::rules::Severity, &str)> {
    found
        .iter()
        .map(|f| {
            let (rule, resource, message) = (&f.rule, &f.resource, &f.message);
            (
                rule.as_str(),
                resource.as_str(),
                f.severity,
                message.as_str(),
            )
        })
        .collect()
}

/// Review: an export with `describe-network-interfaces` (attachments naming the instances)
/// and the target groups, but no `describe-instances`, had no instance subject, so VL031 and
/// VL033 said nothing although `vpclint exposure` showed the targets reachable directly.
#[test]
fn reachability_rules_judge_instances_known_only_from_their_interfaces() {
    use vpclint::rules::Severity::{High, Medium};
    const FIXTURE: &str = "fixtures/rules/load-balancer-bypass/fail";
    let copy = crate::support::edited_copy(Path::new(FIXTURE), |name, text| {
        (name != "ec2-describe-instances.json").then_some(text)
    });
    let dir = copy.path().to_string_lossy().into_owned();
    let exposed = "instance-exposed-to-internet";
    let bypass = "load-balancer-bypass";
    let expected = [
        (
            "VL031",
            "i-0app1",
            High,
            "i-0app1 is reachable from the internet on tcp/8080 directly; tcp/8080 via load balancer web, from any public IPv4",
        ),
        (
            "VL031",
            "i-0app2",
            High,
            "i-0app2 is reachable from the internet on tcp/443 directly; tcp/8080 via load balancer web, from any public IPv4",
        ),
        (
            "VL031",
            "i-0lone",
            High,
            "i-0lone is reachable from the internet on tcp/8080 directly, from any public IPv4",
        ),
    ];
    let without = findings_of(exposed, &dir);
    assert_eq!(described(&without), expected, "{}", render(&without));
    // With the instance records the findings are the same, once per instance: an instance
    // in the inputs is never judged again through its interface.
    let with = findings_of(exposed, FIXTURE);
    assert_eq!(described(&with), expected, "{}", render(&with));

    let found = findings_of(bypass, &dir);
    assert_eq!(
        described(&found),
        [(
            "VL033",
            "i-0app1",
            Medium,
            "i-0app1 is a target of web but the internet also reaches it directly on tcp/8080, from any public IPv4"
        )],
        "{}",
        render(&found)
    );
    let f = &found[0];
    assert_eq!(
        f.location.pointer.as_deref(),
        Some("/SecurityGroups/1/IpPermissions/0/IpRanges/0")
    );
    // The interface the instance was found through is named.
    assert_eq!(f.related, ["eni-app1"]);
    assert_eq!(findings_of(bypass, FIXTURE).len(), 1);
    // Without the record the finding points at the interface that names the instance.
    assert_eq!(
        without[0].location.pointer.as_deref(),
        Some("/NetworkInterfaces/0")
    );
}

#[test]
fn nacl_return_traffic_is_graded_by_what_is_dropped() {
    let found = findings_of(
        "nacl-blocks-return-traffic",
        "fixtures/rules/nacl-blocks-return-traffic/fail",
    );
    let graded = graded(&found);
    use vpclint::rules::Severity::{Low, Medium};
    assert_eq!(
        graded,
        [
            ("acl-0udp", Medium),
            ("acl-0linux", Low),
            ("acl-0v6", Medium)
        ]
    );
    let text = |id: &str| {
        found
            .iter()
            .find(|f| f.resource == id)
            .map(|f| f.message.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        text("acl-0udp"),
        "acl-0udp drops return traffic: inbound udp/all requests from 0.0.0.0/0: no reply goes out to 0.0.0.0/0 (dropped by the implicit `*` deny)"
    );
    assert_eq!(
        text("acl-0linux"),
        "acl-0linux drops return traffic: inbound tcp/443 requests from 0.0.0.0/0: replies go out only to ports 32768-60999, missing client ranges Windows 49152-65535, NAT gateway/ELB 1024-65535 (dropped by the implicit `*` deny)"
    );
    assert!(
        text("acl-0v6").contains("outbound tcp/443 requests to ::/0: no reply goes in to ::/0"),
        "{}",
        text("acl-0v6")
    );
    // The export lists the `*` entry (rule 32767): the finding points at the outbound one.
    let udp = found.iter().find(|f| f.resource == "acl-0udp");
    assert_eq!(
        udp.and_then(|f| f.location.pointer.as_deref()),
        Some("/NetworkAcls/1/Entries/3")
    );
}

/// The failing fixture of `nacl-blocks-return-traffic` with `acl-0udp` unassociated; when
/// `default`, it also becomes its VPC's default ACL (and the real default an ordinary one).
fn with_loose_udp_acl(default: bool) -> tempfile::TempDir {
    let fixture = Path::new("fixtures/rules/nacl-blocks-return-traffic/fail");
    crate::support::edited_copy(fixture, |name, text| {
        if name != "ec2-describe-network-acls.json" {
            return Some(text);
        }
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("ACL JSON");
        for acl in doc["NetworkAcls"].as_array_mut().expect("NetworkAcls") {
            let id = acl["NetworkAclId"].as_str().unwrap_or_default().to_string();
            if id == "acl-0udp" {
                acl["Associations"] = serde_json::json!([]);
                acl["IsDefault"] = serde_json::json!(default);
            } else if default && id == "acl-default-a" {
                acl["IsDefault"] = serde_json::json!(false);
            }
        }
        // One line per value, so findings keep the fixture's order.
        serde_json::to_string_pretty(&doc).ok()
    })
}

/// Review: an ACL associated with no subnet filters nothing, so what its replies would drop
/// is no finding. Unassociated, `acl-0udp` leaves its subnet to the VPC's default ACL (allow
/// all), and only the other two ACLs are reported.
#[test]
fn an_acl_that_no_subnet_uses_drops_nothing() {
    use vpclint::rules::Severity::{Low, Medium};
    let name = "nacl-blocks-return-traffic";
    let loose = with_loose_udp_acl(false);
    let found = findings_of(name, &loose.path().to_string_lossy());
    assert_eq!(
        graded(&found),
        [("acl-0linux", Low), ("acl-0v6", Medium)],
        "{}",
        render(&found)
    );
    // A VPC's default ACL lists no association in hand-made exports, yet every subnet
    // without one of its own uses it: still judged.
    let default = with_loose_udp_acl(true);
    let found = findings_of(name, &default.path().to_string_lossy());
    assert_eq!(
        graded(&found),
        [
            ("acl-0udp", Medium),
            ("acl-0linux", Low),
            ("acl-0v6", Medium)
        ],
        "{}",
        render(&found)
    );
}

/// Review: groups on interfaces of instances missing from the export were called unused.
/// The passing fixture has groups used only by an interface attached to an instance that
/// is not exported, a Lambda interface, a load balancer's interface and an endpoint's.
#[test]
fn unused_groups_count_every_interface_and_need_an_inventory() {
    const PASS: &str = "fixtures/rules/unused-security-group/pass";
    const FAIL: &str = "fixtures/rules/unused-security-group/fail";
    let text = "rule VL900 who-uses\n  severity info\n  kind security-group\n  title \"t\"\n  when attached\n  message \"{users}\"\n  docs \"\"\"\nd\n\"\"\"\n";
    let users_rule = compile(&Registry::builtin(), &[("t.vpl".into(), text.into())])
        .unwrap_or_else(|e| panic!("{e}"));
    let estate = load_paths(&[PathBuf::from(PASS)]).unwrap_or_else(|e| panic!("{e}"));
    let users: Vec<(String, String)> = run(&users_rule, &estate, &EvalContext::default())
        .into_iter()
        .map(|f| (f.resource, f.message))
        .collect();
    let pairs: Vec<(&str, &str)> = users
        .iter()
        .map(|(g, u)| (g.as_str(), u.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("sg-0used", "eni-0a1"),
            ("sg-0db", "orders"),
            ("sg-0app", "i-0notexported"),
            ("sg-0lambda", "eni-0lambda"),
            ("sg-0alb", "eni-0alb"),
            ("sg-0endpoint", "eni-0endpoint"),
        ]
    );
    let unused = |dir: &str| -> Vec<String> {
        findings_of("unused-security-group", dir)
            .into_iter()
            .map(|f| f.resource)
            .collect()
    };
    assert!(unused(PASS).is_empty());
    assert_eq!(unused(FAIL), ["sg-0orphan", "sg-0referenced"]);
    // Without interfaces or instances in the inputs nothing can be told unused.
    let bare = crate::support::edited_copy(Path::new(FAIL), |name, text| {
        (name != "ec2-describe-network-interfaces.json").then_some(text)
    });
    assert_eq!(unused(&bare.path().to_string_lossy()), Vec::<String>::new());
}

/// VL001 and VL007 over `fixtures/reach/exposure-adjust`: (resource, severity, message).
fn adjusted(ctx: &EvalContext) -> Vec<(String, vpclint::rules::Severity, String)> {
    let estate = load_paths(&[PathBuf::from("fixtures/reach/exposure-adjust")])
        .unwrap_or_else(|e| panic!("{e}"));
    let selected = catalog()
        .filter(&["VL001".into(), "VL007".into()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    run(&selected, &estate, ctx)
        .into_iter()
        .map(|f| (format!("{} {}", f.rule, f.resource), f.severity, f.message))
        .collect()
}

#[test]
fn open_group_findings_drop_a_step_when_nothing_is_exposed_through_them() {
    use vpclint::rules::Severity::{High, Medium};
    const NOTE: &str = "; no internet-reachable resource uses this group";
    let estate = load_paths(&[PathBuf::from("fixtures/reach/exposure-adjust")])
        .unwrap_or_else(|e| panic!("{e}"));
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let with = adjusted(&EvalContext {
        reach: Some(&facts),
        ..EvalContext::default()
    });
    let got: Vec<(&str, vpclint::rules::Severity, bool)> = with
        .iter()
        .map(|(id, sev, msg)| (id.as_str(), *sev, msg.ends_with(NOTE)))
        .collect();
    assert_eq!(
        got,
        [
            // On a public instance that the internet reaches on 22: as written.
            ("VL001 sg-0public", High, false),
            // On an instance without an internet route, and on nothing: one step lower.
            ("VL001 sg-0private", Medium, true),
            // The rule-kind finding (VL007) follows its group the same way.
            ("VL007 sg-0private", Medium, true),
            ("VL001 sg-0unused", Medium, true),
        ],
        "{with:#?}"
    );
    // Without reachability facts nothing is known: no adjustment, no note.
    let without = adjusted(&EvalContext::default());
    assert_eq!(without.len(), 4);
    assert!(
        without
            .iter()
            .all(|(_, sev, msg)| *sev == High && !msg.ends_with(NOTE)),
        "{without:#?}"
    );
}

/// A network load balancer keeps the client's address: the target's world-open rule is what
/// admits the internet, so the finding must not drop (review of the first version, which
/// counted only direct exposure).
#[test]
fn a_group_that_admits_clients_through_a_network_load_balancer_keeps_its_severity() {
    let estate = load_paths(&[PathBuf::from("fixtures/reach/nlb-client-ip")])
        .unwrap_or_else(|e| panic!("{e}"));
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let ctx = EvalContext {
        reach: Some(&facts),
        ..EvalContext::default()
    };
    let only = catalog()
        .filter(&["ssh-open-to-internet".to_string()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let found = run(&only, &estate, &ctx);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].resource, "sg-behind");
    assert_eq!(found[0].severity, vpclint::rules::Severity::High);
    assert!(
        !found[0].message.contains("no internet-reachable"),
        "{}",
        found[0].message
    );
}

#[test]
fn ssh_union_finding_points_at_the_deciding_rules() {
    let found = findings_of(
        "ssh-open-to-internet",
        "fixtures/rules/ssh-open-to-internet/fail",
    );
    let halves = found
        .iter()
        .find(|f| f.resource == "sg-0halves")
        .expect("union of halves is the internet");
    assert!(
        halves.message.contains("0.0.0.0/1, 128.0.0.0/1"),
        "{}",
        halves.message
    );
    assert_eq!(
        halves.location.pointer.as_deref(),
        Some("/SecurityGroups/3/IpPermissions/0/IpRanges/0")
    );
    // The private 10.0.0.0/8 in the same permission did not decide anything.
    assert!(!halves.detail.contains("10.0.0.0/8"), "{}", halves.detail);
}

#[test]
fn the_real_small_estate_gets_the_expected_findings() {
    let estate = load_paths(&[PathBuf::from("fixtures/aws-cli/estate-small")])
        .unwrap_or_else(|e| panic!("{e}"));
    let reach = vpclint::reach::Reach::new(&estate);
    let facts = vpclint::reach::ExposureFacts::new(&reach);
    let ctx = EvalContext {
        reach: Some(&facts),
        ..EvalContext::default()
    };
    let (findings, notes) = run_with_notes(&catalog(), &estate, &ctx);
    assert!(notes.is_empty(), "{notes:?}");
    let mut counts = std::collections::BTreeMap::new();
    for f in &findings {
        *counts.entry(format!("{} {}", f.rule, f.name)).or_insert(0) += 1;
    }
    let summary: String = counts.iter().map(|(k, n)| format!("{k}: {n}\n")).collect();
    snapshot!("estate_small_summary", summary);
    let serious: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity >= vpclint::rules::Severity::High)
        .collect();
    snapshot!(
        "estate_small_high",
        render(&serious.into_iter().cloned().collect::<Vec<_>>())
    );
}

/// Rule files with one mistake each, and the error users see.
const BAD: &[(&str, &str)] = &[
    ("unknown_predicate", "rule VL900 x-rule\n  severity high\n  kind security-group-rule\n  title \"t\"\n  when ingress and sorce is internet\n  message \"m\"\n  docs \"\"\"\n## What it does\n\"\"\"\n"),
    ("unknown_set", "rule VL900 x-rule\n  severity high\n  kind security-group-rule\n  title \"t\"\n  when ports overlap databse-ports\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("wrong_kind", "rule VL900 x-rule\n  severity high\n  kind key-file\n  title \"t\"\n  when ports include 22\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("unknown_severity", "rule VL900 x-rule\n  severity hgih\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("unknown_kind", "rule VL900 x-rule\n  severity high\n  kind security-groups\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("bad_id", "rule V900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("bad_name", "rule VL900 X_Rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("unterminated_string", "rule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\n  when default\n  message \"m\"\n"),
    ("unclosed_parenthesis", "rule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when (default and in use\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("dangling_operator", "rule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default and\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("unknown_field", "rule VL900 x-rule\n  severity high\n  kind vpc\n  titel \"t\"\n  when default\n  message \"m\"\n"),
    ("missing_fields", "rule VL900 x-rule\n  severity high\n  kind vpc\n"),
    ("prefix_two_values", "prefix wide = /16, /8\n"),
    ("unknown_template_field", "rule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"{vpc} has {group}\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("bad_port", "rule VL900 x-rule\n  severity high\n  kind security-group-rule\n  title \"t\"\n  when ports include 70000\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("bad_set_value", "ports web = 80, 443, 8o8o\ncidrs nets = 10.0.0.1/8\n"),
    ("duplicate_id", "rule VL001 my-own-ssh\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("reserved_id", "rule VL031 my-exposure\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("unindented_field", "rule VL900 x-rule\nseverity high\n  kind vpc\n"),
    ("unknown_adjustment", "rule VL900 x-rule\n  severity high\n  kind security-group\n  title \"t\"\n  when default\n  adjust exposed\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("adjust_on_wrong_kind", "rule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  adjust exposure\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
    ("top_level_garbage", "  severity high\nrule VL900 x-rule\n  severity high\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n"),
];

/// Compiles `text` as a user file next to the built-in files.
fn errors_for(text: &str) -> String {
    let mut files: Vec<(String, String)> = vpclint::rules::catalog::EMBEDDED
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    files.push(("my-rules/x.vpl".to_string(), text.to_string()));
    match compile(&Registry::builtin(), &files) {
        Ok(_) => "no error".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn parse_and_check_errors_point_at_the_mistake() {
    for (kind, text) in BAD {
        let rendered = errors_for(text);
        assert!(rendered.contains("my-rules/x.vpl:"), "{kind}: {rendered}");
        snapshot!(format!("rule_error__{kind}"), rendered);
    }
}

#[test]
fn all_errors_of_a_file_are_reported_at_once() {
    let text = "rule VL901 one\n  severity hgih\n  kind vpc\n  title \"t\"\n  when default\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n\
rule VL902 two\n  severity high\n  kind vpc\n  title \"t\"\n  when (default\n  message \"m\"\n\
rule VL903 three\n  severity high\n  kind vpc\n  title \"t\"\n  when defualt\n  message \"m\"\n  docs \"\"\"\nd\n\"\"\"\n";
    let rendered = errors_for(text);
    let lines: Vec<&str> = rendered
        .lines()
        .filter(|l| l.starts_with("  --> "))
        .collect();
    assert_eq!(
        lines,
        [
            "  --> my-rules/x.vpl:2:12",
            "  --> my-rules/x.vpl:14:8",
            "  --> my-rules/x.vpl:20:8"
        ],
        "{rendered}"
    );
}

#[test]
fn a_user_rule_folder_adds_a_rule_that_fires() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("team.vpl"),
        r#"# Our own convention: nothing but HTTPS from the internet.
ports web-ports = 80, 443

rule VL900 http-open-to-internet
  severity medium
  kind     security-group
  title    "Port 80 open to the internet"
  when     admits tcp/80 from internet
  message  "{group} serves plain HTTP to {sources}"
  docs """
    ## What it does
    Flags port 80.
    """
"#,
    )
    .expect("write rule");
    let catalog = load_catalog(&[dir.path().to_path_buf()]).unwrap_or_else(|e| panic!("{e}"));
    assert!(catalog.find("VL900").is_some());
    assert!(catalog.find("ssh-open-to-internet").is_some());
    let estate = load_paths(&[PathBuf::from("fixtures/aws-cli/estate-small")])
        .unwrap_or_else(|e| panic!("{e}"));
    let only = catalog
        .filter(&["http-open-to-internet".to_string()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let found = run(&only, &estate, &EvalContext::default());
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|f| f.rule == "VL900" && f.message.contains("plain HTTP")));
}

#[test]
fn a_missing_rule_folder_is_an_error() {
    let err = load_catalog(&[PathBuf::from("no/such/rules")]).err();
    assert!(err.is_some_and(|e| e.to_string().contains("no/such/rules")));
}

#[test]
fn select_and_ignore_filter_by_id_or_name() {
    let c = catalog();
    let only = c
        .filter(&["VL001".into(), "rdp-open-to-internet".into()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(only.rules().len(), 2);
    let without = c
        .filter(&[], &["vl001".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(without.rules().len(), c.rules().len() - 1);
    assert!(without.find("VL001").is_none());
    assert!(c.filter(&["VL999".into()], &[]).is_err());
}

/// A stand-in for the reachability engine: every instance is exposed.
struct FakeReach;

impl ReachFacts for FakeReach {
    fn exposed_from_internet(
        &self,
        resource: &str,
        _: vpclint::net::Protocol,
        _: &[(u16, u16)],
    ) -> Option<vpclint::rules::ExposureHit> {
        resource
            .starts_with("i-")
            .then(vpclint::rules::ExposureHit::default)
    }
}

#[test]
fn reachability_predicates_are_false_and_noted_without_facts() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("reach.vpl"),
        "rule VL950 ssh-reachable\n  severity high\n  kind instance\n  title \"t\"\n  when exposed tcp/22 from internet\n  message \"{instance}\"\n  docs \"\"\"\nd\n\"\"\"\n",
    )
    .expect("write rule");
    let catalog = load_catalog(&[dir.path().to_path_buf()])
        .unwrap_or_else(|e| panic!("{e}"))
        .filter(&["VL950".into()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let estate = load_paths(&[PathBuf::from("fixtures/aws-cli/estate-small")])
        .unwrap_or_else(|e| panic!("{e}"));
    let (none, notes) = run_with_notes(&catalog, &estate, &EvalContext::default());
    assert!(none.is_empty());
    assert_eq!(notes.len(), 1, "{notes:?}");
    let reach = FakeReach;
    let ctx = EvalContext {
        reach: Some(&reach),
        keys: None,
    };
    let some = run(&catalog, &estate, &ctx);
    assert_eq!(some.len(), estate.instances.len());
}

#[test]
fn rule_list_and_docs_render() {
    colored::control::set_override(false);
    let c = catalog();
    snapshot!("rule_list_table", render_rule_list(&c, false));
    let json = render_rule_list(&c, true);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["rules"][0]["id"], "VL001");
    assert_eq!(v["rules"][0]["kind"], "security-group");
    assert_eq!(v["rules"].as_array().map(Vec::len), Some(c.rules().len()));
    snapshot!(
        "rule_doc_ssh",
        render_rule_doc(&c, "ssh-open-to-internet").unwrap_or_default()
    );
    assert_eq!(
        render_rule_doc(&c, "VL001"),
        render_rule_doc(&c, "ssh-open-to-internet")
    );
    assert!(render_rule_doc(&c, "nope").is_none());
}

#[test]
fn the_rules_readme_lists_every_predicate() {
    let readme = std::fs::read_to_string("rules/README.md").expect("rules/README.md");
    for def in Registry::builtin().defs() {
        assert!(
            readme.contains(&format!("`{}`", def.pattern)),
            "rules/README.md does not document `{}`",
            def.pattern
        );
    }
}

#[test]
fn the_rules_readme_example_loads_and_fires() {
    let readme = std::fs::read_to_string("rules/README.md").expect("rules/README.md");
    let start = readme
        .find("## A complete example\n\n```\n")
        .map(|i| i + "## A complete example\n\n```\n".len())
        .expect("example start");
    let end = readme[start..]
        .find("\n```\n\nSave it as")
        .map(|i| start + i + 1)
        .expect("example end");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("http.vpl"), &readme[start..end]).expect("write");
    let catalog = load_catalog(&[dir.path().to_path_buf()])
        .unwrap_or_else(|e| panic!("{e}"))
        .filter(&["VL900".into()], &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let estate = load_paths(&[PathBuf::from("fixtures/aws-cli/estate-small")])
        .unwrap_or_else(|e| panic!("{e}"));
    let found = run(&catalog, &estate, &EvalContext::default());
    assert!(
        !found.is_empty(),
        "the example finds the small estate's open port 80"
    );
}

#[test]
fn check_select_and_ignore_filter_the_catalog() {
    use super::support::vpclint;
    let run = vpclint(&[
        "check",
        "fixtures/rules/ssh-open-to-internet/fail",
        "--select",
        "VL001",
        "--format",
        "json",
        // The fixture's groups are attached to nothing: the findings are medium.
        "--fail-on",
        "medium",
    ]);
    let doc: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let findings = doc["findings"].as_array().expect("findings list");
    assert_eq!(findings.len(), 4);
    assert!(findings.iter().all(|f| f["rule"] == "VL001"));
    assert!(findings.iter().all(|f| f["severity"] == "medium"));
    assert_eq!(run.code, 1);
    let run = vpclint(&[
        "check",
        "fixtures/rules/ssh-open-to-internet/fail",
        "--ignore",
        "no-such-rule",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown rule `no-such-rule` (see `vpclint rules`)"),
        "{}",
        run.stderr
    );
}

#[test]
fn key_leaks_are_graded_by_what_they_open() {
    let found = findings_of(
        "private-key-file-exposed",
        "fixtures/rules/private-key-file-exposed/fail",
    );
    let graded = graded(&found);
    use vpclint::rules::Severity::{Critical, High, Medium};
    assert_eq!(
        graded,
        [
            ("keys/bastion", Critical),
            ("keys/ci-create-key-pair.json", Medium),
            ("site/public/deploy.pem", High),
        ]
    );
    let bastion = &found[0];
    assert!(
        bastion.message.contains("key pair bastion"),
        "{}",
        bastion.message
    );
    assert!(
        bastion.message.contains("SSH (tcp/22) of i-0ssh"),
        "{}",
        bastion.message
    );
    assert_eq!(bastion.related, ["i-0ssh", "key-0bastion"]);
    assert_eq!(bastion.location.line, Some(1));
}
