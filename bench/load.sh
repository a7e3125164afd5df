#!/usr/bin/env bash
# Sustained mixed load: reads, writes and logins at once against a live server
# for SECONDS, sampling the server's memory every second. Passes when no
# request failed except by design (429 rate limited, 503 busy), memory stayed
# flat, and `usersctl check` is clean afterwards.
#
#   bench/load.sh [SECONDS] [USERS]     default: 180 s on 20,000 users
set -euo pipefail
SECS=${1:-180}
N=${2:-20000}
PROFILE=${BENCH_PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk curl) >/dev/null
if [ "$PROFILE" = release ]; then
    cargo build --release --locked --bin usersctl --example bench_tool
    target=$root/target/release
else
    cargo build --locked --bin usersctl --example bench_tool
    target=$root/target/debug
fi
BIN=$target/usersctl
TOOL=$target/examples/bench_tool
work=$(mktemp -d /tmp/usersctl-load.XXXXXX)
DB=$work/db
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

printf 'bench password\n' | "$BIN" --db "$DB" -q user create benchadmin --email benchadmin@example.com --role admin --password-stdin >/dev/null
"$TOOL" gen "$N" "$("$TOOL" hash "bench password")" >"$work/users.jsonl"
"$BIN" --db "$DB" -q users import "$work/users.jsonl"
"$BIN" --db "$DB" users export | shuf -n 2000 --random-source=<(yes) | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line)["id"])' >"$work/ids.txt"

"$BIN" --db "$DB" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 1000000 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
url=
for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
export IDS=$work/ids.txt TOKEN
TOKEN=$(curl -sf "$url/authenticate" -H 'Content-Type: application/json' \
    -d '{"username":"benchadmin","password":"bench password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')

echo "== ${SECS}s of mixed load on $N users, rate limit off" >&2
( while kill -0 "$server" 2>/dev/null; do awk '/VmRSS/ { print $2 }' "/proc/$server/status"; sleep 1; done ) >"$work/rss.txt" &
sampler=$!
loads=()
for spec in get:16 patch:8 login:8; do
    kind=${spec%:*}
    MODE=$kind wrk -t1 -c"${spec#*:}" -d"${SECS}s" -s bench/http.lua "$url" >"$work/$kind.out" &
    loads+=($!)
done
wait "${loads[@]}"
for kind in get patch login; do grep '^RESULT' "$work/$kind.out" >"$work/$kind.txt"; done
kill "$sampler" 2>/dev/null || true
kill -TERM "$server"; wait "$server"; server=

status=0
for kind in get patch login; do
    line=$(cat "$work/$kind.txt")
    echo "$kind: $line" >&2
    failed=$(tr ' ' '\n' <<<"$line" | sed -n 's/^failed=//p')
    errors=$(tr ' ' '\n' <<<"$line" | sed -n 's/^socket_errors=//p')
    if [ "$failed" != 0 ] || [ "$errors" != 0 ]; then
        echo "FAIL: $kind had $failed failed requests and $errors socket errors" >&2
        status=1
    fi
done
python3 - "$work/rss.txt" <<'PY' || status=1
import sys
rss = [int(x) for x in open(sys.argv[1]) if x.strip()]
quarter = max(1, len(rss) // 4)
early = max(rss[quarter:2 * quarter] or rss)
late = max(rss[-quarter:])
print(f"rss: {len(rss)} samples, peak {max(rss) / 1024:.1f} MiB, second quarter peak {early / 1024:.1f} MiB, "
      f"last quarter peak {late / 1024:.1f} MiB", file=sys.stderr)
if late > early * 1.25 + 16 * 1024:
    print("FAIL: memory grew during the run", file=sys.stderr)
    sys.exit(1)
PY
if "$BIN" --db "$DB" check; then echo "check: clean" >&2; else echo "FAIL: check found damage" >&2; status=1; fi
exit $status
