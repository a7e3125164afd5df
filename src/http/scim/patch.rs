//! SCIM PATCH (RFC 7644 section 3.5.2) applied to a resource's JSON: every
//! operation in turn on a copy, so that a request with one bad operation
//! changes nothing. What the result means is then read as a PUT would be.
//!
//! Accepts what the big providers send: operation names in any case
//! (`"Replace"`), a `replace` with no path and an object of attributes
//! (`{"op":"Replace","value":{"active":false}}`), and booleans as strings
//! (`"False"`) where the attribute is a boolean.

use serde_json::{Map, Value};

use super::filter::{PatchPath, member, parse_path};

/// Why an operation was refused: SCIM's `scimType` and `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub scim_type: &'static str,
    pub detail: String,
}

fn refused<T>(scim_type: &'static str, detail: impl Into<String>) -> Result<T, Refused> {
    Err(Refused {
        scim_type,
        detail: detail.into(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Replace,
    Remove,
}

/// The key of `object` that `name` names without case, if any.
fn key_of(object: &Map<String, Value>, name: &str) -> Option<String> {
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
}

/// Sets `name` in `object`, keeping the spelling of a key already there.
fn set(object: &mut Map<String, Value>, name: &str, value: Value) {
    let key = key_of(object, name).unwrap_or_else(|| name.to_owned());
    object.insert(key, value);
}

/// The operations of a PATCH body (`Operations`), applied to `resource`.
/// `multi` says which top-level attributes are multi-valued.
pub fn apply(resource: &Value, body: &Value, multi: &[&str]) -> Result<Value, Refused> {
    let schemas = member(body, "schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| {
        s.iter()
            .any(|u| u == "urn:ietf:params:scim:api:messages:2.0:PatchOp")
    }) {
        return refused(
            "invalidSyntax",
            "a PATCH body's schemas must be [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]",
        );
    }
    let Some(ops) = member(body, "Operations").and_then(Value::as_array) else {
        return refused("invalidSyntax", "a PATCH body needs a list of Operations");
    };
    if ops.is_empty() {
        return refused("invalidSyntax", "a PATCH body needs at least one operation");
    }
    let mut result = resource.clone();
    for (n, op) in ops.iter().enumerate() {
        let at = |d: String| format!("operation {}: {d}", n + 1);
        let kind = match member(op, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
        {
            Some(k) if k == "add" => Kind::Add,
            Some(k) if k == "replace" => Kind::Replace,
            Some(k) if k == "remove" => Kind::Remove,
            _ => {
                return refused(
                    "invalidSyntax",
                    at("\"op\" must be add, replace or remove".to_owned()),
                );
            }
        };
        let path = match member(op, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) => Some(parse_path(p).map_err(|e| Refused {
                scim_type: "invalidPath",
                detail: at(e.0),
            })?),
            Some(_) => return refused("invalidPath", at("\"path\" must be a string".to_owned())),
        };
        let value = member(op, "value").cloned();
        apply_one(&mut result, kind, path.as_ref(), value, multi).map_err(|r| Refused {
            scim_type: r.scim_type,
            detail: at(r.detail),
        })?;
    }
    Ok(result)
}

fn apply_one(
    resource: &mut Value,
    kind: Kind,
    path: Option<&PatchPath>,
    value: Option<Value>,
    multi: &[&str],
) -> Result<(), Refused> {
    let Some(object) = resource.as_object_mut() else {
        return refused("invalidValue", "the resource is not an object");
    };
    let Some(path) = path else {
        // No path: the value is an object of attributes, each added or
        // replaced in turn.
        if kind == Kind::Remove {
            return refused("noTarget", "a remove needs a path");
        }
        let Some(Value::Object(attrs)) = value else {
            return refused(
                "invalidValue",
                "without a path, the value must be an object",
            );
        };
        for (name, v) in attrs {
            let target = parse_path(&name).map_err(|e| Refused {
                scim_type: "invalidPath",
                detail: e.0,
            })?;
            apply_one(resource, kind, Some(&target), Some(v), multi)?;
        }
        return Ok(());
    };
    let attr = path.attr.attr.as_str();
    let is_multi = multi.contains(&attr.to_ascii_lowercase().as_str());
    if kind != Kind::Remove && value.is_none() {
        return refused("invalidValue", format!("{kind:?} of {attr} needs a value"));
    }
    match (&path.filter, &path.attr.sub) {
        // `emails[type eq "work"]`, `emails[type eq "work"].value`
        (Some(filter), _) => {
            let key = key_of(object, attr);
            let Some(Value::Array(items)) = key.as_ref().and_then(|k| object.get_mut(k)) else {
                return refused("noTarget", format!("{attr} has no values to filter"));
            };
            let matching: Vec<usize> = (0..items.len())
                .filter(|i| filter.matches(&items[*i]))
                .collect();
            if matching.is_empty() {
                return refused("noTarget", format!("no value of {attr} matches the filter"));
            }
            match (kind, &path.sub) {
                (Kind::Remove, None) => {
                    let mut i = 0;
                    items.retain(|_| {
                        let keep = !matching.contains(&i);
                        i += 1;
                        keep
                    });
                }
                (Kind::Remove, Some(sub)) => {
                    for i in &matching {
                        if let Some(o) = items[*i].as_object_mut()
                            && let Some(k) = key_of(o, sub)
                        {
                            o.remove(&k);
                        }
                    }
                }
                (_, Some(sub)) => {
                    for i in &matching {
                        if let Some(o) = items[*i].as_object_mut() {
                            set(o, sub, value.clone().unwrap_or(Value::Null));
                        }
                    }
                }
                (_, None) => {
                    for i in &matching {
                        match (&mut items[*i], value.clone()) {
                            (Value::Object(o), Some(Value::Object(v))) if kind == Kind::Add => {
                                o.extend(v);
                            }
                            (slot, Some(v)) => *slot = v,
                            _ => {}
                        }
                    }
                }
            }
            Ok(())
        }
        // `name.formatted`
        (None, Some(sub)) => {
            let key = key_of(object, attr).unwrap_or_else(|| attr.to_owned());
            match kind {
                Kind::Remove => {
                    if let Some(Value::Object(o)) = object.get_mut(&key)
                        && let Some(k) = key_of(o, sub)
                    {
                        o.remove(&k);
                    }
                }
                _ => {
                    let slot = object
                        .entry(key)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(o) = slot {
                        set(o, sub, value.unwrap_or(Value::Null));
                    }
                }
            }
            Ok(())
        }
        // `emails`, `active`, `name`
        (None, None) => {
            match kind {
                Kind::Remove => {
                    if let Some(k) = key_of(object, attr) {
                        match (object.get_mut(&k), value) {
                            // A remove with a value: those values of a
                            // multi-valued attribute (Entra's member removal).
                            (Some(Value::Array(items)), Some(Value::Array(gone))) => {
                                let id = |v: &Value| member(v, "value").cloned();
                                items.retain(|i| !gone.iter().any(|g| id(g) == id(i)));
                            }
                            _ => {
                                object.remove(&k);
                            }
                        }
                    }
                }
                Kind::Add if is_multi => {
                    let mut added = match value {
                        Some(Value::Array(v)) => v,
                        Some(v) => vec![v],
                        None => Vec::new(),
                    };
                    let key = key_of(object, attr).unwrap_or_else(|| attr.to_owned());
                    let slot = object
                        .entry(key)
                        .or_insert_with(|| Value::Array(Vec::new()));
                    match slot {
                        Value::Array(items) => {
                            // A value already there is not added twice.
                            added.retain(|a| !items.contains(a));
                            items.extend(added);
                        }
                        other => *other = Value::Array(added),
                    }
                }
                Kind::Add => {
                    let key = key_of(object, attr).unwrap_or_else(|| attr.to_owned());
                    match (object.get_mut(&key), value) {
                        // Adding to a complex attribute merges it.
                        (Some(Value::Object(o)), Some(Value::Object(v))) => o.extend(v),
                        (_, Some(v)) => {
                            object.insert(key, v);
                        }
                        _ => {}
                    }
                }
                Kind::Replace => {
                    let v = match value {
                        Some(v) if is_multi && !v.is_array() && !v.is_null() => {
                            Value::Array(vec![v])
                        }
                        Some(v) => v,
                        None => Value::Null,
                    };
                    set(object, attr, v);
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MULTI: &[&str] = &["emails", "members", "groups"];

    fn user() -> Value {
        json!({
            "userName": "alice",
            "active": true,
            "name": {"formatted": "Alice"},
            "emails": [{"value": "a@example.com", "type": "work", "primary": true}],
        })
    }

    fn patch(ops: Value) -> Result<Value, Refused> {
        apply(
            &user(),
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops}),
            MULTI,
        )
    }

    #[test]
    fn the_shapes_providers_send_apply() {
        let out = patch(json!([{"op": "Replace", "value": {"active": false}}])).unwrap();
        assert_eq!(out["active"], false);
        let out = patch(json!([{"op": "replace", "path": "active", "value": "False"}])).unwrap();
        assert_eq!(out["active"], "False", "read as a boolean later");
        let out = patch(json!([
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "b@example.com"},
            {"op": "add", "path": "name.givenName", "value": "Alice"},
            {"op": "replace", "path": "userName", "value": "alice2"}
        ]))
        .unwrap();
        assert_eq!(out["emails"][0]["value"], "b@example.com");
        assert_eq!(out["name"]["givenName"], "Alice");
        assert_eq!(out["name"]["formatted"], "Alice");
        assert_eq!(out["userName"], "alice2");
        let out = patch(json!([{"op": "remove", "path": "name.formatted"}])).unwrap();
        assert_eq!(out["name"], json!({}));
        let out =
            patch(json!([{"op": "add", "path": "emails", "value": [{"value": "c@example.com"}]}]))
                .unwrap();
        assert_eq!(out["emails"].as_array().unwrap().len(), 2);
        let out =
            patch(json!([{"op": "remove", "path": "emails[value eq \"a@example.com\"]"}])).unwrap();
        assert_eq!(out["emails"], json!([]));
    }

    #[test]
    fn one_bad_operation_refuses_the_whole_patch() {
        for (ops, scim_type) in [
            (
                json!([{"op": "replace", "path": "active", "value": false}, {"op": "jump"}]),
                "invalidSyntax",
            ),
            (json!([{"op": "remove"}]), "noTarget"),
            (
                json!([{"op": "replace", "path": "emails[", "value": 1}]),
                "invalidPath",
            ),
            (
                json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "x"}]),
                "noTarget",
            ),
            (
                json!([{"op": "add", "value": "not an object"}]),
                "invalidValue",
            ),
            (json!([{"op": "add", "path": "active"}]), "invalidValue"),
            (json!([]), "invalidSyntax"),
        ] {
            let err = patch(ops.clone()).unwrap_err();
            assert_eq!(err.scim_type, scim_type, "{ops}: {}", err.detail);
        }
        let no_schema = apply(
            &user(),
            &json!({"Operations": [{"op": "remove", "path": "active"}]}),
            MULTI,
        );
        assert_eq!(no_schema.unwrap_err().scim_type, "invalidSyntax");
    }
}
