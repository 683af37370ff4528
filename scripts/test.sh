#!/usr/bin/env bash
# The whole suite: SQLite and a throwaway PostgreSQL server, Redis, and headless Chromium.
# Extra arguments go to pytest, e.g. `scripts/test.sh --backend sqlite -k accounts`.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  as_root_apt_install "${missing[@]}" || [ "${CI:-}" != "true" ]
fi
ensure_venv
exec .venv/bin/pytest "$@"
