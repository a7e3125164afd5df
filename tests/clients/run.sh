#!/usr/bin/env bash
# Clients generated from a live server's /openapi.json by two common
# generators, openapi-python-client (Python) and @hey-api/openapi-ts
# (TypeScript), must build and drive every route. The generators come from
# PyPI and npm, installed once under target/client-tools.
#
# usage: tests/clients/run.sh [path/to/usersctl]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$root/target/debug/usersctl}")
here=$root/tests/clients
tools=$root/target/client-tools
work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$tools/venv/bin/openapi-python-client" ]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q openapi-python-client==0.29.1 ruff
fi
if [ ! -d "$tools/node/node_modules/@hey-api/openapi-ts" ]; then
    mkdir -p "$tools/node"
    (cd "$tools/node" && npm init -y >/dev/null &&
        npm install --silent --no-audit --no-fund \
            @hey-api/openapi-ts@0.95.0 typescript@5.9.3 tsx@4 @types/node@20)
fi

# A server with one admin, its port read from stdout.
printf 'Tr1cky-Horse-Battery-92\n' | "$bin" --db "$work/db" -q user create admin \
    --email admin@example.com --role admin --password-stdin >/dev/null
"$bin" --db "$work/db" serve --bind 127.0.0.1:0 --rate-limit 0 --token-rate-limit 0 \
    >"$work/serve.out" 2>"$work/serve.log" &
server=$!
url=
for _ in $(seq 200); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }
curl -sf "$url/openapi.json" >"$work/openapi.json"

echo "== Python: openapi-python-client"
(cd "$work" && PATH="$tools/venv/bin:$PATH" openapi-python-client generate \
    --path openapi.json --output-path py --overwrite >py.log 2>&1) || { cat "$work/py.log"; exit 1; }
if grep -q "Unable to\|WARNING" "$work/py.log"; then cat "$work/py.log"; exit 1; fi
# Every module imports (a bare `import usersctl_client` would hide a broken one).
PYTHONPATH="$work/py" "$tools/venv/bin/python" -c '
import importlib, pkgutil, usersctl_client.api as api
for m in pkgutil.walk_packages(api.__path__, "usersctl_client.api."):
    importlib.import_module(m.name)'
PYTHONPATH="$work/py" "$tools/venv/bin/python" "$here/drive.py" "$url"

echo "== TypeScript: @hey-api/openapi-ts"
(cd "$tools/node" && npx openapi-ts -i "$work/openapi.json" -o "$work/ts" \
    -c @hey-api/client-fetch --no-log-file >"$work/ts.log" 2>&1) || { cat "$work/ts.log"; exit 1; }
ln -sfn "$tools/node/node_modules" "$work/node_modules"
cat >"$work/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
    "strict": true, "noEmit": true, "skipLibCheck": true, "lib": ["ES2022", "DOM", "DOM.Iterable"] },
  "include": ["ts/**/*.ts"] }
JSON
"$tools/node/node_modules/.bin/tsc" -p "$work/tsconfig.json"
(cd "$tools/node" && npx tsx "$here/drive.mts" "$work/ts" "$url")
