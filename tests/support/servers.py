"""Throwaway database and cache servers started from the installed binaries.

PostgreSQL's initdb and pg_ctl refuse to run as root, so as root the server runs as the
`postgres` user (created by Debian's postgresql package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


class ServerUnavailable(RuntimeError):
    pass


# url -> (pg_ctl, data directory, server options, log file) of the servers postgres_server() runs.
_POSTGRES: dict[str, tuple[Path, Path, str, Path]] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bindir() -> Path:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise ServerUnavailable("PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    try:
        pwd.getpwnam("postgres")
    except KeyError as error:
        raise ServerUnavailable("running as root needs the 'postgres' user to start PostgreSQL") from error
    return ["runuser", "-u", "postgres", "--", *args]


@contextmanager
def postgres_server():
    """Yield a superuser URL to a fresh PostgreSQL server on 127.0.0.1; remove it afterwards."""
    bindir = _postgres_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="ipbes-pg-"))
    datadir = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    port = free_port()
    run = lambda args: subprocess.run(_as_postgres(args), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run([str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(workdir / "log"), "-w", "start"])
    except subprocess.CalledProcessError as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise ServerUnavailable(f"PostgreSQL did not start: {error.stderr or error.stdout}") from error
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    _POSTGRES[url] = (bindir / "pg_ctl", datadir, options, workdir / "log")
    try:
        yield url
    finally:
        _POSTGRES.pop(url, None)
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def stop_postgres(url: str) -> None:
    """Stop a server postgres_server() started, as a restart does (`-m fast`: connections are cut)."""
    pg_ctl, datadir, _options, _log = _POSTGRES[url]
    subprocess.run(_as_postgres([str(pg_ctl), "-D", str(datadir), "-m", "fast", "-w", "stop"]), check=True)


def start_postgres(url: str) -> None:
    """Start again a server stopped by stop_postgres()."""
    pg_ctl, datadir, options, log = _POSTGRES[url]
    subprocess.run(
        _as_postgres([str(pg_ctl), "-D", str(datadir), "-o", options, "-l", str(log), "-w", "start"]),
        check=True,
        capture_output=True,
    )


@contextmanager
def redis_server():
    binary = shutil.which("redis-server")
    if not binary:
        raise ServerUnavailable("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30  # a busy machine can be slow to start it
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise ServerUnavailable("redis-server did not start")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
