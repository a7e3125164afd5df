//! SCIM Groups. A group maps as:
//!
//! - `displayName` ↔ display name (or, for a group without one, its name);
//!   a group made through SCIM is named from it (lower-cased, other
//!   characters as `-`, a number added when the name is taken), and the
//!   name stays when the display name changes;
//! - `members` ↔ its members, users only: `value` the user's id, `$ref`
//!   and `type` (the sub-attributes RFC 7643 section 8.7.1 names; no
//!   `display`);
//! - `externalId` ↔ the group's external id;
//! - `meta.version`: the weak ETag of `updated_at`, which a change of
//!   members moves too.
//!
//! A PATCH of members is applied as the changes it names (members added,
//! removed), without reading every member: a group of 100,000 members
//! changes one member at the cost of one. Everything is checked before
//! anything is changed, so a PATCH with one bad operation changes nothing.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::filter::{self, Filter, member};
use super::{
    AppState, ListParams, Paging, Result, ScimError, Shown, Token, answer_list, as_admin, base_url,
    check_version, each_user, etag, parse_body, patch, run, scim_json, unexpected,
};
use crate::domain::audit::Origin;
use crate::domain::{DisplayName, Group, GroupPatch, GroupRef, User, UserRef, Username};
use crate::error::Error;
use crate::ops::{GroupQuery, ListQuery, NewGroup, Request, Response};
use crate::service::{Actor, Service};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// How many names a SCIM-made group's name tries before giving up.
const NAME_TRIES: usize = 50;

/// The name SCIM shows a group by.
pub fn display_name(group: &Group) -> String {
    group
        .display_name
        .as_ref()
        .map_or_else(|| group.name.to_string(), ToString::to_string)
}

fn not_found(id: &str) -> ScimError {
    ScimError::not_found(format!("Group {id} not found"))
}

fn group_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| not_found(raw))
}

fn refind(e: ScimError, id: &str) -> ScimError {
    if e.status == StatusCode::NOT_FOUND {
        not_found(id)
    } else {
        e
    }
}

/// A group as SCIM shows it; `members` when they were read.
fn render(group: &Group, members: Option<&[User]>, base: &str) -> Value {
    let mut out = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": display_name(group),
        "meta": {
            "resourceType": "Group",
            "created": group.created_at,
            "lastModified": group.updated_at,
            "version": etag(group.updated_at),
            "location": format!("{base}/Groups/{}", group.id),
        },
    });
    if let Some(members) = members
        && !members.is_empty()
    {
        out["members"] = members
            .iter()
            .map(|u| {
                json!({
                    "value": u.id,
                    "$ref": format!("{base}/Users/{}", u.id),
                    "type": "User",
                })
            })
            .collect();
    }
    if let Some(external) = &group.external_id {
        out["externalId"] = json!(external);
    }
    out
}

/// The name of a group made from `display`: its letters and digits
/// lower-cased, anything else as `-`, cut to fit; the `n`th try adds `-n`.
fn name_for(display: &str, n: usize) -> Option<Username> {
    let mut name = String::new();
    for c in display.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-')
        .to_owned();
    if name.len() < 3 {
        name = format!("group-{name}").trim_end_matches('-').to_owned();
    }
    let suffix = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    name.truncate(Username::MAX_LEN - suffix.len());
    let name = format!("{}{suffix}", name.trim_end_matches('-'));
    Username::parse(&name).ok()
}

fn get_group(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> crate::error::Result<Group> {
    match run(
        service,
        actor,
        origin,
        Request::GetGroup {
            group: GroupRef::Id(id),
        },
    )? {
        Response::Group(g) => Ok(g),
        _ => Err(unexpected()),
    }
}

/// Every member of the group, in id order.
fn members_of(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> crate::error::Result<Vec<User>> {
    let query = ListQuery {
        group: Some(GroupRef::Id(id)),
        ..ListQuery::default()
    };
    let mut all = Vec::new();
    each_user(service, actor, origin, query, &mut |user| {
        all.push(user.clone());
        Ok(true)
    })?;
    Ok(all)
}

/// `GET /scim/v2/Groups`: filtered, paged by `startIndex` and `count`.
pub(super) async fn list(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let list = ListParams::from_query(params, "/Groups")?;
    answer_list(app, token, headers, list, find).await
}

/// `POST /scim/v2/Groups/.search`.
pub(super) async fn search(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    body: Bytes,
) -> Result<HttpResponse> {
    let list = ListParams::from_search(&body)?;
    answer_list(app, token, headers, list, find).await
}

/// The groups the filter selects (groups are few: each is looked at),
/// with their members read only where the filter or the answer needs them.
pub(super) fn find(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    list: &ListParams,
    base: &str,
) -> crate::error::Result<(u64, Vec<Value>)> {
    let filter = list.filter.as_ref();
    let judge_members = filter.is_some_and(|f| f.mentions("members"));
    let show_members = list.shown.wants("members");
    let mut paging = Paging::new(list);
    let mut each = |group: Group| -> crate::error::Result<()> {
        let members = if judge_members || (show_members && paging.wanted_next()) {
            Some(members_of(service, actor, origin, group.id)?)
        } else {
            None
        };
        let resource = render(&group, members.as_deref(), base);
        if filter.is_none_or(|f| f.matches(&resource)) {
            let shown = if show_members && members.is_none() && paging.wanted_next() {
                let members = members_of(service, actor, origin, group.id)?;
                render(&group, Some(&members), base)
            } else {
                resource
            };
            paging.push(Some(shown));
        }
        Ok(())
    };
    if let Some(id) = filter.and_then(|f| f.equals("id")) {
        if let Ok(id) = Uuid::parse_str(id) {
            match get_group(service, actor, origin, id) {
                Ok(group) => each(group)?,
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        return Ok((paging.total, paging.kept));
    }
    let mut query = GroupQuery {
        limit: Some(ListQuery::MAX_LIMIT),
        cursor: None,
    };
    loop {
        let page = match run(service, actor, origin, Request::ListGroups(query.clone()))? {
            Response::Groups(p) => p,
            _ => return Err(unexpected()),
        };
        for group in page.data {
            each(group)?;
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return Ok((paging.total, paging.kept)),
        }
    }
}

pub(super) async fn get(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let uuid = group_id(&id)?;
    let shown = Shown::from_query(&params, "a Group")?;
    let base = base_url(&headers);
    let with_members = shown.wants("members");
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let group = get_group(service, actor, origin, uuid)?;
        let members = if with_members {
            Some(members_of(service, actor, origin, uuid)?)
        } else {
            None
        };
        Ok((
            render(&group, members.as_deref(), &base),
            etag(group.updated_at),
        ))
    })
    .await
    .map_err(|e| refind(e, &id))?;
    Ok(scim_json(
        StatusCode::OK,
        &shown.project(resource),
        Some(&tag),
    ))
}

/// The user ids of a `members` value: a list of `{"value": id}` (or one).
fn member_ids(value: Option<&Value>) -> Result<Vec<Uuid>> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => {
            return Err(ScimError::bad(
                "invalidValue",
                "members must be a list of {\"value\": user id}",
            ));
        }
    };
    items
        .into_iter()
        .map(|item| {
            if let Some(kind) = member(item, "type").and_then(Value::as_str)
                && !kind.eq_ignore_ascii_case("User")
            {
                return Err(ScimError::bad(
                    "invalidValue",
                    format!("members: a group holds users, not a {kind}"),
                ));
            }
            let raw = member(item, "value")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    ScimError::bad("invalidValue", "members: each needs a value (a user id)")
                })?;
            Uuid::parse_str(raw).map_err(|_| {
                ScimError::bad(
                    "invalidValue",
                    format!("members: {raw:?} is not the id of a user"),
                )
            })
        })
        .collect()
}

/// What a body (or a PATCH) asks of a group's own fields.
#[derive(Default)]
struct Fields {
    display: Option<DisplayName>,
    /// `Some(None)` removes it.
    external_id: Option<Option<String>>,
}

fn read_display(value: &Value) -> Result<DisplayName> {
    let text = value
        .as_str()
        .ok_or_else(|| ScimError::bad("invalidValue", "displayName must be a string"))?;
    let text = text.trim();
    if text.is_empty() {
        return Err(ScimError::bad("invalidValue", "displayName is required"));
    }
    DisplayName::parse(text).map_err(|m| ScimError::bad("invalidValue", format!("displayName {m}")))
}

fn read_external(value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.chars().count() <= super::users::MAX_EXTERNAL_ID => {
            Ok(Some(s.clone()))
        }
        Value::String(_) => Err(ScimError::bad(
            "invalidValue",
            format!(
                "externalId must be at most {} characters",
                super::users::MAX_EXTERNAL_ID
            ),
        )),
        _ => Err(ScimError::bad(
            "invalidValue",
            "externalId must be a string",
        )),
    }
}

/// A whole Group body (a POST's or a PUT's): its fields and members.
fn read_group(body: &Value) -> Result<(Fields, Vec<Uuid>)> {
    let display = member(body, "displayName")
        .filter(|v| !v.is_null())
        .ok_or_else(|| ScimError::bad("invalidValue", "displayName is required"))?;
    let fields = Fields {
        display: Some(read_display(display)?),
        external_id: Some(read_external(
            member(body, "externalId").unwrap_or(&Value::Null),
        )?),
    };
    Ok((fields, member_ids(member(body, "members"))?))
}

/// Refuses ids that name no user (a member to add must exist).
fn check_users(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    ids: &[Uuid],
) -> crate::error::Result<std::result::Result<(), ScimError>> {
    for id in ids {
        match run(
            service,
            actor,
            origin,
            Request::GetUser {
                user: UserRef::Id(*id),
            },
        ) {
            Ok(_) => {}
            Err(Error::NotFound(_)) => {
                return Ok(Err(ScimError::bad(
                    "invalidValue",
                    format!("members: no user has the id {id}"),
                )));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Ok(()))
}

/// Adds (`true`) or removes the users, in batches, as the service does.
fn change_members(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    group: Uuid,
    ids: &[Uuid],
    add: bool,
) -> crate::error::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    run(
        service,
        actor,
        origin,
        Request::ChangeMembers {
            group: GroupRef::Id(group),
            users: ids.iter().map(Uuid::to_string).collect(),
            add,
        },
    )?;
    Ok(())
}

fn update_fields(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    group: &Group,
    fields: Fields,
) -> crate::error::Result<()> {
    let patch = GroupPatch {
        name: None,
        display_name: fields
            .display
            .filter(|d| group.display_name.as_ref() != Some(d))
            .map(Some),
        external_id: fields.external_id.filter(|e| *e != group.external_id),
    };
    if patch.is_empty() {
        return Ok(());
    }
    run(
        service,
        actor,
        origin,
        Request::UpdateGroup {
            group: GroupRef::Id(group.id),
            patch,
        },
    )?;
    Ok(())
}

pub(super) async fn create(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let shown = Shown::from_query(&params, "a Group")?;
    let (fields, members) = read_group(&parse_body(&body)?)?;
    let base = base_url(&headers);
    let (resource, tag, id) = as_admin(&app, token, move |service, actor, origin| {
        if let Err(e) = check_users(service, actor, origin, &members)? {
            return Ok(Err(e));
        }
        let display = fields
            .display
            .ok_or_else(|| Error::internal("displayName checked above"))?;
        let mut made = None;
        for n in 1..=NAME_TRIES {
            let Some(name) = name_for(display.as_str(), n) else {
                break;
            };
            let new = NewGroup {
                name,
                display_name: Some(display.clone()),
                external_id: fields.external_id.clone().flatten(),
            };
            match run(service, actor, origin, Request::CreateGroup(new)) {
                Ok(Response::Group(g)) => {
                    made = Some(g);
                    break;
                }
                Ok(_) => return Err(unexpected()),
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        let Some(group) = made else {
            return Ok(Err(ScimError::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                format!("no free group name for the display name {display:?}"),
            )));
        };
        change_members(service, actor, origin, group.id, &members, true)?;
        let group = get_group(service, actor, origin, group.id)?;
        let members = members_of(service, actor, origin, group.id)?;
        Ok(Ok((
            render(&group, Some(&members), &base),
            etag(group.updated_at),
            group.id,
        )))
    })
    .await??;
    let mut response = scim_json(StatusCode::CREATED, &shown.project(resource), Some(&tag));
    if let Ok(location) = HeaderValue::from_str(&format!("{}/Groups/{id}", base_url(&headers))) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

pub(super) async fn replace(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let uuid = group_id(&id)?;
    let shown = Shown::from_query(&params, "a Group")?;
    let (fields, wanted) = read_group(&parse_body(&body)?)?;
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let group = get_group(service, actor, origin, uuid)?;
        if let Err(e) = check_version(&headers, &etag(group.updated_at), "group") {
            return Ok(Err(e));
        }
        let current: Vec<Uuid> = members_of(service, actor, origin, uuid)?
            .iter()
            .map(|u| u.id)
            .collect();
        let wanted_set: HashSet<Uuid> = wanted.iter().copied().collect();
        let current_set: HashSet<Uuid> = current.iter().copied().collect();
        let added: Vec<Uuid> = wanted
            .iter()
            .copied()
            .filter(|u| !current_set.contains(u))
            .collect();
        let removed: Vec<Uuid> = current
            .into_iter()
            .filter(|u| !wanted_set.contains(u))
            .collect();
        if let Err(e) = check_users(service, actor, origin, &added)? {
            return Ok(Err(e));
        }
        update_fields(service, actor, origin, &group, fields)?;
        change_members(service, actor, origin, uuid, &removed, false)?;
        change_members(service, actor, origin, uuid, &added, true)?;
        let group = get_group(service, actor, origin, uuid)?;
        let members = members_of(service, actor, origin, uuid)?;
        Ok(Ok((
            render(&group, Some(&members), &base),
            etag(group.updated_at),
        )))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    Ok(scim_json(
        StatusCode::OK,
        &shown.project(resource),
        Some(&tag),
    ))
}

/// One change of members a PATCH names, in order.
enum MemberOp {
    Add(Vec<Uuid>),
    Remove(Vec<Uuid>),
    /// `members[…]` with a filter on anything but `value`: judged against
    /// each member.
    RemoveWhere(Filter),
    /// All members become these.
    Replace(Vec<Uuid>),
}

/// The ids a filter of `value eq "…"` (or several, joined by `or`) names.
fn ids_in(filter: &Filter) -> Option<Vec<Uuid>> {
    match filter {
        Filter::Or(a, b) => {
            let mut ids = ids_in(a)?;
            ids.extend(ids_in(b)?);
            Some(ids)
        }
        _ => filter.equals("value").map(|v| {
            // An id that is no id names no member.
            Uuid::parse_str(v).map(|id| vec![id]).unwrap_or_default()
        }),
    }
}

/// Splits a PATCH body into what it does to members and a PATCH (of the
/// same form) of everything else, checking both.
fn split_patch(body: &Value) -> Result<(Vec<MemberOp>, Vec<Value>)> {
    let schemas = member(body, "schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| s.iter().any(|u| u == PATCH_SCHEMA)) {
        return Err(ScimError::bad(
            "invalidSyntax",
            format!("a PATCH body's schemas must be [\"{PATCH_SCHEMA}\"]"),
        ));
    }
    let Some(ops) = member(body, "Operations").and_then(Value::as_array) else {
        return Err(ScimError::bad(
            "invalidSyntax",
            "a PATCH body needs a list of Operations",
        ));
    };
    if ops.is_empty() {
        return Err(ScimError::bad(
            "invalidSyntax",
            "a PATCH body needs at least one operation",
        ));
    }
    let mut members = Vec::new();
    let mut rest = Vec::new();
    for (n, op) in ops.iter().enumerate() {
        let at = |e: ScimError| ScimError {
            detail: format!("operation {}: {}", n + 1, e.detail),
            ..e
        };
        let kind = member(op, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .filter(|k| ["add", "replace", "remove"].contains(&k.as_str()))
            .ok_or_else(|| {
                at(ScimError::bad(
                    "invalidSyntax",
                    "\"op\" must be add, replace or remove",
                ))
            })?;
        let value = member(op, "value");
        let path = match member(op, "path") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) => {
                Some(filter::parse_path(p).map_err(|e| at(ScimError::bad("invalidPath", e.0)))?)
            }
            Some(_) => {
                return Err(at(ScimError::bad(
                    "invalidPath",
                    "\"path\" must be a string",
                )));
            }
        };
        match path {
            // No path: an object of attributes, `members` among them.
            None => {
                let Some(Value::Object(attrs)) = value else {
                    // The general PATCH says what is wrong with it.
                    rest.push(op.clone());
                    continue;
                };
                let mut others = Map::new();
                for (name, v) in attrs {
                    if name.eq_ignore_ascii_case("members") {
                        let ids = member_ids(Some(v)).map_err(at)?;
                        members.push(match kind.as_str() {
                            "replace" => MemberOp::Replace(ids),
                            _ => MemberOp::Add(ids),
                        });
                    } else {
                        others.insert(name.clone(), v.clone());
                    }
                }
                if !others.is_empty() {
                    let mut op = op.clone();
                    if let Some(o) = op.as_object_mut() {
                        let key = o
                            .keys()
                            .find(|k| k.eq_ignore_ascii_case("value"))
                            .cloned()
                            .unwrap_or_else(|| "value".to_owned());
                        o.insert(key, Value::Object(others));
                    }
                    rest.push(op);
                }
            }
            Some(path) if path.attr.attr.eq_ignore_ascii_case("members") => {
                if path.attr.sub.is_some() || path.sub.is_some() {
                    return Err(at(ScimError::bad(
                        "mutability",
                        "a member's value, $ref and type cannot be changed: remove it and add \
                         another",
                    )));
                }
                let member_op = match (kind.as_str(), path.filter) {
                    ("add", None) => MemberOp::Add(member_ids(value).map_err(at)?),
                    ("replace", None) => MemberOp::Replace(member_ids(value).map_err(at)?),
                    // Entra ID names the members to remove in the value.
                    ("remove", None) if value.is_some_and(|v| !v.is_null()) => {
                        MemberOp::Remove(member_ids(value).map_err(at)?)
                    }
                    ("remove", None) => MemberOp::Replace(Vec::new()),
                    ("remove", Some(f)) => match ids_in(&f) {
                        Some(ids) => MemberOp::Remove(ids),
                        None => MemberOp::RemoveWhere(f),
                    },
                    (_, Some(_)) => {
                        return Err(at(ScimError::bad(
                            "invalidPath",
                            "members[…] may only be removed; add members by value",
                        )));
                    }
                    _ => return Err(unexpected().into()),
                };
                members.push(member_op);
            }
            Some(_) => rest.push(op.clone()),
        }
    }
    Ok((members, rest))
}

pub(super) async fn patch(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let uuid = group_id(&id)?;
    let asked = params.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case("attributes") || k.eq_ignore_ascii_case("excludedAttributes")
    });
    let shown = Shown::from_query(&params, "a Group")?;
    let (member_ops, rest) = split_patch(&parse_body(&body)?)?;
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let group = get_group(service, actor, origin, uuid)?;
        if let Err(e) = check_version(&headers, &etag(group.updated_at), "group") {
            return Ok(Err(e));
        }
        // The group's own fields: the general PATCH, on the group as shown
        // without its members.
        let fields = if rest.is_empty() {
            Fields::default()
        } else {
            let before = render(&group, None, &base);
            let body = json!({"schemas": [PATCH_SCHEMA], "Operations": rest});
            let after = match patch::apply(&before, &body, &["members"]) {
                Ok(a) => a,
                Err(r) => return Ok(Err(r.into())),
            };
            let display = member(&after, "displayName").unwrap_or(&Value::Null);
            let external = member(&after, "externalId").unwrap_or(&Value::Null);
            let read = read_display(display).and_then(|d| Ok((d, read_external(external)?)));
            match read {
                Ok((display, external)) => Fields {
                    display: Some(display),
                    external_id: Some(external),
                },
                Err(e) => return Ok(Err(e)),
            }
        };
        // Members: the net change, member by member, in the order named.
        let mut current: Option<Vec<User>> = None;
        let load = |current: &mut Option<Vec<User>>| -> crate::error::Result<Vec<User>> {
            if current.is_none() {
                *current = Some(members_of(service, actor, origin, uuid)?);
            }
            Ok(current.clone().unwrap_or_default())
        };
        let mut net: Vec<(Uuid, bool)> = Vec::new();
        let mut at: HashMap<Uuid, usize> = HashMap::new();
        let mut set = |net: &mut Vec<(Uuid, bool)>, id: Uuid, member: bool| match at.get(&id) {
            Some(i) => net[*i].1 = member,
            None => {
                at.insert(id, net.len());
                net.push((id, member));
            }
        };
        for op in member_ops {
            match op {
                MemberOp::Add(ids) => ids.into_iter().for_each(|id| set(&mut net, id, true)),
                MemberOp::Remove(ids) => ids.into_iter().for_each(|id| set(&mut net, id, false)),
                MemberOp::RemoveWhere(f) => {
                    let all = load(&mut current)?;
                    let shown = render(&group, Some(&all), &base);
                    let gone: Vec<Uuid> = member(&shown, "members")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|m| f.matches(m))
                        .filter_map(|m| member(m, "value")?.as_str()?.parse().ok())
                        .collect();
                    gone.into_iter().for_each(|id| set(&mut net, id, false));
                }
                MemberOp::Replace(ids) => {
                    let all = load(&mut current)?;
                    let before: Vec<Uuid> = net.iter().map(|(id, _)| *id).collect();
                    for id in all.iter().map(|u| u.id).chain(before) {
                        set(&mut net, id, false);
                    }
                    ids.into_iter().for_each(|id| set(&mut net, id, true));
                }
            }
        }
        let added: Vec<Uuid> = net.iter().filter(|(_, m)| *m).map(|(id, _)| *id).collect();
        let removed: Vec<Uuid> = net.iter().filter(|(_, m)| !*m).map(|(id, _)| *id).collect();
        if let Err(e) = check_users(service, actor, origin, &added)? {
            return Ok(Err(e));
        }
        update_fields(service, actor, origin, &group, fields)?;
        change_members(service, actor, origin, uuid, &removed, false)?;
        change_members(service, actor, origin, uuid, &added, true)?;
        let group = get_group(service, actor, origin, uuid)?;
        let tag = etag(group.updated_at);
        if !asked {
            return Ok(Ok((None, tag)));
        }
        let members = if shown.wants("members") {
            Some(members_of(service, actor, origin, uuid)?)
        } else {
            None
        };
        Ok(Ok((
            Some(shown.project(render(&group, members.as_deref(), &base))),
            tag,
        )))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    match resource {
        Some(resource) => Ok(scim_json(StatusCode::OK, &resource, Some(&tag))),
        // No attributes asked for: 204, as Okta and Entra ID expect.
        None => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(tag) = HeaderValue::from_str(&tag) {
                response.headers_mut().insert(axum::http::header::ETAG, tag);
            }
            Ok(response)
        }
    }
}

pub(super) async fn delete(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<HttpResponse> {
    let uuid = group_id(&id)?;
    as_admin(&app, token, move |service, actor, origin| {
        let group = get_group(service, actor, origin, uuid)?;
        if let Err(e) = check_version(&headers, &etag(group.updated_at), "group") {
            return Ok(Err(e));
        }
        run(
            service,
            actor,
            origin,
            Request::DeleteGroup {
                group: GroupRef::Id(uuid),
            },
        )
        .map(|_| Ok(()))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_named_from_its_display_name() {
        let name = |d: &str, n: usize| name_for(d, n).map(|u| u.to_string());
        assert_eq!(
            name("Engineering Team", 1).as_deref(),
            Some("engineering-team")
        );
        assert_eq!(
            name("Engineering Team", 2).as_deref(),
            Some("engineering-team-2")
        );
        assert_eq!(name("  R&D / Ops!  ", 1).as_deref(), Some("r-d-ops"));
        assert_eq!(name("QA", 1).as_deref(), Some("group-qa"));
        assert_eq!(name("Zoë", 1).as_deref(), Some("group-zo"));
        let long = "a".repeat(40);
        assert_eq!(name(&long, 1).unwrap().len(), 32);
        assert_eq!(name(&long, 12).unwrap(), format!("{}-12", "a".repeat(29)));
        assert_eq!(name("日本", 1).as_deref(), Some("group"));
    }
}
