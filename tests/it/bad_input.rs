//! Malformed, truncated or impossible input: a clear error naming the file and the place,
//! exit code 2, never a panic.

use std::path::PathBuf;

use proptest::prelude::*;

use super::support::{estate_small, vpclint};

/// Loads `text` as `bad.json` in a fresh folder and returns the error message.
fn load_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, text).unwrap();
    match vpclint::load::load_paths(&[path]) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e.to_string(),
    }
}

/// The message names the file and a line:column position.
fn assert_line_col(msg: &str, line: u32) {
    let want = format!("bad.json:{line}:");
    assert!(msg.contains(&want), "want {want} in: {msg}");
}

fn assert_pointer(msg: &str, pointer: &str) {
    assert!(msg.contains("bad.json:"), "no file in: {msg}");
    assert!(msg.contains(pointer), "want pointer {pointer} in: {msg}");
}

const SG_HEAD: &str = "{\n  \"SecurityGroups\": [\n    {\n      \"GroupId\": \"sg-1\",\n      \"GroupName\": \"g\",\n      \"IpPermissions\": [\n";
const SG_TAIL: &str = "\n      ]\n    }\n  ]\n}\n";

fn sg_with(permission: &str) -> String {
    format!("{SG_HEAD}        {permission}{SG_TAIL}")
}

#[test]
fn invalid_json_syntax() {
    let msg = load_error("{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\",,}\n  ]\n}");
    assert_line_col(&msg, 3);
}

#[test]
fn truncated_file() {
    let msg = load_error("{\"SecurityGroups\": [");
    assert_line_col(&msg, 1);
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn empty_file() {
    let msg = load_error("   \n");
    assert!(msg.contains("bad.json"), "{msg}");
}

#[test]
fn wrong_type_for_a_port() {
    let msg = load_error(&sg_with(
        "{\"IpProtocol\": \"tcp\", \"FromPort\": \"twenty-two\", \"ToPort\": 22}",
    ));
    assert_line_col(&msg, 7);
    assert!(msg.contains("/SecurityGroups"), "{msg}");
}

#[test]
fn prefix_length_too_long() {
    let msg = load_error(&sg_with(
        "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/33\"}]}",
    ));
    assert_pointer(&msg, "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp");
    assert!(msg.contains("10.0.0.0/33"), "{msg}");
    assert!(msg.contains("bad.json:7"), "line of the permission: {msg}");
}

#[test]
fn from_port_greater_than_to_port() {
    let msg = load_error(&sg_with(
        "{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 80, \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}",
    ));
    assert_pointer(&msg, "/SecurityGroups/0/IpPermissions/0");
    assert!(
        msg.contains("FromPort 443 is greater than ToPort 80"),
        "{msg}"
    );
}

#[test]
fn port_out_of_range() {
    let msg = load_error(&sg_with(
        "{\"IpProtocol\": \"udp\", \"FromPort\": 1, \"ToPort\": 70000, \"IpRanges\": []}",
    ));
    assert_pointer(&msg, "/SecurityGroups/0/IpPermissions/0/ToPort");
}

#[test]
fn unknown_protocol() {
    let msg = load_error(&sg_with("{\"IpProtocol\": \"carrier-pigeon\"}"));
    assert_pointer(&msg, "/SecurityGroups/0/IpPermissions/0/IpProtocol");
}

#[test]
fn invalid_ipv6_cidr() {
    let msg = load_error(
        "{\"Subnets\": [{\"SubnetId\": \"subnet-1\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/24\",\n \"Ipv6CidrBlockAssociationSet\": [{\"Ipv6CidrBlock\": \"2001:db8::/129\"}]}]}",
    );
    assert_pointer(
        &msg,
        "/Subnets/0/Ipv6CidrBlockAssociationSet/0/Ipv6CidrBlock",
    );
}

#[test]
fn nacl_rule_number_and_action() {
    let entry = |n: u32, action: &str| {
        format!("{{\"NetworkAcls\": [{{\"NetworkAclId\": \"acl-1\", \"VpcId\": \"vpc-1\", \"Entries\": [{{\"RuleNumber\": {n}, \"Protocol\": \"-1\", \"RuleAction\": \"{action}\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}}]}}]}}")
    };
    let msg = load_error(&entry(40000, "allow"));
    assert_pointer(&msg, "/NetworkAcls/0/Entries/0/RuleNumber");
    let msg = load_error(&entry(100, "maybe"));
    assert_pointer(&msg, "/NetworkAcls/0/Entries/0/RuleAction");
}

#[test]
fn invalid_private_ip_address() {
    let msg = load_error(
        "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-1\", \"SubnetId\": \"subnet-1\", \"PrivateIpAddress\": \"10.0.0.300\"}]}",
    );
    assert_pointer(&msg, "/NetworkInterfaces/0/PrivateIpAddress");
}

#[test]
fn missing_id() {
    let msg = load_error("{\"SecurityGroups\": [{\"GroupName\": \"no-id\"}]}");
    assert_pointer(&msg, "/SecurityGroups/0");
    assert!(msg.contains("GroupId"), "{msg}");
}

#[test]
fn route_without_target() {
    let msg = load_error(
        "{\"RouteTables\": [{\"RouteTableId\": \"rtb-1\", \"VpcId\": \"vpc-1\", \"Routes\": [{\"DestinationCidrBlock\": \"0.0.0.0/0\"}]}]}",
    );
    assert_pointer(&msg, "/RouteTables/0/Routes/0");
}

#[test]
fn list_where_an_object_is_expected() {
    let msg = load_error("{\"Vpcs\": {\"VpcId\": \"vpc-1\"}}");
    assert_line_col(&msg, 1);
    assert!(msg.contains("/Vpcs"), "{msg}");
}

#[test]
fn top_level_scalar() {
    let msg = load_error("[1, 2]");
    assert!(msg.contains("bad.json:1:"), "{msg}");
}

#[test]
fn not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, b"{\"Vpcs\": [\"\xff\xfe\"]}").unwrap();
    let msg = vpclint::load::load_paths(&[path]).unwrap_err().to_string();
    assert!(msg.contains("bad.json"), "{msg}");
}

#[test]
fn cli_exits_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"SecurityGroups\": [").unwrap();
    let run = vpclint(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.json:1:"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn cli_exits_2_on_a_missing_input_and_on_usage_errors() {
    let run = vpclint(&["check", "no/such/dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/dir"), "{}", run.stderr);
    let run = vpclint(&["check"]);
    assert_eq!(run.code, 2);
    let run = vpclint(&["check", "fixtures", "--fail-on", "sometimes"]);
    assert_eq!(run.code, 2);
}

#[test]
fn unrecognised_json_is_a_warning_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\"}").unwrap();
    let estate = vpclint::load::load_paths(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(estate.warnings.len(), 1);
    assert!(estate.warnings[0].file.ends_with("package.json"));
}

fn fixture_texts() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(estate_small()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any real export cut at any byte is an error naming the file, never a panic.
    #[test]
    fn truncated_real_exports_fail_cleanly(file in 0usize..22, cut in 0.0f64..1.0) {
        let texts = fixture_texts();
        let (path, text) = &texts[file % texts.len()];
        let mut at = ((text.len() as f64) * cut) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let truncated = text[..at].trim_end();
        if truncated.is_empty() || truncated.len() == text.trim_end().len() {
            return Ok(());
        }
        let result = vpclint::load::load_texts(vec![(path.clone(), truncated.to_string())]);
        let err = result.expect_err("a truncated export must not load");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        prop_assert!(err.to_string().contains(&name), "{}", err);
    }

    /// Replacing any one value byte by another never panics (errors are fine).
    #[test]
    fn mutated_real_exports_never_panic(file in 0usize..22, at in 0.0f64..1.0, byte in prop::sample::select(b"0{}[]\",:-/x9 ".to_vec())) {
        let texts = fixture_texts();
        let (path, text) = &texts[file % texts.len()];
        let mut bytes = text.clone().into_bytes();
        let i = ((bytes.len() as f64) * at) as usize % bytes.len().max(1);
        bytes[i] = byte;
        if let Ok(mutated) = String::from_utf8(bytes) {
            let _ = vpclint::load::load_texts(vec![(path.clone(), mutated)]);
        }
    }
}
