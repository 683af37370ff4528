"""Level of participation: the summary table of decision IPBES-3/4 (annex II, para 20).

Inputs
- `participation`: `stakeholders.frames.participation_frame` — one row per participation record:
  `activity_id`, `activity_type`, `year`, `role` (nominated, selected, fellow, reviewer,
  participant, speaker, input_submitted), `comments` (review comments, reviewers), `stakeholder_id`
  (missing when an organisation took part), `regional_group`, `country`, `gender`, `category`.
- `registry`: `stakeholders.frames.registry_frame` (`stakeholder_id`, `regional_group`), for
  participation per registered stakeholder.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from analysis.indicators._common import Headline, codes_of, trend
from analysis.response_rates import count_share, labelled

# The measures of the summary table: measure -> the roles it counts.
MEASURES = {
    "nominations": ("nominated",),
    "selected_experts": ("selected",),
    "fellows": ("fellow",),
    "reviewers": ("reviewer",),
    "participants": ("participant", "speaker"),
    "inputs": ("input_submitted",),
}
SELECTED_ROLES = ("selected", "fellow")  # an outcome of a nomination
NOMINATED_ROLE = "nominated"


class Participation:
    """The group's tables, each computed from the records when first read and kept: the overview's
    card reads only `headline_series`, the group's page every table.

    - summary: year, activity_type, role, records, people, comments
    - by_year: year -> nominations, selected_experts, fellows, reviewers, review_comments, participants,
      inputs, people
    - by_region: year, regional_group, role, records, people, comments
    - by_gender: year, gender, role, records, people, comments
    - selection: activity_id, activity_type, year -> nominated, selected, share, low, high, n, small
    - selection_by_group: breakdown, group -> nominated, selected, share, low, high, n, small
    - per_registered: regional_group -> registered, participants, records, share (participants /
      registered), low, high, n, small, records_per_registered
    - headline_series: year -> distinct stakeholders taking part
    """

    def __init__(self, records: pd.DataFrame | None, registry: pd.DataFrame | None):
        self._records, self._registry = records, registry

    @cached_property
    def _frame(self) -> pd.DataFrame:
        return _prepared(self._records)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return _counts(self._frame, ["year", "activity_type", "role"])

    @cached_property
    def by_year(self) -> pd.DataFrame:
        return _by_year(self._frame)

    @cached_property
    def by_region(self) -> pd.DataFrame:
        return _counts(self._frame, ["year", "regional_group", "role"])

    @cached_property
    def by_gender(self) -> pd.DataFrame:
        return _counts(self._frame, ["year", "gender", "role"])

    @cached_property
    def _selections(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return _selection(self._frame)

    @property
    def selection(self) -> pd.DataFrame:
        return self._selections[0]

    @property
    def selection_by_group(self) -> pd.DataFrame:
        return self._selections[1]

    @cached_property
    def per_registered(self) -> pd.DataFrame:
        return _per_registered(self._frame, self._registry)

    @cached_property
    def headline_series(self) -> pd.Series:
        if "by_year" in self.__dict__:
            return self.by_year["people"].astype("float64")
        # The overview's card reads this alone: counted from the records as they are, not from the
        # prepared frame and every measure of `by_year`.
        return _people_by_year(self._records).astype("float64")


_COLUMNS = [
    "activity_id",
    "activity_type",
    "year",
    "role",
    "comments",
    "stakeholder_id",
    "regional_group",
    "country",
    "gender",
    "category",
]


def _prepared(participation: pd.DataFrame | None) -> pd.DataFrame:
    frame = participation if participation is not None else pd.DataFrame(columns=_COLUMNS)
    frame = frame.copy()
    for column in _COLUMNS:
        if column not in frame:
            frame[column] = pd.NA
    # Organisations, and stakeholders whose profile lacks the field, are counted as "unknown".
    for column in ("activity_type", "role", "regional_group", "gender", "category", "country"):
        frame[column] = labelled(frame[column])
    frame["comments"] = pd.to_numeric(frame["comments"], errors="coerce").fillna(0)
    return frame


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """records, distinct people and review comments for each combination of `keys`."""
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "records", "people", "comments"])
    table = frame.groupby(keys, observed=True).agg(
        records=("role", "size"), people=("stakeholder_id", "nunique"), comments=("comments", "sum")
    )
    return table.astype("int64").reset_index()


def participation(participation: pd.DataFrame | None, registry: pd.DataFrame | None = None) -> Participation:
    return Participation(participation, registry)


def _by_year(frame: pd.DataFrame) -> pd.DataFrame:
    years = sorted(frame["year"].dropna().unique())
    by_role = frame.groupby(["year", "role"], observed=True).size().unstack(fill_value=0).reindex(years, fill_value=0)
    table = pd.DataFrame(index=pd.Index([int(y) for y in years], name="year"))
    for measure, roles in MEASURES.items():
        table[measure] = by_role.reindex(columns=list(roles), fill_value=0).sum(axis=1).to_numpy()
        if measure == "reviewers":
            table["review_comments"] = (
                frame[frame["role"] == "reviewer"]
                .groupby("year")["comments"]
                .sum()
                .reindex(years, fill_value=0)
                .astype("int64")
                .to_numpy()
            )
    table["people"] = frame.groupby("year")["stakeholder_id"].nunique().reindex(years, fill_value=0).to_numpy()
    return table.astype("int64")


def _people_by_year(records: pd.DataFrame | None) -> pd.Series:
    """year -> distinct stakeholders with a record that year: `by_year["people"]`, counted over the codes
    of the year and of the stakeholder (each pair once) instead of a groupby's nunique."""
    if records is None or "year" not in records or not len(records):
        return pd.Series([], index=pd.Index([], name="year"), dtype="int64", name="people")
    year, years = codes_of(records["year"])
    if "stakeholder_id" in records:
        person, people = codes_of(records["stakeholder_id"])
    else:  # organisations only: their years, nobody in them
        person, people = np.full(len(records), -1, dtype="int64"), np.array([], dtype="object")
    width = max(len(people), 1)
    named = (year >= 0) & (person >= 0)
    counts = np.bincount(np.unique(year[named] * width + person[named]) // width, minlength=len(years))
    present = np.unique(year[year >= 0])
    present = present[np.argsort(years[present], kind="stable")]
    index = pd.Index([int(y) for y in years[present]], name="year")
    return pd.Series(counts[present].astype("int64"), index=index, name="people")


def _selection(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Selection rate of every call with nominations: selected / nominated, Wilson interval.

    Someone recorded as selected without a nomination record counts as nominated too: the
    selection could not have happened otherwise, and the rate stays at most 1.
    """
    keys = ["activity_id", "activity_type", "year"]
    people = frame[frame["stakeholder_id"].notna()]
    nominated = people[people["role"] == NOMINATED_ROLE]
    calls = nominated["activity_id"].unique()
    pool = people[people["activity_id"].isin(calls) & people["role"].isin((NOMINATED_ROLE, *SELECTED_ROLES))]
    columns = ["nominated", "selected", "share", "low", "high", "n", "small"]
    if pool.empty:
        return (pd.DataFrame(columns=[*keys, *columns]), pd.DataFrame(columns=["breakdown", "group", *columns]))
    # One candidate per call and person, described by their first record (no field is missing here).
    pair = ["activity_id", "stakeholder_id"]
    chosen = pool["role"].isin(SELECTED_ROLES)
    selected = pool.loc[chosen.to_numpy(), pair].drop_duplicates().assign(selected=True)
    candidates = pool.drop_duplicates(pair)[[*pair, "activity_type", "year", "regional_group", "gender", "category"]]
    candidates = candidates.merge(selected, on=pair, how="left")
    candidates["selected"] = candidates["selected"].fillna(False).astype(bool)
    per_call = _tally(candidates, keys)
    selection = pd.concat([per_call, count_share(per_call["selected"], per_call["nominated"])], axis=1).reset_index()
    groups = []
    for column in ("regional_group", "gender", "category"):
        counts = _tally(candidates, column)
        table = pd.concat([counts, count_share(counts["selected"], counts["nominated"])], axis=1)
        table = table.rename_axis("group").reset_index()
        table.insert(0, "breakdown", column)
        groups.append(table)
    return selection, pd.concat(groups, ignore_index=True)


def _tally(candidates: pd.DataFrame, keys) -> pd.DataFrame:
    """nominated and selected for each group of candidates."""
    grouped = candidates.groupby(keys, observed=True)["selected"]
    return pd.DataFrame({"nominated": grouped.size(), "selected": grouped.sum().astype("int64")})


def _per_registered(frame: pd.DataFrame, registry: pd.DataFrame | None) -> pd.DataFrame:
    """Distinct participants and records per registered stakeholder, by regional group."""
    columns = ["registered", "participants", "records", "share", "low", "high", "n", "small", "records_per_registered"]
    if registry is None or registry.empty:
        return pd.DataFrame(columns=columns).rename_axis("regional_group")
    region, labels = codes_of(labelled(registry["regional_group"]))
    people = frame["stakeholder_id"].dropna().to_numpy(dtype="int64")
    # Participants are counted among the registered, whatever region their participation record shows.
    at = pd.Index(registry["stakeholder_id"].to_numpy()).get_indexer(people)
    at = at[at >= 0]
    size = len(labels)
    table = pd.DataFrame(
        {
            "registered": np.bincount(region, minlength=size),
            "participants": np.bincount(region[np.unique(at)], minlength=size),
            "records": np.bincount(region[at], minlength=size),
        },
        index=pd.Index(labels, dtype="object"),
    )
    table = table[table["registered"] > 0].astype("int64")
    table = pd.concat([table, count_share(table["participants"], table["registered"])], axis=1)
    table["records_per_registered"] = table["records"] / table["registered"]
    table = table.sort_index()
    table.index.name = "regional_group"
    return table[columns]


def headline(result: Participation, year: int | None = None) -> Headline:
    return trend("participation", "people_taking_part", result.headline_series, unit="count", year=year)
