//! `users list` and `users delete-many`: many users at once, a page or a
//! batch at a time.

use std::io::Write;
use std::time::Duration;

use super::backend::Backend;
use super::import::progress_bar;
use super::requests::{confirm, read_names};
use super::{emit, unexpected};
use crate::cli::{DeleteManyArgs, Format, ListArgs};
use crate::error::{Error, Result};
use crate::ops::{DeleteMany, ListQuery, Request, Response};
use crate::output::Printer;

/// A table shows one page and says on stderr how to get the next. For
/// scripts (`-o name`, `-o json`) with no `--limit`, every match is written,
/// a page at a time as it is read, so memory stays flat.
pub(super) fn list(
    backend: &Backend,
    args: ListArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let every = args.limit.is_none() && printer.format != Format::Table;
    let mut query = list_query(args);
    if !every {
        let page = expect_page(backend.call(Request::ListUsers(query))?)?;
        return emit(printer.page(out, &page));
    }
    query.limit = Some(ListQuery::MAX_LIMIT);
    let mut first = true;
    loop {
        let page = expect_page(backend.call(Request::ListUsers(query.clone()))?)?;
        let last = page.next_cursor.is_none();
        emit(printer.page_part(out, &page, first, last))?;
        if last {
            return Ok(());
        }
        first = false;
        query.cursor = page.next_cursor;
    }
}

pub(super) fn expect_page(response: Response) -> Result<crate::ops::Page> {
    match response {
        Response::Page(page) => Ok(page),
        other => Err(unexpected(&other)),
    }
}

pub(super) fn list_query(args: ListArgs) -> ListQuery {
    ListQuery {
        role: args.role.map(Into::into),
        blocked: match (args.blocked, args.active) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        search: args.search,
        limit: Some(args.limit.map_or(ListQuery::DEFAULT_LIMIT, usize::from)),
        cursor: args.cursor,
    }
}

pub(super) fn delete_many(
    open: &dyn Fn() -> Result<Backend>,
    args: DeleteManyArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let from_stdin = args.from.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut users = args.users;
    if let Some(from) = &args.from {
        users.extend(read_names(from)?);
    }
    if users.is_empty() {
        return Err(Error::usage(
            "no users named: give names as arguments, or with --from FILE (- for stdin)",
        ));
    }
    if !args.yes && !args.dry_run {
        if from_stdin {
            return Err(Error::usage(
                "refusing to delete names read from stdin without --yes",
            ));
        }
        // Counted as users, not names: looked up, then the database let go
        // while the person decides.
        let found = open()?.delete_many(
            DeleteMany {
                users: users.clone(),
                dry_run: true,
            },
            &|_| {},
        )?;
        let n = found.deleted.len();
        if n > 0 {
            confirm(&format!(
                "Delete {n} user{}?",
                if n == 1 { "" } else { "s" }
            ))?;
        }
    }
    // Every name is read (a pipe from another usersctl has ended, and let the
    // database go) before the database is taken.
    let backend = open()?;
    if !args.dry_run {
        crate::interrupt::writing();
    }
    let request = DeleteMany {
        users,
        dry_run: args.dry_run,
    };
    let bar = if matches!(backend, Backend::Remote { .. }) {
        // The server does the work and says nothing until it is done.
        let bar = progress_bar(
            printer,
            request.users.len() as u64,
            "{spinner} {len} names handed to the running server",
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        progress_bar(
            printer,
            request.users.len() as u64,
            "{bar:40} {pos}/{len} users ({eta} left)",
        )
    };
    let report = backend.delete_many(request, &|done| bar.set_position(done));
    bar.finish_and_clear();
    let report = report?;
    emit(printer.delete_report(out, &report))?;
    let deleted = report.deleted.len();
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted: {} {deleted} user{} before stopping; {} name{} not handled (listed above)",
            if report.dry_run { "found" } else { "deleted" },
            if deleted == 1 { "" } else { "s" },
            report.remaining.len(),
            if report.remaining.len() == 1 {
                " was"
            } else {
                "s were"
            },
        )));
    }
    if report.not_found.is_empty() {
        return Ok(());
    }
    let rest = match (report.dry_run, deleted) {
        (true, _) => String::new(),
        (false, 0) => "; nothing was deleted".to_owned(),
        (false, n) => format!(
            "; {n} user{} deleted",
            if n == 1 { " was" } else { "s were" }
        ),
    };
    Err(Error::PartlyNotFound(format!(
        "{} of the named users {} not found{rest}",
        report.not_found.len(),
        if report.not_found.len() == 1 {
            "was"
        } else {
            "were"
        },
    )))
}
