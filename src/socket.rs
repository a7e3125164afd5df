//! The admin socket: while `usersctl serve` holds the database, operator
//! commands on the same `--db` are carried out by the server. The socket lives
//! in the database directory (mode 0600 in a 0700 directory), and only peers
//! with the server's own uid are served (SO_PEERCRED). The wire format is the
//! operations of `ops` as newline-delimited JSON, with a version field.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::error::{Error, Result};
use crate::ops::{Request, Response};
use crate::service::{Actor, Service};

pub const SOCKET_FILE: &str = "usersctl.sock";
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest request line accepted (a bulk delete of ~1M names fits).
const MAX_LINE: u64 = 64 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct WireRequest {
    pub version: u32,
    pub request: Request,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WireResponse {
    pub version: u32,
    pub result: std::result::Result<Response, Error>,
}

pub fn socket_path(db: &Path) -> PathBuf {
    db.join(SOCKET_FILE)
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
    let listener = UnixListener::bind(&path)
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
    let mut lines = AsyncBufReader::new(tokio::io::AsyncReadExt::take(read, MAX_LINE));
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let start = std::time::Instant::now();
        let (op, result) = match serde_json::from_str::<WireRequest>(&line) {
            Ok(wire) if wire.version == PROTOCOL_VERSION => {
                let op = op_name(&wire.request);
                let service = service.clone();
                let result = tokio::task::spawn_blocking(move || {
                    service.execute(&Actor::Operator, wire.request)
                })
                .await
                .unwrap_or_else(|e| Err(Error::internal(e)));
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
            return;
        }
    }
}

fn op_name(request: &Request) -> &'static str {
    match request {
        Request::GetUser { .. } => "get_user",
        Request::CreateUser(_) => "create_user",
        Request::UpdateUser { .. } => "update_user",
        Request::DeleteUser { .. } => "delete_user",
        Request::ListUsers(_) => "list_users",
        Request::DeleteMany(_) => "delete_many",
        Request::Authenticate(_) => "authenticate",
        Request::Import(_) => "import",
        Request::Export { .. } => "export",
        Request::Check { .. } => "check",
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
        let Ok(stream) = StdUnixStream::connect(&path) else {
            return Ok(None); // left behind by a server that is gone
        };
        let writer = stream.try_clone()?;
        Ok(Some(Client {
            reader: BufReader::new(stream),
            writer,
        }))
    }

    /// Sends one operation and waits for its outcome.
    pub fn call(&mut self, request: Request) -> Result<Response> {
        let wire = WireRequest {
            version: PROTOCOL_VERSION,
            request,
        };
        let mut bytes = serde_json::to_vec(&wire).map_err(Error::internal)?;
        bytes.push(b'\n');
        let lost = |e: std::io::Error| {
            Error::Unavailable(format!("lost the connection to the server: {e}"))
        };
        self.writer.write_all(&bytes).map_err(lost)?;
        let mut line = String::new();
        if self.reader.read_line(&mut line).map_err(lost)? == 0 {
            return Err(Error::Unavailable(
                "the server closed the admin socket without answering".to_owned(),
            ));
        }
        let reply: WireResponse = serde_json::from_str(&line)
            .map_err(|e| Error::internal(format!("unreadable answer from the server: {e}")))?;
        reply.result
    }
}
