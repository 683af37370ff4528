"""Indicators benchmark: the six indicator groups and every survey statistic for one wave.

    .venv/bin/python bench/indicators.py --backend sqlite|postgresql|both \
        [--stakeholders 100000] [--waves 10] [--responses 10000] [--repeat 3]

For each backend it creates a fresh database (as `bench/frame.py` does), migrates it, and
generates with the other benchmarks' generators: the registry of `--stakeholders` people
(`bench/registry.py`), then `--waves` waves of `--responses` submitted responses to the
40-question instrument (`bench/frame.py`). On top it invites a quarter of the registry to each
wave and links that wave's invitation responses to invitees, so response rates have something
to count. Participation records and the secretariat's records (evidence, planned steps, impact
records, calls, concerns) are made in memory at a plausible size: the indicators only see
DataFrames.

Then, in a fresh Python process, for the latest wave: loads the inputs (`responses_frame` and
`question_catalog` of the wave, `registry_frame`, `invitations_frame`, `registry_margin_frame`),
timed apart as the loading time; then times the analysis: raking to the registry's margins, the
six indicator groups, `wave_results` (weighted) and `drivers`. Reports the best of `--repeat`
runs and the process's peak resident memory. Target for the analysis: at most 3 s and 2 GB. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import load_models  # noqa: E402
from bench import common  # noqa: E402
from bench import frame as frame_bench  # noqa: E402
from bench import registry as registry_bench  # noqa: E402
from core import migrate  # noqa: E402
from core.db import make_engine  # noqa: E402
from surveys.models import Invitation  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_BYTES = 2 * 1024**3
INVITED_SHARE = 0.25  # of the registry, per wave
LINKED_SHARE = 0.8  # of a wave's invitation responses, tied to an invitee (the rest: invitees not in the sample)


# --- data -------------------------------------------------------------------------------------


def invite(url: str, seed: int) -> int:
    """Invite a sample of the registry to every wave and tie invitation responses to invitees."""
    rng = random.Random(seed)
    engine = make_engine(url)
    now = datetime.now(UTC)
    invitations = 0
    with engine.begin() as connection:
        people = [row[0] for row in connection.execute(text("SELECT id FROM stakeholder ORDER BY id"))]
        waves = [row[0] for row in connection.execute(text("SELECT id FROM wave ORDER BY id"))]
        next_id = 1
        for wave_id in waves:
            invited = rng.sample(people, k=int(len(people) * INVITED_SHARE))
            rows = [
                {
                    "id": next_id + i,
                    "wave_id": wave_id,
                    "stakeholder_id": person,
                    "token": secrets.token_urlsafe(18),
                    "language": "en",
                    "sent_at": now,
                    "reminders_sent": 0,
                    "last_reminded_at": None,
                    "created_at": now,
                }
                for i, person in enumerate(invited)
            ]
            next_id += len(rows)
            frame_bench._insert(connection, Invitation.__table__, rows)
            invitations += len(rows)
            answered = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT id FROM response WHERE wave_id = :w AND open_link_id IS NULL AND status = 'submitted' "
                        "ORDER BY id"
                    ),
                    {"w": wave_id},
                )
            ]
            linked = answered[: min(len(invited), int(len(answered) * LINKED_SHARE))]
            connection.execute(
                text("UPDATE response SET stakeholder_id = :s WHERE id = :r"),
                [{"s": person, "r": rid} for person, rid in zip(invited, linked)],
            )
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT setval(pg_get_serial_sequence('invitation', 'id'), :n)"), {"n": next_id})
    engine.dispose()
    return invitations


def records(registry: pd.DataFrame, years: list[int], seed: int) -> dict[str, pd.DataFrame]:
    """Participation and the secretariat's records, as the engagement and registry loaders give them."""
    rng = np.random.default_rng(seed)
    people = registry.loc[registry["is_active"] & ~registry["erased"]]
    n = min(60_000, 6 * len(people))
    picked = people.iloc[rng.integers(0, len(people), n)].reset_index(drop=True)
    activities = 400
    activity = rng.integers(1, activities + 1, n)
    roles = np.array(["nominated", "selected", "fellow", "reviewer", "participant", "speaker", "input_submitted"])
    role = roles[rng.choice(len(roles), n, p=[0.2, 0.08, 0.02, 0.15, 0.4, 0.05, 0.1])]
    participation = pd.DataFrame(
        {
            "participation_id": np.arange(1, n + 1),
            "activity_id": activity,
            "activity_type": pd.Categorical(
                np.array(["assessment", "task_force", "workshop", "stakeholder_day", "review"])[activity % 5]
            ),
            "year": np.array(years)[activity % len(years)],
            "role": pd.Categorical(role),
            "comments": pd.array(np.where(role == "reviewer", rng.integers(1, 40, n), None), dtype="Int64"),
            "stakeholder_id": pd.array(picked["stakeholder_id"].to_numpy(), dtype="Int64"),
            "organisation_id": pd.array([None] * n, dtype="Int64"),
            **{column: picked[column] for column in ("regional_group", "country", "gender", "category")},
        }
    )
    day0 = date(years[0], 1, 1)

    all_years = 365 * len(years)

    def days(count, span=all_years):
        return [day0 + timedelta(days=int(d)) for d in rng.integers(0, span, count)]

    kinds = ("strategy", "implementation_plan", "procedures", "consultation")
    evidence = pd.DataFrame(
        {
            "kind": [kinds[i % 4] for i in range(40)],
            "title": [f"Document {i}" for i in range(40)],
            "issued_on": days(40),
            "link": "https://example.org/doc",
            "languages": ["ar;en;es;fr;ru;zh" if i % 3 else "en;fr" for i in range(40)],
        }
    )
    options = [c for c in frame_bench.CHOICES["options"] if c != "other"]
    actions = pd.DataFrame(
        {
            "barrier": [options[i % len(options)] for i in range(30)],
            "action": [f"Step {i}" for i in range(30)],
            "owner": "secretariat",
            "due_on": days(30),
            "status": [("planned", "in_progress", "done")[i % 3] for i in range(30)],
        }
    )
    submitted = days(2000)
    impacts = pd.DataFrame(
        {
            "impact_type": rng.choice(["policy", "action", "commitment", "network", "investment", "law"], 2000),
            "scale": rng.choice(["local", "national", "regional", "global"], 2000),
            "region": rng.choice(["AFR", "APAC", "EEG", "GRULAC", "WEOG"], 2000),
            "country": rng.choice(["KE", "FR", "BR", "IN", "PL"], 2000),
            "deliverable": "",
            "status": rng.choice(["published", "published", "published", "pending", "rejected"], 2000),
            "submitted_on": submitted,
            "published_on": [d + timedelta(days=14) for d in submitted],
        }
    )
    opened = days(120)
    calls = pd.DataFrame(
        {
            "opened_on": opened,
            "closed_on": [d + timedelta(days=45) for d in opened],
            "year": [d.year for d in opened],
            "responses": rng.integers(0, 400, 120),
        }
    )
    raised = days(3000)
    answered = rng.random(3000) < 0.8
    lag = rng.integers(1, 90, 3000)
    concerns = pd.DataFrame(
        {
            "raised_on": raised,
            "year": [d.year for d in raised],
            "channel": rng.choice(["email", "stakeholder_day", "review", "survey"], 3000),
            "status": np.where(answered, "answered", "open"),
            "answered_on": [d + timedelta(days=int(g)) if a else None for d, g, a in zip(raised, lag, answered)],
            "days_to_answer": [int(g) if a else None for g, a in zip(lag, answered)],
            "addressed": answered,
        }
    )
    return {
        "participation": participation,
        "evidence": evidence,
        "actions": actions,
        "impacts": impacts,
        "calls": calls,
        "concerns": concerns,
    }


# --- the measurement (in a fresh process) ----------------------------------------------------


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(url: str, seed: int) -> dict:
    from sqlmodel import Session

    from analysis import indicators
    from analysis.survey_results import drivers, raking_weights, wave_results
    from stakeholders.frames import registry_frame
    from surveys.analysis_inputs import invitations_frame, registry_margin_frame
    from surveys.frame import question_catalog, responses_frame

    load_models()
    engine = make_engine(url)
    with Session(engine) as session:
        wave_id, year = session.connection().execute(text("SELECT id, year FROM wave ORDER BY year DESC")).first()
        started = clock = time.perf_counter()
        loads = {}

        def loaded(name):
            nonlocal clock
            now = time.perf_counter()
            loads[name], clock = now - clock, now

        frame = responses_frame(session, [wave_id], include_pii=False)
        loaded("frame")
        catalog = question_catalog(session, [wave_id])
        loaded("catalog")
        registry = registry_frame(session)
        loaded("registry")
        invitations = invitations_frame(session, [wave_id])
        loaded("invitations")
        margins = registry_margin_frame(session)
        member_states = pd.DataFrame(
            session.connection()
            .execute(text("SELECT iso2 AS country, regional_group FROM country WHERE is_un_member"))
            .all(),
            columns=["country", "regional_group"],
        )
        loaded("margins")
        load_seconds = time.perf_counter() - started
    engine.dispose()
    extra = records(registry, list(range(year - 9, year + 1)), seed)
    rss_before = _rss()

    started = time.perf_counter()
    laps = {}

    def lap(name, since=[started]):  # noqa: B006 (a running clock)
        now = time.perf_counter()
        laps[name] = now - since[0]
        since[0] = now

    raked = raking_weights(frame, margins)
    survey = frame.assign(weight=raked.weights)
    lap("raking")
    scale = ("1", "2", "3", "4", "5")
    groups = {
        "commitment": indicators.commitment.commitment(
            extra["evidence"], survey, item="agree_01", scale=scale, weights="weight"
        ),
        "capacity": indicators.capacity.capacity(survey, extra["actions"], question="multi_1", weights="weight"),
        "participation": indicators.participation.participation(extra["participation"], registry),
        "diversity": indicators.diversity.diversity(
            registry, extra["participation"], survey, member_states=member_states
        ),
        "impact": indicators.impact.impact(
            extra["impacts"], survey, questions=("multi_2", "multi_3"), weights="weight"
        ),
        "communication": indicators.communication.communication(
            extra["calls"], invitations, survey, extra["concerns"], weights="weight"
        ),
    }
    cards = indicators.headlines(groups)
    lap("indicators")
    results = wave_results(survey, catalog, weights=raked.design, likert_lists={"agree5": 1})
    lap("wave_results")
    odds = drivers(survey, "agree_01", catalog, weights=raked.design, likert_lists={"agree5": 1})
    lap("drivers")
    seconds = time.perf_counter() - started
    maxrss = common.peak_rss()
    with engine.connect() as connection:  # the wave frame's floor, after the peak is taken
        floor, _floor_cpu = frame_bench.physical_baseline(connection, [wave_id])
    engine.dispose()
    return {
        "frame_floor": floor,
        "seconds": seconds,
        "laps": laps,
        "frame_seconds": loads["frame"],
        "load_seconds": load_seconds,
        "loads": loads,
        "rows": len(frame),
        "columns": frame.shape[1],
        "registry": len(registry),
        "invitations": len(invitations),
        "maxrss": maxrss,
        "rss_before": rss_before,
        "growth": maxrss - rss_before,
        "share_rows": len(results.shares),
        "crosstabs": len(results.crosstabs),
        "cards": len(cards),
        "odds_terms": len(odds),
        "design_effect": raked.raking.diagnostics.design_effect,
        "dropped": raked.dropped,
    }


def _measure_in_child(url: str, seed: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", url, "--seed", str(seed)], capture_output=True, text=True, cwd=ROOT
    )
    if output.returncode:
        sys.stderr.write(output.stderr)
        raise SystemExit(f"the measurement failed (exit status {output.returncode})")
    return json.loads(output.stdout.strip().splitlines()[-1])


def _mb(value: float) -> str:
    return f"{value / 1024**2:,.0f} MB"


def run_backend(backend: str, args) -> list[str]:
    database = common.database(backend)
    with database as url:
        migrate.upgrade(url)
        print(f"[{backend}] generating {args.stakeholders:,} stakeholders", flush=True)
        generated = registry_bench.generate(url, args.stakeholders, args.seed)
        print(
            f"[{backend}] registry in {generated.seconds:.1f} s; {args.waves} waves x {args.responses:,} responses",
            flush=True,
        )
        answers, seconds = frame_bench.generate(url, args.waves, args.responses, args.seed)
        invitations = invite(url, args.seed)
        print(f"[{backend}] {answers:,} answer rows in {seconds:.1f} s, {invitations:,} invitations", flush=True)
        runs = [_measure_in_child(url, args.seed) for _ in range(args.repeat)]
    best = min(runs, key=lambda run: run["seconds"])
    peak = max(run["maxrss"] for run in runs)
    ok = best["seconds"] <= TARGET_SECONDS and peak <= TARGET_BYTES
    return [
        f"{backend:<11} one wave: {best['rows']:,} responses x {best['columns']} columns; registry "
        f"{best['registry']:,}; {best['invitations']:,} invitations",
        f"{'':<11} loading: wave frame {best['frame_seconds']:.2f} s, all inputs {best['load_seconds']:.2f} s ("
        + ", ".join(f"{name} {value:.2f} s" for name, value in best["loads"].items())
        + ")",
        f"{'':<11} baseline of the wave frame (its answers read by the driver into pandas, pivoted): "
        f"{best['frame_floor']:.2f} s; ratio {best['frame_seconds'] / best['frame_floor']:.1f}x",
        f"{'':<11} analysis: {best['seconds']:.2f} s (runs: "
        + ", ".join(f"{r['seconds']:.2f}" for r in runs)
        + "); "
        + ", ".join(f"{name} {value:.2f} s" for name, value in best["laps"].items()),
        f"{'':<11} {best['share_rows']:,} share rows, {best['crosstabs']} cross-tabulations, {best['cards']} cards, "
        f"{best['odds_terms']} odds ratios; design effect {best['design_effect']:.2f}, "
        f"{best['dropped']} respondents not raked",
        f"{'':<11} peak RSS {_mb(peak)} over loading and analysis (RSS as the analysis starts "
        f"{_mb(best['rss_before'])})",
        f"{'':<11} target <= {TARGET_SECONDS:.0f} s and <= 2 GB: {'met' if ok else 'MISSED'}",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_backend_option(parser, default="sqlite")
    parser.add_argument("--stakeholders", type=int, default=100_000)
    common.add_wave_options(parser)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (each in a fresh process)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.seed)))
        return 0
    common.check_wave_scale(parser, args)
    return common.print_report(
        f"Indicators benchmark: {args.stakeholders:,} stakeholders, {args.waves} waves x "
        f"{args.responses:,} responses x 40 questions",
        run_backend,
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
