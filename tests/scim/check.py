"""Runs scim2-tester (https://github.com/python-scim/scim2-tester), a public
SCIM 2.0 conformance checker, against a live usersctl server, over every
check that applies to Users and Groups; fails on any check that errs.

SCIM_URL is the server's /scim/v2 and SCIM_KEY an admin's API key (from the
environment: never in argv).

One adaptation, and why: the checker makes up a userName as a random UUID
(36 characters), longer than a usersctl username may be (3 to 32 of
a-z 0-9 . _ -, as the schema's description says); it is given the 32 hex
digits of a random UUID instead. Nothing else is changed.
"""

import os
import sys
import uuid

import httpx2
import scim2_tester
import scim2_tester.filling as filling
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

made_up = filling.generate_random_value


def username_shaped(context, path, mutability=None, required=None):
    value = made_up(context, path, mutability=mutability, required=required)
    if str(path).split(":")[-1] == "userName" and isinstance(value, str):
        return uuid.uuid4().hex
    return value


# The checkers import the function by name: replace it wherever it is.
for name, module in list(sys.modules.items()):
    if name.startswith("scim2_tester") and getattr(module, "generate_random_value", None) is made_up:
        module.generate_random_value = username_shaped

url = os.environ["SCIM_URL"]
key = os.environ["SCIM_KEY"]
http = httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)
client = SyncSCIMClient(http)
results = check_server(client, resource_types=["User", "Group"])

counts = {}
bad = []
for r in results:
    counts[r.status.name] = counts.get(r.status.name, 0) + 1
    if r.status not in (Status.SUCCESS, Status.SKIPPED):
        bad.append(r)
    label = f"{r.status.name:8} {r.title}"
    if r.resource_type:
        label += f" [{r.resource_type}]"
    if r.status != Status.SUCCESS and r.reason:
        label += f": {r.reason}"
    print(label)
print(f"scim2-tester {scim2_tester.__name__}: {counts}")
if not any(r.status == Status.SUCCESS for r in results):
    sys.exit("no check passed: the checker did not run")
sys.exit(1 if bad else 0)
