//! `/groups` and `/users/{user}/groups`: groups for admins, and a user's
//! own groups for that user.

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};

use super::body::{JsonObject, Token};
use super::openapi::{Data, ErrorBody, UserPage};
use super::{AppState, bodies, data, list_query, user_ref};
use crate::domain::{DisplayName, Group, GroupPatch, GroupRef, Username};
use crate::error::{Error, FieldError, Result};
use crate::ops::{GroupPage, GroupQuery, ListQuery, MembersReport, NewGroup, Request, Response};

fn group_ref(raw: &str) -> Result<GroupRef> {
    GroupRef::parse(raw).map_err(|_| Error::NotFound(format!("group {raw} not found")))
}

fn group_body(response: Response) -> Result<Json<Data<Group>>> {
    match response {
        Response::Group(group) => Ok(data(group)),
        _ => Err(Error::internal("unexpected response")),
    }
}

fn groups_body(response: Response) -> Result<Json<GroupPage>> {
    match response {
        Response::Groups(page) => Ok(Json(page)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// List groups (admin), oldest first, a page at a time.
#[utoipa::path(get, path = "/groups", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("cursor" = Option<uuid::Uuid>, Query, description = "`next_cursor` of the previous page"),
    ),
    responses(
        (status = 200, body = GroupPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn list_groups(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<GroupPage>> {
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
    groups_body(app.call(token, Request::ListGroups(query)).await?)
}

/// Create a group (admin).
#[utoipa::path(post, path = "/groups", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    request_body = bodies::CreateGroupRequest,
    responses(
        (status = 201, body = Data<Group>, headers(("Location" = String, description = "The new group's URL"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn create_group(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<HttpResponse> {
    let mut f = f.described_by(&bodies::CREATE_GROUP);
    let name = f.required("name", Username::parse);
    let display_name = f.string("display_name", DisplayName::parse);
    f.finish()?;
    let name = name.ok_or_else(|| Error::internal("fields checked above"))?;
    let Json(body) = group_body(
        app.call(
            token,
            Request::CreateGroup(NewGroup {
                name,
                display_name,
                external_id: None,
            }),
        )
        .await?,
    )?;
    let location =
        HeaderValue::from_str(&format!("/groups/{}", body.data.id)).map_err(Error::internal)?;
    Ok((StatusCode::CREATED, [(LOCATION, location)], Json(body)).into_response())
}

/// One group (admin), by id or name.
#[utoipa::path(get, path = "/groups/{group}", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("group" = String, Path, description = "Id or name")),
    responses(
        (status = 200, body = Data<Group>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn get_group(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
) -> Result<Json<Data<Group>>> {
    let group = group_ref(&group)?;
    group_body(app.call(token, Request::GetGroup { group }).await?)
}

/// Rename a group or change its display name (admin).
#[utoipa::path(patch, path = "/groups/{group}", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("group" = String, Path, description = "Id or name")),
    request_body = bodies::UpdateGroupRequest,
    responses(
        (status = 200, body = Data<Group>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Name taken", body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn update_group(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<Group>>> {
    let group = group_ref(&group)?;
    let mut f = f.described_by(&bodies::UPDATE_GROUP);
    let patch = GroupPatch {
        name: f.string("name", Username::parse),
        display_name: f.nullable("display_name", DisplayName::parse),
        external_id: None,
    };
    f.finish()?;
    // An empty patch changes nothing, and answers the group as it is.
    let request = if patch.is_empty() {
        Request::GetGroup { group }
    } else {
        Request::UpdateGroup { group, patch }
    };
    group_body(app.call(token, request).await?)
}

/// Delete a group (admin); its members stay.
#[utoipa::path(delete, path = "/groups/{group}", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("group" = String, Path, description = "Id or name")),
    responses(
        (status = 200, description = "The group as it was", body = Data<Group>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn delete_group(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
) -> Result<Json<Data<Group>>> {
    let group = group_ref(&group)?;
    group_body(app.call(token, Request::DeleteGroup { group }).await?)
}

/// A group's members (admin), in id order, a page at a time; the filters
/// of `GET /users` narrow it.
#[utoipa::path(get, path = "/groups/{group}/members", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(
        ("group" = String, Path, description = "Id or name"),
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("cursor" = Option<uuid::Uuid>, Query, description = "`next_cursor` of the previous page"),
        ("role" = Option<crate::domain::Role>, Query),
        ("blocked" = Option<bool>, Query),
        ("search" = Option<String>, Query, description = "Text in the username, email or name"),
    ),
    responses(
        (status = 200, body = UserPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn list_members(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<UserPage>> {
    let group = group_ref(&group)?;
    let mut query = list_query(params)?;
    query.group = Some(group);
    match app.call(token, Request::ListUsers(query)).await? {
        Response::Page(page) => Ok(Json(UserPage {
            data: page.users,
            next_cursor: page.next_cursor,
        })),
        _ => Err(Error::internal("unexpected response")),
    }
}

async fn change(
    app: AppState,
    token: Token,
    group: String,
    f: crate::fields::Fields,
    add: bool,
) -> Result<Json<Data<MembersReport>>> {
    let group = group_ref(&group)?;
    let mut f = f.described_by(&bodies::GROUP_MEMBERS);
    let users = f.array_of_strings("users");
    if users.as_ref().is_some_and(Vec::is_empty) {
        f.invalid("users", "must name at least one user");
    }
    if users.as_ref().is_some_and(|u| u.len() > 10_000) {
        f.invalid("users", "must name at most 10000 users a request");
    }
    f.finish()?;
    let users = users.unwrap_or_default();
    match app
        .call(token, Request::ChangeMembers { group, users, add })
        .await?
    {
        Response::Members(report) => Ok(data(report)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Add users to a group (admin), reporting each name's outcome.
#[utoipa::path(post, path = "/groups/{group}/members", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("group" = String, Path, description = "Id or name")),
    request_body = bodies::GroupMembersRequest,
    responses(
        (status = 200, body = Data<MembersReport>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn add_members(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<MembersReport>>> {
    change(app, token, group, f, true).await
}

/// Remove users from a group (admin), reporting each name's outcome.
#[utoipa::path(post, path = "/groups/{group}/members/remove", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("group" = String, Path, description = "Id or name")),
    request_body = bodies::GroupMembersRequest,
    responses(
        (status = 200, body = Data<MembersReport>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn remove_members(
    State(app): State<AppState>,
    token: Token,
    UrlPath(group): UrlPath<String>,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<MembersReport>>> {
    change(app, token, group, f, false).await
}

/// Remove one user from a group (admin); 404 when it is not a member.
#[utoipa::path(delete, path = "/groups/{group}/members/{user}", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(
        ("group" = String, Path, description = "Id or name"),
        ("user" = String, Path, description = "Id, username or email"),
    ),
    responses(
        (status = 200, description = "The group as it is now", body = Data<Group>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn remove_member(
    State(app): State<AppState>,
    token: Token,
    UrlPath((group, user)): UrlPath<(String, String)>,
) -> Result<Json<Data<Group>>> {
    let group = group_ref(&group)?;
    let named = user_ref(&user)?.to_string();
    let request = Request::ChangeMembers {
        group,
        users: vec![named.clone()],
        add: false,
    };
    match app.call(token, request).await? {
        Response::Members(report) if !report.not_found.is_empty() => {
            Err(Error::NotFound(format!("user {named} not found")))
        }
        Response::Members(report) if report.changed.is_empty() => Err(Error::NotFound(format!(
            "user {named} is not a member of group {}",
            report.group.name
        ))),
        Response::Members(report) => Ok(data(report.group)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// The groups a user is in (admin, or the user itself).
#[utoipa::path(get, path = "/users/{user}/groups", tag = "groups", security(("bearer" = []), ("token_header" = [])),
    params(("user" = String, Path, description = "Id, username or email")),
    responses(
        (status = 200, description = "Every group, by name (`next_cursor` is always null)", body = GroupPage),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
pub(super) async fn user_groups(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
) -> Result<Json<GroupPage>> {
    let user = user_ref(&user)?;
    groups_body(app.call(token, Request::UserGroups { user }).await?)
}
