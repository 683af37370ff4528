"""Anonymised-export benchmark: 100,000 responses x 40 questions to a CSV and a Parquet release.

    .venv/bin/python bench/export.py --backend sqlite|postgresql|both [--waves 10] [--responses 10000]
        [--formats csv parquet xlsx]

For each backend it creates a fresh database, migrates it and fills it with `bench/frame.py`'s
generator (`--waves` closed waves of `--responses` submitted responses to a 40-question
instrument, a fifth through the open links of four networks). Then, for each format, in a fresh
Python process (so the generator's memory does not count), it times `exports.service.export_release`
over every wave with the defaults (k = 5, English, no free text): reading the tidy frame,
k-anonymising the quasi-identifiers (country with its hierarchy, regional group, category,
gender, type, language, network), pseudonyms, the data file, codebook, disclosure report, the zip,
and storing it. It reports the wall time, the peak resident memory (maxrss) and the time of each
step. Target: at most 60 s and 1.5 GB per format. Beside it, in the same process, the physical
baseline of the work and the ratio to it: the same answers read with the database driver into
pandas, pivoted to a row per response, and written with `to_csv` (`to_parquet` for Parquet).
Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import load_models  # noqa: E402
from bench import common  # noqa: E402
from bench.frame import answers_wide, generate  # noqa: E402
from core import migrate  # noqa: E402
from core.db import make_engine  # noqa: E402

TARGET_SECONDS = 60.0
FORMAT_TARGETS = {"xlsx": 20.0}  # issue 18: an XLSX release of 100,000 x 40 in at most 20 s
TARGET_BYTES = int(1.5 * 1024**3)
FORMATS = ("csv", "parquet", "xlsx")
DEFAULT_FORMATS = ("csv", "parquet")


class Peaks:
    """Each step's own peak resident memory, and the whole call's: the peak is reset as a step starts,
    after the peak so far is kept."""

    def __init__(self) -> None:
        self.steps: dict[str, int] = {}
        self.overall = 0

    def start(self) -> None:
        self.overall = max(self.overall, common.peak_rss())
        common.reset_peak_rss()

    def stop(self, name: str) -> None:
        peak = common.peak_rss()
        self.steps[name] = max(self.steps.get(name, 0), peak)
        self.overall = max(self.overall, peak)

    def total(self) -> int:
        return max(self.overall, common.peak_rss())


def _timed(steps: dict, name: str, function, cpu: dict | None = None, peaks: Peaks | None = None):
    """Wrap `function` so each call adds its duration to steps[name] (and its CPU time to cpu[name], its
    peak memory to `peaks`)."""

    def wrapper(*args, **kwargs):
        if peaks is not None:
            peaks.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started
            if cpu is not None:
                cpu[name] = cpu.get(name, 0.0) + time.process_time() - cpu_started
            if peaks is not None:
                peaks.stop(name)

    return wrapper


def measure(url: str, fmt: str) -> dict:
    """Runs in a fresh process: one release of every wave, timed step by step."""
    from sqlalchemy import delete, text
    from sqlmodel import Session

    from exports import build, service
    from exports.models import AnonymisedRelease
    from exports.params import ReleaseParams

    load_models()
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    peaks = Peaks()
    service.load_source = _timed(steps, "read the frame", service.load_source, cpu, peaks)
    build.k_anonymise = _timed(steps, "k-anonymise", build.k_anonymise, cpu, peaks)
    build.pseudonyms = _timed(steps, "pseudonyms", build.pseudonyms, cpu, peaks)
    service.write_data = _timed(steps, "write the data file", service.write_data, cpu, peaks)
    service.catalogue_files = _timed(steps, "datapackage, DDI, syntax", service.catalogue_files, cpu, peaks)
    service.zip_files = _timed(steps, "zip", service.zip_files, cpu, peaks)
    engine = make_engine(url)
    with Session(engine) as session:
        wave_ids = tuple(row[0] for row in session.connection().execute(text("SELECT id FROM wave ORDER BY id")))
        session.connection().execute(delete(AnonymisedRelease))  # built anew, not returned (a reused database)
        session.commit()
        baseline = common.peak_rss()
        started, cpu_started = time.perf_counter(), time.process_time()
        release = service.export_release(
            session, ReleaseParams(wave_ids=wave_ids, format=fmt), actor_id=None, via="bench"
        )
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        report = json.loads(_member(release.content, "disclosure_report.json"))
    maxrss = peaks.total()
    common.reset_peak_rss()  # the baseline's own peak from here (above what the process holds now)
    with engine.connect() as connection:
        floor, floor_cpu = physical_baseline(connection, wave_ids, fmt)
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "cpu_steps": cpu,
        "load": os.getloadavg()[0],
        "maxrss": maxrss,
        "floor_maxrss": common.peak_rss(),
        "baseline": baseline,
        "rows": release.rows,
        "zip_bytes": release.size,
        "steps": steps,
        "step_peaks": peaks.steps,
        "k_reached": report["k"]["reached"],
        "suppressed": sum(v["suppressed_cells"] for v in report["variables"]),
        "recoded": sum(v["recoded_cells"] for v in report["variables"]),
        "columns": _columns(release.content, fmt),
        "floor": floor,
        "floor_cpu": floor_cpu,
    }


def physical_baseline(connection, wave_ids: tuple[int, ...], fmt: str) -> tuple[float, float]:
    """(seconds, CPU seconds) of the physical floor of a release: the same answers read with the database
    driver into pandas, one row per response and a column per question (`bench.frame.answers_wide`, a
    wave at a time), written with `to_parquet` for a Parquet release and `to_csv` otherwise (no
    anonymising, no labels, no codebook, no zip)."""
    import io

    import pandas as pd

    started, cpu_started = time.perf_counter(), time.process_time()
    buffer = io.BytesIO()
    if fmt == "parquet":  # one file, as the release writes it
        pd.concat(list(answers_wide(connection, wave_ids))).to_parquet(buffer)
    else:
        for number, wide in enumerate(answers_wide(connection, wave_ids)):
            wide.to_csv(buffer, header=number == 0)
    return time.perf_counter() - started, time.process_time() - cpu_started


def _member(content: bytes, name: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)


def _columns(content: bytes, fmt: str) -> int:
    return len(json.loads(_member(content, "codebook.json"))["variables"])


def _measure_in_child(url: str, fmt: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", url, "--format", fmt],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _mb(value: float) -> str:
    return f"{value / 1024**2:,.0f} MB"


def run_backend(backend: str, args) -> list[str]:
    database = common.database(backend)
    lines = []
    with database as url:
        migrate.upgrade(url)
        print(f"[{backend}] generating {args.waves} waves x {args.responses:,} responses", flush=True)
        answers, seconds = generate(url, args.waves, args.responses, args.seed)
        print(f"[{backend}] generated {answers:,} answer rows in {seconds:.1f} s", flush=True)
        for fmt in args.formats:
            run = _measure_in_child(url, fmt)
            target = FORMAT_TARGETS.get(fmt, TARGET_SECONDS)
            ok = run["seconds"] <= target and run["maxrss"] <= TARGET_BYTES
            steps = ", ".join(f"{name} {value:.2f} s" for name, value in run["steps"].items())
            cpu = ", ".join(f"{name} {value:.2f} s" for name, value in run["cpu_steps"].items())
            lines += [
                f"{backend:<11} {fmt:<8} {run['rows']:,} rows x {run['columns']} columns: {run['seconds']:.2f} s, "
                f"peak RSS {_mb(run['maxrss'])} (process before the call {_mb(run['baseline'])}), "
                f"zip {run['zip_bytes'] / 1024**2:.1f} MB, load average {run['load']:.1f}",
                f"{'':<20} {steps}",
                f"{'':<20} peak RSS of each step: "
                + ", ".join(f"{name} {_mb(value)}" for name, value in run["step_peaks"].items()),
                f"{'':<20} CPU time of the process {run['cpu_seconds']:.2f} s: {cpu}",
                f"{'':<20} k reached {run['k_reached']}, cells recoded {run['recoded']:,}, "
                f"suppressed {run['suppressed']:,}",
                f"{'':<20} target <= {target:.0f} s and <= 1.5 GB: {'met' if ok else 'MISSED'}",
                f"{'':<20} baseline (the answers read by the driver into pandas, pivoted, "
                f"{'to_parquet' if fmt == 'parquet' else 'to_csv'}): {run['floor']:.2f} s, CPU {run['floor_cpu']:.2f} s, "
                f"peak RSS {_mb(run['floor_maxrss'])}; "
                f"ratio {run['seconds'] / run['floor']:.1f}x (CPU {run['cpu_seconds'] / run['floor_cpu']:.1f}x)",
            ]
            print("\n".join(lines[-7:]), flush=True)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    common.add_wave_options(parser)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--formats", nargs="+", choices=FORMATS, default=list(DEFAULT_FORMATS), help="formats to time (csv parquet)"
    )
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.format)))
        return 0
    common.check_wave_scale(parser, args)
    return common.print_report(
        f"Anonymised-export benchmark: {args.waves} waves x {args.responses:,} responses x 40 questions",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
