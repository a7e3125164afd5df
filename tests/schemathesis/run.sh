#!/usr/bin/env bash
# Runs schemathesis, every check on, against a live `usersctl serve` on a fresh
# database. Usage: tests/schemathesis/run.sh [path/to/usersctl] [max-examples]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../target/debug/usersctl}")
examples=${2:-50}
command -v st >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'

db=$(mktemp -d)
log=$db.log
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$db" "$log"' EXIT
password='correct horse battery staple'
export USERSCTL_DB=$db/db
# Several admins: the run may delete or block some; the hook logs in with the
# first that still works, by id (no update can change it), and creates another
# through the running server when none does.
ids=()
for n in 1 2 3; do
    ids+=("$(printf '%s\n' "$password" | "$bin" user create "admin$n" --email "admin$n@example.com" \
        --role admin --password-stdin -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])')")
done
RUST_LOG=warn "$bin" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 0 >"$log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "server did not start:"; cat "$log"; exit 1; }
cd "$here"
USERSCTL_URL=$url USERSCTL_BIN=$bin USERSCTL_ADMIN_IDS="${ids[*]}" USERSCTL_ADMIN_PASSWORD=$password \
    SCHEMATHESIS_HOOKS=hooks \
    st --config-file schemathesis.toml run "$url/openapi.json" --checks all --max-examples "$examples" \
    --seed 1 --no-color
