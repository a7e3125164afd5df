#!/usr/bin/env bash
# End-to-end tests of the web console in a real browser: Debian's Chromium,
# driven by Playwright (playwright-core, which downloads no browser), against
# real servers on fresh databases. Chromium and playwright-core are installed
# here when missing (apt-get; npm under target/console-tools).
#
# usage: tests/console/run.sh [path/to/usersctl] [screenshot.png]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/target/debug/usersctl}")
shot=${2:-$root/target/console.png}
tools=$root/target/console-tools
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d "$tools/node_modules/playwright-core" ]; then
    mkdir -p "$tools"
    (cd "$tools" && npm init -y >/dev/null &&
        npm install --silent --no-audit --no-fund playwright-core@1.65.1)
fi

# serve NAME [FLAGS…]: a server on a database of its own with one admin;
# prints its URL.
serve() {
    local name=$1
    shift
    printf 'Console-Admin-Pass-42\n' | "$bin" --db "$work/$name" -q user create admin \
        --email admin@example.com --role admin --password-stdin >/dev/null
    "$bin" --db "$work/$name" serve --bind 127.0.0.1:0 --rate-limit 0 "$@" \
        >"$work/$name.out" 2>"$work/$name.log" &
    pids+=("$!")
    local url=
    for _ in $(seq 200); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/$name.out" | head -n 1 || true)
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { echo "server $name did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
    echo "$url"
}

main_url=$(serve main)
# Tokens that live 2 s (and the 5 s leeway): a session that runs out.
short_url=$(serve short --token-ttl 2s)
# The console moved, and one switched off.
moved_url=$(serve moved --console-path /ops/console/)
off_url=$(serve off --no-console)

CONSOLE_URL=$main_url SHORT_URL=$short_url MOVED_URL=$moved_url OFF_URL=$off_url \
    ADMIN_PASSWORD=Console-Admin-Pass-42 SCREENSHOT=$shot PLAYWRIGHT=$tools/node_modules/playwright-core \
    node "$root/tests/console/e2e.mjs"
