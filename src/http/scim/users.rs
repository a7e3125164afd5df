//! SCIM Users. A user maps as:
//!
//! - `userName` ↔ username (lower-cased, as usernames are);
//! - `emails`: the primary one (or else the first) ↔ email; the list as the
//!   provider sent it is kept beside it (attribute `scim.emails`) and shown
//!   while its primary is still the user's email;
//! - `displayName` ↔ display name; `name` (formatted, givenName, …) is kept
//!   as sent (attribute `scim.name`), and gives the display name when the
//!   provider sends no `displayName`;
//! - `active` ↔ not blocked; `externalId` ↔ attribute `scim.externalId`;
//! - `password` write-only; `groups` read-only;
//! - `meta.version`: the weak ETag of `updated_at`.

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::filter::member;
use super::{
    AppState, ListParams, Paging, Result, ScimError, Shown, Token, answer_list, as_admin, base_url,
    check_version, each_user, etag, parse_body, patch, run, scim_json, unexpected,
};
use crate::domain::audit::Origin;
use crate::domain::{
    Attributes, DisplayName, Email, Group, Password, PasswordChoice, Profile, Role, User,
    UserPatch, UserRef, Username,
};
use crate::error::Error;
use crate::ops::{ListQuery, NewUser, Request, Response};
use crate::service::{Actor, Service};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Where `externalId` is kept among the user's attributes.
const EXTERNAL_ID: &str = "scim.externalId";
/// Where the `name` sent is kept.
const NAME: &str = "scim.name";
/// Where the `emails` sent are kept.
const EMAILS: &str = "scim.emails";
/// Multi-valued attributes of a User, as PATCH treats them.
const MULTI: &[&str] = &["emails", "groups", "phonenumbers", "addresses"];
/// The parts of `name` kept.
pub const NAME_PARTS: &[&str] = &[
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
];
/// The parts of an email kept.
pub const EMAIL_PARTS: &[&str] = &["value", "type", "primary", "display"];
/// The longest `externalId` kept.
pub const MAX_EXTERNAL_ID: usize = 256;

fn not_found(id: &str) -> ScimError {
    ScimError::not_found(format!("User {id} not found"))
}

fn user_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| not_found(raw))
}

/// A 404 from the service, told as SCIM tells it.
fn refind(e: ScimError, id: &str) -> ScimError {
    if e.status == StatusCode::NOT_FOUND {
        not_found(id)
    } else {
        e
    }
}

/// The canonical form of one email, when no list was kept.
fn only_email(user: &User) -> Value {
    json!([{"value": user.email, "type": "work", "primary": true}])
}

/// The primary email of a list (or else the first).
fn primary(emails: &[Value]) -> Option<&Value> {
    emails
        .iter()
        .find(|e| member(e, "primary") == Some(&Value::Bool(true)))
        .or_else(|| emails.first())
}

/// A user as SCIM shows it.
pub fn render(user: &User, groups: &[Group], base: &str) -> Value {
    let attributes = user.attributes.as_map();
    // The list sent, while its primary is still the user's email (an
    // operator may have changed the email since).
    let emails = match attributes.get(EMAILS) {
        Some(Value::Array(kept))
            if primary(kept)
                .and_then(|e| member(e, "value"))
                .and_then(Value::as_str)
                .and_then(|v| Email::parse(v).ok())
                .is_some_and(|e| e.key() == user.email.key()) =>
        {
            Value::Array(kept.clone())
        }
        _ => only_email(user),
    };
    let mut out = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.username,
        "emails": emails,
        "active": !user.blocked,
        "meta": {
            "resourceType": "User",
            "created": user.created_at,
            "lastModified": user.updated_at,
            "version": etag(user.updated_at),
            "location": format!("{base}/Users/{}", user.id),
        },
    });
    if !groups.is_empty() {
        out["groups"] = groups
            .iter()
            .map(|g| {
                json!({
                    "value": g.id,
                    "display": super::groups::display_name(g),
                    "$ref": format!("{base}/Groups/{}", g.id),
                    "type": "direct",
                })
            })
            .collect();
    }
    if let Some(name) = &user.name {
        out["displayName"] = json!(name);
    }
    if let Some(name @ Value::Object(_)) = attributes.get(NAME) {
        out["name"] = name.clone();
    }
    if let Some(external) = attributes.get(EXTERNAL_ID) {
        out["externalId"] = external.clone();
    }
    out
}

/// What a User body asks for: the fields usersctl keeps.
struct Wanted {
    username: Username,
    email: Email,
    /// `emails` as sent (the parts kept), when sent.
    emails: Option<Vec<Value>>,
    display: Option<String>,
    /// `name` as sent (the parts kept), when sent.
    name: Option<Map<String, Value>>,
    active: bool,
    external_id: Option<String>,
    password: Option<Password>,
}

impl Wanted {
    /// The display name `name` makes: its `formatted`, or else its given
    /// and family names.
    fn name_text(name: Option<&Map<String, Value>>) -> Option<String> {
        let name = name?;
        let part = |p: &str| {
            name.get(p)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        part("formatted").map(str::to_owned).or_else(|| {
            let parts: Vec<&str> = [part("givenName"), part("familyName")]
                .into_iter()
                .flatten()
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
    }
}

fn text<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>> {
    match member(body, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ScimError::bad(
            "invalidValue",
            format!("{name} must be a string"),
        )),
    }
}

/// `active` as a boolean: Entra ID sends `"True"` and `"False"`.
fn boolean(body: &Value, name: &str) -> Result<Option<bool>> {
    match member(body, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ScimError::bad(
            "invalidValue",
            format!("{name} must be a boolean"),
        )),
    }
}

/// The parts of `value` (an object) named in `parts`, spelled as there;
/// each a string, or a boolean where `booleans` says so.
fn parts_of(
    value: &Value,
    parts: &[&str],
    booleans: &[&str],
    what: &str,
) -> Result<Map<String, Value>> {
    if !value.is_object() {
        return Err(ScimError::bad(
            "invalidValue",
            format!("{what} must be an object"),
        ));
    }
    let mut kept = Map::new();
    for part in parts {
        let v = match member(value, part) {
            None | Some(Value::Null) => continue,
            Some(v) => v,
        };
        let v = if booleans.contains(part) {
            match boolean(value, part)? {
                Some(b) => Value::Bool(b),
                None => continue,
            }
        } else if v.is_string() {
            v.clone()
        } else {
            return Err(ScimError::bad(
                "invalidValue",
                format!("{what}.{part} must be a string"),
            ));
        };
        kept.insert((*part).to_owned(), v);
    }
    Ok(kept)
}

/// Reads a User body (a POST's or a PUT's, or a PATCH's result). `before`
/// is the user as shown before a PATCH: a `displayName` it had and the
/// result lacks was removed, and is not made again from `name`.
fn read_user(body: &Value, before: Option<&Value>) -> Result<Wanted> {
    if !body.is_object() {
        return Err(ScimError::bad(
            "invalidSyntax",
            "the body must be a JSON object",
        ));
    }
    let username = text(body, "userName")?
        .ok_or_else(|| ScimError::bad("invalidValue", "userName is required"))?;
    let username = Username::parse(username)
        .map_err(|m| ScimError::bad("invalidValue", format!("userName {m}")))?;
    let emails = match member(body, "emails") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|e| parts_of(e, EMAIL_PARTS, &["primary"], "emails").map(Value::Object))
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(ScimError::bad("invalidValue", "emails must be a list")),
    };
    if emails
        .iter()
        .filter(|e| member(e, "primary") == Some(&Value::Bool(true)))
        .count()
        > 1
    {
        return Err(ScimError::bad(
            "invalidValue",
            "emails: at most one may be primary",
        ));
    }
    for e in &emails {
        let value = member(e, "value")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimError::bad("invalidValue", "emails: each needs a value"))?;
        Email::parse(value).map_err(|m| ScimError::bad("invalidValue", format!("emails: {m}")))?;
    }
    let email = primary(&emails)
        .and_then(|e| member(e, "value"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ScimError::bad(
                "invalidValue",
                "emails must hold an email (usersctl keeps the primary one)",
            )
        })?;
    let email =
        Email::parse(email).map_err(|m| ScimError::bad("invalidValue", format!("emails: {m}")))?;
    let name = match member(body, "name") {
        None | Some(Value::Null) => None,
        Some(n) => Some(parts_of(n, NAME_PARTS, &[], "name")?).filter(|n| !n.is_empty()),
    };
    let display = text(body, "displayName")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let display = match (display, before) {
        (Some(d), Some(before)) => {
            // A display name made from the name follows the name.
            let old_name = member(before, "name").and_then(Value::as_object);
            let made = Wanted::name_text(old_name);
            let unchanged = member(before, "displayName").and_then(Value::as_str) == Some(&d);
            if unchanged && made.as_deref() == Some(d.as_str()) && old_name != name.as_ref() {
                Wanted::name_text(name.as_ref())
            } else {
                Some(d)
            }
        }
        (Some(d), None) => Some(d),
        // Removed by this PATCH: gone.
        (None, Some(before)) if member(before, "displayName").is_some() => None,
        (None, _) => Wanted::name_text(name.as_ref()),
    };
    if let Some(d) = &display {
        DisplayName::parse(d)
            .map_err(|m| ScimError::bad("invalidValue", format!("displayName {m}")))?;
    }
    let password = text(body, "password")?
        .map(|p| Password::parse(p.to_owned()))
        .transpose()
        .map_err(|m| ScimError::bad("invalidValue", format!("password {m}")))?;
    let external_id = text(body, "externalId")?.map(str::to_owned);
    if external_id
        .as_ref()
        .is_some_and(|e| e.chars().count() > MAX_EXTERNAL_ID)
    {
        return Err(ScimError::bad(
            "invalidValue",
            format!("externalId must be at most {MAX_EXTERNAL_ID} characters"),
        ));
    }
    Ok(Wanted {
        username,
        email,
        emails: (!emails.is_empty()).then_some(emails),
        display,
        name,
        active: boolean(body, "active")?.unwrap_or(true),
        external_id,
        password,
    })
}

/// The attributes SCIM keeps for `wanted`: each key set, or null to
/// remove it.
fn kept_attributes(wanted: &Wanted) -> [(&'static str, Value); 3] {
    [
        (
            EXTERNAL_ID,
            wanted
                .external_id
                .clone()
                .map_or(Value::Null, Value::String),
        ),
        (NAME, wanted.name.clone().map_or(Value::Null, Value::Object)),
        (
            EMAILS,
            wanted.emails.clone().map_or(Value::Null, Value::Array),
        ),
    ]
}

fn display_name(wanted: &Wanted) -> crate::error::Result<Option<DisplayName>> {
    wanted
        .display
        .as_deref()
        .map(DisplayName::parse)
        .transpose()
        .map_err(|m| Error::invalid("displayName", m))
}

/// The change that makes `current` what `wanted` says.
fn change_to(current: &User, wanted: Wanted) -> crate::error::Result<UserPatch> {
    let mut attributes = Map::new();
    for (key, value) in kept_attributes(&wanted) {
        if current.attributes.as_map().get(key).unwrap_or(&Value::Null) != &value {
            attributes.insert(key.to_owned(), value);
        }
    }
    let name = display_name(&wanted)?;
    Ok(UserPatch {
        username: (wanted.username != current.username).then_some(wanted.username),
        email: (wanted.email.key() != current.email.key() || wanted.email != current.email)
            .then_some(wanted.email),
        name: (name != current.name).then_some(name),
        attributes: (!attributes.is_empty()).then_some(attributes),
        blocked: (wanted.active == current.blocked).then_some(!wanted.active),
        password: wanted.password.map(PasswordChoice::Given),
        ..UserPatch::default()
    })
}

fn user_of(response: Response) -> crate::error::Result<User> {
    match response {
        Response::User(u) => Ok(u),
        Response::Saved(s) => Ok(s.user),
        _ => Err(unexpected()),
    }
}

fn get_user(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> crate::error::Result<User> {
    user_of(run(
        service,
        actor,
        origin,
        Request::GetUser {
            user: UserRef::Id(id),
        },
    )?)
}

fn groups_of(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    id: Uuid,
) -> crate::error::Result<Vec<Group>> {
    match run(
        service,
        actor,
        origin,
        Request::UserGroups {
            user: UserRef::Id(id),
        },
    )? {
        Response::Groups(page) => Ok(page.data),
        _ => Err(unexpected()),
    }
}

/// `GET /scim/v2/Users`: filtered, paged by `startIndex` and `count`.
pub(super) async fn list(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let list = ListParams::from_query(params, "/Users")?;
    answer_list(app, token, headers, list, find).await
}

/// `POST /scim/v2/Users/.search`: a list, asked in a body.
pub(super) async fn search(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    body: Bytes,
) -> Result<HttpResponse> {
    let list = ListParams::from_search(&body)?;
    answer_list(app, token, headers, list, find).await
}

/// The users the list's filter selects: how many in all, and its page,
/// rendered. A look-up by `userName`, `emails` or `id` equal to a value
/// (what providers send) is one read; everyone is counted by the store.
pub(super) fn find(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    list: &ListParams,
    base: &str,
) -> crate::error::Result<(u64, Vec<Value>)> {
    let filter = list.filter.as_ref();
    let mut paging = Paging::new(list);
    let show = |user: &User| -> crate::error::Result<Value> {
        let groups = if list.shown.wants("groups") {
            groups_of(service, actor, origin, user.id)?
        } else {
            Vec::new()
        };
        Ok(render(user, &groups, base))
    };
    let looked_up = filter.and_then(|f| {
        ["username", "emails", "id"]
            .iter()
            .find_map(|attr| f.equals(attr).map(|v| (*attr, v.to_owned())))
    });
    if let Some((attr, value)) = looked_up {
        let user = match attr {
            "id" => Uuid::parse_str(&value).ok().map(UserRef::Id),
            "emails" => Email::parse(&value).ok().map(UserRef::Email),
            _ => Username::parse(&value).ok().map(UserRef::Username),
        };
        if let Some(user) = user {
            match run(service, actor, origin, Request::GetUser { user }) {
                Ok(response) => {
                    let user = user_of(response)?;
                    let groups = groups_of(service, actor, origin, user.id)?;
                    let resource = render(&user, &groups, base);
                    // The rest of the filter (the case of a userName, say)
                    // is the filter's to judge.
                    if filter.is_none_or(|f| f.matches(&resource)) {
                        paging.push(Some(resource));
                    }
                }
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        return Ok((paging.total, paging.kept));
    }
    if filter.is_none() {
        // Counted by the store; read no further than the page.
        let total = match run(
            service,
            actor,
            origin,
            Request::CountUsers(ListQuery::default()),
        )? {
            Response::Count(n) => n,
            _ => return Err(unexpected()),
        };
        let mut seen = 0usize;
        each_user(service, actor, origin, ListQuery::default(), &mut |user| {
            seen += 1;
            if seen >= list.start {
                if paging.kept.len() >= list.count {
                    return Ok(false);
                }
                paging.kept.push(show(user)?);
            }
            Ok(true)
        })?;
        return Ok((total, paging.kept));
    }
    each_user(service, actor, origin, ListQuery::default(), &mut |user| {
        let groups = groups_of(service, actor, origin, user.id)?;
        let resource = render(user, &groups, base);
        if filter.is_none_or(|f| f.matches(&resource)) {
            paging.push(Some(resource));
        }
        Ok(true)
    })?;
    Ok((paging.total, paging.kept))
}

pub(super) async fn get(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    let shown = Shown::from_query(&params, "a User")?;
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let user = get_user(service, actor, origin, uuid)?;
        let groups = groups_of(service, actor, origin, user.id)?;
        Ok((render(&user, &groups, &base), etag(user.updated_at)))
    })
    .await
    .map_err(|e| refind(e, &id))?;
    Ok(scim_json(
        StatusCode::OK,
        &shown.project(resource),
        Some(&tag),
    ))
}

pub(super) async fn create(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let shown = Shown::from_query(&params, "a User")?;
    let wanted = read_user(&parse_body(&body)?, None)?;
    let base = base_url(&headers);
    let (resource, tag, id) = as_admin(&app, token, move |service, actor, origin| {
        let mut attributes = Map::new();
        for (key, value) in kept_attributes(&wanted) {
            if !value.is_null() {
                attributes.insert(key.to_owned(), value);
            }
        }
        let profile = Profile {
            name: display_name(&wanted)?,
            username: wanted.username,
            email: wanted.email,
            role: Role::User,
            attributes: Attributes::parse(attributes)
                .map_err(|m| Error::invalid("attributes", m))?,
            must_change_password: false,
        };
        let new = NewUser {
            profile,
            password: wanted
                .password
                .map_or(PasswordChoice::Generate, PasswordChoice::Given),
        };
        let mut user = user_of(run(service, actor, origin, Request::CreateUser(new))?)?;
        if !wanted.active {
            let patch = UserPatch {
                blocked: Some(true),
                ..UserPatch::default()
            };
            user = user_of(run(
                service,
                actor,
                origin,
                Request::UpdateUser {
                    user: UserRef::Id(user.id),
                    patch,
                },
            )?)?;
        }
        Ok((render(&user, &[], &base), etag(user.updated_at), user.id))
    })
    .await?;
    let mut response = scim_json(StatusCode::CREATED, &shown.project(resource), Some(&tag));
    if let Ok(location) = HeaderValue::from_str(&format!("{}/Users/{id}", base_url(&headers))) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// Reads the user, lets `next` say what it should become (from its SCIM
/// form), and stores that: a PUT and a PATCH alike.
async fn change(
    app: AppState,
    token: Token,
    headers: HeaderMap,
    id: String,
    shown: Shown,
    next: impl FnOnce(&Value) -> Result<Wanted> + Send + 'static,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let current = get_user(service, actor, origin, uuid)?;
        let groups = groups_of(service, actor, origin, uuid)?;
        let before = render(&current, &groups, &base);
        // What SCIM itself refuses is answered as it is, whole.
        let wanted = match check_version(&headers, &etag(current.updated_at), "user")
            .and_then(|()| next(&before))
        {
            Ok(w) => w,
            Err(e) => return Ok(Err(e)),
        };
        let patch = change_to(&current, wanted)?;
        let user = if patch.is_empty() {
            current
        } else {
            user_of(run(
                service,
                actor,
                origin,
                Request::UpdateUser {
                    user: UserRef::Id(uuid),
                    patch,
                },
            )?)?
        };
        Ok(Ok((render(&user, &groups, &base), etag(user.updated_at))))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    Ok(scim_json(
        StatusCode::OK,
        &shown.project(resource),
        Some(&tag),
    ))
}

pub(super) async fn replace(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let shown = Shown::from_query(&params, "a User")?;
    let body = parse_body(&body)?;
    change(app, token, headers, id, shown, move |_| {
        read_user(&body, None)
    })
    .await
}

pub(super) async fn patch(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<HttpResponse> {
    let shown = Shown::from_query(&params, "a User")?;
    let body = parse_body(&body)?;
    change(app, token, headers, id, shown, move |before| {
        let next = patch::apply(before, &body, MULTI)?;
        read_user(&next, Some(before))
    })
    .await
}

pub(super) async fn delete(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    as_admin(&app, token, move |service, actor, origin| {
        let current = get_user(service, actor, origin, uuid)?;
        if let Err(e) = check_version(&headers, &etag(current.updated_at), "user") {
            return Ok(Err(e));
        }
        // To the recycle bin, whence an operator can bring it back.
        run(
            service,
            actor,
            origin,
            Request::DeleteUser {
                user: UserRef::Id(uuid),
                purge: false,
            },
        )
        .map(|_| Ok(()))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    Ok(StatusCode::NO_CONTENT.into_response())
}
