//! The evaluator: runs each rule's condition over every subject of its kind and turns true
//! verdicts into findings with evidence.
//!
//! Facts that come from other analyses (reachability, key-file scans) arrive through
//! [`EvalContext`]; when a slot is empty, predicates that need it are false and the run
//! records a note instead of pretending.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::{Estate, Location, RouteTarget, Source};
use crate::net::Protocol;

use super::catalog::{Catalog, Cond, Rule};
use super::keyfile::KeyFileFact;
use super::meta::ResourceKind;
use super::registry::{Needs, Sets};
use super::subject::{subjects_in, Subject};
use super::{sort_findings, Finding, Severity};

/// What made a predicate true: one object, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The object's id as users know it (`sgr-…`, `i-…`); empty when it has none.
    pub id: String,
    pub source: Source,
}

/// The answer of a predicate (or a whole condition) for one subject.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub holds: bool,
    /// The deciding objects, most decisive first.
    pub evidence: Vec<Evidence>,
    /// Template fields the predicate computed (`ports`, `sources`) and `detail`.
    pub facts: Vec<(&'static str, String)>,
    /// Other objects worth naming in the finding (ids only; they do not move its location).
    pub related: Vec<String>,
    /// The traffic a group opens to the internet (`admits … from internet`): what
    /// `adjust exposure` asks the reachability facts about.
    pub open: Vec<OpenTraffic>,
}

/// One protocol and the ports (ICMP: type/code keys) of it that a group opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTraffic {
    pub protocol: Protocol,
    pub ports: Vec<(u16, u16)>,
}

impl Verdict {
    pub fn from(holds: bool) -> Verdict {
        Verdict {
            holds,
            ..Verdict::default()
        }
    }

    pub fn no() -> Verdict {
        Verdict::from(false)
    }

    pub fn with_evidence(mut self, evidence: Vec<Evidence>) -> Verdict {
        self.evidence = evidence;
        self
    }

    pub fn with_fact(mut self, name: &'static str, value: String) -> Verdict {
        self.facts.push((name, value));
        self
    }
}

/// Reachability results, implemented by `crate::reach` (issue: reachability engine).
pub trait ReachFacts {
    /// The parts of `traffic` that can reach `resource` (an AWS id) from the internet;
    /// `None` when nothing gets through.
    fn exposed_from_internet(
        &self,
        resource: &str,
        protocol: Protocol,
        ports: &[(u16, u16)],
    ) -> Option<ExposureHit>;

    /// Whether some resource using `group` is reachable from the internet directly (not
    /// through a load balancer) on part of this traffic that the group itself admits.
    /// Facts that cannot tell answer `true`, so nothing is downgraded on a guess.
    fn exposed_through_group(
        &self,
        _group: &str,
        _protocol: Protocol,
        _ports: &[(u16, u16)],
    ) -> bool {
        true
    }

    /// A target of an internet-facing load balancer that the internet also reaches
    /// directly on the target port.
    fn load_balancer_bypass(&self, _resource: &str) -> Option<BypassHit> {
        None
    }

    /// Requests a network ACL admits whose replies it drops.
    fn return_traffic_gaps(&self, _acl: &str) -> Option<ReplyGapHit> {
        None
    }
}

/// A load balancer's target that is also directly reachable on the target port.
#[derive(Debug, Clone, Default)]
pub struct BypassHit {
    /// The security-group rules that admit the internet directly, broadest first.
    pub evidence: Vec<Evidence>,
    /// The internet-facing load balancers it is a target of.
    pub load_balancers: String,
    /// `tcp/8080` style text of the bypassed target ports.
    pub traffic: String,
    /// The internet clients that reach it directly on those ports.
    pub sources: String,
}

/// What a network ACL's reply path drops, for messages and severity.
#[derive(Debug, Clone, Default)]
pub struct ReplyGapHit {
    /// The entries that drop the replies, lowest rule number first (may be empty when only
    /// the implicit `*` deny drops them: the finding then points at the ACL).
    pub evidence: Vec<Evidence>,
    /// One clause per (request direction, protocol, address family), `; `-separated.
    pub problems: String,
    /// `inbound tcp IPv4, outbound udp IPv6`: which cases, for the finding's detail.
    pub cases: String,
    /// Some clients get no reply at all (rather than only missing a client port range).
    pub blocked_entirely: bool,
}

/// What reaches a resource from the internet, for messages and severity.
#[derive(Debug, Clone, Default)]
pub struct ExposureHit {
    /// Deciding elements (may be empty: the finding then points at the resource).
    pub evidence: Vec<Evidence>,
    /// `tcp/22, 80` style text of the exposed traffic.
    pub traffic: String,
    /// The clients that get through, in words or CIDRs.
    pub sources: String,
    /// `directly` and/or `via load balancer …`.
    pub path: String,
    /// The exposed tcp/udp port ranges (empty for protocols without ports).
    pub ports: Vec<(u16, u16)>,
    /// Some of it reaches the resource directly, not only through a load balancer.
    pub direct: bool,
}

/// Private-key file scan results, implemented by the key scanner (issue: key files).
pub trait KeyFacts {
    /// Whether the key file at `path` is tracked by git.
    fn tracked_by_git(&self, path: &str) -> bool;
    /// Every private key the scan found, in report order: the subjects of key-file rules.
    fn key_files(&self) -> &[KeyFileFact];
}

/// Extra facts for one run. Empty slots make the predicates that need them false (noted).
#[derive(Default, Clone, Copy)]
pub struct EvalContext<'a> {
    pub reach: Option<&'a dyn ReachFacts>,
    pub keys: Option<&'a dyn KeyFacts>,
}

/// Facts derived once per run from the estate, shared by all predicates.
#[derive(Debug, Default)]
pub struct Derived {
    /// The inputs list network interfaces or instances: what carries security groups. Without
    /// either, a group nothing names may still be in use, so "unused" cannot be told.
    pub usage_known: bool,
    /// Subnets whose route table has a route to an internet gateway.
    pub public_subnets: HashSet<String>,
    /// Subnet → id of the network ACL that applies to it.
    pub subnet_acl: HashMap<String, String>,
    /// Key pair name → instances that name it.
    pub key_users: HashMap<String, Vec<String>>,
    /// VPCs holding an interface or an instance.
    pub busy_vpcs: HashSet<String>,
    /// Instance → public IPv4 addresses of its interfaces (so predicates never scan all
    /// interfaces per instance: exports can hold 100k of them).
    pub instance_public_ips: HashMap<String, Vec<String>>,
    /// Group → users, each once: instances (listed, or named by an interface's attachment),
    /// then interfaces without instance (load balancer, database, Lambda, NAT gateway and
    /// endpoint interfaces), load balancers, databases.
    pub group_users: HashMap<String, Vec<String>>,
    /// Subnet → id of the route table that applies to it.
    pub subnet_table: HashMap<String, String>,
}

impl Derived {
    pub fn new(estate: &Estate) -> Derived {
        let mut d = Derived {
            usage_known: !estate.interfaces.is_empty() || !estate.instances.is_empty(),
            subnet_table: subnet_tables(estate),
            ..Derived::default()
        };
        for subnet in estate.subnets.iter() {
            let public = d.route_table_of(estate, &subnet.meta.id).is_some_and(|t| {
                t.routes
                    .iter()
                    .any(|r| !r.blackhole && matches!(r.target, RouteTarget::InternetGateway(_)))
            });
            if public {
                d.public_subnets.insert(subnet.meta.id.clone());
            }
        }
        for acl in estate.network_acls.iter() {
            for s in &acl.subnet_ids {
                d.subnet_acl.insert(s.clone(), acl.meta.id.clone());
            }
        }
        for i in estate.instances.iter() {
            if let Some(k) = &i.key_name {
                d.key_users
                    .entry(k.clone())
                    .or_default()
                    .push(i.meta.id.clone());
            }
        }
        let vpcs = estate
            .interfaces
            .iter()
            .map(|i| i.vpc_id.clone())
            .chain(estate.instances.iter().filter_map(|i| i.vpc_id.clone()));
        d.busy_vpcs = vpcs.collect();
        for eni in estate.interfaces.iter() {
            if let Some(i) = &eni.instance_id {
                let ips = d.instance_public_ips.entry(i.clone()).or_default();
                ips.extend(eni.public_ips.iter().map(|a| a.to_string()));
            }
        }
        d.group_users = group_users(estate);
        d
    }
}

/// Every interface counts, whatever its kind: an export with `describe-network-interfaces` but
/// no `describe-instances` still shows each group an instance uses, on the instance's
/// interfaces (and an instance's secondary interfaces may carry groups its record omits).
fn group_users(estate: &Estate) -> HashMap<String, Vec<String>> {
    fn add<'e>(pairs: &mut Vec<(&'e str, &'e str)>, groups: &'e [String], user: &'e str) {
        pairs.extend(groups.iter().map(|g| (g.as_str(), user)));
    }
    let mut pairs = Vec::new();
    for i in estate.instances.iter() {
        add(&mut pairs, &i.group_ids, &i.meta.id);
    }
    for eni in estate.interfaces.iter() {
        let user = eni.instance_id.as_deref().unwrap_or(&eni.meta.id);
        add(&mut pairs, &eni.group_ids, user);
    }
    for lb in estate.load_balancers.iter() {
        add(&mut pairs, &lb.group_ids, &lb.name);
    }
    for db in estate.databases.iter() {
        add(&mut pairs, &db.group_ids, &db.meta.id);
    }
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    // A set beside the lists: the default group can have 100k users.
    let mut seen = HashSet::new();
    for (group, user) in pairs {
        if seen.insert((group, user)) {
            users
                .entry(group.to_string())
                .or_default()
                .push(user.to_string());
        }
    }
    users
}

impl Derived {
    /// The route table that applies to a subnet.
    pub fn route_table_of<'e>(
        &self,
        estate: &'e Estate,
        subnet_id: &str,
    ) -> Option<&'e crate::model::RouteTable> {
        let id = self.subnet_table.get(subnet_id)?;
        estate.route_tables.get_by_id(id)
    }

    /// Who uses a security group, instances first.
    pub fn users_of(&self, group: &str) -> &[String] {
        self.group_users.get(group).map_or(&[], Vec::as_slice)
    }
}

/// Subnet → its route table id: the explicitly associated table, else the VPC's main
/// table (AWS VPC User Guide, "Route tables": subnets without an explicit association use
/// the main route table). Built with two maps, not a scan per subnet.
fn subnet_tables(estate: &Estate) -> HashMap<String, String> {
    let mut explicit: HashMap<&str, &str> = HashMap::new();
    let mut main: HashMap<&str, &str> = HashMap::new();
    for t in estate.route_tables.iter() {
        for a in &t.associations {
            if let Some(s) = &a.subnet_id {
                explicit.entry(s).or_insert(&t.meta.id);
            }
            if a.main {
                main.entry(&t.vpc_id).or_insert(&t.meta.id);
            }
        }
    }
    estate
        .subnets
        .iter()
        .filter_map(|s| {
            let table = explicit
                .get(s.meta.id.as_str())
                .or_else(|| main.get(s.vpc_id.as_str()))?;
            Some((s.meta.id.clone(), table.to_string()))
        })
        .collect()
}

/// Everything a predicate may read.
pub struct Env<'e> {
    pub estate: &'e Estate,
    pub ctx: &'e EvalContext<'e>,
    pub derived: &'e Derived,
    sets: &'e Sets,
    notes: RefCell<BTreeSet<String>>,
}

impl Env<'_> {
    /// The catalog's named sets (`rules/sets.vpl` and user files).
    pub fn sets(&self) -> &Sets {
        self.sets
    }

    /// Records that a predicate could not be decided (missing facts); shown once per run.
    pub fn note(&self, text: String) {
        self.notes.borrow_mut().insert(text);
    }
}

/// Runs every rule of the catalog over the estate; findings in report order.
pub fn run(catalog: &Catalog, estate: &Estate, ctx: &EvalContext) -> Vec<Finding> {
    run_with_notes(catalog, estate, ctx).0
}

/// Like [`run`], also returning notes about predicates that lacked facts.
pub fn run_with_notes(
    catalog: &Catalog,
    estate: &Estate,
    ctx: &EvalContext,
) -> (Vec<Finding>, Vec<String>) {
    let derived = Derived::new(estate);
    let env = Env {
        estate,
        ctx,
        derived: &derived,
        sets: catalog.sets(),
        notes: RefCell::new(BTreeSet::new()),
    };
    let mut findings = Vec::new();
    let mut sources = Vec::new();
    // Rules of one kind share its subjects: listing every security-group rule of a 100k
    // estate once per rule was a dozen identical passes.
    let mut by_kind: HashMap<ResourceKind, Vec<Subject<'_>>> = HashMap::new();
    for rule in catalog.rules() {
        let kind = rule.meta.kind;
        let subjects = by_kind
            .entry(kind)
            .or_insert_with(|| subjects_in(estate, ctx, kind));
        for subject in subjects.iter() {
            let verdict = evaluate(&rule.cond, subject, &env);
            if verdict.holds {
                let (f, source) = finding(rule, subject, verdict, ctx);
                findings.push(f);
                sources.push(source);
            }
        }
    }
    // Lines are resolved in one scan per file: per finding it would be quadratic.
    let refs: Vec<&Source> = sources.iter().collect();
    for (f, location) in findings.iter_mut().zip(estate.locations(&refs)) {
        f.location = location;
    }
    sort_findings(&mut findings);
    let notes = env.notes.into_inner().into_iter().collect();
    (findings, notes)
}

/// Evaluates a condition; `and` keeps all evidence, `or` the first true branch's.
pub fn evaluate(cond: &Cond, subject: &Subject<'_>, env: &Env<'_>) -> Verdict {
    match cond {
        Cond::Pred { def, args } => {
            let missing = match def.needs {
                Needs::Estate => false,
                Needs::Reach => env.ctx.reach.is_none(),
                Needs::Keys => env.ctx.keys.is_none(),
            };
            if missing {
                env.note(format!(
                    "`{}` needs {:?} facts that this run does not have; treated as false",
                    def.pattern, def.needs
                ));
                return Verdict::no();
            }
            (def.eval)(subject, args, env)
        }
        Cond::Not(inner) => Verdict::from(!evaluate(inner, subject, env).holds),
        Cond::And(parts) => {
            let mut all = Verdict::from(true);
            for p in parts {
                let v = evaluate(p, subject, env);
                if !v.holds {
                    return Verdict::no();
                }
                all.evidence.extend(v.evidence);
                all.facts.extend(v.facts);
                all.related.extend(v.related);
                all.open.extend(v.open);
            }
            all
        }
        Cond::Or(parts) => {
            // The first true branch gives evidence and facts; the open traffic of every true
            // branch counts for `adjust exposure` (tcp and udp sensitive ports alike).
            let mut held = parts
                .iter()
                .map(|p| evaluate(p, subject, env))
                .filter(|v| v.holds);
            let Some(mut first) = held.next() else {
                return Verdict::no();
            };
            for other in held {
                first.open.extend(other.open);
            }
            first
        }
    }
}

/// What `adjust exposure` appends to the message of a lowered finding.
pub const UNEXPOSED_NOTE: &str = "; no internet-reachable resource uses this group";

/// For `adjust exposure`: whether the subject's group exposes some user to the internet on
/// the traffic the condition found open. Without reach facts nothing is known, so `true`
/// (no adjustment).
fn exposed_through(subject: &Subject<'_>, open: &[OpenTraffic], ctx: &EvalContext) -> bool {
    let Some(reach) = ctx.reach else {
        return true;
    };
    let all = [OpenTraffic {
        protocol: Protocol::All,
        ports: vec![(0, u16::MAX)],
    }];
    let (group, traffic): (&str, Vec<OpenTraffic>) = match subject {
        Subject::SecurityGroup(g) if open.is_empty() => (&g.meta.id, all.to_vec()),
        Subject::SecurityGroup(g) => (&g.meta.id, open.to_vec()),
        Subject::SgRule { group, rule } => {
            let keys = crate::reach::key_range(&rule.ports);
            let open = OpenTraffic {
                protocol: rule.protocol,
                ports: vec![keys],
            };
            (&group.meta.id, vec![open])
        }
        _ => return true,
    };
    traffic
        .iter()
        .any(|t| reach.exposed_through_group(group, t.protocol, &t.ports))
}

/// A finding and the source its location will be resolved from (in a batch, by the caller).
fn finding(
    rule: &Rule,
    subject: &Subject<'_>,
    verdict: Verdict,
    ctx: &EvalContext,
) -> (Finding, Source) {
    let fact = |name: &str| {
        verdict
            .facts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let lookup = |name: &str| fact(name).or_else(|| subject.field(name));
    let mut message = rule.message.render(&lookup);
    let detail = match &rule.detail {
        Some(t) => t.render(&lookup),
        None => fact("detail").unwrap_or_else(|| subject.detail()),
    };
    let (source, mut related) = match verdict.evidence.split_first() {
        Some((first, rest)) => (
            first.source.clone(),
            std::iter::once(first.id.clone())
                .chain(rest.iter().map(|e| e.id.clone()))
                .collect::<Vec<_>>(),
        ),
        None => (subject.source().clone(), Vec::new()),
    };
    related.extend(subject.related());
    related.extend(verdict.related.iter().cloned());
    related.retain(|r| !r.is_empty() && r != subject.resource());
    let mut seen = HashSet::new();
    related.retain(|r| seen.insert(r.clone()));
    // A predicate may grade the finding (exposure of admin ports is worse than of port 80);
    // the rule's own severity is the default.
    let mut severity = fact("severity")
        .and_then(|s| Severity::parse(&s))
        .unwrap_or(rule.meta.severity);
    if rule.adjust_exposure && !exposed_through(subject, &verdict.open, ctx) {
        severity = severity.lower();
        message.push_str(UNEXPOSED_NOTE);
    }
    let finding = Finding {
        rule: rule.meta.id.clone(),
        name: rule.meta.name.clone(),
        severity,
        resource: subject.resource().to_string(),
        related,
        message,
        location: Location::default(),
        detail,
        suppressed: None,
    };
    (finding, source)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::model::{Direction, Meta, Peer, PortSpec, SecurityGroup, SgRule, SourceFile};
    use crate::rules::catalog::compile;
    use crate::rules::Registry;

    fn rule(at: &str, cidr: &str, id: &str) -> SgRule {
        let file = crate::model::FileIx(0);
        SgRule {
            direction: Direction::Ingress,
            protocol: Protocol::TCP,
            ports: PortSpec::Range(20, 30),
            peer: Peer::Cidr(cidr.parse().unwrap_or_else(|_| panic!("{cidr}"))),
            description: None,
            rule_id: Some(id.to_string()),
            source: Source::new(file, at),
        }
    }

    fn estate() -> Estate {
        let mut e = Estate::default();
        let file = e.add_file(SourceFile::new(PathBuf::from("sg.json"), None));
        let ingress = vec![
            rule("/r/0", "10.0.0.0/8", "sgr-private"),
            rule("/r/1", "128.0.0.0/1", "sgr-high"),
            rule("/r/2", "0.0.0.0/1", "sgr-low"),
        ];
        let group = SecurityGroup {
            meta: Meta::new("sg-1", Source::new(file, "/g")),
            name: "web".into(),
            description: String::new(),
            vpc_id: "vpc-1".into(),
            ingress,
            egress: Vec::new(),
        };
        e.security_groups.insert("sg-1", group);
        e
    }

    /// A one-rule catalog; `{ports}` is only allowed when a predicate provides it.
    fn catalog(when: &str) -> Catalog {
        let message = if when.starts_with("admits") {
            "{group} {ports}"
        } else {
            "{group}"
        };
        let text = format!(
            "rule VL900 t-rule\n  severity high\n  kind security-group\n  title \"t\"\n  when {when}\n  message \"{message}\"\n  docs \"\"\"\nd\n\"\"\"\n"
        );
        compile(&Registry::builtin(), &[("t.vpl".into(), text)]).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn evidence_of_a_union_points_at_a_deciding_rule_and_names_the_others() {
        let found = run(
            &catalog("admits tcp/22 from internet"),
            &estate(),
            &EvalContext::default(),
        );
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.resource, "sg-1");
        assert_eq!(f.message, "sg-1 (web) 22");
        // Both halves have prefix length 1; the first written wins the location.
        assert_eq!(f.location.pointer.as_deref(), Some("/r/1"));
        assert_eq!(f.related, ["sgr-high", "sgr-low"]);
        assert_eq!(f.detail, "ingress tcp 22 128.0.0.0/1,0.0.0.0/1");
    }

    /// Reach facts where a group exposes someone only on tcp/25.
    struct OnlyPort25;

    impl ReachFacts for OnlyPort25 {
        fn exposed_from_internet(
            &self,
            _: &str,
            _: Protocol,
            _: &[(u16, u16)],
        ) -> Option<ExposureHit> {
            None
        }

        fn exposed_through_group(&self, _: &str, _: Protocol, ports: &[(u16, u16)]) -> bool {
            ports.iter().any(|&(lo, hi)| lo <= 25 && 25 <= hi)
        }
    }

    #[test]
    fn adjust_exposure_asks_about_the_traffic_of_every_true_branch() {
        let text = "rule VL900 t-rule\n  severity high\n  kind security-group\n  title \"t\"\n  when admits tcp/22 from internet or admits tcp/25 from internet\n  adjust exposure\n  message \"{group}\"\n  docs \"\"\"\nd\n\"\"\"\n";
        let cat = compile(&Registry::builtin(), &[("t.vpl".into(), text.into())])
            .unwrap_or_else(|e| panic!("{e}"));
        let exposed = OnlyPort25;
        let ctx = EvalContext {
            reach: Some(&exposed),
            keys: None,
        };
        let found = run(&cat, &estate(), &ctx);
        assert_eq!(found.len(), 1);
        // Port 22 (the first true branch) exposes nobody, port 25 does: not lowered.
        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(found[0].message, "sg-1 (web)");
        let only_22 = text.replace(" or admits tcp/25 from internet", "");
        let cat = compile(&Registry::builtin(), &[("t.vpl".into(), only_22)])
            .unwrap_or_else(|e| panic!("{e}"));
        let found = run(&cat, &estate(), &ctx);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Medium);
        assert_eq!(found[0].message, format!("sg-1 (web){UNEXPOSED_NOTE}"));
    }

    #[test]
    fn not_and_or_combine_verdicts() {
        let e = estate();
        let ctx = EvalContext::default();
        assert!(run(&catalog("not admits tcp/22 from internet"), &e, &ctx).is_empty());
        assert!(run(&catalog("admits tcp/80 from internet"), &e, &ctx).is_empty());
        let either = run(
            &catalog("admits tcp/80 from internet or admits tcp/25 from internet"),
            &e,
            &ctx,
        );
        assert_eq!(either.len(), 1);
        assert_eq!(either[0].message, "sg-1 (web) 25");
        let both = run(&catalog("default or (not default and has rules)"), &e, &ctx);
        assert_eq!(both.len(), 1);
    }
}
