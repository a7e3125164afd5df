#!/usr/bin/env bash
# Measures usersctl against the limits of this machine, each figure beside its
# baseline from the same run, and writes the results as Markdown.
#
#   bench/run.sh [USERS] [OUT]      default: 1000000 users into BENCHMARKS.md
#
# BENCH_SECONDS (default 10) sets each load's length; BENCH_PROFILE=dev uses the
# debug build (the short form that .ci/run runs so the harness cannot rot:
# `BENCH_PROFILE=dev BENCH_SECONDS=2 bench/run.sh 20000 /tmp/bench.md`).
set -euo pipefail
N=${1:-1000000}
OUT=${2:-BENCHMARKS.md}
SECS=${BENCH_SECONDS:-10}
PROFILE=${BENCH_PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in wrk hyperfine curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "installing $tool…" >&2
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
work=$(mktemp -d /tmp/usersctl-bench.XXXXXX)
# The baseline for what the audit trail and the recycle bin cost a write:
# usersctl as it was before either (BENCH_BASE, a commit), built from a
# worktree into a target directory of its own, which later runs reuse.
# BENCH_BASE=self measures this build against itself: the harness alone, for
# .ci/run, which has no time to build another.
BASE_REV=${BENCH_BASE:-fc49dcd}
BASE_BIN=
if [ "$BASE_REV" = self ]; then
    BASE_BIN=$BIN
elif git -C "$root" rev-parse --verify -q "$BASE_REV^{commit}" >/dev/null; then
    git -C "$root" worktree add -f --detach "$work/base-src" "$BASE_REV" >/dev/null 2>&1
    if [ "$PROFILE" = release ]; then base_flags=(--release); else base_flags=(); fi
    if cargo build "${base_flags[@]}" --locked --bin usersctl \
        --manifest-path "$work/base-src/Cargo.toml" --target-dir "$root/target/bench-base" >&2; then
        BASE_BIN=$work/usersctl-base
        cp "$root/target/bench-base/$([ "$PROFILE" = release ] && echo release || echo debug)/usersctl" "$BASE_BIN"
    fi
    git -C "$root" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true
fi
DB=$work/db
server=
ab_pids=
cleanup() {
    for pid in $server $ab_pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

calc() { python3 -c "print($1)"; }
now() { date +%s.%N; }
rss_mib() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
verdict() { if python3 -c "import sys; sys.exit(0 if ($1) else 1)"; then echo "met"; else echo "**missed**"; fi; }
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); echo "  $1: $2 (baseline $3; target $4: $5)" >&2; }
wrk_result() { grep '^RESULT' | sed 's/^RESULT //'; }
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
cores=$(nproc)

echo "== data: $N users" >&2
printf 'bench password\n' | "$BIN" --db "$DB" -q user create benchadmin --email benchadmin@example.com --role admin --password-stdin >/dev/null
hash=$("$TOOL" hash "bench password")
"$TOOL" gen "$N" "$hash" >"$work/users.jsonl"

echo "== users import" >&2
t0=$(now); cp "$work/users.jsonl" "$work/copy.jsonl"; sync "$work/copy.jsonl"; t1=$(now)
copy_s=$(calc "$t1 - $t0"); rm "$work/copy.jsonl"
t0=$(now); "$BIN" --db "$DB" -q users import "$work/users.jsonl"; t1=$(now)
import_s=$(calc "$t1 - $t0"); import_rate=$(calc "round($N / $import_s)")
row "\`users import\` of $N pre-hashed users" "$import_rate users/s ($(calc "round($import_s, 2)") s)" \
    "copying the file and syncing it: $(calc "round($copy_s, 2)") s" "≥ 30,000 users/s" "$(verdict "$import_rate >= 30000")"
disk=$(du -sb "$DB/sled" | cut -f1)
per_user=$(calc "round($disk / ($N + 1))")
row "bytes on disk per user" "$per_user B ($(calc "round($disk / 1048576)") MiB in all)" \
    "the import line: $(calc "round($(stat -c %s "$work/users.jsonl") / $N)") B" "record it" "recorded"

echo "== users import with plain passwords (hashed on every core)" >&2
plain=$(( N >= 200000 ? 400 : 100 ))
python3 -c "
for i in range($plain):
    print('{\"username\":\"plain%05d\",\"email\":\"plain%05d@example.com\",\"password\":\"Tq8#vL%05dpZx!r\"}' % (i, i, i))
" >"$work/plain.jsonl"
hash_s=$("$TOOL" verify-time "bench password" 10 "$cores")
t0=$(now); "$BIN" --db "$work/plain-db" -q users import "$work/plain.jsonl"; t1=$(now)
plain_rate=$(calc "round($plain / ($t1 - $t0), 1)")
hash_limit=$(calc "round($cores / $hash_s, 1)")
row "\`users import\` of $plain plain passwords" "$plain_rate users/s" \
    "argon2 limit: $cores cores ÷ $(calc "round($hash_s * 1000, 1)") ms = $hash_limit/s" \
    "hashed on every core (≥ 0.8 × limit: $(calc "round($plain_rate / $hash_limit, 2)") ×)" "$(verdict "$plain_rate >= 0.8 * $hash_limit")"

echo "== users export" >&2
t0=$(now); "$BIN" --db "$DB" users export >"$work/export.jsonl"; t1=$(now)
export_s=$(calc "$t1 - $t0")
t0=$(now); cat "$work/export.jsonl" >/dev/null; t1=$(now); cat_s=$(calc "$t1 - $t0")
export_target=$(calc "5 * $N / 1000000")
row "\`users export\` of $N users" "$(calc "round($export_s, 2)") s" "reading the export back: $(calc "round($cat_s, 2)") s" \
    "< $export_target s (5 s at 1M)" "$(verdict "$export_s < $export_target")"

echo "== user get and users list, server stopped" >&2
probe=$(sed -n "$((N / 2 + 1))p" "$work/users.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["username"])')
deep=$(sed -n "$((N - 200))p" "$work/export.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
hyperfine -N --warmup 3 --min-runs 20 --export-json "$work/cli.json" \
    "$TOOL floor $DB $probe" \
    "$BIN --db $DB user get $probe -o json" \
    "$BIN --db $DB users list --limit 100 --cursor $deep -o json" >&2
read -r floor_ms get_ms list_ms < <(python3 -c "
import json; r = json.load(open('$work/cli.json'))['results']
print(*[round(x['mean'] * 1000, 2) for x in r])")
row "\`usersctl user get\`, server stopped" "$get_ms ms" "bare open + one lookup: $floor_ms ms" \
    "≤ 1.2 × floor ($(calc "round($get_ms / $floor_ms, 2)") ×)" "$(verdict "$get_ms <= 1.2 * $floor_ms")"
row "\`users list --limit 100\` from deep in the list" "$list_ms ms" "bare open + one lookup: $floor_ms ms" \
    "≤ 1.2 × floor ($(calc "round($list_ms / $floor_ms, 2)") ×)" "$(verdict "$list_ms <= 1.2 * $floor_ms")"

echo "== server" >&2
"$BIN" --db "$DB" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 1000000 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
url=
for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
export TOKEN
TOKEN=$(curl -sf "$url/authenticate" -H 'Content-Type: application/json' \
    -d '{"username":"benchadmin","password":"bench password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
shuf -n 10000 --random-source=<(yes) "$work/export.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["id"])' >"$work/ids.txt"
export IDS=$work/ids.txt

echo "== user get through the running server's admin socket" >&2
hyperfine -N --warmup 3 --min-runs 20 --export-json "$work/socket.json" \
    "$BIN --db $DB user get $probe -o json" >&2
socket_ms=$(python3 -c "import json; print(round(json.load(open('$work/socket.json'))['results'][0]['mean'] * 1000, 2))")
row "\`usersctl user get\` while the server runs (admin socket)" "$socket_ms ms" \
    "server stopped (opens the database): $get_ms ms" "no database-open cost ($(calc "round($get_ms / $socket_ms, 1)") × faster)" \
    "$(verdict "$socket_ms < $get_ms")"

echo "== GET /users/{id} against GET /version" >&2
fixed=$(MODE=version wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
get=$(MODE=get wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
fixed_rps=$(field "$fixed" rps); get_rps=$(field "$get" ok_rps); get_p99=$(field "$get" p99_ms)
row "\`GET /users/{id}\` with a token, 32 connections" "$get_rps req/s" "\`GET /version\`: $fixed_rps req/s" \
    "≥ 0.6 × baseline ($(calc "round($get_rps / $fixed_rps, 2)") ×)" "$(verdict "$get_rps >= 0.6 * $fixed_rps")"
row "\`GET /users/{id}\` p99 latency, 32 connections" "$get_p99 ms" "p50 $(field "$get" p50_ms) ms" "< 5 ms" \
    "$(verdict "$get_p99 < 5")"

echo "== POST /authenticate login storm" >&2
# One verify's time alone, and with every core verifying at once: hashes on
# all cores share the memory bus and caches (19 MiB each), and each takes
# longer; that is the most a login storm can reach, so it is the limit.
verify_alone_s=$("$TOOL" verify-time "bench password" 20)
verify_s=$("$TOOL" verify-time "bench password" 20 "$cores")
limit=$(calc "round($cores / $verify_s, 1)")
peak=0
( while kill -0 "$server" 2>/dev/null; do rss_mib "$server"; echo; sleep 0.2; done ) >"$work/rss.txt" &
sampler=$!
# The probe reads at a modest 200 requests a second (a pause of 5 ms), as a
# service would; a flat-out reader would be a load of its own.
MODE=get DELAY_MS=5 wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result >"$work/probe.txt" &
probe_pid=$!
login=$(MODE=login wrk -t2 -c64 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
wait "$probe_pid"
kill "$sampler" 2>/dev/null || true
peak=$(sort -n "$work/rss.txt" | tail -n 1)
probe_out=$(cat "$work/probe.txt")
login_rps=$(field "$login" ok_rps)
row "\`POST /authenticate\`, 64 connections" "$login_rps logins/s ($(field "$login" busy) answered 503)" \
    "argon2 limit: $cores cores ÷ $(calc "round($verify_s * 1000, 1)") ms, one verify's time with all $cores verifying ($(calc "round($verify_alone_s * 1000, 1)") ms alone) = $limit/s" \
    "≥ 0.9 × limit ($(calc "round($login_rps / $limit, 2)") ×)" "$(verdict "$login_rps >= 0.9 * $limit")"
row "\`GET /users/{id}\` p99 during the login storm" "$(field "$probe_out" p99_ms) ms" "p50 $(field "$probe_out" p50_ms) ms" \
    "< 10 ms" "$(verdict "$(field "$probe_out" p99_ms) < 10")"
row "server RSS during the login storm" "$peak MiB peak" "—" "< 300 MiB" "$(verdict "$peak < 300")"

echo "== PATCH writes" >&2
fsync_rate=$("$TOOL" fsync-rate 2 "$work")
patch=$(MODE=patch wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
patch_rps=$(field "$patch" ok_rps)
row "acknowledged \`PATCH\` writes, 32 connections" "$patch_rps writes/s (p99 $(field "$patch" p99_ms) ms)" \
    "one write + fsync at a time: $fsync_rate/s" "≥ 5,000/s" "$(verdict "$patch_rps >= 5000")"

echo "== DELETE writes: to the recycle bin, and for good" >&2
# Names 1..2×count go to the bulk deletes below; the rest, halved, here.
count=$(( N >= 200000 ? 100000 : N / 5 ))
sed -n "$((2 * count + 1)),\$p" "$work/export.jsonl" | python3 -c '
import json, sys
ids = [json.loads(line)["id"] for line in sys.stdin]
half = len(ids) // 2
open(sys.argv[1], "w").write("\n".join(ids[:half]) + "\n")
open(sys.argv[2], "w").write("\n".join(ids[half:]) + "\n")' "$work/del-purge.txt" "$work/del-bin.txt"
purged=$(MODE=delete PURGE=1 IDS=$work/del-purge.txt wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
binned=$(MODE=delete IDS=$work/del-bin.txt wrk -t2 -c32 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
purged_rps=$(field "$purged" ok_rps); binned_rps=$(field "$binned" ok_rps)
row "acknowledged \`DELETE /users/{id}\` to the recycle bin, 32 connections" \
    "$binned_rps deletes/s (p99 $(field "$binned" p99_ms) ms)" "\`?purge=true\` (no bin): $purged_rps/s" \
    "≥ 0.8 × baseline ($(calc "round($binned_rps / $purged_rps, 2)") ×)" "$(verdict "$binned_rps >= 0.8 * $purged_rps")"

sleep 2
rest=$(rss_mib "$server")
row "server RSS at rest after the loads" "$rest MiB" "—" "< 256 MiB" "$(verdict "$rest < 256")"

echo "== GET /users with a clean-up selection" >&2
# One user in a hundred was created long ago and never logged in (bench_tool
# gen): the selection a nightly clean-up makes. One connection: the time of
# a page alone. Last of the loads: a selection that finds few users reads
# every record, which grows the server's memory (its own row below).
all=$(MODE=path URL_PATH="/users?limit=100" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
sel=$(MODE=path URL_PATH="/users?limit=100&inactive_for=90d" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?inactive_for=90d&limit=100\` (1 in 100 of $N match), first page" \
    "p50 $(field "$sel" p50_ms) ms, p99 $(field "$sel" p99_ms) ms" \
    "\`GET /users?limit=100\` (no filter): p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$sel" p99_ms) < 50 and $(field "$sel" ok) > 0")"
sparse=$(MODE=path URL_PATH="/users?limit=100&created_before=2016-01-01T00:00:00Z" wrk -t1 -c1 -d"${SECS}s" --timeout 30s -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?created_before=2016-01-01T00:00:00Z&limit=100\` (1 in 10,000 match), first page" \
    "p50 $(field "$sparse" p50_ms) ms, p99 $(field "$sparse" p99_ms) ms" \
    "\`GET /users?limit=100\` (no filter): p50 $(field "$all" p50_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$sparse" p99_ms) < 50 and $(field "$sparse" ok) > 0")"
# Sorted: off the name indexes, each entry's record read; with a filter,
# as many records as it takes to find a page's matches.
by_name=$(MODE=path URL_PATH="/users?limit=100&sort=username" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?sort=username&limit=100\`, first page" \
    "p50 $(field "$by_name" p50_ms) ms, p99 $(field "$by_name" p99_ms) ms" \
    "\`GET /users?limit=100\` (id order): p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$by_name" p99_ms) < 50 and $(field "$by_name" ok) > 0")"
middle=$(sed -n "$((N / 2))p" "$work/export.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["email"].lower())')
by_email=$(MODE=path URL_PATH="/users?limit=100&sort=-email&inactive_for=90d&cursor=$middle" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /users?sort=-email&inactive_for=90d&limit=100\` (1 in 100 match), a page from the middle" \
    "p50 $(field "$by_email" p50_ms) ms, p99 $(field "$by_email" p99_ms) ms" \
    "\`GET /users?inactive_for=90d&limit=100\` (id order): p50 $(field "$sel" p50_ms) ms, p99 $(field "$sel" p99_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$by_email" p99_ms) < 50 and $(field "$by_email" ok) > 0")"
t0=$(now); n_old=$("$BIN" --db "$DB" users list --inactive-for 90d --count); t1=$(now)
t2=$(now); n_all=$("$BIN" --db "$DB" users list --count); t3=$(now)
row "\`users list --inactive-for 90d --count\` through the server ($n_old of $n_all)" \
    "$(calc "round(($t1 - $t0) * 1000)") ms" "\`users list --count\` of all: $(calc "round(($t3 - $t2) * 1000)") ms" \
    "< 1 s" "$(verdict "$t1 - $t0 < 1")"

echo "== a group of up to 100,000 members" >&2
# The last users of the export (the delete-many rows below use the first).
gn=$(( N / 2 < 100000 ? N / 2 : 100000 ))
tail -n "$gn" "$work/export.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["username"])' >"$work/group-names.txt"
"$BIN" --db "$DB" -q group create bench-group >/dev/null
t0=$(now); "$BIN" --db "$DB" -q group add --to bench-group --users-from - <"$work/group-names.txt" >/dev/null; t1=$(now)
group_s=$(calc "$t1 - $t0")
row "\`group add\` of $gn members from stdin through the server (1,000 a transaction)" \
    "$(calc "round($group_s, 2)") s ($(calc "round($gn / $group_s)") members/s)" \
    "\`users import\` earlier: $import_rate users/s" \
    "< $(calc "5 * $gn / 100000") s (5 s for 100,000)" "$(verdict "$group_s < 5 * $gn / 100000")"
members=$(MODE=path URL_PATH="/groups/bench-group/members?limit=100" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /groups/bench-group/members?limit=100\` ($gn members), first page" \
    "p50 $(field "$members" p50_ms) ms, p99 $(field "$members" p99_ms) ms" \
    "\`GET /users?limit=100\` (no filter): p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$members" p99_ms) < 50 and $(field "$members" ok) > 0")"

echo "== SCIM: a page of users, and an identity provider's look-up" >&2
# An admin's API key, made through the running server's socket.
KEY=$("$BIN" --db "$DB" -o name key create bench-scim --user benchadmin)
scim_page=$(TOKEN=$KEY MODE=path URL_PATH="/scim/v2/Users?startIndex=1&count=100" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /scim/v2/Users?startIndex=1&count=100\` (of about $N users), a page" \
    "p50 $(field "$scim_page" p50_ms) ms, p99 $(field "$scim_page" p99_ms) ms" \
    "\`GET /users?limit=100\`: p50 $(field "$all" p50_ms) ms, p99 $(field "$all" p99_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$scim_page" p99_ms) < 50 and $(field "$scim_page" ok) > 0")"
looked=$(tail -n 1 "$work/group-names.txt")
scim_find=$(TOKEN=$KEY MODE=path URL_PATH="/scim/v2/Users?filter=userName%20eq%20%22$looked%22" wrk -t1 -c1 -d"${SECS}s" -s bench/http.lua "$url" | wrk_result)
row "\`GET /scim/v2/Users?filter=userName eq \"…\"\` (a provider's look-up)" \
    "p50 $(field "$scim_find" p50_ms) ms, p99 $(field "$scim_find" p99_ms) ms" \
    "\`GET /users?limit=100\`: p50 $(field "$all" p50_ms) ms" \
    "p99 < 50 ms" "$(verdict "$(field "$scim_find" p99_ms) < 50 and $(field "$scim_find" ok) > 0")"

sleep 2
scanned=$(rss_mib "$server")
row "server RSS after the selections (full scans of $N records)" "$scanned MiB" "at rest before them: $rest MiB" \
    "record it" "recorded"
kill -TERM "$server"; wait "$server" || true; server=

echo "== users delete-many from stdin, users restore" >&2
names() {
    sed -n "$1,$2p" "$work/export.jsonl" | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["username"])'
}
names 1 "$count" >"$work/names.txt"
names "$((count + 1))" "$((2 * count))" >"$work/purge-names.txt"
t0=$(now); "$BIN" --db "$DB" -q users delete-many --from - --purge --yes <"$work/purge-names.txt" >/dev/null; t1=$(now)
purge_s=$(calc "$t1 - $t0")
t0=$(now); "$BIN" --db "$DB" -q users delete-many --from - --yes <"$work/names.txt" >/dev/null; t1=$(now)
delete_s=$(calc "$t1 - $t0")
delete_target=$(calc "5 * $count / 100000")
row "\`users delete-many\` of $count names from stdin, to the recycle bin" \
    "$(calc "round($delete_s, 2)") s ($(calc "round($count / $delete_s)") names/s)" \
    "\`--purge\` (no bin) of $count others: $(calc "round($purge_s, 2)") s" \
    "< $delete_target s (5 s for 100,000); the bin's cost against the build without it is below ($(calc "round($delete_s / $purge_s, 2)") × of \`--purge\` here)" \
    "$(verdict "$delete_s < $delete_target")"
t0=$(now); "$BIN" --db "$DB" -q users restore --from - <"$work/names.txt" >/dev/null; t1=$(now)
restore_s=$(calc "$t1 - $t0")
row "\`users restore\` of those $count users" "$(calc "round($restore_s, 2)") s" \
    "their delete: $(calc "round($delete_s, 2)") s" "< $delete_target s (5 s for 100,000)" \
    "$(verdict "$restore_s < $delete_target")"

echo "== what the audit trail and the recycle bin cost a write (against $BASE_REV)" >&2
# Each build imports the same users into a database of its own and serves it;
# both servers stay up, and the same PATCH and DELETE loads go to one, then
# the other, then back in the opposite order (base, cur, cur, base): a drift
# of the machine's speed over the run (another tenant, a warming cache)
# weighs on both builds alike. Each load runs half of SECS, so the section
# takes as long as one load of each kind per build.
if [ -n "$BASE_BIN" ]; then
    ab_n=$(( N < 200000 ? N : 200000 ))
    ab_secs=$(calc "max(1, $SECS // 2)")
    head -n "$ab_n" "$work/users.jsonl" >"$work/ab.jsonl"
    declare -A ab ab_url ab_server ab_token
    for which in base cur; do
        bin=$BIN; [ "$which" = base ] && bin=$BASE_BIN
        db=$work/ab-$which
        printf 'bench password\n' | "$bin" --db "$db" -q user create benchadmin --email benchadmin@example.com --role admin --password-stdin >/dev/null
        t0=$(now); "$bin" --db "$db" -q users import "$work/ab.jsonl"; t1=$(now)
        ab[import_$which]=$(calc "round($ab_n / ($t1 - $t0))")
        # Ids: 30 % for PATCH (and then delete-many), the rest for DELETE, in
        # a half for each of the two rounds.
        "$bin" --db "$db" users export | python3 -c '
import json, sys
ids = [json.loads(line)["id"] for line in sys.stdin if "benchadmin" not in line]
cut = len(ids) * 3 // 10
half = cut + (len(ids) - cut) // 2
stem = sys.argv[1]
open(stem + "patch.txt", "w").write("\n".join(ids[:cut]) + "\n")
open(stem + "del1.txt", "w").write("\n".join(ids[cut:half]) + "\n")
open(stem + "del2.txt", "w").write("\n".join(ids[half:]) + "\n")' "$work/ab-$which-"
        "$bin" --db "$db" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 1000000 >"$work/ab-$which.out" 2>"$work/ab-$which.log" &
        ab_server[$which]=$!
        ab_pids+=" $!"
        url=
        for _ in $(seq 300); do
            url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/ab-$which.out" | head -n 1 || true)
            [ -n "$url" ] && break
            sleep 0.1
        done
        [ -n "$url" ] || { cat "$work/ab-$which.log" >&2; exit 1; }
        ab_url[$which]=$url
        ab_token[$which]=$(curl -sf "$url/authenticate" -H 'Content-Type: application/json' \
            -d '{"username":"benchadmin","password":"bench password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
    done
    # ab_load MODE WHICH ROUND: one load, its rate added to ab[MODE_WHICH]
    # and kept as ab[MODE_WHICH_ROUND].
    ab_load() {
        local ids=$work/ab-$2-patch.txt
        [ "$1" = delete ] && ids=$work/ab-$2-del$3.txt
        local rps
        rps=$(field "$(MODE=$1 IDS=$ids TOKEN=${ab_token[$2]} wrk -t2 -c32 -d"${ab_secs}s" -s bench/http.lua "${ab_url[$2]}" | wrk_result)" ok_rps)
        ab[$1_$2_$3]=$rps
        ab[$1_$2]=$(calc "${ab[$1_$2]:-0} + $rps")
    }
    for mode in patch delete; do
        ab_load "$mode" base 1; ab_load "$mode" cur 1
        ab_load "$mode" cur 2; ab_load "$mode" base 2
    done
    for which in base cur; do
        kill -TERM "${ab_server[$which]}"; wait "${ab_server[$which]}" || true
    done
    ab_pids=
    for which in base cur; do
        bin=$BIN; [ "$which" = base ] && bin=$BASE_BIN
        # The users PATCH left standing, deleted by id in one command: to
        # the bin with the trail, or (the baseline) for good without either.
        t0=$(now); "$bin" --db "$work/ab-$which" -q users delete-many --from - --yes <"$work/ab-$which-patch.txt" >/dev/null; t1=$(now)
        ab[many_$which]=$(calc "round($(wc -l <"$work/ab-$which-patch.txt") / ($t1 - $t0))")
    done
    # A rate over both rounds, and each round's ratio, for the table.
    for mode in patch delete; do
        for which in base cur; do ab[${mode}_$which]=$(calc "round(${ab[${mode}_$which]} / 2, 1)"); done
        ab[${mode}_rounds]="rounds: $(calc "round(${ab[${mode}_cur_1]} / ${ab[${mode}_base_1]}, 2)") ×, $(calc "round(${ab[${mode}_cur_2]} / ${ab[${mode}_base_2]}, 2)") ×"
    done
    row "\`PATCH\` writes with the audit trail, 32 connections ($ab_n users; two rounds of ${ab_secs} s, ABBA)" "${ab[patch_cur]} writes/s" \
        "$BASE_REV (no trail): ${ab[patch_base]}/s" \
        "≥ 0.8 × baseline ($(calc "round(${ab[patch_cur]} / ${ab[patch_base]}, 2)") ×; ${ab[patch_rounds]})" \
        "$(verdict "${ab[patch_cur]} >= 0.8 * ${ab[patch_base]}")"
    row "\`DELETE /users/{id}\` to the recycle bin with the audit trail, 32 connections" "${ab[delete_cur]} deletes/s" \
        "$BASE_REV (no bin, no trail): ${ab[delete_base]}/s" \
        "≥ 0.8 × baseline ($(calc "round(${ab[delete_cur]} / ${ab[delete_base]}, 2)") ×; ${ab[delete_rounds]})" \
        "$(verdict "${ab[delete_cur]} >= 0.8 * ${ab[delete_base]}")"
    row "\`users delete-many --from -\` of $(wc -l <"$work/ab-cur-patch.txt") ids to the recycle bin with the audit trail" "${ab[many_cur]} users/s" \
        "$BASE_REV (no bin, no trail): ${ab[many_base]}/s" \
        "≥ 0.8 × baseline ($(calc "round(${ab[many_cur]} / ${ab[many_base]}, 2)") ×)" \
        "$(verdict "${ab[many_cur]} >= 0.8 * ${ab[many_base]}")"
    row "\`users import\` of $ab_n pre-hashed users with the audit trail" "${ab[import_cur]} users/s" \
        "$BASE_REV (no trail): ${ab[import_base]}/s" \
        "≥ 0.8 × baseline ($(calc "round(${ab[import_cur]} / ${ab[import_base]}, 2)") ×)" \
        "$(verdict "${ab[import_cur]} >= 0.8 * ${ab[import_base]}")"
else
    echo "  (no baseline: $BASE_REV is not in this clone's history)" >&2
fi

{
    echo "# Benchmarks"
    echo
    echo "Measured by \`bench/run.sh $N\` ($PROFILE build) on $(date -u +%Y-%m-%d): $cores cores"
    echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM,"
    echo "Linux $(uname -r); wrk shares the cores with the server; each load runs ${SECS} s."
    echo "Every figure stands beside a baseline measured in the same run."
    echo
    echo "| figure | measured | baseline (same run) | target | verdict |"
    echo "| --- | --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Reproduce: \`bench/run.sh $N\` (installs wrk and hyperfine with apt-get if missing)."
} >"$OUT"
echo "wrote $OUT" >&2
