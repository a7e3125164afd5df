//! What every module of the suite shares: the binary under test, one
//! policy for the environment it runs in, and servers started on
//! 127.0.0.1:0 and stopped when dropped, and their answers read off the
//! wire.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_usersctl"))
}

/// The variables usersctl reads besides its own `USERSCTL_*`: the log
/// filter, colour, and the width a table is fitted to.
const READ_FROM_THE_HOST: [&str; 3] = ["RUST_LOG", "NO_COLOR", "COLUMNS"];

/// Takes out of `cmd`'s environment everything usersctl reads, so that the
/// host running the tests cannot leak into one; a test sets what it means
/// to test.
pub fn clean_env(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("USERSCTL_") {
            cmd.env_remove(&key);
        }
    }
    for key in READ_FROM_THE_HOST {
        cmd.env_remove(key);
    }
    cmd
}

/// The binary, in a clean environment.
pub fn usersctl() -> Command {
    let mut cmd = Command::new(bin());
    clean_env(&mut cmd);
    cmd
}

/// A child process stopped when dropped: SIGTERM, then SIGKILL if it lingers.
pub struct Process {
    pub child: Child,
    pub exited: Option<ExitStatus>,
}

impl Process {
    pub fn new(child: Child) -> Process {
        Process {
            child,
            exited: None,
        }
    }

    /// Sends `signal` (`-TERM`, `-KILL`, `-STOP`…) with kill(1), as a person
    /// or a service manager would.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} failed");
    }

    /// SIGTERM, if it still runs.
    pub fn terminate(&self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// Whether it still runs.
    pub fn is_running(&mut self) -> bool {
        self.exited.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while self.exited.is_none() && start.elapsed() < limit {
            self.exited = self.child.try_wait().expect("the child can be waited for");
            if self.exited.is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.exited
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.exited.is_some() || matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        self.terminate();
        if self.wait_for_exit(Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `cmd`, a `usersctl … serve …`, with its log (stderr) in `log`.
/// Answers with the process and its first line on stdout, which names the
/// address it listens on (empty if it never says); the rest of stdout is
/// drained, and the pipe kept open, until it exits.
pub fn spawn_server(mut cmd: Command, log: &Path) -> (Process, mpsc::Receiver<String>) {
    let log_file = std::fs::File::create(log).expect("a log file");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .expect("usersctl serve starts");
    let stdout = child.stdout.take().expect("a stdout pipe");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = tx.send(first);
        for _ in lines {}
    });
    (Process::new(child), rx)
}

/// The address a server just spawned listens on; a panic showing its log
/// if it does not say within 20 s.
pub fn listening_on(first_line: &mpsc::Receiver<String>, log: &Path) -> SocketAddr {
    let first = first_line
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_default();
    let Some(addr) = first.strip_prefix("listening on http://") else {
        panic!(
            "the server did not say where it listens (first line {first:?})\nlog:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
    };
    addr.trim().parse().expect("a socket address")
}

/// An HTTP answer as read off the wire.
#[derive(Debug, Clone)]
pub struct Reply {
    /// What was asked, for messages.
    pub what: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body, which must be JSON and say so.
    #[track_caller]
    pub fn json(&self) -> Value {
        let ct = self.header("content-type").unwrap_or_default();
        assert!(
            ct.starts_with("application/json"),
            "not JSON (content-type {ct:?}):\n{self}"
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}):\n{self}"))
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} -> {}", self.what, self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        write!(f, "\n{}", self.text())
    }
}

/// Writes `request` (which should ask for `Connection: close`) on a fresh
/// connection and reads the whole answer. A server may answer (413, say)
/// and close before reading all of a body; the answer is still read.
pub fn exchange(addr: SocketAddr, request: &[u8], what: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let _ = stream.write_all(request);
    read_reply(what, &mut stream)
}

/// Reads an answer to its end (the server closes the connection).
pub fn read_reply(what: &str, stream: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    if let Err(e) = stream.read_to_end(&mut bytes)
        && bytes.is_empty()
    {
        panic!("{what}: no answer: {e}");
    }
    parse_reply(what, &bytes)
}

/// An answer as the bytes of it read off the wire.
pub fn parse_reply(what: &str, bytes: &[u8]) -> Reply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "{what}: not an HTTP answer: {:?}",
                String::from_utf8_lossy(bytes)
            )
        });
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no status line: {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        what: what.to_owned(),
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Waits until a server just started on `db` has its admin socket in place
/// and owner-only; a panic showing its log if it exits first or takes longer
/// than `patience`.
pub fn wait_for_admin_socket(process: &mut Process, db: &Path, log: &Path, patience: Duration) {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let socket = db.join("usersctl.sock");
    let ready = || {
        std::fs::symlink_metadata(&socket)
            .is_ok_and(|m| m.file_type().is_socket() && m.permissions().mode() & 0o777 == 0o600)
    };
    let until = Instant::now() + patience;
    while !ready() {
        let log = || std::fs::read_to_string(log).unwrap_or_default();
        if let Some(status) = process.wait_for_exit(Duration::ZERO) {
            panic!(
                "the server exited ({status:?}) before its admin socket was ready\nlog:\n{}",
                log()
            );
        }
        assert!(
            Instant::now() < until,
            "no admin socket at {}\nlog:\n{}",
            socket.display(),
            log()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What a stream of a command's output must hold.
pub enum Expect {
    Exact(String),
    /// Each of these substrings, in any order; an empty list accepts anything.
    Has(Vec<String>),
}

impl Expect {
    pub fn has(&mut self, part: &str) {
        match self {
            Expect::Has(parts) => parts.push(part.to_owned()),
            Expect::Exact(_) => *self = Expect::Has(vec![part.to_owned()]),
        }
    }

    pub fn check(&self, stream: &str, actual: &str, context: &dyn Fn() -> String) {
        match self {
            Expect::Exact(expected) if expected != actual => panic!(
                "{stream} differs\nexpected:\n{expected}\nactual:\n{actual}\n{}",
                context()
            ),
            Expect::Has(parts) => {
                for part in parts {
                    assert!(
                        actual.contains(part.as_str()),
                        "{stream} lacks {part:?}\n{}",
                        context()
                    );
                }
            }
            Expect::Exact(_) => {}
        }
    }
}
