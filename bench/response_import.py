"""Importing past responses at scale: a CSV export of 100,000 rows of 130 columns read, checked and stored.

    .venv/bin/python bench/response_import.py --backend sqlite|postgresql|both [--rows 100000]

It writes an export of the shipped annual survey in the shape LimeSurvey gives (one column per
question, one per choice of a multiple-choice question holding the choice's label or nothing, labels
in English, countries by name, the tool's own columns and timings: 130 columns), then for each
backend migrates a fresh database, installs the shipped instruments, makes a closed wave and times:
read (`reading.read_export`), propose (the column and value mapping), check (every row, as the check
job does) and store (`storing.store`: one transaction of bulk inserts). Target (issue 16): read +
check + store of 100,000 rows x 130 columns in at most 60 s.

`--pages` times instead the secretariat's page requests on the same file, through the app with a real
queue (jobs wait for a worker; the bench runs each job itself, timed apart): the upload, the mapping page
while the read job waits, the read job, the mapping page once read, its "show the values" step, the
check button, the check job and its report. Rule: no request over 2 s. The upload page takes the file
although it is larger than the app's request limit for other forms (`MAX_REQUEST_MB`).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from app import create_app  # noqa: E402
from bench import common  # noqa: E402
from core import migrate  # noqa: E402
from core.db import get_engine  # noqa: E402
from core.timeutil import utcnow  # noqa: E402
from surveys import instruments  # noqa: E402
from surveys.definition import Definition  # noqa: E402
from surveys.models import Answer, Response, Wave  # noqa: E402
from surveys.response_import import pipeline, storing  # noqa: E402
from surveys.response_import.plan import Mapping, Target  # noqa: E402
from surveys.response_import.values import propose_all_values  # noqa: E402
from surveys.xlsform_languages import read_form  # noqa: E402

TARGET_SECONDS = 60
COLUMNS = 130
TOOL_COLUMNS = ("id", "submitdate", "lastpage", "startlanguage", "seed", "ipaddr", "refurl")
COUNTRIES = ("Kenya", "France", "Brazil", "India", "Korea, South", "Cote d Ivoire", "United States", "Germany")
SKIPPED = {"none", "other", "dont_know"}  # choices that exclude others or ask for a text: never picked


def annual_survey() -> Definition:
    return read_form((instruments.SHIPPED_DIR / "annual_survey.xlsx").read_bytes(), "annual_survey.xlsx")


def _layout(definition: Definition) -> tuple[list[str], dict[str, Target]]:
    """The export's headers and the target of each."""
    headers, targets = list(TOOL_COLUMNS), {name: Target("ignore") for name in TOOL_COLUMNS}
    for question in definition.questions():
        label = question.labels.get("en", question.name)
        if question.type == "select_multiple":
            for choice in definition.choices[question.list_name]:
                header = f"{label} [{choice.labels.get('en', choice.name)}]"
                headers.append(header)
                targets[header] = Target("choice", question=question.name, choice=choice.name)
        elif question.type != "note":
            header = f"{question.name}. {label}"
            headers.append(header)
            targets[header] = (
                Target("profile", field=question.profile) if question.profile else Target("question", question.name)
            )
    headers.append("Language")
    targets["Language"] = Target("language")
    while len(headers) < COLUMNS:  # LimeSurvey's timings, one per group and question
        headers.append(f"Time for group {len(headers)}")
        targets[headers[-1]] = Target("ignore")
    return headers, targets


def _cell(definition: Definition, target: Target, rng: random.Random, row: int, chosen: dict) -> str:
    if target.kind == "choice":
        return chosen[target.question].get(target.choice, "")
    if target.kind == "language":
        return rng.choice(("English", "Anglais", "Espagnol", "French"))
    if target.kind == "profile" and target.field == "country":
        return rng.choice(COUNTRIES)
    if target.kind not in ("question", "profile"):
        return str(row) if target.kind == "ignore" and rng.random() < 0.5 else ""
    question = definition.question(target.question) if target.kind == "question" else None
    if question is None:
        question = next(q for q in definition.questions() if q.profile == target.field)
    if question.type == "select_one":
        options = [c for c in definition.choices[question.list_name] if c.name not in SKIPPED]
        return rng.choice(options).labels.get("en", "")
    if question.other_of:
        return ""
    return {
        "integer": lambda: str(rng.randint(0, 100)),
        "date": lambda: (utcnow().date() - timedelta(days=rng.randint(30, 3000))).isoformat(),
    }.get(question.type, lambda: f"person{row}@example.org" if "email" in question.name else f"Text {row}")()


def export_file(definition: Definition, rows: int, seed: int) -> tuple[bytes, Mapping]:
    rng = random.Random(seed)
    headers, targets = _layout(definition)
    multiples = [q for q in definition.questions() if q.type == "select_multiple"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in range(1, rows + 1):
        chosen = {}
        for question in multiples:
            options = [c for c in definition.choices[question.list_name] if c.name not in SKIPPED]
            picked = rng.sample(options, k=min(len(options), rng.randint(1, 3)))
            chosen[question.name] = {c.name: c.labels.get("en", c.name) for c in picked}
        writer.writerow([_cell(definition, targets[h], rng, row, chosen) for h in headers])
    return buffer.getvalue().encode("utf-8"), Mapping(columns=targets)


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


CPU: dict[str, float] = {}


def _cpu_timed(step: str, function, *args, **kwargs):
    """As `_timed`, noting the CPU seconds of this process under `step`: on a shared machine the CPU time
    is what the work costs, the wall time what it took beside the other work."""
    cpu = time.process_time()
    value, wall = _timed(function, *args, **kwargs)
    CPU[step] = time.process_time() - cpu
    return value, wall


def run_backend(backend: str, content: bytes, layout: Mapping) -> list[str]:
    with common.database(backend) as url, tempfile.TemporaryDirectory() as results:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "JOBS_IMMEDIATE": True, "JOB_RESULTS_DIR": results})
        with app.test_request_context(), Session(get_engine()) as session:
            version = instruments.install_shipped(session)[list(instruments.SHIPPED).index("annual-survey")]
            now = utcnow()
            wave = Wave(instrument_id=version.instrument_id, version_id=version.id, name="Annual survey 2019",
                        year=2019, opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=370),
                        status="closed")  # fmt: skip
            session.add(wave)
            session.commit()
            (source, rows), read = _cpu_timed("read", pipeline.read, content, "limesurvey-2019.csv")
            _proposed, propose = _cpu_timed("propose", pipeline.propose, session, wave, source, rows)
            definition = pipeline.definition_of(session, wave)
            mapping = propose_all_values(definition, Mapping(columns=dict(layout.columns)), rows)
            preview, check = _cpu_timed("check", pipeline.check, session, wave, source, rows, mapping)
            assert not preview.problems, preview.problems[:5]
            stored, store = _cpu_timed("store", storing.store, session, wave=wave, preview=preview, by=None)
            answers = session.exec(select(func.count()).select_from(Answer)).one()
            assert session.exec(select(func.count()).select_from(Response)).one() == stored.stored == len(rows)
        engine = get_engine_of(app)
        with engine.connect() as connection:
            floor, floor_cpu = physical_baseline(connection, content)
        engine.dispose()
    total = read + check + store
    return [
        f"{backend:<11} {len(rows):,} rows x {len(source.columns)} columns, CSV {len(content) / 1024**2:.1f} MB: "
        f"read {read:.1f} s, propose {propose:.1f} s, check {check:.1f} s, store {store:.1f} s "
        f"({stored.stored:,} responses, {answers:,} answers); read + check + store {total:.1f} s; "
        f"target <= {TARGET_SECONDS} s: {'met' if total <= TARGET_SECONDS else 'MISSED'}",
        f"{'':<11} CPU time of this process: "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in CPU.items())
        + f"; read + check + store {CPU['read'] + CPU['check'] + CPU['store']:.1f} s",
        f"{'':<11} baseline (the file read by pandas, a row per non-empty cell, stored with the driver's "
        f"executemany or COPY into two bare tables in one transaction): {floor:.1f} s, CPU {floor_cpu:.1f} s; "
        f"ratio {total / floor:.1f}x (CPU {(CPU['read'] + CPU['check'] + CPU['store']) / floor_cpu:.1f}x)",
    ]


def physical_baseline(connection, content: bytes) -> tuple[float, float]:
    """(seconds, CPU seconds) of the floor under an import: the CSV read by pandas, melted to a row per
    non-empty cell, and stored with the driver (executemany on SQLite, COPY on PostgreSQL, as the import
    does), a response row per line and an answer row per cell, into two temporary tables without constraints, in one transaction. No mapping, no
    checks, no typing by question."""
    started, cpu_started = time.perf_counter(), time.process_time()
    frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    frame.index = range(1, len(frame) + 1)
    cells = frame.stack()
    cells = cells[cells != ""]
    raw = connection.connection.dbapi_connection
    cursor = raw.cursor()
    sqlite = connection.dialect.name == "sqlite"
    cursor.execute("CREATE TEMPORARY TABLE floor_response (id INTEGER PRIMARY KEY, status VARCHAR(20))")
    cursor.execute("CREATE TEMPORARY TABLE floor_answer (response_id INTEGER, question TEXT, value TEXT)")
    responses = [(int(i), "submitted") for i in frame.index]
    answers = [(int(row), str(column), value) for (row, column), value in cells.items()]
    if sqlite:
        cursor.executemany("INSERT INTO floor_response VALUES (?, ?)", responses)
        cursor.executemany("INSERT INTO floor_answer VALUES (?, ?, ?)", answers)
    else:  # COPY, as the import stores its answers on PostgreSQL
        for table, rows in (("floor_response", responses), ("floor_answer", answers)):
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    raw.commit()
    return time.perf_counter() - started, time.process_time() - cpu_started


PAGE_LIMIT = 2.0  # seconds a page request may take


def _closed_wave(session: Session) -> Wave:
    version = instruments.install_shipped(session)[list(instruments.SHIPPED).index("annual-survey")]
    now = utcnow()
    wave = Wave(instrument_id=version.instrument_id, version_id=version.id, name="Annual survey 2019",
                year=2019, opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=370),
                status="closed")  # fmt: skip
    session.add(wave)
    session.commit()
    return wave


def _run_job(app, location: str, step: str, timings: dict) -> None:
    from core.jobs import runner
    from core.jobs.models import Job

    with Session(get_engine_of(app)) as session:
        job = session.exec(select(Job).order_by(Job.id.desc())).first()
    _value, timings[step] = _cpu_timed(step, runner.run, app, job.id, job.attempts)


def page_requests(backend: str, content: bytes) -> list[str]:
    """The page requests of an import of `content`, each timed (see the module's docstring)."""
    from tests.factories import DEFAULT_PASSWORD, SECRETARIAT, make_secretariat
    from tests.surveys.response_import.test_page_response_import import fields

    with common.database(backend) as url, tempfile.TemporaryDirectory() as folder:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "JOBS_IMMEDIATE": False, "WTF_CSRF_ENABLED": False,
                          "JOB_RESULTS_DIR": folder, "JOBS_QUEUE_FILE": str(Path(folder) / "jobs.db")})  # fmt: skip
        with Session(get_engine_of(app)) as session:
            make_secretariat(session)
            wave_id = _closed_wave(session).id
        client = app.test_client()
        client.post("/account/login", data={"email": SECRETARIAT, "password": DEFAULT_PASSWORD})
        timings: dict[str, float] = {}

        def request(step: str, method: str, path: str, **kwargs):
            response, timings[step] = _cpu_timed(step, getattr(client, method), path, **kwargs)
            assert response.status_code in (200, 302), (step, response.status_code)
            return response

        base = f"/staff/surveys/waves/{wave_id}/import"
        upload = request("upload", "post", base, data={"file": (io.BytesIO(content), "limesurvey-2019.csv")},
                         content_type="multipart/form-data")  # fmt: skip
        mapping_url = upload.headers["Location"]
        request("mapping page, job waiting", "get", mapping_url)
        _run_job(app, mapping_url, "read job", timings)
        page = request("mapping page", "get", mapping_url).get_data(as_text=True)
        request("show the values", "post", mapping_url, data={**fields(page), "refresh": "1"})
        job_url = request("check button", "post", mapping_url, data={**fields(page), "check": "1"}).headers["Location"]
        _run_job(app, job_url, "check job", timings)
        request("check report", "get", job_url)
        get_engine_of(app).dispose()
    pages = {step: seconds for step, seconds in timings.items() if not step.endswith(" job")}
    slowest = max(pages, key=pages.get)
    return [
        f"{backend:<11} pages of an import of {len(content) / 1024**2:.1f} MB: "
        + ", ".join(f"{step} {seconds:.2f} s (CPU {CPU[step]:.2f} s)" for step, seconds in timings.items()),
        f"{'':<11} slowest page: {slowest} {pages[slowest]:.2f} s; limit {PAGE_LIMIT} s: "
        + ("met" if pages[slowest] <= PAGE_LIMIT else "MISSED"),
    ]


def get_engine_of(app):
    return app.extensions["db_engine"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pages", action="store_true", help="time the page requests instead (rule: 2 s each)")
    args = parser.parse_args(argv)
    (content, layout), seconds = _timed(export_file, annual_survey(), args.rows, args.seed)
    print(f"wrote the CSV in {seconds:.1f} s", flush=True)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    if args.pages:
        lines = [line for backend in backends for line in page_requests(backend, content)]
    else:
        lines = [line for backend in backends for line in run_backend(backend, content, layout)]
    print("\n".join(lines))
    print(f"load average: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
