# Shared by scripts/start.sh and scripts/test.sh: a virtual environment with the project installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

as_root_apt_install() {
  # Installs Debian packages when we may (root with apt-get); otherwise says what is missing.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  else
    echo "Missing system packages: $* (install them with: sudo apt-get install -y $*)" >&2
    return 1
  fi
}

ensure_venv() {
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      as_root_apt_install python3-venv
      "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  "$VENV/bin/pip" install -q -e "$ROOT$extras"
  "$VENV/bin/flask" --app app translate compile >/dev/null
}
