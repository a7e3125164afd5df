//! Who may do what (SPEC section 4), as one function of the actor and the
//! request, so that the whole table can be read, and tested, in one place.

use super::{Actor, Config, Session};
use crate::domain::{Role, UserRef};
use crate::error::{Error, Result};
use crate::ops::{Request, UserPatch};

/// Who may do what (SPEC section 4). `is_self` tells whether a reference names
/// the session's own user.
pub(super) fn authorize(
    actor: &Actor,
    request: &Request,
    config: &Config,
    is_self: &dyn Fn(&UserRef, &Session) -> Result<bool>,
) -> Result<()> {
    let forbidden = |m: &str| Err(Error::Forbidden(m.to_owned()));
    let session = match actor {
        Actor::Operator => return Ok(()),
        // Import and export carry password hashes: the operator's alone.
        _ if matches!(
            request,
            Request::Import { .. }
                | Request::ImportBegin { .. }
                | Request::ImportEnd { .. }
                | Request::Export { .. }
                | Request::Check { .. }
                | Request::Throttled { .. }
                | Request::Unlock { .. }
        ) =>
        {
            return forbidden(
                "import, export, check and unlock are for the operator at the machine",
            );
        }
        Actor::Anonymous => {
            return match request {
                Request::Authenticate(_) => Ok(()),
                Request::CreateUser(_) if config.allow_registration => Ok(()),
                _ => Err(Error::Unauthorized("a token is required".to_owned())),
            };
        }
        Actor::User(session) => session,
    };
    if session.read_only && request.writes() {
        return forbidden("this API key is read-only: it may only read");
    }
    let is_self = |user: &UserRef| is_self(user, session);
    if session.must_change_password {
        return match request {
            Request::UpdateUser { user, patch } if only_password(patch) && is_self(user)? => Ok(()),
            _ => forbidden("password change required: change your password first"),
        };
    }
    if session.role == Role::Admin {
        // An admin locking itself out would leave nobody to undo it.
        if let Request::UpdateUser { user, patch } = request
            && (patch.blocked == Some(true) || patch.role == Some(Role::User))
            && is_self(user)?
        {
            return forbidden(
                "admins cannot block or demote themselves; another admin or the operator can",
            );
        }
        return Ok(());
    }
    match request {
        // Who is in which group is for admins to see.
        Request::ListUsers(q) | Request::CountUsers(q) if q.group.is_some() => {
            forbidden("listing a group's members needs the admin role")
        }
        Request::GetUser { .. }
        | Request::ListUsers(_)
        | Request::CountUsers(_)
        | Request::Authenticate(_) => Ok(()),
        // What anyone may do without a token, a plain user may do with one.
        Request::CreateUser(_) if config.allow_registration => Ok(()),
        Request::UpdateUser { user, patch } if is_self(user)? => {
            let allowed = patch.username.is_none()
                && patch.role.is_none()
                && patch.blocked.is_none()
                && patch.block_reason.is_none()
                && patch.must_change_password.is_none();
            if allowed {
                Ok(())
            } else {
                forbidden("you may change only your own email, name, password and attributes")
            }
        }
        Request::DeleteUser { user, .. } if is_self(user)? => Ok(()),
        // A user may read which groups it is in, and nobody else's.
        Request::UserGroups { user } if is_self(user)? => Ok(()),
        _ => forbidden("this needs the admin role"),
    }
}

fn only_password(p: &UserPatch) -> bool {
    p.password.is_some()
        && p.username.is_none()
        && p.email.is_none()
        && p.name.is_none()
        && p.role.is_none()
        && p.attributes.is_none()
        && p.blocked.is_none()
        && p.block_reason.is_none()
        && p.must_change_password.is_none()
}

/// The table, row by row, without a database or a process: each actor
/// against each kind of request.
#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::*;
    use crate::error::Error;

    const ME: &str = "0190a000-0000-7000-8000-000000000001";
    const OTHER: &str = "0190a000-0000-7000-8000-000000000002";

    fn request(value: Value) -> Request {
        serde_json::from_value(value).unwrap()
    }

    fn update(user: &str, patch: Value) -> Request {
        request(json!({"op": "update_user", "user": user, "patch": patch}))
    }

    /// One of each kind, on the actor's own account where that matters.
    fn every_request(on: &str) -> Vec<(&'static str, Request)> {
        vec![
            ("get", request(json!({"op": "get_user", "user": on}))),
            (
                "create",
                request(json!({"op": "create_user", "username": "zed",
                    "email": "zed@example.com", "password": "generate"})),
            ),
            ("update name", update(on, json!({"name": "Zed"}))),
            ("delete", request(json!({"op": "delete_user", "user": on}))),
            ("list", request(json!({"op": "list_users"}))),
            (
                "delete many",
                request(json!({"op": "delete_many", "users": [on]})),
            ),
            (
                "authenticate",
                request(json!({"op": "authenticate", "username": "zed", "password": "pw"})),
            ),
            ("import", request(json!({"op": "import", "users": []}))),
            (
                "export",
                request(json!({"op": "export", "after": null, "limit": 10})),
            ),
            ("check", request(json!({"op": "check", "repair": false}))),
            ("throttled", request(json!({"op": "throttled", "user": on}))),
            ("unlock", request(json!({"op": "unlock", "user": on}))),
            (
                "groups of",
                request(json!({"op": "user_groups", "user": on})),
            ),
            (
                "group get",
                request(json!({"op": "get_group", "group": "ops"})),
            ),
            ("group list", request(json!({"op": "list_groups"}))),
            (
                "group create",
                request(json!({"op": "create_group", "name": "ops"})),
            ),
            (
                "group update",
                request(
                    json!({"op": "update_group", "group": "ops", "patch": {"display_name": "Ops"}}),
                ),
            ),
            (
                "group delete",
                request(json!({"op": "delete_group", "group": "ops"})),
            ),
            (
                "group members",
                request(
                    json!({"op": "change_members", "group": "ops", "users": [on], "add": true}),
                ),
            ),
        ]
    }

    fn session(role: Role, must_change_password: bool) -> Actor {
        Actor::User(Session {
            user_id: Uuid::parse_str(ME).unwrap(),
            role,
            must_change_password,
            jti: "jti".to_owned(),
            expires: u64::MAX,
            key: None,
            read_only: false,
        })
    }

    /// What `authorize` says, as a word: ok, unauthorized or forbidden.
    fn verdict(actor: &Actor, request: &Request, config: &Config) -> &'static str {
        let is_self = |user: &UserRef, session: &Session| {
            Ok(matches!(user, UserRef::Id(id) if *id == session.user_id))
        };
        match authorize(actor, request, config, &is_self) {
            Ok(()) => "ok",
            Err(Error::Unauthorized(_)) => "unauthorized",
            Err(Error::Forbidden(_)) => "forbidden",
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    fn table(actor: &Actor, on: &str, config: &Config) -> Vec<(&'static str, &'static str)> {
        every_request(on)
            .into_iter()
            .map(|(what, r)| (what, verdict(actor, &r, config)))
            .collect()
    }

    const OPERATOR_ONLY: [&str; 5] = ["import", "export", "check", "throttled", "unlock"];

    #[test]
    fn the_operator_may_do_anything() {
        for (what, verdict) in table(&Actor::Operator, OTHER, &Config::default()) {
            assert_eq!(verdict, "ok", "{what}");
        }
    }

    #[test]
    fn without_a_token_only_a_login_or_a_registration() {
        for registration in [false, true] {
            let config = Config {
                allow_registration: registration,
                ..Config::default()
            };
            for (what, verdict) in table(&Actor::Anonymous, OTHER, &config) {
                let want = match what {
                    "authenticate" => "ok",
                    "create" if registration => "ok",
                    w if OPERATOR_ONLY.contains(&w) => "forbidden",
                    _ => "unauthorized",
                };
                assert_eq!(verdict, want, "{what}, registration {registration}");
            }
        }
    }

    #[test]
    fn an_admin_may_do_all_but_the_operators_work_and_locking_itself_out() {
        let admin = session(Role::Admin, false);
        for on in [ME, OTHER] {
            for (what, verdict) in table(&admin, on, &Config::default()) {
                let want = if OPERATOR_ONLY.contains(&what) {
                    "forbidden"
                } else {
                    "ok"
                };
                assert_eq!(verdict, want, "{what} on {on}");
            }
        }
        for patch in [json!({"blocked": true}), json!({"role": "user"})] {
            let on_self = update(ME, patch.clone());
            assert_eq!(verdict(&admin, &on_self, &Config::default()), "forbidden");
            let on_other = update(OTHER, patch);
            assert_eq!(verdict(&admin, &on_other, &Config::default()), "ok");
        }
    }

    #[test]
    fn a_plain_user_reads_and_keeps_its_own_account() {
        let user = session(Role::User, false);
        let config = Config::default();
        for (what, verdict) in table(&user, ME, &config) {
            let want = match what {
                "get" | "list" | "authenticate" | "update name" | "delete" | "groups of" => "ok",
                _ => "forbidden",
            };
            assert_eq!(verdict, want, "{what} on its own account");
        }
        for (what, verdict) in table(&user, OTHER, &config) {
            let want = match what {
                "get" | "list" | "authenticate" => "ok",
                _ => "forbidden",
            };
            assert_eq!(verdict, want, "{what} on another account");
        }
        for (field, value, want) in [
            ("email", json!("new@example.com"), "ok"),
            ("attributes", json!({"team": "a"}), "ok"),
            ("password", json!({"given": "a long new password"}), "ok"),
            ("username", json!("newname"), "forbidden"),
            ("role", json!("admin"), "forbidden"),
            ("blocked", json!(false), "forbidden"),
            ("block_reason", json!(null), "forbidden"),
            ("must_change_password", json!(false), "forbidden"),
        ] {
            let patch = update(ME, json!({ field: value }));
            assert_eq!(verdict(&user, &patch, &config), want, "{field}");
        }
        let registration = Config {
            allow_registration: true,
            ..Config::default()
        };
        let create = &every_request(ME)[1].1;
        assert_eq!(verdict(&user, create, &registration), "ok");
    }

    #[test]
    fn a_user_told_to_change_its_password_may_do_only_that() {
        for role in [Role::User, Role::Admin] {
            let actor = session(role, true);
            for (what, verdict) in table(&actor, ME, &Config::default()) {
                assert_eq!(verdict, "forbidden", "{what} as {role:?}");
            }
            let change = update(ME, json!({"password": {"given": "a long new password"}}));
            assert_eq!(verdict(&actor, &change, &Config::default()), "ok");
            let with_more = update(
                ME,
                json!({"password": {"given": "a long new password"}, "name": "Zed"}),
            );
            assert_eq!(verdict(&actor, &with_more, &Config::default()), "forbidden");
            let others = update(OTHER, json!({"password": {"given": "a long new password"}}));
            assert_eq!(verdict(&actor, &others, &Config::default()), "forbidden");
        }
    }
}
