#!/usr/bin/env bash
# Install GraphiQL's browser assets (api/graphiql/node_modules) so the API can
# serve GraphiQL without any CDN. Safe to run repeatedly.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/api/graphiql"
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.package-lock.json"

if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: GraphiQL will use Strawberry's default page (needs internet in the browser)." >&2
    echo "Install Node.js/npm and re-run: bash .ci/graphiql-setup.sh" >&2
    exit 0
fi

# npm ci rewrites node_modules/.package-lock.json, so a newer copy means the
# install already matches the committed lockfile.
if [[ -f "$stamp" && "$stamp" -nt "$lock" ]]; then
    exit 0
fi

echo "Installing GraphiQL assets into api/graphiql/node_modules ..." >&2
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
