//! What the server supports, as SCIM describes it (RFC 7644 section 4):
//! `ServiceProviderConfig`, `ResourceTypes` and `Schemas`. The schemas name
//! the attributes usersctl keeps, and no others.

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response as HttpResponse;
use serde_json::{Value, json};

use super::groups::GROUP_SCHEMA;
use super::users::{EMAIL_PARTS, NAME_PARTS, USER_SCHEMA};
use super::{AppState, LIST_SCHEMA, MAX_RESULTS, Result, ScimError, Token, as_admin, scim_json};

const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

fn listed(all: Vec<Value>) -> HttpResponse {
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": all.len(),
        "startIndex": 1,
        "itemsPerPage": all.len(),
        "Resources": all,
    });
    scim_json(StatusCode::OK, &body, None)
}

pub(super) async fn service_provider_config(
    State(app): State<AppState>,
    token: Token,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://github.com/usersctl/usersctl#connecting-an-identity-provider-scim-20",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": true},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "API key",
            "description": "An API key of an admin (usersctl key create), as Authorization: Bearer <key>",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": "/scim/v2/ServiceProviderConfig",
        },
    });
    Ok(scim_json(StatusCode::OK, &body, None))
}

fn resource_types_all() -> Vec<Value> {
    [
        ("User", "/Users", "A usersctl user", USER_SCHEMA),
        (
            "Group",
            "/Groups",
            "A usersctl group of users",
            GROUP_SCHEMA,
        ),
    ]
    .into_iter()
    .map(|(name, endpoint, description, schema)| {
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": description,
            "schema": schema,
            "schemaExtensions": [],
            "meta": {
                "resourceType": "ResourceType",
                "location": format!("/scim/v2/ResourceTypes/{name}"),
            },
        })
    })
    .collect()
}

pub(super) async fn resource_types(
    State(app): State<AppState>,
    token: Token,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    Ok(listed(resource_types_all()))
}

pub(super) async fn resource_type(
    State(app): State<AppState>,
    token: Token,
    UrlPath(name): UrlPath<String>,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    match resource_types_all().into_iter().find(|t| t["id"] == name) {
        Some(t) => Ok(scim_json(StatusCode::OK, &t, None)),
        None => Err(ScimError::not_found(format!("no resource type {name}"))),
    }
}

fn attribute(name: &str, kind: &str, extra: Value) -> Value {
    let mut a = json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": "",
        "required": false,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    });
    if let (Value::Object(a), Value::Object(extra)) = (&mut a, extra) {
        a.extend(extra);
    }
    a
}

/// The User schema: the attributes usersctl keeps, and no others.
fn user_schema() -> Value {
    let name_parts: Vec<Value> = NAME_PARTS
        .iter()
        .map(|p| attribute(p, "string", json!({})))
        .collect();
    let email_parts: Vec<Value> = EMAIL_PARTS
        .iter()
        .map(|p| match *p {
            "primary" => attribute(p, "boolean", json!({})),
            "value" => attribute(p, "string", json!({"required": true})),
            "type" => attribute(
                p,
                "string",
                json!({"canonicalValues": ["work", "home", "other"]}),
            ),
            _ => attribute(p, "string", json!({})),
        })
        .collect();
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A usersctl user",
        "attributes": [
            attribute("userName", "string", json!({
                "required": true, "uniqueness": "server",
                "description": "The username: 3 to 32 of a-z 0-9 . _ -, lower-cased",
            })),
            attribute("name", "complex", json!({
                "description": "The name, kept as sent; it makes the display name when there is no displayName",
                "subAttributes": name_parts,
            })),
            attribute("displayName", "string", json!({"description": "The display name"})),
            attribute("emails", "complex", json!({
                "multiValued": true,
                "required": true,
                "description": "The primary one (or the first) is the user's email",
                "subAttributes": email_parts,
            })),
            // Every user is active or blocked: there is no third state to
            // remove it to (a user made without it is active).
            attribute("active", "boolean", json!({
                "required": true,
                "description": "Not blocked; true when not given",
            })),
            attribute("password", "string", json!({
                "mutability": "writeOnly", "returned": "never",
            })),
            attribute("groups", "complex", json!({
                "multiValued": true, "mutability": "readOnly",
                "subAttributes": [
                    attribute("value", "string", json!({"mutability": "readOnly"})),
                    attribute("$ref", "reference", json!({"mutability": "readOnly", "referenceTypes": ["Group"]})),
                    attribute("display", "string", json!({"mutability": "readOnly"})),
                    attribute("type", "string", json!({"mutability": "readOnly", "canonicalValues": ["direct"]})),
                ],
            })),
            attribute("externalId", "string", json!({"caseExact": true})),
        ],
        "meta": {"resourceType": "Schema", "location": format!("/scim/v2/Schemas/{USER_SCHEMA}")},
    })
}

/// The Group schema: a display name, members (users), an external id.
fn group_schema() -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "A usersctl group of users",
        "attributes": [
            attribute("displayName", "string", json!({
                "required": true,
                "description": "The display name; the group's name is made from it when it is made",
            })),
            attribute("members", "complex", json!({
                "multiValued": true,
                "description": "The users in the group",
                "subAttributes": [
                    attribute("value", "string", json!({"mutability": "immutable"})),
                    attribute("$ref", "reference", json!({"mutability": "immutable", "referenceTypes": ["User"]})),
                    attribute("type", "string", json!({"mutability": "immutable", "canonicalValues": ["User"]})),
                ],
            })),
            attribute("externalId", "string", json!({"caseExact": true})),
        ],
        "meta": {"resourceType": "Schema", "location": format!("/scim/v2/Schemas/{GROUP_SCHEMA}")},
    })
}

pub(super) async fn schemas(State(app): State<AppState>, token: Token) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    Ok(listed(vec![user_schema(), group_schema()]))
}

pub(super) async fn schema(
    State(app): State<AppState>,
    token: Token,
    UrlPath(id): UrlPath<String>,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    [user_schema(), group_schema()]
        .into_iter()
        .find(|s| s["id"] == id)
        .map(|s| scim_json(StatusCode::OK, &s, None))
        .ok_or_else(|| ScimError::not_found(format!("no schema {id}")))
}
