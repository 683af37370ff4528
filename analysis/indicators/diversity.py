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

from functools import cached_property

import numpy as np
import pandas as pd

from analysis.indicators._common import Headline, trend
from analysis.indicators.diversity_counts import (
    MULTI,
    POPULATIONS,
    SINGLE,
    TREND_DIMENSIONS,
    Counts,
    registry_counts,
    respondent_counts,
)
from analysis.indicators.diversity_measures import (
    THRESHOLD,
    coded_spread,
    diversity_indices,
    indices,
    member_state_shares,
    pielou,
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


class Diversity:
    """The group's tables, each computed from the counts of the three populations when first read and
    kept: the overview's card reads only `headline_series` and `headline_bases`, the group's page and the
    map the others.

    - representation: population, dimension, group, n, total, share, low, high, reference, ratio,
      ratio_low, ratio_high, small, under_represented, over_represented
    - distribution: population, dimension, group, n, total, share (multi-valued: of people naming it)
    - indices: population, dimension, categories, shannon, evenness, simpson
    - countries: population, regional_group, countries, member_states, coverage
    - trends: population, year, dimension, group, n, total, share, reference, ratio, ratio_low,
      ratio_high, under_represented
    - indices_by_year: population, year, dimension, categories, shannon, evenness, simpson
    - under_represented: the flagged rows of `representation`
    - headline_series: year -> evenness of participants across regional groups
    - headline_bases: year -> the people that evenness is of
    """

    def __init__(self, counts: Counts, member_states, references: dict, threshold: float, categories: dict):
        self._counts, self._member_states = counts, member_states
        self._references, self._threshold, self._categories = references, threshold, categories

    @cached_property
    def _single(self) -> pd.DataFrame:
        return pd.concat(self._counts.single, ignore_index=True).reindex(
            columns=["population", "dimension", "group", "n"]
        )

    @cached_property
    def _multi(self) -> pd.DataFrame:
        if not self._counts.multi:
            return pd.DataFrame(columns=["population", "dimension", "group", "n", "total"])
        return pd.concat(self._counts.multi, ignore_index=True)

    @cached_property
    def representation(self) -> pd.DataFrame:
        table = _represent(self._single, self._references, ["population"], self._threshold)
        return _reindexed(table, REPRESENTATION)

    @cached_property
    def distribution(self) -> pd.DataFrame:
        return _reindexed(
            _distribution(self._single, self._multi), ["population", "dimension", "group", "n", "total", "share"]
        )

    @cached_property
    def indices(self) -> pd.DataFrame:
        ks, multi = self._categories, self._multi
        counts = pd.concat(
            [
                _index_counts(self._single, self._references, ks),
                multi.assign(categories=multi["dimension"].map(ks).astype("float64")),
            ],
            ignore_index=True,
        )
        table = indices(counts, keys=("population", "dimension")) if len(counts) else pd.DataFrame()
        return _reindexed(table, ["population", "dimension", *INDICES])

    @cached_property
    def countries(self) -> pd.DataFrame:
        return _country_coverage(list(self._counts.countries), self._member_states)

    @cached_property
    def _yearly(self) -> pd.DataFrame:
        return _yearly_counts(self._counts.yearly)

    @cached_property
    def _trend_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return _trends(self._yearly, self._references, self._threshold)

    @property
    def trends(self) -> pd.DataFrame:
        return self._trend_tables[0]

    @property
    def indices_by_year(self) -> pd.DataFrame:
        return self._trend_tables[1]

    @cached_property
    def under_represented(self) -> pd.DataFrame:
        table = self.representation
        return table[table["under_represented"].astype(bool)].reset_index(drop=True)

    @cached_property
    def _headline(self) -> tuple[pd.Series, pd.Series | None]:
        # The overview's card reads the regional groups' evenness of one population alone: counted from
        # that population's yearly counts, not from the trends and indices of every population.
        return _regional_headline(self._counts.yearly, self._references["regional_group"])

    @property
    def headline_series(self) -> pd.Series:
        return self._headline[0]

    @property
    def headline_bases(self) -> pd.Series | None:
        """year -> people behind `headline_series` (the `total` of its population's regional trends)."""
        return self._headline[1]


# --- building blocks: analysis.indicators.diversity_measures ----------------------------------


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


def _country_coverage(rows: list[dict], member_states: pd.DataFrame | None) -> pd.DataFrame:
    if member_states is None or "country" not in member_states:
        return pd.DataFrame(columns=_COVERAGE)
    table = pd.DataFrame(rows, columns=_COVERAGE[:-1])
    table["coverage"] = table["countries"] / table["member_states"]
    return table


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
    possible = categories or {}
    ks = {dimension: _categories(dimension, references, member_states, possible) for dimension in SINGLE}
    ks.update({field: possible.get(field) for field in MULTI})
    return Diversity(counts + respondent_counts(survey, member_states), member_states, references, threshold, ks)


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


HEADLINE_POPULATIONS = ("participants", "registered", "respondents")  # the first one counted is the headline's


def _regional_headline(yearly: tuple[pd.DataFrame, ...], reference: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """The evenness across regional groups by year of the first of `HEADLINE_POPULATIONS` counted, and
    the people behind it by year: what `indices_by_year` and `trends` hold for the regional groups (the
    sums run over the same rows in the same order), computed over that population's counts alone.

    `yearly`: the tables of `Counts.yearly`, one per population and dimension."""
    tables = {}
    for table in yearly:
        if len(table) and table["dimension"].iat[0] == "regional_group":
            tables.setdefault(table["population"].iat[0], table)
    found = [tables[population] for population in HEADLINE_POPULATIONS if population in tables]
    if not found:
        return pd.Series(dtype="float64"), None
    years, codes, n, named = _regional_cells(found[0], reference)
    total, shannon, _, filled = coded_spread(codes, n, len(years))
    k = np.full(len(years), float(len(reference))) if len(reference) else filled
    series = pd.Series(pielou(shannon, k), index=years)
    if len(reference):  # each year's people in the reference's groups
        return series, pd.Series(total.astype("int64"), index=pd.Index(years, name="year"), name="total")
    # Without a reference the trends hold plain shares of the groups with someone: the base is of the
    # first population with anyone in a group, over its years with anyone.
    for table in found:
        years, codes, n, named = _regional_cells(table, reference)
        counted = named & (n > 0)
        if counted.any():
            present = np.unique(codes[counted])
            people = np.bincount(codes[counted], weights=n[counted], minlength=len(years))[present]
            return series, pd.Series(people.astype("int64"), index=pd.Index(years[present], name="year"), name="total")
    return series, None


def _regional_cells(table: pd.DataFrame, reference: pd.Series):
    """Years (sorted), each row's year code, its count as the indices take it (zero outside the
    reference's groups, or without a group), and whether it has a group."""
    years, codes = np.unique(table["year"].to_numpy(dtype="int64"), return_inverse=True)
    group = table["group"].to_numpy(dtype="object")
    named = pd.notna(group)
    keep = named & (pd.Index(reference.index, dtype="object").get_indexer(group) >= 0) if len(reference) else named
    return years, codes, np.where(keep, table["n"].to_numpy(dtype="float64"), 0.0), named


def headline(result: Diversity, year: int | None = None) -> Headline:
    """Evenness of participants across the five regional groups (1 = as even as can be)."""
    return trend("diversity", "regional_evenness", result.headline_series, unit="index", year=year)
