//! Typed reads of one resource's (or nested block's) attribute values, with errors that name
//! the file, the JSON pointer and its line, and with the plan's `after_unknown` beside them.

use serde_json::{Map, Value};

use crate::error::{LoadError, Place};
use crate::model::{FileIx, Source, SourceFile};

/// What an error needs to name its place: the file as shown and its text for lines.
pub struct ErrCtx {
    pub path: String,
    pub file: SourceFile,
    pub ix: FileIx,
}

impl ErrCtx {
    pub fn invalid(&self, pointer: &str, message: impl Into<String>) -> LoadError {
        LoadError::Invalid {
            path: self.path.clone(),
            place: Place {
                line: self.file.line_of_pointer(pointer),
                column: None,
                pointer: Some(pointer.to_string()),
            },
            message: message.into(),
        }
    }
}

/// One JSON object of attribute values, where it is, and which of its values are unknown.
#[derive(Clone)]
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    /// The matching part of `after_unknown` (`None` in state: everything is known).
    pub unknown: Option<&'a Value>,
    pub pointer: String,
    pub err: &'a ErrCtx,
}

impl<'a> Obj<'a> {
    /// Where this object is, as a model source (JSON pointer; line resolved lazily).
    pub fn source(&self) -> Source {
        Source::new(self.err.ix, self.pointer.clone())
    }

    pub fn at(&self, key: &str) -> String {
        format!(
            "{}/{}",
            self.pointer,
            key.replace('~', "~0").replace('/', "~1")
        )
    }

    fn wrong(&self, key: &str, want: &str) -> LoadError {
        self.err
            .invalid(&self.at(key), format!("`{key}` should be {want}"))
    }

    /// The value unless absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether the plan says `key` is only known after apply.
    pub fn is_unknown(&self, key: &str) -> bool {
        match self.unknown {
            Some(Value::Bool(true)) => true,
            Some(Value::Object(m)) => m.get(key) == Some(&Value::Bool(true)),
            _ => false,
        }
    }

    /// Whether some elements of the list `key` are unknown (`[true, false]` in the plan's
    /// `after_unknown`) while others are known.
    pub fn is_partly_unknown(&self, key: &str) -> bool {
        match self.unknown {
            Some(Value::Object(m)) => match m.get(key) {
                Some(Value::Array(items)) => items.iter().any(|i| i == &Value::Bool(true)),
                _ => false,
            },
            _ => false,
        }
    }

    /// A non-empty string (Terraform writes `""` for unset computed strings).
    pub fn string(&self, key: &str) -> Result<Option<String>, LoadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            // Terraform's type system converts numbers and bools to strings freely.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, LoadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(_) => Err(self.wrong(key, "a boolean")),
        }
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, LoadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "an integer")),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.wrong(key, "an integer")),
            Some(_) => Err(self.wrong(key, "an integer")),
        }
    }

    /// A port number (0..=65535); `-1` (AWS's "any") is returned as `None`.
    pub fn port(&self, key: &str) -> Result<Option<u16>, LoadError> {
        match self.int(key)? {
            None | Some(-1) => Ok(None),
            Some(n) => u16::try_from(n).map(Some).map_err(|_| {
                self.err
                    .invalid(&self.at(key), format!("`{key}` = {n} is not a port"))
            }),
        }
    }

    /// A list (or set) of strings; null or absent is empty. A single string is one element.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, LoadError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) if !s.is_empty() => out.push(s.clone()),
                        Value::String(_) | Value::Null => {}
                        _ => {
                            return Err(self.err.invalid(
                                &format!("{}/{i}", self.at(key)),
                                format!("`{key}` should hold strings"),
                            ))
                        }
                    }
                }
                Ok(out)
            }
            Some(_) => Err(self.wrong(key, "a list of strings")),
        }
    }

    /// `tags` as ordered pairs (object of strings).
    pub fn tags(&self, key: &str) -> Result<Vec<(String, String)>, LoadError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Object(m)) => Ok(m
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()),
            Some(_) => Err(self.wrong(key, "an object of tags")),
        }
    }

    /// Nested blocks (`ingress`, `route`, `default_action`): each as an [`Obj`] whose
    /// pointer and unknown marks follow the block.
    pub fn blocks(&self, key: &str) -> Result<Vec<Obj<'a>>, LoadError> {
        let items: &'a [Value] = match self.map.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(v @ Value::Object(_)) => std::slice::from_ref(v),
            Some(_) => return Err(self.wrong(key, "a list of blocks")),
        };
        let base = self.at(key);
        let unknown_list = match self.unknown {
            Some(Value::Object(m)) => m.get(key),
            _ => None,
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let pointer = format!("{base}/{i}");
            let Value::Object(map) = item else {
                return Err(self
                    .err
                    .invalid(&pointer, format!("`{key}` should hold objects")));
            };
            let unknown = match unknown_list {
                Some(Value::Array(u)) => u.get(i),
                Some(v @ Value::Bool(true)) => Some(v),
                _ => None,
            };
            out.push(Obj {
                map,
                unknown,
                pointer,
                err: self.err,
            });
        }
        Ok(out)
    }
}
