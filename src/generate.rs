//! Deterministic synthetic estates for benchmarks (`vpclint gen-estate`, hidden).
//!
//! Writes AWS CLI-shaped exports with realistic proportions: per VPC a /16, 16 subnets (a
//! quarter public), a main route table to an internet gateway and a private one to a NAT
//! gateway, custom NACLs with ordered overlapping entries, a pool of security groups with CIDR
//! and group-reference rules, instances with one interface each (a fifth with a public IP),
//! key pairs, a load balancer per VPC with targets, and databases. Same seed, same bytes.

pub mod terraform;

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

/// Interfaces per VPC; sets how many VPCs an estate of N interfaces has.
const INTERFACES_PER_VPC: usize = 2000;
const SUBNETS_PER_VPC: usize = 16;
const GROUPS_PER_VPC: usize = 100;

/// A tiny splitmix64: deterministic across platforms and Rust versions, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub interfaces: usize,
    pub seed: u64,
}

/// Writes the estate's files into `dir` (created if needed). Returns the number of files.
pub fn write_estate(params: Params, dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let estate = build(params);
    for (name, doc) in &estate {
        let file = std::fs::File::create(dir.join(name))?;
        let mut out = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut out, doc)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(estate.len())
}

fn id(prefix: &str, n: usize) -> String {
    format!("{prefix}-{n:017x}")
}

fn tags(name: &str) -> Value {
    json!([{ "Key": "Name", "Value": name }])
}

/// Builds every file's JSON in memory, keyed by file name.
fn build(params: Params) -> Vec<(&'static str, Value)> {
    let mut rng = Rng(params.seed);
    let vpc_count = params.interfaces.div_ceil(INTERFACES_PER_VPC).max(1);
    let mut out = Files::default();
    for v in 0..vpc_count {
        let per_vpc =
            INTERFACES_PER_VPC.min(params.interfaces.saturating_sub(v * INTERFACES_PER_VPC));
        vpc(&mut out, &mut rng, v, per_vpc.max(1));
    }
    out.into_files()
}

#[derive(Default)]
struct Files {
    vpcs: Vec<Value>,
    subnets: Vec<Value>,
    route_tables: Vec<Value>,
    nacls: Vec<Value>,
    groups: Vec<Value>,
    igws: Vec<Value>,
    nats: Vec<Value>,
    reservations: Vec<Value>,
    key_pairs: Vec<Value>,
    lbs: Vec<Value>,
    listeners: Vec<Value>,
    target_groups: Vec<Value>,
    target_health: Vec<Value>,
    dbs: Vec<Value>,
}

impl Files {
    fn into_files(self) -> Vec<(&'static str, Value)> {
        vec![
            ("ec2-describe-vpcs.json", json!({ "Vpcs": self.vpcs })),
            (
                "ec2-describe-subnets.json",
                json!({ "Subnets": self.subnets }),
            ),
            (
                "ec2-describe-route-tables.json",
                json!({ "RouteTables": self.route_tables }),
            ),
            (
                "ec2-describe-network-acls.json",
                json!({ "NetworkAcls": self.nacls }),
            ),
            (
                "ec2-describe-security-groups.json",
                json!({ "SecurityGroups": self.groups }),
            ),
            (
                "ec2-describe-internet-gateways.json",
                json!({ "InternetGateways": self.igws }),
            ),
            (
                "ec2-describe-nat-gateways.json",
                json!({ "NatGateways": self.nats }),
            ),
            (
                "ec2-describe-instances.json",
                json!({ "Reservations": self.reservations }),
            ),
            (
                "ec2-describe-key-pairs.json",
                json!({ "KeyPairs": self.key_pairs }),
            ),
            (
                "elbv2-describe-load-balancers.json",
                json!({ "LoadBalancers": self.lbs }),
            ),
            (
                "elbv2-describe-listeners.json",
                json!({ "Listeners": self.listeners }),
            ),
            (
                "elbv2-describe-target-groups.json",
                json!({ "TargetGroups": self.target_groups }),
            ),
            (
                "elbv2-describe-target-health.json",
                Value::Array(self.target_health),
            ),
            (
                "rds-describe-db-instances.json",
                json!({ "DBInstances": self.dbs }),
            ),
        ]
    }
}

fn vpc(out: &mut Files, rng: &mut Rng, v: usize, interfaces: usize) {
    let vpc_id = id("vpc", v);
    let second = v % 250;
    let cidr = format!("10.{second}.0.0/16");
    out.vpcs.push(json!({
        "VpcId": vpc_id, "CidrBlock": cidr, "IsDefault": false, "OwnerId": "123456789012",
        "CidrBlockAssociationSet": [{ "CidrBlock": cidr, "CidrBlockState": { "State": "associated" } }],
        "Tags": tags(&format!("vpc-{v}")),
    }));
    let igw = id("igw", v);
    out.igws.push(json!({ "InternetGatewayId": igw, "Attachments": [{ "VpcId": vpc_id, "State": "available" }], "Tags": [] }));
    let subnet_ids: Vec<String> = (0..SUBNETS_PER_VPC)
        .map(|s| id("subnet", v * SUBNETS_PER_VPC + s))
        .collect();
    let public = SUBNETS_PER_VPC / 4;
    for (s, sid) in subnet_ids.iter().enumerate() {
        out.subnets.push(json!({
            "SubnetId": sid, "VpcId": vpc_id, "CidrBlock": format!("10.{second}.{s}.0/24"),
            "AvailabilityZone": format!("us-east-1{}", ['a', 'b', 'c'][s % 3]),
            "MapPublicIpOnLaunch": s < public, "Tags": tags(&format!("{}-{s}", if s < public { "public" } else { "private" })),
        }));
    }
    let nat = id("nat", v);
    out.nats.push(json!({
        "NatGatewayId": nat, "VpcId": vpc_id, "SubnetId": subnet_ids[0], "State": "available", "ConnectivityType": "public",
        "NatGatewayAddresses": [{ "PublicIp": format!("198.51.{}.{}", v / 250, v % 250 + 1), "PrivateIp": format!("10.{second}.0.5") }],
    }));
    route_tables(out, v, &vpc_id, &igw, &nat, &subnet_ids, public);
    nacls(out, rng, v, &vpc_id, &subnet_ids, public);
    let group_ids = groups(out, rng, v, &vpc_id, second);
    instances(
        out,
        rng,
        v,
        interfaces,
        &vpc_id,
        &subnet_ids,
        public,
        &group_ids,
    );
    services(
        out,
        rng,
        v,
        &vpc_id,
        &subnet_ids,
        public,
        &group_ids,
        interfaces,
    );
}

fn route_tables(
    out: &mut Files,
    v: usize,
    vpc_id: &str,
    igw: &str,
    nat: &str,
    subnets: &[String],
    public: usize,
) {
    let local = |cidr: String| json!({ "DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active" });
    let cidr = format!("10.{}.0.0/16", v % 250);
    let mut public_assoc = vec![json!({ "Main": true })];
    public_assoc.extend(
        subnets[..public]
            .iter()
            .map(|s| json!({ "Main": false, "SubnetId": s })),
    );
    out.route_tables.push(json!({
        "RouteTableId": id("rtb", 2 * v), "VpcId": vpc_id,
        "Routes": [local(cidr.clone()), { "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": "active" }],
        "Associations": public_assoc,
        "Tags": tags("public"),
    }));
    out.route_tables.push(json!({
        "RouteTableId": id("rtb", 2 * v + 1), "VpcId": vpc_id,
        "Routes": [local(cidr), { "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "State": "active" }],
        "Associations": subnets[public..].iter().map(|s| json!({ "Main": false, "SubnetId": s })).collect::<Vec<_>>(),
        "Tags": tags("private"),
    }));
}

fn nacl_entry(
    n: u32,
    egress: bool,
    allow: bool,
    proto: &str,
    cidr: &str,
    ports: Option<(u16, u16)>,
) -> Value {
    let mut e = json!({ "RuleNumber": n, "Egress": egress, "RuleAction": if allow { "allow" } else { "deny" }, "Protocol": proto, "CidrBlock": cidr });
    if let Some((from, to)) = ports {
        e["PortRange"] = json!({ "From": from, "To": to });
    }
    e
}

fn nacls(
    out: &mut Files,
    rng: &mut Rng,
    v: usize,
    vpc_id: &str,
    subnets: &[String],
    public: usize,
) {
    let all = |egress| {
        vec![
            nacl_entry(100, egress, true, "-1", "0.0.0.0/0", None),
            nacl_entry(32767, egress, false, "-1", "0.0.0.0/0", None),
        ]
    };
    out.nacls.push(json!({
        "NetworkAclId": id("acl", 2 * v), "VpcId": vpc_id, "IsDefault": true,
        "Entries": all(false).into_iter().chain(all(true)).collect::<Vec<_>>(),
        "Associations": subnets[..public].iter().map(|s| json!({ "SubnetId": s })).collect::<Vec<_>>(),
    }));
    let vpc_cidr = format!("10.{}.0.0/16", v % 250);
    let mut entries = vec![
        nacl_entry(90, false, false, "6", "0.0.0.0/0", Some((3389, 3389))),
        nacl_entry(100, false, true, "6", &vpc_cidr, Some((0, 65535))),
        nacl_entry(110, false, true, "6", "0.0.0.0/0", Some((1024, 65535))),
        nacl_entry(120, false, true, "17", &vpc_cidr, Some((53, 53))),
        nacl_entry(130, false, true, "1", &vpc_cidr, None),
        nacl_entry(100, true, true, "-1", &vpc_cidr, None),
        nacl_entry(110, true, true, "6", "0.0.0.0/0", Some((443, 443))),
        nacl_entry(120, true, true, "6", "0.0.0.0/0", Some((80, 80))),
        nacl_entry(130, true, true, "6", "0.0.0.0/0", Some((32768, 61000))),
    ];
    if rng.chance(30) {
        entries.push(nacl_entry(
            105,
            false,
            false,
            "6",
            "0.0.0.0/0",
            Some((22, 22)),
        ));
    }
    out.nacls.push(json!({
        "NetworkAclId": id("acl", 2 * v + 1), "VpcId": vpc_id, "IsDefault": false, "Entries": entries,
        "Associations": subnets[public..].iter().map(|s| json!({ "SubnetId": s })).collect::<Vec<_>>(),
        "Tags": tags("private-nacl"),
    }));
}

fn perm(proto: &str, ports: Option<(u16, u16)>, cidrs: &[&str], group_refs: &[String]) -> Value {
    let mut p = json!({
        "IpProtocol": proto,
        "IpRanges": cidrs.iter().map(|c| json!({ "CidrIp": c })).collect::<Vec<_>>(),
        "Ipv6Ranges": [], "PrefixListIds": [],
        "UserIdGroupPairs": group_refs.iter().map(|g| json!({ "GroupId": g, "UserId": "123456789012" })).collect::<Vec<_>>(),
    });
    if let Some((from, to)) = ports {
        p["FromPort"] = json!(from);
        p["ToPort"] = json!(to);
    }
    p
}

/// The port ranges generated group rules open (both output shapes use them).
pub(crate) const RULE_PORTS: [(u16, u16); 8] = [
    (22, 22),
    (80, 80),
    (443, 443),
    (3306, 3306),
    (5432, 5432),
    (8080, 8080),
    (6379, 6379),
    (1024, 65535),
];

fn groups(out: &mut Files, rng: &mut Rng, v: usize, vpc_id: &str, second: usize) -> Vec<String> {
    let ids: Vec<String> = (0..GROUPS_PER_VPC)
        .map(|g| id("sg", v * GROUPS_PER_VPC + g))
        .collect();
    let vpc_cidr = format!("10.{second}.0.0/16");
    let ports = RULE_PORTS;
    for (g, gid) in ids.iter().enumerate() {
        let mut ingress = Vec::new();
        for _ in 0..(2 + rng.below(5)) {
            let (from, to) = ports[rng.below(ports.len())];
            let rule = match rng.below(10) {
                0 => perm("tcp", Some((from, to)), &["0.0.0.0/0"], &[]),
                1 | 2 => perm("tcp", Some((from, to)), &[&vpc_cidr], &[]),
                3 => perm("udp", Some((from, to)), &["10.0.0.0/8"], &[]),
                4 => perm("-1", None, &[], std::slice::from_ref(gid)),
                _ => perm(
                    "tcp",
                    Some((from, to)),
                    &[],
                    &[ids[rng.below(ids.len())].clone()],
                ),
            };
            ingress.push(rule);
        }
        out.groups.push(json!({
            "GroupId": gid, "GroupName": if g == 0 { "default".to_string() } else { format!("sg-{v}-{g}") },
            "Description": "generated", "VpcId": vpc_id, "OwnerId": "123456789012",
            "IpPermissions": if g == 0 { vec![perm("-1", None, &[], std::slice::from_ref(gid))] } else { ingress },
            "IpPermissionsEgress": [perm("-1", None, &["0.0.0.0/0"], &[])],
            "Tags": tags(&format!("sg-{v}-{g}")),
        }));
    }
    ids
}

#[allow(clippy::too_many_arguments)]
fn instances(
    out: &mut Files,
    rng: &mut Rng,
    v: usize,
    count: usize,
    vpc_id: &str,
    subnets: &[String],
    public: usize,
    groups: &[String],
) {
    let key = format!("key-{v}");
    out.key_pairs.push(json!({ "KeyPairId": id("key", v), "KeyName": key, "KeyType": "rsa", "KeyFingerprint": format!("{:02x}:{:02x}", v % 256, v / 256) }));
    let mut instances = Vec::new();
    for i in 0..count {
        let n = v * INTERFACES_PER_VPC + i;
        let s = i % SUBNETS_PER_VPC;
        let private_ip = format!("10.{}.{}.{}", v % 250, s, 10 + i / SUBNETS_PER_VPC);
        let is_public = s < public && rng.chance(80);
        let mut chosen: Vec<String> = (0..(1 + rng.below(3)))
            .map(|_| groups[1 + rng.below(groups.len() - 1)].clone())
            .collect();
        chosen.sort();
        chosen.dedup();
        let group_refs: Vec<Value> = chosen
            .iter()
            .map(|g| json!({ "GroupId": g, "GroupName": g }))
            .collect();
        let mut eni = json!({
            "NetworkInterfaceId": id("eni", n), "SubnetId": subnets[s], "VpcId": vpc_id,
            "PrivateIpAddress": private_ip, "Groups": group_refs,
            "PrivateIpAddresses": [{ "PrivateIpAddress": private_ip, "Primary": true }],
            "Ipv6Addresses": [], "Attachment": { "DeviceIndex": 0, "Status": "attached" },
            "InterfaceType": "interface", "Status": "in-use",
        });
        let mut inst = json!({
            "InstanceId": id("i", n), "State": { "Code": 16, "Name": "running" }, "SubnetId": subnets[s], "VpcId": vpc_id,
            "PrivateIpAddress": private_ip, "KeyName": key, "SecurityGroups": group_refs,
            "MetadataOptions": { "HttpTokens": if rng.chance(50) { "required" } else { "optional" }, "HttpEndpoint": "enabled" },
            "Placement": { "AvailabilityZone": "us-east-1a" }, "Tags": tags(&format!("host-{v}-{i}")),
        });
        if is_public {
            let ip = format!(
                "{}.{}.{}.{}",
                3 + n / 16_000_000 % 200,
                n / 65536 % 256,
                n / 256 % 256,
                n % 256
            );
            eni["Association"] = json!({ "PublicIp": ip });
            inst["PublicIpAddress"] = json!(ip);
        }
        inst["NetworkInterfaces"] = json!([eni]);
        instances.push(inst);
    }
    out.reservations.push(
        json!({ "ReservationId": id("r", v), "OwnerId": "123456789012", "Instances": instances }),
    );
}

#[allow(clippy::too_many_arguments)]
fn services(
    out: &mut Files,
    rng: &mut Rng,
    v: usize,
    vpc_id: &str,
    subnets: &[String],
    public: usize,
    groups: &[String],
    interfaces: usize,
) {
    let arn = format!(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/lb-{v}/{v:016x}"
    );
    let tg =
        format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-{v}/{v:016x}");
    out.lbs.push(json!({
        "LoadBalancerArn": arn, "LoadBalancerName": format!("lb-{v}"), "Scheme": "internet-facing", "Type": "application",
        "VpcId": vpc_id, "SecurityGroups": [groups[1]],
        "AvailabilityZones": subnets[..public.min(2)].iter().map(|s| json!({ "SubnetId": s })).collect::<Vec<_>>(),
    }));
    out.listeners.push(json!({ "ListenerArn": format!("{arn}/listener"), "LoadBalancerArn": arn, "Port": 80, "Protocol": "HTTP", "DefaultActions": [{ "Type": "forward", "TargetGroupArn": tg }] }));
    out.target_groups.push(json!({ "TargetGroupArn": tg, "TargetGroupName": format!("tg-{v}"), "Protocol": "HTTP", "Port": 8080, "VpcId": vpc_id, "TargetType": "instance", "LoadBalancerArns": [arn] }));
    let targets: Vec<Value> = (0..interfaces.min(4))
        .map(|i| json!({ "Target": { "Id": id("i", v * INTERFACES_PER_VPC + i * SUBNETS_PER_VPC + public), "Port": 8080 }, "TargetHealth": { "State": "healthy" } }))
        .collect();
    out.target_health
        .push(json!({ "TargetGroupArn": tg, "TargetHealthDescriptions": targets }));
    let public_db = rng.chance(20);
    let db_subnets = if public_db {
        &subnets[..2]
    } else {
        &subnets[public..public + 2]
    };
    out.dbs.push(json!({
        "DBInstanceIdentifier": format!("db-{v}"), "Engine": "postgres", "PubliclyAccessible": public_db, "StorageEncrypted": !public_db,
        "Endpoint": { "Address": format!("db-{v}.example.internal"), "Port": 5432 },
        "DBSubnetGroup": { "DBSubnetGroupName": format!("dbsg-{v}"), "VpcId": vpc_id, "Subnets": db_subnets.iter().map(|s| json!({ "SubnetIdentifier": s })).collect::<Vec<_>>() },
        "VpcSecurityGroups": [{ "VpcSecurityGroupId": groups[2 + rng.below(groups.len() - 2)], "Status": "active" }],
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_estate_and_it_loads() {
        let a = build(Params {
            interfaces: 300,
            seed: 7,
        });
        let b = build(Params {
            interfaces: 300,
            seed: 7,
        });
        assert_eq!(a, b);
        let inputs = a
            .into_iter()
            .map(|(name, doc)| (std::path::PathBuf::from(name), doc.to_string()))
            .collect();
        let estate = crate::load::load_texts(inputs).expect("generated estate loads");
        assert_eq!(estate.interfaces.len(), 300);
        assert_eq!(estate.instances.len(), 300);
        assert_eq!(estate.vpcs.len(), 1);
        assert_eq!(estate.subnets.len(), SUBNETS_PER_VPC);
        assert_eq!(estate.security_groups.len(), GROUPS_PER_VPC);
        assert!(estate.warnings.is_empty(), "{:?}", estate.warnings);
    }
}
