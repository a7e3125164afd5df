"""Schemathesis hooks for usersctl: a fresh admin token for each test case.

Schemathesis exercises POST /logout (revoking the token it sent) and may delete
an admin, so the hook logs in anew for every case, by user id (an update cannot
change it), with the first of several admins that still works.
"""
import json
import os
import urllib.error
import urllib.request

import schemathesis

BASE = os.environ["USERSCTL_URL"]
ADMIN_IDS = os.environ["USERSCTL_ADMIN_IDS"].split()
PASSWORD = os.environ["USERSCTL_ADMIN_PASSWORD"]


def login(user_id):
    body = json.dumps({"username": user_id, "password": PASSWORD}).encode()
    req = urllib.request.Request(
        BASE + "/authenticate", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["data"]["token"]


@schemathesis.auth(refresh_interval=None)
class AdminToken:
    def get(self, case, ctx):
        for user_id in ADMIN_IDS:
            try:
                return login(user_id)
            except urllib.error.HTTPError:
                continue
        raise RuntimeError("every admin of the run was deleted or locked out")

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
