"""The dashboard's frames are loaded once, and loaded again as soon as what they were read from changes:
a registration, an engagement record, a response to the open wave."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import event
from sqlmodel import select

from analysis.indicators import diversity, impact, participation
from core.timeutil import utcnow
from dashboards import data
from surveys.models import Response, Wave
from tests.dashboards.conftest import SECRETARIAT, cards, sign_in
from tests.factories import make_activity, make_concern, make_impact, make_participation, make_stakeholder


def test_frames_are_read_once_then_kept(app, seeded, session):
    with app.app_context():
        first = data.shared(session)
        assert data.shared(session) is first
        assert data.engagement_records(session) is data.engagement_records(session)


def test_a_new_registration_reloads_the_registry(app, seeded, session):
    with app.app_context():
        before = data.shared(session)
        make_stakeholder(session, name="Nadia Haddad", country="MA")
        after = data.shared(session)
    assert after is not before
    assert len(after.registry) == len(before.registry) + 1
    with app.app_context():  # the older registry is dropped, not kept beside the new one
        assert [key for key in data.frames.cache._cache if key.startswith("dashboard:shared:")] == [
            f"dashboard:shared:{after.token}"
        ]
    assert "MA" in set(after.registry["country"].astype(str))


def test_a_new_concern_reloads_the_engagement_records(app, seeded, session):
    with app.app_context():
        before = data.engagement_records(session)
        registry = data.shared(session)
        make_concern(session, summary="The French call for nominations came late")
        after = data.engagement_records(session)
        assert data.shared(session) is registry  # the registry did not change: it stays
    assert len(after.concerns) == len(before.concerns) + 1


def test_a_response_to_the_open_wave_reloads_that_wave_only(app, seeded, session):
    with app.app_context():
        base = data.shared(session)
        waves = data.waves(session)
        open_wave = session.scalars(select(Wave).where(Wave.status == "published").order_by(Wave.year.desc())).first()
        closed = next(w for w in waves if w.id != open_wave.id)
        info = next(w for w in waves if w.id == open_wave.id)
        before, kept = data.wave_data(session, info, base), data.wave_data(session, closed, base)
        draft = session.scalars(
            select(Response).where(Response.wave_id == open_wave.id, Response.status == "draft")
        ).first()
        assert draft is not None, "the demo has drafts in the open wave"
        draft.status, draft.submitted_at, draft.updated_at = "submitted", utcnow(), utcnow()
        session.commit()
        after = data.wave_data(session, info, base)
        assert data.wave_data(session, closed, base) is kept
    assert len(after.frame) == len(before.frame) + 1


def test_the_survey_counts_shown_follow_a_response_submitted_after_they_were_shown(app, seeded, session, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    body = lambda: dash.page("/dashboard/group/communication", "")  # noqa: E731 (its table counts responses)
    shown = body()
    open_wave = session.scalars(select(Wave).where(Wave.status == "published").order_by(Wave.year.desc())).first()
    for draft in session.scalars(
        select(Response).where(Response.wave_id == open_wave.id, Response.status == "draft")
    ).all():
        draft.status, draft.submitted_at, draft.updated_at = "submitted", utcnow(), utcnow()
    session.commit()
    assert body() != shown


def test_two_threads_asking_for_the_same_frame_load_it_once(app):
    calls = []
    asking = threading.Semaphore(0)
    all_asking = threading.Event()

    def load():
        calls.append(1)
        assert all_asking.wait(timeout=60), "the other threads never asked"
        return object()

    got = []

    def ask():
        with app.app_context():
            asking.release()
            got.append(data.cached("test:slow", load))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in threads:  # the first load goes on until every thread has asked
        assert asking.acquire(timeout=60)
    all_asking.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(calls) == 1 and len(got) == 4 and len({id(value) for value in got}) == 1


@contextmanager
def statements_run(app):
    """The SQL statements the app's engine runs inside the block."""
    run = []

    def record(conn, cursor, statement, *args):
        run.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_warmed_worker_reads_nothing_from_the_database_when_first_asked(app, seeded, session, caplog):
    """What the warm-up loads is what the first page reads: no query waits for it."""
    log = logging.getLogger("test-warm")
    with caplog.at_level(logging.INFO, logger="test-warm"):
        data.warm(app, log=log)
    assert "dashboard frames loaded" in caplog.text
    with app.app_context():
        with statements_run(app) as run:
            base = data.shared(session)
            data.engagement_records(session)
        assert run == []
        every = data.waves(session)
        with statements_run(app) as run:
            loaded = data.history(session, every[-1], base, every)
        # The latest wave's year and the year before are loaded: only their fingerprints are read.
        assert every[-1].year in {part.info.year for part in loaded}
        assert not [statement for statement in run if "answer" in statement.lower()], run
        make_concern(session, summary="The French call for nominations came late")
        with statements_run(app) as run:
            data.engagement_records(session)
        assert run  # new data is read again


def test_a_worker_that_cannot_warm_still_starts(app, caplog):
    app.extensions["db_engine"].dispose()
    broken = app.extensions["db_engine"]
    app.extensions["db_engine"] = None  # as if the database were unreachable
    log = logging.getLogger("test-warm")
    try:
        with caplog.at_level(logging.WARNING, logger="test-warm"):
            data.warm(app, log=log)
    finally:
        app.extensions["db_engine"] = broken
    assert "dashboard warm-up failed" in caplog.text


def _counting(monkeypatch, reads: Counter, name: str) -> None:
    original = getattr(data, name)

    def counted(*args, **kwargs):
        reads[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(data, name, counted)


def test_many_views_never_push_the_registry_or_a_wave_out_of_the_cache(app, seeded, client, dash, monkeypatch):
    """Seventy views of the map, each new (more than the cache of views holds when it is half full): after
    the first, none reads the registry or a wave's responses from the database again. The views' content
    once shared one cache with the frames and pushed them out, and a filter change read them again
    (seconds at the benchmark's scale)."""
    reads: Counter = Counter()
    for name in ("registry_frame", "participation_frame", "responses_frame", "invitations_frame"):
        _counting(monkeypatch, reads, name)
    sign_in(client, SECRETARIAT)
    dash.open()
    dash.page("/dashboard/map", "")
    assert reads["registry_frame"] == 1 and reads["responses_frame"] >= 1  # the first view loads them
    first = reads.copy()
    places = [{}, *({"regional_group": group} for group in ("AFR", "APAC", "EEG", "GRULAC", "WEOG"))]
    people = [{}, {"gender": "female"}, {"gender": "male"}]
    kinds = [{}, {"category": "science"}, {"category": "policymaker"}, {"knowledge_system": "ilk"}]
    views = [{**place, **person, **kind} for place in places for person in people for kind in kinds]
    assert len(views) >= 70
    for filters in views[1:71]:
        assert dash.page("/dashboard/map", "?" + urlencode(filters))
    assert reads == first


def test_the_windows_of_history_held_are_bounded(app):
    """Each window of history is a concatenation of waves: at most `HISTORIES` are kept, the least
    recently used dropped first."""
    with app.app_context():
        for window in range(data.HISTORIES + 2):
            data.cached(f"test:history:{window}", object, slot=("test-history", str(window)), keep=data.HISTORIES)
        data.cached("test:history:2", object, slot=("test-history", "2"), keep=data.HISTORIES)  # used again
        data.cached("test:history:9", object, slot=("test-history", "9"), keep=data.HISTORIES)
        held = sorted(key for key in data.frames.cache._cache if key.startswith("test:history:"))
    assert held == ["test:history:2", "test:history:4", "test:history:5", "test:history:9"]


def test_registry_parts_are_computed_once_for_every_wave(app, seeded, session, client, dash, monkeypatch):
    """What reads only the registry and the participation records (the participation group, the
    registry's diversity counts) is computed once per population filter, whatever wave is shown."""
    calls = Counter()
    for module, name in ((participation, "participation"), (diversity, "registry_counts")):
        monkeypatch.setattr(module, name, _counted(getattr(module, name), name, calls))
    sign_in(client, SECRETARIAT)
    dash.open()
    with app.app_context():
        waves = data.waves(session)
    assert len(waves) >= 2
    for wave in waves:
        assert cards(dash.page("/dashboard/", f"?wave={wave.id}"))
    assert calls == {"participation": 1, "registry_counts": 1}
    dash.page("/dashboard/", f"?wave={waves[0].id}&regional_group=AFR")
    assert calls == {"participation": 2, "registry_counts": 2}


def test_a_new_participation_record_shows_on_the_next_view_of_any_wave(app, seeded, session, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    with app.app_context():
        waves = data.waves(session)
    latest = waves[-1]

    def taking_part() -> int:
        value = cards(dash.page("/dashboard/", f"?wave={latest.id}"))["Level of participation"]["value"]
        return int(re.sub(r"\D", "", value) or 0)

    dash.page("/dashboard/", f"?wave={waves[0].id}")  # the registry's parts computed for another wave first
    before = taking_part()
    newcomer = make_stakeholder(session, name="Nadia Haddad", country="MA")
    dialogue = make_activity(session, title="Regional dialogue", start=date(latest.year, 5, 1))
    make_participation(session, dialogue, stakeholder=newcomer)
    assert taking_part() == before + 1


def test_impact_counts_are_kept_per_records_and_their_filters_and_follow_a_new_record(
    app, seeded, session, client, dash, monkeypatch
):
    """Impact's counts of its records are computed once for the filters that narrow the records
    (region, country), whatever the wave or the other filters; a record published after they were
    computed shows on the next view."""
    calls = Counter()
    monkeypatch.setattr(impact, "records_part", _counted(impact.records_part, "records_part", calls))
    make_impact(session, title="National pollinator strategy")  # published today: this year has one
    sign_in(client, SECRETARIAT)
    dash.open()
    with app.app_context():
        waves = data.waves(session)
    latest = waves[-1]

    def published() -> int:
        value = cards(dash.page("/dashboard/", f"?wave={latest.id}"))["Evidence of outputs and impact"]["value"]
        return int(re.sub(r"\D", "", value) or 0)

    before = published()
    for search in (f"?wave={waves[0].id}", f"?wave={latest.id}&gender=female", f"?wave={latest.id}&category=science"):
        assert cards(dash.page("/dashboard/", search))
    assert calls == {"records_part": 1}
    dash.page("/dashboard/", f"?wave={latest.id}&regional_group=AFR")
    assert calls == {"records_part": 2}
    make_impact(session, title="Regional pollinator law")
    assert published() == before + 1
    assert calls == {"records_part": 3}


def _counted(function, name: str, calls: Counter):
    def counting(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)

    return counting
