//! Resolving the `configuration` section's expression `references` to resource instances.
//!
//! Before apply, ids are unknown, so a plan links resources only through references such as
//! `aws_vpc.main.id`, `aws_subnet.private[0].id` or `module.net.subnet_ids`. This module
//! follows them across modules (`var.x` → the module call's argument in the parent,
//! `module.m.out` → the child's output expression) down to full instance addresses
//! (`module.net.aws_subnet.public[0]`).
//!
//! `count`/`for_each`: a reference with an explicit key (`aws_subnet.public[0]`) names that
//! instance. A bare reference (`aws_subnet.public`, which is also what `[count.index]`,
//! `[local.x[count.index]]` and `[*]` look like in the JSON) names:
//! - the instance with the referencing resource's own key when the expression iterates
//!   (`count.index`, `each.key`) and nothing else could compute the key (a local, a variable,
//!   a module output, an attribute of `each.value`), or uses `each.value` itself and both
//!   resources have exactly the same keys (`for_each` over a set); `each.value.x` where
//!   `for_each` is another resource's instances names that resource's instance of the same key;
//!   With more referencing instances than targets (`element(aws_subnet.s[*].id, count.index)`,
//!   `aws_subnet.s[count.index % 3]`), an id attribute gets `count.index` wrapped around.
//! - otherwise, for an attribute holding one id, **one of** the instances, chosen by a value
//!   (a local, a variable, `each.value`) that a plan does not record: [`Target::OneOf`], which
//!   the converters turn into a stand-in that over-approximates every candidate;
//!   A list attribute whose elements are picked by a computed key (`[tier[local.x[count.index]].id]`)
//!   gets the same "one of".
//! - otherwise (a list attribute: a splat, a `for` expression) every instance (over-linking
//!   never hides a path, under-linking could).
//!
//! Resolution depends on the referencing resource's module, base address and expression, not
//! on its instance key, except for [`Target::Own`]: [`Resolver::template`] is computed once
//! per resource and expression and [`Resolver::instantiate`]d per instance.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::shapes::{ConfigModule, ConfigResource, ModuleCall};

/// Prefixes of references that never name a managed resource.
const NOT_RESOURCES: &[&str] = &[
    "count",
    "each",
    "path",
    "self",
    "terraform",
    "local",
    "data",
];

/// The configuration tree indexed by module path, plus the instances that exist.
pub struct Resolver<'c> {
    /// Module config path (`""`, `module.net`, `module.net.module.sub`) → module.
    modules: HashMap<String, &'c ConfigModule>,
    /// (module config path, `type.name`) → configuration block.
    resources: HashMap<(String, &'c str), &'c ConfigResource>,
    /// Full resource base address (`module.net[0].aws_subnet.public`) → instance keys
    /// (`""` for a resource without count/for_each, else `[0]`, `["a"]`).
    instances: BTreeMap<String, Vec<String>>,
    /// Module instance paths seen in the values (`module.net[0]`).
    module_instances: Vec<String>,
}

/// How a referencing attribute wants its references read.
#[derive(Clone, Copy)]
pub struct From<'a> {
    /// Module instance path of the referencing resource (`""` for root).
    pub module: &'a str,
    /// The referencing resource's own instance key (`[0]`, `["a"]`, or `""`); `None` while
    /// building a [`Resolver::template`] shared by every instance.
    pub key: Option<&'a str>,
    /// Its base address (to compare instance key sets).
    pub base: &'a str,
    /// The attribute holds one id (`subnet_id`) rather than a list.
    pub single: bool,
}

/// What an expression's references name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// This instance address.
    Addr(String),
    /// The instance of `base` with the referencing resource's own key (wrapped around when
    /// `wrap`, see [`Resolver::own_instance`]); when there is none, `otherwise`. Only in a
    /// template, never after [`Resolver::instantiate`].
    Own {
        base: String,
        wrap: bool,
        otherwise: Vec<Target>,
    },
    /// One of the instances `addrs` of `base`, chosen by a key the plan does not record.
    OneOf { base: String, addrs: Vec<String> },
}

/// How an expression picks instances of a counted resource.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Iteration {
    /// No `count.index` / `each.*`: every instance gets the same value.
    None,
    /// `count.index` or `each.key` and nothing that could compute another key.
    Plain,
    /// Only `each.value` itself: the key when `for_each` is a set, a value otherwise.
    EachValue,
    /// Iterates, but a local, variable, data source, module output or an attribute of
    /// `each.value` may compute the key.
    Computed,
}

fn iteration(refs: &[String]) -> Iteration {
    let iterates = refs
        .iter()
        .any(|r| r == "count.index" || r.starts_with("each."));
    let computes = refs.iter().any(|r| {
        ["local.", "var.", "data.", "module.", "each.value."]
            .iter()
            .any(|p| r.starts_with(p))
    });
    let each_value = refs.iter().any(|r| r == "each.value");
    match (iterates, computes, each_value) {
        (false, _, _) => Iteration::None,
        (true, true, _) => Iteration::Computed,
        (true, false, true) => Iteration::EachValue,
        (true, false, false) => Iteration::Plain,
    }
}

impl<'c> Resolver<'c> {
    pub fn new(root: &'c ConfigModule) -> Self {
        let mut modules = HashMap::new();
        index_modules(root, String::new(), &mut modules);
        let resources = modules
            .iter()
            .flat_map(|(path, m)| {
                m.resources
                    .iter()
                    .map(move |r| ((path.clone(), r.address.as_str()), r))
            })
            .collect();
        Resolver {
            modules,
            resources,
            instances: BTreeMap::new(),
            module_instances: Vec::new(),
        }
    }

    /// Records an existing resource instance (from planned values or state).
    pub fn add_instance(&mut self, base: &str, key: &str) {
        self.instances
            .entry(base.to_string())
            .or_default()
            .push(key.to_string());
    }

    pub fn add_module_instance(&mut self, path: &str) {
        self.module_instances.push(path.to_string());
    }

    /// The configuration block of a resource in a module instance.
    pub fn resource(&self, module: &str, address: &str) -> Option<&'c ConfigResource> {
        self.resources.get(&(config_path(module), address)).copied()
    }

    /// Module config paths with their call `source`, to find `.tf` files of local modules.
    pub fn module_sources(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (path, module) in &self.modules {
            for (name, call) in &module.module_calls {
                if let Some(src) = &call.source {
                    out.push((join(path, &format!("module.{name}")), src.clone()));
                }
            }
        }
        out.sort();
        out
    }

    /// What `refs` (an expression's `references`) name, for one referencing instance.
    #[cfg(test)]
    pub fn resolve(&self, refs: &[String], from: From) -> Vec<Target> {
        let template = self.template(refs, From { key: None, ..from });
        self.instantiate(&template, from.key.unwrap_or(""))
    }

    /// What `refs` name for every instance of the referencing resource: the same except
    /// for [`Target::Own`] entries, which [`Resolver::instantiate`] settles per instance.
    pub fn template(&self, refs: &[String], from: From) -> Vec<Target> {
        let mut out = Vec::new();
        self.resolve_into(refs, from, 0, &mut out);
        out.dedup();
        out
    }

    /// A template for the instance with key `key` (`Ctx::linked` does the same on ids).
    #[cfg(test)]
    pub fn instantiate(&self, template: &[Target], key: &str) -> Vec<Target> {
        let mut out = Vec::new();
        for t in template {
            match t {
                Target::Own {
                    base,
                    wrap,
                    otherwise,
                } => match self.own_instance(base, key, *wrap) {
                    Some((addr, _)) => out.push(Target::Addr(addr)),
                    None => out.extend(otherwise.iter().cloned()),
                },
                other => out.push(other.clone()),
            }
        }
        out.dedup();
        out
    }

    /// The instance of `base` an own-key reference names from the instance with `key`:
    /// `base` + `key` when it exists, else (when `wrap`) the wrapped-around one, flagged.
    pub fn own_instance(&self, base: &str, key: &str, wrap: bool) -> Option<(String, bool)> {
        let existing = self.instances.get(base)?;
        if !key.is_empty() && existing.iter().any(|k| k == key) {
            return Some((format!("{base}{key}"), false));
        }
        wrap.then(|| self.wrapped(base, key))
            .flatten()
            .map(|addr| (addr, true))
    }

    /// `base[k % n]` for the numeric key `[k]` when `base` has exactly the keys `[0]`..`[n-1]`:
    /// the instance `element(list, count.index)` or `list[count.index % n]` picks when
    /// the referencing resource has more instances than `base`.
    fn wrapped(&self, base: &str, key: &str) -> Option<String> {
        let existing = self.instances.get(base)?;
        let index =
            |key: &str| -> Option<usize> { key.strip_prefix('[')?.strip_suffix(']')?.parse().ok() };
        let k = index(key)?;
        let n = existing.len();
        // Instance keys are unique, so n keys all below n are exactly 0..n.
        let numbered = existing.iter().all(|e| index(e).is_some_and(|i| i < n));
        (n > 0 && numbered).then(|| format!("{base}[{}]", k % n))
    }

    fn resolve_into(&self, refs: &[String], from: From, depth: usize, out: &mut Vec<Target>) {
        // Modules can only nest so deep; a cycle in malformed input must not recurse forever.
        if depth > 32 {
            return;
        }
        let iter = iteration(refs);
        // Resource base → explicit keys seen (Terraform lists `a.b[0].id`, `a.b[0]`, `a.b`).
        let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in refs {
            let segs = segments(r);
            let Some(first) = segs.first() else { continue };
            match first.as_str() {
                "var" => {
                    if let Some(name) = segs.get(1) {
                        self.follow_var(name, from, depth, out);
                    }
                }
                "module" => {
                    if let (Some(call), Some(output)) = (segs.get(1), segs.get(2)) {
                        self.follow_output(call, output, from, depth, out);
                    }
                }
                p if NOT_RESOURCES.contains(&p) => {}
                _ => {
                    let Some(second) = segs.get(1) else { continue };
                    let (name, key) = split_key(second);
                    let base = join(from.module, &format!("{first}.{name}"));
                    let keys = wanted.entry(base).or_default();
                    if let Some(k) = key {
                        keys.push(k.to_string());
                    }
                }
            }
        }
        for (base, keys) in wanted {
            self.pick(&base, &keys, iter, from, out);
        }
    }

    fn pick(
        &self,
        base: &str,
        keys: &[String],
        iter: Iteration,
        from: From,
        out: &mut Vec<Target>,
    ) {
        let Some(existing) = self.instances.get(base) else {
            return;
        };
        let full = |k: &str| format!("{base}{k}");
        if !keys.is_empty() {
            out.extend(
                keys.iter()
                    .filter(|k| existing.contains(k))
                    .map(|k| Target::Addr(full(k))),
            );
            return;
        }
        let same_keys = self
            .instances
            .get(from.base)
            .is_some_and(|mine| same_set(mine, existing));
        // A computed key that happens to range over the same keys (`length(local.rules)`
        // equal to the tier count) is still computed: only a plain iterator means "mine".
        let own_key = match iter {
            Iteration::None | Iteration::Computed => false,
            Iteration::Plain => true,
            Iteration::EachValue => same_keys,
        };
        let all: Vec<String> = existing.iter().map(|k| full(k)).collect();
        // `[aws_security_group.tier[local.x[count.index]].id]` in a list is also one
        // unknown instance per element, unlike a splat (`tier[*].id`), which is all of them.
        let one_of = from.single || iter == Iteration::Computed;
        // Only an id attribute wraps `count.index` around; a list keeps every instance.
        let wrap = one_of && all.len() > 1;
        let otherwise = if wrap {
            vec![Target::OneOf {
                base: base.to_string(),
                addrs: all,
            }]
        } else {
            all.into_iter().map(Target::Addr).collect()
        };
        match (own_key, from.key) {
            (false, _) => out.extend(otherwise),
            (true, None) => out.push(Target::Own {
                base: base.to_string(),
                wrap,
                otherwise,
            }),
            (true, Some(k)) => match self.own_instance(base, k, wrap) {
                Some((addr, _)) => out.push(Target::Addr(addr)),
                None => out.extend(otherwise),
            },
        }
    }

    /// `var.name` inside a module: the argument its call passes, read in the parent.
    fn follow_var(&self, name: &str, from: From, depth: usize, out: &mut Vec<Target>) {
        let Some((parent, call_seg)) = split_last_module(from.module) else {
            return; // root variables come from outside: no resource behind them
        };
        let (call_name, module_key) = split_key(call_seg.trim_start_matches("module."));
        let Some(call) = self.call(parent, call_name) else {
            return;
        };
        let refs = references(call.expressions.get(name));
        let next = From {
            module: parent,
            key: Some(module_key.unwrap_or("")),
            base: "",
            single: from.single,
        };
        self.resolve_into(&refs, next, depth + 1, out);
    }

    /// `module.call.output`: the output expression, read inside each instance of the call.
    fn follow_output(
        &self,
        call_seg: &str,
        output: &str,
        from: From,
        depth: usize,
        out: &mut Vec<Target>,
    ) {
        let (call_name, key) = split_key(call_seg);
        let Some(call) = self.call(from.module, call_name) else {
            return;
        };
        let Some(expr) = call.module.outputs.get(output) else {
            return;
        };
        let refs = references(expr.expression.as_ref());
        let prefix = join(from.module, &format!("module.{call_name}"));
        let targets: Vec<String> = match key {
            Some(k) => vec![format!("{prefix}{k}")],
            None => self
                .module_instances
                .iter()
                .filter(|m| *m == &prefix || m.starts_with(&format!("{prefix}[")))
                .cloned()
                .collect(),
        };
        for module in &targets {
            // `module.sg.id` into an id attribute is still one id: a counted resource behind
            // the output is "one of" its instances, not all of them.
            let next = From {
                module,
                key: Some(""),
                base: "",
                single: from.single,
            };
            self.resolve_into(&refs, next, depth + 1, out);
        }
    }

    fn call(&self, module: &str, name: &str) -> Option<&'c ModuleCall> {
        self.modules
            .get(&config_path(module))?
            .module_calls
            .get(name)
    }
}

fn index_modules<'c>(
    m: &'c ConfigModule,
    path: String,
    out: &mut HashMap<String, &'c ConfigModule>,
) {
    for (name, call) in &m.module_calls {
        index_modules(&call.module, join(&path, &format!("module.{name}")), out);
    }
    out.insert(path, m);
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|k| b.contains(k))
}

/// `module.a[0].module.b` → `module.a.module.b` (configuration has no instance keys).
pub fn config_path(module: &str) -> String {
    segments(module)
        .iter()
        .map(|s| split_key(s).0)
        .collect::<Vec<_>>()
        .join(".")
}

/// `a` + `b` with a dot unless `a` is the root (`""`).
pub fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// `module.a.module.b["x"]` → (`module.a`, `module.b["x"]`).
fn split_last_module(module: &str) -> Option<(&str, &str)> {
    if module.is_empty() {
        return None;
    }
    let segs = segment_spans(module);
    let n = segs.len();
    if n < 2 {
        return None;
    }
    let call_start = segs[n - 2].0;
    let parent = if call_start == 0 {
        ""
    } else {
        &module[..call_start - 1]
    };
    Some((parent, &module[call_start..]))
}

/// The references of an expression (`{"references": [...]}`), flattening nested blocks.
pub fn references(expr: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = expr {
        collect_refs(e, &mut out);
    }
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(refs)) = map.get("references") {
                out.extend(refs.iter().filter_map(|r| r.as_str().map(str::to_string)));
            }
            for (k, inner) in map {
                if k != "references" && k != "constant_value" {
                    collect_refs(inner, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

/// Whether a reference names a managed resource (not `var.`, `local.`, `each.`, …).
pub fn names_resource(r: &str) -> bool {
    let first = r.split('.').next().unwrap_or("");
    !(NOT_RESOURCES.contains(&first) || first == "var" || first == "module")
}

/// `name[0]` → (`name`, Some(`[0]`)); `name` → (`name`, None).
pub fn split_key(seg: &str) -> (&str, Option<&str>) {
    match seg.find('[') {
        Some(i) => (&seg[..i], Some(&seg[i..])),
        None => (seg, None),
    }
}

/// Splits a traversal on dots outside brackets and quotes: `a.b["x.y"].c` → `a`, `b["x.y"]`, `c`.
pub fn segments(text: &str) -> Vec<String> {
    segment_spans(text)
        .into_iter()
        .map(|(s, e)| text[s..e].to_string())
        .collect()
}

fn segment_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let (mut start, mut depth, mut in_str, mut escaped) = (0, 0usize, false, false);
    for (i, c) in text.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                spans.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < text.len() {
        spans.push((start, text.len()));
    }
    spans
}

/// The address suffix for an instance key: `0` → `[0]`, `"a"` → `["a"]`.
pub fn instance_key(index: Option<&Value>) -> String {
    match index {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", Value::String(s.clone())),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_traversals_outside_brackets() {
        assert_eq!(
            segments(r#"module.a["x.y"].aws_subnet.b[0].id"#),
            vec!["module", r#"a["x.y"]"#, "aws_subnet", "b[0]", "id"]
        );
        assert_eq!(
            config_path(r#"module.a["k"].module.b[1]"#),
            "module.a.module.b"
        );
        assert_eq!(
            split_last_module(r#"module.a.module.b["x"]"#),
            Some(("module.a", r#"module.b["x"]"#))
        );
        assert_eq!(split_last_module("module.a"), Some(("", "module.a")));
        assert_eq!(instance_key(Some(&Value::from("a"))), r#"["a"]"#);
        assert_eq!(instance_key(Some(&Value::from(2))), "[2]");
    }

    fn config() -> ConfigModule {
        let json = serde_json::json!({
            "resources": [],
            "module_calls": {"net": {
                "source": "./net",
                "expressions": {"cidr": {"constant_value": "10.0.0.0/16"}},
                "module": {
                    "resources": [],
                    "outputs": {
                        "ids": {"expression": {"references": ["aws_subnet.s"]}},
                        "first": {"expression": {"references": ["aws_subnet.s[0].id", "aws_subnet.s[0]", "aws_subnet.s"]}}
                    }
                }
            }}
        });
        serde_json::from_value(json).unwrap()
    }

    fn refs(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    fn addrs(a: &[&str]) -> Vec<Target> {
        a.iter().map(|s| Target::Addr(s.to_string())).collect()
    }

    fn one_of(base: &str, a: &[&str]) -> Vec<Target> {
        vec![Target::OneOf {
            base: base.to_string(),
            addrs: a.iter().map(|s| s.to_string()).collect(),
        }]
    }

    #[test]
    fn count_references_pick_the_matching_instance_one_of_or_all() {
        let cfg = config();
        let mut r = Resolver::new(&cfg);
        for k in ["[0]", "[1]"] {
            r.add_instance("aws_subnet.s", k);
            r.add_instance("aws_instance.i", k);
        }
        for k in ["[0]", "[1]", "[2]"] {
            r.add_instance("aws_security_group_rule.r", k);
        }
        r.add_instance("aws_instance.one", "");
        let from = |key, base, single| From {
            module: "",
            key: Some(key),
            base,
            single,
        };
        let both = ["aws_subnet.s[0]", "aws_subnet.s[1]"];
        // `aws_subnet.s[count.index].id`
        let got = r.resolve(
            &refs(&["aws_subnet.s", "count.index"]),
            from("[1]", "aws_instance.i", true),
        );
        assert_eq!(got, addrs(&["aws_subnet.s[1]"]));
        // `aws_subnet.s[0].id`
        let got = r.resolve(
            &refs(&["aws_subnet.s[0].id", "aws_subnet.s[0]", "aws_subnet.s"]),
            from("[1]", "aws_instance.i", true),
        );
        assert_eq!(got, addrs(&["aws_subnet.s[0]"]));
        // A bare reference that does not iterate (`aws_subnet.s[var.k].id`) gives every
        // instance the same value, whatever the key sets: one of them, not "mine".
        let got = r.resolve(
            &refs(&["aws_subnet.s"]),
            from("[1]", "aws_instance.i", true),
        );
        assert_eq!(got, one_of("aws_subnet.s", &both));
        // `aws_subnet.s[each.value].id` with `for_each` over the same set: the same key.
        let got = r.resolve(
            &refs(&["aws_subnet.s", "each.value"]),
            from("[1]", "aws_instance.i", true),
        );
        assert_eq!(got, addrs(&["aws_subnet.s[1]"]));
        // The same into a list attribute (`aws_subnet.s[*].id`): every instance.
        let got = r.resolve(
            &refs(&["aws_subnet.s"]),
            from("[1]", "aws_instance.i", false),
        );
        assert_eq!(got, addrs(&both));
        // From a resource without count, single-valued: one of them, which is not known.
        let got = r.resolve(&refs(&["aws_subnet.s"]), from("", "aws_instance.one", true));
        assert_eq!(got, one_of("aws_subnet.s", &both));
        // `aws_subnet.s[local.map[count.index]].id` from a resource with other keys: the
        // key is computed, so even `[1]` existing on both sides does not make it `s[1]`.
        let computed = refs(&["aws_subnet.s", "local.map", "count.index"]);
        let got = r.resolve(&computed, from("[1]", "aws_security_group_rule.r", true));
        assert_eq!(got, one_of("aws_subnet.s", &both));
        // ...nor from a resource with exactly the same keys (`length(local.map)` equal to
        // the subnet count is a coincidence, not a link), nor through a module output or an
        // attribute of `each.value`.
        let got = r.resolve(&computed, from("[1]", "aws_instance.i", true));
        assert_eq!(got, one_of("aws_subnet.s", &both));
        for by in ["module.m.idx", "each.value.subnet"] {
            let got = r.resolve(
                &refs(&["aws_subnet.s", by, "count.index"]),
                from("[1]", "aws_instance.i", true),
            );
            assert_eq!(got, one_of("aws_subnet.s", &both), "{by}");
        }
        // An own key the target lacks: wrapped around (single, as `element()` does) or
        // every instance (list).
        let plain = refs(&["aws_subnet.s", "count.index"]);
        let got = r.resolve(&plain, from("[2]", "aws_security_group_rule.r", true));
        assert_eq!(got, addrs(&["aws_subnet.s[0]"]));
        let got = r.resolve(&plain, from("[2]", "aws_security_group_rule.r", false));
        assert_eq!(got, addrs(&both));
        // Keys that are not 0..n cannot wrap: one of them.
        r.add_instance("aws_subnet.named", r#"["a"]"#);
        r.add_instance("aws_subnet.named", r#"["b"]"#);
        let got = r.resolve(
            &refs(&["aws_subnet.named", "count.index"]),
            from("[2]", "aws_security_group_rule.r", true),
        );
        let named = [r#"aws_subnet.named["a"]"#, r#"aws_subnet.named["b"]"#];
        assert_eq!(got, one_of("aws_subnet.named", &named));
        // Not resources.
        let got = r.resolve(
            &refs(&["var.x", "local.y", "data.aws_vpc.v.id", "path.module"]),
            from("", "", false),
        );
        assert!(got.is_empty());
    }

    #[test]
    fn a_template_is_shared_by_every_instance() {
        let cfg = config();
        let mut r = Resolver::new(&cfg);
        for k in ["[0]", "[1]"] {
            r.add_instance("aws_subnet.s", k);
            r.add_instance("aws_instance.i", k);
        }
        let from = From {
            module: "",
            key: None,
            base: "aws_instance.i",
            single: true,
        };
        let template = r.template(&refs(&["aws_subnet.s", "count.index"]), from);
        assert!(matches!(template.as_slice(), [Target::Own { .. }]));
        for k in ["[0]", "[1]"] {
            assert_eq!(
                r.instantiate(&template, k),
                addrs(&[&format!("aws_subnet.s{k}")])
            );
        }
    }

    #[test]
    fn module_outputs_and_variables() {
        let cfg = config();
        let mut r = Resolver::new(&cfg);
        r.add_instance("module.net.aws_subnet.s", "[0]");
        r.add_instance("module.net.aws_subnet.s", "[1]");
        r.add_module_instance("module.net");
        let root = From {
            module: "",
            key: Some(""),
            base: "",
            single: false,
        };
        let got = r.resolve(&refs(&["module.net.ids", "module.net"]), root);
        assert_eq!(
            got,
            addrs(&["module.net.aws_subnet.s[0]", "module.net.aws_subnet.s[1]"])
        );
        let got = r.resolve(&refs(&["module.net.first", "module.net"]), root);
        assert_eq!(got, addrs(&["module.net.aws_subnet.s[0]"]));
        // The same output into an id attribute (`module.net.ids[count.index]`): one of them.
        let single = From {
            single: true,
            ..root
        };
        let got = r.resolve(&refs(&["module.net.ids", "module.net"]), single);
        assert_eq!(
            got,
            one_of(
                "module.net.aws_subnet.s",
                &["module.net.aws_subnet.s[0]", "module.net.aws_subnet.s[1]"]
            )
        );
        // A variable set to a constant names no resource.
        let inside = From {
            module: "module.net",
            key: Some(""),
            base: "",
            single: false,
        };
        assert!(r.resolve(&refs(&["var.cidr"]), inside).is_empty());
        assert_eq!(
            r.module_sources(),
            [("module.net".to_string(), "./net".to_string())]
        );
    }
}
