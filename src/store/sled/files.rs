//! The database directory as files: kept to its owner, and told apart from
//! a directory that is not a database.

use std::path::Path;

use super::seal;
use crate::store::{Result, StoreError as Error};

/// and one others may enter (what `mkdir` or systemd's `StateDirectory=`
/// make) is made owner-only, with a warning.
pub(super) fn owner_only(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let meta = std::fs::metadata(dir).map_err(|e| {
        Error::Unavailable(format!(
            "cannot read database directory {}: {e}",
            dir.display()
        ))
    })?;
    if meta.uid() != me {
        return Err(Error::Unavailable(format!(
            "database directory {} belongs to uid {}, not to you (uid {me}); run usersctl as its owner",
            dir.display(),
            meta.uid()
        )));
    }
    if let Some(was) = tighten(dir, &meta)? {
        crate::warn(&format!(
            "others could enter the database directory; made it owner-only: {} (was {was:o})",
            dir.display()
        ));
    }
    Ok(())
}

/// Makes the database's files owner-only where an older version (or a copy
/// made without care) left them open to others, with a warning. Not the
/// token secret, which is refused instead when others could read it (it may
/// have leaked), nor the server's socket, whose mode is checked before it is
/// trusted.
pub(super) fn owner_only_files(dir: &Path) -> Result<()> {
    let mut tightened = Vec::new();
    // The database's own files: two levels down (sled's blobs) is all there is.
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((at, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if depth == 0
                && (name == crate::layout::SECRET_FILE || name == crate::layout::SOCKET_FILE)
            {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if let Some(was) = tighten(&path, &meta)? {
                tightened.push(format!("{} (was {was:o})", path.display()));
            }
            if meta.is_dir() && depth < 2 {
                pending.push((path, depth + 1));
            }
        }
    }
    if !tightened.is_empty() {
        crate::warn(&format!(
            "others could read files of the database; made them owner-only: {}",
            tightened.join(", ")
        ));
    }
    Ok(())
}

/// Takes the group's and others' permissions off `path`; returns the mode it
/// had when there were any.
fn tighten(path: &Path, meta: &std::fs::Metadata) -> Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 || meta.file_type().is_symlink() {
        return Ok(None);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700)).map_err(|e| {
        Error::Unavailable(format!(
            "{} is open to others (mode {mode:o}) and cannot be made owner-only: {e}",
            path.display()
        ))
    })?;
    Ok(Some(mode))
}

/// Whether `dir` holds a database (or what an interrupted open of one left).
pub(super) fn is_database(dir: &Path) -> bool {
    let exists = |name: &str| dir.join(name).symlink_metadata().is_ok();
    exists("sled") || exists(seal::BACKUP_DIR)
}

/// Names a file in `dir` that a database of ours would not hold, if any.
pub(super) fn foreign_entry(dir: &Path) -> Option<String> {
    const OURS: [&str; 6] = [
        "lock",
        seal::SEAL_FILE,
        ".seal.tmp",
        seal::BACKUP_TMP,
        crate::layout::SOCKET_FILE,
        crate::layout::SECRET_FILE,
    ];
    let entries = std::fs::read_dir(dir).ok()?;
    entries.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        (!OURS.contains(&name.as_str())).then_some(name)
    })
}
