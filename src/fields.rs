//! Taking a JSON object apart field by field, so that every problem is
//! reported against its field, all at once (HTTP bodies, import lines).

use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};

/// The fields of a JSON object, taken out with their validation; whatever is
/// wrong is collected, and `finish` reports it all at once.
pub struct Fields {
    map: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
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
        if !matches!(self.map.get(field), Some(v) if !v.is_null()) {
            self.error(field, "is required");
            self.map.remove(field);
            return None;
        }
        self.string(field, parse)
    }

    /// A nullable string field: absent → `None`, null → `Some(None)`.
    pub fn nullable<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match self.map.get(field) {
            None => None,
            Some(Value::Null) => {
                self.map.remove(field);
                Some(None)
            }
            Some(_) => self.string(field, parse).map(Some),
        }
    }

    pub fn bool(&mut self, field: &str) -> Option<bool> {
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
        match self.map.remove(field) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.error(field, "must be a JSON object");
                None
            }
        }
    }

    pub fn array_of_strings(&mut self, field: &str) -> Option<Vec<String>> {
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
