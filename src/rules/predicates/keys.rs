//! Predicates over private-key files found by the key scan (`crate::load::keys`): encryption,
//! git status, web roots, file modes, the key pairs a key opens, and the grade of a leak.
//!
//! They all need the scan ([`Needs::Keys`]); `opens exposed instance` and the grading also read
//! reachability, and without it grade as if no instance were exposed (with a note).

use crate::load::keys::GitStatus;
use crate::net::Protocol;
use crate::rules::eval::{Env, Verdict};
use crate::rules::keyfile::{mode_text, KeyFileFact};
use crate::rules::registry::{Arg, Needs, PredicateDef};
use crate::rules::subject::Subject;
use crate::rules::ResourceKind as K;

const KEY_FILE: &[K] = &[K::KeyFile];

/// SSH, the port EC2 key pairs open.
const SSH: &[(u16, u16)] = &[(22, 22)];

const fn k(
    pattern: &'static str,
    provides: &'static [&'static str],
    help: &'static str,
    eval: crate::rules::registry::EvalFn,
) -> PredicateDef {
    PredicateDef {
        pattern,
        kinds: KEY_FILE,
        provides,
        needs: Needs::Keys,
        help,
        eval,
    }
}

pub const PREDICATES: &[PredicateDef] = &[
    k(
        "unencrypted",
        &[],
        "the key is not protected by a passphrase",
        unencrypted,
    ),
    k(
        "encrypted",
        &[],
        "the key is protected by a passphrase",
        encrypted,
    ),
    k(
        "tracked-by-git",
        &[],
        "the key file is in a git index (committed or staged)",
        tracked,
    ),
    k(
        "under web root",
        &[],
        "a folder on the key's path is a web root (public, static, www, htdocs, dist, …)",
        under_web_root,
    ),
    k(
        "embedded",
        &[],
        "the key is a string inside JSON or YAML (create-key-pair output, Terraform state)",
        embedded,
    ),
    k(
        "permissions too open",
        &["mode"],
        "group or others may access the file (mode & 0o077), outside git work trees",
        permissions_too_open,
    ),
    k(
        "matches key pair",
        &["key-pair", "instances"],
        "the key stands behind a key pair of the inputs (fingerprint or public key)",
        matches_key_pair,
    ),
    k(
        "opens exposed instance",
        &["exposed"],
        "an instance using the key's key pair has SSH (tcp/22) reachable from the internet",
        opens_exposed_instance,
    ),
    k(
        "graded by leak risk",
        &["severity", "risk"],
        "always true; critical when it opens an instance with SSH reachable from the internet, \
         high when tracked by git or under a web root, else medium",
        graded_by_leak_risk,
    ),
];

fn key<'e>(s: &Subject<'e>) -> Option<&'e KeyFileFact> {
    match s {
        Subject::KeyFile(k) => Some(k),
        _ => None,
    }
}

fn unencrypted(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(key(s).is_some_and(|k| !k.key.encrypted))
}

fn encrypted(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(key(s).is_some_and(|k| k.key.encrypted))
}

fn tracked(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let holds = match (key(s), env.ctx.keys) {
        (Some(k), Some(facts)) => facts.tracked_by_git(&k.path),
        _ => false,
    };
    Verdict::from(holds)
}

fn under_web_root(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(key(s).is_some_and(|k| k.key.under_web_root))
}

fn embedded(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    Verdict::from(key(s).is_some_and(|k| k.key.embedded))
}

/// Only judged outside git work trees: a checkout writes 0644 whatever the author's mode, so
/// there the mode says nothing about the deployed key (DESIGN.md §4).
fn permissions_too_open(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Some(k) = key(s) else {
        return Verdict::no();
    };
    match (k.key.ssh_refuses_mode(), k.key.mode) {
        (Some(true), Some(mode)) => Verdict::from(true).with_fact("mode", mode_text(mode)),
        _ => Verdict::no(),
    }
}

fn matches_key_pair(s: &Subject<'_>, _: &[Arg], _: &Env<'_>) -> Verdict {
    let Some(k) = key(s).filter(|k| !k.key_pairs.is_empty()) else {
        return Verdict::no();
    };
    let mut v = Verdict::from(true)
        .with_fact("key-pair", k.key_pair_names())
        .with_fact("instances", k.instances.join(", "));
    v.related = k.key_pairs.iter().map(|(_, id)| id.clone()).collect();
    v
}

fn opens_exposed_instance(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(k) = key(s) else {
        return Verdict::no();
    };
    let exposed = exposed_instances(k, env);
    if exposed.is_empty() {
        return Verdict::no();
    }
    let mut v = Verdict::from(true).with_fact("exposed", labels(&exposed, env));
    v.related = exposed;
    v
}

/// Instances using the key's key pairs whose SSH the internet reaches. Without reachability
/// facts none is known to be (noted once per run).
fn exposed_instances(k: &KeyFileFact, env: &Env<'_>) -> Vec<String> {
    if k.instances.is_empty() {
        return Vec::new();
    }
    let Some(reach) = env.ctx.reach else {
        env.note(
            "key files cannot be tied to exposed instances without reachability facts".to_string(),
        );
        return Vec::new();
    };
    k.instances
        .iter()
        .filter(|i| reach.exposed_from_internet(i, Protocol::TCP, SSH).is_some())
        .cloned()
        .collect()
}

/// `i-… (name)` for each instance id.
fn labels(ids: &[String], env: &Env<'_>) -> String {
    let shown: Vec<String> = ids
        .iter()
        .map(|id| {
            env.estate
                .instances
                .get_by_id(id)
                .map_or_else(|| id.clone(), |i| i.meta.label())
        })
        .collect();
    shown.join(", ")
}

/// The leak's severity and, in words, everything that makes it worse. The finding points at
/// the key file; the exposed instances and the key pairs are listed as related.
fn graded_by_leak_risk(s: &Subject<'_>, _: &[Arg], env: &Env<'_>) -> Verdict {
    let Some(k) = key(s) else {
        return Verdict::no();
    };
    let exposed = exposed_instances(k, env);
    let mut risks = Vec::new();
    if !exposed.is_empty() {
        risks.push(format!(
            "SSH (tcp/22) of {} is reachable from the internet",
            labels(&exposed, env)
        ));
    }
    risks.push(key_pair_phrase(k));
    if k.key.git == GitStatus::Tracked {
        risks.push("it is tracked by git".to_string());
    }
    if k.key.under_web_root {
        risks.push("it is under a web root".to_string());
    }
    let grade = if !exposed.is_empty() {
        "critical"
    } else if k.key.git == GitStatus::Tracked || k.key.under_web_root {
        "high"
    } else {
        "medium"
    };
    let mut v = Verdict::from(true)
        .with_fact("severity", grade.to_string())
        .with_fact("risk", risks.join("; "));
    v.related = exposed;
    v.related
        .extend(k.key_pairs.iter().map(|(_, id)| id.clone()));
    v
}

fn key_pair_phrase(k: &KeyFileFact) -> String {
    match (k.key_pairs.is_empty(), k.instances.is_empty()) {
        (true, _) => "it matches no key pair in the inputs".to_string(),
        (false, true) => format!(
            "it belongs to key pair {}, which no instance in the inputs uses",
            k.key_pair_names()
        ),
        (false, false) => format!(
            "it belongs to key pair {}, which opens {}",
            k.key_pair_names(),
            k.instances.join(", ")
        ),
    }
}
