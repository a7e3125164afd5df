//! The bodies the HTTP interface sends, as types, and the OpenAPI description
//! generated from them and from the handlers' annotations: what
//! `GET /openapi.json` serves is what the handlers really send.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::domain::User;
use crate::error::FieldError;
use crate::ops::DeleteManyReport;
use crate::token::IssuedToken;

pub use crate::ops::{Data, SavedUser, UserPage};

#[derive(Serialize, ToSchema)]
pub struct Revoked {
    pub revoked: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Version {
    pub version: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` (with status 503)
    pub status: String,
}

/// Every error body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// A machine-readable code, e.g. `invalid_input`, `not_found`, `conflict`
    pub error: String,
    pub message: String,
    /// Which fields were wrong, on validation errors
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<FieldError>>,
}

/// `POST /authenticate`
#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email
    username: String,
    password: String,
}

/// `POST /users`: exactly one of `password` and `"generate_password": true`.
#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(pattern = "^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$")]
    username: String,
    #[schema(max_length = 254, format = "email")]
    email: String,
    #[schema(
        max_length = 128,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    name: Option<String>,
    role: Option<crate::domain::Role>,
    #[schema(value_type = Option<Object>)]
    attributes: Option<serde_json::Value>,
    must_change_password: Option<bool>,
    #[schema(min_length = 8, max_length = 1024)]
    password: Option<String>,
    generate_password: Option<bool>,
}

/// `PATCH`/`PUT /users/{user}`: only the fields present change; `null` clears
/// `name` and `block_reason`; in `attributes`, a `null` value removes its key.
#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(pattern = "^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$")]
    username: Option<String>,
    #[schema(max_length = 254, format = "email")]
    email: Option<String>,
    #[schema(
        max_length = 128,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    name: Option<String>,
    role: Option<crate::domain::Role>,
    #[schema(value_type = Option<Object>)]
    attributes: Option<serde_json::Value>,
    blocked: Option<bool>,
    /// Kept while the user is blocked; cleared on unblock
    #[schema(max_length = 256, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    block_reason: Option<String>,
    must_change_password: Option<bool>,
    #[schema(min_length = 8, max_length = 1024)]
    password: Option<String>,
    generate_password: Option<bool>,
    /// Required when users change their own password
    #[schema(min_length = 1, max_length = 1024)]
    current_password: Option<String>,
}

/// `DELETE /users`
#[allow(dead_code)]
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteUsersRequest {
    #[schema(min_items = 1, max_items = 10000)]
    users: Vec<String>,
    dry_run: Option<bool>,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "token_header",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("token"))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "usersctl", description = "User accounts over HTTP: the operations of the usersctl command line."),
    paths(
        super::health,
        super::version,
        super::authenticate,
        super::logout,
        super::list_users,
        super::create_user,
        super::get_user,
        super::update_user,
        super::delete_user,
        super::delete_users,
        document,
    ),
    components(schemas(User, FieldError, DeleteManyReport, IssuedToken, ErrorBody)),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// The OpenAPI 3 description of this interface.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json", body = Object)))]
pub async fn document() -> Json<serde_json::Value> {
    Json(document_value())
}

/// The document as served, made plain where generators stumble: no empty
/// license (Cargo.toml names none), and every free-form object (attributes)
/// says it takes any property, so a typed client can fill it.
pub fn document_value() -> serde_json::Value {
    fn free_form(schema: &mut serde_json::Value) {
        match schema {
            serde_json::Value::Object(map) => {
                let is_object = match map.get("type") {
                    Some(serde_json::Value::String(t)) => t == "object",
                    Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "object"),
                    _ => false,
                };
                if is_object
                    && !map.contains_key("properties")
                    && !map.contains_key("additionalProperties")
                {
                    map.insert("additionalProperties".to_owned(), true.into());
                }
                map.values_mut().for_each(free_form);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(free_form),
            _ => {}
        }
    }
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    if let Some(info) = doc
        .get_mut("info")
        .and_then(serde_json::Value::as_object_mut)
    {
        info.remove("license");
    }
    free_form(&mut doc);
    doc
}
