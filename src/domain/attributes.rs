use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Free-form profile data: a JSON object of at most 8 KiB serialized.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "Map<String, Value>")]
pub struct Attributes(Map<String, Value>);

/// Serialized by reference: no copy of the value on the way out.
impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Attributes {
    pub const MAX_BYTES: usize = 8 * 1024;

    pub fn parse(map: Map<String, Value>) -> Result<Self, String> {
        let size = serde_json::to_vec(&map)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if size > Self::MAX_BYTES {
            return Err(format!(
                "must be at most {} bytes serialized (got {size})",
                Self::MAX_BYTES
            ));
        }
        if map.keys().any(|k| k.is_empty()) {
            return Err("keys must not be empty".to_owned());
        }
        Ok(Attributes(map))
    }

    /// Attributes read back from the store, checked when they were written.
    pub(crate) fn from_stored(map: Map<String, Value>) -> Self {
        Attributes(map)
    }

    /// Applies a JSON merge patch (RFC 7396, one level deep): a `null` value
    /// removes the key, anything else sets it.
    pub fn merged(&self, patch: &Map<String, Value>) -> Result<Self, String> {
        let mut map = self.0.clone();
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                map.insert(key.clone(), value.clone());
            }
        }
        Self::parse(map)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Map<String, Value>> for Attributes {
    type Error = String;
    fn try_from(map: Map<String, Value>) -> Result<Self, String> {
        Self::parse(map)
    }
}

impl From<Attributes> for Map<String, Value> {
    fn from(a: Attributes) -> Self {
        a.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn nested_objects_up_to_8_kib_are_accepted() {
        let a = Attributes::parse(map(
            json!({"phone": "0245000001", "photo": {"path": "a.png"}}),
        ));
        assert!(a.is_ok());
        let big = map(json!({ "bio": "x".repeat(9000) }));
        assert!(Attributes::parse(big).unwrap_err().contains("8192"));
    }

    #[test]
    fn a_merge_sets_and_null_removes() {
        let a = Attributes::parse(map(json!({"phone": "1", "title": "cto"}))).unwrap();
        let b = a
            .merged(&map(json!({"phone": null, "city": "Accra"})))
            .unwrap();
        assert_eq!(b.as_map(), &map(json!({"title": "cto", "city": "Accra"})));
    }

    #[test]
    fn a_non_object_does_not_deserialize() {
        assert!(serde_json::from_str::<Attributes>("[1,2]").is_err());
        assert!(serde_json::from_str::<Attributes>("\"x\"").is_err());
    }
}
