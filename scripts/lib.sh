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
  # The whole of requirements.lock (runtime, test and dev pins alike: one environment for both README commands),
  # then the project itself without dependencies, and a check that the lock holds everything pyproject.toml asks.
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      as_root_apt_install python3-venv
      "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  "$VENV/bin/pip" install -q -r "$ROOT/requirements.lock"
  "$VENV/bin/pip" install -q --no-deps -e "$ROOT"
  if ! "$VENV/bin/pip" check >/dev/null; then
    "$VENV/bin/pip" check >&2 || true
    echo "requirements.lock does not satisfy pyproject.toml: run scripts/lock.sh and commit requirements.lock" >&2
    return 1
  fi
  "$VENV/bin/flask" --app app translate compile >/dev/null
}
