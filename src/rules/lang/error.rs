//! Rule-file errors: file, line, column, a caret under the problem and what was expected.
//!
//! Errors are collected, not thrown: the loader keeps going at the next item so a user sees
//! every mistake of a file at once.

use std::fmt;

use super::ast::Span;

/// One mistake in one rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct RuleError {
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub message: String,
    /// What the parser would have accepted here, in words.
    pub expected: Option<String>,
    /// The offending source line, for the caret display.
    pub source_line: String,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
}

impl RuleError {
    /// Builds an error for `span` of `text` (the whole file).
    pub fn at(file: &str, text: &str, span: Span, message: impl Into<String>) -> RuleError {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() as u32 + 1;
        let column = text[line_start..start].chars().count() as u32 + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        RuleError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            expected: None,
            source_line: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width: text[start..end].chars().count().max(1),
        }
    }

    /// An error about a whole file or the catalog (no position to point at).
    pub fn whole_file(file: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: message.into(),
            expected: None,
            source_line: String::new(),
            width: 0,
        }
    }

    pub fn expected(mut self, what: impl Into<String>) -> RuleError {
        self.expected = Some(what.into());
        self
    }

    /// The multi-line form: message, location, the line with a caret, and the expectation.
    pub fn render(&self) -> String {
        let mut out = format!(
            "error: {}\n  --> {}:{}:{}\n",
            self.message, self.file, self.line, self.column
        );
        if self.width > 0 {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let indent: String = self
                .source_line
                .chars()
                .take(self.column as usize - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("{pad} |\n{number} | {}\n", self.source_line));
            out.push_str(&format!("{pad} | {indent}{}\n", "^".repeat(self.width)));
        }
        if let Some(e) = &self.expected {
            out.push_str(&format!("  = expected {e}\n"));
        }
        out
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every error found while loading a catalog, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleErrors(pub Vec<RuleError>);

impl RuleErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, RuleError> {
        self.0.iter()
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&e.render())?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} error{} in rule files",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for RuleErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_span() {
        let text = "rule VL1 x\n  severity hgih\n";
        let start = text.find("hgih").unwrap_or(0);
        let e = RuleError::at(
            "r.vpl",
            text,
            Span {
                start,
                end: start + 4,
            },
            "unknown severity",
        );
        assert_eq!((e.line, e.column, e.width), (2, 12, 4));
        assert!(e
            .render()
            .contains("2 |   severity hgih\n  |            ^^^^\n"));
    }
}
