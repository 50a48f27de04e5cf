//! Predicates answered by the reachability engine (`crate::reach`).
//!
//! They need facts from [`crate::rules::EvalContext`]; without those the evaluator treats
//! them as false and records a note (a library user may evaluate rules without the engine).

use crate::rules::eval::{Env, Verdict};
use crate::rules::registry::{Arg, Needs, PredicateDef};
use crate::rules::subject::Subject;
use crate::rules::ResourceKind as K;

pub const PREDICATES: &[PredicateDef] = &[
    PredicateDef {
        pattern: "exposed <traffic> from internet",
        kinds: &[K::Instance, K::Interface, K::Database, K::LoadBalancer],
        provides: &["traffic", "sources", "path", "severity"],
        needs: Needs::Reach,
        help: "the reachability engine finds this traffic reaching it from the internet",
        eval: exposed,
    },
    PredicateDef {
        pattern: "bypasses load balancer",
        kinds: &[K::Instance, K::Interface],
        provides: &["load-balancers", "traffic", "sources"],
        needs: Needs::Reach,
        help: "a target of an internet-facing load balancer that the internet also reaches directly on the target port",
        eval: bypasses_load_balancer,
    },
    PredicateDef {
        pattern: "drops return traffic",
        kinds: &[K::NetworkAcl],
        provides: &["problems", "severity"],
        needs: Needs::Reach,
        help: "it admits requests whose replies its other direction drops (entirely, or for a common client port range)",
        eval: drops_return_traffic,
    },
];

fn exposed(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let (Some(reach), Some(Arg::Traffic(t))) = (env.ctx.reach, args.first()) else {
        return Verdict::no();
    };
    let Some(hit) = reach.exposed_from_internet(s.resource(), t.protocol, &t.ports) else {
        return Verdict::no();
    };
    // Behind a load balancer only, facing the internet is the balancer's job: medium,
    // unless what it forwards is an admin or database port.
    let grade = if touches(
        &hit.ports,
        &env.sets().ports,
        &["admin-ports", "database-ports"],
    ) {
        "critical"
    } else if hit.direct {
        "high"
    } else {
        "medium"
    };
    Verdict::from(true)
        .with_evidence(hit.evidence)
        .with_fact("traffic", hit.traffic)
        .with_fact("sources", hit.sources)
        .with_fact("path", hit.path)
        .with_fact("severity", grade.to_string())
}

fn bypasses_load_balancer(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(reach) = env.ctx.reach else {
        return Verdict::no();
    };
    let Some(hit) = reach.load_balancer_bypass(s.resource()) else {
        return Verdict::no();
    };
    let detail = format!("{} {}", hit.load_balancers, hit.traffic);
    Verdict::from(true)
        .with_evidence(hit.evidence)
        .with_fact("detail", detail)
        .with_fact("load-balancers", hit.load_balancers)
        .with_fact("traffic", hit.traffic)
        .with_fact("sources", hit.sources)
}

/// Medium when some clients get no reply at all (the service is broken for them), low when
/// replies only miss one of the common client port ranges.
fn drops_return_traffic(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(reach) = env.ctx.reach else {
        return Verdict::no();
    };
    let Some(hit) = reach.return_traffic_gaps(s.resource()) else {
        return Verdict::no();
    };
    let grade = if hit.blocked_entirely {
        "medium"
    } else {
        "low"
    };
    Verdict::from(true)
        .with_evidence(hit.evidence)
        .with_fact("problems", hit.problems)
        .with_fact("severity", grade.to_string())
        .with_fact("detail", hit.cases)
}

/// Whether any exposed port lies in one of the named port sets of `rules/sets.vpl`.
fn touches(
    exposed: &[(u16, u16)],
    sets: &std::collections::BTreeMap<String, Vec<(u16, u16)>>,
    names: &[&str],
) -> bool {
    names
        .iter()
        .filter_map(|n| sets.get(*n))
        .flatten()
        .any(|&(lo, hi)| exposed.iter().any(|&(a, b)| a <= hi && lo <= b))
}
