#!/usr/bin/env bash
# Quick start: install, migrate, add demo data to an empty database, serve on http://127.0.0.1:5000
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv
.venv/bin/flask --app app db upgrade
.venv/bin/flask --app app seed-demo --if-empty
echo "Serving on http://127.0.0.1:${PORT:-5000} (demo accounts: see README.md)"
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}"
