"""Drives every route of usersctl through the client openapi-python-client made
from /openapi.json, checking each status and the type of each answer.

usage: drive.py BASE_URL"""
import sys
from usersctl_client import Client, AuthenticatedClient
from usersctl_client.api.meta import health, version, document
from usersctl_client.api.auth import authenticate, logout
from usersctl_client.api.users import (list_users, create_user, get_user, update_user,
                                       delete_user, delete_users)
from usersctl_client.api.recycle_bin import (list_deleted, restore_user, restore_users,
                                             purge_user, empty_bin)
from usersctl_client.api.settings import settings, update_settings
from usersctl_client.api.audit import audit, verify_audit
from usersctl_client.models import *  # noqa

base = sys.argv[1]
anon = Client(base_url=base, raise_on_unexpected_status=True)
seen = {}
def check(name, r, code, typ):
    assert r.status_code == code, (name, r.status_code, r.content)
    assert isinstance(r.parsed, typ), (name, type(r.parsed), r.content)
    seen[name] = code
    return r.parsed

check("health", health.sync_detailed(client=anon), 200, Health)
check("version", version.sync_detailed(client=anon), 200, DataVersion)
check("document", document.sync_detailed(client=anon), 200, DocumentResponse200)
tok = check("authenticate", authenticate.sync_detailed(client=anon, body=LoginRequest(username="admin", password="Tr1cky-Horse-Battery-92")), 200, DataIssuedToken).data.token
adm = AuthenticatedClient(base_url=base, token=tok, raise_on_unexpected_status=True)
attrs = CreateUserRequestAttributesType0.from_dict({"team": "a"})
u = check("create_user(password)", create_user.sync_detailed(client=adm, body=CreateUserRequest(username="alice", email="alice@example.com", password="Zq8mPl4-vXy-Kw3", attributes=attrs)), 201, SavedUser)
assert u.data.username == "alice" and u.data.attributes.additional_properties == {"team": "a"}, u
g = check("create_user(generate)", create_user.sync_detailed(client=adm, body=CreateUserRequest(username="bob", email="bob@example.com", generate_password=True)), 201, SavedUser)
assert isinstance(g.generated_password, str)
check("create_user(conflict)", create_user.sync_detailed(client=adm, body=CreateUserRequest(username="alice", email="x@example.com", password="Zq8mPl4-vXy-Kw3")), 409, ErrorBody)
page = check("list_users", list_users.sync_detailed(client=adm, limit=1), 200, UserPage)
page2 = check("list_users(cursor)", list_users.sync_detailed(client=adm, limit=1, cursor=page.next_cursor), 200, UserPage)
check("list_users(filters)", list_users.sync_detailed(client=adm, role=Role.USER, blocked=False, search="ali"), 200, UserPage)
check("get_user", get_user.sync_detailed("alice", client=adm), 200, DataUser)
check("get_user(404)", get_user.sync_detailed("nobody", client=adm), 404, ErrorBody)
check("update_user(PATCH)", update_user.sync_detailed("alice", client=adm, body=UpdateUserRequest(name="Alice", blocked=True, block_reason="x")), 200, SavedUser)
check("update_user(400)", update_user.sync_detailed("alice", client=adm, body=UpdateUserRequest(password="short")), 400, ErrorBody)
check("delete_user", delete_user.sync_detailed("bob", client=adm), 200, DataUser)
check("delete_users", delete_users.sync_detailed(client=adm, body=DeleteUsersRequest(users=["alice", "ghost"], dry_run=True)), 200, DataDeleteManyReport)
check("delete_users(real)", delete_users.sync_detailed(client=adm, body=DeleteUsersRequest(users=["alice", "ghost"])), 200, DataDeleteManyReport)
bin_page = check("list_deleted", list_deleted.sync_detailed(client=adm, search="bob"), 200, DeletedUserPage)
assert [d.username for d in bin_page.data] == ["bob"], bin_page
check("restore_user", restore_user.sync_detailed("bob", client=adm, body=RestoreUserRequest(username="bobby")), 200, DataUser)
check("restore_user(404)", restore_user.sync_detailed("bob", client=adm, body=RestoreUserRequest()), 404, ErrorBody)
r = check("restore_users", restore_users.sync_detailed(client=adm, body=RestoreUsersRequest(users=["alice", "ghost"])), 200, DataRestoreReport)
assert r.data.restored == ["alice"] and r.data.not_found == ["ghost"], r
check("delete_user(purge)", delete_user.sync_detailed("alice", client=adm, purge=True), 200, DataUser)
check("delete_user(bin)", delete_user.sync_detailed("bobby", client=adm), 200, DataUser)
check("purge_user", purge_user.sync_detailed("bobby", client=adm), 200, DataPurged)
check("empty_bin", empty_bin.sync_detailed(client=adm, older_than="1d"), 200, DataPurged)
check("settings", settings.sync_detailed(client=adm), 200, DataSettings)
s2 = check("update_settings", update_settings.sync_detailed(client=adm, body=UpdateSettingsRequest(bin_retention="7d")), 200, DataSettings)
assert s2.data.bin_retention == "7d", s2
trail = check("audit", audit.sync_detailed(client=adm, action=[Action.DELETE, Action.RESTORE], limit=2), 200, AuditRecordPage)
assert [r.action for r in trail.data] == [Action.DELETE, Action.DELETE] and trail.next_after, trail
check("audit(after)", audit.sync_detailed(client=adm, after=trail.next_after, user="bobby"), 200, AuditRecordPage)
check("audit(400)", audit.sync_detailed(client=adm, limit=0), 400, ErrorBody)
v = check("verify_audit", verify_audit.sync_detailed(client=adm), 200, DataVerdict)
assert v.data.first_bad is None and v.data.records > 10, v
check("logout", logout.sync_detailed(client=adm), 200, DataRevoked)
check("list_users(401 after logout)", list_users.sync_detailed(client=adm), 401, ErrorBody)
print(f"{len(seen)} passed, 0 failed")
