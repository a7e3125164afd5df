//! `/keys`: API keys, for admins to make, list and revoke.

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};

use super::body::{JsonObject, Token};
use super::openapi::{Data, ErrorBody};
use super::{AppState, bodies, data};
use crate::domain::{ApiKey, Username, parse_age};
use crate::error::{Error, FieldError, Result};
use crate::ops::{CreatedKey, GroupQuery, KeyPage, ListQuery, NewKey, Request, Response};

/// List API keys (admin): name, user, created, expires, last used; never a key.
#[utoipa::path(get, path = "/keys", tag = "keys", security(("bearer" = []), ("token_header" = [])),
    params(
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("cursor" = Option<uuid::Uuid>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, body = KeyPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn list_keys(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<KeyPage>> {
    let mut query = GroupQuery::default();
    let mut errors = Vec::new();
    for (key, value) in params {
        match key.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=ListQuery::MAX_LIMIT).contains(&n) => query.limit = Some(n),
                _ => errors.push(FieldError::new(
                    &key,
                    "must be a whole number from 1 to 1000",
                )),
            },
            "cursor" => query.cursor = Some(value),
            _ => errors.push(FieldError::new(&key, "is not a known parameter")),
        }
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    match app.call(token, Request::ListKeys(query)).await? {
        Response::Keys(page) => Ok(Json(page)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Make an API key (admin) for a user. The answer holds the key, shown this
/// once: only a hash of it is kept.
#[utoipa::path(post, path = "/keys", tag = "keys", security(("bearer" = []), ("token_header" = [])),
    request_body = bodies::CreateKeyRequest,
    responses(
        (status = 201, body = Data<CreatedKey>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn create_key(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<HttpResponse> {
    let mut f = f.described_by(&bodies::CREATE_KEY);
    let name = f.required("name", Username::parse);
    let user = f.required("user", |s| Ok::<_, String>(s.to_owned()));
    let expires_in = f.string("expires_in", |s| {
        parse_age(s)
            .ok_or_else(|| "must be a number and a unit (s, m, h, d or w), such as 90d".to_owned())
    });
    let read_only = f.bool("read_only").unwrap_or(false);
    f.finish()?;
    let (Some(name), Some(user)) = (name, user) else {
        return Err(Error::internal("fields checked above"));
    };
    // A name that could be no user's names no user: 404, as in a path.
    let user = super::user_ref(&user)?;
    let request = Request::CreateKey(NewKey {
        name,
        user,
        expires_in,
        read_only,
    });
    match app.call(token, request).await? {
        Response::KeyCreated(created) => Ok((StatusCode::CREATED, data(created)).into_response()),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Revoke an API key (admin): it stops working at once, on every instance.
#[utoipa::path(delete, path = "/keys/{name}", tag = "keys", security(("bearer" = []), ("token_header" = [])),
    params(("name" = String, Path, description = "The key's name")),
    responses(
        (status = 200, description = "The key as it was", body = Data<ApiKey>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn revoke_key(
    State(app): State<AppState>,
    token: Token,
    UrlPath(name): UrlPath<String>,
) -> Result<Json<Data<ApiKey>>> {
    let name =
        Username::parse(&name).map_err(|_| Error::NotFound(format!("API key {name} not found")))?;
    match app.call(token, Request::RevokeKey { name }).await? {
        Response::Key(key) => Ok(data(key)),
        _ => Err(Error::internal("unexpected response")),
    }
}
