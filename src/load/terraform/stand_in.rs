//! Stand-ins for "one of these instances, unknown which".
//!
//! `security_group_id = aws_security_group.tier[local.rules[count.index].to].id` is a common
//! way to spread rules over groups, and a plan cannot say which group each rule gets: the
//! key comes from a local value, and the JSON records only that the expression references
//! `aws_security_group.tier`, `local.rules` and `count.index`. Taking the first instance
//! (what vpclint did before) silently moves every rule to `tier[0]`; attaching the rule to
//! every instance multiplies it (and its findings) by the number of instances.
//!
//! Instead the rule goes to one stand-in group, `…aws_security_group.tier[?]`, that every
//! member of any candidate also belongs to. Its rules are checked and reported once, at
//! their own `.tf` block, and reachability over-approximates: what the real group admits,
//! the stand-in admits to every candidate's members. Other resource types cannot be
//! stood in for (an interface lives in one subnet): an id attribute uses the first candidate
//! and a list (a balancer's subnets) all of them. Each stand-in is reported once, with the
//! resources that name it. Tags and the name that every candidate shares carry over, so
//! tag suppressions and the default-group rules still apply.

use std::collections::{BTreeSet, HashMap};

use super::convert::GROUPS;
use super::links::Ctx;
use crate::model::{Meta, SecurityGroup, Tags};

/// Whether one-of-several links of this type get a stand-in object (otherwise every
/// candidate is linked and `Ctx::link` reports that an id attribute uses the first).
pub fn stands_in(kind: &str) -> bool {
    GROUPS.contains(&kind)
}

/// Creates the stand-in group `id` if `id` names one and it does not exist yet.
pub fn ensure_group(ctx: &mut Ctx, id: &str) {
    if ctx.estate.security_groups.get_by_id(id).is_some() {
        return;
    }
    let Some(candidates) = ctx.stand_ins.borrow().get(id).map(|s| s.candidates.clone()) else {
        return;
    };
    let groups: Vec<&SecurityGroup> = candidates
        .iter()
        .filter_map(|c| ctx.estate.security_groups.get_by_id(c))
        .collect();
    let Some(first) = groups.first() else {
        return;
    };
    // The candidates of one counted resource share a VPC unless the key picks it.
    let vpc_id = if groups.iter().all(|g| g.vpc_id == first.vpc_id) {
        first.vpc_id.clone()
    } else {
        String::new()
    };
    let mut meta = Meta::new(id, first.meta.source.clone());
    meta.address = Some(id.to_string());
    meta.region = first.meta.region.clone();
    meta.owner_id = first.meta.owner_id.clone();
    meta.unknown = vec!["id".to_string()];
    meta.tags = Tags(
        first
            .meta
            .tags
            .0
            .iter()
            .filter(|t| groups.iter().all(|g| g.meta.tags.0.contains(t)))
            .cloned()
            .collect(),
    );
    let name = if groups.iter().all(|g| g.name == first.name) {
        first.name.clone()
    } else {
        id.to_string()
    };
    let group = SecurityGroup {
        meta,
        name,
        description: format!(
            "stands in for one of {} security groups, chosen by a key the plan does not record",
            candidates.len()
        ),
        vpc_id,
        ingress: Vec::new(),
        egress: Vec::new(),
    };
    ctx.estate.security_groups.insert(id, group);
}

/// After every resource is converted: the stand-in groups that only appear as rule peers
/// exist too, stand-ins and candidates share their members, and each stand-in, wrap-around
/// and first-of-several choice is reported once.
pub fn finish(ctx: &mut Ctx) {
    let ids: Vec<String> = ctx.stand_ins.borrow().keys().cloned().collect();
    for id in &ids {
        ensure_group(ctx, id);
    }
    if !ids.is_empty() {
        add_members(ctx);
    }
    let mut messages: Vec<String> = ctx
        .ambiguous
        .borrow()
        .iter()
        .map(|((base, attr), ids)| first_of_several(base, attr, ids))
        .collect();
    messages.extend(ctx.wraps.borrow().iter().map(|(base, by)| {
        format!(
            "{}: `count.index` goes past the last instance of {base}; vpclint assumed it \
             wraps around (`count.index % n`, as `element()` does)",
            joined(by)
        )
    }));
    messages.extend(ctx.stand_ins.borrow().iter().map(|(id, s)| {
        format!(
            "{}: an id attribute names one of the {} instances of {} by a key the plan does \
             not record (computed from a local, a variable, a module output or `each.value`); \
             vpclint uses the stand-in group `{id}` for it: rules attached to it apply to the \
             members of every candidate, and a resource in it is in every candidate, so \
             reachability may be wider than after apply (run on the state for exact answers)",
            joined(&s.referrers),
            s.candidates.len(),
            id.trim_end_matches("[?]")
        )
    }));
    let path = ctx.err.path.clone();
    for m in messages {
        ctx.estate.warn(path.clone(), m);
    }
}

fn joined(items: &BTreeSet<String>) -> String {
    items
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_of_several(base: &str, attr: &str, ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
    let more = match ids.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "{base}: `{attr}` names one of {}{more}, and the plan does not say which (a \
         conditional, or a key computed from a local or a variable); vpclint used the first \
         (run on the state for exact answers)",
        shown.join(", ")
    )
}

/// Every interface, instance, load balancer and database in a candidate group is also in
/// the candidate's stand-ins; one that names a stand-in in its own groups
/// (`vpc_security_group_ids = [tier[local.x[count.index]].id]`) is in every candidate too.
/// Both over-approximate: never fewer groups than after apply.
fn add_members(ctx: &mut Ctx) {
    let stand_ins = ctx.stand_ins.borrow();
    let mut of_candidate: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, s) in stand_ins.iter() {
        for c in &s.candidates {
            of_candidate.entry(c).or_default().push(id);
        }
    }
    let push_new = |groups: &mut Vec<String>, add: Vec<String>| {
        for g in add {
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    };
    let widen = |groups: &mut Vec<String>| {
        // In this order and not further: a member of `tier[0]` joins `tier[?]`, not `tier[1]`.
        let named: Vec<String> = groups
            .iter()
            .filter_map(|g| stand_ins.get(g))
            .flat_map(|s| s.candidates.iter().cloned())
            .collect();
        push_new(groups, named);
        let joined: Vec<String> = groups
            .iter()
            .filter_map(|g| of_candidate.get(g.as_str()))
            .flat_map(|ids| ids.iter().map(|id| id.to_string()))
            .collect();
        push_new(groups, joined);
    };
    let e = &mut *ctx.estate;
    e.interfaces
        .iter_mut()
        .for_each(|x| widen(&mut x.group_ids));
    e.instances.iter_mut().for_each(|x| widen(&mut x.group_ids));
    e.load_balancers
        .iter_mut()
        .for_each(|x| widen(&mut x.group_ids));
    e.databases.iter_mut().for_each(|x| widen(&mut x.group_ids));
}
