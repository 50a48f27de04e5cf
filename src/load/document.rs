//! One JSON input file split into its top-level members, each parsed lazily into typed structs.
//!
//! The top level is read as raw slices (no tree is built), so recognising a file costs one
//! validating scan; each member is then deserialised straight into the loader's own structs.
//! Errors from a member are mapped back to the line and column in the whole file.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{LoadError, Place};
use crate::model::FileIx;

/// A top-level JSON object: its members in file order, as raw slices of the file text.
pub struct Document<'a> {
    pub path: &'a str,
    pub file: FileIx,
    pub text: &'a str,
    /// JSON pointer prefix of this object (`""`, or `/3` for an element of a top-level list).
    pub pointer: String,
    pub members: Vec<(String, &'a RawValue)>,
}

impl<'a> Document<'a> {
    /// Splits `text` into documents: one for a top-level object, one per element of a
    /// top-level list of objects (exporters wrap paged or per-resource answers that way).
    pub fn split(
        path: &'a str,
        file: FileIx,
        text: &'a str,
    ) -> Result<Vec<Document<'a>>, LoadError> {
        let first = text
            .trim_start_matches(['\u{feff}', ' ', '\n', '\r', '\t'])
            .chars()
            .next();
        match first {
            Some('[') => {
                let list: Vec<&RawValue> = parse_whole(path, text)?;
                let mut docs = Vec::with_capacity(list.len());
                for (i, raw) in list.into_iter().enumerate() {
                    let pointer = format!("/{i}");
                    let members = object_members(path, text, raw, &pointer)?;
                    docs.push(Document {
                        path,
                        file,
                        text,
                        pointer,
                        members,
                    });
                }
                Ok(docs)
            }
            Some('{') => {
                let members: Vec<(String, &RawValue)> = parse_object(path, text)?;
                Ok(vec![Document {
                    path,
                    file,
                    text,
                    pointer: String::new(),
                    members,
                }])
            }
            None => Err(LoadError::Syntax {
                path: path.to_string(),
                place: Place {
                    line: Some(1),
                    column: Some(1),
                    pointer: None,
                },
                message: "empty file: expected a JSON object".to_string(),
            }),
            Some(_) => {
                // Let serde describe what is wrong (it gives line and column).
                let _: serde::de::IgnoredAny = parse_whole(path, text)?;
                Err(LoadError::Syntax {
                    path: path.to_string(),
                    place: Place {
                        line: Some(1),
                        column: Some(1),
                        pointer: None,
                    },
                    message: "expected a JSON object or a list of objects".to_string(),
                })
            }
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.members.iter().any(|(k, _)| k == key)
    }

    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_str())
    }

    /// Deserialises member `key` into `T`; errors carry the file's own line and column.
    pub fn parse<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, LoadError> {
        match self.get(key) {
            None => Ok(None),
            Some(raw) => parse_raw(
                self.path,
                self.text,
                raw,
                &format!("{}/{}", self.pointer, key),
            )
            .map(Some),
        }
    }
}

impl<'a> Document<'a> {
    /// Like [`Document::parse`], but `T` may borrow from the file text (raw slices of parts
    /// that are read only when needed).
    pub fn parse_borrowed<T: serde::Deserialize<'a>>(
        &self,
        key: &str,
    ) -> Result<Option<T>, LoadError> {
        let Some(raw) = self.get(key) else {
            return Ok(None);
        };
        let slice: &'a str = raw.get();
        serde_json::from_str(slice).map(Some).map_err(|e| {
            // Re-run the owned parse for its error mapping (line and column in the file).
            match parse_raw::<serde::de::IgnoredAny>(
                self.path,
                self.text,
                raw,
                &format!("{}/{}", self.pointer, key),
            ) {
                Err(mapped) => mapped,
                Ok(_) => syntax_error(self.path, &e),
            }
        })
    }
}

/// Deserialises a raw slice of `text`, mapping serde's positions (relative to the slice)
/// back to positions in the whole file.
pub fn parse_raw<T: DeserializeOwned>(
    path: &str,
    text: &str,
    raw: &RawValue,
    pointer: &str,
) -> Result<T, LoadError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        let (base_line, base_col) = position_of_slice(text, raw.get());
        let line = base_line + e.line() as u32 - 1;
        let column = if e.line() <= 1 {
            base_col + e.column() as u32 - 1
        } else {
            e.column().max(1) as u32
        };
        LoadError::Syntax {
            path: path.to_string(),
            place: Place {
                line: Some(line),
                column: Some(column),
                pointer: Some(pointer.to_string()),
            },
            message: clean_serde_message(&e),
        }
    })
}

fn parse_whole<'a, T: serde::Deserialize<'a>>(path: &str, text: &'a str) -> Result<T, LoadError> {
    serde_json::from_str(text).map_err(|e| syntax_error(path, &e))
}

fn parse_object<'a>(path: &str, text: &'a str) -> Result<Vec<(String, &'a RawValue)>, LoadError> {
    let members: OrderedMembers<'a> = parse_whole(path, text)?;
    Ok(members.0)
}

fn object_members<'a>(
    path: &str,
    text: &'a str,
    raw: &'a RawValue,
    pointer: &str,
) -> Result<Vec<(String, &'a RawValue)>, LoadError> {
    match serde_json::from_str::<OrderedMembers<'a>>(raw.get()) {
        Ok(m) => Ok(m.0),
        Err(e) => {
            let (line, column) = position_of_slice(text, raw.get());
            Err(LoadError::Syntax {
                path: path.to_string(),
                place: Place {
                    line: Some(line),
                    column: Some(column),
                    pointer: Some(pointer.to_string()),
                },
                message: format!(
                    "expected an object in the top-level list ({})",
                    clean_serde_message(&e)
                ),
            })
        }
    }
}

/// A JSON object's members in file order, values left raw.
struct OrderedMembers<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for OrderedMembers<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = OrderedMembers<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(OrderedMembers(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The 1-based line and column where `slice` (a sub-slice of `text`) starts.
fn position_of_slice(text: &str, slice: &str) -> (u32, u32) {
    let start = (slice.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    let before = &text.as_bytes()[..start];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, (start - line_start) as u32 + 1)
}

fn syntax_error(path: &str, e: &serde_json::Error) -> LoadError {
    let message = match e.classify() {
        serde_json::error::Category::Eof => format!("truncated JSON: {}", clean_serde_message(e)),
        _ => clean_serde_message(e),
    };
    LoadError::Syntax {
        path: path.to_string(),
        place: Place {
            line: Some(e.line() as u32),
            column: Some(e.column().max(1) as u32),
            pointer: None,
        },
        message,
    }
}

/// serde_json appends " at line L column C"; the place is printed separately.
fn clean_serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_errors_point_into_the_whole_file() {
        let text = "{\n  \"A\": 1,\n  \"Vpcs\": [\n    {\"x\": \"oops\"}\n  ]\n}";
        let docs = Document::split("f.json", FileIx(0), text).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(docs[0].has("Vpcs"));
        let err = docs[0]
            .parse::<Vec<std::collections::HashMap<String, u32>>>("Vpcs")
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("f.json:4:"), "{msg}");
        assert!(msg.contains("/Vpcs"), "{msg}");
    }

    #[test]
    fn truncated_file_names_position() {
        let err = Document::split("b.json", FileIx(0), "{\"SecurityGroups\": [")
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(msg.starts_with("b.json:1:"), "{msg}");
        assert!(msg.contains("truncated"), "{msg}");
    }

    #[test]
    fn top_level_list_gives_one_document_per_object() {
        let docs = Document::split("l.json", FileIx(0), "[{\"A\": 1}, {\"B\": 2}]").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].pointer, "/1");
        assert!(docs[1].has("B"));
    }
}
