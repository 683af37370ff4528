#!/usr/bin/env bash
# Quick start: install, migrate, add demo data to an empty database, serve on http://127.0.0.1:5000 with a
# background-job worker beside the web server (both stop together).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv
.venv/bin/flask --app app db upgrade
.venv/bin/flask --app app seed-demo --if-empty

# The worker runs the long work (anonymised releases, ...) that pages queue as jobs: see docs/operations.md.
.venv/bin/flask --app app jobs worker --workers 2 &
worker=$!
server=""
stop() {
  kill ${server:+"$server"} "$worker" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Serving on http://127.0.0.1:${PORT:-5000} (demo accounts: see README.md); a job worker runs beside it"
.venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}" &
server=$!
wait "$server"
