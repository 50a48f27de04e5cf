//! The predicate registry: every predicate a rule may use, in one table.
//!
//! Adding a predicate is one entry: a pattern (`"ports include <ports>"`), the resource kinds
//! it applies to, the facts it provides to message templates, and an evaluation function.
//! Argument slots in a pattern are `<protocol>`, `<ports>`, `<traffic>`, `<prefix>`,
//! `<cidrs>` and `<count>`; their parsing and the load-time checks (unknown set, wrong kind)
//! come for free. The reachability engine registers its own table with [`Registry::add`].

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::eval::{Env, Verdict};
use super::lang::ast::Atom;
use super::lang::RuleError;
use super::subject::Subject;
use super::ResourceKind;
use crate::net::Protocol;

/// Inclusive port ranges, sorted and merged.
pub type PortList = Vec<(u16, u16)>;

/// A protocol and the ports of it (`tcp/22`, `udp/161-162`, `all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traffic {
    pub protocol: Protocol,
    /// For protocols without ports (and `all`) this is `0-65535`.
    pub ports: PortList,
}

/// A parsed argument of a predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Protocol(Protocol),
    Ports(PortList),
    Traffic(Traffic),
    /// `/16`: a prefix length.
    Prefix(u8),
    Cidrs(Vec<IpNet>),
    Count(u32),
}

/// Which external facts a predicate needs; without them it is false and a note is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Estate,
    /// Reachability results from `crate::reach` ([`super::eval::ReachFacts`]).
    Reach,
    /// Private-key file scan results ([`super::eval::KeyFacts`]).
    Keys,
}

/// How a predicate is evaluated on one subject.
pub type EvalFn = fn(&Subject<'_>, &[Arg], &Env<'_>) -> Verdict;

/// One predicate.
#[derive(Debug, Clone, Copy)]
pub struct PredicateDef {
    /// Words and argument slots: `"source broader than <prefix>"`.
    pub pattern: &'static str,
    pub kinds: &'static [ResourceKind],
    /// Template fields the predicate's verdict fills in when true (`{ports}`, `{sources}`).
    pub provides: &'static [&'static str],
    pub needs: Needs,
    /// One line, for `vpclint rules` and error hints.
    pub help: &'static str,
    pub eval: EvalFn,
}

impl PredicateDef {
    fn words(&self) -> impl Iterator<Item = &'static str> {
        self.pattern.split_whitespace()
    }

    fn head(&self) -> &'static str {
        self.words().next().unwrap_or("")
    }
}

/// Named sets from `ports …` and `cidrs …` items.
#[derive(Debug, Clone, Default)]
pub struct Sets {
    pub ports: BTreeMap<String, PortList>,
    pub cidrs: BTreeMap<String, Vec<IpNet>>,
    /// Named prefix lengths (`prefix broad-public-prefix = /16`).
    pub prefixes: BTreeMap<String, u8>,
}

/// All predicates the catalog may use.
#[derive(Debug, Clone)]
pub struct Registry {
    defs: Vec<PredicateDef>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

/// A failed match: how many atoms matched and why the next one did not.
struct Miss {
    matched: usize,
    at: usize,
    message: String,
    expected: String,
}

impl Registry {
    /// The predicates that ship with vpclint.
    pub fn builtin() -> Registry {
        let mut defs = Vec::new();
        defs.extend_from_slice(super::predicates::PREDICATES);
        // Before `reach`: its placeholder `tracked-by-git` row (always false) must not win.
        defs.extend_from_slice(super::predicates::keys::PREDICATES);
        defs.extend_from_slice(super::predicates::reach::PREDICATES);
        Registry { defs }
    }

    /// Adds a predicate (the reachability engine and key scanner register theirs here).
    pub fn add(&mut self, def: PredicateDef) {
        self.defs.push(def);
    }

    pub fn defs(&self) -> &[PredicateDef] {
        &self.defs
    }

    /// Finds the predicate the words spell and parses its arguments, or explains the mistake.
    pub fn resolve(
        &self,
        atoms: &[Atom],
        kind: ResourceKind,
        sets: &Sets,
        err: &dyn Fn(&Atom, &Atom, String) -> RuleError,
    ) -> Result<(PredicateDef, Vec<Arg>), RuleError> {
        // The parser never produces an empty predicate; an empty slice has no words to match.
        let (Some(first), Some(last)) = (atoms.first(), atoms.last()) else {
            return Err(RuleError::whole_file("", "empty predicate"));
        };
        let mut best: Option<Miss> = None;
        let mut wrong_kind: Option<&PredicateDef> = None;
        // The same words may be registered for several kinds with different evaluators.
        for def in self.defs.iter().filter(|d| d.head() == first.value) {
            match match_pattern(def, atoms, sets) {
                Ok(args) if def.kinds.contains(&kind) => return Ok((*def, args)),
                Ok(_) => wrong_kind = wrong_kind.or(Some(def)),
                Err(miss) => {
                    if best.as_ref().is_none_or(|b| miss.matched > b.matched) {
                        best = Some(miss);
                    }
                }
            }
        }
        if let Some(def) = wrong_kind {
            let kinds: Vec<_> = self
                .defs
                .iter()
                .filter(|d| d.pattern == def.pattern)
                .flat_map(|d| d.kinds.iter().map(|k| k.as_str()))
                .collect();
            return Err(err(
                first,
                last,
                format!(
                    "`{}` does not apply to {} rules",
                    def.pattern,
                    kind.as_str()
                ),
            )
            .expected(format!("a rule of kind {}", kinds.join(", "))));
        }
        match best {
            Some(miss) => {
                let at = atoms.get(miss.at).unwrap_or(last);
                Err(err(at, at, miss.message).expected(miss.expected))
            }
            None => Err(err(
                first,
                last,
                format!("unknown predicate `{}`", phrase(atoms)),
            )
            .expected(self.suggest(&phrase(atoms), kind))),
        }
    }

    /// Predicates of this kind, closest spelling first.
    /// Closest spelling of the written words first.
    fn suggest(&self, written: &str, kind: ResourceKind) -> String {
        let words = written.split_whitespace().count();
        let mut options: Vec<&PredicateDef> = self
            .defs
            .iter()
            .filter(|d| d.kinds.contains(&kind))
            .collect();
        let prefix = |d: &PredicateDef| d.words().take(words).collect::<Vec<_>>().join(" ");
        options.sort_by_key(|d| (edit_distance(&prefix(d), written), d.pattern));
        let shown: Vec<String> = options
            .iter()
            .take(4)
            .map(|d| format!("`{}`", d.pattern))
            .collect();
        if shown.is_empty() {
            format!("no predicates exist yet for {} rules", kind.as_str())
        } else {
            format!(
                "a predicate for {} rules, such as {}",
                kind.as_str(),
                shown.join(", ")
            )
        }
    }
}

fn phrase(atoms: &[Atom]) -> String {
    atoms
        .iter()
        .map(|a| a.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn match_pattern(def: &PredicateDef, atoms: &[Atom], sets: &Sets) -> Result<Vec<Arg>, Miss> {
    let mut args = Vec::new();
    let words: Vec<&str> = def.words().collect();
    for (i, w) in words.iter().enumerate() {
        let Some(atom) = atoms.get(i) else {
            return Err(Miss {
                matched: i,
                at: atoms.len(),
                message: format!("incomplete predicate; `{}` needs more", def.pattern),
                expected: describe_slot(w),
            });
        };
        if let Some(slot) = w.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
            let arg = parse_slot(slot, &atom.value, sets).map_err(|message| Miss {
                matched: i,
                at: i,
                message,
                expected: describe_slot(w),
            })?;
            args.push(arg);
        } else if *w != atom.value {
            return Err(Miss {
                matched: i,
                at: i,
                message: format!("unexpected `{}` in `{}`", atom.value, def.pattern),
                expected: format!("`{w}`"),
            });
        }
    }
    if atoms.len() > words.len() {
        return Err(Miss {
            matched: words.len(),
            at: words.len(),
            message: format!("too many words for `{}`", def.pattern),
            expected: "`and`, `or` or the end of the predicate".to_string(),
        });
    }
    Ok(args)
}

fn describe_slot(word: &str) -> String {
    match word {
        "<protocol>" => "a protocol: tcp, udp, icmp, icmpv6, all or a number".to_string(),
        "<ports>" => "a port (22), a range (1024-65535), `all` or a port set name".to_string(),
        "<traffic>" => "traffic such as tcp/22, udp/161-162, tcp/database-ports or all".to_string(),
        "<prefix>" => "a prefix length such as /16 or a prefix name".to_string(),
        "<cidrs>" => "a CIDR (10.0.0.0/8) or a CIDR set name".to_string(),
        "<count>" => "a whole number".to_string(),
        w => format!("`{w}`"),
    }
}

fn parse_slot(slot: &str, text: &str, sets: &Sets) -> Result<Arg, String> {
    match slot {
        "protocol" => parse_protocol(text).map(Arg::Protocol),
        "ports" => parse_ports(text, sets).map(Arg::Ports),
        "traffic" => parse_traffic(text, sets).map(Arg::Traffic),
        "prefix" => parse_prefix_len(text)
            .or_else(|| sets.prefixes.get(text).copied())
            .map(Arg::Prefix)
            .ok_or_else(|| format!("`{text}` is not a prefix length or a known prefix name")),
        "cidrs" => parse_cidrs(text, sets).map(Arg::Cidrs),
        "count" => text
            .parse::<u32>()
            .map(Arg::Count)
            .map_err(|_| format!("`{text}` is not a whole number")),
        other => Err(format!("internal: unknown slot <{other}>")),
    }
}

/// `/16` → 16 (at most 128, the IPv6 width).
pub fn parse_prefix_len(text: &str) -> Option<u8> {
    text.strip_prefix('/')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| *n <= 128)
}

fn parse_protocol(text: &str) -> Result<Protocol, String> {
    Protocol::parse(text)
        .filter(|_| !text.starts_with('-') || text == "-1")
        .ok_or_else(|| format!("unknown protocol `{text}`"))
}

/// `22`, `1024-65535`, `all`, or a set name.
pub fn parse_ports(text: &str, sets: &Sets) -> Result<PortList, String> {
    if text == "all" {
        return Ok(vec![(0, 65535)]);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_port_range(text).map(|r| vec![r]);
    }
    sets.ports.get(text).cloned().ok_or_else(|| {
        let known: Vec<&str> = sets.ports.keys().map(String::as_str).collect();
        format!("unknown port set `{text}` (known: {})", known.join(", "))
    })
}

/// One port or an inclusive range, each 0..=65535, low before high.
pub fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let (lo, hi) = text.split_once('-').unwrap_or((text, text));
    let lo: u16 = lo
        .parse()
        .map_err(|_| format!("`{text}` is not a port (0-65535)"))?;
    let hi: u16 = hi
        .parse()
        .map_err(|_| format!("`{text}` is not a port (0-65535)"))?;
    if lo > hi {
        return Err(format!("port range `{text}` runs backwards"));
    }
    Ok((lo, hi))
}

fn parse_traffic(text: &str, sets: &Sets) -> Result<Traffic, String> {
    let (proto, ports) = match text.split_once('/') {
        Some((p, ports)) => (p, Some(ports)),
        None => (text, None),
    };
    let protocol = parse_protocol(proto)?;
    let ports = match ports {
        Some(p) if !protocol.has_ports() => {
            return Err(format!(
                "`{proto}` has no ports; write `{proto}` alone ({p} given)"
            ))
        }
        Some(p) => parse_ports(p, sets)?,
        None => vec![(0, 65535)],
    };
    Ok(Traffic { protocol, ports })
}

fn parse_cidrs(text: &str, sets: &Sets) -> Result<Vec<IpNet>, String> {
    if text.contains('/') && text.contains(['.', ':']) {
        return text
            .parse::<IpNet>()
            .map(|n| vec![n])
            .map_err(|_| format!("`{text}` is not a CIDR"));
    }
    sets.cidrs.get(text).cloned().ok_or_else(|| {
        let known: Vec<&str> = sets.cidrs.keys().map(String::as_str).collect();
        format!("unknown CIDR set `{text}` (known: {})", known.join(", "))
    })
}

/// Sorts and merges port ranges.
pub fn normalize_ports(mut list: PortList) -> PortList {
    list.sort_unstable();
    let mut out: PortList = Vec::new();
    for (lo, hi) in list {
        match out.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_traffic_parse() {
        let mut sets = Sets::default();
        sets.ports.insert("db".into(), vec![(3306, 3306)]);
        assert_eq!(parse_ports("22", &sets), Ok(vec![(22, 22)]));
        assert_eq!(parse_ports("db", &sets), Ok(vec![(3306, 3306)]));
        assert!(parse_ports("70000", &sets).is_err());
        assert!(parse_ports("30-20", &sets).is_err());
        let t = parse_traffic("tcp/db", &sets);
        assert_eq!(t.map(|t| t.ports), Ok(vec![(3306, 3306)]));
        assert!(parse_traffic("icmp/8", &sets).is_err());
        assert_eq!(
            normalize_ports(vec![(5, 9), (1, 3), (4, 4), (20, 30)]),
            vec![(1, 9), (20, 30)]
        );
    }

    #[test]
    fn every_builtin_pattern_is_well_formed() {
        for def in Registry::builtin().defs() {
            assert!(!def.kinds.is_empty(), "{}", def.pattern);
            assert!(!def.head().starts_with('<'), "{}", def.pattern);
            for w in def.words() {
                if w.starts_with('<') {
                    assert!(!describe_slot(w).starts_with('`'), "{}", def.pattern);
                }
            }
        }
    }
}
