"""Stakeholder commitment: the evidence register's completeness and the clarity of how to engage.

Inputs
- `evidence`: one row per document in the evidence register (`engagement.frames.evidence_frame`)
  — `kind` (strategy, implementation_plan, procedures, consultation), `title`, `date` (or
  `issued_on`), `link`, and the languages it is available in, either as a `languages` column (a
  list/tuple/set of codes, or a string of codes separated by ";", "," or spaces) or as 0/1
  columns `languages__<code>` / `language__<code>`.
- `survey`: `surveys.frame.responses_frame` — the clarity item (`clarity`, a select_one on an
  agreement scale), `year`, the breakdown column (`regional_group`) and optionally a weight column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.indicators._common import Headline, Weights, part, trend, weights_for, with_aliases
from analysis.likert import summarise

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")  # the six UN official languages
# What decision IPBES-3/4 (annex II, para 20) names as evidence of commitment.
REQUIRED_KINDS = ("strategy", "implementation_plan", "procedures", "consultation")
AGREE5 = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")  # low to high


@dataclass(frozen=True)
class Commitment:
    kinds: pd.DataFrame  # kind -> documents, latest_date, all_languages (documents in all six), required
    languages: pd.DataFrame  # language -> documents available in it, share of all documents
    kinds_present: tuple[str, ...]
    kinds_missing: tuple[str, ...]  # required kinds with no document
    completeness: float  # required kinds present / required kinds
    share_all_languages: float  # documents available in all six languages / documents
    clarity: pd.DataFrame  # group ("all" first) -> top_two, low, high, n, small, median, off_scale_share
    clarity_by_year: pd.DataFrame  # year -> top_two, low, high, n, small
    headline_series: pd.Series  # year -> share agreeing that it is clear how to engage


def evidence_languages(evidence: pd.DataFrame, languages: tuple[str, ...] = LANGUAGES) -> pd.DataFrame:
    """A 0/1 column per language for each document, whichever way the register gives them."""
    result = pd.DataFrame(0, index=evidence.index, columns=list(languages), dtype="int64")
    for prefix in ("languages__", "language__"):
        for language in languages:
            if f"{prefix}{language}" in evidence:
                result[language] = evidence[f"{prefix}{language}"].fillna(0).astype(bool).astype("int64")
    if "languages" in evidence:
        for index, value in evidence["languages"].items():
            codes = _codes(value)
            for language in languages:
                if language in codes:
                    result.at[index, language] = 1
    return result


def _codes(value) -> set[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return set()
    if isinstance(value, str):
        return {code.strip().lower() for code in value.replace(",", " ").replace(";", " ").split() if code.strip()}
    return {str(code).strip().lower() for code in value}


@dataclass(frozen=True)
class Register:
    """The parts of `Commitment` read from the evidence register alone (no survey): kept apart so
    that a caller can compute them once for every survey viewed over the same register."""

    kinds: pd.DataFrame
    languages: pd.DataFrame
    present: tuple[str, ...]
    missing: tuple[str, ...]
    completeness: float
    share_all_languages: float


def commitment(
    evidence: pd.DataFrame | None,
    survey: pd.DataFrame | None = None,
    *,
    item: str = "clarity",
    scale: tuple[str, ...] = AGREE5,
    off_scale: tuple[str, ...] = (),
    by: str = "regional_group",
    weights: Weights = None,
    required_kinds: tuple[str, ...] = REQUIRED_KINDS,
    languages: tuple[str, ...] = LANGUAGES,
    register: Register | None = None,
) -> Commitment:
    """`register`: `register_part(evidence, ...)` computed before, in place of reading the register again."""
    kept = register if register is not None else register_part(evidence, required_kinds, languages)
    clarity, by_year = _clarity(survey, item, list(scale), off_scale, by, weights)
    series = by_year["top_two"] if not by_year.empty else pd.Series(dtype="float64")
    return Commitment(
        kept.kinds,
        kept.languages,
        kept.present,
        kept.missing,
        kept.completeness,
        kept.share_all_languages,
        clarity,
        by_year,
        series,
    )


def register_part(
    evidence: pd.DataFrame | None,
    required_kinds: tuple[str, ...] = REQUIRED_KINDS,
    languages: tuple[str, ...] = LANGUAGES,
) -> Register:
    evidence = with_aliases(evidence, {"date": ("issued_on",)})
    evidence = evidence if evidence is not None else pd.DataFrame(columns=["kind", "title", "date", "link"])
    available = evidence_languages(evidence, languages)
    in_all = available.sum(axis=1) == len(languages) if len(languages) else pd.Series(False, index=evidence.index)
    dates = pd.to_datetime(
        evidence["date"] if "date" in evidence else pd.Series(pd.NaT, index=evidence.index), errors="coerce"
    )
    kind = evidence["kind"].astype("object") if "kind" in evidence else pd.Series(dtype="object")
    present = tuple(sorted(set(kind.dropna())))
    order = list(required_kinds) + [k for k in present if k not in required_kinds]
    kinds = pd.DataFrame(
        {
            "documents": kind.value_counts().reindex(order, fill_value=0).astype("int64"),
            "latest_date": dates.groupby(kind).max().reindex(order),
            "all_languages": in_all.groupby(kind).sum().reindex(order, fill_value=0).astype("int64"),
        }
    )
    kinds["required"] = [k in required_kinds for k in order]
    kinds.index.name = "kind"
    n_documents = len(evidence)
    language_table = pd.DataFrame({"documents": available.sum(axis=0).astype("int64")})
    language_table["share"] = language_table["documents"] / n_documents if n_documents else np.nan
    language_table.index.name = "language"
    missing = tuple(k for k in required_kinds if k not in present)
    completeness = (len(required_kinds) - len(missing)) / len(required_kinds) if required_kinds else math.nan
    share_all = float(in_all.sum() / n_documents) if n_documents else math.nan
    return Register(kinds, language_table, present, missing, completeness, share_all)


_CLARITY_COLUMNS = ["top_two", "low", "high", "n", "small", "median", "off_scale_share"]


def _summary_row(values, scale, off_scale, weights) -> dict:
    result = summarise(values, scale, off_scale=off_scale, weights=weights)
    return {
        "top_two": result.top_two.estimate,
        "low": result.top_two.low,
        "high": result.top_two.high,
        "n": result.n,
        "small": result.top_two.small,
        "median": result.median,
        "off_scale_share": result.off_scale_share,
    }


def _clarity(survey, item, scale, off_scale, by, weights) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Top-two-box share of the clarity item overall and by group, and overall by year.

    With fixed weights, group shares use only the group's respondents (the Likert summary is
    not then a domain estimate), which matches `svyby` on a subset closely but not to the last
    digit; with a design (`weights` a function), each group is a domain of it. Each year is
    estimated in its own waves' design.
    """
    empty = pd.DataFrame(columns=_CLARITY_COLUMNS).rename_axis("group")
    empty_year = pd.DataFrame(columns=_CLARITY_COLUMNS[:5]).rename_axis("year")
    if survey is None or item not in survey or survey.empty:
        return empty, empty_year
    values = survey[item].astype("object")
    w = weights_for(survey, weights)
    rows = {"all": _summary_row(values, scale, off_scale, w)}
    if by in survey:
        for group in sorted(survey[by].dropna().unique()):
            mask = (survey[by] == group).to_numpy()
            rows[group] = _summary_row(values[mask], scale, off_scale, part(w, mask))
    table = pd.DataFrame.from_dict(rows, orient="index")[_CLARITY_COLUMNS]
    table.index.name = "group"
    by_year = empty_year
    if "year" in survey:
        years = {}
        for year in sorted(survey["year"].dropna().unique()):
            mask = (survey["year"] == year).to_numpy()
            row = _summary_row(values[mask], scale, off_scale, weights_for(survey[mask], weights))
            years[int(year)] = {key: row[key] for key in _CLARITY_COLUMNS[:5]}
        by_year = pd.DataFrame.from_dict(years, orient="index")
        by_year.index.name = "year"
    return table, by_year


def headline(result: Commitment, year: int | None = None) -> Headline:
    """Share agreeing it is clear how to engage; with no survey, the register's completeness."""
    if result.headline_series.dropna().empty:
        status = "no_data" if math.isnan(result.completeness) else "new"
        return Headline(
            "commitment",
            "evidence_completeness",
            "share",
            True,
            year,
            result.completeness,
            None,
            math.nan,
            math.nan,
            status,
        )
    return trend("commitment", "clarity_top_two", result.headline_series, unit="share", year=year)
