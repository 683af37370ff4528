"""What the diversity indicator counts in each population (`analysis.indicators.diversity`): people by
group of each single-valued dimension, by code of each multi-valued field, by year for the trends,
and the member states they come from.

The registered and the participants depend on the registry and the participation records only
(`registry_counts`); the respondents on a survey (`respondent_counts`). A caller showing several
waves over the same registry keeps the first and joins each survey's respondents to them. Each
population's parts are computed when first read, so what only a headline needs (the counts by
year) is all that a headline costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.indicators._common import SEPARATOR, codes_of, year_of

SINGLE = ("regional_group", "country", "gender", "category", "stakeholder_type", "sector")
MULTI = ("discipline", "knowledge_system")
POPULATIONS = ("registered", "participants", "respondents")
TREND_DIMENSIONS = ("regional_group", "gender")


def _single_counts(frame: pd.DataFrame, dimensions: tuple[str, ...]) -> pd.DataFrame:
    """dimension, group, n of a population: people in each group of each single-valued dimension,
    most numerous first.

    Each dimension the frame has gets a row with a missing group (n = people without a value), so
    a dimension nobody answered still shows, with n = 0 in every reference group."""
    parts = []
    for dimension in dimensions:
        if dimension not in frame:
            continue
        codes, labels = codes_of(frame[dimension])
        tally = np.bincount(codes + 1, minlength=len(labels) + 1)
        order = np.argsort(-tally[1:], kind="stable")
        order = order[tally[1:][order] > 0]
        parts.append(
            pd.DataFrame({"dimension": dimension, "group": [*labels[order], None], "n": [*tally[1:][order], tally[0]]})
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["dimension", "group", "n"])


def _multi_counts(frame: pd.DataFrame, field: str) -> tuple[pd.Series, int]:
    """People naming each code of a multi-valued field, and people naming at least one."""
    prefix = f"{field}{SEPARATOR}"
    columns = [c for c in frame.columns if str(c).startswith(prefix)]
    if not columns:
        return pd.Series(dtype="int64"), 0
    matrix = frame[columns].fillna(0).to_numpy(dtype="float64") > 0
    counts = pd.Series(matrix.sum(axis=0), index=[c[len(prefix) :] for c in columns]).astype("int64")
    return counts, int(matrix.any(axis=1).sum())


# --- populations --------------------------------------------------------------------------


def _participants(participation: pd.DataFrame | None, registry: pd.DataFrame | None) -> pd.DataFrame:
    """One row per stakeholder who took part (in each year), with their registry profile."""
    if participation is None or participation.empty or "stakeholder_id" not in participation:
        return pd.DataFrame(columns=["stakeholder_id", "year"])
    people = participation[participation["stakeholder_id"].notna()]
    people = people.drop_duplicates(["stakeholder_id", "year"] if "year" in people else ["stakeholder_id"])
    people = people.assign(stakeholder_id=people["stakeholder_id"].astype("int64"))
    if registry is None or registry.empty:
        return people.reset_index(drop=True)
    profile = registry.drop(columns=[c for c in ("year",) if c in registry])
    own = [c for c in people.columns if c in profile.columns and c != "stakeholder_id"]
    merged = people.drop(columns=own).merge(profile, on="stakeholder_id", how="left")
    # Someone no longer in the registry keeps the profile their participation record shows.
    for column in own:
        if merged[column].notna().all():
            continue
        merged[column] = (
            merged[column].astype("object").where(merged[column].notna(), people[column].astype("object").to_numpy())
        )
    return merged


def _profile_parts(population: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """population, dimension, group, n of the single-valued dimensions, and the population, dimension,
    group, n, total of each multi-valued field someone named (total: people naming at least one code)."""
    multi = []
    for field in MULTI:
        codes, total = _multi_counts(frame, field)
        if len(codes):
            multi.append(
                pd.DataFrame(
                    {
                        "population": population,
                        "dimension": field,
                        "group": codes.index,
                        "n": codes.to_numpy(),
                        "total": total,
                    }
                )
            )
    return _single_counts(frame, SINGLE).assign(population=population), multi


def _coverage_rows(population: str, frame: pd.DataFrame, member_states: pd.DataFrame | None) -> list[dict]:
    """population, regional_group (and "all"), countries with anyone, member_states."""
    if member_states is None or "country" not in member_states or "country" not in frame:
        return []
    states = member_states.dropna(subset=["regional_group"])
    groups = states["regional_group"].astype(str).to_numpy()
    countries = states["country"].astype(str).to_numpy()
    codes, labels = codes_of(frame["country"])
    present = np.isin(countries, [str(code) for code in labels[np.unique(codes[codes >= 0])]])
    rows = []
    for name in [*sorted(set(groups)), "all"]:
        of = groups == name if name != "all" else np.ones(len(groups), dtype=bool)
        rows.append(
            {
                "population": population,
                "regional_group": name,
                "countries": int(present[of].sum()),
                "member_states": int(of.sum()),
            }
        )
    return rows


# --- what is counted in each population -------------------------------------------------------


class _Population:
    """What diversity counts in one population, each part computed when first read and kept."""

    def __init__(self, population: str, frame: pd.DataFrame, by_year, member_states: pd.DataFrame | None):
        # by_year: (frame, years), one row per person and year, for the trends; or None
        self._inputs = (population, frame, by_year, member_states)

    @cached_property
    def _profile(self) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
        population, frame, _by_year, _states = self._inputs
        return _profile_parts(population, frame)

    @cached_property
    def yearly(self) -> tuple[pd.DataFrame, ...]:
        population, _frame, by_year, _states = self._inputs
        return tuple(_yearly_parts(population, *by_year)) if by_year is not None else ()

    @cached_property
    def countries(self) -> tuple[dict, ...]:
        population, frame, _by_year, member_states = self._inputs
        return tuple(_coverage_rows(population, frame, member_states))

    @property
    def single(self) -> tuple[pd.DataFrame, ...]:
        return (self._profile[0],)

    @property
    def multi(self) -> tuple[pd.DataFrame, ...]:
        return tuple(self._profile[1])

    def settled(self) -> _Population:
        """Every part computed, and the frames let go (a result that keeps it holds no survey frame)."""
        self._profile, self.yearly, self.countries  # noqa: B018 - computed for their side effect
        self._inputs = None
        return self


@dataclass(frozen=True)
class Counts:
    """What diversity counts in some populations, in the order of `POPULATIONS`; `diversity` joins their
    tables. Each population's parts are computed when first read and kept (`_Population`), so counts
    kept by a caller (`registry_counts`) are computed once for every survey they are joined with.
    Adding two `Counts` puts the second's populations after the first's."""

    populations: tuple[_Population, ...]

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.populations + other.populations)

    def _parts(self, name: str) -> tuple:
        return tuple(part for population in self.populations for part in getattr(population, name))

    @property
    def single(self) -> tuple[pd.DataFrame, ...]:  # population, dimension, group, n
        return self._parts("single")

    @property
    def multi(self) -> tuple[pd.DataFrame, ...]:  # population, dimension, group, n, total
        return self._parts("multi")

    @property
    def yearly(self) -> tuple[pd.DataFrame, ...]:  # population, year, dimension, group, n
        return self._parts("yearly")

    @property
    def countries(self) -> tuple[dict, ...]:  # population, regional_group, countries, member_states
        return self._parts("countries")


def _counted(population: str, frame: pd.DataFrame, by_year, member_states: pd.DataFrame | None) -> Counts:
    """`frame`'s people, and `by_year` (frame, years: one row per person and year) for the trends."""
    return Counts((_Population(population, frame, by_year, member_states),))


def registry_counts(
    registry: pd.DataFrame | None = None,
    participation: pd.DataFrame | None = None,
    *,
    member_states: pd.DataFrame | None = None,
) -> Counts:
    """The counts of the registered and of the participants: they read the registry and the
    participation records only, never a survey, so a caller showing several waves over the same
    registry computes them once and passes them to `diversity` (`counts`)."""
    participants = _participants(participation, registry)
    registered = registry if registry is not None else pd.DataFrame()
    registered_by_year = (
        (registry, year_of(registry["registered_at"]))
        if registry is not None and len(registry) and "registered_at" in registry
        else None
    )
    return _counted("registered", registered, registered_by_year, member_states) + _counted(
        # Each person once, over all years, for the overall tables.
        "participants",
        participants.drop_duplicates("stakeholder_id") if len(participants) else participants,
        (participants, participants["year"]) if len(participants) and "year" in participants else None,
        member_states,
    )


def respondent_counts(survey: pd.DataFrame | None, member_states: pd.DataFrame | None) -> Counts:
    by_year = (survey, survey["year"]) if survey is not None and len(survey) and "year" in survey else None
    frame = survey if survey is not None else pd.DataFrame()
    return Counts((_Population("respondents", frame, by_year, member_states).settled(),))


def _yearly_parts(population: str, frame: pd.DataFrame, years) -> list[pd.DataFrame]:
    """year, dimension, group, n of a population for every year: for the registered, the register as
    it stood at the end of the year; for the others, the people of that year (participants who took
    part, respondents to that year's waves)."""
    cumulative = population == "registered"  # the register as it stood, not the year's registrations
    year_codes, seen = codes_of(pd.Series(pd.array(years, dtype="Int64")))
    order = np.argsort(seen.astype("int64"))
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    tables = []
    for dimension in TREND_DIMENSIONS:
        if dimension not in frame or not len(seen):
            continue
        codes, labels = codes_of(frame[dimension])
        known = (year_codes >= 0) & (codes >= 0)
        cells = rank[year_codes[known]] * len(labels) + codes[known]
        wide = np.bincount(cells, minlength=len(seen) * len(labels)).reshape(len(seen), len(labels))
        if cumulative:
            wide = wide.cumsum(axis=0)
        years_sorted = seen[order].astype("int64")
        tables.append(
            pd.DataFrame(
                {
                    "population": population,
                    "dimension": dimension,
                    # Each year also gets a row without a group, so a year with nobody in the reference's groups shows.
                    "year": np.concatenate([np.repeat(years_sorted, len(labels)), years_sorted]),
                    "group": np.concatenate([np.tile(labels, len(seen)), np.full(len(seen), None, dtype="object")]),
                    "n": np.concatenate([wide.ravel(), np.zeros(len(seen), dtype="int64")]),
                }
            )
        )
    return tables
