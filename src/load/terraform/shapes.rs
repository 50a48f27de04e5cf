//! Serde shapes of `terraform show -json` (plan and state): only the members vpclint reads.
//!
//! Everything is typed except a resource's `values` and a change's `after_unknown`, whose
//! shape depends on the resource type (one `Value` per resource). Members not named here
//! (`before`, `after`, `prior_state`, `resource_drift`, …) are skipped by serde without
//! building a tree; sensitive values are scrubbed right after parsing ([`scrub`]).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// `planned_values` (plan) or `values` (state).
#[derive(Debug, Deserialize, Default)]
pub struct Values {
    #[serde(default)]
    pub root_module: Option<Module>,
}

/// A module instance in `planned_values`/`values`.
#[derive(Debug, Deserialize, Default)]
pub struct Module {
    /// `module.net`, `module.net[0]`; absent for the root module.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub child_modules: Vec<Module>,
}

/// One resource instance with its (planned or current) attribute values.
#[derive(Debug, Deserialize)]
pub struct Resource {
    pub address: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    /// `count` index (number) or `for_each` key (string).
    #[serde(default)]
    pub index: Option<Value>,
    #[serde(default)]
    pub values: Option<Value>,
    #[serde(default)]
    pub sensitive_values: Option<Value>,
}

/// An element of `resource_changes`.
#[derive(Debug, Deserialize)]
pub struct ResourceChange {
    pub address: String,
    pub change: Change,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    #[serde(default)]
    pub actions: Vec<String>,
    /// Mirrors `after`: `true` where the value is only known after apply.
    #[serde(default)]
    pub after_unknown: Option<Value>,
}

/// The `configuration` section: the module tree with expressions and their references.
#[derive(Debug, Deserialize, Default)]
pub struct Configuration {
    #[serde(default)]
    pub provider_config: BTreeMap<String, ProviderConfig>,
    #[serde(default)]
    pub root_module: ConfigModule,
}

/// A `provider` block (its `region` is where the resources live).
#[derive(Debug, Deserialize, Default)]
pub struct ProviderConfig {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub expressions: BTreeMap<String, Value>,
}

impl Configuration {
    /// The region of the only `aws` provider configuration, when it is a constant. With
    /// several (aliases), which resource uses which is not worth guessing: `None`.
    pub fn region(&self) -> Option<String> {
        let mut aws = self.provider_config.values().filter(|p| p.name == "aws");
        let only = aws.next()?;
        if aws.next().is_some() {
            return None;
        }
        let region = only.expressions.get("region")?.get("constant_value")?;
        region.as_str().map(str::to_string)
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ConfigModule {
    #[serde(default)]
    pub resources: Vec<ConfigResource>,
    #[serde(default)]
    pub module_calls: BTreeMap<String, ModuleCall>,
    #[serde(default)]
    pub outputs: BTreeMap<String, Output>,
}

#[derive(Debug, Deserialize)]
pub struct ConfigResource {
    /// Relative to its module: `aws_subnet.public`.
    pub address: String,
    /// Attribute name → expression (`{"constant_value": …}` or `{"references": […]}`),
    /// or for nested blocks a list of such maps.
    #[serde(default)]
    pub expressions: BTreeMap<String, Value>,
    /// `for_each = aws_subnet.s`: what `each.value` ranges over.
    #[serde(default)]
    pub for_each_expression: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct ModuleCall {
    #[serde(default)]
    pub source: Option<String>,
    /// Input variable name → expression in the calling module.
    #[serde(default)]
    pub expressions: BTreeMap<String, Value>,
    #[serde(default)]
    pub module: ConfigModule,
}

#[derive(Debug, Deserialize)]
pub struct Output {
    #[serde(default)]
    pub expression: Option<Value>,
}

/// Removes every value that `sensitive` (a resource's `sensitive_values`, same shape as its
/// values with `true` at sensitive leaves) marks, so a password never reaches the model, a
/// `Debug` print or a log line.
pub fn scrub(values: &mut Value, sensitive: &Value) {
    match (values, sensitive) {
        (Value::Object(vals), Value::Object(marks)) => {
            for (key, mark) in marks {
                if mark == &Value::Bool(true) {
                    vals.remove(key);
                } else if let Some(v) = vals.get_mut(key) {
                    scrub(v, mark);
                }
            }
        }
        (Value::Array(vals), Value::Array(marks)) => {
            for (v, mark) in vals.iter_mut().zip(marks) {
                if mark == &Value::Bool(true) {
                    *v = Value::Null;
                } else {
                    scrub(v, mark);
                }
            }
        }
        (v, Value::Bool(true)) => *v = Value::Null,
        _ => {}
    }
}

/// Expression keys whose constant values are secrets in resource types vpclint reads.
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "master_password",
    "user_data",
    "user_data_base64",
];
