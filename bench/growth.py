"""Growth benchmark: how time and memory grow from 10,000 to 1,000,000 responses and stakeholders.

    .venv/bin/python bench/growth.py --backend sqlite|postgresql|both [--sizes 10000 100000 [1000000]]
        [--waves 10] [--requests 60] [--seed 2026] [--cache DIR]

For each backend and size N it creates a fresh database, migrates it, and fills it with the other
benchmarks' generators: a registry of N stakeholders (`bench/registry.py`), N submitted responses
to the 40-question instrument in `--waves` waves of N / waves (`bench/frame.py`), invitations
(`bench/indicators.py`), and the participation and secretariat records with a secretariat account
(`bench/dashboard.py`). Then it measures, each in a fresh Python process so that the peak resident
memory (maxrss) is that measure's own:

- frame: `surveys.frame.responses_frame` over every wave (N responses);
- indicators: `bench/indicators.py`'s measure for the latest wave (N / waves responses, the
  registry of N): loading the inputs, raking, the six groups, `wave_results`, `drivers`;
- export: `exports.service.export_release` of every wave as CSV (k = 5, defaults);
- dashboard: a filter change on the overview and the survey explorer, in process through the Flask
  test client (as `bench/dashboard.py`'s profile does): after two warm-up calls per page (frames
  cached), each change's `page` callback, its content computed afresh from the warm frames, then
  the same callback again, served from the content cache (the baseline), with the ratio of the two;
- register and roster: the public register (`/registry/`, `bench/registry.py`'s plan of searches,
  filters, sorts and pages) and the focal point roster, `--requests` each, one at a time, in process
  through the Flask test client. In process so the app's own time, CPU and memory are measured
  without gunicorn, HTTP and client threads on a shared 2-core machine; the figures over HTTP with
  concurrency are `bench/registry.py`'s.

For each it prints the wall time and CPU time of the measured work, the peak RSS, and the log-log
slope of wall and CPU time between consecutive sizes (log(t2 / t1) / log(N2 / N1); target at most
1.1), and the load average when the measure ran. Target: at most 4 GB at a million. Nothing leaves
the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench import common  # noqa: E402
from bench import dashboard as dashboard_bench  # noqa: E402
from bench import export as export_bench  # noqa: E402
from bench import frame as frame_bench  # noqa: E402
from bench import indicators as indicators_bench  # noqa: E402
from bench import registry as registry_bench  # noqa: E402
from core import migrate  # noqa: E402
from core.db import make_engine  # noqa: E402

TARGET_SLOPE = 1.1
TARGET_BYTES = 4 * 1024**3
MEASURES = ("frame", "indicators", "export", "dashboard", "register", "roster")
REGISTRY_ONLY = {"register", "roster"}
DASHBOARD_PAGES = ("", "explorer")  # the overview and the survey explorer


# --- the measures (each in a fresh process) ----------------------------------------------------


def _clock():
    return time.perf_counter(), time.process_time()


def _since(started) -> tuple[float, float]:
    return time.perf_counter() - started[0], time.process_time() - started[1]


def _wave_ids(session) -> list[int]:
    ids = [row[0] for row in session.connection().execute(text("SELECT id FROM wave ORDER BY year, id"))]
    session.rollback()
    return ids


def measure_frame(url: str, info: dict) -> dict:
    from sqlmodel import Session

    from surveys.frame import responses_frame

    with Session(make_engine(url)) as session:
        waves = _wave_ids(session)
        started = _clock()
        frame = responses_frame(session, waves)
        wall, cpu = _since(started)
        peak, shape = common.peak_rss(), frame.shape
        del frame
        session.rollback()
        floor = frame_bench.physical_baseline(session.connection(), waves)
    what = f"{shape[0]:,} rows x {shape[1]} columns; " + _beside(
        "the answers read by the driver, pivoted", wall, cpu, floor
    )
    return {"wall": wall, "cpu": cpu, "maxrss": peak, "what": what}


def _beside(floor_name: str, wall: float, cpu: float, floor: tuple[float, float]) -> str:
    """The measure's physical baseline (wall, CPU seconds) and the ratio to it."""
    return (
        f"baseline ({floor_name}) {_time(floor[0])} wall, {_time(floor[1])} CPU; "
        f"ratio {wall / floor[0]:.1f}x wall, {cpu / floor[1]:.1f}x CPU"
    )


def measure_indicators(url: str, info: dict) -> dict:
    """`bench/indicators.py`'s measure: wall is loading + analysis; CPU is the whole call (it also makes
    the secretariat records in memory, under 0.1 s)."""
    started = _clock()
    run = indicators_bench.measure(url, info["seed"])
    _wall, cpu = _since(started)
    return {
        "wall": run["load_seconds"] + run["seconds"],
        "cpu": cpu,
        "what": f"one wave, {run['rows']:,} responses; load {run['load_seconds']:.2f} s + analysis "
        f"{run['seconds']:.2f} s; wave frame {run['frame_seconds']:.2f} s, its baseline (the answers read by the "
        f"driver, pivoted) {run['frame_floor']:.2f} s, ratio {run['frame_seconds'] / run['frame_floor']:.1f}x",
    }


def measure_export(url: str, info: dict) -> dict:
    from sqlalchemy import delete
    from sqlmodel import Session

    from exports import service
    from exports.models import AnonymisedRelease
    from exports.params import ReleaseParams

    with Session(make_engine(url)) as session:
        waves = tuple(_wave_ids(session))
        # A cached database keeps the release an earlier run stored, which would be returned, not built.
        session.connection().execute(delete(AnonymisedRelease))
        session.commit()
        started = _clock()
        release = service.export_release(
            session, ReleaseParams(wave_ids=waves, format="csv"), actor_id=None, via="bench"
        )
        wall, cpu = _since(started)
        peak = common.peak_rss()
        what = f"CSV release, {release.rows:,} rows, zip {release.size / 1024**2:.1f} MB"
        del release
        session.rollback()
        floor = export_bench.physical_baseline(session.connection(), waves, "csv")
    what += "; " + _beside("the answers read by the driver, pivoted, to_csv", wall, cpu, floor)
    return {"wall": wall, "cpu": cpu, "maxrss": peak, "what": what}


def _signed_in_client(email: str, password: str, url: str):
    os.environ["DATABASE_URL"] = url
    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/account/login", data={"email": email, "password": password})
    assert response.status_code in (302, 303), f"signing in as {email} answered {response.status_code}"
    return client


def measure_dashboard(url: str, info: dict) -> dict:
    """Filter changes on the overview and the explorer, content computed afresh from warm frames."""
    from dashboards import data

    client = _signed_in_client(dashboard_bench.SECRETARIAT_EMAIL, dashboard_bench.SECRETARIAT_PASSWORD, url)
    client.get(dashboard_bench.BASE)
    store = getattr(data.frames.cache, "_cache", {})

    def page(pathname: str, search: str) -> None:
        payload = {
            "output": "page.children",
            "outputs": {"id": "page", "property": "children"},
            "inputs": dashboard_bench.DashClient._url(pathname, search),
            "state": [],
            "changedPropIds": ["url.search"],
        }
        response = client.post(dashboard_bench.BASE + "_dash-update-component", json=payload)
        assert response.status_code == 200, f"{pathname}{search}: {response.status_code}"

    for path in DASHBOARD_PAGES:  # frames, history, imports loaded
        for _ in range(2):
            page(dashboard_bench.BASE + path, "")
    kept = set(store)
    steps = [state for _name, state in dashboard_bench.filter_steps(info["older_wave"]) if "wave" not in state]
    times, cpus, cached, cached_cpus = [], [], [], []
    for path in DASHBOARD_PAGES:
        for state in steps:
            for key in [key for key in store if key not in kept]:
                store.pop(key, None)
            for wall, cpu in ((times, cpus), (cached, cached_cpus)):  # a new view, then the same served from the cache
                started = _clock()
                page(dashboard_bench.BASE + path, dashboard_bench._query(state))
                seconds, cpu_seconds = _since(started)
                wall.append(seconds)
                cpu.append(cpu_seconds)
    ms = lambda seconds: f"{seconds * 1000:.0f}"  # noqa: E731
    return {
        "wall": statistics.median(times),
        "cpu": sum(cpus) / len(cpus),
        "what": (
            f"median of {len(times)} changes (overview, explorer; latest wave), p95 {ms(_p95(times))} ms wall, "
            f"CPU p50 / p95 {ms(statistics.median(cpus))} / {ms(_p95(cpus))} ms; baseline (the same callback, "
            f"content cached) p50 / p95 {ms(statistics.median(cached))} / {ms(_p95(cached))} ms wall, "
            f"{ms(statistics.median(cached_cpus))} / {ms(_p95(cached_cpus))} ms CPU; ratio p50 / p95 "
            f"{statistics.median(times) / statistics.median(cached):.1f}x / {_p95(times) / _p95(cached):.1f}x wall, "
            f"{statistics.median(cpus) / statistics.median(cached_cpus):.1f}x / "
            f"{_p95(cpus) / _p95(cached_cpus):.1f}x CPU"
        ),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def _pages(client, plan: list[tuple[str, str, dict]]) -> dict:
    """The plan's requests one at a time (one untimed first, for templates); p50 as the wall figure."""
    kind, path, headers = plan[0]
    assert client.get(path, headers=headers).status_code == 200, path
    times, cpu = [], 0.0
    for _kind, path, headers in plan:
        started = _clock()
        response = client.get(path, headers=headers)
        seconds, cpu_seconds = _since(started)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        times.append(seconds)
        cpu += cpu_seconds
    return {
        "wall": statistics.median(times),
        "cpu": cpu / len(times),
        "what": f"p50 of {len(times)} requests, p95 {_p95(times) * 1000:.0f} ms",
    }


def _generated(info: dict) -> registry_bench.Generated:
    return registry_bench.Generated(
        info["stakeholders"], 0, info["focal_email"], info["focal_country"], 0.0, info["names"], info["orgs"]
    )


def measure_register(url: str, info: dict) -> dict:
    os.environ["DATABASE_URL"] = url
    from app import create_app

    client = create_app({"WTF_CSRF_ENABLED": False}).test_client()
    return _pages(client, registry_bench.register_plan(_generated(info), info["requests"], info["seed"]))


def measure_roster(url: str, info: dict) -> dict:
    client = _signed_in_client(info["focal_email"], registry_bench.FOCAL_PASSWORD, url)
    plan = [(kind, path, {}) for kind, path, _headers in registry_bench.roster_plan("", info["requests"])]
    return _pages(client, plan)


CHILDREN = {
    "frame": measure_frame,
    "indicators": measure_indicators,
    "export": measure_export,
    "dashboard": measure_dashboard,
    "register": measure_register,
    "roster": measure_roster,
}


def child(kind: str, url: str, info_path: str) -> dict:
    from app import load_models

    load_models()
    before = common.peak_rss()
    result = CHILDREN[kind](url, json.loads(Path(info_path).read_text()))
    result["rss_before"] = before
    result.setdefault("maxrss", common.peak_rss())  # a measure's own peak, taken before its baseline ran
    result["load"] = os.getloadavg()[0]
    return result


def _in_child(kind: str, url: str, info_path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, url, str(info_path)], capture_output=True, text=True, cwd=ROOT
    )
    if output.returncode:
        return {"error": output.stderr.strip().splitlines()[-1] if output.stderr.strip() else "failed"}
    return json.loads(output.stdout.strip().splitlines()[-1])


# --- one size ----------------------------------------------------------------------------------


def fill(url: str, size: int, args) -> dict:
    """Generate the data of one size with the other benchmarks' generators; returns what the children need."""
    started = time.perf_counter()
    generated = registry_bench.generate(url, size, args.seed)
    answers = invitations = 0
    if set(args.measures) - REGISTRY_ONLY:  # the registry pages need no responses
        answers, _seconds = frame_bench.generate(url, args.waves, size // args.waves, args.seed)
        invitations = indicators_bench.invite(url, args.seed)
        dashboard_bench.store_records(url, args.seed)
    engine = make_engine(url)
    with engine.connect() as connection:
        waves = [row[0] for row in connection.execute(text("SELECT id FROM wave ORDER BY year, id"))]
    engine.dispose()
    responses = (
        f"{args.waves} waves x {size // args.waves:,} responses ({answers:,} answers)" if answers else "no responses"
    )
    print(
        f"  {size:,} stakeholders, {responses}, {invitations:,} invitations; "
        f"generated in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {
        "seed": args.seed,
        "requests": args.requests,
        "older_wave": waves[len(waves) // 2] if waves else None,
        "stakeholders": generated.stakeholders,
        "focal_email": generated.focal_email,
        "focal_country": generated.focal_country,
        "names": generated.names[:2000],
        "orgs": generated.organisation_names,
    }


@contextlib.contextmanager
def filled(backend: str, size: int, args) -> Iterator[tuple[str, Path]]:
    """(database URL, path of the children's info) of one size: generated afresh, or on SQLite with
    `--cache` the database a previous run left there (a million responses take many minutes to make)."""
    if backend == "sqlite" and args.cache:
        scope = "registry" if set(args.measures) <= REGISTRY_ONLY else "all"
        path = Path(args.cache) / f"growth-{size}-{scope}-w{args.waves}-s{args.seed}-{_head()}.db"
        info_path = path.with_suffix(".json")
        if path.exists() and info_path.exists():
            print(f"[{backend}] size {size:,}: reusing {path}", flush=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial.db")
            for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            info = _generate(f"sqlite:///{partial}", backend, size, args)
            _checkpoint(f"sqlite:///{partial}")
            os.replace(partial, path)  # only a finished database is ever reused
            info_path.write_text(json.dumps(info))
        yield f"sqlite:///{path}", info_path
        return
    with common.database(backend) as url, tempfile.TemporaryDirectory(prefix="ipbes-growth-") as workdir:
        info_path = Path(workdir) / "info.json"
        info_path.write_text(json.dumps(_generate(url, backend, size, args)))
        yield url, info_path


def _head() -> str:
    """The migrations' head revision, so a cached database of an older schema is not reused."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


def _generate(url: str, backend: str, size: int, args) -> dict:
    migrate.upgrade(url)
    print(f"[{backend}] size {size:,}: generating", flush=True)
    return fill(url, size, args)


def _checkpoint(url: str) -> None:
    """Fold the write-ahead log into the database file, so the file alone is the whole database."""
    engine = make_engine(url)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def run_size(backend: str, size: int, args) -> dict[str, dict]:
    with filled(backend, size, args) as (url, info_path):
        results = {}
        for kind in args.measures:
            results[kind] = _in_child(kind, url, info_path)
            print(f"[{backend}] size {size:,} {kind}: {_brief(results[kind])}", flush=True)
    return results


def _brief(result: dict) -> str:
    if "error" in result:
        return "FAILED: " + result["error"]
    return (
        f"{_time(result['wall'])} wall, {_time(result['cpu'])} CPU, peak RSS {result['maxrss'] / 1024**2:,.0f} MB, "
        f"load {result['load']:.1f}; {result['what']}"
    )


# --- the table ---------------------------------------------------------------------------------


def _time(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _slope(before: dict | None, after: dict, sizes: tuple[int, int], key: str) -> str:
    if before is None or "error" in before or "error" in after or before[key] <= 0 or after[key] <= 0:
        return "-"
    return f"{math.log(after[key] / before[key]) / math.log(sizes[1] / sizes[0]):.2f}"


def table(backend: str, sizes: list[int], results: dict[int, dict[str, dict]], measures) -> list[str]:
    lines = [
        f"{backend}:",
        f"  {'measure':<11} {'size':>10} {'wall':>9} {'CPU':>9} {'peak RSS':>10} {'slope wall':>10} "
        f"{'slope CPU':>9} {'load':>5}  what",
    ]
    worst = 0.0
    for kind in measures:
        before, before_size = None, None
        for size in sizes:
            run = results[size][kind]
            if "error" in run:
                lines.append(f"  {kind:<11} {size:>10,} FAILED: {run['error']}")
                before = None
                continue
            slopes = [_slope(before, run, (before_size, size), key) for key in ("wall", "cpu")]
            worst = max([worst] + [float(s) for s in slopes if s != "-"])
            lines.append(
                f"  {kind:<11} {size:>10,} {_time(run['wall']):>9} {_time(run['cpu']):>9} "
                f"{run['maxrss'] / 1024**2:>7,.0f} MB {slopes[0]:>10} {slopes[1]:>9} {run['load']:>5.1f}  "
                f"{run['what']}; RSS before {run['rss_before'] / 1024**2:,.0f} MB"
            )
            before, before_size = run, size
    peak = max((r["maxrss"] for by in results.values() for r in by.values() if "maxrss" in r), default=0)
    lines.append(
        f"  steepest slope {worst:.2f} (target <= {TARGET_SLOPE}): {'met' if worst <= TARGET_SLOPE else 'MISSED'}; "
        f"largest peak RSS {peak / 1024**2:,.0f} MB"
        + (
            f" at {max(sizes):,} (target <= 4 GB at 1,000,000: {'met' if peak <= TARGET_BYTES else 'MISSED'})"
            if max(sizes) >= 1_000_000
            else " (the 4 GB target applies at 1,000,000, not run)"
        )
    )
    return lines


def run_backend(backend: str, args) -> list[str]:
    sizes = sorted(args.sizes)
    results = {size: run_size(backend, size, args) for size in sizes}
    return table(backend, sizes, results, args.measures) + [f"  {registry_bench.baseline.load_average()} at the end"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="responses = stakeholders")
    parser.add_argument("--waves", type=int, default=10, help="the responses are spread over this many waves")
    parser.add_argument("--requests", type=int, default=60, help="register and roster requests per size")
    parser.add_argument("--measures", nargs="+", choices=MEASURES, default=list(MEASURES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="SQLite: keep each size's filled database in DIR and reuse it in later runs (a million responses "
        "need about 5 GB of disk)",
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "URL", "INFO"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    if max(args.sizes) > 1_000_000 or min(args.sizes) < args.waves * 100:
        parser.error("sizes between 100 x --waves and 1,000,000")
    return common.print_report(
        f"Growth benchmark: sizes {', '.join(f'{s:,}' for s in sorted(args.sizes))} (responses of 40 questions "
        f"in {args.waves} waves, and stakeholders)",
        run_backend,
        Namespace(**vars(args)),
    )


if __name__ == "__main__":
    sys.exit(main())
