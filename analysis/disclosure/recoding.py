"""Global recoding of rare values: up a hierarchy level by level, or into "other"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Recoding:
    variable: str
    kind: str  # "hierarchy" (a value moved up its hierarchy) or "other" (a rare value to "other")
    from_value: str
    to_value: str
    cells: int  # records affected


def recode(
    series: pd.Series, k: int, levels: Sequence[Mapping[str, str]] | None, other: str
) -> tuple[pd.Series, list[Recoding]]:
    """Recode the values of one variable seen fewer than k times.

    With a hierarchy, only the rare values move, one level at a time, and the counts are taken
    again after each level so that values merged into a parent are judged together. Values the
    hierarchy cannot lift stay as they are: local suppression deals with them.
    """
    counts = series.value_counts(sort=False, dropna=True)
    if levels:
        destination = _up_the_hierarchy(counts, k, levels)
        kind = "hierarchy"
    else:
        destination = {value: other for value, count in counts.items() if count < k and value != other}
        kind = "other"
    if not destination:
        return series, []
    recodings = [
        Recoding(str(series.name), kind, str(value), str(target), int(counts[value]))
        for value, target in destination.items()
    ]
    return _replace(series, destination), recodings


def _up_the_hierarchy(counts: pd.Series, k: int, levels: Sequence[Mapping[str, str]]) -> dict:
    position = {value: value for value in counts.index}
    for mapping in levels:
        current = pd.Series(counts.to_numpy(), index=[position[value] for value in counts.index])
        current = current.groupby(level=0, sort=False).sum()
        rare = {value for value, count in current.items() if count < k and value in mapping}
        for value, at in position.items():
            if at in rare:
                position[value] = mapping[at]
    return {value: at for value, at in position.items() if at != value}


def _replace(series: pd.Series, destination: dict) -> pd.Series:
    values = series.astype(object)
    moved = values.isin(list(destination))
    values = values.where(~moved, values.map(destination))
    if isinstance(series.dtype, pd.CategoricalDtype):
        kept = [c for c in series.cat.categories if c not in destination]
        added = [t for t in dict.fromkeys(destination.values()) if t not in kept]
        dtype = pd.CategoricalDtype(kept + added, ordered=series.cat.ordered and not added)
        return values.astype(dtype)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return values.astype(series.dtype)
    return values
