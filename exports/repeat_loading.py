"""The repeats of a release, read from the database: each repeat's catalog entry and its table (pii
questions left out), for `exports.repeats.build_repeats`; nested repeats after the repeat holding them."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session

from exports.repeats import RepeatSource, key_width
from surveys.frame_repeats import repeat_frames
from surveys.repeat_catalog import RepeatEntry, repeat_catalog


def load_repeats(session: Session, wave_ids) -> list[RepeatSource]:
    entries = repeat_catalog(session, wave_ids)
    if not entries:
        return []
    frames = repeat_frames(session, wave_ids, include_pii=False)
    found = {entry.name: frames.get(entry.name, _empty(entry)) for entry in entries}
    for entry in sorted(entries, key=lambda e: -len(e.parents)):  # innermost first: a grandparent gets both
        if entry.parents:
            parent = next(e for e in entries if e.name == entry.parents[-1])
            found[parent.name] = _holding(found[parent.name], parent, found[entry.name])
    return [RepeatSource(entry, found[entry.name]) for entry in entries]


def _empty(entry: RepeatEntry) -> pd.DataFrame:
    return pd.DataFrame({key: pd.Series(dtype="int64") for key in ["response_id", *entry.instance_columns]})


def _holding(parent: pd.DataFrame, entry: RepeatEntry, child: pd.DataFrame) -> pd.DataFrame:
    """`parent` with a row for every instance of it that `child` rows lie in: an instance whose released
    questions were all left unanswered (or all pii) has no row of its own, yet its nested rows refer to it."""
    keys = ["response_id", *entry.instance_columns]
    width = key_width(entry)
    held = child.iloc[:, : len(keys)].set_axis(keys, axis=1).drop_duplicates()
    present = parent.iloc[:, : len(keys)].set_axis(keys, axis=1)
    missing = held.merge(present, on=keys, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"][keys].reset_index(drop=True)
    if missing.empty:
        return parent
    added = parent.iloc[:0].reindex(range(len(missing)))  # every answer missing, the columns' types kept
    for position, key in enumerate(keys):
        added.isetitem(position, missing[key].to_numpy())
    if entry.loop is not None:
        names = [choice.name for choice in entry.loop]
        added.isetitem(
            width - 1,
            pd.Categorical([names[n - 1] if n <= len(names) else None for n in missing["instance"]], categories=names),
        )
    result = pd.concat([parent, added], ignore_index=True)
    order = result.iloc[:, : len(keys)].set_axis(keys, axis=1).sort_values(keys).index
    return result.loc[order].reset_index(drop=True)
