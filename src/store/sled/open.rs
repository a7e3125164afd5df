//! Opening sled safely: a copy of the files before its recovery may change
//! them, put back when the open fails; a log that lost its end or a damaged
//! `conf` refused, or mended by `check --repair` with the copy kept.

use std::path::{Path, PathBuf};

use super::{Engine, OpenOptions, Repair, SEAL_KEY, seal, storage};
use crate::store::{Problem, Result, StoreError as Error};

impl Engine {
    /// Opens sled in `dir/sled`, guarding against what its recovery does to a
    /// damaged log (see `seal`): the log is copied first unless it is exactly
    /// as the last clean close left it, and put back if the open fails. A
    /// log that lost its end is refused, as is a damaged `conf`, unless the
    /// open is a repair (see `Repair`).
    pub(super) fn open(dir: &Path, options: OpenOptions) -> Result<(Engine, Recovery)> {
        let sled_dir = dir.join("sled");
        remove_unfinished_snapshots(&sled_dir);
        if let Some(backup) = seal::Backup::leftover(dir) {
            // An earlier open died halfway: start again from the files as
            // they were before it.
            backup.restore().map_err(|e| {
                Error::Unavailable(format!(
                    "cannot put back the copy of the log in {} left by an interrupted open: {e}",
                    dir.join(seal::BACKUP_DIR).display()
                ))
            })?;
        }
        let repairing = options.repair != Repair::Off;
        let conf_damaged = seal::conf_damaged(&sled_dir);
        if conf_damaged && !repairing {
            return Err(Error::Unavailable(format!(
                "cannot open database at {}: sled's settings file {} is damaged; \
                 `usersctl check --repair` writes it anew (it holds sled's settings, no users)",
                dir.display(),
                sled_dir.join("conf").display()
            )));
        }
        let sealed = seal::read(dir);
        let untouched = sealed
            .as_ref()
            .and_then(|s| s.log.as_ref())
            .is_some_and(|log| Some(log) == seal::stamp(&sled_dir).as_ref());
        let fresh = !sled_dir.join("db").exists();
        let mut recovery = Recovery {
            users: match fresh {
                true => Some(0),
                false => sealed.as_ref().and_then(|s| s.current_users(&sled_dir)),
            },
            ..Recovery::default()
        };
        let backup = if fresh || (untouched && !repairing) {
            None
        } else {
            match seal::Backup::take(dir) {
                Ok(backup) => Some(backup),
                // A repair changes the files: it never runs without a copy.
                Err(e) if repairing => {
                    return Err(Error::Unavailable(format!(
                        "cannot copy the database files before repairing them ({e}); \
                         nothing was changed"
                    )));
                }
                Err(e) => {
                    tracing::warn!(
                        "cannot copy the log before opening it ({e}); opening it without a copy"
                    );
                    None
                }
            }
        };
        let undo = |backup: Option<seal::Backup>, e: Error| -> Error {
            match backup.map(seal::Backup::restore) {
                Some(Err(restore)) => Error::Unavailable(format!(
                    "{e}; and the copy of the log taken before the open could not be put back \
                     ({restore}): it is in {}",
                    dir.join(seal::BACKUP_DIR).display()
                )),
                _ => e,
            }
        };
        if conf_damaged {
            if let Err(e) = seal::rewrite_conf(&sled_dir) {
                return Err(undo(
                    backup,
                    Error::Unavailable(format!("cannot write sled's settings file anew: {e}")),
                ));
            }
            recovery.repairs.push(Problem {
                kind: "damaged_conf".to_owned(),
                detail: "sled's settings file could not be read; it was written anew (it holds \
                         no users)"
                    .to_owned(),
            });
        }
        let opened = sled::Config::new()
            .path(&sled_dir)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::HighThroughput)
            .open()
            .and_then(|db| {
                let tree = |name: &str| db.open_tree(name);
                Ok(Engine {
                    users: tree("users")?,
                    by_username: tree("by_username")?,
                    by_email: tree("by_email")?,
                    revoked: tree("revoked_tokens")?,
                    bin: tree("bin")?,
                    audit: tree("audit")?,
                    irregular: tree("irregular")?,
                    logins: tree("logins")?,
                    groups: tree("groups")?,
                    members: tree("members")?,
                    keys: tree("keys")?,
                    head: Default::default(),
                    db,
                })
            })
            .and_then(|engine| {
                *engine.chain() = engine.settle_chain()?;
                Ok(engine)
            })
            .and_then(|engine| {
                let seal = engine.db.get(SEAL_KEY)?;
                Ok((engine, seal))
            });
        let (engine, found) = match opened {
            Ok(opened) => opened,
            Err(e) => return Err(undo(backup, open_error(dir, e))),
        };
        let found = found.map(|raw| String::from_utf8_lossy(&raw).into_owned());
        let truncated = sealed
            .as_ref()
            .is_some_and(|s| !s.accepts(found.as_deref()));
        if truncated && !repairing {
            drop(engine);
            return Err(undo(
                backup,
                Error::Unavailable(format!(
                    "the database at {} is damaged: its log ends before the end of its last clean \
                     shutdown, so the users written last are missing; restore the directory from \
                     a backup, or run `usersctl check --repair` to keep what the log still holds",
                    dir.display()
                )),
            ));
        }
        if truncated {
            recovery.repairs.push(Problem {
                kind: "truncated_log".to_owned(),
                detail: "the log ended before the end of its last clean shutdown, so the users \
                         written last are missing; what it still holds is kept"
                    .to_owned(),
            });
        }
        if !repairing {
            if let Some(backup) = backup {
                backup.discard();
            }
            return Ok((engine, recovery));
        }
        // A repair keeps what sled could read only if that is every user the
        // last clean close counted, or it is told to.
        let before = sealed.as_ref().and_then(|s| s.users);
        let after = engine.users.len() as u64;
        if let Some(before) = before.filter(|&b| after < b && options.repair != Repair::Force) {
            drop(engine);
            return Err(undo(
                backup,
                Error::Unavailable(format!(
                    "the database at {} is damaged, and repairing it would keep {after} of the \
                     {before} users it held at its last clean shutdown, so nothing was changed; \
                     restore the directory from a backup, or run `usersctl check --repair \
                     --force` to keep the {after} (a copy of the files as they are now is kept)",
                    dir.display()
                )),
            ));
        }
        let kept = match backup {
            Some(backup) => match backup.keep(&kept_name(dir)) {
                Ok(kept) => Some(kept),
                Err(e) => {
                    drop(engine);
                    let backup = seal::Backup::leftover(dir);
                    return Err(undo(
                        backup,
                        Error::Unavailable(format!(
                            "cannot keep the copy of the database files ({e}); nothing was \
                                 changed"
                        )),
                    ));
                }
            },
            None => None,
        };
        recovery.users = Some(after);
        recovery.users_before = before;
        recovery.copy = kept;
        Ok((engine, recovery))
    }
}

/// What opening the database found and mended, for `check` to report.
#[derive(Debug, Default)]
pub(super) struct Recovery {
    /// The users the database holds, when known without counting them.
    pub users: Option<u64>,
    /// A repair's: the users counted at the last clean close.
    pub users_before: Option<u64>,
    /// A repair's: where the files as they were before it are kept.
    pub copy: Option<PathBuf>,
    /// Damage mended on the way in.
    pub repairs: Vec<Problem>,
}

/// A name in `dir` for the copy a repair keeps, free and telling when it was
/// taken: `sled.before-repair-20261202T145301Z`, with `-2`, `-3`… after
/// repeats within a second.
fn kept_name(dir: &Path) -> String {
    let now = crate::domain::Timestamp::now().to_string();
    let stamp: String = now
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .take(15)
        .collect();
    let base = format!("sled.before-repair-{stamp}Z");
    (1..)
        .map(|n| match n {
            1 => base.clone(),
            n => format!("{base}-{n}"),
        })
        .find(|name| !dir.join(name).exists())
        .unwrap_or(base)
}

/// A snapshot sled was still writing when it failed (a full disk) is left as
/// `snap.*.generating`, and sled then refuses to open the database. It is
/// never needed: the finished snapshots and the log hold everything. Only
/// called while holding the directory lock, so no sled is writing one.
fn remove_unfinished_snapshots(sled_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(sled_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn open_error(dir: &Path, e: sled::Error) -> Error {
    Error::Unavailable(format!(
        "cannot open database at {}: {}",
        dir.display(),
        storage(e)
    ))
}
