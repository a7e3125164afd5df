//! `usersctl group …`.

use std::io::Write;

use super::backend::Backend;
use super::requests::{confirm, read_names};
use super::{emit, unexpected};
use crate::cli::{Format, GroupCommand, MembersArgs};
use crate::domain::{Group, GroupPatch};
use crate::error::{Error, Result};
use crate::ops::{GroupQuery, ListQuery, NewGroup, Request, Response};
use crate::output::Printer;

pub(super) fn group(
    open: &dyn Fn() -> Result<Backend>,
    command: GroupCommand,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        GroupCommand::Create { name, display_name } => {
            crate::interrupt::writing();
            let request = Request::CreateGroup(NewGroup {
                name,
                display_name: display_name.and_then(|n| n.0),
                external_id: None,
            });
            emit(printer.group(out, &expect_group(open()?.call(request)?)?))
        }
        GroupCommand::Get { group } => emit(printer.group(
            out,
            &expect_group(open()?.call(Request::GetGroup { group })?)?,
        )),
        GroupCommand::Update {
            group,
            rename,
            display_name,
        } => {
            let patch = GroupPatch {
                name: rename,
                display_name: display_name.map(|n| n.0),
                external_id: None,
            };
            if patch.is_empty() {
                return Err(Error::usage(
                    "nothing to change: give --name or --display-name",
                ));
            }
            crate::interrupt::writing();
            let request = Request::UpdateGroup { group, patch };
            emit(printer.group(out, &expect_group(open()?.call(request)?)?))
        }
        GroupCommand::Delete { group, yes } => {
            let target = if yes {
                group
            } else {
                let shown = expect_group(open()?.call(Request::GetGroup { group })?)?;
                confirm(&format!(
                    "Delete group {} ({} member{})?",
                    shown.name,
                    shown.members,
                    if shown.members == 1 { "" } else { "s" }
                ))?;
                crate::domain::GroupRef::Id(shown.id)
            };
            crate::interrupt::writing();
            let gone = expect_group(open()?.call(Request::DeleteGroup { group: target })?)?;
            match printer.format {
                Format::Table | Format::Wide => emit(writeln!(
                    out,
                    "deleted group {} ({}), which had {} member{}",
                    gone.name,
                    gone.id,
                    gone.members,
                    if gone.members == 1 { "" } else { "s" }
                )),
                _ => emit(printer.group(out, &gone)),
            }
        }
        GroupCommand::List { limit, cursor } => {
            let backend = open()?;
            // A table shows a page; names and JSON every group, as `users
            // list` does.
            let whole = limit.is_none() && printer.format != Format::Table;
            let mut query = GroupQuery {
                limit: Some(limit.map_or(
                    if whole {
                        ListQuery::MAX_LIMIT
                    } else {
                        ListQuery::DEFAULT_LIMIT
                    },
                    usize::from,
                )),
                cursor,
            };
            let mut page = expect_groups(backend.call(Request::ListGroups(query.clone()))?)?;
            while whole && let Some(next) = page.next_cursor.take() {
                query.cursor = Some(next);
                let more = expect_groups(backend.call(Request::ListGroups(query.clone()))?)?;
                page.data.extend(more.data);
                page.next_cursor = more.next_cursor;
            }
            emit(printer.groups(out, &page))
        }
        GroupCommand::Add(args) => members(open, args, true, printer, out),
        GroupCommand::Remove(args) => members(open, args, false, printer, out),
    }
}

fn members(
    open: &dyn Fn() -> Result<Backend>,
    args: MembersArgs,
    add: bool,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    let mut users = args.users;
    if let Some(from) = &args.users_from {
        users.extend(read_names(from)?);
    }
    if users.is_empty() {
        return Err(Error::usage(
            "no users named: give names as arguments, or with --users-from FILE (- for stdin)",
        ));
    }
    // Every name is read before the database is taken.
    let backend = open()?;
    crate::interrupt::writing();
    let request = Request::ChangeMembers {
        group: args.group,
        users,
        add,
    };
    match backend.call_until_interrupted(request)? {
        Response::Members(report) => {
            emit(printer.members_report(out, &report, add))?;
            if report.interrupted {
                let n = report.remaining.len();
                return Err(Error::Interrupted(format!(
                    "interrupted: {} {} user{} before stopping; {n} name{} not handled (listed above)",
                    if add { "added" } else { "removed" },
                    report.changed.len(),
                    if report.changed.len() == 1 { "" } else { "s" },
                    if n == 1 { "" } else { "s" }
                )));
            }
            Ok(())
        }
        other => Err(unexpected(&other)),
    }
}

pub(super) fn expect_group(response: Response) -> Result<Group> {
    match response {
        Response::Group(group) => Ok(group),
        other => Err(unexpected(&other)),
    }
}

fn expect_groups(response: Response) -> Result<crate::ops::GroupPage> {
    match response {
        Response::Groups(page) => Ok(page),
        other => Err(unexpected(&other)),
    }
}
