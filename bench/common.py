"""What every benchmark shares: a throwaway database per backend, and running each backend in turn."""

from __future__ import annotations

import argparse
import contextlib
import os
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


def run_backends(
    choice: str, run_backend: Callable[[str, argparse.Namespace], list[str]], args: argparse.Namespace
) -> list[str]:
    """Each chosen backend's report lines; a server that cannot start is reported, not fatal."""
    report: list[str] = []
    for backend in BACKENDS if choice == "both" else (choice,):
        try:
            report += run_backend(backend, args)
        except ServerUnavailable as error:
            report.append(f"{backend:<11} SKIPPED: {error}")
    return report


def add_wave_options(parser: argparse.ArgumentParser) -> None:
    """The scale of the benchmarks that generate survey waves, and the random seed."""
    parser.add_argument("--waves", type=int, default=10)
    parser.add_argument("--responses", type=int, default=10_000, help="submitted responses per wave")
    parser.add_argument("--seed", type=int, default=2026)


def check_wave_scale(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.waves * args.responses > 1_000_000:
        parser.error("keep --waves x --responses <= 1,000,000")


def peak_rss() -> int:
    """This process's peak resident memory in bytes: VmHWM. Not `ru_maxrss`, which Linux carries over fork
    and exec from the parent (a measure's child would report the generator's peak, not its own)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


def reset_peak_rss() -> None:
    """Start the peak afresh from the present resident memory (Linux's clear_refs 5), so the next
    `peak_rss` is that of the work in between."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def print_report(
    title: str, run_backend: Callable[[str, argparse.Namespace], list[str]], args: argparse.Namespace
) -> int:
    """Run the chosen backends and print the title (with the machine's CPUs) and their report lines."""
    from app import load_models

    load_models()
    report = run_backends(args.backend, run_backend, args)
    print(f"\n{title}, {os.cpu_count()} CPUs")
    print("\n".join(report))
    return 0
