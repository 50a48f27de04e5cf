//! Predicates answered by other analyses: reachability (`crate::reach`) and key-file scans.
//!
//! They are registered so rule files can already be checked against them, but they need
//! facts from [`crate::rules::EvalContext`]; without those the evaluator treats them as
//! false and records a note. No shipped rule uses them yet (their ids are reserved in
//! `rules/ids.vpl`). The engine's owners replace the bodies, or register richer rows with
//! [`crate::rules::Registry::add`].

use crate::rules::eval::{Env, Verdict};
use crate::rules::registry::{Arg, Needs, PredicateDef};
use crate::rules::subject::Subject;
use crate::rules::ResourceKind as K;

pub const PREDICATES: &[PredicateDef] = &[
    PredicateDef {
        pattern: "exposed <traffic> from internet",
        kinds: &[K::Instance, K::Interface, K::Database, K::LoadBalancer],
        provides: &[],
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
    match reach.exposed_from_internet(s.resource(), t.protocol, &t.ports) {
        Some(evidence) => Verdict::from(true).with_evidence(evidence),
        None => Verdict::no(),
    }
}

/// Key files are not subjects yet (the key loader adds them); nothing to decide.
fn not_yet(_: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::no()
}
