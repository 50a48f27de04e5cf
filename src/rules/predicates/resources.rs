//! Predicates over instances, interfaces, load balancers, databases and key pairs.

use crate::rules::eval::{Env, Evidence, Verdict};
use crate::rules::registry::Arg;
use crate::rules::subject::Subject;

pub fn public_ip(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let ips: Vec<String> = match s {
        Subject::Interface(i) => i.public_ips.iter().map(|a| a.to_string()).collect(),
        Subject::Instance(i) => {
            let mut ips: Vec<String> = i.public_ip.iter().map(|a| a.to_string()).collect();
            if let Some(more) = env.derived.instance_public_ips.get(&i.meta.id) {
                ips.extend(more.iter().cloned());
            }
            ips.sort();
            ips.dedup();
            ips
        }
        Subject::UnlistedInstance { id, .. } => {
            let mut ips = env
                .derived
                .instance_public_ips
                .get(*id)
                .cloned()
                .unwrap_or_default();
            ips.sort();
            ips.dedup();
            ips
        }
        _ => Vec::new(),
    };
    Verdict::from(!ips.is_empty()).with_fact("public-ips", ips.join(", "))
}

pub fn in_public_subnet(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let subnets: Vec<&str> = match s {
        Subject::Instance(i) => i.subnet_id.iter().map(String::as_str).collect(),
        Subject::Interface(i) | Subject::UnlistedInstance { interface: i, .. } => {
            vec![i.subnet_id.as_str()]
        }
        Subject::Database(d) => {
            let mut ids: Vec<&str> = d.subnet_ids.iter().map(String::as_str).collect();
            if let Some(g) = d
                .subnet_group
                .as_deref()
                .and_then(|g| env.estate.db_subnet_groups.get_by_id(g))
            {
                ids.extend(g.subnet_ids.iter().map(String::as_str));
            }
            ids
        }
        _ => Vec::new(),
    };
    let mut public: Vec<String> = subnets
        .into_iter()
        .filter(|id| env.derived.public_subnets.contains(*id))
        .map(str::to_string)
        .collect();
    public.sort();
    public.dedup();
    if public.is_empty() {
        return Verdict::no();
    }
    let mut v = Verdict::from(true).with_fact("subnet", public.join(", "));
    v.related = public;
    v
}

/// An instance known only from an interface attachment has no known state: live, as an
/// instance record without `State` is (the reading that does not hide exposure).
pub fn running(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(match s {
        Subject::Instance(i) => i.is_live(),
        Subject::UnlistedInstance { .. } => true,
        _ => false,
    })
}

/// IMDSv1 is on unless tokens are `required` or the endpoint is `disabled`. An export
/// without `MetadataOptions` is read as the historical default (`optional`): the reading
/// that does not hide exposure. An instance known only from an interface attachment has no
/// record at all, so nothing is claimed about it.
pub fn imdsv1(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Subject::Instance(i) = s else {
        return Verdict::no();
    };
    let m = &i.metadata;
    let disabled = m.http_endpoint.as_deref() == Some("disabled");
    let required = m.http_tokens.as_deref() == Some("required");
    Verdict::from(!disabled && !required)
}

pub fn internet_facing(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::LoadBalancer(l) if l.is_internet_facing()))
}

/// HTTP listeners that forward to target groups. A listener whose only action redirects
/// (to HTTPS) has no target group and is fine.
pub fn forwards_http(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Subject::LoadBalancer(lb) = s else {
        return Verdict::no();
    };
    let mut listeners: Vec<_> = env
        .estate
        .listeners
        .iter()
        .filter(|l| l.load_balancer_arn == lb.meta.id)
        .filter(|l| l.protocol.eq_ignore_ascii_case("HTTP") && !l.target_group_arns.is_empty())
        .collect();
    listeners.sort_by_key(|l| l.port);
    if listeners.is_empty() {
        return Verdict::no();
    }
    let ports: Vec<String> = listeners.iter().map(|l| l.port.to_string()).collect();
    Verdict::from(true)
        .with_evidence(
            listeners
                .iter()
                .map(|l| Evidence {
                    id: l.meta.id.clone(),
                    source: l.meta.source.clone(),
                })
                .collect(),
        )
        .with_fact("detail", format!("http {}", ports.join(" ")))
        .with_fact("ports", ports.join(", "))
}

pub fn publicly_accessible(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::Database(d) if d.publicly_accessible))
}

pub fn unencrypted(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(matches!(s, Subject::Database(d) if !d.encrypted))
}

fn key_users<'e>(s: &Subject<'_>, env: &'e Env<'_>) -> &'e [String] {
    match s {
        Subject::KeyPair(k) => env
            .derived
            .key_users
            .get(&k.name)
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
}

fn users_verdict(users: &[String], holds: bool) -> Verdict {
    let mut v = Verdict::from(holds)
        .with_fact("instances", users.join(", "))
        .with_fact("count", users.len().to_string());
    v.related = users.to_vec();
    v
}

pub fn key_used(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let users = key_users(s, env);
    users_verdict(users, !users.is_empty())
}

pub fn key_used_by_more(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(Arg::Count(n)) = args.first() else {
        return Verdict::no();
    };
    let users = key_users(s, env);
    users_verdict(users, users.len() > *n as usize)
}
