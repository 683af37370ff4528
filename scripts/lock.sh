#!/usr/bin/env bash
# Regenerates requirements.lock from pyproject.toml (all extras; Python 3.11 on Linux x86_64) with uv, keeping
# every pin that still fits. Extra arguments go to `uv pip compile`, e.g. `scripts/lock.sh --upgrade` or
# `scripts/lock.sh --upgrade-package dash`. Commit requirements.lock with the pyproject.toml change.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
uv="$VENV/bin/uv"
if [ ! -x "$uv" ]; then
  # No project environment yet (or one made before uv was in the dev extra): uv in a throwaway one.
  tools="$(mktemp -d)"
  trap 'rm -rf "$tools"' EXIT
  "$PYTHON" -m venv "$tools"
  "$tools/bin/pip" install -q uv
  uv="$tools/bin/uv"
fi
# uv reads no pip configuration, so the lock resolves from the public package index alone.
UV_CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" "$uv" pip compile pyproject.toml \
  --extra test --extra dev \
  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
  -o requirements.lock "$@"
