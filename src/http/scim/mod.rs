//! SCIM 2.0 at `/scim/v2` (RFC 7643, RFC 7644), for identity providers
//! (Okta, Microsoft Entra ID, Google, JumpCloud) to provision users: the
//! same service operations as the rest of the API, in SCIM's shapes. Every
//! request is authenticated by an API key of an admin.
//!
//! A user maps to SCIM as: `userName` ↔ username, `emails` (the primary, or
//! the first) ↔ email, `displayName` (or else `name.formatted`, or else
//! `name.givenName` and `name.familyName`) ↔ name, `active` ↔ not blocked,
//! `externalId` ↔ the attribute `scim.externalId`, `password` write-only,
//! `groups` read-only, `meta.version` the weak ETag of `updated_at`.

mod filter;
mod patch;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header::{CONTENT_TYPE, ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use self::filter::{Filter, member};
use super::AppState;
use super::body::Token;
use crate::domain::{
    DisplayName, Email, Group, Password, PasswordChoice, Profile, Role, User, UserPatch, UserRef,
    Username,
};
use crate::error::Error;
use crate::ops::{ListQuery, NewUser, Request, Response};
use crate::service::{Actor, Service};

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// Where `externalId` is kept among the user's attributes.
const EXTERNAL_ID: &str = "scim.externalId";
/// The largest page a list answers (`ServiceProviderConfig.filter.maxResults`).
const MAX_RESULTS: usize = 1000;
/// Multi-valued attributes of a User, as PATCH treats them.
const USER_MULTI: &[&str] = &["emails", "groups", "phonenumbers", "addresses"];

/// A SCIM error: `status`, `scimType` and `detail`, as
/// `application/scim+json`.
pub struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }
}

impl From<Error> for ScimError {
    fn from(e: Error) -> Self {
        let status = e.status();
        let scim_type = match (&e, status) {
            (Error::Conflict(_), _) => Some("uniqueness"),
            (_, StatusCode::BAD_REQUEST) => Some("invalidValue"),
            _ => None,
        };
        let detail = match &e {
            Error::Invalid { details, .. } if !details.is_empty() => details
                .iter()
                .map(|d| format!("{}: {}", d.field, d.message))
                .collect::<Vec<_>>()
                .join("; "),
            _ => e.to_string(),
        };
        ScimError::new(status, scim_type, detail)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> HttpResponse {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        scim_json(self.status, &body, None)
    }
}

type Result<T> = std::result::Result<T, ScimError>;

fn scim_json(status: StatusCode, body: &Value, etag: Option<&str>) -> HttpResponse {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/scim+json"),
    );
    if let Some(tag) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
        headers.insert(ETAG, tag);
    }
    response
}

/// The routes under `/scim/v2`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/Users", get(list_users).post(create_user))
        .route(
            "/scim/v2/Users/{id}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(service_provider_config),
        )
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{name}", get(resource_type))
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
}

/// Runs `work` for the admin whose API key the request carries.
async fn as_admin<T: Send + 'static>(
    app: &AppState,
    token: Token,
    work: impl FnOnce(&Service, &Actor, &crate::domain::audit::Origin) -> crate::error::Result<T>
    + Send
    + 'static,
) -> Result<T> {
    let Token { token, origin } = token;
    let Some(token) = token else {
        return Err(ScimError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "SCIM takes an API key: Authorization: Bearer <key>",
        ));
    };
    Ok(app
        .blocking(move |service| {
            let session = service.session(&token)?;
            if session.key.is_none() {
                return Err(Error::Unauthorized(
                    "SCIM takes an API key (usersctl key create), not a login token".to_owned(),
                ));
            }
            if session.role != Role::Admin {
                return Err(Error::Forbidden(
                    "SCIM needs an API key of an admin".to_owned(),
                ));
            }
            let actor = Actor::User(session);
            work(service, &actor, &origin)
        })
        .await?)
}

/// Carries out one request, durable before it is answered.
fn run(
    service: &Service,
    actor: &Actor,
    origin: &crate::domain::audit::Origin,
    request: Request,
) -> crate::error::Result<Response> {
    service.execute(actor, origin, request)?.wait()
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/scim/v2")
}

fn etag(user: &User) -> String {
    format!("W/\"{}\"", user.updated_at.unix_millis())
}

/// A user as SCIM shows it.
fn render(user: &User, groups: &[Group], base: &str) -> Value {
    let mut out = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "userName": user.username,
        "emails": [{"value": user.email, "primary": true, "type": "work"}],
        "active": !user.blocked,
        "groups": groups.iter().map(|g| json!({
            "value": g.id,
            "display": g.name,
            "$ref": format!("{base}/Groups/{}", g.id),
        })).collect::<Vec<_>>(),
        "meta": {
            "resourceType": "User",
            "created": user.created_at,
            "lastModified": user.updated_at,
            "version": etag(user),
            "location": format!("{base}/Users/{}", user.id),
        },
    });
    if let Some(name) = &user.name {
        out["displayName"] = json!(name);
        out["name"] = json!({"formatted": name});
    }
    if let Some(external) = user.attributes.as_map().get(EXTERNAL_ID) {
        out["externalId"] = external.clone();
    }
    out
}

/// What a User body asks for: the fields usersctl keeps.
struct Wanted {
    username: Username,
    email: Email,
    name: Option<DisplayName>,
    active: bool,
    external_id: Option<String>,
    password: Option<Password>,
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

fn read_user(body: &Value) -> Result<Wanted> {
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
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(ScimError::bad("invalidValue", "emails must be a list")),
    };
    let chosen = emails
        .iter()
        .find(|e| member(e, "primary") == Some(&Value::Bool(true)))
        .or_else(|| emails.first());
    let email = chosen
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
    let name_part = |part: &str| {
        member(body, "name")
            .and_then(|n| member(n, part))
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let name = text(body, "displayName")?
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
        .or_else(|| name_part("formatted"))
        .or_else(|| {
            let given = [name_part("givenName"), name_part("familyName")];
            let parts: Vec<String> = given.into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
    let name = name
        .map(|n| DisplayName::parse(&n))
        .transpose()
        .map_err(|m| ScimError::bad("invalidValue", format!("displayName {m}")))?;
    let password = text(body, "password")?
        .map(|p| Password::parse(p.to_owned()))
        .transpose()
        .map_err(|m| ScimError::bad("invalidValue", format!("password {m}")))?;
    Ok(Wanted {
        username,
        email,
        name,
        active: boolean(body, "active")?.unwrap_or(true),
        external_id: text(body, "externalId")?.map(str::to_owned),
        password,
    })
}

/// The change that makes `current` what `wanted` says (a PUT, or a PATCH
/// once applied).
fn change_to(current: &User, wanted: Wanted) -> UserPatch {
    let mut attributes = Map::new();
    let external = wanted.external_id.map(Value::String).unwrap_or(Value::Null);
    if current
        .attributes
        .as_map()
        .get(EXTERNAL_ID)
        .unwrap_or(&Value::Null)
        != &external
    {
        attributes.insert(EXTERNAL_ID.to_owned(), external);
    }
    UserPatch {
        username: (wanted.username != current.username).then_some(wanted.username),
        email: (wanted.email.key() != current.email.key() || wanted.email != current.email)
            .then_some(wanted.email),
        name: (wanted.name != current.name).then_some(wanted.name),
        attributes: (!attributes.is_empty()).then_some(attributes),
        blocked: (wanted.active == current.blocked).then_some(!wanted.active),
        password: wanted.password.map(PasswordChoice::Given),
        ..UserPatch::default()
    }
}

fn user_of(response: Response) -> crate::error::Result<User> {
    match response {
        Response::User(u) => Ok(u),
        Response::Saved(s) => Ok(s.user),
        _ => Err(Error::internal("unexpected response")),
    }
}

fn groups_of(
    service: &Service,
    actor: &Actor,
    origin: &crate::domain::audit::Origin,
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
        _ => Err(Error::internal("unexpected response")),
    }
}

fn parse_body(bytes: &Bytes) -> Result<Value> {
    serde_json::from_slice(bytes)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("the body is not valid JSON: {e}")))
}

fn user_id(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw)
        .map_err(|_| ScimError::new(StatusCode::NOT_FOUND, None, format!("User {raw} not found")))
}

/// Refuses a write whose `If-Match` names another version (412).
fn check_version(headers: &HeaderMap, user: &User) -> Result<()> {
    let Some(wanted) = headers.get(IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let current = etag(user);
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if wanted.trim() == "*" || wanted.split(',').any(|t| strip(t) == strip(&current)) {
        Ok(())
    } else {
        Err(ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            format!("the user has changed (now {current}); read it again"),
        ))
    }
}

/// Keeps the attributes asked for (`attributes`), or drops those not
/// wanted (`excludedAttributes`); `id`, `schemas` and `meta` always stay.
fn project(resource: Value, attributes: &[String], excluded: &[String]) -> Value {
    let Value::Object(map) = resource else {
        return resource;
    };
    let always = |k: &str| {
        ["id", "schemas", "meta"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(k))
    };
    let top = |path: &String| {
        let name = path.rsplit(':').next().unwrap_or(path);
        name.split('.').next().unwrap_or(name).to_ascii_lowercase()
    };
    let wanted: Vec<String> = attributes.iter().map(top).collect();
    let dropped: Vec<String> = excluded.iter().map(top).collect();
    Value::Object(
        map.into_iter()
            .filter(|(k, _)| {
                let k_low = k.to_ascii_lowercase();
                always(k)
                    || ((wanted.is_empty() || wanted.contains(&k_low)) && !dropped.contains(&k_low))
            })
            .collect(),
    )
}

fn list_param(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `GET /scim/v2/Users`: filtered, paged by `startIndex` and `count`.
async fn list_users(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let (mut filter, mut start, mut count) = (None, 1usize, 100usize);
    let (mut attributes, mut excluded) = (Vec::new(), Vec::new());
    for (key, value) in params {
        match key.to_ascii_lowercase().as_str() {
            "filter" => {
                filter =
                    Some(filter::parse(&value).map_err(|e| ScimError::bad("invalidFilter", e.0))?)
            }
            // Out-of-range values are read as the nearest allowed (RFC 7644
            // section 3.4.2.4).
            "startindex" => {
                start = value
                    .parse::<i64>()
                    .map_err(|_| ScimError::bad("invalidValue", "startIndex must be an integer"))?
                    .max(1) as usize
            }
            "count" => {
                count = value
                    .parse::<i64>()
                    .map_err(|_| ScimError::bad("invalidValue", "count must be an integer"))?
                    .clamp(0, MAX_RESULTS as i64) as usize
            }
            "attributes" => attributes = list_param(&value),
            "excludedattributes" => excluded = list_param(&value),
            "sortby" | "sortorder" => {}
            _ => {
                return Err(ScimError::bad(
                    "invalidValue",
                    format!("{key} is not a query parameter of /Users"),
                ));
            }
        }
    }
    let base = base_url(&headers);
    let (total, page) = as_admin(&app, token, move |service, actor, origin| {
        find_users(service, actor, origin, filter.as_ref(), start, count, &base)
    })
    .await?;
    let resources: Vec<Value> = page
        .into_iter()
        .map(|r| project(r, &attributes, &excluded))
        .collect();
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    });
    Ok(scim_json(StatusCode::OK, &body, None))
}

/// The users `filter` selects: how many in all, and those from the
/// `start`th (from 1), `count` of them, rendered. A look-up by `userName`,
/// `emails` or `id` equal to a value (what providers send) is one read.
fn find_users(
    service: &Service,
    actor: &Actor,
    origin: &crate::domain::audit::Origin,
    filter: Option<&Filter>,
    start: usize,
    count: usize,
    base: &str,
) -> crate::error::Result<(u64, Vec<Value>)> {
    let looked_up = filter.and_then(|f| {
        ["username", "emails", "id"]
            .iter()
            .find_map(|attr| f.equals(attr).map(|v| (*attr, v.to_owned())))
    });
    let mut matched: Vec<Value> = Vec::new();
    let mut total = 0u64;
    // Counts a match, and keeps it when it falls in the page asked for.
    let keep = |matched: &mut Vec<Value>, resource: Value, total: &mut u64| {
        *total += 1;
        if *total as usize >= start && matched.len() < count {
            matched.push(resource);
        }
    };
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
                        keep(&mut matched, resource, &mut total);
                    }
                }
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        return Ok((total, matched));
    }
    if filter.is_none() {
        // Counted by the store, and read from the start's page on.
        total = match run(
            service,
            actor,
            origin,
            Request::CountUsers(ListQuery::default()),
        )? {
            Response::Count(n) => n,
            _ => return Err(Error::internal("unexpected response")),
        };
    }
    let mut query = ListQuery {
        limit: Some(ListQuery::MAX_LIMIT),
        ..ListQuery::default()
    };
    let mut seen = 0usize;
    loop {
        let page = match run(service, actor, origin, Request::ListUsers(query.clone()))? {
            Response::Page(p) => p,
            _ => return Err(Error::internal("unexpected response")),
        };
        for user in &page.users {
            match filter {
                Some(f) => {
                    let groups = groups_of(service, actor, origin, user.id)?;
                    let resource = render(user, &groups, base);
                    if f.matches(&resource) {
                        keep(&mut matched, resource, &mut total);
                    }
                }
                None => {
                    seen += 1;
                    if seen >= start && matched.len() < count {
                        let groups = groups_of(service, actor, origin, user.id)?;
                        matched.push(render(user, &groups, base));
                    }
                }
            }
        }
        let done_unfiltered = filter.is_none() && matched.len() >= count;
        match page.next_cursor {
            Some(next) if !done_unfiltered => query.cursor = Some(next),
            _ => return Ok((total, matched)),
        }
    }
}

async fn get_user(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    let (mut attributes, mut excluded) = (Vec::new(), Vec::new());
    for (key, value) in params {
        match key.to_ascii_lowercase().as_str() {
            "attributes" => attributes = list_param(&value),
            "excludedattributes" => excluded = list_param(&value),
            _ => {
                return Err(ScimError::bad(
                    "invalidValue",
                    format!("{key} is not a query parameter of a User"),
                ));
            }
        }
    }
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let user = user_of(run(
            service,
            actor,
            origin,
            Request::GetUser {
                user: UserRef::Id(uuid),
            },
        )?)?;
        let groups = groups_of(service, actor, origin, user.id)?;
        Ok((render(&user, &groups, &base), etag(&user)))
    })
    .await
    .map_err(|e| refind(e, &id))?;
    Ok(scim_json(
        StatusCode::OK,
        &project(resource, &attributes, &excluded),
        Some(&tag),
    ))
}

/// A 404 from the service, told as SCIM tells it.
fn refind(e: ScimError, id: &str) -> ScimError {
    if e.status == StatusCode::NOT_FOUND {
        ScimError::new(StatusCode::NOT_FOUND, None, format!("User {id} not found"))
    } else {
        e
    }
}

async fn create_user(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    body: Bytes,
) -> Result<HttpResponse> {
    let wanted = read_user(&parse_body(&body)?)?;
    let base = base_url(&headers);
    let (resource, tag, id) = as_admin(&app, token, move |service, actor, origin| {
        let mut attributes = Map::new();
        if let Some(external) = &wanted.external_id {
            attributes.insert(EXTERNAL_ID.to_owned(), json!(external));
        }
        let profile = Profile {
            username: wanted.username,
            email: wanted.email,
            name: wanted.name,
            role: Role::User,
            attributes: crate::domain::Attributes::parse(attributes).map_err(Error::internal)?,
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
        Ok((render(&user, &[], &base), etag(&user), user.id))
    })
    .await?;
    let mut response = scim_json(StatusCode::CREATED, &resource, Some(&tag));
    if let Ok(location) = HeaderValue::from_str(&format!("{}/Users/{id}", base_url(&headers))) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// Reads the user, lets `next` say what it should become (from its SCIM
/// form), and stores that: a PUT and a PATCH alike.
async fn change_user(
    app: AppState,
    token: Token,
    headers: HeaderMap,
    id: String,
    next: impl FnOnce(&Value) -> Result<Wanted> + Send + 'static,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    let base = base_url(&headers);
    let (resource, tag) = as_admin(&app, token, move |service, actor, origin| {
        let current = user_of(run(
            service,
            actor,
            origin,
            Request::GetUser {
                user: UserRef::Id(uuid),
            },
        )?)?;
        let groups = groups_of(service, actor, origin, uuid)?;
        let shown = render(&current, &groups, &base);
        // What SCIM itself refuses is answered as it is, whole.
        let wanted = match check_version(&headers, &current).and_then(|()| next(&shown)) {
            Ok(w) => w,
            Err(e) => return Ok(Err(e)),
        };
        let patch = change_to(&current, wanted);
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
        Ok(Ok((render(&user, &groups, &base), etag(&user))))
    })
    .await
    .map_err(|e| refind(e, &id))??;
    Ok(scim_json(StatusCode::OK, &resource, Some(&tag)))
}

async fn replace_user(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Result<HttpResponse> {
    let body = parse_body(&body)?;
    change_user(app, token, headers, id, move |_| read_user(&body)).await
}

async fn patch_user(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Bytes,
) -> Result<HttpResponse> {
    let body = parse_body(&body)?;
    change_user(app, token, headers, id, move |shown| {
        let next = patch::apply(shown, &body, USER_MULTI)
            .map_err(|r| ScimError::bad(r.scim_type, r.detail))?;
        read_user(&next)
    })
    .await
}

async fn delete_user(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<HttpResponse> {
    let uuid = user_id(&id)?;
    as_admin(&app, token, move |service, actor, origin| {
        let current = user_of(run(
            service,
            actor,
            origin,
            Request::GetUser {
                user: UserRef::Id(uuid),
            },
        )?)?;
        if let Err(e) = check_version(&headers, &current) {
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

async fn service_provider_config(
    State(app): State<AppState>,
    token: Token,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://github.com/usersctl/usersctl#connecting-an-identity-provider",
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
        "meta": {"resourceType": "ServiceProviderConfig", "location": "/scim/v2/ServiceProviderConfig"},
    });
    Ok(scim_json(StatusCode::OK, &body, None))
}

fn user_resource_type() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A usersctl user",
        "schema": USER_SCHEMA,
        "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/User"},
    })
}

async fn resource_types(State(app): State<AppState>, token: Token) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    let types = vec![user_resource_type()];
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": types.len(),
        "startIndex": 1,
        "itemsPerPage": types.len(),
        "Resources": types,
    });
    Ok(scim_json(StatusCode::OK, &body, None))
}

async fn resource_type(
    State(app): State<AppState>,
    token: Token,
    UrlPath(name): UrlPath<String>,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    if name != "User" {
        return Err(ScimError::new(
            StatusCode::NOT_FOUND,
            None,
            format!("no resource type {name}"),
        ));
    }
    Ok(scim_json(StatusCode::OK, &user_resource_type(), None))
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
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A usersctl user",
        "attributes": [
            attribute("userName", "string", json!({
                "required": true, "uniqueness": "server",
                "description": "The username: 3 to 32 of a-z 0-9 . _ -, lower-cased",
            })),
            attribute("name", "complex", json!({
                "description": "The display name, as formatted",
                "subAttributes": [attribute("formatted", "string", json!({}))],
            })),
            attribute("displayName", "string", json!({"description": "The display name"})),
            attribute("emails", "complex", json!({
                "multiValued": true,
                "description": "The user's email: usersctl keeps the primary one",
                "subAttributes": [
                    attribute("value", "string", json!({})),
                    attribute("type", "string", json!({"canonicalValues": ["work"]})),
                    attribute("primary", "boolean", json!({})),
                ],
            })),
            attribute("active", "boolean", json!({"description": "Not blocked"})),
            attribute("password", "string", json!({
                "mutability": "writeOnly", "returned": "never",
            })),
            attribute("groups", "complex", json!({
                "multiValued": true, "mutability": "readOnly",
                "subAttributes": [
                    attribute("value", "string", json!({"mutability": "readOnly"})),
                    attribute("$ref", "reference", json!({"mutability": "readOnly", "referenceTypes": ["Group"]})),
                    attribute("display", "string", json!({"mutability": "readOnly"})),
                ],
            })),
            attribute("externalId", "string", json!({"caseExact": true})),
        ],
        "meta": {"resourceType": "Schema", "location": format!("/scim/v2/Schemas/{USER_SCHEMA}")},
    })
}

async fn schemas(State(app): State<AppState>, token: Token) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    let all = vec![user_schema()];
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": all.len(),
        "startIndex": 1,
        "itemsPerPage": all.len(),
        "Resources": all,
    });
    Ok(scim_json(StatusCode::OK, &body, None))
}

async fn schema(
    State(app): State<AppState>,
    token: Token,
    UrlPath(id): UrlPath<String>,
) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    if id != USER_SCHEMA {
        return Err(ScimError::new(
            StatusCode::NOT_FOUND,
            None,
            format!("no schema {id}"),
        ));
    }
    Ok(scim_json(StatusCode::OK, &user_schema(), None))
}
