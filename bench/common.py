"""What every benchmark shares: a throwaway database per backend, and running each backend in turn."""
from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.servers import ServerUnavailable, postgres_server

BACKENDS = ("sqlite", "postgresql")


@contextlib.contextmanager
def sqlite_database() -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="ipbes-bench-"))
    try:
        yield f"sqlite:///{workdir / 'bench.db'}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def postgresql_database() -> Iterator[str]:
    """A database on a PostgreSQL server started from the installed binaries, removed afterwards."""
    with postgres_server() as admin_url:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE ipbes_bench"))
        engine.dispose()
        yield admin_url.rsplit("/", 1)[0] + "/ipbes_bench"


def database(backend: str):
    return sqlite_database() if backend == "sqlite" else postgresql_database()


def add_backend_option(parser: argparse.ArgumentParser, default: str = "both") -> None:
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default=default)


def run_backends(choice: str, run_backend: Callable[[str, argparse.Namespace], list[str]],
                 args: argparse.Namespace) -> list[str]:
    """Each chosen backend's report lines; a server that cannot start is reported, not fatal."""
    report: list[str] = []
    for backend in BACKENDS if choice == "both" else (choice,):
        try:
            report += run_backend(backend, args)
        except ServerUnavailable as error:
            report.append(f"{backend:<11} SKIPPED: {error}")
    return report
