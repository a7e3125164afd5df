//! What sled 0.34 cannot say for itself: whether its log still ends where it
//! ended at the last clean shutdown, and how to undo what its recovery does to
//! a damaged log.
//!
//! - **The seal.** At every clean close after a write, a fresh random value is
//!   written into the database as its very last record, and the same value
//!   into `seal` beside it. sled replays its log up to the first message it
//!   cannot read, so a log that lost any records from its end also lost the
//!   seal: at the next open the two disagree, and the store says so instead of
//!   serving a database with its last writes silently missing.
//! - **The backup.** sled's recovery cuts a damaged log short in place before
//!   it reports anything. When the log is not exactly as the last clean close
//!   left it (a crash, or a change from outside), its files are copied to
//!   `sled.backup` before sled opens them, and put back if the open fails, so a
//!   failed open leaves the files as they were.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file beside the database holding the seal.
pub const SEAL_FILE: &str = "seal";
/// Where the log is copied before a recovery; `.tmp` while being written.
pub const BACKUP_DIR: &str = "sled.backup";
pub const BACKUP_TMP: &str = "sled.backup.tmp";
/// The names of the files a backup holds, written last.
const MANIFEST: &str = "MANIFEST";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealFile {
    /// The seal written at the last clean close; `None` before the first.
    pub seal: Option<String>,
    /// A seal being written: set before it goes into the database, cleared
    /// once it is there, so a crash in between is not taken for damage.
    #[serde(default)]
    pub pending: Option<String>,
    /// The log as the last clean close left it.
    #[serde(default)]
    pub log: Option<LogStamp>,
    /// How many users the database held at the last clean close that knew
    /// (after a crash, no close knows until one that wrote counts them):
    /// what `check --repair` holds its result to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u64>,
    /// The log `users` was counted in: the count is current while the log
    /// is still this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_log: Option<LogStamp>,
}

impl SealFile {
    /// The users the database holds, if the count is of the log in
    /// `sled_dir` as it is now.
    pub fn current_users(&self, sled_dir: &Path) -> Option<u64> {
        let log = self.users_log.as_ref()?;
        (Some(log) == stamp(sled_dir).as_ref()).then_some(self.users?)
    }
}

impl SealFile {
    /// Whether `found` (the seal read from the database) is one this file
    /// vouches for.
    pub fn accepts(&self, found: Option<&str>) -> bool {
        found == self.seal.as_deref()
            || (self.pending.is_some() && found == self.pending.as_deref())
    }
}

/// Enough of the log's metadata to tell that nobody has written to it: its
/// change time cannot be set back from user space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStamp {
    len: u64,
    ino: u64,
    ctime: i64,
    ctime_nsec: i64,
}

/// The stamp of the log in `sled_dir`, if there is one.
pub fn stamp(sled_dir: &Path) -> Option<LogStamp> {
    let meta = fs::metadata(sled_dir.join("db")).ok()?;
    Some(LogStamp {
        len: meta.len(),
        ino: meta.ino(),
        ctime: meta.ctime(),
        ctime_nsec: meta.ctime_nsec(),
    })
}

/// The seal file of the database in `dir`; `None` if there is none (a
/// database from before seals, or one never closed cleanly) or it is
/// unreadable, which only costs a backup at open.
pub fn read(dir: &Path) -> Option<SealFile> {
    let raw = fs::read(dir.join(SEAL_FILE)).ok()?;
    serde_json::from_slice(&raw).ok()
}

/// Replaces the seal file; with `durable`, it is on disk before this returns.
pub fn write(dir: &Path, seal: &SealFile, durable: bool) -> io::Result<()> {
    let tmp = dir.join(".seal.tmp");
    let mut file = File::create(&tmp)?;
    file.write_all(&serde_json::to_vec(seal).map_err(io::Error::other)?)?;
    if durable {
        file.sync_all()?;
    }
    fs::rename(&tmp, dir.join(SEAL_FILE))?;
    if durable {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A fresh seal value.
pub fn fresh() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// What sled 0.34 writes to `sled/conf` for the settings this store opens it
/// with (the default segment size, no compression), its checksum last. The
/// file holds no users: a damaged one, which sled reads as "a database
/// created by a sled version earlier than 0.29" or refuses as corrupt, is
/// written anew by `check --repair`.
pub const CONF: &[u8] =
    b"segment_size: 524288\nuse_compression: false\nversion: 0.34\n\x76\x19\x51\xc1";

/// Whether `sled_dir/conf` is there and is not what sled writes for us. One
/// missing or of 8 bytes or fewer sled writes afresh by itself.
pub fn conf_damaged(sled_dir: &Path) -> bool {
    fs::read(sled_dir.join("conf")).is_ok_and(|conf| conf.len() > 8 && conf != CONF)
}

/// Replaces `sled_dir/conf` with the one sled writes for us, durably.
pub fn rewrite_conf(sled_dir: &Path) -> io::Result<()> {
    let tmp = sled_dir.join(".conf.tmp");
    let mut file = File::create(&tmp)?;
    file.write_all(CONF)?;
    file.sync_all()?;
    fs::rename(&tmp, sled_dir.join("conf"))?;
    File::open(sled_dir)?.sync_all()
}

/// A copy of the files of the sled directory, taken before sled opens them.
pub struct Backup {
    dir: PathBuf,
    sled: PathBuf,
}

impl Backup {
    /// Copies every file at the top of `dir/sled` (the log, its config and
    /// snapshots) to `dir/sled.backup`, durably.
    pub fn take(dir: &Path) -> io::Result<Backup> {
        let sled = dir.join("sled");
        let tmp = dir.join(BACKUP_TMP);
        let _ = fs::remove_dir_all(&tmp);
        let copied = (|| {
            fs::create_dir(&tmp)?;
            let mut names = Vec::new();
            for entry in fs::read_dir(&sled)? {
                let entry = entry?;
                if !entry.file_type()?.is_file() {
                    continue;
                }
                let name = entry.file_name().into_string().map_err(|_| {
                    io::Error::other("a file in the database directory has a non-UTF-8 name")
                })?;
                fs::copy(entry.path(), tmp.join(&name))?;
                File::open(tmp.join(&name))?.sync_all()?;
                names.push(name);
            }
            let mut manifest = File::create(tmp.join(MANIFEST))?;
            manifest.write_all(names.join("\n").as_bytes())?;
            manifest.sync_all()?;
            File::open(&tmp)?.sync_all()?;
            fs::rename(&tmp, dir.join(BACKUP_DIR))?;
            File::open(dir)?.sync_all()
        })();
        if let Err(e) = copied {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
        Ok(Backup {
            dir: dir.join(BACKUP_DIR),
            sled,
        })
    }

    /// A backup left behind by an open that never finished (the process
    /// died in it): the files as they were before that open.
    pub fn leftover(dir: &Path) -> Option<Backup> {
        let _ = fs::remove_dir_all(dir.join(BACKUP_TMP));
        let backup = dir.join(BACKUP_DIR);
        backup.join(MANIFEST).is_file().then(|| Backup {
            dir: backup,
            sled: dir.join("sled"),
        })
    }

    /// Puts the copied files back, and removes any file sled made since.
    /// Safe to repeat if interrupted: the manifest goes last.
    pub fn restore(self) -> io::Result<()> {
        let manifest = fs::read_to_string(self.dir.join(MANIFEST))?;
        let names: Vec<&str> = manifest.lines().filter(|n| !n.is_empty()).collect();
        for entry in fs::read_dir(&self.sled)? {
            let entry = entry?;
            let name = entry.file_name();
            if entry.file_type()?.is_file() && !names.iter().any(|n| **n == *name) {
                fs::remove_file(entry.path())?;
            }
        }
        for name in &names {
            let copy = self.dir.join(name);
            if copy.exists() {
                fs::rename(&copy, self.sled.join(name))?;
            }
        }
        File::open(&self.sled)?.sync_all()?;
        self.discard();
        Ok(())
    }

    /// Keeps the copy under `name` beside the database, as the files were
    /// before the open, and returns where it is.
    pub fn keep(self, name: &str) -> io::Result<PathBuf> {
        let parent = self.dir.parent().unwrap_or(Path::new("."));
        let kept = parent.join(name);
        // Renamed first: until it is, an interrupted open still finds the
        // copy (by its manifest) and puts it back.
        fs::rename(&self.dir, &kept)?;
        File::open(parent)?.sync_all()?;
        let _ = fs::remove_file(kept.join(MANIFEST));
        Ok(kept)
    }

    /// The open succeeded: the copy is not needed.
    pub fn discard(self) {
        let _ = fs::remove_file(self.dir.join(MANIFEST));
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_file_accepts_its_seal_and_a_pending_one_only() {
        let file = SealFile {
            seal: Some("a".into()),
            pending: Some("b".into()),
            ..SealFile::default()
        };
        assert!(file.accepts(Some("a")));
        assert!(file.accepts(Some("b")));
        assert!(!file.accepts(Some("c")));
        assert!(!file.accepts(None));
        let first = SealFile {
            seal: None,
            pending: Some("b".into()),
            ..SealFile::default()
        };
        assert!(first.accepts(None));
        assert!(first.accepts(Some("b")));
        let sealed = SealFile {
            seal: Some("a".into()),
            ..SealFile::default()
        };
        assert!(!sealed.accepts(None));
    }

    #[test]
    fn the_conf_is_what_sled_writes_for_our_settings() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        drop(db);
        assert_eq!(fs::read(dir.path().join("conf")).unwrap(), CONF);
        assert!(!conf_damaged(dir.path()));
        let mut flipped = CONF.to_vec();
        flipped[3] ^= 0x80;
        fs::write(dir.path().join("conf"), &flipped).unwrap();
        assert!(conf_damaged(dir.path()));
        rewrite_conf(dir.path()).unwrap();
        assert!(!conf_damaged(dir.path()));
        // sled's flusher thread lets go of the first open's file lock a
        // moment after the drop (CI once saw WouldBlock): wait for it, then
        // the rewritten settings must open.
        let mut opened = sled::Config::new().path(dir.path()).open();
        for _ in 0..100 {
            match &opened {
                Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    opened = sled::Config::new().path(dir.path()).open();
                }
                _ => break,
            }
        }
        opened.unwrap();
    }

    #[test]
    fn a_kept_backup_is_moved_aside_and_never_restored() {
        let dir = tempfile::tempdir().unwrap();
        let sled = dir.path().join("sled");
        fs::create_dir(&sled).unwrap();
        fs::write(sled.join("db"), b"original log").unwrap();
        let kept = Backup::take(dir.path()).unwrap().keep("sled.kept").unwrap();
        assert_eq!(kept, dir.path().join("sled.kept"));
        assert_eq!(fs::read(kept.join("db")).unwrap(), b"original log");
        assert!(!kept.join(MANIFEST).exists());
        assert!(Backup::leftover(dir.path()).is_none());
    }

    #[test]
    fn a_restored_backup_undoes_changes_and_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let sled = dir.path().join("sled");
        fs::create_dir(&sled).unwrap();
        fs::write(sled.join("db"), b"original log").unwrap();
        fs::write(sled.join("conf"), b"conf").unwrap();
        let backup = Backup::take(dir.path()).unwrap();
        fs::write(sled.join("db"), b"cut").unwrap();
        fs::write(sled.join("snap.0001"), b"new").unwrap();
        // An interrupted open leaves the backup behind; it is found again.
        drop(backup);
        let backup = Backup::leftover(dir.path()).expect("the backup is found");
        backup.restore().unwrap();
        assert_eq!(fs::read(sled.join("db")).unwrap(), b"original log");
        assert_eq!(fs::read(sled.join("conf")).unwrap(), b"conf");
        assert!(!sled.join("snap.0001").exists());
        assert!(Backup::leftover(dir.path()).is_none());
        assert!(!dir.path().join(BACKUP_DIR).exists());
    }
}
