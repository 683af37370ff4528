"""Benchmark: the stakeholder import of a large XLSX file, checked then imported, as its jobs run them.

Writes an XLSX of `--rows` new stakeholders (default 100,000), then times, in a fresh migrated database
of each backend: reading the sheet (core/imports/tables.py, the reader alone), the check (reading and
every row checked against the registry: the "check" job's work) and the import (checked again and every
row written in one transaction: the "import" job's work), then the same for the same file imported
again, where every row updates an existing profile. Target (issue 18): check and import in at most
60 s together.

Beside each figure, the CPU time of this process and the load average; and, measured in the same run,
the physical baseline of the work: the sheet read by calamine alone and its rows inserted into a
scratch table of five text columns with one `executemany` (no checks, no accounts, no choices, no
consents), with the ratio of the check and import to it, in wall and in CPU time. On a shared
machine the ratio holds where the wall time does not: both are slowed alike by the other work.

    python bench/imports.py --backend sqlite --rows 100000
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import create_app  # noqa: E402
from bench import common  # noqa: E402
from core import migrate  # noqa: E402
from core.db import get_engine  # noqa: E402
from core.imports.tables import read_table  # noqa: E402
from stakeholders import importing  # noqa: E402

TARGET_SECONDS = 60
COUNTRIES = ("KE", "FR", "BR", "CN", "IN", "MX", "SN", "DE", "JP", "ZA")
CATEGORIES = ("science", "policymaker", "ilk", "practitioner")


def xlsx_file(rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["email", "name", "country", "category", "gender"])
    for number in range(rows):
        sheet.append(
            [
                f"person{number}@example.org",
                f"Person Number {number}",
                COUNTRIES[number % len(COUNTRIES)],
                CATEGORIES[number % len(CATEGORIES)],
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def _cpu_timed(function, *args, **kwargs):
    """(value, wall seconds, CPU seconds of this process): on a shared machine the CPU time is what the
    work costs, the wall time what it took beside the other work."""
    cpu = time.process_time()
    value, wall = _timed(function, *args, **kwargs)
    return value, wall, time.process_time() - cpu


def physical_baseline(engine, content: bytes) -> tuple[float, float]:
    """(wall, CPU seconds) of the floor of an import: the sheet read by calamine and its rows inserted
    into a scratch table with one `executemany`, in a transaction rolled back."""
    started, cpu = time.perf_counter(), time.process_time()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    rows = [
        dict(zip(("email", "name", "country", "category", "gender"), map(str, row), strict=False)) for row in sheet[1:]
    ]
    with engine.connect() as connection:
        connection.execute(
            text("CREATE TEMPORARY TABLE bench_rows (email TEXT, name TEXT, country TEXT, category TEXT, gender TEXT)")
        )
        connection.execute(text("INSERT INTO bench_rows VALUES (:email, :name, :country, :category, :gender)"), rows)
        connection.rollback()
        connection.execute(text("DROP TABLE IF EXISTS bench_rows"))
        connection.commit()
    return time.perf_counter() - started, time.process_time() - cpu


def run_backend(backend: str, content: bytes) -> list[str]:
    with common.database(backend) as url, tempfile.TemporaryDirectory() as results:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "JOBS_IMMEDIATE": True, "JOB_RESULTS_DIR": results})
        with app.app_context():
            engine = get_engine()
        with app.app_context(), Session(engine) as session:
            table, read, read_cpu = _cpu_timed(read_table, content)
            report, check, check_cpu = _cpu_timed(
                importing.validate, session=session, kind="stakeholders", content=content
            )
            session.rollback()
            assert report.valid, report.problems[:5]
            written, write, write_cpu = _cpu_timed(
                importing.run_import,
                session=session,
                kind="stakeholders",
                content=content,
                file_name="bench.xlsx",
                actor_id=None,
            )
            assert written.valid and written.created == len(table.rows)
            session.commit()
            session.expunge_all()
            # The same file again: every row matches a person by email and updates their profile.
            again, recheck, recheck_cpu = _cpu_timed(
                importing.validate, session=session, kind="stakeholders", content=content
            )
            session.rollback()
            assert again.valid, again.problems[:5]
            rewritten, rewrite, rewrite_cpu = _cpu_timed(
                importing.run_import,
                session=session,
                kind="stakeholders",
                content=content,
                file_name="bench.xlsx",
                actor_id=None,
            )
            assert rewritten.valid and rewritten.updated == len(table.rows), (rewritten.created, rewritten.updated)
        floor, floor_cpu = physical_baseline(engine, content)
        engine.dispose()
    total, retotal = check + write, recheck + rewrite
    return [
        f"{backend:<11} {len(table.rows):,} rows, XLSX {len(content) / 1024**2:.1f} MB: read {read:.1f} s, "
        f"check {check:.1f} s (read included), import {write:.1f} s (check again included), "
        f"check + import {total:.1f} s; target <= {TARGET_SECONDS} s: {'met' if total <= TARGET_SECONDS else 'MISSED'}",
        f"{'':<11} CPU time of this process: read {read_cpu:.1f} s, check {check_cpu:.1f} s, import {write_cpu:.1f} s, "
        f"check + import {check_cpu + write_cpu:.1f} s",
        f"{'':<11} re-import of the same file (every row updates a profile): check {recheck:.1f} s, "
        f"import {rewrite:.1f} s, check + import {retotal:.1f} s; target <= {TARGET_SECONDS} s: "
        f"{'met' if retotal <= TARGET_SECONDS else 'MISSED'}",
        f"{'':<11} CPU time of this process: check {recheck_cpu:.1f} s, import {rewrite_cpu:.1f} s",
        f"{'':<11} baseline (calamine read + one executemany into a scratch table): {floor:.2f} s, CPU {floor_cpu:.2f} s; "
        f"ratio of check + import {total / floor:.1f}x (CPU {(check_cpu + write_cpu) / floor_cpu:.1f}x), "
        f"re-import {retotal / floor:.1f}x (CPU {(recheck_cpu + rewrite_cpu) / floor_cpu:.1f}x)",
        f"{'':<11} load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    content, seconds = _timed(xlsx_file, args.rows)
    print(f"wrote the XLSX in {seconds:.1f} s", flush=True)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    lines = [line for backend in backends for line in run_backend(backend, content)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
