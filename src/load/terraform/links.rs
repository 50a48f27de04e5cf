//! The conversion context: ids by address, unknown marks, reference links and locations.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::convert::LaunchNet;
use super::defaults::VpcInfo;
use super::obj::{ErrCtx, Obj};
use super::refs::{references, From, Resolver, Target};
use super::shapes::ConfigResource;
use super::tf_files::TfLocations;
use super::{Inst, Unsupported};
use crate::model::{Direction, Estate, FileIx, Meta, Peer, PortSpec, Source, Tags};
use crate::net::Protocol;

/// State shared by every converter while one plan or state file is loaded.
pub struct Ctx<'e, 'c> {
    pub estate: &'e mut Estate,
    pub file: FileIx,
    pub err: &'c ErrCtx,
    pub resolver: Resolver<'c>,
    /// Address → `after_unknown` of its change.
    unknown: &'c HashMap<String, Value>,
    pub tf: TfLocations,
    /// Full instance address → the id its object gets (AWS id, or the address).
    pub ids: HashMap<String, String>,
    /// Full instance address → resource type.
    kinds: HashMap<String, String>,
    pub unsupported: Unsupported,
    /// The provider's region, when the configuration names one.
    pub region: Option<String>,
    /// Work for [`super::defaults::finish`], recorded while converting.
    pub later: Later,
    /// JSON pointer of a resource → its `.tf` block, for the resources whose block was found.
    pub tf_blocks: HashMap<String, Source>,
    /// Resolved references per (expression, wanted types, single) and referencing resource
    /// base: every instance of a counted resource shares them (see [`Ctx::linked`]).
    links: RefCell<HashMap<LinkKey, LinksByBase>>,
    /// Stand-in id (`…aws_security_group.tier[?]`) → what it stands for.
    pub stand_ins: RefCell<BTreeMap<String, StandIn>>,
    /// Base address → referencing resource bases whose `count.index` was wrapped around it.
    pub wraps: RefCell<BTreeMap<String, BTreeSet<String>>>,
    /// (resource base, id attribute) → the ids its expression names, of which the first is
    /// used (a conditional expression, or a key computed from a local).
    pub ambiguous: RefCell<BTreeMap<(String, String), Vec<String>>>,
}

/// The expression (by address: configuration expressions live as long as the context),
/// the wanted types (by address and length: callers pass constant lists) and `single`.
type LinkKey = (usize, usize, usize, bool);

/// Referencing resource base address → its resolved links.
type LinksByBase = HashMap<String, Rc<[Link]>>;

/// A reference resolved to ids, before the referencing instance's key is known.
enum Link {
    Fixed(String, String),
    /// The instance of `base` with the referencing instance's key, else `otherwise`.
    Own {
        base: String,
        wrap: bool,
        otherwise: Vec<Link>,
    },
    /// One of `ids`, unknown which: stands in as `stand_in`.
    OneOf {
        stand_in: String,
        kind: String,
        ids: Vec<String>,
    },
}

/// Several security groups of one resource that an id attribute names without saying which
/// (`aws_security_group.tier[local.rules[count.index].group].id` in a plan).
pub struct StandIn {
    /// Their ids.
    pub candidates: Vec<String>,
    /// Base addresses of the resources whose attributes name it.
    pub referrers: BTreeSet<String>,
}

/// Facts only usable once every resource is loaded.
#[derive(Default)]
pub struct Later {
    /// VPCs created by this file (their defaults are synthesized unless replaced).
    pub vpcs: Vec<VpcInfo>,
    /// Route tables, elastic IPs and standalone interfaces loaded from this file.
    pub tables: Vec<String>,
    pub eips: Vec<String>,
    pub enis: Vec<String>,
    /// Launch templates: (id, address, network settings).
    pub templates: Vec<(String, String, LaunchNet)>,
    /// VPC ids whose default SG / NACL / main table a `aws_default_*` resource manages.
    pub own_default_sg: Vec<String>,
    pub own_default_nacl: Vec<String>,
    pub own_main_table: Vec<String>,
    /// Interfaces synthesized for instances: (interface id, `associate_public_ip_address`).
    pub instance_enis: Vec<(String, Option<bool>)>,
    /// Security-group names to resolve to ids (`aws_instance.security_groups`).
    pub group_names: Vec<(String, Vec<String>)>,
    /// Standalone security-group rules of a plan's `prior_state`: (group id, rule).
    pub prior_rules: Vec<(String, crate::model::SgRule)>,
    /// Subnets explicitly associated with a NACL.
    pub nacl_subnets: Vec<String>,
    /// (group id, direction) → keys of the rules it holds, once a standalone rule attaches.
    pub rule_keys: HashMap<(String, Direction), HashSet<RuleKey>>,
}

/// Direction, protocol, ports and peer: what makes two security-group rules the same.
pub type RuleKey = (Direction, Protocol, PortSpec, Peer);

/// One resource instance being converted, with its configuration block.
pub struct Res<'a, 'c> {
    pub inst: &'a Inst,
    pub obj: Obj<'a>,
    pub cfg: Option<&'c ConfigResource>,
    pub id: String,
}

impl<'c> Res<'_, 'c> {
    /// Whether `attr` is unknown and set by the configuration (an unknown attribute the
    /// configuration leaves unset is merely computed by the provider: nothing rests on it).
    pub fn unknown_set(&self, attr: &str) -> bool {
        self.obj.is_unknown(attr) && (self.cfg.is_none() || self.expr(attr).is_some())
    }

    /// The top-level expression of `attr` in the resource's configuration.
    pub fn expr(&self, attr: &str) -> Option<&'c Value> {
        self.cfg.and_then(|c| c.expressions.get(attr))
    }
}

impl<'e, 'c> Ctx<'e, 'c> {
    pub fn new(
        estate: &'e mut Estate,
        file: FileIx,
        err: &'c ErrCtx,
        resolver: Resolver<'c>,
        unknown: &'c HashMap<String, Value>,
        tf: TfLocations,
        insts: &[Inst],
    ) -> Self {
        let mut ids = HashMap::new();
        let mut kinds = HashMap::new();
        for i in insts {
            ids.insert(i.address.clone(), id_of(i));
            kinds.insert(i.address.clone(), i.kind.clone());
        }
        Ctx {
            estate,
            file,
            err,
            resolver,
            unknown,
            tf,
            ids,
            kinds,
            unsupported: Unsupported::new(),
            region: None,
            tf_blocks: HashMap::new(),
            later: Later::default(),
            links: RefCell::new(HashMap::new()),
            stand_ins: RefCell::new(BTreeMap::new()),
            wraps: RefCell::new(BTreeMap::new()),
            ambiguous: RefCell::new(BTreeMap::new()),
        }
    }

    /// The resource view of an instance; it borrows the instance and the file-wide data,
    /// not the context, so converters can keep it while inserting into the estate.
    pub fn res<'a>(&self, inst: &'a Inst) -> Res<'a, 'c>
    where
        'c: 'a,
    {
        Res {
            obj: Obj {
                map: &inst.values,
                unknown: self.unknown.get(&inst.address),
                pointer: inst.pointer.clone(),
                err: self.err,
            },
            cfg: self.resolver.resource(&inst.module, &inst.local),
            id: self
                .ids
                .get(&inst.address)
                .cloned()
                .unwrap_or_else(|| inst.address.clone()),
            inst,
        }
    }

    /// Records the `.tf` block of every resource instance that has one, including those that
    /// become parts of others (standalone rules, associations), for [`Ctx::tf_blocks`].
    pub fn note_blocks(&mut self, insts: &[Inst]) {
        for inst in insts {
            if let Some((path, line)) = self.tf.find(&inst.module, &inst.local) {
                let file = self.tf.file_ix(self.estate, &path);
                let block = Source {
                    file,
                    pointer: String::new(),
                    line: Some(line),
                };
                let json = inst.pointer.trim_end_matches("/values").to_string();
                self.tf_blocks.insert(json, block);
            }
        }
    }

    /// The object's `Meta`: id, address, tags, and its source (the `.tf` block when found,
    /// else the JSON pointer of the resource in the plan or state).
    pub fn meta(&mut self, res: &Res) -> Result<Meta, crate::error::LoadError> {
        let mut tags = res.obj.tags("tags_all")?;
        for (k, v) in res.obj.tags("tags")? {
            if !tags.iter().any(|(k2, _)| *k2 == k) {
                tags.push((k, v));
            }
        }
        let json = Source::new(self.file, res.inst.pointer.trim_end_matches("/values"));
        let source = match self.tf.find(&res.inst.module, &res.inst.local) {
            Some((path, line)) => {
                let file = self.tf.file_ix(self.estate, &path);
                Source {
                    file,
                    pointer: String::new(),
                    line: Some(line),
                }
            }
            None => json,
        };
        Ok(Meta {
            id: res.id.clone(),
            address: Some(res.inst.address.clone()),
            owner_id: res.obj.string("owner_id")?,
            // A known ARN names the region (state); else the provider's.
            region: res
                .obj
                .string("arn")?
                .and_then(|a| a.split(':').nth(3).map(str::to_string))
                .filter(|r| !r.is_empty())
                .or_else(|| self.region.clone()),
            tags: Tags(tags),
            source,
            unknown: Vec::new(),
        })
    }

    /// Ids an attribute links to: its value when known, else the referenced resources of the
    /// wanted `types` (through the configuration), else nothing with `attr` recorded in
    /// `unknown` when the plan says the value is unknown.
    pub fn link(
        &self,
        res: &Res,
        obj: &Obj,
        attr: &str,
        expr: Option<&'c Value>,
        types: &'static [&'static str],
        unknown: &mut Vec<String>,
    ) -> Result<Vec<String>, crate::error::LoadError> {
        let known = self.known_and_referenced(res, obj, attr, expr, types)?;
        if !known.is_empty() {
            return Ok(known);
        }
        if obj.get(attr).is_some() && !obj.is_unknown(attr) {
            return Ok(Vec::new()); // known and empty
        }
        let single = attr_is_single(attr);
        let linked: Vec<String> = self
            .linked(res, expr, types, single)
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        if single && linked.len() > 1 {
            // `var.public ? aws_subnet.public[0].id : aws_subnet.private[0].id`, or a subnet
            // picked by a local: callers take the first, and say so once per resource and
            // attribute.
            self.ambiguous
                .borrow_mut()
                .entry((res.inst.base.clone(), attr.to_string()))
                .or_insert_with(|| linked.clone());
        }
        // An unknown attribute the configuration does not set is merely computed by the
        // provider (`source_security_group_id` of a CIDR rule): nothing rests on it.
        let set_by_config = res.cfg.is_none() || expr.is_some();
        if linked.is_empty() && obj.is_unknown(attr) && set_by_config {
            unknown.push(attr.to_string());
        }
        Ok(linked)
    }

    /// The known values of a list attribute, else (when unknown) the ids its references
    /// name. Unlike [`Ctx::link`] it records nothing: callers decide what unknown means.
    pub fn linked_or_known(
        &self,
        res: &Res,
        o: &Obj,
        attr: &str,
        expr: Option<&'c Value>,
        types: &'static [&'static str],
    ) -> Result<Vec<String>, crate::error::LoadError> {
        let known = self.known_and_referenced(res, o, attr, expr, types)?;
        if !known.is_empty() || !o.is_unknown(attr) {
            return Ok(known);
        }
        Ok(self
            .linked(res, expr, types, attr_is_single(attr))
            .into_iter()
            .map(|(_, id)| id)
            .collect())
    }

    /// The known values of `attr`, plus, when some elements are unknown
    /// (`[aws_security_group.a.id, "sg-123"]`), the ids its references name.
    fn known_and_referenced(
        &self,
        res: &Res,
        o: &Obj,
        attr: &str,
        expr: Option<&'c Value>,
        types: &'static [&'static str],
    ) -> Result<Vec<String>, crate::error::LoadError> {
        let mut known = o.strings(attr)?;
        if o.is_partly_unknown(attr) {
            for (_, id) in self.linked(res, expr, types, false) {
                if !known.contains(&id) {
                    known.push(id);
                }
            }
        }
        Ok(known)
    }

    /// Resolves an expression's references to (type, id) of resources of `types`. A single
    /// id attribute that names one of several instances without saying which gets the
    /// instances' stand-in (security groups, see [`super::stand_in`]) or, for other types,
    /// every candidate ([`Ctx::link`] then reports that the first is used).
    pub fn linked(
        &self,
        res: &Res,
        expr: Option<&'c Value>,
        types: &'static [&'static str],
        single: bool,
    ) -> Vec<(String, String)> {
        let Some(expr) = expr else {
            return Vec::new();
        };
        let links = self.template(res, expr, types, single);
        let mut out = Vec::new();
        for l in links.iter() {
            self.emit(l, res, &mut out);
        }
        out.dedup();
        out
    }

    /// The references of `expr` resolved for every instance of `res`'s resource, cached:
    /// 7,000 instances of one counted rule resource share one resolution.
    fn template(
        &self,
        res: &Res,
        expr: &'c Value,
        types: &'static [&'static str],
        single: bool,
    ) -> Rc<[Link]> {
        let key = (
            std::ptr::from_ref(expr) as usize,
            types.as_ptr() as usize,
            types.len(),
            single,
        );
        let base = res.inst.base.as_str();
        if let Some(hit) = self.links.borrow().get(&key).and_then(|m| m.get(base)) {
            return Rc::clone(hit);
        }
        let refs = each_value_refs(res, references(Some(expr)));
        let from = From {
            module: &res.inst.module,
            key: None,
            base,
            single,
        };
        let links: Rc<[Link]> = self
            .resolver
            .template(&refs, from)
            .iter()
            .filter_map(|t| self.link_of(t, types))
            .collect();
        self.links
            .borrow_mut()
            .entry(key)
            .or_default()
            .insert(base.to_string(), Rc::clone(&links));
        links
    }

    fn link_of(&self, target: &Target, types: &[&str]) -> Option<Link> {
        let wanted = |kind: &str| types.is_empty() || types.contains(&kind);
        match target {
            Target::Addr(addr) => {
                let kind = self.kinds.get(addr).filter(|k| wanted(k))?;
                Some(Link::Fixed(kind.clone(), self.ids.get(addr)?.clone()))
            }
            Target::Own {
                base,
                wrap,
                otherwise,
            } => {
                let otherwise: Vec<Link> = otherwise
                    .iter()
                    .filter_map(|t| self.link_of(t, types))
                    .collect();
                // The instances of one base share a type: no wanted fallback, no wanted own.
                (!otherwise.is_empty()).then(|| Link::Own {
                    base: base.clone(),
                    wrap: *wrap,
                    otherwise,
                })
            }
            Target::OneOf { base, addrs } => {
                let kind = self.kinds.get(addrs.first()?).filter(|k| wanted(k))?;
                Some(Link::OneOf {
                    stand_in: format!("{base}[?]"),
                    kind: kind.clone(),
                    ids: addrs
                        .iter()
                        .filter_map(|a| self.ids.get(a).cloned())
                        .collect(),
                })
            }
        }
    }

    fn emit(&self, link: &Link, res: &Res, out: &mut Vec<(String, String)>) {
        match link {
            Link::Fixed(kind, id) => out.push((kind.clone(), id.clone())),
            Link::Own {
                base,
                wrap,
                otherwise,
            } => {
                let own = self.resolver.own_instance(base, &res.inst.key, *wrap);
                if let Some((_, true)) = own {
                    self.wraps
                        .borrow_mut()
                        .entry(base.clone())
                        .or_default()
                        .insert(res.inst.base.clone());
                }
                let found = own.and_then(|(a, _)| Some((self.kinds.get(&a)?, self.ids.get(&a)?)));
                match found {
                    Some((kind, id)) => out.push((kind.clone(), id.clone())),
                    None => otherwise.iter().for_each(|l| self.emit(l, res, out)),
                }
            }
            Link::OneOf { kind, ids, .. } if !super::stand_in::stands_in(kind) => {
                // No stand-in for a subnet: every candidate; `link` says the first is used.
                out.extend(ids.iter().map(|id| (kind.clone(), id.clone())));
            }
            Link::OneOf {
                stand_in,
                kind,
                ids,
            } => {
                let mut stand_ins = self.stand_ins.borrow_mut();
                let entry = stand_ins
                    .entry(stand_in.clone())
                    .or_insert_with(|| StandIn {
                        candidates: ids.clone(),
                        referrers: BTreeSet::new(),
                    });
                if !entry.referrers.contains(&res.inst.base) {
                    entry.referrers.insert(res.inst.base.clone());
                }
                out.push((kind.clone(), stand_in.clone()));
            }
        }
    }

    /// The expression of `attr` inside block `index` of `block` (of `count` blocks): the
    /// block's own expression when the configuration lists blocks one by one in the same
    /// number, else the whole attribute's expression (every reference in any block; sets
    /// are reordered by Terraform, so positions cannot be trusted).
    pub fn block_expr(
        &self,
        res: &Res<'_, 'c>,
        block: &str,
        index: usize,
        count: usize,
        attr: &str,
    ) -> Option<&'c Value> {
        let whole = res.cfg?.expressions.get(block)?;
        match whole {
            Value::Array(items) if items.len() == 1 && count == 1 => {
                items.get(index).and_then(|b| b.get(attr))
            }
            _ => Some(whole),
        }
    }

    pub fn count_unsupported(&mut self, kind: &str) {
        *self.unsupported.entry(kind.to_string()).or_default() += 1;
    }

    pub fn report_unsupported(&mut self, path: &str) {
        if self.unsupported.is_empty() {
            return;
        }
        let list: Vec<String> = self
            .unsupported
            .iter()
            .map(|(k, n)| format!("{k} ({n})"))
            .collect();
        self.estate.warn(
            path,
            format!(
                "Terraform resource types not modelled, skipped: {}",
                list.join(", ")
            ),
        );
    }
}

/// `for_each = aws_subnet.s` with `subnet_id = each.value.id`: the expression names no
/// resource, only `each.value`, which is the instance of `aws_subnet.s` with the same key,
/// so it reads as `aws_subnet.s[each.key]`.
fn each_value_refs(res: &Res, refs: Vec<String>) -> Vec<String> {
    let uses_value = refs.iter().any(|r| r.starts_with("each.value"));
    if !uses_value || refs.iter().any(|r| super::refs::names_resource(r)) {
        return refs;
    }
    let over = references(res.cfg.and_then(|c| c.for_each_expression.as_ref()));
    if !over.iter().any(|r| super::refs::names_resource(r)) {
        return refs;
    }
    let mut out: Vec<String> = refs
        .into_iter()
        .filter(|r| !r.starts_with("each.value"))
        .collect();
    out.extend(over.into_iter().filter(|r| super::refs::names_resource(r)));
    out.push("each.key".to_string());
    out
}

/// Attributes that hold one id (a bare reference to a counted resource from a resource
/// with the same keys then means "the instance with my key").
fn attr_is_single(attr: &str) -> bool {
    attr.ends_with("_id") || attr.ends_with("_arn") || attr.ends_with("_name") || attr == "instance"
}

/// The id an instance's object gets: the AWS id (ARN for load balancers, listeners and
/// target groups; the name for DB subnet groups) when known, else the address.
fn id_of(i: &Inst) -> String {
    let s = |k: &str| {
        i.values
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let known = match i.kind.as_str() {
        "aws_lb"
        | "aws_alb"
        | "aws_lb_listener"
        | "aws_alb_listener"
        | "aws_lb_target_group"
        | "aws_alb_target_group" => s("arn").or_else(|| s("id")),
        "aws_key_pair" => s("key_pair_id").or_else(|| s("id")),
        "aws_db_subnet_group" => s("name").or_else(|| s("id")),
        _ => s("id"),
    };
    known.unwrap_or_else(|| i.address.clone())
}
