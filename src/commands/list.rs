//! `users list` and `users delete-many`: many users at once, a page or a
//! batch at a time.

use std::io::Write;
use std::time::Duration;

use super::backend::Backend;
use super::import::progress_bar;
use super::requests::{confirm, read_names};
use super::{emit, unexpected};
use crate::cli::{DeleteManyArgs, Format, ListArgs, RestoreArgs, SelectArgs, UsersListArgs};
use crate::error::{Error, Result};
use crate::ops::{DeleteMany, ListQuery, Request, Response};
use crate::output::Printer;

/// A table shows one page and says on stderr how to get the next. For
/// scripts (`-o name`, `-o json`) with no `--limit`, every match is written,
/// a page at a time as it is read, so memory stays flat.
pub(super) fn list(
    backend: &Backend,
    args: UsersListArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let UsersListArgs { list: args, sort } = args;
    if args.count {
        let query = selection(args.select);
        return match backend.call(Request::CountUsers(query))? {
            Response::Count(n) => emit(printer.count(out, n)),
            other => Err(unexpected(&other)),
        };
    }
    let every = args.limit.is_none() && printer.format != Format::Table;
    let mut query = ListQuery {
        sort,
        ..list_query(args)
    };
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
        limit: Some(args.limit.map_or(ListQuery::DEFAULT_LIMIT, usize::from)),
        cursor: args.cursor,
        ..selection(args.select)
    }
}

/// What the selecting options ask for, as a query of every match.
fn selection(select: SelectArgs) -> ListQuery {
    ListQuery {
        role: select.role.map(Into::into),
        blocked: match (select.blocked, select.active) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        search: select.search,
        must_change_password: select.must_change_password.then_some(true),
        never_logged_in: select.never_logged_in.then_some(true),
        inactive_for: select.inactive_for.map(|d| d.as_secs()),
        created_before: select.created_before,
        created_after: select.created_after,
        group: select.group,
        sort: None,
        limit: None,
        cursor: None,
    }
}

/// The usernames of every user `query` selects, a page at a time (as
/// `users list -o name | users delete-many --from -` would pass them, so
/// the report names users as people know them).
fn selected_names(backend: &Backend, mut query: ListQuery) -> Result<Vec<String>> {
    query.limit = Some(ListQuery::MAX_LIMIT);
    let mut names = Vec::new();
    loop {
        let page = expect_page(backend.call(Request::ListUsers(query.clone()))?)?;
        names.extend(page.users.iter().map(|u| u.username.as_str().to_owned()));
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return Ok(names),
        }
    }
}

pub(super) fn delete_many(
    open: &dyn Fn() -> Result<Backend>,
    args: DeleteManyArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let from_stdin = args.from.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let selecting = args.select.narrows();
    if selecting && (!args.users.is_empty() || args.from.is_some()) {
        return Err(Error::usage(
            "name the users, or select them with options such as --inactive-for, not both",
        ));
    }
    let mut users = args.users;
    if let Some(from) = &args.from {
        users.extend(read_names(from)?);
    }
    if selecting {
        users = selected_names(&open()?, selection(args.select))?;
        if users.is_empty() && args.expect.is_none_or(|n| n == 0) {
            printer.note("no users match");
            return Ok(());
        }
    } else if users.is_empty() {
        return Err(Error::usage(
            "no users named: give names as arguments, or with --from FILE (- for stdin), \
             or select them with options such as --inactive-for",
        ));
    }
    if let Some(expected) = args.expect {
        // Counted as users, not names (two names of one user are one).
        let found = open()?.delete_many(
            DeleteMany {
                users: users.clone(),
                dry_run: true,
                purge: args.purge,
            },
            &|_| {},
        )?;
        let n = found.deleted.len() as u64;
        if n != expected {
            return Err(Error::Conflict(format!(
                "{n} user{} would be deleted, not the {expected} expected (--expect); nothing was deleted",
                if n == 1 { "" } else { "s" }
            )));
        }
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
                purge: args.purge,
            },
            &|_| {},
        )?;
        let n = found.deleted.len();
        if n > 0 {
            confirm(&format!(
                "Delete {n} user{}{}?",
                if n == 1 { "" } else { "s" },
                if args.purge { " for good" } else { "" }
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
        purge: args.purge,
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

/// `users deleted`: the recycle bin, listed as `list` lists users.
pub(super) fn deleted(
    backend: &Backend,
    args: ListArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    if args.count {
        let query = selection(args.select);
        return match backend.call(Request::CountDeleted(query))? {
            Response::Count(n) => emit(printer.count(out, n)),
            other => Err(unexpected(&other)),
        };
    }
    let every = args.limit.is_none() && printer.format != Format::Table;
    let mut query = list_query(args);
    let expect = |response| match response {
        Response::DeletedPage(page) => Ok(page),
        other => Err(unexpected(&other)),
    };
    if !every {
        let page = expect(backend.call(Request::ListDeleted(query))?)?;
        return emit(printer.deleted_page(out, &page));
    }
    query.limit = Some(ListQuery::MAX_LIMIT);
    let mut first = true;
    loop {
        let page = expect(backend.call(Request::ListDeleted(query.clone()))?)?;
        let last = page.next_cursor.is_none();
        emit(printer.deleted_page_part(out, &page, first, last))?;
        if last {
            return Ok(());
        }
        first = false;
        query.cursor = page.next_cursor;
    }
}

/// `users restore`: every name read first, then restored in batches.
pub(super) fn restore_many(
    open: &dyn Fn() -> Result<Backend>,
    args: RestoreArgs,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let mut users = args.users;
    if let Some(from) = &args.from {
        users.extend(read_names(from)?);
    }
    if users.is_empty() {
        return Err(Error::usage(
            "no users named: give names as arguments, or with --from FILE (- for stdin)",
        ));
    }
    let backend = open()?;
    crate::interrupt::writing();
    let report = match backend.call_until_interrupted(Request::RestoreMany { users })? {
        Response::RestoreMany(report) => report,
        other => return Err(unexpected(&other)),
    };
    emit(printer.restore_report(out, &report))?;
    let restored = report.restored.len();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted: restored {restored} user{} before stopping; {} name{} not handled (listed above)",
            plural(restored),
            report.remaining.len(),
            plural(report.remaining.len()),
        )));
    }
    if !report.refused.is_empty() {
        return Err(Error::Conflict(format!(
            "{} of the named users could not be restored (listed above); {restored} user{} restored",
            report.refused.len(),
            plural(restored),
        )));
    }
    if !report.not_found.is_empty() {
        return Err(Error::PartlyNotFound(format!(
            "{} of the named users {} not in the recycle bin; {restored} user{} restored",
            report.not_found.len(),
            if report.not_found.len() == 1 {
                "was"
            } else {
                "were"
            },
            plural(restored),
        )));
    }
    Ok(())
}
