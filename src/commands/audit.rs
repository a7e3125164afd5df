//! `usersctl audit`: the trail read, oldest first (and followed), or
//! verified.

use std::io::Write;
use std::time::Duration;

use super::backend::Backend;
use super::{emit, unexpected};
use crate::cli::{AuditArgs, AuditCommand};
use crate::error::{Error, Result};
use crate::ops::{AuditQuery, Request, Response};
use crate::output::Printer;

/// How often `--follow` asks for new records.
const FOLLOW_EVERY: Duration = Duration::from_millis(500);

pub(super) fn audit(
    open: &dyn Fn() -> Result<Backend>,
    args: AuditArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    if let Some(AuditCommand::Verify) = args.command {
        return verify(&open()?, printer, out);
    }
    let mut query = AuditQuery {
        user: args.user,
        actor: args.actor,
        since: args.since,
        until: args.until,
        actions: args.actions,
        after: None,
        limit: Some(1000),
    };
    let mut shown = 0usize;
    loop {
        // Opened for each round: between rounds the embedded database is
        // let go, so that other commands can take it while this one follows.
        let backend = open()?;
        loop {
            let page = match backend.call(Request::Audit(query.clone()))? {
                Response::AuditPage(page) => page,
                other => return Err(unexpected(&other)),
            };
            if !page.records.is_empty() {
                emit(printer.audit_records(out, &page.records, shown == 0))?;
                shown += page.records.len();
            }
            if let Some(last) = page.records.last() {
                query.after = Some(last.seq);
            }
            if page.next_after.is_none() {
                break;
            }
        }
        drop(backend);
        if !args.follow {
            if shown == 0 {
                printer.note("no audit records match");
            }
            return Ok(());
        }
        out.flush()?;
        std::thread::sleep(FOLLOW_EVERY);
    }
}

fn verify(backend: &Backend, printer: &Printer, out: &mut dyn Write) -> Result<()> {
    let verdict = match backend.call(Request::VerifyAudit)? {
        Response::Verdict(verdict) => verdict,
        other => return Err(unexpected(&other)),
    };
    emit(printer.verdict(out, &verdict))?;
    match verdict.first_bad {
        None => Ok(()),
        Some(bad) => Err(Error::Unavailable(format!(
            "the audit trail fails verification at record {}: {}",
            bad.seq, bad.problem
        ))),
    }
}
