//! `users export`: every user with its hash, to stdout or a file of the
//! operator's alone.

use std::io::{self, IsTerminal, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use super::backend::Backend;
use super::{emit, unexpected};
use crate::domain::ExportLine;
use crate::error::{Error, Result};
use crate::ops::{Request, Response};
use crate::output::Printer;
use crate::service::Service;

/// Users per import transaction, and per export page.
pub(super) const TRANSFER_BATCH: usize = 1000;

/// Where an export goes: stdout, or `--to FILE`, made anew, owner-only and
/// never through a symbolic link (the hashes must not land in a file someone
/// else set up); with `--force` an existing file of the caller's own is
/// replaced.
pub(super) fn export_sink(
    args: &crate::cli::ExportArgs,
    printer: &Printer,
) -> Result<Box<dyn Write>> {
    use std::os::unix::fs::MetadataExt;
    let Some(path) = args.to.as_deref() else {
        if io::stdout().is_terminal() && !printer.quiet {
            crate::warn(
                "the export holds password hashes; redirect it to a file (or use --to FILE)",
            );
        }
        return Ok(Box::new(io::stdout().lock()));
    };
    let cannot = |e: io::Error| {
        let shown = path.display();
        Error::usage(match e.raw_os_error() {
            Some(libc::ELOOP) => format!("refusing to write {shown}: it is a symbolic link"),
            Some(libc::EEXIST) => format!(
                "refusing to write {shown}: it exists (--force replaces a file of your own)"
            ),
            _ => format!("cannot write {shown}: {e}"),
        })
    };
    let mut options = std::fs::OpenOptions::new();
    options
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    if !args.force {
        let file = options.create_new(true).open(path).map_err(cannot)?;
        return Ok(Box::new(file));
    }
    let file = options.create(true).open(path).map_err(cannot)?;
    let meta = file.metadata()?;
    let me = rustix::process::geteuid().as_raw();
    if !meta.is_file() || meta.uid() != me {
        return Err(Error::usage(format!(
            "refusing to write {}: it is not a plain file of your own (uid {}, yours {me})",
            path.display(),
            meta.uid()
        )));
    }
    // Emptied only once it is known to be ours; and owner-only, whatever it was.
    file.set_len(0)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(Box::new(file))
}

/// Writes every user to `sink`; returns how many.
pub(super) fn export(backend: &Backend, sink: Box<dyn Write>) -> Result<usize> {
    let mut out = io::BufWriter::with_capacity(1 << 16, sink);
    let exported = match backend {
        Backend::Local(service) => export_local(service, &mut out),
        Backend::Remote { .. } => export_pages(backend, &mut out),
    };
    let count = match exported {
        Ok(count) => count,
        Err(Stop::Write(e)) => return emit(Err(e)).map(|()| 0),
        Err(Stop::Failed(e)) => return Err(e),
    };
    emit(out.flush())?;
    Ok(count)
}

/// Why an export ended early: its output could not be written, or a user could
/// not be read.
pub(super) enum Stop {
    Write(io::Error),
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

/// The lines written straight from the stored records, a batch at a time.
pub(super) fn export_local(service: &Service, out: &mut impl Write) -> Result<usize, Stop> {
    let mut write_error = None;
    let exported = service.export_lines(TRANSFER_BATCH as u64, &mut |lines| {
        let written = out.write_all(lines);
        lines.clear();
        written.map_err(|e| {
            write_error = Some(e);
            Error::internal("the export could not be written")
        })
    });
    match (exported, write_error) {
        (_, Some(e)) => Err(Stop::Write(e)),
        (Ok(count), None) => Ok(count as usize),
        (Err(e), None) => Err(Stop::Failed(e)),
    }
}

/// The lines of the users a server sends, a page at a time.
pub(super) fn export_pages(backend: &Backend, out: &mut impl Write) -> Result<usize, Stop> {
    let mut after = None;
    let mut count = 0usize;
    loop {
        let page = match backend.call(Request::Export {
            after,
            limit: TRANSFER_BATCH,
        })? {
            Response::Exported(page) => page,
            other => return Err(unexpected(&other).into()),
        };
        for exported in &page {
            let account = &exported.account;
            let line = ExportLine {
                user: &account.user,
                password_hash: &account.password_hash,
                groups: &exported.groups,
            };
            serde_json::to_writer(&mut *out, &line)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(Stop::Write)?;
        }
        count += page.len();
        match page.last() {
            Some(last) if page.len() == TRANSFER_BATCH => after = Some(last.account.user.id),
            _ => return Ok(count),
        }
    }
}
