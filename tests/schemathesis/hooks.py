"""Schemathesis hooks for usersctl: a fresh admin token for each test case.

Schemathesis exercises POST /logout (revoking the token it sent) and, as an
admin, may delete or block admins, so the hook logs in anew for every case, by
user id (an update cannot change it), with the first admin that still works.
When none does, it creates another with the command line, which the running
server carries out over its admin socket.
"""
import json
import os
import subprocess
import urllib.error
import urllib.request
import uuid

import schemathesis

BASE = os.environ["USERSCTL_URL"]
BIN = os.environ["USERSCTL_BIN"]
DB = os.environ["USERSCTL_DB"]
PASSWORD = os.environ["USERSCTL_ADMIN_PASSWORD"]
ADMIN_IDS = os.environ["USERSCTL_ADMIN_IDS"].split()


def login(user_id):
    body = json.dumps({"username": user_id, "password": PASSWORD}).encode()
    req = urllib.request.Request(
        BASE + "/authenticate", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["data"]["token"]


def new_admin():
    name = "rescue-" + uuid.uuid4().hex[:12]
    created = subprocess.run(
        [BIN, "--db", DB, "-o", "json", "user", "create", name,
         "--email", name + "@example.com", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, check=True,
    )
    return json.loads(created.stdout)["data"]["id"]


@schemathesis.auth(refresh_interval=None)
class AdminToken:
    def get(self, case, ctx):
        for user_id in list(ADMIN_IDS):
            try:
                return login(user_id)
            except urllib.error.HTTPError:
                ADMIN_IDS.remove(user_id)
        ADMIN_IDS.append(new_admin())
        return login(ADMIN_IDS[-1])

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
