"""Tidy-frame benchmark: `surveys.frame.responses_frame` at 100,000 responses x 40 questions.

    .venv/bin/python bench/frame.py --backend sqlite|postgresql|both [--waves 10] [--responses 10000]

For each backend it creates a fresh database (a SQLite file in a temporary directory, or a
database on a throwaway PostgreSQL server), migrates it, and generates with bulk inserts one
instrument in two versions (version 1 lacks one question, so the frame matches by name),
`--waves` waves of `--responses` submitted responses each (a fifth through open links of
four networks, plus some drafts the frame must leave out) with 40 questions: Likert items,
other `select_one`, `select_multiple` with "other", integers, decimals, dates and texts, some
skipped by skip logic. About 3.6 million answer rows at full scale.

Then, in a fresh Python process (so the generator's memory does not count), it builds the
frame of every wave: wall time of the call, the process's peak resident memory (maxrss) and
its baseline before the call, and in a second run the peak of Python allocations under
tracemalloc. Target: at most 5 s and 2 GB. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import load_models  # noqa: E402
from bench import common  # noqa: E402
from core import migrate  # noqa: E402
from core.db import make_engine  # noqa: E402
from surveys.definition import Choice, Definition, Grid, Page, Question  # noqa: E402
from surveys.models import Instrument, InstrumentVersion, OpenLink, Response, Wave  # noqa: E402

TARGET_SECONDS = 5.0
TARGET_BYTES = 2 * 1024**3
LANGS = ("ar", "en", "es", "fr", "ru", "zh")
REGIONS = {
    "WEOG": ("US", "GB", "DE", "FR"),
    "GRULAC": ("BR", "MX", "CO"),
    "AFR": ("KE", "NG", "ZA"),
    "APAC": ("IN", "CN", "JP"),
    "EEG": ("PL", "RU"),
}
REGION_WEIGHTS = (42, 20.5, 16.9, 14.7, 5.9)
LANGUAGE_WEIGHTS = {"en": 723, "es": 165, "fr": 118, "ar": 8, "ru": 7, "zh": 3}
CATEGORIES = ("science", "policymaker", "ngo", "practitioner", "public", "igo", "business", "ilk")
NETWORKS = ("Young Ecologists Network", "Citizen Science Network", "IPLC Forum", "Business for Nature")
DROPPED_IN_V1 = "barrier_notes"  # the question version 1 lacks


def _six(text_: str) -> dict[str, str]:
    return {code: text_ if code == "en" else f"[{code}] {text_}" for code in LANGS}


def _choices(*names: str) -> tuple[Choice, ...]:
    return tuple(Choice(name=name, labels=_six(name.replace("_", " "))) for name in names)


def definition(version: str) -> Definition:
    """40 questions: 16 select_one (12 in Likert grids), 8 select_multiple, 6 integer, 3 decimal, 2 date, 5 text."""
    agree = [
        Question(
            name=f"agree_{i:02d}",
            type="select_one",
            labels=_six(f"Statement {i}"),
            list_name="agree5",
            appearance="list-nolabel",
        )
        for i in range(1, 13)
    ]
    multi = [
        Question(
            name=f"multi_{i}",
            type="select_multiple",
            labels=_six(f"Pick some {i}"),
            list_name="options",
            relevant="${engaged} = 'yes'" if i > 6 else None,
        )
        for i in range(1, 9)
    ]
    pages = (
        Page(
            name="about",
            labels=_six("About"),
            items=(
                Question(name="engaged", type="select_one", labels=_six("Engaged?"), list_name="yes_no", required=True),
                Question(name="role", type="select_one", labels=_six("Role"), list_name="roles"),
                Question(name="length", type="select_one", labels=_six("Length"), list_name="length"),
                Question(name="contact", type="select_one", labels=_six("Contact?"), list_name="yes_no"),
                *(Question(name=f"count_{i}", type="integer", labels=_six(f"How many {i}")) for i in range(1, 7)),
                *(Question(name=f"share_{i}", type="decimal", labels=_six(f"Share {i}")) for i in range(1, 4)),
                Question(name="first_contact", type="date", labels=_six("First contact")),
                Question(name="last_contact", type="date", labels=_six("Last contact")),
            ),
        ),
        Page(
            name="views",
            labels=_six("Views"),
            items=(
                Grid(name="clarity", labels=_six("Agree?"), list_name="agree5", questions=tuple(agree[:6])),
                Grid(name="openness", labels=_six("Agree?"), list_name="agree5", questions=tuple(agree[6:])),
                *multi,
                Question(
                    name="multi_1_other",
                    type="text",
                    labels=_six("Other"),
                    other_of="multi_1",
                    relevant="selected(${multi_1}, 'other')",
                ),
                Question(name="comments", type="text", labels=_six("Comments")),
                Question(name="suggestions", type="text", labels=_six("Suggestions")),
                Question(name="concerns", type="text", labels=_six("Concerns")),
                Question(name=DROPPED_IN_V1, type="text", labels=_six("Barriers")),
            ),
        ),
    )
    if version == "1":
        pages = (
            pages[0],
            Page(
                name="views",
                labels=pages[1].labels,
                items=tuple(i for i in pages[1].items if getattr(i, "name", "") != DROPPED_IN_V1),
            ),
        )
    return Definition(
        form_id="bench",
        version=version,
        titles=_six("Benchmark survey"),
        pages=pages,
        choices={
            "agree5": _choices("1", "2", "3", "4", "5"),
            "yes_no": _choices("yes", "no"),
            "roles": _choices("scientist", "practitioner", "teacher", "policymaker", "student", "business", "other"),
            "length": _choices("lt1", "1_2", "3_5", "gt5"),
            "options": _choices(
                "networking", "knowledge", "learning", "visibility", "influence", "sustainability", "other"
            ),
        },
    )


def _insert(connection, table, rows: list[dict], chunk: int = 20_000) -> None:
    for start in range(0, len(rows), chunk):
        connection.execute(table.insert(), rows[start : start + chunk])


def _copy_answers(connection, rows) -> None:
    """PostgreSQL: COPY is an order of magnitude faster than INSERT for millions of rows."""
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy("COPY answer (response_id, question, value_text, value_number, value_date) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_answers_sqlite(connection, rows, chunk: int = 200_000) -> None:
    """SQLite: the driver's executemany on plain tuples, several times faster than the ORM's table insert
    with a dict per row (40 million rows at a million responses). Dates as SQLAlchemy stores them."""
    sql = "INSERT INTO answer (response_id, question, value_text, value_number, value_date) VALUES (?, ?, ?, ?, ?)"
    for start in range(0, len(rows), chunk):
        connection.exec_driver_sql(
            sql, [row if row[4] is None else (*row[:4], row[4].isoformat()) for row in rows[start : start + chunk]]
        )


def _answer_rows(rng: random.Random, response_id: int, questions, region_shift: float):
    """One response's answers as tuples, skip logic applied."""
    engaged = "yes" if rng.random() < 0.8 else "no"
    for question in questions:
        name, kind = question.name, question.type
        if question.relevant and "engaged" in question.relevant and engaged != "yes":
            continue
        if name == "engaged":
            yield (response_id, name, engaged, None, None)
        elif kind == "select_one":
            if rng.random() < 0.05:
                continue
            if question.list_name == "agree5":
                value = str(min(5, max(1, round(rng.gauss(3.4 + region_shift, 1.0)))))
            else:
                value = rng.choice(question.list_name and CHOICES[question.list_name])
            yield (response_id, name, value, None, None)
        elif kind == "select_multiple":
            picked = [c for c in CHOICES["options"] if rng.random() < 0.35]
            if picked:
                yield (response_id, name, " ".join(picked), None, None)
                if name == "multi_1" and "other" in picked:
                    yield (response_id, "multi_1_other", rng.choice(("Local action", "Teaching", "Art")), None, None)
        elif kind == "integer":
            yield (response_id, name, None, float(rng.randint(0, 40)), None)
        elif kind == "decimal":
            yield (response_id, name, None, round(rng.random() * 100, 2), None)
        elif kind == "date":
            yield (response_id, name, None, None, date(2015, 1, 1) + timedelta(days=rng.randrange(4000)))
        elif kind == "text" and question.other_of is None and rng.random() < 0.3:
            yield (response_id, name, rng.choice(TEXTS), None, None)


CHOICES = {
    "yes_no": ("yes", "no"),
    "roles": ("scientist", "practitioner", "teacher", "policymaker", "student", "business", "other"),
    "length": ("lt1", "1_2", "3_5", "gt5"),
    "options": ("networking", "knowledge", "learning", "visibility", "influence", "sustainability", "other"),
}
TEXTS = (
    "More webinars in Spanish, please.",
    "Clearer calls for experts.",
    "Travel funding is the main barrier.",
    "Les résumés pour décideurs sont très utiles.",
    "Необходим перевод документов.",
    "希望有更多中文材料。",
    "نحتاج إلى مزيد من التدريب.",
)


def generate(url: str, waves: int, per_wave: int, seed: int) -> tuple[int, float]:
    """Fill a migrated database; returns (answer rows, seconds)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    engine = make_engine(url)
    answers = 0
    with engine.begin() as connection:
        instrument_id = connection.execute(
            Instrument.__table__.insert().values(code="bench-survey", name="Benchmark survey", created_at=now)
        ).inserted_primary_key[0]
        definitions: dict[int, Definition] = {}  # version id -> definition
        for number in (1, 2):
            spec = definition(str(number))
            version_id = connection.execute(
                InstrumentVersion.__table__.insert().values(
                    instrument_id=instrument_id,
                    number=number,
                    content_hash=secrets.token_hex(32),
                    definition=spec.to_dict(),
                    xlsform=b"",
                    filename="bench.xlsx",
                    created_at=now + timedelta(seconds=number),
                )
            ).inserted_primary_key[0]
            definitions[version_id] = spec
        version_ids = sorted(definitions)
        response_id = 0
        for wave_number in range(waves):
            year = 2026 - waves + 1 + wave_number
            version_id = version_ids[0] if wave_number < waves // 2 else version_ids[-1]
            questions = [q for q in definitions[version_id].questions() if q.type != "note"]
            opens = datetime(year, 9, 1, tzinfo=UTC)
            wave_id = connection.execute(
                Wave.__table__.insert().values(
                    instrument_id=instrument_id,
                    version_id=version_id,
                    name=f"Benchmark wave {year}",
                    year=year,
                    opens_at=opens,
                    closes_at=opens + timedelta(days=60),
                    status="closed",
                    audience={},
                    allow_editing=True,
                    created_at=now,
                )
            ).inserted_primary_key[0]
            links = [
                connection.execute(
                    OpenLink.__table__.insert().values(
                        wave_id=wave_id,
                        network=network,
                        token=secrets.token_urlsafe(24),
                        is_active=True,
                        created_at=now,
                    )
                ).inserted_primary_key[0]
                for network in NETWORKS
            ]
            responses, rows = [], []
            drafts = per_wave // 50
            for n in range(per_wave + drafts):
                response_id += 1
                region = rng.choices(tuple(REGIONS), REGION_WEIGHTS)[0]
                draft = n >= per_wave
                submitted = opens + timedelta(seconds=rng.randrange(60 * 86400))
                responses.append(
                    {
                        "id": response_id,
                        "wave_id": wave_id,
                        "version_id": version_id,
                        "stakeholder_id": None,
                        "open_link_id": rng.choice(links) if rng.random() < 0.2 else None,
                        "submission_key": f"{response_id:032x}",
                        "resume_token_hash": None,
                        "status": "draft" if draft else "submitted",
                        "language": rng.choices(tuple(LANGUAGE_WEIGHTS), tuple(LANGUAGE_WEIGHTS.values()))[0],
                        "draft": {},
                        "last_page": 2,
                        "content_digest": None,
                        "started_at": submitted,
                        "updated_at": submitted,
                        "submitted_at": None if draft else submitted,
                        "regional_group": region,
                        "country": rng.choice(REGIONS[region]),
                        "category": rng.choice(CATEGORIES),
                        "gender": rng.choice(("female", "male", "undisclosed")),
                        "stakeholder_type": rng.choice(("contributor", "end_user", "both")),
                    }
                )
                shift = {"AFR": 0.5, "WEOG": -0.3}.get(region, 0.0)
                rows.extend(_answer_rows(rng, response_id, questions, shift))
            _insert(connection, Response.__table__, responses)
            answers += len(rows)
            if connection.dialect.name == "postgresql":
                _copy_answers(connection, rows)
            else:
                _insert_answers_sqlite(connection, rows)
            print(f"  wave {wave_number + 1}/{waves}: {len(responses):,} responses, {len(rows):,} answers", flush=True)
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('response_id_seq', :n)"), {"n": response_id})
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    engine.dispose()
    return answers, time.perf_counter() - started


def measure(url: str, trace: bool) -> dict:
    """Runs in a fresh process: the frame of every wave, timed, with memory figures."""
    import tracemalloc

    from sqlmodel import Session

    from surveys.frame import responses_frame

    load_models()
    engine = make_engine(url)
    with Session(engine) as session:
        wave_ids = [row[0] for row in session.connection().execute(text("SELECT id FROM wave ORDER BY id"))]
        session.rollback()
        baseline = common.peak_rss()
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        frame = responses_frame(session, wave_ids)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        traced = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
        maxrss = common.peak_rss()
        frame_bytes = int(frame.memory_usage(deep=True).sum())
        shape = frame.shape
        del frame
        session.rollback()
        floor, floor_cpu = physical_baseline(session.connection(), wave_ids)
        return {
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "floor": floor,
            "floor_cpu": floor_cpu,
            "maxrss": maxrss,
            "baseline": baseline,
            "traced": traced,
            "rows": shape[0],
            "columns": shape[1],
            "frame_bytes": frame_bytes,
        }


BASELINE_SQL = (
    "SELECT a.response_id, a.question, COALESCE(a.value_text, CAST(a.value_number AS TEXT)) AS value "
    "FROM answer a JOIN response r ON r.id = a.response_id WHERE r.status = 'submitted' AND r.wave_id = {}"
)


def answers_wide(connection, wave_ids) -> Iterator[pd.DataFrame]:
    """The floor under the frame: each wave's submitted answers read with the database driver into
    pandas and pivoted to a row per response and a column per question (no typing, no labels, no
    registry profile). A wave at a time, as the frame reads in chunks: 35 million answers at a million
    responses do not fit in memory as Python tuples."""
    cursor = connection.connection.dbapi_connection.cursor()  # the driver's own rows: plain tuples
    for wave_id in wave_ids:
        cursor.execute(BASELINE_SQL.format(int(wave_id)))
        answers = pd.DataFrame(cursor.fetchall(), columns=["response_id", "question", "value"])
        yield answers.pivot(index="response_id", columns="question", values="value")


def physical_baseline(connection, wave_ids) -> tuple[float, float]:
    """(seconds, CPU seconds) of reading every wave's answers wide (`answers_wide`)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for _wide in answers_wide(connection, wave_ids):
        pass
    return time.perf_counter() - started, time.process_time() - cpu_started


def _measure_in_child(url: str, trace: bool) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", url] + (["--trace"] if trace else []),
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
    with database as url:
        migrate.upgrade(url)
        print(f"[{backend}] generating {args.waves} waves x {args.responses:,} responses", flush=True)
        answers, seconds = generate(url, args.waves, args.responses, args.seed)
        print(f"[{backend}] generated {answers:,} answer rows in {seconds:.1f} s", flush=True)
        runs = [_measure_in_child(url, trace=False) for _ in range(args.repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        traced = _measure_in_child(url, trace=True)
    peak = max(run["maxrss"] for run in runs)
    ok = best["seconds"] <= TARGET_SECONDS and peak <= TARGET_BYTES
    return [
        f"{backend:<11} frame {best['rows']:,} rows x {best['columns']} columns "
        f"({answers:,} answers): {best['seconds']:.2f} s (runs: "
        + ", ".join(f"{run['seconds']:.2f}" for run in runs)
        + ")",
        f"{'':<11} peak RSS {_mb(peak)} (process before the call {_mb(best['baseline'])}), "
        f"peak traced Python allocations {_mb(traced['traced'])}, frame itself {_mb(best['frame_bytes'])}",
        f"{'':<11} baseline (the answers read by the driver into pandas, pivoted): {best['floor']:.2f} s, "
        f"CPU {best['floor_cpu']:.2f} s; ratio {best['seconds'] / best['floor']:.1f}x "
        f"(CPU {best['cpu_seconds'] / best['floor_cpu']:.1f}x)",
        f"{'':<11} target <= {TARGET_SECONDS:.0f} s and <= 2 GB: {'met' if ok else 'MISSED'}",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    common.add_wave_options(parser)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (each in a fresh process)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.trace)))
        return 0
    common.check_wave_scale(parser, args)
    return common.print_report(
        f"Tidy-frame benchmark: {args.waves} waves x {args.responses:,} responses x 40 questions", run_backend, args
    )


if __name__ == "__main__":
    sys.exit(main())
