#!/usr/bin/env bash
# Runs scim2-tester, a public SCIM 2.0 conformance checker (pinned), against a
# live `usersctl serve` on a fresh database, over Users and Groups.
# Usage: tests/scim/run.sh [path/to/usersctl]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../target/debug/usersctl}")
venv=${SCIM_VENV:-$here/../../target/scim-venv}
if ! "$venv/bin/python" -c 'import scim2_tester, httpx2' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        'scim2-tester==0.5.2' 'scim2-client==0.13.2' 'scim2-models==0.12.3' 'httpx2==2.17.0'
fi

db=$(mktemp -d)
log=$db.log
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$db" "$log"' EXIT
export USERSCTL_DB=$db/db
"$bin" -q user create admin --email admin@example.com --role admin --generate-password >/dev/null
SCIM_KEY=$("$bin" -o name key create conformance --user admin)
RUST_LOG=warn "$bin" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 0 >"$log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "server did not start:"; cat "$log"; exit 1; }
SCIM_URL=$url/scim/v2 SCIM_KEY=$SCIM_KEY "$venv/bin/python" "$here/check.py"
