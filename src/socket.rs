//! The admin socket: while `usersctl serve` holds the database, operator
//! commands on the same `--db` are carried out by the server. The socket lives
//! in the database directory (mode 0600 in a 0700 directory), and only peers
//! with the server's own uid are served (SO_PEERCRED). The wire format is the
//! operations of `ops` as newline-delimited JSON, with a version field. While
//! a request runs, any line from the client (or its hanging up) asks a bulk
//! delete to stop after the batch in hand; its answer then says what was done.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::domain::audit::Origin;
use crate::error::{Error, Result};
use crate::ops::{Request, Response};
use crate::service::{Actor, ImportRun, Service};

pub use crate::layout::SOCKET_FILE;
/// 2: imports are begun and ended on the connection (`ImportRun`).
/// 3: listings select by last login, creation and password demand, and count
/// (a server that ignored the new fields would select more than asked).
/// 5: requests carry the operator's origin for the audit trail, and the
/// trail is read and verified.
pub const PROTOCOL_VERSION: u32 = 6;
/// Largest request line accepted (a bulk delete of ~1M names fits).
const MAX_LINE: u64 = 64 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct WireRequest {
    pub version: u32,
    pub request: Request,
    /// The operator's OS user and host and the command's request id, for
    /// the audit trail (the peer is checked to run as the server's user).
    #[serde(default)]
    pub origin: Option<Origin>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WireResponse {
    pub version: u32,
    pub result: std::result::Result<Response, Error>,
}

/// How long a client waits for the server's greeting before deciding that no
/// server answers.
const GREETING_TIMEOUT: Duration = Duration::from_millis(500);

/// The first line the server sends on each connection.
#[derive(Debug, Serialize, Deserialize)]
pub struct Greeting {
    pub version: u32,
    pub server: String,
}

pub fn socket_path(db: &Path) -> PathBuf {
    db.join(SOCKET_FILE)
}

/// A path to the socket short enough for `sun_path` (about 107 bytes): the
/// plain one when it fits, else the same file through `/proc/self/fd` and an
/// open handle on the database directory (which the caller keeps open).
fn addressable(db: &Path) -> Result<(PathBuf, Option<std::fs::File>)> {
    let plain = socket_path(db);
    if plain.as_os_str().len() < 100 {
        return Ok((plain, None));
    }
    let dir = std::fs::File::open(db)?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&dir);
    Ok((
        PathBuf::from(format!("/proc/self/fd/{fd}/{SOCKET_FILE}")),
        Some(dir),
    ))
}

/// Binds the admin socket, replacing any file a killed server left behind: the
/// caller holds the database lock, so no other server can be using it.
pub fn bind(db: &Path) -> Result<UnixListener> {
    let path = socket_path(db);
    match std::fs::remove_file(&path) {
        Ok(()) => tracing::info!(path = %path.display(), "replaced a stale admin socket"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Unavailable(format!(
                "cannot remove {}: {e}",
                path.display()
            )));
        }
    }
    let (address, _dir) = addressable(db)?;
    // Created owner-only from the start: no moment where another mode shows.
    let umask = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o177));
    let bound = UnixListener::bind(&address);
    rustix::process::umask(umask);
    let listener = bound
        .map_err(|e| Error::Unavailable(format!("cannot listen on {}: {e}", path.display())))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Serves operator requests on `listener` until the task is dropped.
pub async fn serve(listener: UnixListener, service: Arc<Service>) {
    let uid = rustix::process::getuid().as_raw();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "admin socket accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        match stream.peer_cred() {
            Ok(cred) if cred.uid() == uid => {}
            Ok(cred) => {
                tracing::warn!(
                    peer_uid = cred.uid(),
                    "admin socket: refused a peer with another uid"
                );
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "admin socket: cannot read peer credentials");
                continue;
            }
        }
        tokio::spawn(handle(stream, service.clone()));
    }
}

async fn handle(stream: UnixStream, service: Arc<Service>) {
    let (read, mut write) = stream.into_split();
    let greeting = Greeting {
        version: PROTOCOL_VERSION,
        server: format!("usersctl {}", env!("CARGO_PKG_VERSION")),
    };
    let Ok(mut hello) = serde_json::to_vec(&greeting) else {
        return;
    };
    hello.push(b'\n');
    if write.write_all(&hello).await.is_err() {
        return;
    }
    let mut lines = AsyncBufReader::new(tokio::io::AsyncReadExt::take(read, MAX_LINE));
    let mut line = String::new();
    // The import this connection has begun, if any.
    let mut import: Option<ImportRun> = None;
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return abandon(&service, import).await,
            Ok(_) => {}
        }
        let start = std::time::Instant::now();
        let (op, result) = match serde_json::from_str::<WireRequest>(&line) {
            Ok(wire) if wire.version == PROTOCOL_VERSION && is_import(&wire.request, &import) => {
                let op = op_name(&wire.request);
                let origin = wire.origin.unwrap_or_else(Origin::operator);
                (
                    op,
                    carry_import(&service, &mut import, wire.request, origin).await,
                )
            }
            Ok(wire) if wire.version == PROTOCOL_VERSION => {
                let op = op_name(&wire.request);
                let worker = service.clone();
                // Anything the client sends while its request runs (a line,
                // or hanging up) asks a bulk delete to stop after its batch.
                let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let stopped = stop.clone();
                let origin = wire.origin.unwrap_or_else(Origin::operator);
                let mut task = tokio::task::spawn_blocking(move || {
                    worker.execute_until(&Actor::Operator, &origin, wire.request, &|| {
                        stopped.load(std::sync::atomic::Ordering::Acquire)
                    })
                });
                let mut listening = true;
                let mut word = String::new();
                let done = loop {
                    tokio::select! {
                        done = &mut task => break done.unwrap_or_else(|e| Err(Error::internal(e))),
                        _ = lines.read_line(&mut word), if listening => {
                            stop.store(true, std::sync::atomic::Ordering::Release);
                            listening = false;
                        }
                    }
                };
                // Acknowledged only once durable.
                let result = match done {
                    Ok(durable) => durable.committed().await,
                    Err(e) => Err(e),
                };
                (op, result)
            }
            Ok(wire) => (
                "unknown",
                Err(Error::usage(format!(
                    "admin socket protocol version {} is not supported (this server speaks {PROTOCOL_VERSION}); \
                     use the usersctl binary of the running server",
                    wire.version
                ))),
            ),
            Err(e) => (
                "unknown",
                Err(Error::usage(format!("malformed admin socket request: {e}"))),
            ),
        };
        tracing::info!(
            target: "usersctl::socket",
            op, ok = result.is_ok(), latency_ms = format!("{:.2}", start.elapsed().as_secs_f64() * 1000.0),
            "operator request"
        );
        let reply = WireResponse {
            version: PROTOCOL_VERSION,
            result,
        };
        let mut bytes = serde_json::to_vec(&reply).unwrap_or_else(|e| {
            let failed = WireResponse {
                version: PROTOCOL_VERSION,
                result: Err(Error::internal(e)),
            };
            serde_json::to_vec(&failed).unwrap_or_default()
        });
        bytes.push(b'\n');
        if write.write_all(&bytes).await.is_err() {
            // Gone while its request ran: as if it had hung up before.
            return abandon(&service, import).await;
        }
    }
}

/// A command that went away mid-import (killed, say) did not end it whole:
/// an atomic one keeps nothing.
async fn abandon(service: &Arc<Service>, import: Option<ImportRun>) {
    if let Some(run) = import {
        let worker = service.clone();
        let _ = tokio::task::spawn_blocking(move || run.finish(&worker, false)).await;
    }
}

/// Whether `request` belongs to the connection's import (`ImportRun`).
fn is_import(request: &Request, import: &Option<ImportRun>) -> bool {
    match request {
        Request::ImportBegin { .. } | Request::ImportEnd { .. } => true,
        Request::Import { .. } => import.is_some(),
        _ => false,
    }
}

/// Carries out a request of the connection's import on a blocking thread.
async fn carry_import(
    service: &Arc<Service>,
    import: &mut Option<ImportRun>,
    request: Request,
    origin: Origin,
) -> Result<Response> {
    let worker = service.clone();
    match request {
        Request::ImportBegin { atomic } => {
            let earlier = import.replace(ImportRun::new(atomic, origin));
            if let Some(run) = earlier {
                // Begun again without an end: the first did not end whole.
                let _ = tokio::task::spawn_blocking(move || run.finish(&worker, false)).await;
            }
            Ok(Response::ImportBegun)
        }
        Request::Import { users } => {
            let Some(mut run) = import.take() else {
                return Err(Error::internal("no import under way"));
            };
            let (run, outcome) = tokio::task::spawn_blocking(move || {
                let outcome = run.store(&worker, users);
                (run, outcome)
            })
            .await
            .map_err(Error::internal)?;
            *import = Some(run);
            outcome.map(Response::Imported)
        }
        Request::ImportEnd { whole } => {
            let Some(run) = import.take() else {
                return Err(Error::usage("no import was begun on this connection"));
            };
            tokio::task::spawn_blocking(move || run.finish(&worker, whole))
                .await
                .map_err(Error::internal)?
                .map(Response::ImportEnded)
        }
        _ => Err(Error::internal("not a request of an import")),
    }
}

fn op_name(request: &Request) -> &'static str {
    match request {
        Request::GetUser { .. } => "get_user",
        Request::CreateUser(_) => "create_user",
        Request::UpdateUser { .. } => "update_user",
        Request::DeleteUser { .. } => "delete_user",
        Request::ListUsers(_) => "list_users",
        Request::CountUsers(_) => "count_users",
        Request::DeleteMany(_) => "delete_many",
        Request::Authenticate(_) => "authenticate",
        Request::ImportBegin { .. } => "import_begin",
        Request::Import { .. } => "import",
        Request::ImportEnd { .. } => "import_end",
        Request::Export { .. } => "export",
        Request::Check { .. } => "check",
        Request::Throttled { .. } => "throttled",
        Request::Unlock { .. } => "unlock",
        Request::ListDeleted(_) => "list_deleted",
        Request::CountDeleted(_) => "count_deleted",
        Request::RestoreUser { .. } => "restore_user",
        Request::RestoreMany { .. } => "restore_many",
        Request::PurgeUser { .. } => "purge_user",
        Request::EmptyBin { .. } => "empty_bin",
        Request::Settings => "settings",
        Request::SetSetting { .. } => "set_setting",
        Request::Audit(_) => "audit",
        Request::VerifyAudit => "verify_audit",
        Request::GetGroup { .. } => "get_group",
        Request::ListGroups(_) => "list_groups",
        Request::CreateGroup(_) => "create_group",
        Request::UpdateGroup { .. } => "update_group",
        Request::DeleteGroup { .. } => "delete_group",
        Request::ChangeMembers { .. } => "change_members",
        Request::UserGroups { .. } => "user_groups",
        Request::CreateKey(_) => "create_key",
        Request::ListKeys(_) => "list_keys",
        Request::RevokeKey { .. } => "revoke_key",
    }
}

/// A connection to a running server's admin socket.
pub struct Client {
    reader: BufReader<StdUnixStream>,
    writer: StdUnixStream,
}

impl Client {
    /// Connects to the server answering for `db`; `None` when none answers.
    /// A socket that is not ours alone (another owner, or open to others) is
    /// refused rather than trusted.
    pub fn connect(db: &Path) -> Result<Option<Client>> {
        let path = socket_path(db);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return Ok(None);
        };
        if !meta.file_type().is_socket() {
            return Ok(None);
        }
        let uid = rustix::process::getuid().as_raw();
        let mode = meta.permissions().mode() & 0o777;
        if meta.uid() != uid || mode & 0o077 != 0 {
            return Err(Error::Unavailable(format!(
                "refusing the admin socket {}: it must belong to you and be mode 600 (it is uid {}, mode {mode:o})",
                path.display(),
                meta.uid()
            )));
        }
        let (address, _dir) = addressable(db)?;
        let Ok(stream) = StdUnixStream::connect(&address) else {
            return Ok(None); // left behind by a server that is gone
        };
        // A server that holds the database but does not greet us at once is
        // hung (or stopped): say so rather than wait for ever.
        stream.set_read_timeout(Some(GREETING_TIMEOUT))?;
        let writer = stream.try_clone()?;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        let greeting = match reader.read_line(&mut line) {
            Ok(n) if n > 0 => serde_json::from_str::<Greeting>(&line).ok(),
            _ => None,
        };
        let Some(greeting) = greeting else {
            return Err(Error::Locked(format!(
                "it accepted a connection to {} but did not answer within {} ms: is it stopped or hung?",
                SOCKET_FILE,
                GREETING_TIMEOUT.as_millis()
            )));
        };
        if greeting.version != PROTOCOL_VERSION {
            return Err(Error::Unavailable(format!(
                "the server holding {} ({}) speaks admin protocol {}, this usersctl {PROTOCOL_VERSION}; \
                 use the server's own binary",
                db.display(),
                greeting.server,
                greeting.version
            )));
        }
        reader.get_ref().set_read_timeout(None)?;
        Ok(Some(Client { reader, writer }))
    }

    /// Sends one operation and waits for its outcome.
    pub fn call(&mut self, request: Request) -> Result<Response> {
        self.exchange(request, None)
    }

    /// `call`, telling the server to stop (a bulk delete, after the batch in
    /// hand) once `stop` says so; the answer then reports what was done.
    pub fn call_until(
        &mut self,
        request: Request,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Response> {
        self.exchange(request, Some(stop))
    }

    fn exchange(
        &mut self,
        request: Request,
        stop: Option<&(dyn Fn() -> bool + Sync)>,
    ) -> Result<Response> {
        let wire = WireRequest {
            version: PROTOCOL_VERSION,
            request,
            origin: Some(Origin::command()),
        };
        let mut bytes = serde_json::to_vec(&wire).map_err(Error::internal)?;
        bytes.push(b'\n');
        let lost = |e: std::io::Error| {
            Error::Unavailable(format!("lost the connection to the server: {e}"))
        };
        self.writer.write_all(&bytes).map_err(lost)?;
        let mut line = String::new();
        let answered = std::sync::atomic::AtomicBool::new(false);
        let read = std::thread::scope(|scope| {
            let mut writer = &self.writer;
            let answered = &answered;
            // Watched on a thread of its own while the answer is awaited.
            if let Some(stop) = stop {
                scope.spawn(move || {
                    while !answered.load(std::sync::atomic::Ordering::Acquire) {
                        if stop() {
                            let _ = writer.write_all(b"stop\n");
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                });
            }
            let read = self.reader.read_line(&mut line);
            answered.store(true, std::sync::atomic::Ordering::Release);
            read
        });
        if read.map_err(lost)? == 0 {
            return Err(Error::Unavailable(
                "the server closed the admin socket without answering".to_owned(),
            ));
        }
        let reply: WireResponse = serde_json::from_str(&line)
            .map_err(|e| Error::internal(format!("unreadable answer from the server: {e}")))?;
        reply.result
    }
}
