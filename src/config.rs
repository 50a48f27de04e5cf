//! `vpclint.toml`: rule selection, severity overrides, trusted networks, port sets, the
//! failure threshold and per-finding suppressions.
//!
//! The file is found in the current directory or its parents, or named with `--config`.
//! Unknown keys and bad values are errors that name the file, line and column (toml's spans),
//! because a misspelt key in CI would otherwise silently do nothing.
//!
//! ```toml
//! fail-on = "medium"                 # info|low|medium|high|critical|never
//! select = ["VL001", "db-public"]    # run only these rules (ids or names)
//! baseline = "vpclint-baseline.json" # relative to this file
//! rules = ["rules-local"]            # extra rule folders, relative to this file
//!
//! [severity]                         # per-rule overrides, by id or name
//! VL001 = "medium"
//!
//! [trusted]                          # these sources are not "the internet"
//! office = ["203.0.113.0/24", "2001:db8::/48"]
//!
//! [ports]                            # named port sets; replace the catalog's or add new
//! admin-ports = [22, 2222, 3389]
//!
//! [prefixes]                         # named prefix lengths used by rules
//! broad-public-prefix = 12
//!
//! [[ignore]]                         # accept one finding (or a rule everywhere)
//! rule = "VL001"
//! resource = "sg-0123456789abcdef0"
//! reason = "bastion, reviewed by sec team"
//! expires = 2027-01-01
//! ```
//!
//! `ignore` is one key with two kinds of items: a string drops a rule from the run (like
//! `--ignore`); a table suppresses matching findings, which stay visible as suppressed. Write
//! either `ignore = ["VL003", { rule = "VL001", resource = "sg-1", reason = "…" }]` or the
//! `[[ignore]]` tables — TOML forbids defining the same key both ways.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::cli::FailOn;
use crate::rules::{RuleMeta, Severity};

/// The file name looked for in the current directory and its parents.
pub const FILE_NAME: &str = "vpclint.toml";

/// A problem with the configuration file; the run stops with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read config: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Syntax errors, unknown keys and bad values, at the place toml points to.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: u32,
        column: u32,
        message: String,
    },
}

/// A line and column (1-based) in the config file, for errors and warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A calendar date (`YYYY-MM-DD`), enough for suppression expiry without a time crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` strictly (zero-padded, a real day of a real month).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        Date::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8)
    }

    /// Today in UTC, from the system clock. Callers inject dates in tests instead.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A suppression written in the config: which findings it accepts, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSuppression {
    /// Rule id or name, or `all`.
    pub rule: String,
    /// The resource id or Terraform address; `None` means every resource.
    pub resource: Option<String>,
    /// Only the finding with this detail (`ingress tcp 22 0.0.0.0/0`); `None` means any.
    pub detail: Option<String>,
    pub reason: String,
    /// The last day the suppression holds.
    pub expires: Option<Date>,
    /// Where the entry starts in the file, for "matches nothing" warnings.
    pub at: Position,
}

/// The loaded configuration. `Config::default()` is "no file": every rule, no overrides.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (as displayed), if any.
    pub path: Option<String>,
    pub fail_on: Option<FailOn>,
    pub select: Vec<String>,
    /// Rules dropped from the run.
    pub ignore_rules: Vec<String>,
    /// Rule id or name → severity.
    pub severity: BTreeMap<String, Severity>,
    pub trusted: BTreeMap<String, Vec<IpNet>>,
    pub ports: BTreeMap<String, Vec<(u16, u16)>>,
    /// Named prefix lengths for rules (`broad-public-prefix = 12`).
    pub prefixes: BTreeMap<String, u8>,
    pub suppressions: Vec<ConfigSuppression>,
    /// Resolved against the config file's folder.
    pub baseline: Option<PathBuf>,
    pub rule_dirs: Vec<PathBuf>,
    /// Where each rule reference was written, to report unknown rules at their place.
    rule_refs: Vec<(String, Position)>,
}

impl Config {
    /// Reads `--config FILE` if given, else the nearest `vpclint.toml` from `start` upwards,
    /// else the defaults.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        match find_upwards(start) {
            Some((path, shown)) => Config::load_as(&path, &shown),
            None => Ok(Config::default()),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::load_as(path, &path.to_string_lossy().replace('\\', "/"))
    }

    /// Loads `path`, naming it `shown` in messages.
    fn load_as(path: &Path, shown: &str) -> Result<Config, ConfigError> {
        let shown = shown.to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: shown.clone(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        Config::parse(&text, &shown, base)
    }

    /// Parses config text; `shown` names the file in errors, `base` resolves relative paths.
    pub fn parse(text: &str, shown: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| position(text, s.start))
                .unwrap_or_default();
            ConfigError::Invalid {
                path: shown.to_string(),
                line: at.line.max(1),
                column: at.column.max(1),
                message: e.message().trim_end().to_string(),
            }
        })?;
        raw.into_config(text, shown, base)
    }

    /// Every trusted CIDR, for the engine: sources inside them are not "the internet".
    pub fn trusted_cidrs(&self) -> Vec<IpNet> {
        let mut all: Vec<IpNet> = self.trusted.values().flatten().copied().collect();
        all.sort();
        all.dedup();
        all
    }

    /// Whether the rule (id and name) takes part in this run, after `select` and `ignore`
    /// from the file and the command line (the command line's `select` replaces the file's).
    pub fn rule_selected(
        &self,
        cli_select: &[String],
        cli_ignore: &[String],
        rule: (&str, &str),
    ) -> bool {
        let names = |r: &String| refers_to(r, rule);
        let select = if cli_select.is_empty() {
            &self.select
        } else {
            cli_select
        };
        let selected = select.is_empty() || select.iter().any(names);
        selected && !self.ignore_rules.iter().chain(cli_ignore).any(names)
    }

    /// The overridden severity of a rule, if the config sets one (an id beats a name).
    pub fn severity_of(&self, id: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .or_else(|| self.severity.iter().find(|(k, _)| *k == name))
            .map(|(_, s)| *s)
    }

    /// Rule references (`select`, `ignore`, `[severity]`, `[[ignore]]`) that name no rule of
    /// the catalog, as errors at their place: a typo must not silently disable a check.
    pub fn check_rule_refs(&self, catalog: &[RuleMeta]) -> Result<(), ConfigError> {
        let known = |r: &str| {
            r.eq_ignore_ascii_case("all")
                || catalog
                    .iter()
                    .any(|m| refers_to(r, (m.id.as_str(), m.name.as_str())))
        };
        match self.rule_refs.iter().find(|(r, _)| !known(r)) {
            None => Ok(()),
            Some((r, at)) => Err(ConfigError::Invalid {
                path: self.path.clone().unwrap_or_default(),
                line: at.line,
                column: at.column,
                message: format!("unknown rule `{r}` (see `vpclint rules`)"),
            }),
        }
    }
}

/// Whether `reference` names the rule `(id, name)`: ids ignore case, names are exact.
pub fn refers_to(reference: &str, (id, name): (&str, &str)) -> bool {
    let r = reference.trim();
    r.eq_ignore_ascii_case(id) || r == name
}

/// The nearest config file from `start` up, with its name relative to `start`
/// (`vpclint.toml`, `../../vpclint.toml`) so messages stay short and stable.
fn find_upwards(start: &Path) -> Option<(PathBuf, String)> {
    start.ancestors().enumerate().find_map(|(depth, dir)| {
        let path = dir.join(FILE_NAME);
        path.is_file()
            .then(|| (path, format!("{}{FILE_NAME}", "../".repeat(depth))))
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> Position {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    Position { line, column }
}

// ---- the file's shape (serde) -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<FailOnValue>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<IgnoreItem>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, SeverityValue>,
    /// Parsed after deserialising, so an error points at the element, not the array.
    #[serde(default)]
    trusted: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    ports: BTreeMap<String, Vec<PortRangeValue>>,
    #[serde(default)]
    prefixes: BTreeMap<String, Spanned<i64>>,
    baseline: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
}

impl RawConfig {
    fn into_config(self, text: &str, shown: &str, base: &Path) -> Result<Config, ConfigError> {
        let at = |span: std::ops::Range<usize>| position(text, span.start);
        let mut trusted = BTreeMap::new();
        for (name, cidrs) in self.trusted {
            let nets = cidrs
                .iter()
                .map(|c| {
                    parse_cidr(c.get_ref()).map_err(|message| {
                        let p = at(c.span());
                        ConfigError::Invalid {
                            path: shown.to_string(),
                            line: p.line,
                            column: p.column,
                            message,
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            trusted.insert(name, nets);
        }
        let mut prefixes = BTreeMap::new();
        for (name, len) in self.prefixes {
            let value = *len.get_ref();
            let Some(ok) = u8::try_from(value).ok().filter(|n| *n <= 128) else {
                let p = at(len.span());
                return Err(ConfigError::Invalid {
                    path: shown.to_string(),
                    line: p.line,
                    column: p.column,
                    message: format!("invalid prefix length `{value}` (0 to 128)"),
                });
            };
            prefixes.insert(name, ok);
        }
        let mut config = Config {
            path: Some(shown.to_string()),
            fail_on: self.fail_on.map(|f| f.0),
            baseline: self.baseline.map(|b| base.join(b)),
            rule_dirs: self.rules.iter().map(|d| base.join(d)).collect(),
            trusted,
            prefixes,
            ports: self
                .ports
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|p| p.0).collect()))
                .collect(),
            ..Config::default()
        };
        for s in self.select {
            config.rule_refs.push((s.get_ref().clone(), at(s.span())));
            config.select.push(s.into_inner());
        }
        for (k, v) in self.severity {
            config.rule_refs.push((k.get_ref().clone(), at(k.span())));
            config.severity.insert(k.into_inner(), v.0);
        }
        for item in self.ignore {
            let pos = at(item.span());
            match item.into_inner() {
                IgnoreItem::Rule(r) => {
                    config.rule_refs.push((r.clone(), pos));
                    config.ignore_rules.push(r);
                }
                IgnoreItem::Finding(f) => {
                    config.rule_refs.push((f.rule.clone(), pos));
                    config.suppressions.push(ConfigSuppression {
                        rule: f.rule,
                        resource: f.resource,
                        detail: f.detail,
                        reason: f.reason,
                        expires: f.expires.map(|e| e.0),
                        at: pos,
                    });
                }
            }
        }
        Ok(config)
    }
}

/// One `ignore` item: a rule to drop (string) or findings to suppress (table).
enum IgnoreItem {
    Rule(String),
    Finding(RawSuppression),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rule: String,
    resource: Option<String>,
    detail: Option<String>,
    /// Required: an unexplained waiver is the thing audits ask about.
    reason: String,
    expires: Option<DateValue>,
}

// A hand-written visitor rather than `#[serde(untagged)]`: untagged enums replace the inner
// error ("unknown field `resouce`") with "did not match any variant", losing the useful part.
impl<'de> Deserialize<'de> for IgnoreItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = IgnoreItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a rule id or name, or a table { rule, resource, reason, expires }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IgnoreItem, E> {
                Ok(IgnoreItem::Rule(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<IgnoreItem, A::Error> {
                RawSuppression::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(IgnoreItem::Finding)
            }
        }
        d.deserialize_any(ItemVisitor)
    }
}

struct FailOnValue(FailOn);

impl<'de> Deserialize<'de> for FailOnValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        <FailOn as clap::ValueEnum>::from_str(&text, true)
            .map(FailOnValue)
            .map_err(|_| {
                de::Error::custom(format!(
                "invalid fail-on `{text}`, expected one of info, low, medium, high, critical, never"
            ))
            })
    }
}

struct SeverityValue(Severity);

impl<'de> Deserialize<'de> for SeverityValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Severity::parse(&text).map(SeverityValue).ok_or_else(|| {
            de::Error::custom(format!(
                "invalid severity `{text}`, expected one of info, low, medium, high, critical"
            ))
        })
    }
}

/// A CIDR, or a bare address as a single host. Host bits must be zero: `10.0.0.1/24` is
/// more likely a typo than a wish to trust `10.0.0.0/24`.
fn parse_cidr(text: &str) -> Result<IpNet, String> {
    let t = text.trim();
    let net = t
        .parse::<IpNet>()
        .or_else(|_| t.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("invalid CIDR `{text}`, expected e.g. 203.0.113.0/24"))?;
    if net.trunc() != net {
        return Err(format!(
            "CIDR `{text}` has host bits set; did you mean {}?",
            net.trunc()
        ));
    }
    Ok(net)
}

/// A port (`22`, `"22"`) or an inclusive range (`"8000-8100"`).
struct PortRangeValue((u16, u16));

impl<'de> Deserialize<'de> for PortRangeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PortVisitor;
        impl Visitor<'_> for PortVisitor {
            type Value = PortRangeValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a port 0-65535 or a range \"from-to\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PortRangeValue, E> {
                let p = u16::try_from(v)
                    .map_err(|_| E::custom(format!("port {v} is outside 0-65535")))?;
                Ok(PortRangeValue((p, p)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PortRangeValue, E> {
                parse_port_range(v).map(PortRangeValue).map_err(E::custom)
            }
        }
        d.deserialize_any(PortVisitor)
    }
}

fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("invalid port range `{text}`, expected e.g. 22 or \"8000-8100\"");
    let port = |s: &str| s.trim().parse::<u16>().map_err(|_| bad());
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => (port(text)?, port(text)?),
    };
    if lo > hi {
        return Err(format!("port range `{text}` runs backwards"));
    }
    Ok((lo, hi))
}

/// `expires = 2027-01-01` (a TOML date) or `expires = "2027-01-01"`.
struct DateValue(Date);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Through `toml::Value` because TOML dates reach serde as a private map shape that
        // only toml's own types understand.
        let value = toml::Value::deserialize(d)?;
        let text = match &value {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            toml::Value::Datetime(dt) => return Err(date_error(&dt.to_string())),
            toml::Value::String(s) => s.clone(),
            other => return Err(date_error(other.type_str())),
        };
        Date::parse(&text)
            .map(DateValue)
            .ok_or_else(|| date_error(&text))
    }
}

fn date_error<E: de::Error>(got: &str) -> E {
    E::custom(format!("invalid expiry date `{got}`, expected YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "vpclint.toml", Path::new("/repo"))
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn full_example_parses() {
        let c = parse(
            r#"
fail-on = "medium"
select = ["VL001", "db-public"]
baseline = "base.json"
[severity]
VL001 = "low"
ssh-open = "critical"
[trusted]
office = ["203.0.113.0/24", "198.51.100.7"]
vpn = ["2001:db8::/48", "203.0.113.0/24"]
[ports]
admin = [22, "3389", "8000-8100"]
[[ignore]]
rule = "VL001"
resource = "sg-1"
reason = "bastion"
expires = 2027-01-01
"#,
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Medium));
        assert_eq!(c.select, ["VL001", "db-public"]);
        assert_eq!(c.baseline, Some(PathBuf::from("/repo/base.json")));
        assert_eq!(c.severity_of("vl001", "x"), Some(Severity::Low));
        assert_eq!(c.severity_of("VL009", "ssh-open"), Some(Severity::Critical));
        let trusted: Vec<String> = c.trusted_cidrs().iter().map(|n| n.to_string()).collect();
        assert_eq!(
            trusted,
            ["198.51.100.7/32", "203.0.113.0/24", "2001:db8::/48"]
        );
        assert_eq!(c.ports["admin"], [(22, 22), (3389, 3389), (8000, 8100)]);
        let s = &c.suppressions[0];
        assert_eq!(s.expires, Date::new(2027, 1, 1));
        assert_eq!(
            s.at,
            Position {
                line: 13,
                column: 1
            }
        );
    }

    #[test]
    fn ignore_mixes_rules_and_suppressions_inline() {
        let c = parse(
            r#"ignore = ["VL003", { rule = "VL001", reason = "ok", expires = "2026-02-28" }]"#,
        )
        .unwrap();
        assert_eq!(c.ignore_rules, ["VL003"]);
        assert_eq!(c.suppressions[0].resource, None);
        assert_eq!(c.suppressions[0].expires, Date::new(2026, 2, 28));
    }

    #[test]
    fn unknown_keys_are_errors_with_line_and_column() {
        let e = err("select = []\n[severity]\nVL001 = \"low\"\n[bogus]\nx = 1\n");
        assert!(
            e.starts_with("vpclint.toml:4:2: unknown field `bogus`"),
            "{e}"
        );
        let e = err("[[ignore]]\nrule = \"VL001\"\nresouce = \"sg-1\"\nreason = \"r\"\n");
        assert!(
            e.starts_with("vpclint.toml:3:1: unknown field `resouce`"),
            "{e}"
        );
    }

    #[test]
    fn bad_values_are_errors_at_the_value() {
        let e = err("[trusted]\noffice = [\"10.0.0.0/33\"]\n");
        assert!(
            e.starts_with("vpclint.toml:2:11: invalid CIDR `10.0.0.0/33`"),
            "{e}"
        );
        let e = err("[trusted]\noffice = [\"10.0.0.1/24\"]\n");
        assert!(
            e.contains("host bits set; did you mean 10.0.0.0/24?"),
            "{e}"
        );
        let e = err("[severity]\nVL001 = \"severe\"\n");
        assert!(
            e.starts_with("vpclint.toml:2:9: invalid severity `severe`"),
            "{e}"
        );
        let e = err("fail-on = \"sometimes\"\n");
        assert!(e.starts_with("vpclint.toml:1:11: invalid fail-on"), "{e}");
        let e = err("[ports]\nweb = [70000]\n");
        assert!(
            e.starts_with("vpclint.toml:2:8: port 70000 is outside 0-65535"),
            "{e}"
        );
        let e = err("[[ignore]]\nrule = \"VL001\"\nreason = \"r\"\nexpires = 2027-02-30\n");
        assert!(e.starts_with("vpclint.toml:4:11:"), "{e}");
        let e = err("[[ignore]]\nrule = \"VL001\"\n");
        assert!(e.contains("missing field `reason`"), "{e}");
    }

    #[test]
    fn unknown_rules_are_reported_where_written() {
        let meta = RuleMeta {
            id: "VL001".into(),
            name: "ssh-open".into(),
            severity: Severity::High,
            kind: crate::rules::ResourceKind::SecurityGroupRule,
            title: "t".into(),
            docs: String::new(),
        };
        let c = parse("select = [\"VL001\", \"ssh-open\"]\n[severity]\nVL002 = \"low\"\n").unwrap();
        let e = c
            .check_rule_refs(std::slice::from_ref(&meta))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "vpclint.toml:3:1: unknown rule `VL002` (see `vpclint rules`)"
        );
        assert!(parse("ignore = [\"all\"]")
            .unwrap()
            .check_rule_refs(&[meta])
            .is_ok());
    }

    #[test]
    fn selection_combines_file_and_command_line() {
        let c = parse("select = [\"VL001\", \"VL002\"]\nignore = [\"VL002\"]\n").unwrap();
        assert!(c.rule_selected(&[], &[], ("VL001", "a")));
        assert!(!c.rule_selected(&[], &[], ("VL002", "b")));
        assert!(!c.rule_selected(&[], &[], ("VL003", "c")));
        assert!(c.rule_selected(&["c".into()], &[], ("VL003", "c")));
        assert!(!c.rule_selected(&[], &["a".into()], ("VL001", "a")));
    }

    #[test]
    fn dates_are_computed_and_validated() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_779).to_string(),
            "2026-11-22"
        );
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-2-01"), None);
        assert_eq!(Date::parse("+023-02-01"), None);
    }

    #[test]
    fn config_is_found_in_parent_folders() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "fail-on = \"low\"\n").unwrap();
        let c = Config::discover(None, &nested).unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Low));
        assert_eq!(c.path.as_deref(), Some("../../vpclint.toml"));
        let none = tempfile::tempdir().unwrap();
        // A temp folder's ancestors hold no vpclint.toml on a clean machine.
        assert!(Config::discover(None, none.path()).unwrap().path.is_none());
    }
}
