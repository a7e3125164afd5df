//! SCIM 2.0 at `/scim/v2` (RFC 7643, RFC 7644), for identity providers
//! (Okta, Microsoft Entra ID, Google, JumpCloud) to provision users and
//! groups: the same service operations as the rest of the API, in SCIM's
//! shapes. Every request is authenticated by an API key of an admin.
//!
//! How users and groups map is said in `users` and `groups`; what the
//! server supports, in `discovery` (ServiceProviderConfig, ResourceTypes,
//! Schemas).

mod discovery;
mod filter;
mod groups;
mod patch;
mod users;

use axum::Router;
use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, ETAG, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::{MethodRouter, get};
use serde_json::{Value, json};

use self::filter::{Filter, member};
use super::AppState;
use super::body::Token;
use crate::domain::Role;
use crate::domain::audit::Origin;
use crate::error::Error;
use crate::ops::{Request, Response};
use crate::service::{Actor, Service};

const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// The largest page a list answers (`ServiceProviderConfig.filter.maxResults`).
const MAX_RESULTS: usize = 1000;
/// A page's size when the request names none.
const DEFAULT_COUNT: usize = 100;

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

    fn not_found(detail: impl Into<String>) -> Self {
        ScimError::new(StatusCode::NOT_FOUND, None, detail)
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

impl From<patch::Refused> for ScimError {
    fn from(r: patch::Refused) -> Self {
        ScimError::bad(r.scim_type, r.detail)
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

/// The routes under `/scim/v2`. A method a route does not take is a 405,
/// and a path that names nothing a 404, both in SCIM's form.
pub fn routes() -> Router<AppState> {
    let only = |methods: MethodRouter<AppState>| methods.fallback(method_not_allowed);
    Router::new()
        .route("/scim/v2/Users", only(get(users::list).post(users::create)))
        .route(
            "/scim/v2/Users/.search",
            only(axum::routing::post(users::search)),
        )
        .route(
            "/scim/v2/Users/{id}",
            only(
                get(users::get)
                    .put(users::replace)
                    .patch(users::patch)
                    .delete(users::delete),
            ),
        )
        .route(
            "/scim/v2/Groups",
            only(get(groups::list).post(groups::create)),
        )
        .route(
            "/scim/v2/Groups/.search",
            only(axum::routing::post(groups::search)),
        )
        .route(
            "/scim/v2/Groups/{id}",
            only(
                get(groups::get)
                    .put(groups::replace)
                    .patch(groups::patch)
                    .delete(groups::delete),
            ),
        )
        .route(
            "/scim/v2/.search",
            only(axum::routing::post(search_everything)),
        )
        .route(
            "/scim/v2/ServiceProviderConfig",
            only(get(discovery::service_provider_config)),
        )
        .route(
            "/scim/v2/ResourceTypes",
            only(get(discovery::resource_types)),
        )
        .route(
            "/scim/v2/ResourceTypes/{name}",
            only(get(discovery::resource_type)),
        )
        .route("/scim/v2/Schemas", only(get(discovery::schemas)))
        .route("/scim/v2/Schemas/{id}", only(get(discovery::schema)))
        .route("/scim/v2", only(get(nothing_here)))
        .route("/scim/v2/{*rest}", get(nothing_here).fallback(nothing_here))
}

async fn method_not_allowed() -> ScimError {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "this endpoint does not take that method",
    )
}

async fn nothing_here(State(app): State<AppState>, token: Token) -> Result<HttpResponse> {
    as_admin(&app, token, |_, _, _| Ok(())).await?;
    Err(ScimError::not_found(
        "no such SCIM endpoint: /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and \
         /Schemas are",
    ))
}

/// `POST /.search` over every resource type at once: the users that pass
/// the filter, then the groups, paged as one list.
async fn search_everything(
    State(app): State<AppState>,
    token: Token,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<HttpResponse> {
    let list = ListParams::from_search(&body)?;
    let base = base_url(&headers);
    let (start, shown) = (list.start, list.shown.clone());
    let (total, page) = as_admin(&app, token, move |service, actor, origin| {
        let (users, mut page) = users::find(service, actor, origin, &list, &base)?;
        // The groups' part of the page starts where the users end.
        let skipped = u64::try_from(list.start.saturating_sub(1)).unwrap_or(u64::MAX);
        let rest = ListParams {
            start: usize::try_from(skipped.saturating_sub(users) + 1).unwrap_or(usize::MAX),
            count: list.count - page.len(),
            ..list.clone()
        };
        let (groups, more) = groups::find(service, actor, origin, &rest, &base)?;
        page.extend(more);
        Ok((users + groups, page))
    })
    .await?;
    Ok(list_response(total, start, page, &shown))
}

/// Runs `work` for the admin whose API key the request carries.
async fn as_admin<T: Send + 'static>(
    app: &AppState,
    token: Token,
    work: impl FnOnce(&Service, &Actor, &Origin) -> crate::error::Result<T> + Send + 'static,
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
    origin: &Origin,
    request: Request,
) -> crate::error::Result<Response> {
    service.execute(actor, origin, request)?.wait()
}

fn unexpected() -> Error {
    Error::internal("unexpected response")
}

/// Hands `each` the users `query` selects, in id order, a page of the
/// store's at a time, until it answers false or they run out.
fn each_user(
    service: &Service,
    actor: &Actor,
    origin: &Origin,
    mut query: crate::ops::ListQuery,
    each: &mut dyn FnMut(&crate::domain::User) -> crate::error::Result<bool>,
) -> crate::error::Result<()> {
    query.limit = Some(crate::ops::ListQuery::MAX_LIMIT);
    loop {
        let page = match run(service, actor, origin, Request::ListUsers(query.clone()))? {
            Response::Page(p) => p,
            _ => return Err(unexpected()),
        };
        for user in &page.users {
            if !each(user)? {
                return Ok(());
            }
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// The resources a list selects, how many in all and its page, found by
/// `find` for the admin the request's key names.
type Find =
    fn(&Service, &Actor, &Origin, &ListParams, &str) -> crate::error::Result<(u64, Vec<Value>)>;

/// Answers a list (a GET's or a `/.search`'s) of what `find` finds.
async fn answer_list(
    app: AppState,
    token: Token,
    headers: HeaderMap,
    list: ListParams,
    find: Find,
) -> Result<HttpResponse> {
    let base = base_url(&headers);
    let (start, shown) = (list.start, list.shown.clone());
    let (total, page) = as_admin(&app, token, move |service, actor, origin| {
        find(service, actor, origin, &list, &base)
    })
    .await?;
    Ok(list_response(total, start, page, &shown))
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/scim/v2")
}

/// A resource's version, as its ETag: the time of its last change.
fn etag(updated: crate::domain::Timestamp) -> String {
    format!("W/\"{}\"", updated.unix_millis())
}

fn parse_body(bytes: &[u8]) -> Result<Value> {
    let body: Value = serde_json::from_slice(bytes)
        .map_err(|e| ScimError::bad("invalidSyntax", format!("the body is not valid JSON: {e}")))?;
    if !body.is_object() {
        return Err(ScimError::bad(
            "invalidSyntax",
            "the body must be a JSON object",
        ));
    }
    Ok(body)
}

/// Refuses a write whose `If-Match` names another version (412).
fn check_version(headers: &HeaderMap, current: &str, what: &str) -> Result<()> {
    let Some(wanted) = headers.get(IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if wanted.trim() == "*" || wanted.split(',').any(|t| strip(t) == strip(current)) {
        Ok(())
    } else {
        Err(ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            format!("the {what} has changed (now {current}); read it again"),
        ))
    }
}

/// Which attributes a response carries: those asked for (`attributes`), or
/// all but those not wanted (`excludedAttributes`); `id`, `schemas` and
/// `meta` always.
#[derive(Debug, Clone, Default)]
struct Shown {
    attributes: Vec<String>,
    excluded: Vec<String>,
}

impl Shown {
    /// An attribute named as a parameter names: `name`, `name.givenName`
    /// or with its schema's URI; compared at the top level, without case.
    fn top(path: &str) -> String {
        let name = match path.rsplit_once(':') {
            Some((_, n)) => n,
            None => path,
        };
        name.split('.').next().unwrap_or(name).to_ascii_lowercase()
    }

    fn wants(&self, name: &str) -> bool {
        let always = ["id", "schemas", "meta"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(name));
        let name = name.to_ascii_lowercase();
        always
            || ((self.attributes.is_empty()
                || self.attributes.iter().any(|a| Self::top(a) == name))
                && !self.excluded.iter().any(|a| Self::top(a) == name))
    }

    fn project(&self, resource: Value) -> Value {
        match resource {
            Value::Object(map) => {
                Value::Object(map.into_iter().filter(|(k, _)| self.wants(k)).collect())
            }
            other => other,
        }
    }

    fn from_query(params: &[(String, String)], what: &str) -> Result<Shown> {
        let mut shown = Shown::default();
        for (key, value) in params {
            match key.to_ascii_lowercase().as_str() {
                "attributes" => shown.attributes = list_param(value),
                "excludedattributes" => shown.excluded = list_param(value),
                _ => {
                    return Err(ScimError::bad(
                        "invalidValue",
                        format!("{key} is not a query parameter of {what}"),
                    ));
                }
            }
        }
        Ok(shown)
    }
}

fn list_param(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A list's request: from a GET's query, or a POST `/.search` body.
#[derive(Debug, Clone)]
struct ListParams {
    filter: Option<Filter>,
    /// From 1.
    start: usize,
    count: usize,
    shown: Shown,
}

impl ListParams {
    fn from_query(params: Vec<(String, String)>, what: &str) -> Result<ListParams> {
        let mut list = ListParams {
            filter: None,
            start: 1,
            count: DEFAULT_COUNT,
            shown: Shown::default(),
        };
        for (key, value) in params {
            match key.to_ascii_lowercase().as_str() {
                "filter" => list.filter = Some(parse_filter(&value)?),
                "startindex" => list.start = start_index(&value)?,
                "count" => list.count = count(&value)?,
                "attributes" => list.shown.attributes = list_param(&value),
                "excludedattributes" => list.shown.excluded = list_param(&value),
                // Not supported (ServiceProviderConfig says so): the order
                // is the order of creation.
                "sortby" | "sortorder" => {}
                _ => {
                    return Err(ScimError::bad(
                        "invalidValue",
                        format!("{key} is not a query parameter of {what}"),
                    ));
                }
            }
        }
        Ok(list)
    }

    /// A SearchRequest (RFC 7644 section 3.4.3).
    fn from_search(body: &[u8]) -> Result<ListParams> {
        let body = parse_body(body)?;
        let schemas = member(&body, "schemas").and_then(Value::as_array);
        if !schemas.is_some_and(|s| s.iter().any(|u| u == SEARCH_SCHEMA)) {
            return Err(ScimError::bad(
                "invalidSyntax",
                format!("a search's schemas must be [\"{SEARCH_SCHEMA}\"]"),
            ));
        }
        let mut list = ListParams {
            filter: None,
            start: 1,
            count: DEFAULT_COUNT,
            shown: Shown::default(),
        };
        let names = |v: &Value, key: &str| -> Result<Vec<String>> {
            match v {
                Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_owned).ok_or_else(|| {
                            ScimError::bad("invalidValue", format!("{key} must be strings"))
                        })
                    })
                    .collect(),
                Value::String(s) => Ok(list_param(s)),
                _ => Err(ScimError::bad(
                    "invalidValue",
                    format!("{key} must be a list of attribute names"),
                )),
            }
        };
        let number = |v: &Value, key: &str| -> Result<String> {
            match v {
                Value::Number(n) => Ok(n.to_string()),
                Value::String(s) => Ok(s.clone()),
                _ => Err(ScimError::bad(
                    "invalidValue",
                    format!("{key} must be an integer"),
                )),
            }
        };
        for (key, value) in body.as_object().into_iter().flatten() {
            match key.to_ascii_lowercase().as_str() {
                "schemas" | "sortby" | "sortorder" => {}
                _ if value.is_null() => {}
                "filter" => match value {
                    Value::String(f) => list.filter = Some(parse_filter(f)?),
                    _ => return Err(ScimError::bad("invalidFilter", "filter must be a string")),
                },
                "startindex" => list.start = start_index(&number(value, "startIndex")?)?,
                "count" => list.count = count(&number(value, "count")?)?,
                "attributes" => list.shown.attributes = names(value, "attributes")?,
                "excludedattributes" => {
                    list.shown.excluded = names(value, "excludedAttributes")?;
                }
                _ => {
                    return Err(ScimError::bad(
                        "invalidSyntax",
                        format!("{key} is not a member of a SearchRequest"),
                    ));
                }
            }
        }
        Ok(list)
    }
}

fn parse_filter(text: &str) -> Result<Filter> {
    filter::parse(text).map_err(|e| ScimError::bad("invalidFilter", e.0))
}

// Out-of-range values are read as the nearest allowed (RFC 7644 section
// 3.4.2.4).
fn start_index(value: &str) -> Result<usize> {
    let n = value
        .trim()
        .parse::<i64>()
        .map_err(|_| ScimError::bad("invalidValue", "startIndex must be an integer"))?;
    Ok(usize::try_from(n.max(1)).unwrap_or(usize::MAX))
}

fn count(value: &str) -> Result<usize> {
    let n = value
        .trim()
        .parse::<i64>()
        .map_err(|_| ScimError::bad("invalidValue", "count must be an integer"))?;
    Ok(usize::try_from(n.clamp(0, MAX_RESULTS as i64)).unwrap_or(0))
}

/// A ListResponse of `resources`, the page from `start` of `total`.
fn list_response(total: u64, start: usize, resources: Vec<Value>, shown: &Shown) -> HttpResponse {
    let resources: Vec<Value> = resources.into_iter().map(|r| shown.project(r)).collect();
    let body = json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    });
    scim_json(StatusCode::OK, &body, None)
}

/// Counts each match, and keeps those that fall in the page asked for.
struct Paging {
    start: usize,
    count: usize,
    total: u64,
    kept: Vec<Value>,
}

impl Paging {
    fn new(list: &ListParams) -> Paging {
        Paging {
            start: list.start,
            count: list.count,
            total: 0,
            kept: Vec::new(),
        }
    }

    /// Whether the next match would be on the page.
    fn wanted_next(&self) -> bool {
        let next = self.total + 1;
        next >= self.start as u64 && self.kept.len() < self.count
    }

    fn push(&mut self, resource: Option<Value>) {
        if self.wanted_next()
            && let Some(r) = resource
        {
            self.kept.push(r);
        }
        self.total += 1;
    }
}
