#!/usr/bin/env bash
# usersctl on PostgreSQL, each figure beside its baseline from the same run:
# PostgreSQL's own tools (pgbench, COPY) on the same cluster, the embedded
# database's figure on the same data, the argon2 limit. The cluster is a
# throwaway one of the run's own (.ci/postgres, with PostgreSQL's durable
# defaults: fsync on), on this machine's cores, shared with wrk and the
# servers.
#
#   bench/postgres.sh [USERS] [OUT]   default: 1000000 users; the section
#                                     "## On PostgreSQL" of OUT (BENCHMARKS.md)
#                                     is replaced with the results
#
# BENCH_SECONDS (default 10) sets each load's length; BENCH_PROFILE=dev uses
# the debug build.
set -euo pipefail
N=${1:-1000000}
OUT=${2:-BENCHMARKS.md}
SECS=${BENCH_SECONDS:-10}
PROFILE=${BENCH_PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in wrk hyperfine curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        (apt-get update -qq && apt-get install -y -qq wrk hyperfine curl) >/dev/null
        break
    fi
done
if [ "$PROFILE" = release ]; then
    cargo build --release --locked --bin usersctl --example bench_tool
    target=$root/target/release
else
    cargo build --locked --bin usersctl --example bench_tool
    target=$root/target/debug
fi
BIN=$target/usersctl
TOOL=$target/examples/bench_tool
work=$(mktemp -d /tmp/usersctl-pgbench.XXXXXX)
chmod 755 "$work"
servers=()
eval "$(PG_DURABLE=1 .ci/postgres start)"
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    .ci/postgres stop "$PG_TEST_DIR"
    rm -rf "$work"
}
trap cleanup EXIT
PSQL=$PG_TEST_BIN/psql
PGBENCH=$PG_TEST_BIN/pgbench
base=${USERSCTL_TEST_DATABASE_URL%/*}
"$PSQL" -q "$USERSCTL_TEST_DATABASE_URL" -c 'CREATE DATABASE usersctl' -c 'CREATE DATABASE pgbench'
export USERSCTL_DB=$base/usersctl
export USERSCTL_JWT_SECRET="usersctl benchmarks: a shared signing secret of 32+ bytes"
SLED=$work/sled

calc() { python3 -c "print($1)"; }
now() { date +%s.%N; }
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); echo "  $1: $2 (baseline $3)" >&2; }
wrk_result() { grep '^RESULT' | sed 's/^RESULT //'; }
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
cores=$(nproc)

echo "== data: $N users" >&2
"$BIN" -q migrate
printf 'bench password\n' | "$BIN" -q user create benchadmin --email benchadmin@example.com \
    --role admin --password-stdin >/dev/null
hash=$("$TOOL" hash "bench password")
"$TOOL" gen "$N" "$hash" >"$work/users.jsonl"

echo "== users import, against COPY of the same rows" >&2
# The same rows as COPY takes them, made beforehand (not timed).
python3 - "$work/users.jsonl" "$work/users.csv" <<'PY'
import csv, json, sys, uuid
with open(sys.argv[1]) as src, open(sys.argv[2], "w", newline="") as dst:
    out = csv.writer(dst)
    for line in src:
        u = json.loads(line)
        t = "2026-01-01T00:00:00Z"
        out.writerow([uuid.uuid4(), u["username"], u["email"], u["email"].lower(), u["name"],
                      u["name"].lower(), "user", "f", None, "f", json.dumps(u["attributes"]),
                      u["password_hash"], None, t, t, t, None])
PY
"$PSQL" -q "$USERSCTL_DB" -c 'CREATE TABLE copy_target (LIKE users INCLUDING ALL)'
cols="id, username, email, email_key, name, search_name, role, blocked, block_reason, must_change_password, attributes, password_hash, tokens_after, created_at, updated_at, password_changed_at, last_login_at"
t0=$(now); "$PSQL" -q "$USERSCTL_DB" -c "\\copy copy_target ($cols) FROM '$work/users.csv' CSV"; t1=$(now)
copy_s=$(calc "$t1 - $t0")
"$PSQL" -q "$USERSCTL_DB" -c 'DROP TABLE copy_target'
t0=$(now); "$BIN" -q users import "$work/users.jsonl"; t1=$(now)
import_s=$(calc "$t1 - $t0")
row "\`users import\` of $N pre-hashed users" "$(calc "round($N / $import_s)") users/s ($(calc "round($import_s, 1)") s)" \
    "\`COPY\` of the same rows into a table like \`users\` (its indexes too): $(calc "round($N / $copy_s)") rows/s ($(calc "round($copy_s, 1)") s)" \
    "$(calc "round($import_s / $copy_s, 1)") × COPY's time"
echo "== users export, against COPY out" >&2
t0=$(now); "$BIN" users export >"$work/export.jsonl"; t1=$(now)
export_s=$(calc "$t1 - $t0")
t0=$(now); "$PSQL" -q "$USERSCTL_DB" -c "\\copy (SELECT * FROM users ORDER BY id) TO '$work/copy-out.csv' CSV"; t1=$(now)
copy_out_s=$(calc "$t1 - $t0")
row "\`users export\` of $N users" "$(calc "round($export_s, 1)") s" \
    "\`COPY (SELECT * FROM users ORDER BY id) TO\` a file: $(calc "round($copy_out_s, 1)") s" \
    "$(calc "round($export_s / $copy_out_s, 1)") × COPY's time"
# The embedded database gets the same users, ids included, for its figure.
"$BIN" --db "$SLED" -q users import "$work/export.jsonl"
shuf -n 10000 --random-source=<(yes) "$work/export.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["id"])' >"$work/ids.txt"
export IDS=$work/ids.txt

start_server() { # DB-ARGS… → the server's URL on stdout
    local n=${#servers[@]}
    "$BIN" "$@" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 1000000 \
        >"$work/serve-$n.out" 2>"$work/serve-$n.log" &
    servers+=($!)
    for _ in $(seq 300); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve-$n.out" | head -n 1 || true)
        [ -n "$url" ] && { echo "$url"; return; }
        sleep 0.1
    done
    cat "$work/serve-$n.log" >&2; exit 1
}
stop_servers() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    servers=()
}
token() {
    curl -sf "$1/authenticate" -H 'Content-Type: application/json' \
        -d '{"username":"benchadmin","password":"bench password"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])'
}

echo "== GET /users/{id}: sled, then PostgreSQL, then pgbench -S" >&2
url=$(start_server --db "$SLED")
TOKEN=$(token "$url") MODE=get wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result >"$work/sled-get.txt"
stop_servers
sled_get=$(cat "$work/sled-get.txt")
url=$(start_server)
export TOKEN
TOKEN=$(token "$url")
get=$(MODE=get wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
"$PGBENCH" -q -i -s 10 "$base/pgbench" >/dev/null 2>&1
pgb=$("$PGBENCH" -n -S -c 32 -j 2 -T "$SECS" "$base/pgbench" 2>/dev/null | sed -n 's/^tps = \([0-9]*\).*/\1/p')
get_rps=$(field "$get" ok_rps)
row "\`GET /users/{id}\` with a token, 32 connections" "$get_rps req/s (p99 $(field "$get" p99_ms) ms)" \
    "\`pgbench -S\` (one primary-key SELECT a transaction), 32 clients: $pgb tps; the same request on the embedded database: $(field "$sled_get" ok_rps) req/s" \
    "$(calc "round($get_rps / $pgb, 2)") × pgbench -S (a request is 2 queries: the token's revocation and holder, then the user); $(calc "round($get_rps / $(field "$sled_get" ok_rps), 2)") × sled"

echo "== POST /authenticate against the argon2 limit" >&2
verify_s=$("$TOOL" verify-time "bench password" 20 "$cores")
limit=$(calc "round($cores / $verify_s, 1)")
login=$(MODE=login wrk -t2 -c64 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`POST /authenticate\`, 64 connections" "$(field "$login" ok_rps) logins/s ($(field "$login" busy) answered 429/503)" \
    "argon2 limit: $cores cores ÷ $(calc "round($verify_s * 1000, 1)") ms = $limit/s" \
    "$(calc "round($(field "$login" ok_rps) / $limit, 2)") × limit"

echo "== PATCH writes, against pgbench's simple update" >&2
patch=$(MODE=patch wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
pgu=$("$PGBENCH" -n -b simple-update -c 32 -j 2 -T "$SECS" "$base/pgbench" 2>/dev/null | sed -n 's/^tps = \([0-9]*\).*/\1/p')
row "acknowledged \`PATCH\` writes, 32 connections" "$(field "$patch" ok_rps) writes/s (p99 $(field "$patch" p99_ms) ms)" \
    "\`pgbench -b simple-update\` (three statements, one commit), 32 clients: $pgu tps" \
    "$(calc "round($(field "$patch" ok_rps) / $pgu, 2)") × pgbench"

echo "== DELETE to the recycle bin, against ?purge=true; a sparse clean-up selection" >&2
# Users the reads do not probe, from the end of the export, halved.
tail -n 80000 "$work/export.jsonl" | python3 -c '
import json, sys
probed = set(open(sys.argv[3]).read().split())
ids = [i for i in (json.loads(line)["id"] for line in sys.stdin) if i not in probed]
half = len(ids) // 2
open(sys.argv[1], "w").write("\n".join(ids[:half]) + "\n")
open(sys.argv[2], "w").write("\n".join(ids[half:]) + "\n")' "$work/del-purge.txt" "$work/del-bin.txt" "$work/ids.txt"
purged=$(MODE=delete PURGE=1 IDS=$work/del-purge.txt wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
binned=$(MODE=delete IDS=$work/del-bin.txt wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "acknowledged \`DELETE /users/{id}\` to the recycle bin, 32 connections" \
    "$(field "$binned" ok_rps) deletes/s (p99 $(field "$binned" p99_ms) ms)" \
    "\`?purge=true\` (no bin): $(field "$purged" ok_rps)/s" \
    "$(calc "round($(field "$binned" ok_rps) / $(field "$purged" ok_rps), 2)") × purge"
all=$(MODE=path URL_PATH="/users?limit=100" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
sparse=$(MODE=path URL_PATH="/users?limit=100&created_before=2016-01-01T00:00:00Z" wrk -t1 -c1 -d"${SECS}s" --timeout 30s -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?created_before=2016-01-01T00:00:00Z&limit=100\` (1 in 10,000 match), first page" \
    "p50 $(field "$sparse" p50_ms) ms, p99 $(field "$sparse" p99_ms) ms" \
    "\`GET /users?limit=100\` (no filter): p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms: $(python3 -c "print('met' if $(field "$sparse" p99_ms) < 50 and $(field "$sparse" ok) > 0 else 'missed')")"
by_name=$(MODE=path URL_PATH="/users?limit=100&sort=-username" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?sort=-username&limit=100\`, first page" \
    "p50 $(field "$by_name" p50_ms) ms, p99 $(field "$by_name" p99_ms) ms" \
    "\`GET /users?limit=100\` (id order): p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms: $(python3 -c "print('met' if $(field "$by_name" p99_ms) < 50 and $(field "$by_name" ok) > 0 else 'missed')")"
# SCIM's page, as an identity provider reads it, with an admin's API key.
KEY=$("$BIN" -o name key create bench-scim --user benchadmin)
scim_page=$(TOKEN=$KEY MODE=path URL_PATH="/scim/v2/Users?startIndex=1&count=100" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /scim/v2/Users?startIndex=1&count=100\` (of $N users), a page" \
    "p50 $(field "$scim_page" p50_ms) ms, p99 $(field "$scim_page" p99_ms) ms" \
    "\`GET /users?limit=100\`: p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms: $(python3 -c "print('met' if $(field "$scim_page" p99_ms) < 50 and $(field "$scim_page" ok) > 0 else 'missed')")"

echo "== one instance against two" >&2
url2=$(start_server)
( MODE=get wrk -t1 -c16 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result >"$work/two-a.txt" ) &
a=$!
MODE=get wrk -t1 -c16 -d"${SECS}s" -s bench/http.lua "$url2" | wrk_result >"$work/two-b.txt"
wait "$a"
two=$(calc "round($(field "$(cat "$work/two-a.txt")" ok_rps) + $(field "$(cat "$work/two-b.txt")" ok_rps), 1)")
row "\`GET /users/{id}\`, two instances, 16 connections each" "$two req/s together" \
    "one instance, 32 connections: $get_rps req/s" \
    "$(calc "round($two / $get_rps, 2)") × one instance (both on the same $cores cores as PostgreSQL and wrk)"
stop_servers

section=$(
    echo "## On PostgreSQL"
    echo
    echo "Measured by \`bench/postgres.sh $N\` ($PROFILE build) on $(date -u +%Y-%m-%d), $cores cores, with"
    echo "PostgreSQL $("$PG_TEST_BIN/postgres" --version | awk '{print $3}') on the same machine (a cluster of the run's own, durable defaults:"
    echo "fsync on, READ COMMITTED); wrk, the servers and PostgreSQL share the cores, each load ${SECS} s."
    echo
    echo "| figure | measured | baseline (same run) | ratio |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Reproduce: \`bench/postgres.sh $N\` (starts and removes its own cluster; installs wrk and"
    echo "hyperfine with apt-get if missing)."
)
python3 - "$OUT" "$section" <<'PY'
import sys
path, section = sys.argv[1], sys.argv[2].rstrip("\n") + "\n"
try:
    text = open(path).read()
except FileNotFoundError:
    text = ""
start = text.find("## On PostgreSQL")
if start < 0:
    text = text.rstrip("\n") + ("\n\n" if text else "") + section
else:
    end = text.find("\n## ", start + 1)
    text = text[:start] + section + (text[end:] if end >= 0 else "")
open(path, "w").write(text)
PY
echo "wrote the PostgreSQL section of $OUT" >&2
