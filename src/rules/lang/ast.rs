//! The syntax tree of rule files, before names are resolved against the predicate registry.
//!
//! Everything keeps its byte span so load-time checks (unknown predicate, unknown set, a
//! predicate on the wrong kind) can point a caret at the exact words.

/// A byte range in one rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One word of a condition (`ports`, `tcp/22`, `0.0.0.0/0`, `database-ports`).
pub type Atom = Spanned<String>;

/// A condition as written: predicates are still plain word sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Pred(Vec<Atom>),
}

/// `rule VL001 ssh-open-to-internet` and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleAst {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub severity: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub when: Option<Expr>,
    pub message: Option<Spanned<String>>,
    pub detail: Option<Spanned<String>>,
    pub docs: Option<Spanned<String>>,
    /// `adjust exposure`: the severity follows what the internet really reaches.
    pub adjust: Option<Spanned<String>>,
    /// The `rule` keyword (where "missing field" errors point).
    pub span: Span,
}

/// What a named set holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    Ports,
    Cidrs,
    /// One prefix length (`prefix broad-public-prefix = /16`), so a threshold can be
    /// changed by the configuration without copying the rules that use it.
    Prefix,
}

impl SetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SetKind::Ports => "ports",
            SetKind::Cidrs => "cidrs",
            SetKind::Prefix => "prefix",
        }
    }
}

/// `ports database-ports = 3306, 5432, 27017-27019`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAst {
    pub kind: SetKind,
    pub name: Spanned<String>,
    pub values: Vec<Spanned<String>>,
}

/// `reserve VL040 instance-exposed-to-internet`: an id promised to a rule not shipped yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveAst {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
}

/// A top-level item of a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Boxed: a rule is much larger than a set or a reservation.
    Rule(Box<RuleAst>),
    Set(SetAst),
    Reserve(ReserveAst),
}
