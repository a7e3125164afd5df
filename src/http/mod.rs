//! `usersctl serve`: the operations of the service layer over HTTP (SPEC
//! section 4). A handler extracts its input, calls the service on a blocking
//! thread, and renders; nothing here decides who may do what.

mod bodies;
mod body;
pub mod console;
mod error;
mod groups;
mod keys;
pub mod limits;
mod middleware;
pub mod openapi;
mod scim;
pub mod server;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRequest, Path as UrlPath, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use self::body::{JsonObject, RequestOrigin, Token};
use self::limits::Limits;
use self::openapi::{Data, ErrorBody, Health, Purged, Revoked, SavedUser, UserPage, Version};
use crate::domain::User;
use crate::domain::audit::Verdict;
use crate::domain::parse_age;
use crate::domain::{Password, Role, Timestamp, UserRef};
use crate::error::FieldError;
use crate::error::{Error, Result};
use crate::ops::{AuditQuery, AuditRecordPage};
use crate::ops::{
    Credentials, DeleteMany, DeleteManyReport, DeletedUserPage, ListQuery, NewUser, Request,
    Response, RestoreReport, Saved, Settings, UserPatch,
};
use crate::service::{Actor, Service};
use crate::token::IssuedToken;

/// Largest request body accepted, for every route alike.
pub const BODY_LIMIT: usize = 64 * 1024;
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct AppState {
    service: Arc<Service>,
    /// Service calls admitted at once (running or waiting for a blocking
    /// thread); past it the answer is 503 rather than an ever longer queue.
    admission: Arc<tokio::sync::Semaphore>,
}

/// Threads that carry out service calls, and how many calls may wait for one.
pub const BLOCKING_THREADS: usize = 256;
const ADMITTED_CALLS: usize = 2 * BLOCKING_THREADS;

impl AppState {
    /// Runs `request` for whoever `token` names.
    async fn call(&self, token: Token, request: Request) -> Result<Response> {
        let inline = matches!(request, Request::GetUser { .. }) && self.service.lookups_are_local();
        let Token { token, origin } = token;
        let run = move |service: &Service| {
            let actor = match token {
                Some(t) => Actor::User(service.session(&t)?),
                None => Actor::Anonymous,
            };
            service.execute(&actor, &origin, request)
        };
        if inline {
            // A few lookups by key that neither write nor hash, in a store whose
            // pages sit in memory (not over a network): cheaper done here than the two thread
            // switches a blocking call costs (measured: they were half of all
            // CPU time under load). Everything that writes, hashes or scans
            // goes to a blocking thread.
            return run(&self.service)?.wait();
        }
        // Acknowledged only once durable; concurrent writes share a sync.
        self.blocking(run).await?.committed().await
    }

    /// Runs `work` on a blocking thread: the service hashes passwords and
    /// touches the disk, which must not hold up the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Service) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Busy("the server is busy; try again shortly".to_owned()))?;
        let service = self.service.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&service)
        })
        .await
        .map_err(Error::internal)?
    }
}

/// How the HTTP interface treats its callers.
#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    /// Requests a second from one address without a token (0: no limit).
    pub rate_limit: u32,
    /// Requests a second from one token holder (0: no limit).
    pub token_rate_limit: u32,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<limits::Network>,
    /// Where the web console is served (`/admin/`), if it is.
    pub console: Option<String>,
}

/// The whole HTTP interface over `service`.
pub fn router(service: Arc<Service>, config: &HttpConfig) -> Router {
    let state = AppState {
        service: service.clone(),
        admission: Arc::new(tokio::sync::Semaphore::new(ADMITTED_CALLS)),
    };
    let mut app = Router::new()
        .route("/health", get(health))
        .route("/version", get(version))
        .route("/authenticate", post(authenticate))
        .route("/logout", post(logout))
        .route(
            "/users",
            get(list_users).post(create_user).delete(delete_users),
        )
        .route(
            "/users/{user}",
            get(get_user).patch(update_user).delete(delete_user),
        )
        .route("/recycle-bin", get(list_deleted).delete(empty_bin))
        .route("/recycle-bin/restore", post(restore_users))
        .route("/recycle-bin/{user}", axum::routing::delete(purge_user))
        .route("/recycle-bin/{user}/restore", post(restore_user))
        .route("/users/{user}/groups", get(groups::user_groups))
        .route(
            "/groups",
            get(groups::list_groups).post(groups::create_group),
        )
        .route(
            "/groups/{group}",
            get(groups::get_group)
                .patch(groups::update_group)
                .delete(groups::delete_group),
        )
        .route(
            "/groups/{group}/members",
            get(groups::list_members).post(groups::add_members),
        )
        .route(
            "/groups/{group}/members/remove",
            post(groups::remove_members),
        )
        .route(
            "/groups/{group}/members/{user}",
            axum::routing::delete(groups::remove_member),
        )
        .route("/keys", get(keys::list_keys).post(keys::create_key))
        .route("/keys/{name}", axum::routing::delete(keys::revoke_key))
        .route("/settings", get(settings).patch(update_settings))
        .route("/audit", get(audit))
        .route("/audit/verify", get(verify_audit))
        .route("/openapi.json", get(openapi::document))
        .merge(scim::routes())
        .merge(
            config
                .console
                .as_deref()
                .map(console::routes)
                .unwrap_or_default(),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "") })
        .with_state(state)
        // The body limit applies before routing, the same for every route.
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    if let Some(limits) = Limits::new(service, config.rate_limit, config.token_rate_limit) {
        let sweeper = limits.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                sweeper.sweep();
            }
        });
        app = app.layer(axum::middleware::from_fn_with_state(
            limits,
            limits::rate_limit,
        ));
    }
    app.layer(axum::middleware::from_fn(middleware::json_errors))
        .layer(axum::middleware::from_fn(middleware::log_requests))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(config.trusted_proxies.clone()),
            limits::identify_client,
        ))
}

fn data<T>(data: T) -> Json<Data<T>> {
    Json(Data { data })
}

fn saved_body(saved: Saved) -> Json<SavedUser> {
    Json(SavedUser {
        data: saved.user,
        generated_password: saved.generated_password.map(|p| p.expose().to_owned()),
    })
}

fn user_ref(raw: &str) -> Result<UserRef> {
    UserRef::parse(raw).map_err(|_| Error::NotFound(format!("user {raw} not found")))
}

/// The version of usersctl serving the API. (It touches nothing: benchmarks use
/// it as the cost of HTTP alone.)
#[utoipa::path(get, path = "/version", tag = "meta", responses(
    (status = 200, body = Data<Version>),
    (status = "default", description = "Error (rate limit)", body = ErrorBody)))]
async fn version() -> Json<Data<Version>> {
    data(Version {
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// 200 while the database answers, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "meta", responses(
    (status = 200, body = Health),
    (status = 503, body = Health, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    (status = "default", description = "Error (rate limit)", body = ErrorBody)))]
async fn health(State(app): State<AppState>) -> HttpResponse {
    let service = app.service.clone();
    let status = |s: &str| {
        Json(Health {
            status: s.to_owned(),
        })
    };
    match tokio::task::spawn_blocking(move || service.health()).await {
        Ok(Ok(())) => status("ok").into_response(),
        // Unavailable for now (a database restarting, say): when to look again.
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "1")],
            status("unavailable"),
        )
            .into_response(),
    }
}

/// Check a password and get a token.
#[utoipa::path(post, path = "/authenticate", tag = "auth", request_body = bodies::LoginRequest, responses(
    (status = 200, body = Data<IssuedToken>),
    (status = 401, description = "Wrong username or password, or a blocked account", body = ErrorBody),
    (status = 429, description = "Too many failed logins for this account", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds to wait"))),
    (status = "default", description = "Error", body = ErrorBody)))]
async fn authenticate(
    State(app): State<AppState>,
    client: Option<axum::Extension<limits::ClientAddr>>,
    RequestOrigin(origin): RequestOrigin,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<IssuedToken>>> {
    let client = client.map(|axum::Extension(limits::ClientAddr(ip))| ip);
    authenticate_fields(app, client, origin, f.described_by(&bodies::LOGIN))
        .await
        .map(data)
}

/// A login's fields checked and the token issued, or the reason not: for
/// `POST /authenticate` and the console's sign-in alike.
async fn authenticate_fields(
    app: AppState,
    client: Option<std::net::IpAddr>,
    origin: crate::domain::audit::Origin,
    f: crate::fields::Fields,
) -> Result<IssuedToken> {
    let start = tokio::time::Instant::now();
    let outcome = login(app, client, origin, f).await;
    // A failed login answers no sooner than FAILED_LOGIN_FLOOR after it came:
    // how long checking took must not tell an unknown user from a wrong
    // password, nor an account on a costlier (say, migrated bcrypt) hash.
    if matches!(outcome, Err(Error::AuthFailed)) {
        tokio::time::sleep_until(start + FAILED_LOGIN_FLOOR).await;
    }
    outcome
}

/// Longer than the costliest password check a stored hash may ask for
/// (`hashing::MAX_BCRYPT_COST`, some 330 ms here).
const FAILED_LOGIN_FLOOR: Duration = Duration::from_millis(500);

async fn login(
    app: AppState,
    client: Option<std::net::IpAddr>,
    origin: crate::domain::audit::Origin,
    mut f: crate::fields::Fields,
) -> Result<IssuedToken> {
    let username = f.required("username", |s| Ok::<_, String>(s.to_owned()));
    let password = f.required("password", |s| Ok::<_, String>(s.to_owned()));
    f.finish()?;
    let (Some(username), Some(password)) = (username, password) else {
        return Err(Error::internal("fields checked above"));
    };
    // No stored password is empty or longer than the limit: such a login is
    // simply wrong, like any other wrong password.
    let password = Password::parse(password).map_err(|_| Error::AuthFailed)?;
    let creds = Credentials {
        username,
        password,
        ttl_secs: None,
        client,
    };
    let anonymous = Token {
        token: None,
        origin,
    };
    match app.call(anonymous, Request::Authenticate(creds)).await? {
        Response::Token(token) => Ok(token),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Revoke the presented token.
#[utoipa::path(post, path = "/logout", tag = "auth", security(("bearer" = []), ("token_header" = [])), responses(
    (status = 200, body = Data<Revoked>),
    (status = 401, body = ErrorBody),
    (status = "default", description = "Error", body = ErrorBody)))]
async fn logout(State(app): State<AppState>, token: Token) -> Result<Json<Data<Revoked>>> {
    let Token { token, origin } = token;
    let token = token.ok_or_else(|| Error::Unauthorized("a token is required".to_owned()))?;
    app.blocking(move |service| service.logout(&service.session(&token)?, &origin))
        .await?
        .committed()
        .await?;
    Ok(data(Revoked { revoked: true }))
}

/// List users, oldest first unless sorted otherwise, a page at a time.
#[utoipa::path(get, path = "/users", tag = "users", security(("bearer" = []), ("token_header" = [])),
    params(
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page (in the same order)"),
        ("sort" = Option<String>, Query, pattern = "^-?(id|username|email)$", description = "Order: `id` (creation order; the default), `username` or `email` (without case), compared byte by byte; `-` before it reverses it"),
        ("role" = Option<crate::domain::Role>, Query),
        ("blocked" = Option<bool>, Query),
        ("search" = Option<String>, Query, description = "Text in the username, email or name"),
        ("must_change_password" = Option<bool>, Query),
        ("never_logged_in" = Option<bool>, Query),
        ("inactive_for" = Option<String>, Query, pattern = "^[1-9][0-9]{0,5}[smhdw]$", description = "Not seen for this long, e.g. `90d` (s, m, h, d or w): last login before then, or never logged in and created before then"),
        ("created_before" = Option<String>, Query, format = DateTime, description = "Created before this instant (RFC 3339)"),
        ("created_after" = Option<String>, Query, format = DateTime, description = "Created at this instant or later (RFC 3339)"),
        ("group" = Option<String>, Query, description = "Members of this group (id or name)"),
    ),
    responses(
        (status = 200, body = UserPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn list_users(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<UserPage>> {
    let query = list_query(params)?;
    match app.call(token, Request::ListUsers(query)).await? {
        Response::Page(page) => Ok(Json(UserPage {
            data: page.users,
            next_cursor: page.next_cursor,
        })),
        _ => Err(Error::internal("unexpected response")),
    }
}

fn list_query(params: Vec<(String, String)>) -> Result<ListQuery> {
    let mut query = ListQuery::default();
    let mut errors = Vec::new();
    for (key, value) in params {
        let mut bad = |m: &str| errors.push(crate::error::FieldError::new(&key, m));
        match key.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=ListQuery::MAX_LIMIT).contains(&n) => query.limit = Some(n),
                _ => bad("must be a whole number from 1 to 1000"),
            },
            "cursor" => query.cursor = Some(value),
            "sort" => match value.parse() {
                Ok(sort) => query.sort = Some(sort),
                Err(m) => bad(&m),
            },
            "role" => match value.parse::<Role>() {
                Ok(r) => query.role = Some(r),
                Err(m) => bad(&m),
            },
            "blocked" | "must_change_password" | "never_logged_in" => {
                let flag = match value.as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => {
                        bad("must be true or false");
                        None
                    }
                };
                match key.as_str() {
                    "blocked" => query.blocked = flag,
                    "must_change_password" => query.must_change_password = flag,
                    _ => query.never_logged_in = flag,
                }
            }
            "search" => query.search = Some(value),
            // A name no group could have names none: 404, as in a path.
            "group" => match crate::domain::GroupRef::parse(&value) {
                Ok(g) => query.group = Some(g),
                Err(_) => return Err(Error::NotFound(format!("group {value} not found"))),
            },
            "inactive_for" => match parse_age(&value) {
                Some(secs) => query.inactive_for = Some(secs),
                None => bad("must be a number and a unit (s, m, h, d or w), such as 90d"),
            },
            "created_before" | "created_after" => match Timestamp::parse_rfc3339(&value) {
                Ok(t) if key == "created_before" => query.created_before = Some(t),
                Ok(t) => query.created_after = Some(t),
                Err(m) => bad(&m),
            },
            _ => bad("is not a known parameter"),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(Error::fields(errors))
    }
}

/// Create a user (admin; anyone with `--allow-registration`, as a plain user).
#[utoipa::path(post, path = "/users", tag = "users", security(("bearer" = []), ("token_header" = []), ()),
    request_body = bodies::CreateUserRequest,
    responses(
        (status = 201, body = SavedUser, headers(("Location" = String, description = "The new user's URL"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Username or email taken, or a reserved username", body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn create_user(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<HttpResponse> {
    let mut f = f.described_by(&bodies::CREATE_USER);
    let new = NewUser::read(&mut f);
    f.finish()?;
    let new = new.ok_or_else(|| Error::internal("fields checked above"))?;
    match app.call(token, Request::CreateUser(new)).await? {
        Response::Saved(saved) => {
            let location = HeaderValue::from_str(&format!("/users/{}", saved.user.id))
                .map_err(Error::internal)?;
            Ok((
                StatusCode::CREATED,
                [(LOCATION, location)],
                saved_body(saved),
            )
                .into_response())
        }
        _ => Err(Error::internal("unexpected response")),
    }
}

/// One user, by id, username or email.
#[utoipa::path(get, path = "/users/{user}", tag = "users", security(("bearer" = []), ("token_header" = [])),
    params(("user" = String, Path, description = "Id, username or email")),
    responses(
        (status = 200, body = Data<User>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn get_user(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
) -> Result<Json<Data<User>>> {
    let user = user_ref(&user)?;
    match app.call(token, Request::GetUser { user }).await? {
        Response::User(user) => Ok(data(user)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Change a user (admin; or the user itself, for its email, name, password and attributes).
/// Only the fields given change (there is no `PUT`: nothing replaces a user whole).
#[utoipa::path(patch, path = "/users/{user}", tag = "users", security(("bearer" = []), ("token_header" = [])),
    params(("user" = String, Path, description = "Id, username or email")),
    request_body = bodies::UpdateUserRequest,
    responses(
        (status = 200, body = SavedUser),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn update_user(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
    JsonObject(f): JsonObject,
) -> Result<Json<SavedUser>> {
    let user = user_ref(&user)?;
    let mut f = f.described_by(&bodies::UPDATE_USER);
    let patch = UserPatch::read(&mut f);
    f.finish()?;
    match app.call(token, Request::UpdateUser { user, patch }).await? {
        Response::Saved(saved) => Ok(saved_body(saved)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Delete a user (admin, or the user itself) to the recycle bin, or with
/// `purge=true` for good; answers with the deleted record.
#[utoipa::path(delete, path = "/users/{user}", tag = "users", security(("bearer" = []), ("token_header" = [])),
    params(
        ("user" = String, Path, description = "Id, username or email"),
        ("purge" = Option<bool>, Query, description = "Delete for good, not to the recycle bin (for erasure requests)"),
    ),
    responses(
        (status = 200, body = Data<User>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn delete_user(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Data<User>>> {
    let mut purge = false;
    let mut errors = Vec::new();
    for (key, value) in params {
        match (key.as_str(), value.as_str()) {
            ("purge", "true") => purge = true,
            ("purge", "false") => purge = false,
            ("purge", _) => errors.push(FieldError::new(&key, "must be true or false")),
            _ => errors.push(FieldError::new(&key, "is not a known parameter")),
        }
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    let user = user_ref(&user)?;
    match app.call(token, Request::DeleteUser { user, purge }).await? {
        Response::User(user) => Ok(data(user)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Delete many users (admin) to the recycle bin, or with `purge` for
/// good, reporting each one's outcome.
#[utoipa::path(delete, path = "/users", tag = "users", security(("bearer" = []), ("token_header" = [])),
    request_body = bodies::DeleteUsersRequest,
    responses(
        (status = 200, body = Data<DeleteManyReport>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn delete_users(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<DeleteManyReport>>> {
    let mut f = f.described_by(&bodies::DELETE_USERS);
    let users = f.array_of_strings("users");
    let dry_run = f.bool("dry_run").unwrap_or(false);
    let purge = f.bool("purge").unwrap_or(false);
    if users.as_ref().is_some_and(Vec::is_empty) {
        f.invalid("users", "must name at least one user");
    }
    if users.as_ref().is_some_and(|u| u.len() > 10_000) {
        f.invalid("users", "must name at most 10000 users a request");
    }
    f.finish()?;
    let users = users.unwrap_or_default();
    match app
        .call(
            token,
            Request::DeleteMany(DeleteMany {
                users,
                dry_run,
                purge,
            }),
        )
        .await?
    {
        Response::DeleteMany(report) => Ok(data(report)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// List the recycle bin (admin): deleted users still kept, in id order, a
/// page at a time; the filters are `GET /users`'.
#[utoipa::path(get, path = "/recycle-bin", tag = "recycle bin", security(("bearer" = []), ("token_header" = [])),
    params(
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("cursor" = Option<uuid::Uuid>, Query, description = "`next_cursor` of the previous page"),
        ("role" = Option<crate::domain::Role>, Query),
        ("blocked" = Option<bool>, Query),
        ("search" = Option<String>, Query, description = "Text in the username, email or name"),
        ("must_change_password" = Option<bool>, Query),
        ("never_logged_in" = Option<bool>, Query),
        ("inactive_for" = Option<String>, Query, pattern = "^[1-9][0-9]{0,5}[smhdw]$", description = "Not seen for this long, e.g. `90d` (s, m, h, d or w)"),
        ("created_before" = Option<String>, Query, format = DateTime, description = "Created before this instant (RFC 3339)"),
        ("created_after" = Option<String>, Query, format = DateTime, description = "Created at this instant or later (RFC 3339)"),
    ),
    responses(
        (status = 200, body = DeletedUserPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn list_deleted(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<DeletedUserPage>> {
    let query = list_query(params)?;
    match app.call(token, Request::ListDeleted(query)).await? {
        Response::DeletedPage(page) => Ok(Json(DeletedUserPage {
            data: page.users,
            next_cursor: page.next_cursor,
        })),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Bring a deleted user back (admin), whole: id, password, attributes and
/// timestamps; tokens from before the delete stay dead. 409 when its
/// username or email has been taken meanwhile (restore it under another
/// `username`), or when the name is one of several deleted users' (name it
/// by id).
#[utoipa::path(post, path = "/recycle-bin/{user}/restore", tag = "recycle bin", security(("bearer" = []), ("token_header" = [])),
    params(("user" = String, Path, description = "Id, username or email it had")),
    request_body(content = bodies::RestoreUserRequest, description = "May be left out"),
    responses(
        (status = 200, body = Data<User>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn restore_user(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
    request: axum::extract::Request,
) -> Result<Json<Data<User>>> {
    let user = UserRef::parse(&user)
        .map_err(|_| Error::NotFound(format!("user {user} is not in the recycle bin")))?;
    // A request without a body has no Content-Length (or a zero one) and
    // no Transfer-Encoding.
    let headers = request.headers();
    let has_body = headers.contains_key(axum::http::header::TRANSFER_ENCODING)
        || headers
            .get(axum::http::header::CONTENT_LENGTH)
            .is_some_and(|n| n != "0");
    let rename = if has_body {
        let JsonObject(f) = JsonObject::from_request(request, &()).await?;
        let mut f = f.described_by(&bodies::RESTORE_USER);
        let rename = f.string("username", crate::domain::Username::parse);
        f.finish()?;
        rename
    } else {
        None
    };
    match app
        .call(token, Request::RestoreUser { user, rename })
        .await?
    {
        Response::User(user) => Ok(data(user)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Bring many deleted users back (admin), reporting each one's outcome.
#[utoipa::path(post, path = "/recycle-bin/restore", tag = "recycle bin", security(("bearer" = []), ("token_header" = [])),
    request_body = bodies::RestoreUsersRequest,
    responses(
        (status = 200, body = Data<RestoreReport>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn restore_users(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<RestoreReport>>> {
    let mut f = f.described_by(&bodies::RESTORE_USERS);
    let users = f.array_of_strings("users");
    if users.as_ref().is_some_and(Vec::is_empty) {
        f.invalid("users", "must name at least one user");
    }
    if users.as_ref().is_some_and(|u| u.len() > 10_000) {
        f.invalid("users", "must name at most 10000 users a request");
    }
    f.finish()?;
    let users = users.unwrap_or_default();
    match app.call(token, Request::RestoreMany { users }).await? {
        Response::RestoreMany(report) => Ok(data(report)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Remove a deleted user from the recycle bin for good (admin): every
/// deleted user the name names.
#[utoipa::path(delete, path = "/recycle-bin/{user}", tag = "recycle bin", security(("bearer" = []), ("token_header" = [])),
    params(("user" = String, Path, description = "Id, username or email it had")),
    responses(
        (status = 200, body = Data<Purged>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn purge_user(
    State(app): State<AppState>,
    token: Token,
    UrlPath(user): UrlPath<String>,
) -> Result<Json<Data<Purged>>> {
    let user = UserRef::parse(&user)
        .map_err(|_| Error::NotFound(format!("user {user} is not in the recycle bin")))?;
    match app.call(token, Request::PurgeUser { user }).await? {
        Response::Purged(purged) => Ok(data(Purged { purged })),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Empty the recycle bin for good (admin), or with `older_than` only of
/// users deleted longer ago than that.
#[utoipa::path(delete, path = "/recycle-bin", tag = "recycle bin", security(("bearer" = []), ("token_header" = [])),
    params(("older_than" = Option<String>, Query, pattern = "^[1-9][0-9]{0,5}[smhdw]$", description = "Only users deleted longer ago than this, e.g. `7d` (s, m, h, d or w)")),
    responses(
        (status = 200, body = Data<Purged>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn empty_bin(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Data<Purged>>> {
    let mut older_than = None;
    let mut errors = Vec::new();
    for (key, value) in params {
        match key.as_str() {
            "older_than" => match parse_age(&value) {
                Some(secs) => older_than = Some(secs),
                None => errors.push(FieldError::new(
                    &key,
                    "must be a number and a unit (s, m, h, d or w), such as 7d",
                )),
            },
            _ => errors.push(FieldError::new(&key, "is not a known parameter")),
        }
    }
    if !errors.is_empty() {
        return Err(Error::fields(errors));
    }
    match app.call(token, Request::EmptyBin { older_than }).await? {
        Response::Purged(purged) => Ok(data(Purged { purged })),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// The database's settings (admin).
#[utoipa::path(get, path = "/settings", tag = "settings", security(("bearer" = []), ("token_header" = [])),
    responses(
        (status = 200, body = Data<Settings>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn settings(State(app): State<AppState>, token: Token) -> Result<Json<Data<Settings>>> {
    match app.call(token, Request::Settings).await? {
        Response::Settings(settings) => Ok(data(settings)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Change settings (admin); answers with them all.
#[utoipa::path(patch, path = "/settings", tag = "settings", security(("bearer" = []), ("token_header" = [])),
    request_body = bodies::UpdateSettingsRequest,
    responses(
        (status = 200, body = Data<Settings>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn update_settings(
    State(app): State<AppState>,
    token: Token,
    JsonObject(f): JsonObject,
) -> Result<Json<Data<Settings>>> {
    let mut f = f.described_by(&bodies::UPDATE_SETTINGS);
    let bin = f.string("bin_retention", |s| Ok::<_, String>(s.to_owned()));
    let audit = f.string("audit_retention", |s| Ok::<_, String>(s.to_owned()));
    f.finish()?;
    let asked: Vec<(&str, String)> = [("bin_retention", bin), ("audit_retention", audit)]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect();
    // Every value is checked before any is set: nothing is half-applied.
    for (name, value) in &asked {
        crate::service::parse_setting(name, value)?;
    }
    let mut requests: Vec<Request> = asked
        .into_iter()
        .map(|(name, value)| Request::SetSetting {
            name: name.to_owned(),
            value,
        })
        .collect();
    if requests.is_empty() {
        requests.push(Request::Settings);
    }
    let mut answer = None;
    for request in requests {
        let token = Token {
            token: token.token.clone(),
            origin: token.origin.clone(),
        };
        answer = Some(app.call(token, request).await?);
    }
    match answer {
        Some(Response::Settings(settings)) => Ok(data(settings)),
        _ => Err(Error::internal("unexpected response")),
    }
}

/// Read the audit trail (admin): every change and login, oldest first, a
/// page at a time.
#[utoipa::path(get, path = "/audit", tag = "audit", security(("bearer" = []), ("token_header" = [])),
    params(
        ("limit" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Page size (default 100)"),
        ("after" = Option<u64>, Query, minimum = 0, description = "`next_after` of the previous page: records numbered after it"),
        ("user" = Option<String>, Query, description = "The user changed or logging in: id, username or email (404 when no user has it)"),
        ("actor" = Option<String>, Query, min_length = 1, max_length = 300, description = "As recorded (`root@host`, `user:<id>`, `anonymous`), or a user whose token acted"),
        ("since" = Option<String>, Query, format = DateTime, description = "Made at this instant or later (RFC 3339)"),
        ("until" = Option<String>, Query, format = DateTime, description = "Made before this instant (RFC 3339)"),
        ("action" = Option<Vec<crate::domain::audit::Action>>, Query, explode, description = "Actions: repeated (`action=delete&action=purge`), or separated by commas"),
    ),
    responses(
        (status = 200, body = AuditRecordPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn audit(
    State(app): State<AppState>,
    token: Token,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<AuditRecordPage>> {
    let query = audit_query(params)?;
    match app.call(token, Request::Audit(query)).await? {
        Response::AuditPage(page) => Ok(Json(AuditRecordPage {
            data: page.records,
            next_after: page.next_after,
        })),
        _ => Err(Error::internal("unexpected response")),
    }
}

fn audit_query(params: Vec<(String, String)>) -> Result<AuditQuery> {
    let mut query = AuditQuery {
        limit: Some(100),
        ..AuditQuery::default()
    };
    let mut errors = Vec::new();
    for (key, value) in params {
        let mut bad = |m: &str| errors.push(crate::error::FieldError::new(&key, m));
        match key.as_str() {
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => query.limit = Some(n),
                _ => bad("must be a whole number from 1 to 1000"),
            },
            // A record number, as the document's int64 says.
            "after" => match value.parse::<i64>() {
                Ok(n) if n >= 0 => query.after = Some(n.unsigned_abs()),
                _ => bad("must be a record number (0 or more)"),
            },
            // A name no user could have is a user not found, as in a path.
            "user" => match UserRef::parse(&value) {
                Ok(user) => query.user = Some(user),
                Err(_) => return Err(Error::NotFound(format!("user {value} not found"))),
            },
            "actor" if !value.is_empty() && value.len() <= 300 => query.actor = Some(value),
            "actor" => bad("must be 1 to 300 characters"),
            "since" | "until" => match Timestamp::parse_rfc3339(&value) {
                Ok(t) if key == "since" => query.since = Some(t),
                Ok(t) => query.until = Some(t),
                Err(m) => bad(&m),
            },
            "action" => {
                for name in value.split(',') {
                    match name.parse::<crate::domain::audit::Action>() {
                        Ok(a) => query.actions.push(a),
                        Err(m) => {
                            bad(&m);
                            break;
                        }
                    }
                }
            }
            _ => bad("is not a known parameter"),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(Error::fields(errors))
    }
}

/// Verify the audit trail (admin): whether any record was changed, removed,
/// reordered or inserted since it was made, and the first bad one.
#[utoipa::path(get, path = "/audit/verify", tag = "audit", security(("bearer" = []), ("token_header" = [])),
    responses(
        (status = 200, description = "The verdict: `first_bad` is null when every record verifies", body = Data<Verdict>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = "default", description = "Error", body = ErrorBody)))]
async fn verify_audit(State(app): State<AppState>, token: Token) -> Result<Json<Data<Verdict>>> {
    match app.call(token, Request::VerifyAudit).await? {
        Response::Verdict(verdict) => Ok(data(verdict)),
        _ => Err(Error::internal("unexpected response")),
    }
}
