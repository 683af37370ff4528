"""The app served as production serves it, for the benchmarks that measure over HTTP: gunicorn from
the project folder (so gunicorn.conf.py applies: threaded workers, the dashboard's warm-up), in
production mode on 127.0.0.1, with mail kept in the outbox."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 180  # a worker loads the dashboard's frames before it serves; slower on a busy machine


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except (OSError, http.client.HTTPException):  # not listening yet, or a slow first request under load
        return None


@contextlib.contextmanager
def gunicorn(
    url: str,
    workers: int,
    logdir: Path,
    *,
    ready: str = "/registry/",
    target: str = "app:app",
    log_name: str = "gunicorn.log",
    **environment: str,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn serving `target` with `workers` workers on a free port over the database at `url`, its
    log in `logdir/log_name`; yields (base URL, the master process) once `ready` answers 200.
    `environment` adds variables (e.g. DASHBOARD_WARM="false")."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        MAIL_BACKEND="outbox",
        SECURE_COOKIES="false",
        **environment,
    )
    env.pop("REDIS_URL", None)
    log_path = logdir / log_name
    log = log_path.open("w")
    binary = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(binary), "-w", str(workers), "-b", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while _status(base + ready) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log_path}:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
