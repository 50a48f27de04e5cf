//! Predicates answered by other analyses: reachability (`crate::reach`) and key-file scans.
//!
//! They are registered so rule files can already be checked against them, but they need
//! facts from [`crate::rules::EvalContext`]; without those the evaluator treats them as
//! false and records a note.  The engine's owners replace the bodies, or register richer rows with
//! [`crate::rules::Registry::add`].

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
        pattern: "tracked-by-git",
        kinds: &[K::KeyFile],
        provides: &[],
        needs: Needs::Keys,
        help: "the key file is tracked by git",
        eval: not_yet,
    },
];

fn exposed(s: &Subject<'_>, args: &[Arg], env: &Env<'_>) -> Verdict {
    let (Some(reach), Some(Arg::Traffic(t))) = (env.ctx.reach, args.first()) else {
        return Verdict::no();
    };
    let Some(hit) = reach.exposed_from_internet(s.resource(), t.protocol, &t.ports) else {
        return Verdict::no();
    };
    let grade = if touches(
        &hit.ports,
        &env.sets().ports,
        &["admin-ports", "database-ports"],
    ) {
        "critical"
    } else {
        "high"
    };
    Verdict::from(true)
        .with_evidence(hit.evidence)
        .with_fact("traffic", hit.traffic)
        .with_fact("sources", hit.sources)
        .with_fact("path", hit.path)
        .with_fact("severity", grade.to_string())
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

/// Key files are not subjects yet (the key loader adds them); nothing to decide.
fn not_yet(_: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::no()
}
