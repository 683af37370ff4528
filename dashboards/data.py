"""The dashboard's data: frames of codes read through the domain packages' services (no model and
no SQL here), loaded once and kept in a cache, filed under keys that change when the data does.

- The registry, participation records and member states: under the `dashboard-registry`
  generation, replaced by any commit that writes one of the tables their loaders read
  (`stakeholders.frames.REGISTRY_TABLES`: stakeholders, organisations, activities, participation
  records; `core.generations`).
- Engagement records (evidence, barrier actions, impact, concerns, calls): under
  `dashboard-records` (`engagement.frames.RECORD_TABLES`).
- Each wave's responses, weighted once by raking to the registry's margins: under the wave's own
  fingerprint (`surveys.catalogue.wave_fingerprint`: its status and times; for a wave not yet
  closed also the count and latest change of its submitted responses, one indexed query), plus the
  registry's generation (the raking targets). A response to the open wave reloads that wave only.
- How questions compare between the waves' instrument versions (`surveys.concordance.comparisons`):
  under the waves' keys and the `dashboard-concordance` generation (the concordance's tables); for
  the explorer's chosen waves, under their fingerprints and that generation (`comparisons_of`).

Frames are big (100,000 rows) and read on every callback, so they live in an in-process
flask-caching store that keeps objects as they are (`ObjectCache`: no pickling, which would cost
more than the 300 ms a filter change may take); the generation tokens live in the app's shared
cache, so a write in one process reaches every process.

What is computed from the frames for one view (a page's content, the indicator results of a
selection, the waves' comparisons) is kept apart, in `views`, a store that drops its oldest entries
when full. Frames are never dropped to make room for views: each frame has a slot (the registry,
the records, a wave, a window of history), and a frame is dropped only when a newer one takes its
slot, or, for the windows of history, when more than `HISTORIES` are held. When both shared one
store of 64 entries, a walk of some forty views pushed the registry and the waves out, and the next
filter change read them again from the database (seconds at the benchmark's scale).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
from cachelib.serializers import BaseSerializer
from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache
from sqlmodel import Session

from core import generations
from engagement import frames as records
from presentation.weights import current_registry, raking_targets, weigh_waves
from stakeholders.frames import REGISTRY_TABLES, member_states_frame, participation_frame, registry_frame
from surveys.analysis_inputs import invitations_frame
from surveys.catalogue import WaveInfo, published_waves, wave_fingerprint
from surveys.concordance import CONCORDANCE_TABLES, comparisons
from surveys.frame import question_catalog, responses_frame

REGISTRY = "dashboard-registry"
RECORDS = "dashboard-records"
generations.watch(REGISTRY, REGISTRY_TABLES)
generations.watch(RECORDS, records.RECORD_TABLES)
CONCORDANCE = "dashboard-concordance"
generations.watch(CONCORDANCE, CONCORDANCE_TABLES)


class _Identity(BaseSerializer):
    def dumps(self, value, protocol=None):
        return value

    def loads(self, bvalue):
        return bvalue


class ObjectCache(SimpleCache):
    """flask-caching's per-process SimpleCache without pickling: values are shared, never copied,
    so callers must not modify what they get."""

    serializer = _Identity()

    @classmethod
    def factory(cls, app, config, args, kwargs):
        kwargs.update(threshold=config["CACHE_THRESHOLD"], default_timeout=config["CACHE_DEFAULT_TIMEOUT"])
        return cls(*args, **kwargs)


_TIMEOUT = 6 * 3600
# Frames: bounded by their slots, not by a count (the threshold is a backstop that slots keep far off).
frames = Cache(
    config={"CACHE_TYPE": "dashboards.data.ObjectCache", "CACHE_THRESHOLD": 500, "CACHE_DEFAULT_TIMEOUT": _TIMEOUT}
)
# What one view computes from the frames: the oldest go first when it is full.
views = Cache(
    config={"CACHE_TYPE": "dashboards.data.ObjectCache", "CACHE_THRESHOLD": 128, "CACHE_DEFAULT_TIMEOUT": _TIMEOUT}
)
HISTORIES = 4  # windows of history (concatenated waves) held at once, the least recently used dropped


def init_app(app) -> None:
    frames.init_app(app)
    views.init_app(app)
    generations.init_app(app)


_loading: dict[str, threading.Lock] = {}
_locks = threading.Lock()
_slots: dict[str, OrderedDict] = {}  # group -> {slot: the key of the frame held there}, least recently used first


def _get_or_load(store: Cache, key: str, load):
    """The value filed under `key` in `store`, loaded once: a thread asking while another loads it waits."""
    value = store.get(key)
    if value is not None:
        return value
    with _locks:
        lock = _loading.setdefault(key, threading.Lock())
    with lock:
        value = store.get(key)
        if value is None:
            value = load()
            store.set(key, value)
    with _locks:
        _loading.pop(key, None)
    return value


def cached(key: str, load, slot: tuple[str, str] | None = None, keep: int | None = None):
    """The frame filed under `key`, loaded once. With `slot` (group, name), the frame takes that slot and
    the frame it held before (an older generation of the same data) is dropped; with `keep`, the group
    holds at most that many slots, the least recently used dropped first."""
    value = _get_or_load(frames, key, load)
    if slot is None:
        return value
    group, name = slot
    dropped = []
    with _locks:
        held = _slots.setdefault(group, OrderedDict())
        before = held.pop(name, None)
        held[name] = key
        if before is not None and before != key:
            dropped.append(before)
        while keep is not None and len(held) > keep:
            dropped.append(held.popitem(last=False)[1])
        dropped = [old for old in dropped if old not in held.values()]
    for old in dropped:
        frames.delete(old)
    return value


def remembered(key: str, load):
    """What a view computes from the frames, filed under `key` (in `views`), computed once."""
    return _get_or_load(views, key, load)


def warm(app, log=None) -> None:
    """Load what the dashboard's first view needs: the registry, participation and engagement
    records, and the responses of the latest wave's year and the year before (`history`), which
    the first view of the latest wave shows (the page modules, with their statsmodels and plotly
    imports, came with the app). Run by each gunicorn worker before it serves
    (`gunicorn.conf.py`), so that no worker meets its first dashboard request cold; a failure is
    logged, never fatal."""
    started = time.perf_counter()
    try:
        with app.app_context():
            engine = app.extensions["db_engine"]
            with Session(engine) as session:
                base = shared(session)
                engagement_records(session)
                every = waves(session)
                if every:
                    history(session, every[-1], base, every)
            engine.dispose()  # no pooled connection outlives the warm-up (a fork must not share one)
    except Exception as error:  # noqa: BLE001 - a worker that could not warm still serves
        if log is not None:
            log.warning("dashboard warm-up failed: %r", error)
        return
    if log is not None:
        log.info("dashboard frames loaded in %.1f s", time.perf_counter() - started)


@dataclass(frozen=True)
class Shared:
    """What every page reads besides survey responses; codes only, labels come later."""

    registry: pd.DataFrame  # every record (is_active, erased kept for counts)
    current: pd.DataFrame  # active, not erased: the reference for weights and ratios
    targets: dict  # the raking targets of `current`
    participation: pd.DataFrame
    member_states: pd.DataFrame
    token: str


@dataclass(frozen=True)
class Records:
    evidence: pd.DataFrame
    actions: pd.DataFrame
    impact: pd.DataFrame
    concerns: pd.DataFrame
    calls: pd.DataFrame


@dataclass(frozen=True)
class WaveData:
    info: WaveInfo
    key: str  # where it is cached: changes whenever its responses or the registry's margins do
    frame: pd.DataFrame  # submitted responses, no PII questions, with a `weight` column
    raking: object  # the raking result (None when the wave could not be weighted)
    catalog: pd.DataFrame
    invitations: pd.DataFrame


def waves(session: Session) -> list[WaveInfo]:
    """Every wave that is not a draft, oldest first."""
    return published_waves(session)


def shared(session: Session) -> Shared:
    token = generations.token(REGISTRY)

    def load() -> Shared:
        registry = registry_frame(session)
        current = current_registry(registry)
        return Shared(
            registry,
            current,
            raking_targets(current),
            participation_frame(session),
            member_states_frame(session),
            token,
        )

    return cached(f"dashboard:shared:{token}", load, slot=("shared", ""))


def engagement_records(session: Session) -> Records:
    token = generations.token(RECORDS)
    return cached(
        f"dashboard:records:{token}",
        lambda: Records(
            records.evidence_frame(session),
            records.barrier_actions_frame(session),
            records.impact_frame(session),
            records.concerns_frame(session),
            records.calls_frame(session),
        ),
        slot=("records", ""),
    )


def wave_data(session: Session, info: WaveInfo, base: Shared) -> WaveData:
    key = f"dashboard:wave:{info.id}:{wave_fingerprint(session, info.id)}:{base.token}"

    def load() -> WaveData:
        frame = responses_frame(session, [info.id], include_pii=False)
        weighted, weighting = weigh_waves(frame, base.targets)
        return WaveData(
            info,
            key,
            weighted,
            weighting.get(info.id),
            question_catalog(session, [info.id]),
            invitations_frame(session, [info.id]),
        )

    return cached(key, load, slot=("wave", str(info.id)))


def wave_comparisons(session: Session, parts: list[WaveData]):
    """How questions compare between these waves' instrument versions (`surveys.concordance`), kept
    until the concordance or a wave's version changes (a wave's key holds its version)."""
    token = generations.token(CONCORDANCE)
    key = "dashboard:comparisons:" + token + ":" + "|".join(p.key for p in parts)
    return remembered(key, lambda: comparisons(session, [p.info.id for p in parts]))


def wave_stamps(session: Session, wave_ids) -> str:
    """The fingerprints of these waves, as a part of a cache key (waves the explorer compares may lie
    outside the selection's history, whose keys the selection's key holds)."""
    return "|".join(f"{wave_id}:{wave_fingerprint(session, wave_id)}" for wave_id in wave_ids)


def comparisons_of(session: Session, wave_ids: list[int]):
    """How questions compare between any waves' versions (the explorer's chosen ones, within the
    selection's history or not), kept until the concordance or one of these waves changes."""
    key = f"dashboard:comparisons:{generations.token(CONCORDANCE)}:{wave_stamps(session, wave_ids)}"
    return remembered(key, lambda: comparisons(session, list(wave_ids)))


def history(session: Session, upto: WaveInfo, base: Shared, every: list[WaveInfo]) -> list[WaveData]:
    """The waves of `upto`'s year and of the latest earlier year that has any, each loaded (or found)
    on its own: what a headline's change since the year before needs. Reading every earlier year
    too would make the first view of a wave cost one load per year of history."""
    earlier = [w.year for w in every if w.year < upto.year]
    years = {upto.year, max(earlier)} if earlier else {upto.year}
    return [wave_data(session, w, base) for w in every if w.year in years]
