//! Terraform plan and state JSON (`terraform show -json`): resources of the hashicorp/aws
//! provider turned into the normalized estate.
//!
//! A plan is read from `planned_values` (what will exist after apply: a resource being
//! deleted is absent there), with `resource_changes[].change.after_unknown` telling which
//! values are only known after apply and the `configuration` section's `references` linking
//! resources whose ids do not exist yet (module `refs`). A state is read from `values`.
//!
//! Naming: an object's `meta.id` is its AWS id when known, else its full Terraform address;
//! `meta.address` is always the address and both find the object in its arena. Fields that
//! point at other objects hold the other object's `meta.id`.
//!
//! Values still unknown after following references are read so that nothing looks safer
//! than apply may make it, and recorded in `meta.unknown` (attribute paths): an unknown
//! CIDR or prefix list in a security-group rule is `0.0.0.0/0` / `::/0`; an unknown NACL
//! allow entry covers everyone while an unknown deny entry is dropped; an unknown route
//! destination is the default route; an unknown protocol is all protocols. An attribute
//! the configuration does not set is merely computed by the provider and not recorded.
//!
//! What AWS creates without a resource (default group, NACL and main table of a new VPC,
//! local routes, primary interfaces, public addresses) is made explicit in module `defaults`.
//! Unmodelled resource types are counted and reported in one warning per file; data
//! sources are skipped. Sensitive values are removed right after parsing.
//!
//! Locations: `meta.source` is the `resource` block in the `.tf` files when they are found
//! ([`LoadOptions::source_dir`], else the JSON file's directory), else the JSON pointer of
//! the resource; rules, entries, routes and targets point at their resource's `.tf` block
//! when it is found, else at their own JSON block.

mod convert;
mod defaults;
mod links;
mod obj;
mod refs;
mod shapes;
mod stand_in;
mod tf_files;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde_json::value::RawValue;
use serde_json::Value;

use super::document::{self, Document};
use crate::error::LoadError;
use crate::model::{Estate, FileIx, Source};
use links::Ctx;
use obj::ErrCtx;
use shapes::{Configuration, Module, ResourceChange, Values};

pub use tf_files::TfLocations;

/// Plan JSON has `format_version` and `planned_values`/`resource_changes`/`configuration`;
/// state JSON has `format_version` and `values` (with `root_module`).
pub fn recognises(doc: &Document) -> bool {
    doc.has("format_version")
        && (doc.has("planned_values")
            || doc.has("resource_changes")
            || doc.has("configuration")
            || doc
                .get("values")
                .is_some_and(|v| v.get().contains("\"root_module\"")))
}

/// How to load Terraform JSON: where the `.tf` files are, for locations.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The directory of the root module's `.tf` files (`--source-dir`). Without it, the
    /// JSON file's own directory is scanned; with neither, locations are JSON pointers.
    pub source_dir: Option<PathBuf>,
}

/// Loads a plan or state with default options (`.tf` files looked up beside the JSON).
pub fn load(estate: &mut Estate, doc: &Document) -> Result<(), LoadError> {
    load_with(estate, doc, &LoadOptions::default())
}

/// One resource instance to convert, flattened out of the module tree.
pub struct Inst {
    /// Full address: `module.net.aws_subnet.public[0]`.
    pub address: String,
    /// Full address without the instance key: `module.net.aws_subnet.public`.
    pub base: String,
    /// `[0]`, `["a"]` or `""`.
    pub key: String,
    /// Module instance path: `""`, `module.net`, `module.net[0]`.
    pub module: String,
    pub kind: String,
    /// Address relative to the module, without key: `aws_subnet.public`.
    pub local: String,
    /// Sensitive values already removed.
    pub values: serde_json::Map<String, Value>,
    /// JSON pointer of the instance's `values`.
    pub pointer: String,
}

pub fn load_with(estate: &mut Estate, doc: &Document, opts: &LoadOptions) -> Result<(), LoadError> {
    let (values, root) = match doc.parse::<Values>("planned_values")? {
        Some(v) => (v, "planned_values"),
        None => (doc.parse::<Values>("values")?.unwrap_or_default(), "values"),
    };
    let changes: Vec<ResourceChange> = doc.parse("resource_changes")?.unwrap_or_default();
    let mut config: Configuration = doc.parse("configuration")?.unwrap_or_default();
    strip_secrets(&mut config.root_module);

    let mut unknown: HashMap<String, Value> = HashMap::new();
    let mut deleted: HashSet<String> = HashSet::new();
    for c in changes {
        if c.change.actions.iter().all(|a| a == "delete") && !c.change.actions.is_empty() {
            deleted.insert(c.address.clone());
        }
        if let Some(u) = c.change.after_unknown {
            unknown.insert(c.address, u);
        }
    }

    let mut insts = Vec::new();
    let mut modules = Vec::new();
    if let Some(m) = values.root_module {
        let pointer = format!("{}/{root}/root_module", doc.pointer);
        flatten(m, &pointer, &deleted, &mut insts, &mut modules);
    }

    let err = ErrCtx {
        path: doc.path.to_string(),
        file: estate.file(doc.file).clone(),
        ix: doc.file,
    };
    let mut resolver = refs::Resolver::new(&config.root_module);
    for i in &insts {
        resolver.add_instance(&i.base, &i.key);
    }
    for m in &modules {
        resolver.add_module_instance(m);
    }
    let dir = opts
        .source_dir
        .clone()
        .or_else(|| estate.file(doc.file).path.parent().map(PathBuf::from))
        // `plan.json` given bare: its directory is the current one.
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        });
    let tf = match dir {
        Some(d) => TfLocations::scan(&d, &resolver.module_sources()),
        None => TfLocations::default(),
    };
    let mut ctx = Ctx::new(estate, doc.file, &err, resolver, &unknown, tf, &insts);
    ctx.later.prior_rules = prior_rules(doc, &err)?;
    ctx.region = config.region();
    ctx.note_blocks(&insts);
    convert::all(&mut ctx, &insts)?;
    defaults::finish(&mut ctx);
    stand_in::finish(&mut ctx);
    ctx.report_unsupported(doc.path);
    let (file, blocks) = (ctx.file, std::mem::take(&mut ctx.tf_blocks));
    point_parts_at_blocks(estate, file, &blocks);
    Ok(())
}

/// Rules, ACL entries, routes and targets were given their JSON place while converting;
/// when their resource's `.tf` block is known they point there instead. `terraform show
/// -json` writes one line, so a JSON place would say `plan.json:1` for every one of them.
fn point_parts_at_blocks(estate: &mut Estate, file: FileIx, blocks: &HashMap<String, Source>) {
    if blocks.is_empty() {
        return;
    }
    let retarget = |source: &mut Source| {
        if source.file != file {
            return;
        }
        // The nearest enclosing resource: drop pointer segments until one is known.
        let mut at = source.pointer.as_str();
        while let Some(cut) = at.rfind('/') {
            at = &at[..cut];
            if let Some(block) = blocks.get(at) {
                *source = block.clone();
                return;
            }
        }
    };
    for group in estate.security_groups.iter_mut() {
        group
            .ingress
            .iter_mut()
            .for_each(|r| retarget(&mut r.source));
        group
            .egress
            .iter_mut()
            .for_each(|r| retarget(&mut r.source));
    }
    for acl in estate.network_acls.iter_mut() {
        acl.entries.iter_mut().for_each(|e| retarget(&mut e.source));
    }
    for table in estate.route_tables.iter_mut() {
        table
            .routes
            .iter_mut()
            .for_each(|r| retarget(&mut r.source));
    }
    estate
        .targets
        .iter_mut()
        .for_each(|t| retarget(&mut t.source));
}

/// The standalone security-group rules a plan's `prior_state` holds (see
/// `convert::security::prior_rules`): needed to tell a group's refreshed copies of them apart.
/// Only those rules' values are parsed; the rest of the prior state stays raw text.
fn prior_rules(
    doc: &Document,
    err: &ErrCtx,
) -> Result<Vec<(String, crate::model::SgRule)>, LoadError> {
    let Some(prior) = doc.parse_borrowed::<PriorState>("prior_state")? else {
        return Ok(Vec::new());
    };
    let Some(root) = prior.values.and_then(|v| v.root_module) else {
        return Ok(Vec::new());
    };
    let pointer = format!("{}/prior_state/values/root_module", doc.pointer);
    let root = prior_module(doc, root, &pointer)?;
    let mut insts = Vec::new();
    flatten(root, &pointer, &HashSet::new(), &mut insts, &mut Vec::new());
    let mut out = Vec::new();
    for i in &insts {
        let o = obj::Obj {
            map: &i.values,
            unknown: None,
            pointer: i.pointer.clone(),
            err,
        };
        out.extend(convert::prior_rules(&o)?);
    }
    Ok(out)
}

/// The prior module tree with only `aws_security_group_rule` resources, their values parsed.
fn prior_module(doc: &Document, m: PriorModule, pointer: &str) -> Result<Module, LoadError> {
    let mut resources = Vec::new();
    for (i, r) in m.resources.into_iter().enumerate() {
        if r.kind != "aws_security_group_rule" {
            continue;
        }
        let at = |what: &str| format!("{pointer}/resources/{i}/{what}");
        let parse = |raw: Option<&RawValue>, what: &str| -> Result<Option<Value>, LoadError> {
            raw.map(|v| document::parse_raw(doc.path, doc.text, v, &at(what)))
                .transpose()
        };
        resources.push(shapes::Resource {
            values: parse(r.values, "values")?,
            sensitive_values: parse(r.sensitive_values, "sensitive_values")?,
            address: r.address,
            mode: r.mode,
            kind: r.kind,
            name: r.name,
            index: r.index,
        });
    }
    let mut child_modules = Vec::new();
    for (i, child) in m.child_modules.into_iter().enumerate() {
        let at = format!("{pointer}/child_modules/{i}");
        child_modules.push(prior_module(doc, child, &at)?);
    }
    Ok(Module {
        address: m.address,
        resources,
        child_modules,
    })
}

/// `prior_state`: a state document inside the plan, its resource values left as raw text.
#[derive(serde::Deserialize)]
struct PriorState<'a> {
    #[serde(default, borrow)]
    values: Option<PriorValues<'a>>,
}

#[derive(serde::Deserialize)]
struct PriorValues<'a> {
    #[serde(default, borrow)]
    root_module: Option<PriorModule<'a>>,
}

#[derive(serde::Deserialize)]
struct PriorModule<'a> {
    #[serde(default)]
    address: Option<String>,
    #[serde(default, borrow)]
    resources: Vec<PriorResource<'a>>,
    #[serde(default, borrow)]
    child_modules: Vec<PriorModule<'a>>,
}

#[derive(serde::Deserialize)]
struct PriorResource<'a> {
    address: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default)]
    index: Option<Value>,
    #[serde(default, borrow)]
    values: Option<&'a RawValue>,
    #[serde(default, borrow)]
    sensitive_values: Option<&'a RawValue>,
}

/// Walks the module tree depth-first, collecting managed resource instances.
fn flatten(
    m: Module,
    pointer: &str,
    deleted: &HashSet<String>,
    out: &mut Vec<Inst>,
    modules: &mut Vec<String>,
) {
    let module = m.address.unwrap_or_default();
    if !module.is_empty() {
        modules.push(module.clone());
    }
    for (i, r) in m.resources.into_iter().enumerate() {
        if r.mode.as_deref().is_some_and(|m| m != "managed") || deleted.contains(&r.address) {
            continue;
        }
        let key = refs::instance_key(r.index.as_ref());
        let local = format!("{}.{}", r.kind, r.name);
        let mut values = match r.values {
            Some(Value::Object(map)) => Value::Object(map),
            _ => Value::Object(serde_json::Map::new()),
        };
        if let Some(s) = &r.sensitive_values {
            shapes::scrub(&mut values, s);
        }
        let Value::Object(values) = values else {
            continue;
        };
        out.push(Inst {
            base: refs::join(&module, &local),
            address: r.address,
            key,
            module: module.clone(),
            kind: r.kind,
            local,
            values,
            pointer: format!("{pointer}/resources/{i}/values"),
        });
    }
    for (i, child) in m.child_modules.into_iter().enumerate() {
        flatten(
            child,
            &format!("{pointer}/child_modules/{i}"),
            deleted,
            out,
            modules,
        );
    }
}

/// Drops secret constants from the configuration (they are never needed to link anything).
fn strip_secrets(m: &mut shapes::ConfigModule) {
    for r in &mut m.resources {
        for key in shapes::SECRET_KEYS {
            r.expressions.remove(*key);
        }
    }
    for call in m.module_calls.values_mut() {
        strip_secrets(&mut call.module);
    }
}

/// Counts of resource types vpclint does not model, reported once per file.
pub type Unsupported = BTreeMap<String, usize>;
