//! Rendering responses for people (tables), scripts (JSON) and pipes (one
//! username per line). Nothing here decides anything.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;
use serde_json::json;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::Format;
use crate::domain::CheckReport;
use crate::domain::audit::Verdict;
use crate::domain::{Group, User};
use crate::error::Error;
use crate::ops::{
    AuditEntry, CreatedKey, DeleteManyReport, GroupPage, KeyPage, MembersReport, Page, Saved,
};
use crate::ops::{Data, DeletedPage, DeletedUser, RestoreReport, SavedUser, Settings};
use crate::service::Migrated;
use crate::token::IssuedToken;

pub struct Printer {
    /// Never `Format::Wide`: that is `Format::Table` with `wide` set.
    pub format: Format,
    pub quiet: bool,
    /// Lists show every column (`-o wide`).
    pub wide: bool,
    /// Lists start with a header line (not with `--no-headers`).
    pub headers: bool,
    /// Columns a list must fit in, when known (a terminal's width).
    pub width: Option<usize>,
}

impl Printer {
    /// A success as JSON: exactly the body the HTTP interface sends for the
    /// same operation, `{"data": …}` (`ops::Data`).
    pub fn json(&self, out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
        pretty(out, &Data { data: value })
    }

    /// A note for the person at the terminal: on stderr, and not with `--quiet`.
    pub fn note(&self, text: &str) {
        if !self.quiet && self.format != Format::Json {
            eprintln!("{text}");
        }
    }

    pub fn user(&self, out: &mut dyn Write, user: &User) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, user),
            Format::Name => writeln!(out, "{}", user.username),
            Format::Table | Format::Wide => writeln!(out, "{}", user_table(user)),
        }
    }

    /// `user get`: the user, and in a table the groups it is in (JSON
    /// stays the body of `GET /users/{user}`; `GET /users/{user}/groups`
    /// has the groups).
    pub fn user_in_groups(
        &self,
        out: &mut dyn Write,
        user: &User,
        groups: &[Group],
    ) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Wide => {
                let mut table = user_table(user);
                let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                table.add_row([
                    "groups".to_owned(),
                    if names.is_empty() {
                        "-".to_owned()
                    } else {
                        names.join(", ")
                    },
                ]);
                writeln!(out, "{table}")
            }
            _ => self.user(out, user),
        }
    }

    pub fn group(&self, out: &mut dyn Write, group: &Group) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, group),
            Format::Name => writeln!(out, "{}", group.name),
            Format::Table | Format::Wide => {
                let mut table = new_table();
                for (k, v) in [
                    ("id", group.id.to_string()),
                    ("name", group.name.to_string()),
                    (
                        "display name",
                        group
                            .display_name
                            .as_ref()
                            .map_or_else(|| "-".to_owned(), ToString::to_string),
                    ),
                    ("members", group.members.to_string()),
                    ("created", group.created_at.to_string()),
                    ("updated", group.updated_at.to_string()),
                ] {
                    table.add_row([k.to_owned(), v]);
                }
                // Only a group an identity provider made has one.
                if let Some(external) = &group.external_id {
                    table.add_row(["external id".to_owned(), external.clone()]);
                }
                writeln!(out, "{table}")
            }
        }
    }

    /// A page of groups (`group list`).
    pub fn groups(&self, out: &mut dyn Write, page: &GroupPage) -> io::Result<()> {
        match self.format {
            Format::Json => pretty(out, page),
            Format::Name => page
                .data
                .iter()
                .try_for_each(|g| writeln!(out, "{}", g.name)),
            Format::Table | Format::Wide => {
                if page.data.is_empty() {
                    self.note("no groups");
                } else {
                    let mut header = vec!["NAME", "DISPLAY NAME", "MEMBERS"];
                    if self.wide {
                        header.extend(["ID", "CREATED"]);
                    }
                    Columns {
                        shrinkable: header.iter().map(|h| *h == "DISPLAY NAME").collect(),
                        header,
                        rows: page
                            .data
                            .iter()
                            .map(|g| {
                                let mut row = vec![
                                    g.name.to_string(),
                                    g.display_name
                                        .as_ref()
                                        .map_or_else(|| "-".to_owned(), ToString::to_string),
                                    g.members.to_string(),
                                ];
                                if self.wide {
                                    row.extend([g.id.to_string(), g.created_at.to_string()]);
                                }
                                row
                            })
                            .collect(),
                    }
                    .write(out, self.headers, self.width)?;
                }
                if let Some(c) = &page.next_cursor {
                    eprintln!("more groups follow: --cursor {c}");
                }
                Ok(())
            }
        }
    }

    /// A key just made: its text, shown once (`-o name`: the key alone,
    /// for `KEY=$(usersctl -o name key create …)`).
    pub fn created_key(&self, out: &mut dyn Write, created: &CreatedKey) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, created),
            Format::Name => writeln!(out, "{}", created.key.expose()),
            Format::Table | Format::Wide => {
                let k = &created.about;
                writeln!(out, "key: {}", created.key.expose())?;
                self.note(&format!(
                    "API key {} acts as {}{}{}; the key is shown only this once: store it now.",
                    k.name,
                    k.username.as_ref().map_or("its user", |u| u.as_str()),
                    if k.read_only { ", read-only" } else { "" },
                    k.expires_at
                        .map(|t| format!(", until {t}"))
                        .unwrap_or_default()
                ));
                Ok(())
            }
        }
    }

    /// A page of API keys (`key list`): never a key itself.
    pub fn keys(&self, out: &mut dyn Write, page: &KeyPage) -> io::Result<()> {
        match self.format {
            Format::Json => pretty(out, page),
            Format::Name => page
                .data
                .iter()
                .try_for_each(|k| writeln!(out, "{}", k.name)),
            Format::Table | Format::Wide => {
                if page.data.is_empty() {
                    self.note("no API keys");
                } else {
                    let never = || "never".to_owned();
                    let mut header =
                        vec!["NAME", "USER", "ACCESS", "CREATED", "EXPIRES", "LAST USED"];
                    if self.wide {
                        header.push("ID");
                    }
                    Columns {
                        shrinkable: header.iter().map(|h| *h == "USER").collect(),
                        header,
                        rows: page
                            .data
                            .iter()
                            .map(|k| {
                                let mut row = vec![
                                    k.name.to_string(),
                                    k.username.as_ref().map_or_else(
                                        || format!("{} (gone)", k.user),
                                        ToString::to_string,
                                    ),
                                    if k.read_only {
                                        "read-only"
                                    } else {
                                        "read-write"
                                    }
                                    .to_owned(),
                                    k.created_at.to_string(),
                                    k.expires_at.map_or_else(never, |t| t.to_string()),
                                    k.last_used_at.map_or_else(never, |t| t.to_string()),
                                ];
                                if self.wide {
                                    row.push(k.id.to_string());
                                }
                                row
                            })
                            .collect(),
                    }
                    .write(out, self.headers, self.width)?;
                }
                if let Some(c) = &page.next_cursor {
                    eprintln!("more API keys follow: --cursor {c}");
                }
                Ok(())
            }
        }
    }

    /// What `group add` or `group remove` did, name by name.
    pub fn members_report(
        &self,
        out: &mut dyn Write,
        report: &MembersReport,
        add: bool,
    ) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, report),
            Format::Name => report.changed.iter().try_for_each(|u| writeln!(out, "{u}")),
            Format::Table | Format::Wide => {
                let (verb, same) = if add {
                    ("added", "already a member")
                } else {
                    ("removed", "not a member")
                };
                for name in &report.changed {
                    writeln!(out, "{verb}\t{name}")?;
                }
                for name in &report.unchanged {
                    writeln!(out, "{same}\t{name}")?;
                }
                for name in &report.not_found {
                    writeln!(out, "not found\t{name}")?;
                }
                for name in &report.remaining {
                    writeln!(out, "not handled\t{name}")?;
                }
                let mut summary = format!(
                    "{verb} {}, {same} {}, not found {}; {} now has {} member{}",
                    report.changed.len(),
                    report.unchanged.len(),
                    report.not_found.len(),
                    report.group.name,
                    report.group.members,
                    if report.group.members == 1 { "" } else { "s" }
                );
                if report.interrupted {
                    summary += &format!(", not handled {}", report.remaining.len());
                }
                self.note(&summary);
                Ok(())
            }
        }
    }

    pub fn saved(&self, out: &mut dyn Write, saved: &Saved) -> io::Result<()> {
        match self.format {
            Format::Json => pretty(
                out,
                &SavedUser {
                    data: saved.user.clone(),
                    generated_password: saved
                        .generated_password
                        .as_ref()
                        .map(|p| p.expose().to_owned()),
                },
            ),
            Format::Name => {
                writeln!(out, "{}", saved.user.username)?;
                // Not in the stream of names: on stderr, even with --quiet,
                // since it is shown only this once.
                if let Some(p) = &saved.generated_password {
                    eprintln!("generated password: {}", p.expose());
                }
                Ok(())
            }
            Format::Table | Format::Wide => {
                writeln!(out, "{}", user_table(&saved.user))?;
                if let Some(p) = &saved.generated_password {
                    writeln!(out, "generated password: {}", p.expose())?;
                    self.note("The password is shown only this once: store it now.");
                }
                Ok(())
            }
        }
    }

    /// A deleted user: to the recycle bin, or with `purged` for good.
    pub fn deleted(&self, out: &mut dyn Write, user: &User, purged: bool) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Wide if purged => {
                writeln!(out, "deleted user {} ({}) for good", user.username, user.id)
            }
            Format::Table | Format::Wide => {
                writeln!(out, "deleted user {} ({})", user.username, user.id)?;
                self.note(&format!(
                    "it is in the recycle bin: `usersctl user restore {}` brings it back",
                    user.id
                ));
                Ok(())
            }
            _ => self.user(out, user),
        }
    }

    pub fn restored(&self, out: &mut dyn Write, user: &User) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Wide => {
                writeln!(out, "restored user {} ({})", user.username, user.id)
            }
            _ => self.user(out, user),
        }
    }

    pub fn page(&self, out: &mut dyn Write, page: &Page) -> io::Result<()> {
        let table = |users: &[User]| self.list_table(users);
        self.listing(out, &page.users, page.next_cursor.as_deref(), &table)
    }

    /// One page of a listing written whole, as part of one document: the
    /// first opens a JSON `{"data": [...]}` object, the last closes it.
    pub fn page_part(
        &self,
        out: &mut dyn Write,
        page: &Page,
        first: bool,
        last: bool,
    ) -> io::Result<()> {
        let table = |users: &[User]| self.list_table(users);
        let next = page.next_cursor.as_deref();
        self.listing_part(out, &page.users, next, (first, last), &table)
    }

    /// A page of the recycle bin.
    pub fn deleted_page(&self, out: &mut dyn Write, page: &DeletedPage) -> io::Result<()> {
        let table = |users: &[DeletedUser]| self.bin_table(users);
        self.listing(out, &page.users, page.next_cursor.as_deref(), &table)
    }

    /// A page of the recycle bin, as `page_part`.
    pub fn deleted_page_part(
        &self,
        out: &mut dyn Write,
        page: &DeletedPage,
        first: bool,
        last: bool,
    ) -> io::Result<()> {
        let table = |users: &[DeletedUser]| self.bin_table(users);
        let next = page.next_cursor.as_deref();
        self.listing_part(out, &page.users, next, (first, last), &table)
    }

    fn listing<T: Listed>(
        &self,
        out: &mut dyn Write,
        items: &[T],
        next_cursor: Option<&str>,
        table: &dyn Fn(&[T]) -> Columns,
    ) -> io::Result<()> {
        match self.format {
            Format::Json => pretty(
                out,
                &Listing {
                    data: items,
                    next_cursor,
                },
            ),
            Format::Name => items
                .iter()
                .try_for_each(|u| writeln!(out, "{}", u.username())),
            Format::Table | Format::Wide => {
                if items.is_empty() {
                    self.note("no users match");
                } else {
                    table(items).write(out, self.headers, self.width)?;
                }
                // Even with --quiet: a table that silently stopped at one page
                // would read as the whole list.
                if let Some(c) = next_cursor {
                    eprintln!("more users follow: --cursor {}", shell_word(c));
                }
                Ok(())
            }
        }
    }

    fn listing_part<T: Listed>(
        &self,
        out: &mut dyn Write,
        items: &[T],
        next_cursor: Option<&str>,
        (first, last): (bool, bool),
        table: &dyn Fn(&[T]) -> Columns,
    ) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Wide => self.listing(out, items, next_cursor, table),
            Format::Name => items
                .iter()
                .try_for_each(|u| writeln!(out, "{}", u.username())),
            Format::Json => {
                if first {
                    write!(out, "{{\n  \"data\": [")?;
                }
                for (i, item) in items.iter().enumerate() {
                    if !(first && i == 0) {
                        write!(out, ",")?;
                    }
                    // Indented as `to_writer_pretty` would have it, one item at a time.
                    let pretty = serde_json::to_string_pretty(item)?;
                    for line in pretty.lines() {
                        write!(out, "\n    {line}")?;
                    }
                }
                if last {
                    writeln!(out, "\n  ],\n  \"next_cursor\": null\n}}")?;
                }
                Ok(())
            }
        }
    }

    /// The recycle bin's columns: the id matters, as it tells apart users
    /// deleted under one name.
    fn bin_table(&self, users: &[DeletedUser]) -> Columns {
        let mut header = vec!["USERNAME", "EMAIL", "DELETED", "ID"];
        if self.wide {
            header.extend(["ROLE", "STATUS", "CREATED"]);
        }
        Columns {
            shrinkable: header.iter().map(|h| *h == "EMAIL").collect(),
            header,
            rows: users
                .iter()
                .map(|d| {
                    let u = &d.user;
                    let mut row = vec![
                        u.username.to_string(),
                        u.email.to_string(),
                        d.deleted_at.to_string(),
                        u.id.to_string(),
                    ];
                    if self.wide {
                        row.extend([
                            u.role.to_string(),
                            status(u).to_owned(),
                            u.created_at.to_string(),
                        ]);
                    }
                    row
                })
                .collect(),
        }
    }

    pub fn restore_report(&self, out: &mut dyn Write, report: &RestoreReport) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, report),
            Format::Name => report
                .restored
                .iter()
                .try_for_each(|u| writeln!(out, "{u}")),
            Format::Table | Format::Wide => {
                for name in &report.restored {
                    writeln!(out, "restored\t{name}")?;
                }
                for name in &report.not_found {
                    writeln!(out, "not found\t{name}")?;
                }
                for r in &report.refused {
                    writeln!(out, "refused\t{}\t{}", r.user, r.reason)?;
                }
                for name in &report.duplicates {
                    writeln!(out, "duplicate\t{name}")?;
                }
                for name in &report.remaining {
                    writeln!(out, "not handled\t{name}")?;
                }
                let mut summary = format!(
                    "restored {}, not found {}, refused {}",
                    report.restored.len(),
                    report.not_found.len(),
                    report.refused.len()
                );
                if !report.duplicates.is_empty() {
                    summary += &format!(", duplicates {}", report.duplicates.len());
                }
                if report.interrupted {
                    summary += &format!(", not handled {}", report.remaining.len());
                }
                self.note(&summary);
                Ok(())
            }
        }
    }

    /// How many binned users were removed for good.
    pub fn purged(&self, out: &mut dyn Write, n: u64) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, &serde_json::json!({ "purged": n })),
            _ => writeln!(
                out,
                "purged {n} deleted user{} for good",
                if n == 1 { "" } else { "s" }
            ),
        }
    }

    pub fn settings(&self, out: &mut dyn Write, settings: &Settings) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, settings),
            _ => {
                writeln!(out, "bin-retention\t{}", settings.bin_retention)?;
                writeln!(out, "audit-retention\t{}", settings.audit_retention)
            }
        }
    }

    /// Audit records as they come, a page at a time: JSON Lines (one
    /// record a line, so that `--follow` can stream), or a line each for
    /// people, under a header before the first.
    pub fn audit_records(
        &self,
        out: &mut dyn Write,
        records: &[AuditEntry],
        first: bool,
    ) -> io::Result<()> {
        if self.format == Format::Json {
            for r in records {
                serde_json::to_writer(&mut *out, r)?;
                writeln!(out)?;
            }
            return Ok(());
        }
        if first && self.headers {
            writeln!(
                out,
                "{:>6}  {:<24}  {:<15}  {:<24}  {:<15}  {:<20}  DETAILS",
                "SEQ", "TIME", "ACTION", "ACTOR", "CLIENT", "USER"
            )?;
        }
        for r in records {
            let e = &r.event;
            let user = match (&e.username, e.user, e.users.len()) {
                (Some(name), _, _) => name.clone(),
                (None, Some(id), _) => id.to_string(),
                (None, None, 0) => "-".to_owned(),
                (None, None, n) => format!("{n} users"),
            };
            let details: Vec<String> = e
                .details
                .iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect();
            let line = format!(
                "{:>6}  {:<24}  {:<15}  {:<24}  {:<15}  {:<20}  {}",
                r.seq,
                e.at.to_string(),
                e.action.as_str(),
                e.actor,
                e.client.as_deref().unwrap_or("-"),
                user,
                details.join(" ")
            );
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }

    pub fn verdict(&self, out: &mut dyn Write, verdict: &Verdict) -> io::Result<()> {
        if self.format == Format::Json {
            return self.json(out, verdict);
        }
        match &verdict.first_bad {
            None => writeln!(
                out,
                "the audit trail verifies: {} record{}{}, ending at record {} ({})",
                verdict.records,
                if verdict.records == 1 { "" } else { "s" },
                if verdict.anchor > 0 {
                    format!(" after the anchor at record {}", verdict.anchor)
                } else {
                    String::new()
                },
                verdict.head_seq,
                verdict.head_hash
            ),
            Some(bad) => writeln!(out, "record {}: {}", bad.seq, bad.problem),
        }
    }

    /// The columns of a list: the essential ones, or every one with `-o wide`.
    fn list_table(&self, users: &[User]) -> Columns {
        let none = || "-".to_owned();
        if !self.wide {
            return Columns {
                header: vec!["USERNAME", "EMAIL", "ROLE", "STATUS", "CREATED"],
                shrinkable: vec![false, true, false, false, false],
                rows: users
                    .iter()
                    .map(|u| {
                        let created = u.created_at.to_string();
                        vec![
                            u.username.to_string(),
                            u.email.to_string(),
                            u.role.to_string(),
                            status(u).to_owned(),
                            created.get(..10).unwrap_or(&created).to_owned(),
                        ]
                    })
                    .collect(),
            };
        }
        Columns {
            header: vec![
                "USERNAME",
                "EMAIL",
                "NAME",
                "ROLE",
                "STATUS",
                "CREATED",
                "LAST LOGIN",
                "ID",
            ],
            shrinkable: vec![false, true, true, false, false, false, false, false],
            rows: users
                .iter()
                .map(|u| {
                    vec![
                        u.username.to_string(),
                        u.email.to_string(),
                        u.name.as_ref().map_or_else(none, ToString::to_string),
                        u.role.to_string(),
                        status(u).to_owned(),
                        u.created_at.to_string(),
                        u.last_login_at.map_or_else(none, |t| t.to_string()),
                        u.id.to_string(),
                    ]
                })
                .collect(),
        }
    }

    pub fn delete_report(&self, out: &mut dyn Write, report: &DeleteManyReport) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, report),
            Format::Name => report.deleted.iter().try_for_each(|u| writeln!(out, "{u}")),
            Format::Table | Format::Wide => {
                let verb = if report.dry_run {
                    "would delete"
                } else {
                    "deleted"
                };
                for name in &report.deleted {
                    writeln!(out, "{verb}\t{name}")?;
                }
                for name in &report.not_found {
                    writeln!(out, "not found\t{name}")?;
                }
                for name in &report.duplicates {
                    writeln!(out, "duplicate\t{name}")?;
                }
                for name in &report.remaining {
                    writeln!(out, "not handled\t{name}")?;
                }
                let mut summary = format!(
                    "{verb} {}, not found {}",
                    report.deleted.len(),
                    report.not_found.len()
                );
                if !report.duplicates.is_empty() {
                    summary += &format!(", duplicates {}", report.duplicates.len());
                }
                if report.interrupted {
                    summary += &format!(", not handled {}", report.remaining.len());
                }
                self.note(&summary);
                Ok(())
            }
        }
    }

    /// How many users match: the number alone, or `{"data": {"count": N}}`.
    pub fn count(&self, out: &mut dyn Write, n: u64) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, &serde_json::json!({ "count": n })),
            _ => writeln!(out, "{n}"),
        }
    }

    /// What `migrate` did: a line for people, an object for scripts.
    pub fn migrated(&self, out: &mut dyn Write, db: &str, migrated: Migrated) -> io::Result<()> {
        let (from, to) = match migrated {
            Migrated::Schema { from, to } => (Some(from), Some(to)),
            Migrated::Embedded => (None, None),
        };
        match self.format {
            Format::Json => self.json(
                out,
                &serde_json::json!({"database": db, "from_version": from, "version": to}),
            ),
            _ => match (from, to) {
                (Some(from), Some(to)) if from == to => {
                    writeln!(out, "{db}: schema version {to}, current; nothing to do")
                }
                (Some(0), Some(to)) => writeln!(out, "{db}: schema created (version {to})"),
                (Some(from), Some(to)) => {
                    writeln!(out, "{db}: schema upgraded from version {from} to {to}")
                }
                _ => writeln!(
                    out,
                    "{db}: an embedded database; usersctl keeps its schema itself, nothing to do"
                ),
            },
        }
    }

    pub fn check_report(&self, out: &mut dyn Write, report: &CheckReport) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, report),
            _ => {
                for p in &report.problems {
                    writeln!(out, "{}\t{}", p.kind, p.detail)?;
                }
                for p in &report.repairs {
                    writeln!(out, "{}\t{} (repaired)", p.kind, p.detail)?;
                }
                let verdict = if report.problems.is_empty() {
                    "sound"
                } else {
                    "damaged"
                };
                self.note(&format!(
                    "checked {} users{}: {verdict}",
                    report.users,
                    if report.repaired {
                        " after rebuilding the indexes"
                    } else {
                        ""
                    }
                ));
                if report.repaired {
                    self.note(&match report.users_before {
                        Some(before) => format!(
                            "users before the repair: {before} (at the last clean shutdown); \
                             after: {}",
                            report.users
                        ),
                        None => format!(
                            "users before the repair: not known (the last shutdown was not \
                             clean, or no count was kept); after: {}",
                            report.users
                        ),
                    });
                }
                if let Some(copy) = &report.copy {
                    self.note(&format!("the files as they were before the repair: {copy}"));
                }
                Ok(())
            }
        }
    }

    pub fn token(&self, out: &mut dyn Write, token: &IssuedToken) -> io::Result<()> {
        match self.format {
            Format::Json => self.json(out, token),
            Format::Name => writeln!(out, "{}", token.token),
            Format::Table | Format::Wide => {
                writeln!(out, "token:      {}", token.token)?;
                writeln!(out, "expires at: {}", token.expires_at)
            }
        }
    }

    /// One line on stderr (JSON with `-o json`).
    pub fn error(&self, err: &Error) {
        let mut stderr = io::stderr().lock();
        let _ = if self.format == Format::Json {
            let mut body = json!({ "error": err.code(), "message": err.to_string() });
            if !err.details().is_empty() {
                body["details"] = json!(err.details());
            }
            writeln!(stderr, "{body}")
        } else {
            writeln!(stderr, "usersctl: error: {err}")
        };
    }
}

/// A table as kubectl prints one: no borders, columns three spaces apart,
/// each cell on one line. Only the free-text columns give way when the table
/// is wider than the terminal, cut short with "…"; a username or an id is
/// never cut, so it can always be copied.
struct Columns {
    header: Vec<&'static str>,
    shrinkable: Vec<bool>,
    rows: Vec<Vec<String>>,
}

/// The narrowest a column that gives way becomes.
const MIN_SHRUNK: usize = 12;
const GAP: &str = "   ";

impl Columns {
    fn write(&self, out: &mut dyn Write, headers: bool, width: Option<usize>) -> io::Result<()> {
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|h| if headers { h.width() } else { 0 })
            .collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        if let Some(limit) = width {
            let total =
                |widths: &[usize]| widths.iter().sum::<usize>() + GAP.len() * (widths.len() - 1);
            while total(&widths) > limit {
                let widest = (0..widths.len())
                    .filter(|&i| self.shrinkable[i] && widths[i] > MIN_SHRUNK)
                    .max_by_key(|&i| widths[i]);
                match widest {
                    Some(i) => widths[i] -= 1,
                    None => break,
                }
            }
        }
        let header: Vec<String> = self.header.iter().map(|h| (*h).to_owned()).collect();
        let lines = headers.then_some(&header).into_iter().chain(&self.rows);
        let mut line = String::new();
        for row in lines {
            line.clear();
            for (i, (cell, &w)) in row.iter().zip(&widths).enumerate() {
                let cell = fit(cell, w);
                line.push_str(&cell);
                if i + 1 < row.len() {
                    line.extend(std::iter::repeat_n(' ', w - cell.width()));
                    line.push_str(GAP);
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// `text` cut to `width` columns, ending in "…" if it was cut.
fn fit(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if text.width() <= width {
        return text.into();
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    kept.into()
}

/// `value` as indented JSON and a newline.
fn pretty(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

fn status(u: &User) -> &'static str {
    if u.blocked { "blocked" } else { "active" }
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

fn user_table(u: &User) -> Table {
    let none = || "-".to_owned();
    let mut table = new_table();
    let attributes = if u.attributes.is_empty() {
        none()
    } else {
        serde_json::to_string(u.attributes.as_map()).unwrap_or_default()
    };
    let rows = [
        ("id", u.id.to_string()),
        ("username", u.username.to_string()),
        ("email", u.email.to_string()),
        (
            "name",
            u.name.as_ref().map_or_else(none, ToString::to_string),
        ),
        ("role", u.role.to_string()),
        ("status", status(u).to_owned()),
        ("block reason", u.block_reason.clone().unwrap_or_else(none)),
        (
            "must change password",
            if u.must_change_password { "yes" } else { "no" }.to_owned(),
        ),
        ("attributes", attributes),
        ("created", u.created_at.to_string()),
        ("updated", u.updated_at.to_string()),
        ("password changed", u.password_changed_at.to_string()),
        (
            "last login",
            u.last_login_at.map_or_else(none, |t| t.to_string()),
        ),
    ];
    for (k, v) in rows {
        table.add_row([k.to_owned(), v]);
    }
    table
}

/// What a listing holds: something with a username, written as JSON.
trait Listed: Serialize {
    fn username(&self) -> &str;
}

impl Listed for User {
    fn username(&self) -> &str {
        self.username.as_str()
    }
}

impl Listed for DeletedUser {
    fn username(&self) -> &str {
        self.user.username.as_str()
    }
}

/// A page as JSON: `{"data": [...], "next_cursor": …}`.
#[derive(Serialize)]
struct Listing<'a, T> {
    data: &'a [T],
    next_cursor: Option<&'a str>,
}

/// `text` as one shell word: as it is when nothing in it is special to a
/// shell (ids, usernames, most emails), else in single quotes.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@._+-=/:,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
