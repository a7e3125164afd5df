//! `usersctl key …`.

use std::io::Write;

use super::backend::Backend;
use super::requests::confirm;
use super::{emit, unexpected};
use crate::cli::{Format, KeyCommand};
use crate::error::Result;
use crate::ops::{GroupQuery, ListQuery, NewKey, Request, Response};
use crate::output::Printer;

pub(super) fn key(
    open: &dyn Fn() -> Result<Backend>,
    command: KeyCommand,
    printer: &Printer,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        KeyCommand::Create {
            name,
            user,
            expires,
            read_only,
        } => {
            crate::interrupt::writing();
            let request = Request::CreateKey(NewKey {
                name,
                user,
                expires_in: expires.map(|d| d.as_secs()),
                read_only,
            });
            match open()?.call(request)? {
                Response::KeyCreated(created) => emit(printer.created_key(out, &created)),
                other => Err(unexpected(&other)),
            }
        }
        KeyCommand::List { limit, cursor } => {
            let backend = open()?;
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
            let mut page = expect_keys(backend.call(Request::ListKeys(query.clone()))?)?;
            while whole && let Some(next) = page.next_cursor.take() {
                query.cursor = Some(next);
                let more = expect_keys(backend.call(Request::ListKeys(query.clone()))?)?;
                page.data.extend(more.data);
                page.next_cursor = more.next_cursor;
            }
            emit(printer.keys(out, &page))
        }
        KeyCommand::Revoke { name, yes } => {
            if !yes {
                confirm(&format!(
                    "Revoke API key {name}? Every service using it is refused from now on"
                ))?;
            }
            crate::interrupt::writing();
            match open()?.call(Request::RevokeKey { name })? {
                Response::Key(key) => match printer.format {
                    Format::Json => emit(printer.json(out, &key)),
                    Format::Name => emit(writeln!(out, "{}", key.name)),
                    Format::Table | Format::Wide => {
                        emit(writeln!(out, "revoked API key {} ({})", key.name, key.id))
                    }
                },
                other => Err(unexpected(&other)),
            }
        }
    }
}

fn expect_keys(response: Response) -> Result<crate::ops::KeyPage> {
    match response {
        Response::Keys(page) => Ok(page),
        other => Err(unexpected(&other)),
    }
}
