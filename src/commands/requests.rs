//! Turning a command's arguments, prompts and stdin into a request.

use std::io::{self, BufRead, IsTerminal};

use serde_json::{Map, Value};

use super::backend::{Backend, check_reserved};
use super::expect_user;
use crate::cli::{AuthenticateArgs, CreateArgs, KeyValue, PasswordSource, UpdateArgs};
use crate::domain::{Attributes, Password, PasswordPolicy, Profile, UserRef};
use crate::error::{Error, Result};
use crate::ops::{Credentials, NewUser, PasswordChoice, Request, UserPatch};
use crate::prompt::Tty;
use crate::service;

/// A password given on stdin, judged by the caller's policy too.
pub(super) fn checked_password(
    password: Password,
    policy: &PasswordPolicy,
    context: &[&str],
) -> Result<Password> {
    policy
        .check(&password, context)
        .map_err(|m| Error::invalid("password", m))?;
    Ok(password)
}

pub(super) fn create_request(
    args: CreateArgs,
    open: &dyn Fn() -> Result<Backend>,
    caller: &service::Config,
) -> Result<Request> {
    let attributes = Attributes::parse(attr_map(&args.attrs, &[]))
        .map_err(|m| Error::invalid("attributes", m))?;
    check_reserved(caller, &args.username)?;
    let context = [args.username.as_str(), args.email.as_str()];
    let prompting = !args.password.generate_password && !args.password.password_stdin;
    if prompting && io::stdin().is_terminal() {
        // Before asking for a password twice: is the name free at all?
        let backend = open()?;
        for user in [
            UserRef::Username(args.username.clone()),
            UserRef::Email(args.email.clone()),
        ] {
            match backend.call(Request::GetUser { user: user.clone() }) {
                Ok(_) => {
                    let what = match user {
                        UserRef::Username(_) => "username",
                        _ => "email",
                    };
                    return Err(Error::Conflict(format!("{what} {user} is already taken")));
                }
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let password = read_new_password(&args.password, true, &caller.password_policy, &context)?
        .ok_or_else(|| Error::internal("a new user always gets a password"))?;
    Ok(Request::CreateUser(NewUser {
        profile: Profile {
            username: args.username,
            email: args.email,
            name: args.name.and_then(|n| n.0),
            role: args.role.into(),
            attributes,
            must_change_password: args.must_change_password,
        },
        password,
    }))
}

pub(super) fn update_request(
    args: UpdateArgs,
    open: &dyn Fn() -> Result<Backend>,
    caller: &service::Config,
) -> Result<Request> {
    if let Some(name) = &args.username {
        check_reserved(caller, name)?;
    }
    let wants_password =
        args.prompt_password || args.password.password_stdin || args.password.generate_password;
    let password = if wants_password {
        // The account's own words make a weak password; fetch them for the
        // check, and let the database go before reading the password.
        let current = expect_user(open()?.call(Request::GetUser {
            user: args.user.clone(),
        })?)?;
        let username = args.username.as_ref().unwrap_or(&current.username);
        let email = args.email.as_ref().unwrap_or(&current.email);
        read_new_password(
            &args.password,
            args.prompt_password,
            &caller.password_policy,
            &[username.as_str(), email.as_str()],
        )?
    } else {
        None
    };
    let attributes = (!args.attrs.is_empty() || !args.unset_attrs.is_empty())
        .then(|| attr_map(&args.attrs, &args.unset_attrs));
    let blocked = match (args.block, args.unblock) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let patch = UserPatch {
        username: args.username,
        email: args.email,
        name: args.name.map(|n| n.0),
        role: args.role.map(Into::into),
        attributes,
        blocked,
        block_reason: args.reason.map(Some),
        must_change_password: args.must_change_password,
        password,
        current_password: None,
    };
    if patch.is_empty() {
        return Err(Error::usage(
            "nothing to change: name at least one field to update (see usersctl user update --help)",
        ));
    }
    Ok(Request::UpdateUser {
        user: args.user,
        patch,
    })
}

pub(super) fn attr_map(set: &[KeyValue], unset: &[String]) -> Map<String, Value> {
    let mut map: Map<String, Value> = set
        .iter()
        .map(|kv| (kv.key.clone(), Value::String(kv.value.clone())))
        .collect();
    for key in unset {
        map.insert(key.clone(), Value::Null);
    }
    map
}

pub(super) fn authenticate_request(args: AuthenticateArgs) -> Result<Request> {
    let password = if args.password_stdin {
        read_stdin_password()?
    } else if io::stdin().is_terminal() {
        let entered = Tty::open("use --password-stdin")?
            .secret(&format!("Password for {}", args.username))?;
        Password::parse(entered).map_err(|m| Error::invalid("password", m))?
    } else {
        return Err(Error::usage(
            "no password given and stdin is not a terminal: use --password-stdin",
        ));
    };
    Ok(Request::Authenticate(Credentials {
        client: None,
        username: args.username,
        password,
        ttl_secs: args.ttl.map(|d| d.as_secs().max(1)),
    }))
}

/// A new password from the source the operator chose; on a terminal with no
/// source named, a prompt (asked twice) when `prompt_by_default`.
pub(super) fn read_new_password(
    source: &PasswordSource,
    prompt_by_default: bool,
    policy: &PasswordPolicy,
    context: &[&str],
) -> Result<Option<PasswordChoice>> {
    if source.generate_password {
        return Ok(Some(PasswordChoice::Generate));
    }
    if source.password_stdin {
        let given = checked_password(read_stdin_password()?, policy, context)?;
        return Ok(Some(PasswordChoice::Given(given)));
    }
    if !prompt_by_default {
        return Ok(None);
    }
    if !io::stdin().is_terminal() {
        return Err(Error::usage(
            "no password given and stdin is not a terminal: use --password-stdin or --generate-password",
        ));
    }
    let mut tty = Tty::open("use --password-stdin or --generate-password")?;
    let entered = tty.new_password(|p| {
        let p = Password::parse(p)?;
        policy.check(&p, context)
    })?;
    Password::parse(entered)
        .map(|p| Some(PasswordChoice::Given(p)))
        .map_err(|m| Error::invalid("password", m))
}

/// The first line of stdin, without its line ending, and nothing else of it
/// (not echoed when stdin is a terminal).
pub(super) fn read_stdin_password() -> Result<Password> {
    let line = crate::prompt::stdin_line(Password::MAX_BYTES as u64 + 3)?;
    if line.is_empty() {
        return Err(Error::invalid("password", "stdin held no password"));
    }
    Password::parse(line).map_err(|m| Error::invalid("password", m))
}

/// Asks on the terminal; refuses outright when stdin is not one.
pub(super) fn confirm(question: &str) -> Result<()> {
    if !io::stdin().is_terminal() {
        return Err(Error::usage(
            "refusing to delete without --yes: stdin is not a terminal",
        ));
    }
    if Tty::open("use --yes")?.confirm(question)? {
        Ok(())
    } else {
        Err(Error::Interrupted(
            "cancelled; nothing was deleted".to_owned(),
        ))
    }
}

pub(super) fn read_names(from: &std::path::Path) -> Result<Vec<String>> {
    let reader: Box<dyn BufRead> = if from.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(from)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", from.display())))?;
        Box::new(io::BufReader::new(file))
    };
    let mut names = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line =
            line.map_err(|e| Error::usage(format!("{}: line {}: {e}", from.display(), n + 1)))?;
        let name = line.trim();
        if !name.is_empty() && !name.starts_with('#') {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}
