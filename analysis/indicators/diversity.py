"""Diversity: who is registered, who takes part and who answers surveys, against stated references.

Inputs
- `registry`: `stakeholders.frames.registry_frame` — `stakeholder_id`, `regional_group`,
  `country`, `gender`, `category`, `stakeholder_type`, `sector`, `registered_at`, and 0/1 columns
  `discipline__<code>`, `knowledge_system__<code>`.
- `participation`: `stakeholders.frames.participation_frame` — `stakeholder_id`, `year` and the
  participant's `regional_group`, `country`, `gender`, `category` (used when the stakeholder is
  not in `registry`). Organisations' records (no `stakeholder_id`) are left out: diversity
  counts people.
- `survey`: `surveys.frame.responses_frame` — `year` and the frozen profile columns
  `regional_group`, `country`, `gender`, `category`, `stakeholder_type`. Respondents are counted
  unweighted: weights raked to the registry would make them look like the registry by design.
- `member_states`: one row per UN member state with `country` (ISO alpha-2) and `regional_group`
  (the codes AFR, APAC, EEG, GRULAC, WEOG), e.g. the reference file mapped to codes.

Representation ratio = observed share / reference share, with the interval of the observed
share (Wilson) divided by the reference. A group is flagged under-represented when the whole
interval lies below the reference (ratio_high < 1) and the ratio is below THRESHOLD: the first
condition keeps small samples from flagging noise, the second keeps a large register from
flagging trivial gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.indicators._common import SEPARATOR, Headline, codes_of, trend, year_of
from analysis.indicators.diversity_measures import (
    THRESHOLD,
    diversity_indices,
    indices,
    member_state_shares,
    representation,
    represented,
)

__all__ = [  # the measures are part of this module's interface
    "THRESHOLD",
    "Counts",
    "Diversity",
    "diversity",
    "diversity_indices",
    "headline",
    "indices",
    "member_state_shares",
    "registry_counts",
    "representation",
    "represented",
]

GENDER_PARITY = pd.Series({"female": 0.5, "male": 0.5})
SINGLE = ("regional_group", "country", "gender", "category", "stakeholder_type", "sector")
MULTI = ("discipline", "knowledge_system")
POPULATIONS = ("registered", "participants", "respondents")
TREND_DIMENSIONS = ("regional_group", "gender")


@dataclass(frozen=True)
class Diversity:
    # population, dimension, group, n, total, share, low, high, reference, ratio, ratio_low, ratio_high, small,
    # under_represented, over_represented
    representation: pd.DataFrame
    distribution: pd.DataFrame  # population, dimension, group, n, total, share (multi-valued: of people naming it)
    indices: pd.DataFrame  # population, dimension, categories, shannon, evenness, simpson
    countries: pd.DataFrame  # population, regional_group, countries, member_states, coverage
    # population, year, dimension, group, n, total, share, reference, ratio, ratio_low, ratio_high, under_represented
    trends: pd.DataFrame
    indices_by_year: pd.DataFrame  # population, year, dimension, categories, shannon, evenness, simpson
    under_represented: pd.DataFrame  # the flagged rows of `representation`
    headline_series: pd.Series  # year -> evenness of participants across regional groups


# --- building blocks: analysis.indicators.diversity_measures ----------------------------------


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


def _categories(
    dimension: str, references: dict[str, pd.Series], member_states: pd.DataFrame | None, possible: dict[str, int]
) -> int | None:
    if dimension in possible:
        return possible[dimension]
    if dimension in references and len(references[dimension]):
        return len(references[dimension])
    if dimension == "country" and member_states is not None and "country" in member_states:
        return int(member_states["country"].nunique())
    return None


def _represent(
    counts: pd.DataFrame, references: dict[str, pd.Series], keys: list[str], threshold: float
) -> pd.DataFrame:
    """Representation of every dimension that has a reference, for every combination of `keys`."""
    parts = []
    for dimension, reference in references.items():
        rows = counts[counts["dimension"].to_numpy() == dimension]
        if len(reference) and len(rows):
            table = represented(rows, reference, keys=keys, threshold=threshold)
            table.insert(len(keys) - 1 if "year" in keys else len(keys), "dimension", dimension)
            parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _index_counts(counts: pd.DataFrame, references: dict[str, pd.Series], categories: dict[str, int | None]):
    """The counts the indices are taken over: a dimension with a reference over the reference's
    groups only ("prefer not to say" is not a third gender), with each dimension's K."""
    keep = counts["group"].notna().to_numpy().copy()
    for dimension, reference in references.items():
        if len(reference):
            of = counts["dimension"].to_numpy() == dimension
            keep &= ~of | counts["group"].isin(reference.index).to_numpy()
    # Rows left out count nobody but keep their combination, whose indices are then missing.
    return counts.assign(
        n=np.where(keep, counts["n"].to_numpy(dtype="int64"), 0),
        categories=counts["dimension"].map(categories).astype("float64"),
    )


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


def _distribution(single: pd.DataFrame, multi: pd.DataFrame) -> pd.DataFrame:
    present = single[single["group"].notna().to_numpy()]
    present = present.assign(total=present.groupby(["population", "dimension"], sort=False)["n"].transform("sum"))
    table = (
        pd.concat([part for part in (present, multi) if len(part)], ignore_index=True)
        if len(present) or len(multi)
        else pd.DataFrame(columns=["population", "dimension", "group", "n", "total"])
    )
    total = table["total"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(
            total > 0, table["n"].to_numpy(dtype="float64") / np.where(total > 0, total, 1.0), np.nan
        )
    table["n"], table["total"] = table["n"].astype("int64"), table["total"].astype("int64")
    return table


_COVERAGE = ["population", "regional_group", "countries", "member_states", "coverage"]


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


def _country_coverage(rows: list[dict], member_states: pd.DataFrame | None) -> pd.DataFrame:
    if member_states is None or "country" not in member_states:
        return pd.DataFrame(columns=_COVERAGE)
    table = pd.DataFrame(rows, columns=_COVERAGE[:-1])
    table["coverage"] = table["countries"] / table["member_states"]
    return table


# --- what is counted in each population -------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """What diversity counts in some populations, as the parts of its tables, population by population
    in the order of `POPULATIONS`; `diversity` joins them. Adding two `Counts` puts the second's
    populations after the first's."""

    single: tuple[pd.DataFrame, ...]  # population, dimension, group, n
    multi: tuple[pd.DataFrame, ...]  # population, dimension, group, n, total
    yearly: tuple[pd.DataFrame, ...]  # population, year, dimension, group, n
    countries: tuple[dict, ...]  # population, regional_group, countries, member_states

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.single + other.single,
            self.multi + other.multi,
            self.yearly + other.yearly,
            self.countries + other.countries,
        )


def _counted(population: str, frame: pd.DataFrame, by_year, member_states: pd.DataFrame | None) -> Counts:
    """`frame`'s people, and `by_year` (frame, years: one row per person and year) for the trends."""
    single, multi = _profile_parts(population, frame)
    yearly = _yearly_parts(population, *by_year) if by_year is not None else []
    return Counts((single,), tuple(multi), tuple(yearly), tuple(_coverage_rows(population, frame, member_states)))


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


def _respondent_counts(survey: pd.DataFrame | None, member_states: pd.DataFrame | None) -> Counts:
    by_year = (survey, survey["year"]) if survey is not None and len(survey) and "year" in survey else None
    return _counted("respondents", survey if survey is not None else pd.DataFrame(), by_year, member_states)


# --- the indicator ---------------------------------------------------------------------------


def diversity(
    registry: pd.DataFrame | None = None,
    participation: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    *,
    member_states: pd.DataFrame | None = None,
    gender_reference: pd.Series = GENDER_PARITY,
    threshold: float = THRESHOLD,
    categories: dict[str, int] | None = None,
    counts: Counts | None = None,
) -> Diversity:
    """`categories`: how many codes each dimension's controlled list has (e.g. {"category": 11}), the K
    of the evenness index; without it K is the number of codes observed. `counts`: the registry's
    part, `registry_counts(registry, participation, member_states=member_states)`, when the caller
    keeps it (`registry` and `participation` are then not read)."""
    references = {"regional_group": member_state_shares(member_states), "gender": pd.Series(gender_reference)}
    if counts is None:
        counts = registry_counts(registry, participation, member_states=member_states)
    counts = counts + _respondent_counts(survey, member_states)
    single = pd.concat(counts.single, ignore_index=True).reindex(columns=["population", "dimension", "group", "n"])
    multi = (
        pd.concat(counts.multi, ignore_index=True)
        if counts.multi
        else pd.DataFrame(columns=["population", "dimension", "group", "n", "total"])
    )
    possible = categories or {}
    ks = {dimension: _categories(dimension, references, member_states, possible) for dimension in SINGLE}
    ks.update({field: possible.get(field) for field in MULTI})
    index_counts = pd.concat(
        [_index_counts(single, references, ks), multi.assign(categories=multi["dimension"].map(ks).astype("float64"))],
        ignore_index=True,
    )
    index_table = indices(index_counts, keys=("population", "dimension")) if len(index_counts) else pd.DataFrame()
    representation_table = _reindexed(_represent(single, references, ["population"], threshold), REPRESENTATION)
    trends, indices_by_year = _trends(_yearly_counts(counts.yearly), references, threshold)
    flagged = representation_table[representation_table["under_represented"].astype(bool)].reset_index(drop=True)
    return Diversity(
        representation_table,
        _reindexed(_distribution(single, multi), ["population", "dimension", "group", "n", "total", "share"]),
        _reindexed(index_table, ["population", "dimension", *INDICES]),
        _country_coverage(list(counts.countries), member_states),
        trends,
        indices_by_year,
        flagged,
        _headline_series(indices_by_year),
    )


REPRESENTATION = [
    "population",
    "dimension",
    "group",
    "n",
    "total",
    "share",
    "low",
    "high",
    "reference",
    "ratio",
    "ratio_low",
    "ratio_high",
    "small",
    "under_represented",
    "over_represented",
]
TRENDS = [
    "population",
    "year",
    "dimension",
    "group",
    "n",
    "total",
    "share",
    "reference",
    "ratio",
    "ratio_low",
    "ratio_high",
    "under_represented",
]
INDICES = ["categories", "shannon", "evenness", "simpson"]


def _reindexed(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The table with these columns, in the order of populations, years and dimensions."""
    if not len(table):
        return pd.DataFrame(columns=columns)
    order = {
        "population": {name: rank for rank, name in enumerate(POPULATIONS)},
        "dimension": {name: rank for rank, name in enumerate((*SINGLE, *MULTI))},
    }
    keys = [c for c in ("population", "year", "dimension") if c in table]
    ranked = table.sort_values(keys, kind="stable", key=lambda c: c.map(order[c.name]) if c.name in order else c)
    return ranked.reindex(columns=columns).reset_index(drop=True)


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


def _yearly_counts(tables: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    """population, year, dimension, group, n of every population and year."""
    if not tables:
        return pd.DataFrame(columns=["population", "year", "dimension", "group", "n"])
    return pd.concat(tables, ignore_index=True)[["population", "year", "dimension", "group", "n"]]


def _trends(counts: pd.DataFrame, references, threshold) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = ["population", "year"]
    parts = [_represent(counts, references, keys, threshold)]
    # A dimension without a reference (no member-state table) gets plain shares of whoever has a value.
    plain = [d for d in TREND_DIMENSIONS if not len(references.get(d, ()))]
    if plain:
        rows = counts[
            counts["dimension"].isin(plain).to_numpy()
            & (counts["n"].to_numpy() > 0)
            & counts["group"].notna().to_numpy()
        ]
        rows = rows.assign(total=rows.groupby([*keys, "dimension"], sort=False)["n"].transform("sum"))
        parts.append(rows.assign(share=rows["n"] / rows["total"]))
    trends = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame(columns=TRENDS)
    )
    ks = {d: (len(references[d]) if len(references.get(d, ())) else None) for d in TREND_DIMENSIONS}
    by_year = (
        indices(_index_counts(counts, references, ks), keys=("population", "year", "dimension"))
        if len(counts)
        else pd.DataFrame()
    )
    return _reindexed(trends, TRENDS), _reindexed(by_year, ["population", "year", "dimension", *INDICES])


def _headline_series(indices_by_year: pd.DataFrame) -> pd.Series:
    regional = indices_by_year[indices_by_year["dimension"] == "regional_group"]
    for population in ("participants", "registered", "respondents"):
        chosen = regional[regional["population"] == population]
        if len(chosen):
            return pd.Series(chosen["evenness"].to_numpy(dtype="float64"), index=chosen["year"].astype(int).to_numpy())
    return pd.Series(dtype="float64")


def headline(result: Diversity, year: int | None = None) -> Headline:
    """Evenness of participants across the five regional groups (1 = as even as can be)."""
    return trend("diversity", "regional_evenness", result.headline_series, unit="index", year=year)
