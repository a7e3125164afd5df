//! Taking a JSON object apart field by field, so that every problem is
//! reported against its field, all at once (HTTP bodies, import lines).
//!
//! An HTTP body is described once, as a `Body`: the parser takes its fields
//! by that description (and refuses any other), and the OpenAPI document is
//! made from it (`http::bodies`), so the two cannot drift apart. A parser
//! asking for a field the description lacks, or with another kind, or
//! leaving one of its fields unread, fails the tests (debug builds assert
//! it on every request).

use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};

/// A JSON object body, described once for its parser and its schema.
#[derive(Debug)]
pub struct Body {
    /// The schema's name in the OpenAPI document.
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

/// What a field holds, with the limits the schema states (the parser checks
/// them itself, through the domain type that parses the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text {
        min: Option<u32>,
        max: Option<u32>,
        pattern: Option<&'static str>,
        format: Option<&'static str>,
    },
    Bool,
    /// Any JSON object.
    Object,
    /// A role name (the `Role` schema).
    Role,
    /// An array of strings.
    Strings {
        min: u32,
        max: u32,
    },
}

/// An optional field.
pub const fn field(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
        doc: "",
    }
}

/// A field that must be present.
pub const fn required(name: &'static str, kind: Kind) -> Field {
    Field {
        required: true,
        ..field(name, kind)
    }
}

/// `field`, with a description for the schema.
pub const fn documented(field: Field, doc: &'static str) -> Field {
    Field { doc, ..field }
}

impl Kind {
    /// A string with no stated limits.
    pub const TEXT: Kind = Kind::Text {
        min: None,
        max: None,
        pattern: None,
        format: None,
    };

    fn is_text(self) -> bool {
        matches!(self, Kind::Text { .. } | Kind::Role)
    }
}

/// The fields of a JSON object, taken out with their validation; whatever is
/// wrong is collected, and `finish` reports it all at once.
pub struct Fields {
    map: Map<String, Value>,
    errors: Vec<FieldError>,
    /// The description the object is read by, and the fields asked for.
    body: Option<&'static Body>,
    asked: Vec<&'static str>,
}

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
            body: None,
            asked: Vec::new(),
        }
    }

    /// Reads the object as `body` describes it.
    pub fn described_by(mut self, body: &'static Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Checks (in debug builds) that `field` is in the description, of a
    /// kind `fits`, and required exactly when `required` says so.
    fn ask(&mut self, field: &str, fits: fn(Kind) -> bool, required: bool) {
        let Some(body) = self.body else { return };
        let spec = body.fields.iter().find(|f| f.name == field);
        debug_assert!(
            spec.is_some_and(|f| fits(f.kind) && f.required == required),
            "{}: the parser reads {field:?} otherwise than the description says ({spec:?})",
            body.name
        );
        if let Some(spec) = spec {
            self.asked.push(spec.name);
        }
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Whether the field is present and not null.
    pub fn contains(&self, field: &str) -> bool {
        self.map.get(field).is_some_and(|v| !v.is_null())
    }

    /// A present, non-null string field, parsed.
    pub fn string<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        self.ask(field, Kind::is_text, false);
        self.text(field, parse)
    }

    fn text<T>(&mut self, field: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match parse(&s) {
                Ok(v) => Some(v),
                Err(m) => {
                    self.error(field, m);
                    None
                }
            },
            Some(_) => {
                self.error(field, "must be a string");
                None
            }
        }
    }

    /// A string field that must be present.
    pub fn required<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        self.ask(field, Kind::is_text, true);
        if !matches!(self.map.get(field), Some(v) if !v.is_null()) {
            self.error(field, "is required");
            self.map.remove(field);
            return None;
        }
        self.text(field, parse)
    }

    /// A nullable string field: absent → `None`, null → `Some(None)`.
    pub fn nullable<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        self.ask(field, Kind::is_text, false);
        match self.map.get(field) {
            None => None,
            Some(Value::Null) => {
                self.map.remove(field);
                Some(None)
            }
            Some(_) => self.text(field, parse).map(Some),
        }
    }

    pub fn bool(&mut self, field: &str) -> Option<bool> {
        self.ask(field, |k| k == Kind::Bool, false);
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(b),
            Some(_) => {
                self.error(field, "must be true or false");
                None
            }
        }
    }

    pub fn object(&mut self, field: &str) -> Option<Map<String, Value>> {
        self.ask(field, |k| k == Kind::Object, false);
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.error(field, "must be a JSON object");
                None
            }
        }
    }

    /// An array of strings that may be left out (or sent as null).
    pub fn optional_strings(&mut self, field: &str) -> Option<Vec<String>> {
        if self.map.get(field).is_none_or(Value::is_null) {
            self.map.remove(field);
            return None;
        }
        self.array_of_strings(field)
    }

    pub fn array_of_strings(&mut self, field: &str) -> Option<Vec<String>> {
        self.ask(field, |k| matches!(k, Kind::Strings { .. }), true);
        match self.map.remove(field) {
            Some(Value::Array(items)) => {
                let strings: Option<Vec<String>> = items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect();
                if strings.is_none() {
                    self.error(field, "must be an array of strings");
                }
                strings
            }
            None | Some(Value::Null) => {
                self.error(field, "is required");
                None
            }
            Some(_) => {
                self.error(field, "must be an array of strings");
                None
            }
        }
    }

    /// Records a problem that involves the fields together.
    pub fn invalid(&mut self, field: &str, message: &str) {
        self.error(field, message);
    }

    /// Fails with every problem found, including fields nobody asked for.
    pub fn finish(mut self) -> Result<()> {
        if let Some(body) = self.body {
            let unread: Vec<&str> = body
                .fields
                .iter()
                .map(|f| f.name)
                .filter(|name| !self.asked.contains(name))
                .collect();
            debug_assert!(
                unread.is_empty(),
                "{}: the parser never reads {unread:?}, which the description has",
                body.name
            );
        }
        let unknown: Vec<String> = self.map.keys().cloned().collect();
        for key in unknown {
            self.error(&key, "is not a known field");
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::fields(self.errors))
        }
    }
}
