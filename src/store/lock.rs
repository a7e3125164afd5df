//! An advisory lock on the database directory, taken before sled opens it, so a
//! second process learns at once — and by name — who holds the database.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::error::{Error, Result};

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
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                Err(Error::Unavailable(locked_message(dir, pid.trim())))
            }
            Err(TryLockError::Error(e)) => Err(Error::Unavailable(format!(
                "cannot lock database at {}: {e}",
                dir.display()
            ))),
        }
    }
}

fn locked_message(dir: &Path, pid: &str) -> String {
    let holder = pid
        .parse::<u32>()
        .ok()
        .map(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|raw| {
                    raw.split(|&b| b == 0)
                        .filter(|part| !part.is_empty())
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            if cmdline.is_empty() {
                format!("process {pid}")
            } else {
                format!("process {pid} ({cmdline})")
            }
        })
        .unwrap_or_else(|| "another process".to_owned());
    format!(
        "database at {} is locked by {holder}; stop it, or run this command where that server can answer it",
        dir.display()
    )
}
