//! `usersctl serve`: the process that serves, put together. It sets up the
//! log and the allocator, opens the service, starts the runtime, the admin
//! socket and the HTTP listener, and stops them in order; the front ends it
//! wires (`http`, `socket`) know nothing of each other or of the process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::database::Database;
use crate::error::{Error, Result};
use crate::http;
pub use crate::http::HttpConfig;
use crate::service::{self, Service};

/// Everything `serve` is told, from its flags and the environment.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub db: Database,
    pub bind: SocketAddr,
    pub log_format: LogFormat,
    pub http: HttpConfig,
    pub service: service::Config,
}

/// How the server writes its log on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One line an event, for people (colour on a terminal).
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// How long a stopping server still starts password checks already asked for.
const HASHING_GRACE: Duration = Duration::from_secs(2);

/// Serves until SIGINT or SIGTERM, then stops in order: the listener, the
/// requests in flight (for a few seconds), the admin socket, the database.
pub fn run(config: ServeConfig) -> Result<()> {
    init_tracing(config.log_format);
    let ServeConfig {
        db,
        bind,
        http,
        service: config,
        ..
    } = config;
    if config.token_ttl > config.max_token_ttl {
        return Err(Error::usage(format!(
            "--token-ttl must be at most {}",
            humantime::format_duration(config.max_token_ttl)
        )));
    }
    crate::malloc::limit_arenas();
    let service = Arc::new(Service::open(&db, config)?);
    // Refuse a bad secret (short, readable by others) now, not at the first login.
    service.keys()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Service calls run on blocking threads; a bounded number of them keeps
        // memory flat under load (each thread's allocator arena stays behind).
        .max_blocking_threads(http::BLOCKING_THREADS)
        .build()
        .map_err(Error::internal)?;
    runtime.block_on(async {
        // Operator commands on the same --db directory are carried out here
        // meanwhile; the socket is ready before the server says it is
        // listening. On PostgreSQL every command uses the database itself.
        let admin = match &db {
            Database::Dir(dir) => Some((dir, crate::socket::bind(dir)?)),
            Database::Postgres(_) => None,
        };
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| Error::Internal(format!("cannot listen on {bind}: {e}")))?;
        let addr = listener.local_addr()?;
        let admin_task = admin.map(|(dir, socket)| {
            (
                dir,
                tokio::spawn(crate::socket::serve(socket, service.clone())),
            )
        });
        let shutdown = http::server::shutdown_signal()?;
        // On stdout, whatever the log filter: scripts and tests read the port here.
        println!("listening on http://{addr}");
        tracing::info!("listening on http://{addr}");
        // In the log, not on stdout: scripts read one line there.
        if let Some(path) = &http.console {
            tracing::info!("web console at http://{addr}{path}");
        }
        let app = http::router(service.clone(), &http);
        // Expired recycle-bin entries go even when nothing is deleted (the
        // sweep itself runs at most hourly across every instance).
        let sweeper = service.clone();
        let sweeps = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(600));
            loop {
                every.tick().await;
                let service = sweeper.clone();
                match tokio::task::spawn_blocking(move || service.sweep_bin()).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => {
                        tracing::info!(purged = n, "swept expired users from the recycle bin")
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "sweeping the recycle bin failed"),
                    Err(e) => tracing::warn!(error = %e, "sweeping the recycle bin failed"),
                }
            }
        });
        let stopping = service.clone();
        let shutdown = async move {
            shutdown.await;
            // Requests in flight finish, but a queue of password checks
            // (seconds of work) does not hold the stop up: what has not
            // started within HASHING_GRACE is answered 503 instead.
            tokio::spawn(async move {
                tokio::time::sleep(HASHING_GRACE).await;
                stopping.stop_hashing();
            });
        };
        http::server::run(listener, app, shutdown).await;
        sweeps.abort();
        if let Some((dir, task)) = admin_task {
            task.abort();
            let _ = std::fs::remove_file(crate::socket::socket_path(dir));
        }
        Ok::<_, Error>(())
    })?;
    // Work still running on blocking threads (a password check, say) was
    // never answered; it is not waited for beyond a moment.
    runtime.shutdown_timeout(Duration::from_secs(1));
    service.close()?;
    tracing::info!("stopped; database flushed");
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
        // The PostgreSQL driver's debug lines carry query parameters, among
        // them password hashes: never logged, whatever RUST_LOG asks.
        .add_directive(
            "tokio_postgres=info"
                .parse()
                .unwrap_or_else(|_| tracing::Level::INFO.into()),
        );
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
