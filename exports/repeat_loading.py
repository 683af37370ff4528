"""The repeats of a release, read from the database: each top-level repeat's catalog entry and its table
(pii questions left out), for `exports.repeats.build_repeats`."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from exports.repeats import RepeatSource
from surveys.frame_repeats import KEYS, repeat_frames
from surveys.repeat_catalog import repeat_catalog


def load_repeats(session: Session, wave_ids) -> list[RepeatSource]:
    entries = repeat_catalog(session, wave_ids)
    if not entries:
        return []
    frames = repeat_frames(session, wave_ids, include_pii=False)
    empty = pd.DataFrame({key: pd.Series(dtype="int64") for key in KEYS})
    return [RepeatSource(entry, frames.get(entry.name, empty)) for entry in entries]
