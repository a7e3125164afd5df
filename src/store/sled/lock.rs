//! An advisory lock on the database directory, taken before sled opens it, so a
//! second process learns at once — and by name — who holds the database.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::store::{Result, StoreError as Error};

pub struct DirLock {
    _file: File,
}

impl DirLock {
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join("lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => {
                // Best effort: the pid only improves the message another process prints.
                let _ = file.set_len(0);
                let _ = file.rewind();
                let _ = write!(file, "{}", std::process::id());
                Ok(DirLock { _file: file })
            }
            Err(TryLockError::WouldBlock) => {
                let mut recorded = String::new();
                let _ = file.read_to_string(&mut recorded);
                // The kernel knows the real holder; the pid in the file is only
                // the last usersctl that held the lock, and may be long gone.
                let holder = lock_holder(&path).or_else(|| {
                    recorded
                        .trim()
                        .parse()
                        .ok()
                        .filter(|pid| cmdline(*pid).contains("usersctl"))
                });
                Err(Error::Locked(locked_message(dir, holder)))
            }
            Err(TryLockError::Error(e)) => Err(Error::Unavailable(format!(
                "cannot lock database at {}: {e}",
                dir.display()
            ))),
        }
    }
}

/// The pid holding a `flock` on `path`, from `/proc/locks` (Linux).
fn lock_holder(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let dev = meta.dev();
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let wanted = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    // "1: FLOCK  ADVISORY  WRITE 12345 fd:01:1234567 0 EOF"; waiters have "->".
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [_, kind, _, _, pid, file, ..] if *kind == "FLOCK" && *file == wanted => {
                pid.parse().ok()
            }
            _ => None,
        }
    })
}

/// A process's command line, or "" when it cannot be read.
fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|&b| b == 0)
                .filter(|part| !part.is_empty())
                .map(|part| String::from_utf8_lossy(part).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn locked_message(dir: &Path, holder: Option<u32>) -> String {
    let holder = match holder {
        Some(pid) => match cmdline(pid) {
            cmd if cmd.is_empty() => format!("process {pid}"),
            cmd => format!("process {pid} ({cmd})"),
        },
        None => "another process".to_owned(),
    };
    format!(
        "database at {} is locked by {holder}, and no usersctl server answers on its admin socket",
        dir.display()
    )
}
