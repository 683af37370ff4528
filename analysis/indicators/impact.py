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

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Impact:
    published: int
    pending: int  # submitted, not yet published (nor rejected)
    counts: pd.DataFrame  # dimension, group, year, records (published records, by year of publication)
    totals: pd.DataFrame  # dimension, group, records (all years)
    by_year: pd.DataFrame  # year -> submitted, published
    uses: pd.DataFrame  # question, choice, estimate, low, high, se, n, small
    uses_by_region: pd.DataFrame  # question, group, choice, estimate, low, high, se, n, small
    headline_series: pd.Series  # year -> records published that year


@dataclass(frozen=True)
class Records:
    """The parts of `Impact` read from the records alone (no survey): kept apart so that a caller
    can compute them once for every survey viewed over the same records."""

    published: int
    pending: int
    counts: pd.DataFrame
    totals: pd.DataFrame
    by_year: pd.DataFrame


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
    return Impact(
        part.published,
        part.pending,
        part.counts,
        part.totals,
        part.by_year,
        uses,
        uses_by,
        part.by_year["published"].astype("float64"),
    )


def records_part(records: pd.DataFrame | None) -> Records:
    records = with_aliases(records, ALIASES)
    records = records if records is not None else pd.DataFrame(columns=["status", "submitted_at", "published_at"])
    status = (
        records["status"].astype("string").str.lower()
        if "status" in records
        else pd.Series("", index=records.index, dtype="string")
    )
    is_published = (status == PUBLISHED).fillna(False).to_numpy()
    published = records[is_published].copy()
    published["year"] = year_of(published["published_at"]) if "published_at" in published else pd.NA
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
    return Records(
        int(is_published.sum()),
        int((~status.isin([PUBLISHED, "rejected"]).fillna(False)).sum()),
        _concat(counts, ["dimension", "group", "year", "records"]),
        _concat(totals, ["dimension", "group", "records"]),
        _by_year(records, published),
    )


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
