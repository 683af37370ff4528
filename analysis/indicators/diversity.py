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

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimates import SMALL_CELL
from analysis.indicators._common import SEPARATOR, Headline, trend, year_of
from analysis.response_rates import wilson

THRESHOLD = 0.8  # a ratio below this (with the interval below 1) flags a group
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


# --- building blocks -----------------------------------------------------------------------

def member_state_shares(member_states: pd.DataFrame | pd.Series | None) -> pd.Series:
    """Each regional group's share of UN member states (54/193 for the African States...).

    Takes the member-state table, or counts or shares by group already made.
    """
    if member_states is None:
        return pd.Series(dtype="float64")
    if isinstance(member_states, pd.DataFrame):
        counts = member_states["regional_group"].dropna().value_counts()
    else:
        counts = pd.Series(member_states, dtype="float64")
    return (counts / counts.sum()).astype("float64").sort_index()


def representation(values: pd.Series, reference: pd.Series, *, threshold: float = THRESHOLD,
                   level: float = 0.95) -> pd.DataFrame:
    """Share of each reference group among the values that fall in a reference group, against it.

    Values outside the reference (another gender, an undisclosed one, a territory outside the UN
    groups, missing) are not in the denominator: the table compares like with like. Reference
    groups nobody belongs to appear with n = 0.
    """
    reference = pd.Series(reference, dtype="float64")
    values = pd.Series(values).astype("object")
    inside = values[values.isin(reference.index)]
    counts = inside.value_counts().reindex(reference.index, fill_value=0).astype("int64")
    total = int(counts.sum())
    low, high = wilson(counts.to_numpy(), np.full(len(counts), total), level)
    share = counts / total if total else pd.Series(np.nan, index=counts.index)
    table = pd.DataFrame({"n": counts, "total": total, "share": share, "low": low, "high": high,
                          "reference": reference})
    table["ratio"] = table["share"] / table["reference"]
    table["ratio_low"] = table["low"] / table["reference"]
    table["ratio_high"] = table["high"] / table["reference"]
    table["small"] = total < SMALL_CELL
    table["under_represented"] = (table["ratio_high"] < 1) & (table["ratio"] < threshold)
    table["over_represented"] = table["ratio_low"] > 1
    table.index.name = "group"
    outside = int(values.notna().sum()) - total
    table.attrs["outside_reference"] = outside
    return table


def diversity_indices(counts: pd.Series, categories: int | None = None) -> dict:
    """Shannon's H (natural log), Pielou's evenness H / ln K, and Gini-Simpson 1 - Σp².

    K is the number of categories a population could spread over (`categories`, e.g. 5 regional
    groups), not only those present: a register with nobody from one region is less even.
    """
    counts = pd.Series(counts, dtype="float64")
    counts = counts[counts > 0]
    total = counts.sum()
    k = categories if categories is not None else len(counts)
    if total == 0:
        return {"categories": k, "shannon": math.nan, "evenness": math.nan, "simpson": math.nan}
    p = (counts / total).to_numpy()
    shannon = float(-(p * np.log(p)).sum()) + 0.0  # no -0.0 for a single category
    evenness = shannon / math.log(k) if k and k > 1 else math.nan
    return {"categories": k, "shannon": shannon, "evenness": evenness, "simpson": float(1 - (p * p).sum())}


def _multi_counts(frame: pd.DataFrame, field: str) -> tuple[pd.Series, int]:
    """People naming each code of a multi-valued field, and people naming at least one."""
    prefix = f"{field}{SEPARATOR}"
    columns = [c for c in frame.columns if str(c).startswith(prefix)]
    if not columns:
        return pd.Series(dtype="int64"), 0
    matrix = frame[columns].fillna(0).astype("float64") > 0
    counts = pd.Series(matrix.sum(axis=0).to_numpy(), index=[c[len(prefix):] for c in columns]).astype("int64")
    return counts, int(matrix.any(axis=1).sum())


def _categories(dimension: str, references: dict[str, pd.Series], member_states: pd.DataFrame | None,
                possible: dict[str, int]) -> int | None:
    if dimension in possible:
        return possible[dimension]
    if dimension in references and len(references[dimension]):
        return len(references[dimension])
    if dimension == "country" and member_states is not None and "country" in member_states:
        return int(member_states["country"].nunique())
    return None


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
        merged[column] = merged[column].astype("object").where(merged[column].notna(),
                                                               people[column].astype("object").to_numpy())
    return merged


def _profile_tables(frame: pd.DataFrame, population: str, references: dict[str, pd.Series],
                    member_states: pd.DataFrame | None, threshold: float, possible: dict[str, int]):
    represent, distribution, indices = [], [], []
    for dimension in SINGLE:
        if dimension not in frame:
            continue
        values = frame[dimension].astype("object")
        counts = values.value_counts()
        total = int(values.notna().sum())
        reference = references.get(dimension)
        # Indices over the reference's groups only: "prefer not to say" is not a third gender.
        index_counts = counts.reindex(reference.index, fill_value=0) if reference is not None and len(reference) \
            else counts
        distribution.append(pd.DataFrame({"population": population, "dimension": dimension, "group": counts.index,
                                          "n": counts.to_numpy(), "total": total,
                                          "share": counts.to_numpy() / total if total else np.nan}))
        indices.append({"population": population, "dimension": dimension,
                        **diversity_indices(index_counts, _categories(dimension, references, member_states, possible))})
        if dimension in references and len(references[dimension]):
            table = representation(values, references[dimension], threshold=threshold).reset_index()
            table.insert(0, "dimension", dimension)
            table.insert(0, "population", population)
            represent.append(table)
    for field in MULTI:
        counts, total = _multi_counts(frame, field)
        if not len(counts):
            continue
        distribution.append(pd.DataFrame({"population": population, "dimension": field, "group": counts.index,
                                          "n": counts.to_numpy(), "total": total,
                                          "share": counts.to_numpy() / total if total else np.nan}))
        # Mentions, not people: someone naming two disciplines counts in both.
        indices.append({"population": population, "dimension": field,
                        **diversity_indices(counts, possible.get(field, len(counts)))})
    return represent, distribution, indices


def _country_coverage(frame: pd.DataFrame, population: str, member_states: pd.DataFrame | None) -> pd.DataFrame:
    if member_states is None or "country" not in member_states or "country" not in frame:
        return pd.DataFrame()
    states = member_states.dropna(subset=["regional_group"])
    present = set(frame["country"].dropna().astype(str))
    table = states.assign(present=states["country"].astype(str).isin(present)) \
        .groupby("regional_group").agg(countries=("present", "sum"), member_states=("country", "size"))
    table.loc["all"] = table.sum()
    table["coverage"] = table["countries"] / table["member_states"]
    table.insert(0, "population", population)
    return table.rename_axis("regional_group").reset_index()


# --- the indicator ---------------------------------------------------------------------------

def diversity(registry: pd.DataFrame | None = None, participation: pd.DataFrame | None = None,
              survey: pd.DataFrame | None = None, *, member_states: pd.DataFrame | None = None,
              gender_reference: pd.Series = GENDER_PARITY, threshold: float = THRESHOLD,
              categories: dict[str, int] | None = None) -> Diversity:
    """`categories`: how many codes each dimension's controlled list has (e.g. {"category": 11}), the K
    of the evenness index; without it K is the number of codes observed."""
    references = {"regional_group": member_state_shares(member_states), "gender": pd.Series(gender_reference)}
    participants = _participants(participation, registry)
    populations = {
        "registered": registry if registry is not None else pd.DataFrame(),
        # Each person once, over all years, for the overall tables.
        "participants": participants.drop_duplicates("stakeholder_id") if len(participants) else participants,
        "respondents": survey if survey is not None else pd.DataFrame(),
    }
    represent, distribution, indices, countries = [], [], [], []
    for name, frame in populations.items():
        r, d, i = _profile_tables(frame, name, references, member_states, threshold, categories or {})
        represent += r
        distribution += d
        indices += i
        countries.append(_country_coverage(frame, name, member_states))
    representation_table = _concat(represent, ["population", "dimension", "group", "n", "total", "share", "low",
                                               "high", "reference", "ratio", "ratio_low", "ratio_high", "small",
                                               "under_represented", "over_represented"])
    trends, indices_by_year = _trends(registry, participants, survey, references, threshold)
    flagged = representation_table[representation_table["under_represented"].astype(bool)].reset_index(drop=True)
    series = _headline_series(indices_by_year)
    return Diversity(representation_table,
                     _concat(distribution, ["population", "dimension", "group", "n", "total", "share"]),
                     pd.DataFrame(indices, columns=["population", "dimension", "categories", "shannon", "evenness",
                                                    "simpson"]),
                     _concat(countries, ["population", "regional_group", "countries", "member_states", "coverage"]),
                     trends, indices_by_year, flagged, series)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _yearly(registry, participants, survey):
    """(population, year, frame) for every year: the register as it stood at the end of the year,
    the people who took part that year, the respondents of that year's waves."""
    if registry is not None and len(registry) and "registered_at" in registry:
        years = year_of(registry["registered_at"])
        for year in sorted(years.dropna().unique()):
            yield "registered", int(year), registry[(years <= year).fillna(False).to_numpy()]
    if len(participants) and "year" in participants:
        for year in sorted(participants["year"].dropna().unique()):
            yield "participants", int(year), participants[participants["year"] == year]
    if survey is not None and len(survey) and "year" in survey:
        for year in sorted(survey["year"].dropna().unique()):
            yield "respondents", int(year), survey[survey["year"] == year]


def _trends(registry, participants, survey, references, threshold) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, indices = [], []
    for population, year, frame in _yearly(registry, participants, survey):
        for dimension in TREND_DIMENSIONS:
            if dimension not in frame:
                continue
            reference = references.get(dimension)
            if reference is not None and len(reference):
                table = representation(frame[dimension], reference, threshold=threshold).reset_index()
            else:
                counts = frame[dimension].astype("object").value_counts()
                table = pd.DataFrame({"group": counts.index, "n": counts.to_numpy(), "total": counts.sum()})
                table["share"] = table["n"] / table["total"]
            table.insert(0, "dimension", dimension)
            table.insert(0, "year", year)
            table.insert(0, "population", population)
            rows.append(table)
            counts = frame[dimension].astype("object").value_counts()
            if reference is not None and len(reference):
                counts = counts.reindex(reference.index, fill_value=0)
            indices.append({"population": population, "year": year, "dimension": dimension,
                            **diversity_indices(counts, len(reference) if reference is not None and len(reference)
                                                else None)})
    trend_columns = ["population", "year", "dimension", "group", "n", "total", "share", "reference", "ratio",
                     "ratio_low", "ratio_high", "under_represented"]
    trends = pd.concat(rows, ignore_index=True).reindex(columns=trend_columns) if rows else \
        pd.DataFrame(columns=trend_columns)
    return trends, pd.DataFrame(indices, columns=["population", "year", "dimension", "categories", "shannon",
                                                  "evenness", "simpson"])


def _headline_series(indices_by_year: pd.DataFrame) -> pd.Series:
    regional = indices_by_year[indices_by_year["dimension"] == "regional_group"]
    for population in ("participants", "registered", "respondents"):
        chosen = regional[regional["population"] == population]
        if len(chosen):
            return pd.Series(chosen["evenness"].to_numpy(dtype="float64"),
                             index=chosen["year"].astype(int).to_numpy())
    return pd.Series(dtype="float64")


def headline(result: Diversity, year: int | None = None) -> Headline:
    """Evenness of participants across the five regional groups (1 = as even as can be)."""
    return trend("diversity", "regional_evenness", result.headline_series, unit="index", year=year)
