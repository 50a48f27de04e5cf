//! Deterministic synthetic Terraform plans for benchmarks (`vpclint gen-estate --format
//! terraform-plan`).
//!
//! The plan has the shape `terraform show -json` writes for a plan against existing state:
//! `planned_values` with one child module instance per network segment
//! (`module.segment["s00"]`, a `for_each` module call), `resource_changes` with `before` and
//! `after`, `prior_state`, and a `configuration` whose expressions carry `references`. Every
//! other segment and the last are being created, so their ids are unknown and only the
//! references link them; the others exist (`no-op`, a few `update`s) with every id known. Proportions follow a
//! rule-heavy estate: most resources are security-group rules, about a twelfth instances, so
//! that 12,208 resources make about 26 MB like the real-world plan issue 8 cites.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::Rng;

/// Resources per segment (module instance); sets how many segments a plan has.
const PER_SEGMENT: usize = 1000;
const PUBLIC_SUBNETS: usize = 4;
const PRIVATE_SUBNETS: usize = 12;
const GROUPS: usize = 60;
const NACL_RULES: usize = 24;
const DATABASES: usize = 4;
const TARGET_ATTACHMENTS: usize = 16;
const ACCOUNT: &str = "123456789012";
const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";

/// What to generate: the total number of resources (at least 2 segments' fixed part).
#[derive(Debug, Clone, Copy)]
pub struct PlanParams {
    pub resources: usize,
    pub seed: u64,
}

/// How many resources of each type a plan of `resources` holds, per segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentShape {
    pub instances: usize,
    pub interfaces: usize,
    pub instance_eips: usize,
    pub vpc_ingress_rules: usize,
    pub group_rules: usize,
}

/// Resources every segment has whatever its size (VPC, subnets, tables, groups, …).
const FIXED_PER_SEGMENT: usize = 1 // vpc
    + 1 // internet gateway
    + PUBLIC_SUBNETS + PRIVATE_SUBNETS
    + 2 // NAT elastic IP + NAT gateway
    + 2 + 2 // route tables + routes
    + PUBLIC_SUBNETS + PRIVATE_SUBNETS // associations
    + 1 + NACL_RULES
    + GROUPS
    + 1 + 2 + 2 + TARGET_ATTACHMENTS // LB, target groups, listeners, attachments
    + 1 + DATABASES;

/// Segments of a plan: one per `PER_SEGMENT` resources, at least two (one existing, one new).
pub fn segments(resources: usize) -> usize {
    resources.div_ceil(PER_SEGMENT).max(2)
}

/// The variable part of segment `s`: the root's key pair is the one resource outside them.
pub fn shape(resources: usize, s: usize) -> SegmentShape {
    let n = segments(resources);
    let total = resources.saturating_sub(1);
    let size = total / n + usize::from(s < total % n);
    let instances = (size * 7 / 100).max(TARGET_ATTACHMENTS);
    let interfaces = size * 4 / 100;
    let instance_eips = size * 3 / 100;
    let vpc_ingress_rules = size * 12 / 100;
    let group_rules = size
        .saturating_sub(FIXED_PER_SEGMENT + instances + interfaces + instance_eips)
        .saturating_sub(vpc_ingress_rules);
    SegmentShape {
        instances,
        interfaces,
        instance_eips,
        vpc_ingress_rules,
        group_rules,
    }
}

/// Writes the plan as one compact JSON line (as `terraform show -json` does).
pub fn write_plan(params: PlanParams, file: &Path) -> std::io::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let plan = build_plan(params);
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    serde_json::to_writer(&mut out, &plan)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// One resource instance of the plan.
struct Res {
    /// Module instance address (`module.segment["s00"]`) or `""` for the root.
    module: String,
    kind: &'static str,
    name: &'static str,
    index: Option<usize>,
    values: Map<String, Value>,
    after_unknown: Map<String, Value>,
    sensitive: Value,
    actions: &'static [&'static str],
}

impl Res {
    fn address(&self) -> String {
        let local = match self.index {
            Some(i) => format!("{}.{}[{i}]", self.kind, self.name),
            None => format!("{}.{}", self.kind, self.name),
        };
        if self.module.is_empty() {
            local
        } else {
            format!("{}.{local}", self.module)
        }
    }

    fn exists(&self) -> bool {
        self.actions != ["create"]
    }

    fn state_entry(&self, values: &Map<String, Value>) -> Value {
        let mut r = json!({
            "address": self.address(), "mode": "managed", "type": self.kind, "name": self.name,
            "provider_name": PROVIDER, "schema_version": 1,
            "values": values, "sensitive_values": self.sensitive,
        });
        if let Some(i) = self.index {
            r["index"] = json!(i);
        }
        r
    }

    fn change(&self, prior: &Map<String, Value>) -> Value {
        let before = if self.exists() {
            Value::Object(prior.clone())
        } else {
            Value::Null
        };
        let mut c = json!({
            "address": self.address(), "mode": "managed", "type": self.kind, "name": self.name,
            "provider_name": PROVIDER,
            "change": {
                "actions": self.actions, "before": before, "after": self.values,
                "after_unknown": self.after_unknown,
                "before_sensitive": if self.exists() { self.sensitive.clone() } else { json!(false) },
                "after_sensitive": self.sensitive,
            },
        });
        if !self.module.is_empty() {
            c["module_address"] = json!(self.module);
        }
        if let Some(i) = self.index {
            c["index"] = json!(i);
        }
        c
    }
}

/// Mints deterministic AWS-looking ids and addresses.
struct Ids {
    next: u64,
}

impl Ids {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!(
            "{prefix}-{:017x}",
            self.next.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 4
        )
    }
}

/// Builds the whole plan document.
pub fn build_plan(params: PlanParams) -> Value {
    let mut rng = Rng(params.seed);
    let mut ids = Ids { next: params.seed };
    let n = segments(params.resources);
    let key = key_pair(&mut ids);
    let mut modules = Vec::new();
    for s in 0..n {
        let seg = Segment {
            index: s,
            module: format!("module.segment[\"s{s:02}\"]"),
            create: s % 2 == 1 || s + 1 == n,
            shape: shape(params.resources, s),
        };
        modules.push((seg.module.clone(), seg.build(&mut rng, &mut ids)));
    }
    assemble(key, modules)
}

fn assemble(root: Res, modules: Vec<(String, Vec<Res>)>) -> Value {
    let all = std::iter::once(&root).chain(modules.iter().flat_map(|(_, r)| r));
    // Unknown values are absent from `planned_values` (they show in `after_unknown`).
    let changes: Vec<Value> = all.clone().map(|r| r.change(&prior_values(r))).collect();
    let planned_module = |rs: &[Res], address: &str, prior: bool| {
        let resources: Vec<Value> = rs
            .iter()
            .filter(|r| !prior || r.exists())
            .map(|r| {
                if prior {
                    r.state_entry(&prior_values(r))
                } else {
                    r.state_entry(&r.values)
                }
            })
            .collect();
        json!({ "resources": resources, "address": address })
    };
    let tree = |prior: bool| {
        let children: Vec<Value> = modules
            .iter()
            .map(|(m, rs)| planned_module(rs, m, prior))
            .collect();
        let root_res = if !prior || root.exists() {
            vec![root.state_entry(&root.values)]
        } else {
            Vec::new()
        };
        json!({ "root_module": { "resources": root_res, "child_modules": children } })
    };
    json!({
        "format_version": "1.2",
        "terraform_version": "1.15.5",
        "planned_values": tree(false),
        "resource_changes": changes,
        "prior_state": { "format_version": "1.0", "terraform_version": "1.15.5", "values": tree(true) },
        "configuration": configuration(modules.iter().map(|(m, _)| m.as_str())),
        "timestamp": "2026-11-22T12:00:00Z",
        "applyable": true,
        "complete": true,
        "errored": false,
    })
}

/// What the resource held before this plan: an `update` changes its tags.
fn prior_values(r: &Res) -> Map<String, Value> {
    let mut v = r.values.clone();
    if r.actions == ["update"] {
        v.insert("tags".into(), json!({ "Name": "before-rename" }));
    }
    v
}

fn tags(name: &str, segment: usize) -> Value {
    json!({ "Name": name, "segment": format!("s{segment:02}") })
}

fn key_pair(ids: &mut Ids) -> Res {
    let id = ids.id("key");
    let mut values = Map::new();
    values.extend(obj(json!({
        "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:key-pair/deploy"),
        "fingerprint": "d7:ff:a6:63:18:64:9c:57:a1:ee:ca:a4:ad:c2:81:62",
        "id": "deploy", "key_name": "deploy", "key_name_prefix": "", "key_pair_id": id, "key_type": "rsa",
        "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchmarkOnlyNotARealKeyxxxxxxxxxxxxxxxxxxx deploy",
        "tags": null, "tags_all": {},
    })));
    Res {
        module: String::new(),
        kind: "aws_key_pair",
        name: "deploy",
        index: None,
        values,
        after_unknown: Map::new(),
        sensitive: json!({ "tags_all": {} }),
        actions: &["no-op"],
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// One segment: a VPC with everything in it, as a module instance.
struct Segment {
    index: usize,
    module: String,
    create: bool,
    shape: SegmentShape,
}

/// Ids of one segment's objects, to link them by value.
#[derive(Default)]
struct SegIds {
    vpc: String,
    igw: String,
    nat: String,
    public: Vec<String>,
    private: Vec<String>,
    tables: Vec<String>,
    groups: Vec<String>,
    instances: Vec<String>,
    target_groups: Vec<String>,
    lb: String,
}

impl Segment {
    /// A resource of this segment. `computed` attributes are only known after apply when the
    /// segment is new; `linked` ones too (they hold ids of other new objects).
    #[allow(clippy::too_many_arguments)]
    fn res(
        &self,
        kind: &'static str,
        name: &'static str,
        index: Option<usize>,
        values: Value,
        computed: &[&str],
        sensitive: Value,
        actions: &'static [&'static str],
    ) -> Res {
        let mut values = obj(values);
        let mut after_unknown = Map::new();
        if self.create {
            for k in computed {
                values.remove(*k);
                after_unknown.insert((*k).to_string(), Value::Bool(true));
            }
        }
        Res {
            module: self.module.clone(),
            kind,
            name,
            index,
            values,
            after_unknown,
            sensitive,
            actions: if self.create { &["create"] } else { actions },
        }
    }

    fn build(&self, rng: &mut Rng, ids: &mut Ids) -> Vec<Res> {
        let mut out = Vec::new();
        let mut seg = SegIds::default();
        self.network(ids, &mut seg, &mut out);
        self.acl(rng, ids, &seg, &mut out);
        self.groups(rng, ids, &mut seg, &mut out);
        self.group_rules(rng, ids, &seg, &mut out);
        self.instances(rng, ids, &mut seg, &mut out);
        self.services(rng, ids, &mut seg, &mut out);
        out
    }

    fn network(&self, ids: &mut Ids, seg: &mut SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        let cidr = format!("10.{}.0.0/16", s % 250);
        seg.vpc = ids.id("vpc");
        let (acl0, rtb0, sg0) = (ids.id("acl"), ids.id("rtb"), ids.id("sg"));
        out.push(self.res("aws_vpc", "this", None, json!({
            "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/{}", seg.vpc), "assign_generated_ipv6_cidr_block": false,
            "cidr_block": cidr, "default_network_acl_id": acl0, "default_route_table_id": rtb0, "default_security_group_id": sg0,
            "dhcp_options_id": "dopt-0a1b2c3d", "enable_dns_hostnames": true, "enable_dns_support": true, "id": seg.vpc,
            "instance_tenancy": "default", "ipv6_association_id": "", "ipv6_cidr_block": "", "main_route_table_id": rtb0,
            "owner_id": ACCOUNT, "tags": tags(&format!("vpc-s{s:02}"), s), "tags_all": tags(&format!("vpc-s{s:02}"), s),
        }), &["arn", "default_network_acl_id", "default_route_table_id", "default_security_group_id", "dhcp_options_id", "id", "ipv6_association_id", "ipv6_cidr_block", "main_route_table_id", "owner_id"],
        json!({ "tags": {}, "tags_all": {} }), &["no-op"]));
        seg.igw = ids.id("igw");
        out.push(self.res("aws_internet_gateway", "this", None, json!({
            "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:internet-gateway/{}", seg.igw), "id": seg.igw, "owner_id": ACCOUNT,
            "tags": tags("igw", s), "tags_all": tags("igw", s), "vpc_id": seg.vpc,
        }), &["arn", "id", "owner_id", "vpc_id"], json!({ "tags": {}, "tags_all": {} }), &["no-op"]));
        for (name, count, offset) in [
            ("public", PUBLIC_SUBNETS, 0),
            ("private", PRIVATE_SUBNETS, PUBLIC_SUBNETS),
        ] {
            for i in 0..count {
                let id = ids.id("subnet");
                out.push(self.res("aws_subnet", name, Some(i), json!({
                    "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/{id}"), "assign_ipv6_address_on_creation": false,
                    "availability_zone": format!("us-east-1{}", ['a', 'b', 'c'][i % 3]), "availability_zone_id": format!("use1-az{}", i % 3 + 1),
                    "cidr_block": format!("10.{}.{}.0/24", s % 250, offset + i), "customer_owned_ipv4_pool": "", "id": id,
                    "ipv6_cidr_block": "", "ipv6_cidr_block_association_id": "", "map_customer_owned_ip_on_launch": false,
                    "map_public_ip_on_launch": name == "public", "outpost_arn": "", "owner_id": ACCOUNT,
                    "tags": tags(&format!("{name}-{i}"), s), "tags_all": tags(&format!("{name}-{i}"), s), "timeouts": null, "vpc_id": seg.vpc,
                }), &["arn", "availability_zone_id", "id", "ipv6_cidr_block_association_id", "owner_id", "vpc_id"],
                json!({ "tags": {}, "tags_all": {} }), &["no-op"]));
                if name == "public" {
                    seg.public.push(id)
                } else {
                    seg.private.push(id)
                }
            }
        }
        let eip = ids.id("eipalloc");
        let eni = ids.id("eni");
        out.push(self.res(
            "aws_eip",
            "nat",
            None,
            eip_values(&eip, "", &eni, s, 0),
            &[
                "allocation_id",
                "association_id",
                "id",
                "network_interface",
                "private_dns",
                "private_ip",
                "public_dns",
                "public_ip",
            ],
            json!({ "tags_all": {} }),
            &["no-op"],
        ));
        seg.nat = ids.id("nat");
        out.push(self.res("aws_nat_gateway", "this", None, json!({
            "allocation_id": eip, "connectivity_type": "public", "id": seg.nat, "network_interface_id": eni,
            "private_ip": format!("10.{}.0.5", s % 250), "public_ip": public_ip(s, 0), "subnet_id": seg.public[0],
            "tags": tags("nat", s), "tags_all": tags("nat", s),
        }), &["allocation_id", "id", "network_interface_id", "private_ip", "public_ip", "subnet_id"], json!({ "tags": {}, "tags_all": {} }), &["no-op"]));
        self.routing(ids, seg, out);
    }

    fn routing(&self, ids: &mut Ids, seg: &mut SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        for name in ["public", "private"] {
            let id = ids.id("rtb");
            out.push(self.res("aws_route_table", name, None, json!({
                "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:route-table/{id}"), "id": id, "owner_id": ACCOUNT,
                "propagating_vgws": [], "route": [], "tags": tags(name, s), "tags_all": tags(name, s), "timeouts": null, "vpc_id": seg.vpc,
            }), &["arn", "id", "owner_id", "vpc_id"], json!({ "propagating_vgws": [], "route": [], "tags": {}, "tags_all": {} }), &["no-op"]));
            seg.tables.push(id);
        }
        for (i, (name, gateway, nat)) in [
            ("internet", seg.igw.as_str(), ""),
            ("nat", "", seg.nat.as_str()),
        ]
        .into_iter()
        .enumerate()
        {
            out.push(self.res("aws_route", name, None, json!({
                "carrier_gateway_id": "", "core_network_arn": "", "destination_cidr_block": "0.0.0.0/0", "destination_ipv6_cidr_block": "",
                "destination_prefix_list_id": "", "egress_only_gateway_id": "", "gateway_id": gateway,
                "id": format!("r-{}1080289494", seg.tables[i]), "instance_id": "", "instance_owner_id": "", "local_gateway_id": "",
                "nat_gateway_id": nat, "network_interface_id": "", "origin": "CreateRoute", "route_table_id": seg.tables[i], "state": "active",
                "timeouts": null, "transit_gateway_id": "", "vpc_endpoint_id": "", "vpc_peering_connection_id": "",
            }), &["id", "instance_id", "instance_owner_id", "network_interface_id", "origin", "route_table_id", "state", "gateway_id", "nat_gateway_id"],
            json!({}), &["no-op"]));
        }
        for (t, (name, subnets)) in [("public", &seg.public), ("private", &seg.private)]
            .into_iter()
            .enumerate()
        {
            for (i, subnet) in subnets.iter().enumerate() {
                out.push(self.res("aws_route_table_association", name, Some(i), json!({
                    "gateway_id": "", "id": ids.id("rtbassoc"), "route_table_id": seg.tables[t], "subnet_id": subnet, "timeouts": null,
                }), &["id", "route_table_id", "subnet_id"], json!({}), &["no-op"]));
            }
        }
    }

    fn acl(&self, rng: &mut Rng, ids: &mut Ids, seg: &SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        let vpc_cidr = format!("10.{}.0.0/16", s % 250);
        let entry = |rule_no: u32, action: &str, proto: &str, cidr: &str, from: u16, to: u16| json!({ "action": action, "cidr_block": cidr, "from_port": from, "icmp_code": 0, "icmp_type": 0, "ipv6_cidr_block": "", "protocol": proto, "rule_no": rule_no, "to_port": to });
        let nacl = ids.id("acl");
        out.push(self.res("aws_network_acl", "private", None, json!({
            "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:network-acl/{nacl}"),
            "egress": [entry(100, "allow", "-1", &vpc_cidr, 0, 0), entry(110, "allow", "6", "0.0.0.0/0", 443, 443)],
            "id": nacl,
            "ingress": [entry(90, "deny", "6", "0.0.0.0/0", 3389, 3389), entry(100, "allow", "6", &vpc_cidr, 0, 65535), entry(110, "allow", "6", "0.0.0.0/0", 1024, 65535)],
            "owner_id": ACCOUNT, "subnet_ids": seg.private, "tags": tags("private-nacl", s), "tags_all": tags("private-nacl", s), "vpc_id": seg.vpc,
        }), &["arn", "id", "owner_id", "subnet_ids", "vpc_id"], json!({ "egress": [{}, {}], "ingress": [{}, {}, {}], "subnet_ids": [], "tags": {}, "tags_all": {} }), &["no-op"]));
        let ports = [
            (22, 22),
            (53, 53),
            (80, 80),
            (443, 443),
            (8080, 8080),
            (5432, 5432),
        ];
        for i in 0..NACL_RULES {
            let egress = i % 2 == 1;
            let (from, to) = ports[rng.below(ports.len())];
            let allow = !rng.chance(20);
            out.push(self.res("aws_network_acl_rule", "extra", Some(i), json!({
                "cidr_block": if rng.chance(50) { vpc_cidr.clone() } else { "0.0.0.0/0".to_string() }, "egress": egress,
                "from_port": from, "icmp_code": null, "icmp_type": null, "id": format!("nacl-{}", 1_000_000 + i),
                "ipv6_cidr_block": null, "network_acl_id": nacl, "protocol": "6",
                "rule_action": if allow { "allow" } else { "deny" }, "rule_number": 200 + i * 10, "to_port": to,
            }), &["id", "network_acl_id"], json!({}), &["no-op"]));
        }
    }

    fn groups(&self, rng: &mut Rng, ids: &mut Ids, seg: &mut SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        seg.groups = (0..GROUPS).map(|_| ids.id("sg")).collect();
        let vpc_cidr = format!("10.{}.0.0/16", s % 250);
        let ports = super::RULE_PORTS;
        for g in 0..GROUPS {
            let mut ingress = Vec::new();
            // The second half of the groups get their rules from standalone rule resources.
            if g < GROUPS / 2 {
                for _ in 0..(1 + rng.below(3)) {
                    let (from, to) = ports[rng.below(ports.len())];
                    let (cidrs, groups): (Vec<String>, Vec<String>) = match rng.below(6) {
                        0 => (vec!["0.0.0.0/0".into()], vec![]),
                        1 | 2 => (vec![vpc_cidr.clone()], vec![]),
                        _ => (vec![], vec![seg.groups[rng.below(GROUPS)].clone()]),
                    };
                    ingress.push(json!({ "cidr_blocks": cidrs, "description": "generated", "from_port": from, "ipv6_cidr_blocks": [],
                        "prefix_list_ids": [], "protocol": "tcp", "security_groups": groups, "self": false, "to_port": to }));
                }
            }
            let id = &seg.groups[g];
            // In a new segment the referenced groups' ids are unknown: per rule, only its
            // `security_groups` is (as `after_unknown` nests it).
            let unknown_refs: Vec<Value> = ingress
                .iter_mut()
                .map(
                    |rule| match rule["security_groups"] != json!([]) && self.create {
                        true => {
                            rule["security_groups"] = json!([]);
                            json!({ "security_groups": true })
                        }
                        false => json!({}),
                    },
                )
                .collect();
            let mut r = self.res("aws_security_group", "tier", Some(g), json!({
                "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{id}"), "description": "Managed by Terraform",
                "egress": [{ "cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [],
                    "protocol": "-1", "security_groups": [], "self": false, "to_port": 0 }],
                "id": id, "ingress": ingress, "name": format!("tier-s{s:02}-{g}"), "name_prefix": "", "owner_id": ACCOUNT,
                "revoke_rules_on_delete": false, "tags": tags(&format!("tier-{g}"), s), "tags_all": tags(&format!("tier-{g}"), s),
                "timeouts": null, "vpc_id": seg.vpc,
            }), &["arn", "id", "owner_id", "vpc_id"], json!({ "egress": [{}], "ingress": [], "tags": {}, "tags_all": {} }),
            if g == 7 { &["update"] } else { &["no-op"] });
            if self.create {
                r.after_unknown
                    .insert("ingress".into(), Value::Array(unknown_refs));
            }
            out.push(r);
        }
    }

    fn group_rules(&self, rng: &mut Rng, ids: &mut Ids, seg: &SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        let vpc_cidr = format!("10.{}.0.0/16", s % 250);
        let ports = [
            (22, 22),
            (80, 80),
            (443, 443),
            (5432, 5432),
            (8080, 8080),
            (9100, 9100),
            (1024, 65535),
        ];
        let managed = &seg.groups[GROUPS / 2..];
        for i in 0..self.shape.group_rules {
            let (from, to) = ports[rng.below(ports.len())];
            let target = &managed[i % managed.len()];
            let source = rng
                .chance(60)
                .then(|| seg.groups[rng.below(GROUPS)].clone());
            let cidrs = match (&source, rng.chance(10)) {
                (Some(_), _) => Value::Null,
                (None, true) => json!(["0.0.0.0/0"]),
                (None, false) => json!([vpc_cidr]),
            };
            let computed: &[&str] = if source.is_some() {
                &[
                    "id",
                    "security_group_id",
                    "security_group_rule_id",
                    "source_security_group_id",
                ]
            } else {
                &["id", "security_group_id", "security_group_rule_id"]
            };
            let egress = i % 10 == 9;
            out.push(self.res("aws_security_group_rule", "peer", Some(i), json!({
                "cidr_blocks": cidrs, "description": format!("rule {i}"), "from_port": from, "id": format!("sgrule-{}", 100_000 + i),
                "ipv6_cidr_blocks": null, "prefix_list_ids": null, "protocol": "tcp", "security_group_id": target,
                "security_group_rule_id": ids.id("sgr"), "self": false, "source_security_group_id": source, "timeouts": null,
                "to_port": to, "type": if egress { "egress" } else { "ingress" },
            }), computed, json!({}), if i % 97 == 5 { &["update"] } else { &["no-op"] }));
        }
        for i in 0..self.shape.vpc_ingress_rules {
            let (from, to) = ports[rng.below(ports.len())];
            let target = &managed[(i * 7) % managed.len()];
            let peer = rng
                .chance(50)
                .then(|| seg.groups[rng.below(GROUPS)].clone());
            let id = ids.id("sgr");
            let computed: &[&str] = if peer.is_some() {
                &[
                    "arn",
                    "id",
                    "security_group_id",
                    "security_group_rule_id",
                    "referenced_security_group_id",
                ]
            } else {
                &["arn", "id", "security_group_id", "security_group_rule_id"]
            };
            out.push(self.res("aws_vpc_security_group_ingress_rule", "web", Some(i), json!({
                "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group-rule/{id}"),
                "cidr_ipv4": if peer.is_some() { Value::Null } else if rng.chance(15) { json!("0.0.0.0/0") } else { json!(vpc_cidr) },
                "cidr_ipv6": null, "description": "web tier", "from_port": from, "id": id, "ip_protocol": "tcp", "prefix_list_id": null,
                "referenced_security_group_id": peer, "security_group_id": target, "security_group_rule_id": id, "tags": null,
                "tags_all": {}, "to_port": to,
            }), computed, json!({ "tags_all": {} }), &["no-op"]));
        }
    }

    fn instances(&self, rng: &mut Rng, ids: &mut Ids, seg: &mut SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        let subnets: Vec<&String> = seg.public.iter().chain(&seg.private).collect();
        for i in 0..self.shape.instances {
            let id = ids.id("i");
            let sub = i % subnets.len();
            let ip = format!("10.{}.{}.{}", s % 250, sub, 10 + i / subnets.len());
            let public = sub < PUBLIC_SUBNETS && rng.chance(70);
            let groups: Vec<&String> = (0..1 + rng.below(2))
                .map(|_| &seg.groups[1 + rng.below(GROUPS - 1)])
                .collect();
            let mut groups: Vec<String> = groups.into_iter().cloned().collect();
            groups.sort();
            groups.dedup();
            let eni = ids.id("eni");
            let values = json!({
                "ami": "ami-04681a1dbd79675a5", "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{id}"),
                "associate_public_ip_address": public, "availability_zone": format!("us-east-1{}", ['a', 'b', 'c'][sub % 3]),
                "cpu_core_count": 1, "cpu_threads_per_core": 2, "credit_specification": [{ "cpu_credits": "unlimited" }],
                "disable_api_stop": false, "disable_api_termination": false,
                "ebs_block_device": [], "ebs_optimized": false, "enclave_options": [{ "enabled": false }], "ephemeral_block_device": [],
                "get_password_data": false, "hibernation": false, "host_id": "", "iam_instance_profile": "", "id": id,
                "instance_initiated_shutdown_behavior": "stop", "instance_state": "running", "instance_type": "t3.micro",
                "ipv6_address_count": 0, "ipv6_addresses": [], "key_name": "deploy",
                "metadata_options": [{ "http_endpoint": "enabled", "http_put_response_hop_limit": 1,
                    "http_tokens": if rng.chance(50) { "required" } else { "optional" }, "instance_metadata_tags": "disabled" }],
            });
            let mut values = obj(values);
            values.extend(obj(json!({
                "monitoring": false, "network_interface": [], "outpost_arn": "", "password_data": "", "placement_group": "",
                "primary_network_interface_id": eni, "private_dns": format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                "private_ip": ip, "public_dns": if public { format!("ec2-{}.compute-1.amazonaws.com", public_ip(s, i + 1).replace('.', "-")) } else { String::new() },
                "public_ip": if public { public_ip(s, i + 1) } else { String::new() },
                "root_block_device": [{ "delete_on_termination": true, "device_name": "/dev/xvda", "encrypted": true, "iops": 3000,
                    "kms_key_id": "", "tags": {}, "throughput": 125, "volume_id": ids.id("vol"), "volume_size": 20, "volume_type": "gp3" }],
                "secondary_private_ips": [], "security_groups": [], "source_dest_check": true, "subnet_id": subnets[sub],
                "tags": tags(&format!("app-{i}"), s), "tags_all": tags(&format!("app-{i}"), s), "tenancy": "default", "timeouts": null,
                "user_data": null, "user_data_base64": null, "user_data_replace_on_change": false, "volume_tags": null,
                "vpc_security_group_ids": groups,
            })));
            out.push(self.res("aws_instance", "app", Some(i), Value::Object(values), &["arn", "availability_zone", "id", "instance_state", "primary_network_interface_id", "private_dns", "private_ip",
                  "public_dns", "public_ip", "subnet_id", "vpc_security_group_ids", "root_block_device"],
            json!({ "credit_specification": [{}], "ebs_block_device": [], "enclave_options": [{}], "ephemeral_block_device": [],
                "ipv6_addresses": [], "metadata_options": [{}], "network_interface": [], "root_block_device": [{ "tags": {} }],
                "secondary_private_ips": [], "security_groups": [], "tags": {}, "tags_all": {}, "vpc_security_group_ids": [false] }),
            if i % 50 == 3 { &["update"] } else { &["no-op"] }));
            seg.instances.push(id);
        }
        for i in 0..self.shape.interfaces {
            let id = ids.id("eni");
            let sub = PUBLIC_SUBNETS + i % PRIVATE_SUBNETS;
            let ip = format!("10.{}.{}.{}", s % 250, sub, 200 + i / PRIVATE_SUBNETS % 50);
            let instance = &seg.instances[i % seg.instances.len()];
            out.push(self.res("aws_network_interface", "extra", Some(i), json!({
                "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:network-interface/{id}"),
                "attachment": [{ "attachment_id": ids.id("eni-attach"), "device_index": 1, "instance": instance }],
                "description": "secondary", "id": id, "interface_type": "interface", "ipv4_prefix_count": 0, "ipv4_prefixes": [],
                "ipv6_address_count": 0, "ipv6_address_list": [], "ipv6_address_list_enabled": false, "ipv6_addresses": [],
                "ipv6_prefix_count": 0, "ipv6_prefixes": [], "mac_address": format!("0a:{:02x}:{:02x}:00:00:01", s % 256, i % 256),
                "outpost_arn": "", "owner_id": ACCOUNT, "private_dns_name": "", "private_ip": ip, "private_ip_list": [ip],
                "private_ip_list_enabled": false, "private_ips": [ip], "private_ips_count": 0,
                "security_groups": [seg.groups[2 + i % (GROUPS - 2)]], "source_dest_check": true, "subnet_id": seg.private[sub - PUBLIC_SUBNETS],
                "tags": tags(&format!("extra-{i}"), s), "tags_all": tags(&format!("extra-{i}"), s),
            }), &["arn", "attachment", "id", "mac_address", "owner_id", "private_dns_name", "private_ip", "private_ip_list", "private_ips", "security_groups", "subnet_id"],
            json!({ "attachment": [{}], "ipv4_prefixes": [], "ipv6_address_list": [], "ipv6_addresses": [], "ipv6_prefixes": [],
                "private_ip_list": [false], "private_ips": [false], "security_groups": [false], "tags": {}, "tags_all": {} }), &["no-op"]));
        }
        for i in 0..self.shape.instance_eips {
            let alloc = ids.id("eipalloc");
            // Instances of private subnets: an address makes them reachable only if routes allow.
            let instance = seg.instances[(i * 5 + 1) % seg.instances.len()].clone();
            let mut v = eip_values(&alloc, &instance, "", s, 10_000 + i);
            v["network_interface"] = json!("");
            out.push(self.res(
                "aws_eip",
                "app",
                Some(i),
                v,
                &[
                    "allocation_id",
                    "association_id",
                    "id",
                    "instance",
                    "private_dns",
                    "private_ip",
                    "public_dns",
                    "public_ip",
                ],
                json!({ "tags_all": {} }),
                &["no-op"],
            ));
        }
    }

    fn services(&self, rng: &mut Rng, ids: &mut Ids, seg: &mut SegIds, out: &mut Vec<Res>) {
        let s = self.index;
        let lb_arn = format!(
            "arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/lb-s{s:02}/{}",
            ids.id("x").trim_start_matches("x-")
        );
        seg.lb = lb_arn.clone();
        out.push(self.res("aws_lb", "public", None, json!({
            "access_logs": [{ "bucket": "", "enabled": false, "prefix": "" }], "arn": lb_arn, "arn_suffix": format!("app/lb-s{s:02}"),
            "customer_owned_ipv4_pool": "", "desync_mitigation_mode": "defensive", "dns_name": format!("lb-s{s:02}.us-east-1.elb.amazonaws.com"),
            "drop_invalid_header_fields": false, "enable_deletion_protection": false, "enable_http2": true, "enable_waf_fail_open": false,
            "id": lb_arn, "idle_timeout": 60, "internal": false, "ip_address_type": "ipv4", "load_balancer_type": "application",
            "name": format!("lb-s{s:02}"), "security_groups": [seg.groups[1]],
            "subnet_mapping": seg.public[..2].iter().map(|p| json!({ "allocation_id": "", "ipv6_address": "", "outpost_id": "", "private_ipv4_address": "", "subnet_id": p })).collect::<Vec<_>>(),
            "subnets": &seg.public[..2], "tags": tags("lb", s), "tags_all": tags("lb", s), "timeouts": null, "vpc_id": seg.vpc, "zone_id": "Z35SXDOTRQ7X7K",
        }), &["arn", "arn_suffix", "dns_name", "id", "security_groups", "subnet_mapping", "subnets", "vpc_id", "zone_id"],
        json!({ "access_logs": [{}], "security_groups": [false], "subnet_mapping": [{}, {}], "subnets": [false, false], "tags": {}, "tags_all": {} }), &["no-op"]));
        for t in 0..2 {
            let arn = format!(
                "arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/tg-s{s:02}-{t}/{}",
                ids.id("x").trim_start_matches("x-")
            );
            out.push(self.res("aws_lb_target_group", "app", Some(t), json!({
                "arn": arn, "arn_suffix": format!("targetgroup/tg-s{s:02}-{t}"), "connection_termination": false, "deregistration_delay": "300",
                "health_check": [{ "enabled": true, "healthy_threshold": 3, "interval": 30, "matcher": "200", "path": "/health", "port": "traffic-port",
                    "protocol": "HTTP", "timeout": 5, "unhealthy_threshold": 3 }],
                "id": arn, "lambda_multi_value_headers_enabled": false, "load_balancing_algorithm_type": "round_robin", "name": format!("tg-s{s:02}-{t}"),
                "port": 8080 + t, "protocol": "HTTP", "protocol_version": "HTTP1", "proxy_protocol_v2": false, "slow_start": 0,
                "stickiness": [{ "cookie_duration": 86400, "cookie_name": "", "enabled": false, "type": "lb_cookie" }],
                "tags": tags("tg", s), "tags_all": tags("tg", s), "target_type": "instance", "vpc_id": seg.vpc,
            }), &["arn", "arn_suffix", "id", "vpc_id"], json!({ "health_check": [{}], "stickiness": [{}], "tags": {}, "tags_all": {} }), &["no-op"]));
            seg.target_groups.push(arn);
        }
        for t in 0..2 {
            let arn = format!("{lb_arn}/listener/{t}");
            out.push(self.res("aws_lb_listener", "http", Some(t), json!({
                "alpn_policy": null, "arn": arn, "certificate_arn": null,
                "default_action": [{ "authenticate_cognito": [], "authenticate_oidc": [], "fixed_response": [], "forward": [], "order": 1,
                    "redirect": [], "target_group_arn": seg.target_groups[t], "type": "forward" }],
                "id": arn, "load_balancer_arn": lb_arn, "port": 80 + t * 8000, "protocol": "HTTP", "ssl_policy": "", "tags": null, "tags_all": {}, "timeouts": null,
            }), &["arn", "id", "load_balancer_arn"], json!({ "default_action": [{ "authenticate_cognito": [], "authenticate_oidc": [], "fixed_response": [], "forward": [], "redirect": [] }], "tags_all": {} }), &["no-op"]));
        }
        for i in 0..TARGET_ATTACHMENTS {
            let tg = &seg.target_groups[i % 2];
            out.push(self.res("aws_lb_target_group_attachment", "app", Some(i), json!({
                "availability_zone": null, "id": format!("{tg}-{i}"), "port": 8080 + i % 2, "target_group_arn": tg,
                "target_id": seg.instances[i],
            }), &["id", "target_group_arn", "target_id"], json!({}), &["no-op"]));
        }
        let group_name = format!("db-s{s:02}");
        out.push(self.res("aws_db_subnet_group", "this", None, json!({
            "arn": format!("arn:aws:rds:us-east-1:{ACCOUNT}:subgrp:{group_name}"), "description": "Managed by Terraform", "id": group_name,
            "name": group_name, "name_prefix": "", "subnet_ids": &seg.private[..3], "supported_network_types": ["IPV4"],
            "tags": tags("db", s), "tags_all": tags("db", s),
        }), &["arn", "id", "subnet_ids", "supported_network_types"], json!({ "subnet_ids": [false, false, false], "supported_network_types": [false], "tags": {}, "tags_all": {} }), &["no-op"]));
        for d in 0..DATABASES {
            let public = rng.chance(15);
            let ident = format!("db-s{s:02}-{d}");
            out.push(self.res("aws_db_instance", "db", Some(d), json!({
                "address": format!("{ident}.abcdefgh.us-east-1.rds.amazonaws.com"), "allocated_storage": 20, "arn": format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{ident}"),
                "auto_minor_version_upgrade": true, "availability_zone": "us-east-1a", "backup_retention_period": 7, "db_subnet_group_name": group_name,
                "deletion_protection": false, "endpoint": format!("{ident}.abcdefgh.us-east-1.rds.amazonaws.com:5432"), "engine": "postgres",
                "engine_version": "16.3", "id": ident, "identifier": ident, "instance_class": "db.t3.micro", "multi_az": false,
                "password": "bench-only-not-a-secret", "port": 5432, "publicly_accessible": public, "storage_encrypted": !public,
                "tags": tags(&ident, s), "tags_all": tags(&ident, s), "username": "app",
                "vpc_security_group_ids": [seg.groups[2 + d]],
            }), &["address", "arn", "availability_zone", "endpoint", "engine_version", "id", "port", "vpc_security_group_ids"],
            json!({ "password": true, "tags": {}, "tags_all": {}, "vpc_security_group_ids": [false] }), &["no-op"]));
        }
    }
}

fn public_ip(segment: usize, n: usize) -> String {
    format!(
        "{}.{}.{}.{}",
        3 + segment % 200,
        n / 256 % 256,
        n % 256,
        1 + segment / 200
    )
}

fn eip_values(alloc: &str, instance: &str, eni: &str, s: usize, n: usize) -> Value {
    json!({
        "address": null, "allocation_id": alloc, "associate_with_private_ip": null, "association_id": format!("eipassoc-{n:08x}"),
        "carrier_ip": "", "customer_owned_ip": "", "customer_owned_ipv4_pool": "", "domain": "vpc", "id": alloc, "instance": instance,
        "network_border_group": "us-east-1", "network_interface": eni, "private_dns": "", "private_ip": "", "public_dns": "",
        "public_ip": public_ip(s, n), "public_ipv4_pool": "amazon", "tags": null, "tags_all": {}, "timeouts": null, "vpc": true,
    })
}

/// The `configuration` section: the root's key pair and the `segment` module call (one
/// configuration for all its instances), with the references Terraform records.
fn configuration<'a>(modules: impl Iterator<Item = &'a str>) -> Value {
    let keys: Vec<String> = modules
        .map(|m| {
            m.trim_start_matches("module.segment[\"")
                .trim_end_matches("\"]")
                .to_string()
        })
        .collect();
    let r = |refs: &[&str]| json!({ "references": refs });
    let c = |v: Value| json!({ "constant_value": v });
    let mut resources = Vec::new();
    let mut add = |kind: &str, name: &str, count: Option<Value>, expressions: Value| {
        let mut block = json!({
            "address": format!("{kind}.{name}"), "mode": "managed", "type": kind, "name": name,
            "provider_config_key": "aws", "expressions": expressions, "schema_version": 1,
        });
        if let Some(count) = count {
            block["count_expression"] = count;
        }
        resources.push(block);
    };
    let vpc = r(&["aws_vpc.this.id", "aws_vpc.this"]);
    add(
        "aws_vpc",
        "this",
        None,
        json!({ "cidr_block": r(&["var.cidr"]), "enable_dns_hostnames": c(json!(true)), "tags": r(&["var.name"]) }),
    );
    add(
        "aws_internet_gateway",
        "this",
        None,
        json!({ "vpc_id": vpc }),
    );
    for name in ["public", "private"] {
        add(
            "aws_subnet",
            name,
            Some(r(&[&format!("var.{name}_subnets")])),
            json!({
                "vpc_id": vpc, "cidr_block": r(&["var.cidr", "count.index"]), "availability_zone": r(&["count.index"]),
                "map_public_ip_on_launch": c(json!(name == "public")),
            }),
        );
        add("aws_route_table", name, None, json!({ "vpc_id": vpc }));
        add(
            "aws_route_table_association",
            name,
            Some(r(&[&format!("aws_subnet.{name}")])),
            json!({
                "subnet_id": r(&[&format!("aws_subnet.{name}"), "count.index"]),
                "route_table_id": r(&[&format!("aws_route_table.{name}.id"), &format!("aws_route_table.{name}")]),
            }),
        );
    }
    add("aws_eip", "nat", None, json!({ "domain": c(json!("vpc")) }));
    add(
        "aws_nat_gateway",
        "this",
        None,
        json!({
            "allocation_id": r(&["aws_eip.nat.id", "aws_eip.nat"]), "subnet_id": r(&["aws_subnet.public[0].id", "aws_subnet.public[0]", "aws_subnet.public"]),
        }),
    );
    add(
        "aws_route",
        "internet",
        None,
        json!({
            "route_table_id": r(&["aws_route_table.public.id", "aws_route_table.public"]), "destination_cidr_block": c(json!("0.0.0.0/0")),
            "gateway_id": r(&["aws_internet_gateway.this.id", "aws_internet_gateway.this"]),
        }),
    );
    add(
        "aws_route",
        "nat",
        None,
        json!({
            "route_table_id": r(&["aws_route_table.private.id", "aws_route_table.private"]), "destination_cidr_block": c(json!("0.0.0.0/0")),
            "nat_gateway_id": r(&["aws_nat_gateway.this.id", "aws_nat_gateway.this"]),
        }),
    );
    add(
        "aws_network_acl",
        "private",
        None,
        json!({ "vpc_id": vpc, "subnet_ids": r(&["aws_subnet.private"]) }),
    );
    add(
        "aws_network_acl_rule",
        "extra",
        Some(r(&["local.acl_rules"])),
        json!({
            "network_acl_id": r(&["aws_network_acl.private.id", "aws_network_acl.private"]), "rule_number": r(&["local.acl_rules", "count.index"]),
            "cidr_block": r(&["local.acl_rules", "count.index"]), "egress": r(&["count.index"]), "from_port": r(&["local.acl_rules", "count.index"]),
            "to_port": r(&["local.acl_rules", "count.index"]), "protocol": c(json!("6")), "rule_action": r(&["local.acl_rules", "count.index"]),
        }),
    );
    add(
        "aws_security_group",
        "tier",
        Some(c(json!(GROUPS))),
        json!({
            "vpc_id": vpc, "name": r(&["var.name", "count.index"]),
            "ingress": r(&["local.tier_rules", "count.index", "aws_security_group.tier"]),
        }),
    );
    add(
        "aws_security_group_rule",
        "peer",
        Some(r(&["local.peer_rules"])),
        json!({
            "security_group_id": r(&["aws_security_group.tier", "local.peer_rules", "count.index"]),
            "source_security_group_id": r(&["aws_security_group.tier", "local.peer_rules", "count.index"]),
            "cidr_blocks": r(&["local.peer_rules", "count.index"]), "type": r(&["count.index"]), "protocol": c(json!("tcp")),
            "from_port": r(&["local.peer_rules", "count.index"]), "to_port": r(&["local.peer_rules", "count.index"]),
        }),
    );
    add(
        "aws_vpc_security_group_ingress_rule",
        "web",
        Some(r(&["local.web_rules"])),
        json!({
            "security_group_id": r(&["aws_security_group.tier", "local.web_rules", "count.index"]),
            "referenced_security_group_id": r(&["aws_security_group.tier", "local.web_rules", "count.index"]),
            "cidr_ipv4": r(&["local.web_rules", "count.index"]), "ip_protocol": c(json!("tcp")),
            "from_port": r(&["local.web_rules", "count.index"]), "to_port": r(&["local.web_rules", "count.index"]),
        }),
    );
    add(
        "aws_instance",
        "app",
        Some(r(&["var.instances"])),
        json!({
            "ami": c(json!("ami-04681a1dbd79675a5")), "instance_type": c(json!("t3.micro")), "key_name": r(&["var.key_name"]),
            "subnet_id": r(&["aws_subnet.public", "aws_subnet.private", "count.index"]),
            "vpc_security_group_ids": r(&["aws_security_group.tier", "count.index"]),
            "associate_public_ip_address": r(&["count.index"]),
            "metadata_options": [{ "http_tokens": r(&["count.index"]) }],
        }),
    );
    add(
        "aws_network_interface",
        "extra",
        Some(r(&["var.extra_interfaces"])),
        json!({
            "subnet_id": r(&["aws_subnet.private", "count.index"]), "security_groups": r(&["aws_security_group.tier", "count.index"]),
            "attachment": [{ "instance": r(&["aws_instance.app", "count.index"]), "device_index": c(json!(1)) }],
        }),
    );
    add(
        "aws_eip",
        "app",
        Some(r(&["var.public_addresses"])),
        json!({ "domain": c(json!("vpc")), "instance": r(&["aws_instance.app", "count.index"]) }),
    );
    add(
        "aws_lb",
        "public",
        None,
        json!({
            "internal": c(json!(false)), "load_balancer_type": c(json!("application")),
            "security_groups": r(&["aws_security_group.tier[1].id", "aws_security_group.tier[1]", "aws_security_group.tier"]),
            "subnets": r(&["aws_subnet.public[0].id", "aws_subnet.public[0]", "aws_subnet.public[1].id", "aws_subnet.public[1]", "aws_subnet.public"]),
        }),
    );
    add(
        "aws_lb_target_group",
        "app",
        Some(c(json!(2))),
        json!({ "vpc_id": vpc, "port": r(&["count.index"]), "protocol": c(json!("HTTP")) }),
    );
    add(
        "aws_lb_listener",
        "http",
        Some(c(json!(2))),
        json!({
            "load_balancer_arn": r(&["aws_lb.public.arn", "aws_lb.public"]), "port": r(&["count.index"]), "protocol": c(json!("HTTP")),
            "default_action": [{ "type": c(json!("forward")), "target_group_arn": r(&["aws_lb_target_group.app", "count.index"]) }],
        }),
    );
    add(
        "aws_lb_target_group_attachment",
        "app",
        Some(c(json!(TARGET_ATTACHMENTS))),
        json!({
            "target_group_arn": r(&["aws_lb_target_group.app", "count.index"]), "target_id": r(&["aws_instance.app", "count.index"]),
            "port": r(&["count.index"]),
        }),
    );
    add(
        "aws_db_subnet_group",
        "this",
        None,
        json!({ "name": r(&["var.name"]), "subnet_ids": r(&["aws_subnet.private[0].id", "aws_subnet.private[0]", "aws_subnet.private[1].id", "aws_subnet.private[1]", "aws_subnet.private[2].id", "aws_subnet.private[2]", "aws_subnet.private"]) }),
    );
    add(
        "aws_db_instance",
        "db",
        Some(c(json!(DATABASES))),
        json!({
            "identifier": r(&["var.name", "count.index"]), "engine": c(json!("postgres")), "instance_class": c(json!("db.t3.micro")),
            "password": r(&["var.db_password"]), "username": c(json!("app")), "publicly_accessible": r(&["count.index"]),
            "db_subnet_group_name": r(&["aws_db_subnet_group.this.name", "aws_db_subnet_group.this"]),
            "vpc_security_group_ids": r(&["aws_security_group.tier", "count.index"]),
        }),
    );
    let segments: BTreeMap<String, Value> = keys.iter().map(|k| (k.clone(), json!({}))).collect();
    json!({
        "provider_config": { "aws": { "name": "aws", "full_name": PROVIDER, "version_constraint": "~> 5.0",
            "expressions": { "region": c(json!("us-east-1")) } } },
        "root_module": {
            "resources": [{ "address": "aws_key_pair.deploy", "mode": "managed", "type": "aws_key_pair", "name": "deploy",
                "provider_config_key": "aws", "expressions": { "key_name": c(json!("deploy")), "public_key": r(&["path.module"]) }, "schema_version": 1 }],
            "module_calls": { "segment": {
                "source": "./modules/segment",
                "for_each_expression": { "references": ["local.segments"] },
                "expressions": {
                    "cidr": r(&["each.value.cidr", "each.value"]), "name": r(&["each.key"]),
                    "key_name": r(&["aws_key_pair.deploy.key_name", "aws_key_pair.deploy"]),
                    "db_password": r(&["var.db_password"]),
                },
                "module": {
                    "resources": resources,
                    "variables": { "cidr": {}, "name": {}, "key_name": {}, "db_password": { "sensitive": true },
                        "public_subnets": { "default": PUBLIC_SUBNETS }, "private_subnets": { "default": PRIVATE_SUBNETS },
                        "instances": {}, "extra_interfaces": {}, "public_addresses": {} },
                },
            } },
            "variables": { "db_password": { "sensitive": true }, "segments": { "default": segments } },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Value {
        build_plan(PlanParams {
            resources: 800,
            seed: 3,
        })
    }

    #[test]
    fn shape_adds_up_to_the_requested_resources() {
        assert_eq!(segments(800), 2);
        assert_eq!(segments(12_208), 13);
        // 799 resources over 2 segments (400 + 399) plus the root's key pair.
        let a = shape(800, 0);
        let b = shape(800, 1);
        assert_eq!((a.instances, a.interfaces, a.instance_eips), (28, 16, 12));
        assert_eq!((a.vpc_ingress_rules, a.group_rules), (48, 145));
        assert_eq!((b.instances, b.interfaces, b.instance_eips), (27, 15, 11));
        assert_eq!((b.vpc_ingress_rules, b.group_rules), (47, 148));
        let plan = small();
        let changes = plan["resource_changes"].as_array().map(Vec::len);
        assert_eq!(changes, Some(800));
    }

    #[test]
    fn same_seed_same_plan_and_it_loads_with_the_expected_counts() {
        let plan = small();
        assert_eq!(plan, small());
        let text = plan.to_string();
        let estate = crate::load::load_texts(vec![("plan.json".into(), text)])
            .expect("generated plan loads");
        // The new segment picks instances by computed keys (`tier[local.rules[count.index]]`)
        // by `count.index` past the last target (`aws_subnet.private[count.index % 12]`) and
        // by a conditional: the loader says so, once per target.
        let warned: Vec<&str> = estate.warnings.iter().map(|w| w.message.as_str()).collect();
        let stand_in = r#"module.segment["s01"].aws_security_group.tier[?]"#;
        assert_eq!(warned.len(), 5, "{warned:#?}");
        // `subnet_id` names `aws_subnet.public[i]` or `aws_subnet.private[i]` (a conditional).
        let choice = r#"module.segment["s01"].aws_instance.app: `subnet_id` names one of "#;
        assert_eq!(warned.iter().filter(|w| w.starts_with(choice)).count(), 1);
        assert_eq!(
            warned.iter().filter(|w| w.contains(stand_in)).count(),
            1,
            "{warned:#?}"
        );
        for target in [
            "aws_lb_target_group.app",
            "aws_subnet.private",
            "aws_subnet.public",
        ] {
            let wrapped = format!(
                r#"goes past the last instance of module.segment["s01"].{target}; vpclint assumed it wraps around"#
            );
            assert_eq!(
                warned.iter().filter(|w| w.contains(&wrapped)).count(),
                1,
                "{target}"
            );
        }
        // The rules whose group is one of the tiers sit on the stand-in, once each, and every
        // interface in a tier group is in the stand-in too.
        let tier = estate
            .security_groups
            .get_by_id(stand_in)
            .expect("stand-in");
        assert!(!tier.ingress.is_empty());
        let candidates =
            |g: &String| g.starts_with(r#"module.segment["s01"].aws_security_group.tier["#);
        for e in estate.interfaces.iter() {
            let in_tier = e.group_ids.iter().any(|g| candidates(g) && g != stand_in);
            assert_eq!(
                in_tier,
                e.group_ids.iter().any(|g| g == stand_in),
                "{}",
                e.meta.id
            );
        }
        assert_eq!(estate.vpcs.len(), 2);
        assert_eq!(estate.subnets.len(), 2 * (PUBLIC_SUBNETS + PRIVATE_SUBNETS));
        assert_eq!(estate.instances.len(), 28 + 27);
        assert_eq!(estate.load_balancers.len(), 2);
        assert_eq!(estate.databases.len(), 2 * DATABASES);
        assert_eq!(estate.key_pairs.len(), 1);
        // Each VPC also gets its default group, default NACL and main table.
        // ...plus the stand-in.
        assert_eq!(estate.security_groups.len(), 2 * GROUPS + 2 + 1);
        assert_eq!(estate.network_acls.len(), 2 + 2);
        assert_eq!(estate.route_tables.len(), 2 * 2 + 2);
        // A primary interface per instance plus the standalone ones.
        assert_eq!(estate.interfaces.len(), 28 + 27 + 16 + 15);
        assert_eq!(estate.elastic_ips.len(), 2 + 12 + 11);
        assert_eq!(estate.target_groups.len(), 4);
        assert_eq!(estate.listeners.len(), 4);
        assert_eq!(estate.targets.len(), 2 * TARGET_ATTACHMENTS);
        // The new segment's ids are unknown: its instances are placed through references.
        for i in estate.instances.iter() {
            assert!(i.subnet_id.is_some(), "{} has no subnet", i.meta.id);
            assert!(!i.group_ids.is_empty(), "{} has no groups", i.meta.id);
            assert_eq!(i.key_name.as_deref(), Some("deploy"), "{}", i.meta.id);
        }
        // The database password never reaches the model (the kept input texts aside).
        let mut model = estate;
        model.files.clear();
        assert!(!format!("{model:?}").contains("bench-only-not-a-secret"));
    }
}
