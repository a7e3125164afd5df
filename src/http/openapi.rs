//! The bodies the HTTP interface sends, as types, and the OpenAPI description
//! generated from them and from the handlers' annotations: what
//! `GET /openapi.json` serves is what the handlers really send.

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::domain::User;
use crate::error::FieldError;
use crate::ops::{DeleteManyReport, DeletedUser, Refusal, RestoreReport, Settings};
use crate::token::IssuedToken;

pub use crate::ops::{Data, SavedUser, UserPage};

#[derive(Serialize, ToSchema)]
pub struct Revoked {
    pub revoked: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Purged {
    /// How many deleted users were removed for good
    pub purged: u64,
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
        super::list_deleted,
        super::restore_user,
        super::restore_users,
        super::purge_user,
        super::empty_bin,
        super::settings,
        super::update_settings,
        super::audit,
        super::verify_audit,
        super::groups::list_groups,
        super::groups::create_group,
        super::groups::get_group,
        super::groups::update_group,
        super::groups::delete_group,
        super::groups::list_members,
        super::groups::add_members,
        super::groups::remove_members,
        super::groups::remove_member,
        super::groups::user_groups,
        super::keys::list_keys,
        super::keys::create_key,
        super::keys::revoke_key,
        document,
    ),
    components(schemas(User, FieldError, DeleteManyReport, IssuedToken, ErrorBody, DeletedUser, RestoreReport, Refusal, Settings, crate::ops::AuditEntry, crate::domain::audit::Event, crate::domain::audit::Action, crate::domain::audit::Verdict, crate::domain::audit::BadRecord, crate::domain::Group, crate::ops::GroupPage, crate::ops::MembersReport, crate::domain::ApiKey, crate::ops::CreatedKey, crate::ops::KeyPage)),
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
    // The request bodies' schemas, made from the descriptions the parsers
    // read them by.
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
    {
        for body in super::bodies::ALL {
            schemas.insert(body.name.to_owned(), super::bodies::schema(body));
        }
    }
    free_form(&mut doc);
    doc
}
