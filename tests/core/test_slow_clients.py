"""Clients that send a form one byte at a time do not make the site unreachable.

With the documented `gunicorn -w 2` sync workers, two such clients held both workers and every
other request waited. gunicorn.conf.py now runs threaded workers: this test serves the app as
production does (gunicorn from the project folder, reading gunicorn.conf.py) on 127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app import ROOT
from core import migrate
from tests.support.servers import free_port

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 4
DEADLINE_SECONDS = 20


def _wait_for(url: str, deadline: float) -> bool:
    """Poll `url` until it answers 200 or the deadline passes."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def _trickle(port: int, stop: threading.Event, opened: threading.Barrier) -> None:
    """A login form sent one byte every half second, never finished while the test runs."""
    body = b"email=slow%40example.org&password=" + b"x" * 200
    head = (
        f"POST /account/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        opened.wait()
        for byte in head + body:
            if stop.wait(0.5):
                return
            sock.sendall(bytes([byte]))


@pytest.fixture
def served(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate.upgrade(database_url)
    port = free_port()
    env = dict(
        os.environ,
        APP_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        MAIL_BACKEND="outbox",
        DASHBOARD_WARM="false",
    )
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    binary = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(binary), "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not _wait_for(f"http://127.0.0.1:{port}/", time.monotonic() + 60):
            pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()[-3000:])
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_slow_clients_do_not_block_other_requests(served):
    stop = threading.Event()
    opened = threading.Barrier(SLOW_CLIENTS + 1)
    clients = [threading.Thread(target=_trickle, args=(served, stop, opened)) for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        opened.wait(timeout=10)
        begun = time.monotonic()
        assert _wait_for(f"http://127.0.0.1:{served}/", begun + DEADLINE_SECONDS)
        assert time.monotonic() - begun < DEADLINE_SECONDS
    finally:
        stop.set()
        for client in clients:
            client.join()
