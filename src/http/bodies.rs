//! The request bodies, each described once (`fields::Body`): the handlers'
//! parsers read them by that description, and the OpenAPI document's schema
//! of each is made from it, so the two cannot drift apart.

use std::borrow::Cow;

use serde_json::{Map, Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema};

use crate::domain::{DISPLAY_NAME, NewUser, USERNAME, UserPatch};
use crate::fields::{Body, Field, Kind, documented, field, required};

pub static LOGIN: Body = Body {
    name: "LoginRequest",
    doc: "`POST /authenticate`",
    fields: &[
        documented(required("username", Kind::TEXT), "Username or email"),
        required("password", Kind::TEXT),
    ],
};

pub static CREATE_USER: Body = Body {
    name: "CreateUserRequest",
    doc: "`POST /users`: exactly one of `password` and `\"generate_password\": true`.",
    fields: &NewUser::FIELDS,
};

pub static UPDATE_USER: Body = Body {
    name: "UpdateUserRequest",
    doc: "`PATCH /users/{user}`: only the fields present change; `null` clears\n`name` and \
          `block_reason`; in `attributes`, a `null` value removes its key.",
    fields: &UserPatch::FIELDS,
};

pub static DELETE_USERS: Body = Body {
    name: "DeleteUsersRequest",
    doc: "`DELETE /users`",
    fields: &[
        required("users", Kind::Strings { min: 1, max: 10000 }),
        field("dry_run", Kind::Bool),
        documented(
            field("purge", Kind::Bool),
            "Delete for good, not to the recycle bin",
        ),
    ],
};

pub static RESTORE_USER: Body = Body {
    name: "RestoreUserRequest",
    doc: "`POST /recycle-bin/{user}/restore`: the body may be left out.",
    fields: &[documented(
        field("username", USERNAME),
        "Restore the user under this username (its own has been taken meanwhile)",
    )],
};

pub static RESTORE_USERS: Body = Body {
    name: "RestoreUsersRequest",
    doc: "`POST /recycle-bin/restore`",
    fields: &[required("users", Kind::Strings { min: 1, max: 10000 })],
};

pub static UPDATE_SETTINGS: Body = Body {
    name: "UpdateSettingsRequest",
    doc: "`PATCH /settings`: only the settings present change.",
    fields: &[
        documented(
            field(
                "bin_retention",
                Kind::Text {
                    min: None,
                    max: None,
                    pattern: Some("^[1-9][0-9]{0,5}[hdw]$"),
                    format: None,
                },
            ),
            "How long deleted users stay in the recycle bin, e.g. `30d` (h, d or w)",
        ),
        documented(
            field(
                "audit_retention",
                Kind::Text {
                    min: None,
                    max: None,
                    pattern: Some("^[1-9][0-9]{0,5}[hdw]$"),
                    format: None,
                },
            ),
            "How long audit records are kept, e.g. `365d` (h, d or w)",
        ),
    ],
};

pub static CREATE_GROUP: Body = Body {
    name: "CreateGroupRequest",
    doc: "`POST /groups`",
    fields: &[
        documented(
            required("name", USERNAME),
            "Unique among groups; the username rules",
        ),
        field("display_name", DISPLAY_NAME),
    ],
};

pub static UPDATE_GROUP: Body = Body {
    name: "UpdateGroupRequest",
    doc: "`PATCH /groups/{group}`: only the fields present change; `null` clears `display_name`.",
    fields: &[field("name", USERNAME), field("display_name", DISPLAY_NAME)],
};

pub static GROUP_MEMBERS: Body = Body {
    name: "GroupMembersRequest",
    doc: "`POST /groups/{group}/members` and `POST /groups/{group}/members/remove`",
    fields: &[documented(
        required("users", Kind::Strings { min: 1, max: 10000 }),
        "Ids, usernames or emails",
    )],
};

pub static CREATE_KEY: Body = Body {
    name: "CreateKeyRequest",
    doc: "`POST /keys`",
    fields: &[
        documented(
            required("name", USERNAME),
            "Unique among keys; the username rules",
        ),
        documented(
            required(
                "user",
                Kind::Text {
                    min: Some(1),
                    max: Some(254),
                    pattern: None,
                    format: None,
                },
            ),
            "The user it acts as: id, username or email",
        ),
        documented(
            field(
                "expires_in",
                Kind::Text {
                    min: None,
                    max: None,
                    pattern: Some("^[1-9][0-9]{0,5}[smhdw]$"),
                    format: None,
                },
            ),
            "It stops working after this long, e.g. `90d`; never, when absent",
        ),
        documented(field("read_only", Kind::Bool), "It may only read"),
    ],
};

/// Every described body, for the OpenAPI document.
pub static ALL: [&Body; 11] = [
    &LOGIN,
    &CREATE_USER,
    &UPDATE_USER,
    &DELETE_USERS,
    &RESTORE_USER,
    &RESTORE_USERS,
    &UPDATE_SETTINGS,
    &CREATE_GROUP,
    &UPDATE_GROUP,
    &GROUP_MEMBERS,
    &CREATE_KEY,
];

/// The JSON Schema of `body`: an object of exactly its fields.
pub fn schema(body: &Body) -> Value {
    let properties: Map<String, Value> = body
        .fields
        .iter()
        .map(|f| (f.name.to_owned(), property(f)))
        .collect();
    let required: Vec<&str> = body
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "description": body.doc,
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn property(f: &Field) -> Value {
    // An optional field may also be sent as null.
    let of = |kind: &str| match f.required {
        true => json!(kind),
        false => json!([kind, "null"]),
    };
    let mut schema = match f.kind {
        Kind::Text {
            min,
            max,
            pattern,
            format,
        } => {
            let mut s = json!({"type": of("string")});
            if let Some(min) = min {
                s["minLength"] = json!(min);
            }
            if let Some(max) = max {
                s["maxLength"] = json!(max);
            }
            if let Some(pattern) = pattern {
                s["pattern"] = json!(pattern);
            }
            if let Some(format) = format {
                s["format"] = json!(format);
            }
            s
        }
        Kind::Bool => json!({"type": of("boolean")}),
        Kind::Object => json!({"type": of("object"), "additionalProperties": true}),
        Kind::Role if f.required => json!({"$ref": "#/components/schemas/Role"}),
        Kind::Role => json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Role"}]}),
        Kind::Strings { min, max } => json!({
            "type": "array", "items": {"type": "string"}, "minItems": min, "maxItems": max,
        }),
    };
    if !f.doc.is_empty() {
        schema["description"] = json!(f.doc);
    }
    schema
}

/// The name a described body goes by in `#[utoipa::path(request_body = …)]`;
/// its schema there is a placeholder that `openapi::document_value` replaces
/// with the one made from the description.
macro_rules! named {
    ($ty:ident, $body:ident) => {
        pub struct $ty;

        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new().into()
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($body.name)
            }
        }
    };
}

named!(LoginRequest, LOGIN);
named!(CreateUserRequest, CREATE_USER);
named!(UpdateUserRequest, UPDATE_USER);
named!(DeleteUsersRequest, DELETE_USERS);
named!(RestoreUserRequest, RESTORE_USER);
named!(RestoreUsersRequest, RESTORE_USERS);
named!(UpdateSettingsRequest, UPDATE_SETTINGS);
named!(CreateGroupRequest, CREATE_GROUP);
named!(UpdateGroupRequest, UPDATE_GROUP);
named!(GroupMembersRequest, GROUP_MEMBERS);
named!(CreateKeyRequest, CREATE_KEY);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_body_in_the_document_is_made_from_its_description() {
        let doc = crate::http::openapi::document_value();
        let mut named = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(body) = op.get("requestBody") else {
                    continue;
                };
                let reference = body["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path}: a body without a named schema"));
                let name = reference.trim_start_matches("#/components/schemas/");
                let described = ALL
                    .iter()
                    .find(|b| b.name == name)
                    .unwrap_or_else(|| panic!("{method} {path}: {name} is not described"));
                assert_eq!(doc["components"]["schemas"][name], schema(described));
                named.push(name.to_owned());
            }
        }
        named.sort();
        named.dedup();
        let mut all: Vec<&str> = ALL.iter().map(|b| b.name).collect();
        all.sort();
        assert_eq!(named, all, "a description no route uses");
    }

    #[test]
    fn a_schema_says_what_is_required_nullable_and_bounded() {
        let create = schema(&CREATE_USER);
        assert_eq!(create["required"], json!(["username", "email"]));
        assert_eq!(create["additionalProperties"], false);
        assert_eq!(create["properties"]["username"]["type"], "string");
        assert_eq!(
            create["properties"]["name"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(create["properties"]["password"]["minLength"], 8);
        assert_eq!(
            create["properties"]["role"]["oneOf"][1]["$ref"],
            "#/components/schemas/Role"
        );
        let delete = schema(&DELETE_USERS);
        assert_eq!(delete["properties"]["users"]["maxItems"], 10000);
        assert!(schema(&UPDATE_USER).get("required").is_none());
    }
}
