//! Suppressions: findings accepted by a `vpclint:ignore` tag, a config `[[ignore]]` entry or a
//! baseline. Suppressed findings are kept and marked (reports show what was waived); they never
//! fail the build.
//!
//! Order: a tag on the resource, then the config, then the baseline. An *expired* config entry
//! turns its finding back into a live one and says so in the message; it also keeps a baseline
//! from hiding the finding, because the expiry is an explicit deadline someone set, while a
//! baseline only records "was already there".

use std::fmt;

use crate::baseline::Baseline;
use crate::config::{Config, ConfigSuppression, Date};
use crate::model::{Estate, Meta};
use crate::rules::{Finding, Suppression, SuppressionKind};

/// The tag key read on AWS `Tags` and Terraform `tags`.
pub const TAG_KEY: &str = "vpclint:ignore";

/// Something about the suppressions that did not stop the run (printed on stderr).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SuppressionWarning {
    /// `vpclint.toml:12:1` or the tagged resource's file and line.
    pub place: String,
    pub message: String,
}

impl fmt::Display for SuppressionWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// What the pass needs besides the findings: the config, an optional baseline, and today
/// (injected so tests do not depend on the clock).
pub struct Context<'a> {
    pub config: &'a Config,
    pub baseline: Option<&'a Baseline>,
    pub today: Date,
}

/// The findings (all of them, suppressed ones marked) and warnings about the suppressions.
#[derive(Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub warnings: Vec<SuppressionWarning>,
}

/// A parsed `vpclint:ignore` tag value: `VL001,ssh-open reason words` or `all reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDirective {
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

impl TagDirective {
    /// The rule list is the leading comma-separated run (spaces after commas allowed); the
    /// rest of the value is the reason.
    pub fn parse(value: &str) -> TagDirective {
        let mut rest = value.trim_start();
        let mut rules = Vec::new();
        loop {
            let end = rest
                .find(|c: char| c == ',' || c.is_whitespace())
                .unwrap_or(rest.len());
            if end > 0 {
                rules.push(rest[..end].to_string());
            }
            rest = rest[end..].trim_start();
            match rest.strip_prefix(',') {
                Some(more) => rest = more.trim_start(),
                None => break,
            }
        }
        let reason = Some(rest.trim())
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        TagDirective { rules, reason }
    }

    fn covers(&self, f: &Finding) -> bool {
        self.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case("all") || f.rule_is(r))
    }
}

/// Marks suppressed findings and reports suppressions that matched nothing.
pub fn apply_suppressions(findings: Vec<Finding>, estate: &Estate, ctx: &Context<'_>) -> Outcome {
    let tagged = tagged_resources(estate);
    let mut tag_used = vec![false; tagged.len()];
    let mut config_used = vec![false; ctx.config.suppressions.len()];
    let findings = findings
        .into_iter()
        .map(|mut f| {
            let tag = tagged
                .iter()
                .position(|(meta, d)| is_resource(meta, &f.resource) && d.covers(&f));
            if let Some(i) = tag {
                tag_used[i] = true;
                f.suppressed = Some(tag_suppression(&tagged[i].1));
                return f;
            }
            let entry = ctx
                .config
                .suppressions
                .iter()
                .position(|s| config_covers(s, &f));
            if let Some(i) = entry {
                config_used[i] = true;
                return by_config(f, &ctx.config.suppressions[i], ctx);
            }
            by_baseline(f, ctx.baseline)
        })
        .collect();
    let mut warnings = unused_tag_warnings(estate, &tagged, &tag_used);
    warnings.extend(unused_config_warnings(ctx.config, &config_used));
    warnings.sort();
    Outcome { findings, warnings }
}

/// A config entry suppresses its finding until `expires` has passed; then the finding is live
/// again and its message says which entry expired.
fn by_config(mut f: Finding, entry: &ConfigSuppression, ctx: &Context<'_>) -> Finding {
    match entry.expires {
        Some(day) if day < ctx.today => f.message = expired_message(&f.message, entry, ctx.config),
        _ => f.suppressed = Some(config_suppression(entry)),
    }
    f
}

fn by_baseline(mut f: Finding, baseline: Option<&Baseline>) -> Finding {
    if let Some(b) = baseline.filter(|b| b.contains(&f)) {
        f.suppressed = Some(Suppression {
            kind: SuppressionKind::Baseline,
            reason: format!("present in baseline {}", b.path),
            expires: None,
        });
    }
    f
}

/// Every object of the estate that carries a `vpclint:ignore` tag, with its parsed value.
fn tagged_resources(estate: &Estate) -> Vec<(&Meta, TagDirective)> {
    all_metas(estate)
        .filter_map(|m| m.tags.get(TAG_KEY).map(|v| (m, TagDirective::parse(v))))
        .collect()
}

/// Whether a finding's resource (an AWS id or a Terraform address) names this object.
fn is_resource(meta: &Meta, resource: &str) -> bool {
    meta.id == resource || meta.address.as_deref() == Some(resource)
}

/// The one place that knows every arena of the estate: all objects that carry tags.
fn all_metas(e: &Estate) -> impl Iterator<Item = &Meta> {
    let metas: [Box<dyn Iterator<Item = &Meta> + '_>; 19] = [
        Box::new(e.vpcs.iter().map(|x| &x.meta)),
        Box::new(e.subnets.iter().map(|x| &x.meta)),
        Box::new(e.route_tables.iter().map(|x| &x.meta)),
        Box::new(e.network_acls.iter().map(|x| &x.meta)),
        Box::new(e.security_groups.iter().map(|x| &x.meta)),
        Box::new(e.prefix_lists.iter().map(|x| &x.meta)),
        Box::new(e.interfaces.iter().map(|x| &x.meta)),
        Box::new(e.instances.iter().map(|x| &x.meta)),
        Box::new(e.internet_gateways.iter().map(|x| &x.meta)),
        Box::new(e.egress_only_gateways.iter().map(|x| &x.meta)),
        Box::new(e.nat_gateways.iter().map(|x| &x.meta)),
        Box::new(e.peerings.iter().map(|x| &x.meta)),
        Box::new(e.elastic_ips.iter().map(|x| &x.meta)),
        Box::new(e.load_balancers.iter().map(|x| &x.meta)),
        Box::new(e.listeners.iter().map(|x| &x.meta)),
        Box::new(e.target_groups.iter().map(|x| &x.meta)),
        Box::new(e.databases.iter().map(|x| &x.meta)),
        Box::new(e.db_subnet_groups.iter().map(|x| &x.meta)),
        Box::new(e.key_pairs.iter().map(|x| &x.meta)),
    ];
    metas.into_iter().flatten()
}

fn tag_suppression(d: &TagDirective) -> Suppression {
    Suppression {
        kind: SuppressionKind::Tag,
        reason: d
            .reason
            .clone()
            .unwrap_or_else(|| format!("{TAG_KEY} tag (no reason given)")),
        expires: None,
    }
}

fn config_covers(s: &ConfigSuppression, f: &Finding) -> bool {
    (s.rule.eq_ignore_ascii_case("all") || f.rule_is(&s.rule))
        && s.resource.as_deref().is_none_or(|r| r == f.resource)
        && s.detail.as_deref().is_none_or(|d| d == f.detail)
}

fn config_suppression(s: &ConfigSuppression) -> Suppression {
    Suppression {
        kind: SuppressionKind::Config,
        reason: s.reason.clone(),
        expires: s.expires.map(|d| d.to_string()),
    }
}

fn expired_message(message: &str, s: &ConfigSuppression, config: &Config) -> String {
    let day = s.expires.map(|d| d.to_string()).unwrap_or_default();
    format!(
        "{message} (suppression expired on {day}: {}:{}: \"{}\")",
        config.path.as_deref().unwrap_or("config"),
        s.at,
        s.reason
    )
}

fn unused_tag_warnings(
    estate: &Estate,
    tagged: &[(&Meta, TagDirective)],
    used: &[bool],
) -> Vec<SuppressionWarning> {
    tagged
        .iter()
        .zip(used)
        .filter(|(_, &u)| !u)
        .map(|((meta, d), _)| {
            let loc = estate.location(&meta.source);
            let place = match loc.line {
                Some(line) => format!("{}:{line}", loc.file),
                None => loc.file,
            };
            SuppressionWarning {
                place,
                message: format!(
                    "{TAG_KEY} tag on {} ({}) matches no finding",
                    meta.id,
                    d.rules.join(",")
                ),
            }
        })
        .collect()
}

fn unused_config_warnings(config: &Config, used: &[bool]) -> Vec<SuppressionWarning> {
    config
        .suppressions
        .iter()
        .zip(used)
        .filter(|(_, &u)| !u)
        .map(|(s, _)| SuppressionWarning {
            place: format!("{}:{}", config.path.as_deref().unwrap_or("config"), s.at),
            message: format!(
                "suppression of {} on {} matches no finding",
                s.rule,
                s.resource.as_deref().unwrap_or("any resource")
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, SecurityGroup, Source, Tags};
    use crate::rules::Severity;
    use std::path::Path;

    fn finding(rule: &str, resource: &str) -> Finding {
        Finding {
            rule: rule.into(),
            name: format!("name-of-{rule}"),
            severity: Severity::High,
            resource: resource.into(),
            related: vec![],
            message: "bad".into(),
            location: Location {
                file: "f.json".into(),
                line: Some(3),
                pointer: None,
            },
            detail: String::new(),
            suppressed: None,
        }
    }

    fn estate_with_tag(id: &str, value: &str) -> Estate {
        let mut e = Estate::default();
        let mut meta = Meta::new(id, Source::default());
        meta.tags = Tags(vec![(TAG_KEY.into(), value.into())]);
        meta.address = Some("aws_security_group.web".into());
        e.add_file(crate::model::SourceFile::new("sg.json".into(), None));
        let group = SecurityGroup {
            meta,
            name: "web".into(),
            description: String::new(),
            vpc_id: "vpc-1".into(),
            ingress: vec![],
            egress: vec![],
        };
        e.security_groups.insert(id, group);
        e
    }

    fn config(text: &str) -> Config {
        Config::parse(text, "vpclint.toml", Path::new("")).unwrap()
    }

    fn run(findings: Vec<Finding>, e: &Estate, c: &Config) -> Outcome {
        let ctx = Context {
            config: c,
            baseline: None,
            today: Date::new(2026, 11, 22).unwrap(),
        };
        apply_suppressions(findings, e, &ctx)
    }

    #[test]
    fn tag_values_parse_into_rules_and_reason() {
        let d = TagDirective::parse("VL001, ssh-open  bastion host, reviewed");
        assert_eq!(d.rules, ["VL001", "ssh-open"]);
        assert_eq!(d.reason.as_deref(), Some("bastion host, reviewed"));
        assert_eq!(TagDirective::parse("all").reason, None);
        assert_eq!(TagDirective::parse("").rules, Vec::<String>::new());
    }

    #[test]
    fn tags_suppress_by_id_name_or_all_and_by_terraform_address() {
        let e = estate_with_tag("sg-1", "VL001,name-of-VL002 known");
        let out = run(
            vec![
                finding("VL001", "sg-1"),
                finding("VL002", "aws_security_group.web"),
                finding("VL003", "sg-1"),
                finding("VL001", "sg-2"),
            ],
            &e,
            &Config::default(),
        );
        let kinds: Vec<_> = out
            .findings
            .iter()
            .map(|f| f.suppressed.as_ref().map(|s| s.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                Some(SuppressionKind::Tag),
                Some(SuppressionKind::Tag),
                None,
                None
            ]
        );
        assert_eq!(out.findings[0].suppressed.as_ref().unwrap().reason, "known");
        assert!(out.warnings.is_empty());
        let all = estate_with_tag("sg-1", "all");
        assert!(
            run(vec![finding("VL009", "sg-1")], &all, &Config::default()).findings[0]
                .is_suppressed()
        );
    }

    #[test]
    fn config_entries_suppress_until_they_expire() {
        let c = config(
            "[[ignore]]\nrule = \"VL001\"\nresource = \"sg-1\"\nreason = \"until fixed\"\nexpires = 2026-11-22\n\
             [[ignore]]\nrule = \"VL002\"\nreason = \"old\"\nexpires = 2026-11-21\n",
        );
        let out = run(
            vec![finding("VL001", "sg-1"), finding("VL002", "sg-7")],
            &Estate::default(),
            &c,
        );
        let s = out.findings[0].suppressed.as_ref().unwrap();
        assert_eq!(
            (s.kind, s.expires.as_deref()),
            (SuppressionKind::Config, Some("2026-11-22"))
        );
        let expired = &out.findings[1];
        assert!(!expired.is_suppressed());
        assert_eq!(
            expired.message,
            "bad (suppression expired on 2026-11-21: vpclint.toml:6:1: \"old\")"
        );
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn baselines_suppress_but_never_hide_an_expired_entry() {
        let c = config("[[ignore]]\nrule = \"VL002\"\nreason = \"old\"\nexpires = 2026-01-01\n");
        let known = [finding("VL001", "sg-1"), finding("VL002", "sg-2")];
        let baseline = Baseline::from_findings(&known);
        let ctx = Context {
            config: &c,
            baseline: Some(&baseline),
            today: Date::new(2026, 11, 22).unwrap(),
        };
        let out = apply_suppressions(known.to_vec(), &Estate::default(), &ctx);
        let kind = |i: usize| out.findings[i].suppressed.as_ref().map(|s| s.kind);
        assert_eq!(kind(0), Some(SuppressionKind::Baseline));
        assert_eq!(kind(1), None, "the expired deadline wins over the baseline");
    }

    #[test]
    fn unmatched_suppressions_are_warnings() {
        let e = estate_with_tag("sg-1", "VL005 later");
        let c = config("[[ignore]]\nrule = \"VL001\"\nresource = \"sg-9\"\nreason = \"r\"\n");
        let out = run(vec![finding("VL001", "sg-1")], &e, &c);
        let w: Vec<String> = out.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            w,
            [
                "sg.json: vpclint:ignore tag on sg-1 (VL005) matches no finding",
                "vpclint.toml:1:1: suppression of VL001 on sg-9 matches no finding",
            ]
        );
    }
}
