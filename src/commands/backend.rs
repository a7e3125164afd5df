//! Where a command's operation is carried out: on the database directly,
//! or by the server holding it, over its admin socket.

use std::time::{Duration, Instant};

use super::unexpected;
use crate::database::Database;
use crate::domain::audit::Origin;
use crate::error::{Error, Result};
use crate::ops::{DeleteMany, DeleteManyReport, ImportEnd, Request, Response};
use crate::service::{self, Actor, ImportRun, Service};
use crate::socket;
use crate::transfer::ImportUser;

/// Where operations are carried out: on the database directly, or — while a
/// server holds it — by that server, over its admin socket. Either way the
/// command's output and exit code are the same.
pub(super) enum Backend {
    Local(Box<Service>),
    /// The server applies its own configuration; `caller` is the command's,
    /// applied here too where the two could differ (the stricter wins).
    Remote {
        client: std::cell::RefCell<socket::Client>,
        caller: Box<service::Config>,
    },
}

impl Backend {
    /// Opens the database, or finds the server holding it. Held by another
    /// command, it is tried again until `wait` has passed.
    pub(super) fn open(db: &Database, config: service::Config, wait: Duration) -> Result<Backend> {
        // Any number of processes share a PostgreSQL database: no lock to
        // wait for, no server to ask.
        let Database::Dir(dir) = db else {
            return Ok(Backend::Local(Box::new(Service::open(db, config)?)));
        };
        let deadline = Instant::now() + wait;
        loop {
            match Service::open(db, config.clone()) {
                Ok(service) => return Ok(Backend::Local(Box::new(service))),
                Err(Error::Locked(why)) => {
                    match socket::Client::connect(dir).map_err(|e| match e {
                        // A server that holds the database and does not answer:
                        // the lock's message names the process.
                        Error::Locked(hung) => Error::Locked(format!("{why} ({hung})")),
                        other => other,
                    })? {
                        Some(client) => {
                            return Ok(Backend::Remote {
                                client: std::cell::RefCell::new(client),
                                caller: Box::new(config),
                            });
                        }
                        None if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        None if wait.is_zero() => return Err(Error::Locked(why)),
                        None => {
                            return Err(Error::Locked(format!(
                                "{why} (waited {}; --wait or USERSCTL_WAIT sets how long)",
                                humantime::format_duration(wait)
                            )));
                        }
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub(super) fn call(&self, request: Request) -> Result<Response> {
        match self {
            Backend::Local(service) => service
                .execute(&Actor::Operator, &Origin::command(), request)?
                .wait(),
            Backend::Remote { client, .. } => client.borrow_mut().call(request),
        }
    }

    /// `call` for bulk work that stops after the batch in hand on Ctrl-C.
    pub(super) fn call_until_interrupted(&self, request: Request) -> Result<Response> {
        let stop = &crate::interrupt::stop_requested;
        match self {
            Backend::Local(service) => service
                .execute_until(&Actor::Operator, &Origin::command(), request, stop)?
                .wait(),
            Backend::Remote { client, .. } => client.borrow_mut().call_until(request, stop),
        }
    }

    /// Begins an import, carried out here or by the server holding the
    /// database (see `service::ImportRun`).
    pub(super) fn import_begin(&self, atomic: bool) -> Result<Importing> {
        match self {
            Backend::Local(_) => Ok(Importing::Here(ImportRun::new(atomic, Origin::command()))),
            Backend::Remote { .. } => match self.call(Request::ImportBegin { atomic })? {
                Response::ImportBegun => Ok(Importing::There),
                other => Err(unexpected(&other)),
            },
        }
    }

    /// Stores a batch of the import; one outcome per user, in order.
    pub(super) fn import(
        &self,
        importing: &mut Importing,
        users: Vec<ImportUser>,
    ) -> Result<Vec<Result<uuid::Uuid>>> {
        match (self, importing) {
            (Backend::Local(service), Importing::Here(run)) => run.store(service, users),
            (Backend::Remote { caller, .. }, Importing::There) => {
                // What the command's own policy refuses is not sent at all.
                let mut outcomes: Vec<Option<Result<uuid::Uuid>>> = Vec::with_capacity(users.len());
                let mut sent = Vec::with_capacity(users.len());
                for user in users {
                    match refused_by(caller, &user) {
                        Some(e) => outcomes.push(Some(Err(e))),
                        None => {
                            outcomes.push(None);
                            sent.push(user);
                        }
                    }
                }
                let mut answers = if sent.is_empty() {
                    Vec::new()
                } else {
                    match self.call(Request::Import { users: sent })? {
                        Response::Imported(answers) => answers,
                        other => return Err(unexpected(&other)),
                    }
                }
                .into_iter();
                outcomes
                    .into_iter()
                    .map(|outcome| {
                        outcome.or_else(|| answers.next()).ok_or_else(|| {
                            Error::internal("the server answered for fewer users than were sent")
                        })
                    })
                    .collect()
            }
            _ => Err(Error::internal("an import begun elsewhere")),
        }
    }

    /// Ends the import, durably: `whole` when every line was read and the
    /// command refused none itself.
    pub(super) fn import_end(&self, importing: Importing, whole: bool) -> Result<ImportEnd> {
        match (self, importing) {
            (Backend::Local(service), Importing::Here(run)) => run.finish(service, whole),
            (Backend::Remote { .. }, Importing::There) => {
                match self.call(Request::ImportEnd { whole })? {
                    Response::ImportEnded(end) => Ok(end),
                    other => Err(unexpected(&other)),
                }
            }
            _ => Err(Error::internal("an import begun elsewhere")),
        }
    }

    /// A bulk delete; done locally, it reports progress as it goes.
    pub(super) fn delete_many(
        &self,
        request: DeleteMany,
        progress: &dyn Fn(u64),
    ) -> Result<DeleteManyReport> {
        match self {
            Backend::Local(service) => service
                .delete_many(
                    &request,
                    &Origin::command(),
                    progress,
                    &crate::interrupt::stop_requested,
                )?
                .wait(),
            Backend::Remote { client, .. } => match client.borrow_mut().call_until(
                Request::DeleteMany(request),
                &crate::interrupt::stop_requested,
            )? {
                Response::DeleteMany(report) => Ok(report),
                other => Err(unexpected(&other)),
            },
        }
    }
}

/// An import under way: carried out by this command, or by the server.
pub(super) enum Importing {
    Here(ImportRun),
    There,
}

/// A username the caller's own configuration reserves is refused here, so a
/// running server with another list cannot let it through.
pub(super) fn check_reserved(
    caller: &service::Config,
    username: &crate::domain::Username,
) -> Result<()> {
    if caller.reserved.contains(username.as_str()) {
        return Err(Error::Conflict(format!("username {username} is reserved")));
    }
    Ok(())
}

/// What the command's own configuration refuses of an imported user.
pub(super) fn refused_by(caller: &service::Config, user: &ImportUser) -> Option<Error> {
    if let Err(e) = check_reserved(caller, &user.user.username) {
        return Some(e);
    }
    match &user.secret {
        crate::transfer::ImportSecret::Password(p) => caller
            .password_policy
            .check(p, &[user.user.username.as_str(), user.user.email.as_str()])
            .err()
            .map(|m| Error::invalid("password", m)),
        crate::transfer::ImportSecret::Hash(_) => None,
    }
}
