//! The rule-file parser (nom 8 for the lexemes, recursive descent for the structure).
//!
//! Grammar (`#` starts a comment; items start at column 0, everything inside is indented):
//!
//! ```text
//! file      = item*
//! item      = rule | set | reserve
//! rule      = "rule" ID NAME field*
//! field     = "severity" WORD | "kind" WORD | "title" STRING | "when" condition
//!           | "message" STRING | "detail" STRING | "docs" BLOCK | "adjust" WORD
//! set       = ("ports" | "cidrs") NAME "=" VALUE ("," VALUE)*
//! reserve   = "reserve" ID NAME
//! condition = and ("or" and)*
//! and       = unary ("and" unary)*
//! unary     = "not" unary | "(" condition ")" | WORD+
//! STRING    = '"' … '"' (one line, \" and \\ escapes)     BLOCK = '"""' … '"""'
//! ```
//!
//! A predicate is a run of words (`ports include 22`); which runs are valid is decided later
//! by the predicate registry, so the parser never needs to change when a predicate is added.
//! After a structural error the parser skips to the next item, so every error of a file is
//! reported in one go.

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take_while1};
use nom::character::complete::{char, none_of};
use nom::combinator::{map, recognize, value};
use nom::multi::many0;
use nom::sequence::delimited;
use nom::{IResult, Parser};

use super::ast::{Atom, Expr, Item, ReserveAst, RuleAst, SetAst, SetKind, Span, Spanned};
use super::error::RuleError;

/// Words that start an item; they only count at column 0.
const ITEM_KEYWORDS: [&str; 4] = ["rule", "ports", "cidrs", "reserve"];
/// Words that start a field of a rule; they end a condition.
const FIELD_KEYWORDS: [&str; 8] = [
    "severity", "kind", "title", "when", "message", "detail", "docs", "adjust",
];
const FIELDS_EXPECTED: &str =
    "a field: `severity`, `kind`, `title`, `when`, `message`, `detail`, `docs` or `adjust`";

/// Parses one file into items and the errors met on the way.
pub fn parse_file(file: &str, text: &str) -> (Vec<Item>, Vec<RuleError>) {
    let mut p = Parser_ {
        file,
        text,
        pos: 0,
        errors: Vec::new(),
    };
    let mut items = Vec::new();
    loop {
        p.skip_trivia();
        if p.pos >= text.len() {
            break;
        }
        let start = p.pos;
        match p.item() {
            Ok(item) => items.push(item),
            Err(e) => {
                p.errors.push(e);
                p.pos = p.next_item_after(start);
            }
        }
    }
    (items, p.errors)
}

/// The parser's state: the whole text (for error positions) and where it is.
struct Parser_<'a> {
    file: &'a str,
    text: &'a str,
    pos: usize,
    /// Errors that do not break the structure (a bad severity word): recorded, parsing goes on.
    errors: Vec<RuleError>,
}

type Res<T> = Result<T, RuleError>;

// ---- lexemes (nom) ----

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '*')
}

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(is_word_char).parse(i)
}

/// Spaces, tabs, newlines and `#` comments.
fn trivia(i: &str) -> IResult<&str, ()> {
    value(
        (),
        many0(alt((
            take_while1(|c: char| c.is_whitespace()),
            recognize((char('#'), nom::combinator::opt(is_not("\n")))),
        ))),
    )
    .parse(i)
}

/// Spaces and tabs only (fields and set values stay on their line unless a comma continues).
fn blanks(i: &str) -> IResult<&str, ()> {
    value(
        (),
        many0(alt((
            take_while1(|c: char| c == ' ' || c == '\t'),
            recognize((char('#'), nom::combinator::opt(is_not("\n")))),
        ))),
    )
    .parse(i)
}

/// A one-line string with `\"` and `\\` escapes.
fn string_body(i: &str) -> IResult<&str, String> {
    delimited(
        char('"'),
        map(
            many0(alt((
                value('"', tag("\\\"")),
                value('\\', tag("\\\\")),
                none_of("\"\\\n"),
            ))),
            |cs: Vec<char>| cs.into_iter().collect(),
        ),
        char('"'),
    )
    .parse(i)
}

impl<'a> Parser_<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn advance_to(&mut self, rest: &str) {
        self.pos = self.text.len() - rest.len();
    }

    fn skip_trivia(&mut self) {
        if let Ok((rest, ())) = trivia(self.rest()) {
            self.advance_to(rest);
        }
    }

    fn skip_blanks(&mut self) {
        if let Ok((rest, ())) = blanks(self.rest()) {
            self.advance_to(rest);
        }
    }

    fn at_column_zero(&self) -> bool {
        self.pos == 0 || self.text.as_bytes().get(self.pos - 1) == Some(&b'\n')
    }

    fn span(&self, start: usize) -> Span {
        Span {
            start,
            end: self.pos,
        }
    }

    fn error(&self, span: Span, message: impl Into<String>) -> RuleError {
        RuleError::at(self.file, self.text, span, message)
    }

    /// An error at the current position, underlining the next word (or one character).
    fn error_here(&self, message: impl Into<String>) -> RuleError {
        let len = word(self.rest()).map_or(1, |(_, w)| w.len());
        self.error(
            Span {
                start: self.pos,
                end: self.pos + len,
            },
            message,
        )
    }

    fn peek_word(&self) -> Option<&'a str> {
        word(self.rest()).ok().map(|(_, w)| w)
    }

    fn take_word(&mut self) -> Option<Spanned<String>> {
        let (rest, w) = word(self.rest()).ok()?;
        let start = self.pos;
        self.advance_to(rest);
        Some(Spanned {
            value: w.to_string(),
            span: self.span(start),
        })
    }

    fn expect_word(&mut self, what: &str) -> Res<Spanned<String>> {
        self.skip_blanks();
        self.take_word().ok_or_else(|| {
            self.error_here(format!("missing {what}"))
                .expected(what.to_string())
        })
    }

    /// The start of the first later line that begins an item, skipping `"""` blocks.
    fn next_item_after(&self, item_start: usize) -> usize {
        let mut in_block = false;
        let mut line_start = item_start;
        let mut first = true;
        while line_start < self.text.len() {
            let line_end = self.text[line_start..]
                .find('\n')
                .map_or(self.text.len(), |i| line_start + i + 1);
            let line = &self.text[line_start..line_end];
            let starts_item = ITEM_KEYWORDS
                .iter()
                .any(|k| line.starts_with(k) && line[k.len()..].starts_with([' ', '\t']));
            if !first && !in_block && starts_item {
                return line_start;
            }
            if line.matches("\"\"\"").count() % 2 == 1 {
                in_block = !in_block;
            }
            first = false;
            line_start = line_end;
        }
        self.text.len()
    }

    // ---- items ----

    fn item(&mut self) -> Res<Item> {
        let start = self.pos;
        let kw = self.take_word();
        let Some(kw) = kw.filter(|_| self.at_column_zero_of(start)) else {
            return Err(self
                .error_here_at(start, "unexpected text at the top level")
                .expected(
                    "`rule`, `ports`, `cidrs`, `prefix` or `reserve` at the start of a line",
                ));
        };
        match kw.value.as_str() {
            "rule" => self.rule(kw.span).map(|r| Item::Rule(Box::new(r))),
            "ports" => self.set(SetKind::Ports).map(Item::Set),
            "cidrs" => self.set(SetKind::Cidrs).map(Item::Set),
            "prefix" => self.set(SetKind::Prefix).map(Item::Set),
            "reserve" => self.reserve().map(Item::Reserve),
            field if FIELD_KEYWORDS.contains(&field) => Err(self
                .error(
                    kw.span,
                    format!("`{field}` must be indented under its `rule` line"),
                )
                .expected("fields of a rule indented by spaces or a tab")),
            other => Err(self
                .error(kw.span, format!("unknown item `{other}`"))
                .expected("`rule`, `ports`, `cidrs` or `reserve`")),
        }
    }

    fn at_column_zero_of(&self, pos: usize) -> bool {
        pos == 0 || self.text.as_bytes().get(pos - 1) == Some(&b'\n')
    }

    fn error_here_at(&self, pos: usize, message: &str) -> RuleError {
        let len = word(&self.text[pos..]).map_or(1, |(_, w)| w.len());
        self.error(
            Span {
                start: pos,
                end: pos + len,
            },
            message,
        )
    }

    fn reserve(&mut self) -> Res<ReserveAst> {
        let id = self.expect_word("a rule id such as `VL040`")?;
        let name = self.expect_word("a kebab-case rule name")?;
        self.end_of_line()?;
        Ok(ReserveAst { id, name })
    }

    /// Only blanks and a comment may follow on the line.
    fn end_of_line(&mut self) -> Res<()> {
        self.skip_blanks();
        match self.rest().chars().next() {
            None | Some('\n') | Some('\r') => Ok(()),
            Some(_) => Err(self
                .error_here("unexpected text after the end of the line")
                .expected("the end of the line")),
        }
    }

    fn set(&mut self, kind: SetKind) -> Res<SetAst> {
        let name = self.expect_word("a set name such as `database-ports`")?;
        self.skip_blanks();
        if !self.rest().starts_with('=') {
            return Err(self
                .error_here("missing `=` after the set name")
                .expected("`=`"));
        }
        self.pos += 1;
        let mut values = vec![self.expect_word("a set element")?];
        loop {
            self.skip_blanks();
            if !self.rest().starts_with(',') {
                break;
            }
            self.pos += 1;
            self.skip_trivia();
            values.push(self.expect_word("a set element after `,`")?);
        }
        self.end_of_line()?;
        Ok(SetAst { kind, name, values })
    }

    fn rule(&mut self, keyword: Span) -> Res<RuleAst> {
        let id = self.expect_word("a rule id such as `VL001`")?;
        let name = self.expect_word("a kebab-case rule name")?;
        self.end_of_line()?;
        let mut rule = RuleAst {
            id,
            name,
            severity: None,
            kind: None,
            title: None,
            when: None,
            message: None,
            detail: None,
            docs: None,
            adjust: None,
            span: keyword,
        };
        loop {
            self.skip_trivia();
            if self.pos >= self.text.len() {
                return Ok(rule);
            }
            if self.at_column_zero() {
                // A field written at column 0 belongs to this rule; saying so beats a
                // list of "missing field" errors.
                return match self.peek_word() {
                    Some(w) if FIELD_KEYWORDS.contains(&w) => Err(self
                        .error_here(format!("`{w}` must be indented under its `rule` line"))
                        .expected("fields of a rule indented by spaces or a tab")),
                    _ => Ok(rule),
                };
            }
            let start = self.pos;
            let Some(field) = self.take_word() else {
                return Err(self
                    .error_here("unexpected character in a rule")
                    .expected(FIELDS_EXPECTED));
            };
            self.field(&mut rule, &field, start)?;
        }
    }

    fn field(&mut self, rule: &mut RuleAst, field: &Spanned<String>, start: usize) -> Res<()> {
        let duplicate = match field.value.as_str() {
            "severity" => set_once(&mut rule.severity, self.word_value("a severity")?),
            "kind" => set_once(&mut rule.kind, self.word_value("a resource kind")?),
            "title" => set_once(&mut rule.title, self.string_value()?),
            "message" => set_once(&mut rule.message, self.string_value()?),
            "detail" => set_once(&mut rule.detail, self.string_value()?),
            "docs" => set_once(&mut rule.docs, self.block_value()?),
            "adjust" => set_once(&mut rule.adjust, self.word_value("`exposure`")?),
            "when" => {
                let expr = self.condition()?;
                let had = rule.when.is_some();
                rule.when = Some(expr);
                had
            }
            other => {
                return Err(self
                    .error(field.span, format!("unknown field `{other}`"))
                    .expected(FIELDS_EXPECTED))
            }
        };
        if duplicate {
            let e = self.error(
                Span {
                    start,
                    end: field.span.end,
                },
                format!("`{}` is given twice in this rule", field.value),
            );
            self.errors.push(e);
        }
        Ok(())
    }

    fn word_value(&mut self, what: &str) -> Res<Spanned<String>> {
        let w = self.expect_word(what)?;
        self.end_of_line()?;
        Ok(w)
    }

    fn string_value(&mut self) -> Res<Spanned<String>> {
        self.skip_blanks();
        let start = self.pos;
        if self.rest().starts_with("\"\"\"") {
            return Err(self
                .error_here("a `\"\"\"` block is only allowed for `docs`")
                .expected("a one-line string in double quotes"));
        }
        if !self.rest().starts_with('"') {
            return Err(self
                .error_here("missing string")
                .expected("a string in double quotes"));
        }
        match string_body(self.rest()) {
            Ok((rest, s)) => {
                self.advance_to(rest);
                let span = self.span(start);
                self.end_of_line()?;
                Ok(Spanned { value: s, span })
            }
            Err(_) => {
                let line_end = self
                    .rest()
                    .find('\n')
                    .map_or(self.text.len(), |i| self.pos + i);
                Err(self
                    .error(
                        Span {
                            start,
                            end: line_end,
                        },
                        "unterminated string",
                    )
                    .expected("a closing `\"` on the same line"))
            }
        }
    }

    fn block_value(&mut self) -> Res<Spanned<String>> {
        self.skip_blanks();
        let start = self.pos;
        if !self.rest().starts_with("\"\"\"") {
            return Err(self
                .error_here("missing documentation block")
                .expected("`\"\"\"` followed by Markdown and a closing `\"\"\"`"));
        }
        let body_start = start + 3;
        let Some(len) = self.text[body_start..].find("\"\"\"") else {
            return Err(self
                .error(
                    Span {
                        start,
                        end: body_start,
                    },
                    "unterminated documentation block",
                )
                .expected("a closing `\"\"\"`"));
        };
        let body = &self.text[body_start..body_start + len];
        self.pos = body_start + len + 3;
        let span = self.span(start);
        self.end_of_line()?;
        Ok(Spanned {
            value: dedent(body.trim_start_matches(['\r', '\n']).trim_end()),
            span,
        })
    }

    // ---- conditions ----

    /// Collects the condition's words and parentheses, then parses them.
    fn condition(&mut self) -> Res<Expr> {
        let when_end = self.pos;
        let mut toks = Vec::new();
        loop {
            self.skip_trivia();
            if self.pos >= self.text.len() || self.at_column_zero() {
                break;
            }
            let c = self.rest().chars().next().unwrap_or(' ');
            if c == '(' || c == ')' {
                let start = self.pos;
                self.pos += 1;
                toks.push(Spanned {
                    value: c.to_string(),
                    span: self.span(start),
                });
                continue;
            }
            match self.peek_word() {
                Some(w) if FIELD_KEYWORDS.contains(&w) => break,
                Some(_) => {
                    if let Some(w) = self.take_word() {
                        toks.push(w);
                    }
                }
                None => {
                    return Err(self
                        .error_here(format!("unexpected `{c}` in a condition"))
                        .expected("a predicate, `and`, `or`, `not` or parentheses"))
                }
            }
        }
        if toks.is_empty() {
            return Err(self
                .error(
                    Span {
                        start: when_end,
                        end: when_end,
                    },
                    "empty condition after `when`",
                )
                .expected("a condition such as `ingress and ports include 22`"));
        }
        let mut cond = Cond {
            toks: &toks,
            at: 0,
            p: self,
        };
        let expr = cond.or()?;
        if let Some(t) = toks.get(cond.at) {
            return Err(self
                .error(t.span, format!("unexpected `{}`", t.value))
                .expected("`and`, `or` or the end of the condition"));
        }
        Ok(expr)
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T) -> bool {
    let had = slot.is_some();
    *slot = Some(value);
    had
}

/// Removes the common leading indentation of a documentation block.
fn dedent(body: &str) -> String {
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.lines()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Recursive descent over the collected condition tokens.
struct Cond<'t, 'p, 'a> {
    toks: &'t [Atom],
    at: usize,
    p: &'p Parser_<'a>,
}

impl Cond<'_, '_, '_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.at).map(|t| t.value.as_str())
    }

    fn or(&mut self) -> Res<Expr> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some("or") {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Res<Expr> {
        let mut parts = vec![self.unary()?];
        while self.peek() == Some("and") {
            self.at += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Res<Expr> {
        match self.peek() {
            Some("not") => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some("(") => {
                let open = self.toks[self.at].span;
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(")") {
                    let span = self.toks.get(self.at).map_or(open, |t| t.span);
                    return Err(self
                        .p
                        .error(span, "unclosed parenthesis")
                        .expected("`)` to close the `(` opened earlier"));
                }
                self.at += 1;
                Ok(inner)
            }
            _ => self.predicate(),
        }
    }

    fn predicate(&mut self) -> Res<Expr> {
        let start = self.at;
        while let Some(w) = self.peek() {
            if matches!(w, "and" | "or" | "not" | "(" | ")") {
                break;
            }
            self.at += 1;
        }
        if self.at == start {
            let (span, found) = match self.toks.get(self.at) {
                Some(t) => (t.span, format!("`{}`", t.value)),
                None => {
                    let end = self.toks.last().map_or(0, |t| t.span.end);
                    (
                        Span { start: end, end },
                        "the end of the condition".to_string(),
                    )
                }
            };
            return Err(self
                .p
                .error(span, format!("expected a predicate, found {found}"))
                .expected("a predicate such as `ingress` or `ports include 22`"));
        }
        Ok(Expr::Pred(self.toks[start..self.at].to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# a comment
ports admin = 22, 3389,
    5985-5986
rule VL900 demo-rule
  severity high
  kind security-group-rule
  title "A demo"
  when ingress and (ports include admin or not protocol tcp)
  message "{group} says \"hi\""
  docs """
    ## What it does
    Demo.
    """
reserve VL901 later-rule
"#;

    #[test]
    fn parses_sets_rules_and_reservations() {
        let (items, errors) = parse_file("t.vpl", GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(items.len(), 3);
        let Item::Set(set) = &items[0] else {
            panic!("set first")
        };
        let values: Vec<_> = set.values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["22", "3389", "5985-5986"]);
        let Item::Rule(rule) = &items[1] else {
            panic!("rule second")
        };
        assert_eq!(rule.id.value, "VL900");
        assert_eq!(
            rule.message.as_ref().map(|m| m.value.as_str()),
            Some("{group} says \"hi\"")
        );
        assert_eq!(
            rule.docs.as_ref().map(|d| d.value.as_str()),
            Some("## What it does\nDemo.")
        );
        let Some(Expr::And(parts)) = &rule.when else {
            panic!("an and")
        };
        assert_eq!(parts.len(), 2);
        assert!(matches!(&parts[1], Expr::Or(o) if matches!(&o[1], Expr::Not(_))));
    }

    #[test]
    fn recovers_at_the_next_rule() {
        let text = "rule VL1 a\n  severity high\n  when (ingress\nrule VL2 b\n  bogus x\nrule VL3 c\n  kind vpc\n";
        let (items, errors) = parse_file("t.vpl", text);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, 3);
        assert_eq!(errors[1].line, 5);
        assert_eq!(items.len(), 1);
    }
}
