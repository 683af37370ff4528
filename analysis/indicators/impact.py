"""Evidence of outputs and impact: published impact records, and what survey respondents do with IPBES products.

Inputs
- `records`: one row per impact record (`engagement.frames.impact_frame`, whose names `impact_type`,
  `region`, `submitted_on`, `published_on` are accepted too) — `type` (policy, action,
  commitment, network, investment, law), `scale`, `regional_group`, `country`, `deliverable`,
  `status` (only "published" records count: the rest await or failed moderation),
  `submitted_at`, `published_at`. Years are years of publication.
- `survey`: `surveys.frame.responses_frame` with the select_multiple use questions expanded into
  0/1 columns (`products_used__<choice>`, `product_uses__<choice>`), `regional_group`, `year` and
  optionally a weight column.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from analysis.indicators._common import (
    Headline,
    Weights,
    choice_columns,
    multiple_shares,
    trend,
    weights_for,
    with_aliases,
    year_of,
)

PUBLISHED = "published"
DIMENSIONS = ("type", "scale", "regional_group", "deliverable")
USE_QUESTIONS = ("products_used", "product_uses")
UNKNOWN = "unknown"
ALIASES = {
    "type": ("impact_type",),
    "regional_group": ("region",),
    "submitted_at": ("submitted_on",),
    "published_at": ("published_on",),
}


class Impact:
    """The group's result. The counts of the records (`Records`) are computed when first read: the
    overview's card reads only `headline_series`, the group's page every table.

    - published: records published; pending: submitted, not yet published (nor rejected)
    - counts: dimension, group, year, records (published records, by year of publication)
    - totals: dimension, group, records (all years)
    - by_year: year -> submitted, published
    - uses: question, choice, estimate, low, high, se, n, small
    - uses_by_region: question, group, choice, estimate, low, high, se, n, small
    - headline_series: year -> records published that year
    """

    def __init__(self, part: Records, uses: pd.DataFrame, uses_by_region: pd.DataFrame):
        self._part, self.uses, self.uses_by_region = part, uses, uses_by_region

    @property
    def published(self) -> int:
        return self._part.published

    @property
    def pending(self) -> int:
        return self._part.pending

    @property
    def counts(self) -> pd.DataFrame:
        return self._part.counts

    @property
    def totals(self) -> pd.DataFrame:
        return self._part.totals

    @property
    def by_year(self) -> pd.DataFrame:
        return self._part.by_year

    @cached_property
    def headline_series(self) -> pd.Series:
        return self._part.by_year["published"].astype("float64")


class Records:
    """The parts of `Impact` read from the records alone (no survey): kept apart so that a caller
    can compute them once for every survey viewed over the same records. Each is computed when first
    read and kept (the records frame is kept with them: a few thousand rows)."""

    def __init__(self, records: pd.DataFrame | None):
        records = with_aliases(records, ALIASES)
        self._records = (
            records if records is not None else pd.DataFrame(columns=["status", "submitted_at", "published_at"])
        )

    @cached_property
    def _status(self) -> pd.Series:
        records = self._records
        if "status" in records:
            return records["status"].astype("string").str.lower()
        return pd.Series("", index=records.index, dtype="string")

    @cached_property
    def _published(self) -> pd.DataFrame:
        published = self._records[(self._status == PUBLISHED).fillna(False).to_numpy()].copy()
        published["year"] = year_of(published["published_at"]) if "published_at" in published else pd.NA
        return published

    @cached_property
    def published(self) -> int:
        return int((self._status == PUBLISHED).fillna(False).to_numpy().sum())

    @cached_property
    def pending(self) -> int:
        return int((~self._status.isin([PUBLISHED, "rejected"]).fillna(False)).sum())

    @cached_property
    def _tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        published = self._published
        counts, totals = [], []
        for dimension in DIMENSIONS:
            if dimension not in published:
                continue
            values = published[dimension].astype("object").where(published[dimension].notna(), UNKNOWN)
            values = values.where(values != "", UNKNOWN)
            table = (
                published.assign(group=values)
                .groupby(["group", "year"], dropna=False)
                .size()
                .rename("records")
                .reset_index()
            )
            table.insert(0, "dimension", dimension)
            counts.append(table)
            total = values.value_counts().rename_axis("group").rename("records").reset_index()
            total.insert(0, "dimension", dimension)
            totals.append(total)
        return _concat(counts, ["dimension", "group", "year", "records"]), _concat(
            totals, ["dimension", "group", "records"]
        )

    @property
    def counts(self) -> pd.DataFrame:
        return self._tables[0]

    @property
    def totals(self) -> pd.DataFrame:
        return self._tables[1]

    @cached_property
    def by_year(self) -> pd.DataFrame:
        return _by_year(self._records, self._published)


def impact(
    records: pd.DataFrame | None,
    survey: pd.DataFrame | None = None,
    *,
    questions: tuple[str, ...] = USE_QUESTIONS,
    by: str = "regional_group",
    weights: Weights = None,
    counted: Records | None = None,
) -> Impact:
    """`counted`: `records_part(records)` computed before, in place of counting the records again."""
    part = counted if counted is not None else records_part(records)
    uses, uses_by = _uses(survey, questions, by, weights)
    return Impact(part, uses, uses_by)


def records_part(records: pd.DataFrame | None) -> Records:
    return Records(records)


def _concat(parts, columns):
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _by_year(records: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    submitted = (
        year_of(records["submitted_at"]).value_counts() if "submitted_at" in records else pd.Series(dtype="int64")
    )
    done = published["year"].dropna().value_counts() if "year" in published else pd.Series(dtype="int64")
    years = sorted(set(submitted.index.dropna()) | set(done.index.dropna()))
    table = pd.DataFrame(
        {
            "submitted": submitted.reindex(years, fill_value=0).to_numpy(),
            "published": done.reindex(years, fill_value=0).to_numpy(),
        },
        index=pd.Index([int(y) for y in years], name="year"),
        dtype="int64",
    )
    return table


def _uses(survey, questions, by, weights):
    columns = ["question", "choice", "estimate", "low", "high", "se", "n", "small"]
    if survey is None or survey.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["question", "group", *columns[1:]])
    if not any(choice_columns(survey, question) for question in questions):  # no design to build for nothing
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=["question", "group", *columns[1:]])
    weights = weights_for(survey, weights)
    overall, grouped = [], []
    for question in questions:
        table = multiple_shares(survey, question, weights=weights)
        if not table.empty:
            overall.append(table.assign(question=question))
        if by in survey:
            table = multiple_shares(survey, question, weights=weights, by=by)
            if not table.empty:
                grouped.append(table.assign(question=question))
    return (_concat(overall, columns), _concat(grouped, ["question", "group", *columns[1:]]))


def headline(result: Impact, year: int | None = None) -> Headline:
    return trend("impact", "impact_records_published", result.headline_series, unit="count", year=year)
