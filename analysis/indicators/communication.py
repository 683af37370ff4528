"""Opportunities for two-way communication: calls for input, surveys and their response rates,
and whether stakeholders' concerns are answered, and how fast.

Inputs
- `calls`: one row per call for input — `title`, `deliverable`, `opened_on`, `closed_on`
  (missing while open), `responses` (number received).
- `invitations`: one row per survey invitation sent — `invitation_id`, `wave`, `year`,
  `regional_group`, `country`, `category`, `responded` (see `analysis.response_rates`).
- `survey`: `surveys.frame.responses_frame` — `wave`, `year`, and the items `raised_concern`
  (yes/no) and `concern_addressed` (fully, partly, not_addressed, no_reply).
- `concerns`: one row per issue or concern a stakeholder raised — `raised_on`, `status`,
  `answered_on` (missing until answered), `channel`.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.estimates import proportion
from analysis.indicators._common import Headline, Weights, as_date, trend, weights_for
from analysis.response_rates import ResponseRates, count_share, responded_flags, response_rates

ANSWERED = ("answered", "addressed", "closed", "resolved")  # statuses meaning the concern got its answer
# Days to answer, in bands a report can show as a bar chart; the right edge is included.
DAY_BANDS = ((0, 7, "0-7"), (8, 30, "8-30"), (31, 90, "31-90"), (91, math.inf, "over_90"))
ADDRESSED = ("fully", "partly")  # answers to `concern_addressed` counting as addressed


class Communication:
    """The group's tables. Those of the calls, invitations and concerns are computed when first read and
    kept: the overview's card reads only `headline_series`, the group's page every table. Those of the
    survey are computed at once, so the result keeps no survey frame alive (results are cached).

    - calls: year -> calls, responses, median_responses, open
    - surveys: year -> waves, responses, invited, invitations_answered, response_rate
    - response_rates: by wave and group, with tests of non-response (`ResponseRates`)
    - concerns: year raised -> raised, addressed, share, low, high, n, small, median_days, p75_days
    - concerns_by_channel: channel -> raised, addressed, share, low, high, n, small, median_days
    - time_to_answer: band -> concerns, share (answered concerns; plus "open")
    - median_days: over every answered concern; open_median_age: days the still-open concerns have waited
    - concern_addressed: year -> survey share (among those who raised one) saying it was addressed
    - headline_series: year -> share of concerns raised that year that were answered
    """

    def __init__(self, calls, invitations, survey, concerns, weights: Weights, today: pd.Timestamp):
        self._calls, self._invitations, self._concerns, self._today = calls, invitations, concerns, today
        self._responses = _survey_counts(survey)  # the survey's few numbers, so `surveys` can wait
        self.concern_addressed = _concern_addressed(survey, weights)

    @cached_property
    def surveys(self) -> pd.DataFrame:
        return _surveys(self._invitations, self._responses)

    @cached_property
    def calls(self) -> pd.DataFrame:
        return _calls(self._calls, self._today)

    @cached_property
    def response_rates(self) -> ResponseRates:
        return response_rates(self._invitations)

    @cached_property
    def _concern_tables(self):
        return _concerns(self._concerns, self._today)

    @property
    def concerns(self) -> pd.DataFrame:
        return self._concern_tables[0]

    @property
    def concerns_by_channel(self) -> pd.DataFrame:
        return self._concern_tables[1]

    @property
    def time_to_answer(self) -> pd.DataFrame:
        return self._concern_tables[2]

    @property
    def median_days(self) -> float:
        return self._concern_tables[3]

    @property
    def open_median_age(self) -> float:
        return self._concern_tables[4]

    @cached_property
    def concern_shares(self) -> pd.DataFrame:
        """`concerns`' raised, addressed and share: what the headline and its base read, counted alone
        (without the intervals, the days and the other concern tables) until `concerns` is read."""
        if "_concern_tables" in self.__dict__:
            return self.concerns[["raised", "addressed", "share"]]
        return _concern_shares(self._concerns)

    @cached_property
    def headline_series(self) -> pd.Series:
        table = self.concern_shares
        return table["share"].astype("float64") if len(table) else pd.Series(dtype="float64")


def communication(
    calls: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    concerns: pd.DataFrame | None = None,
    *,
    weights: Weights = None,
    today: date | None = None,
) -> Communication:
    return Communication(calls, invitations, survey, concerns, weights, pd.Timestamp(today or date.today()))


def _calls(calls: pd.DataFrame | None, today: pd.Timestamp) -> pd.DataFrame:
    columns = ["calls", "responses", "median_responses", "open"]
    if calls is None or calls.empty:
        return pd.DataFrame(columns=columns).rename_axis("year")
    opened = as_date(calls["opened_on"])
    closed = as_date(calls["closed_on"]) if "closed_on" in calls else pd.Series(pd.NaT, index=calls.index)
    responses = (
        pd.to_numeric(calls["responses"], errors="coerce")
        if "responses" in calls
        else pd.Series(np.nan, index=calls.index)
    )
    frame = pd.DataFrame(
        {
            "year": opened.dt.year,
            "responses": responses,
            "open": ((opened <= today) & (closed.isna() | (closed >= today))).to_numpy(),
        }
    )
    table = frame.groupby("year").agg(
        calls=("responses", "size"),
        responses=("responses", "sum"),
        median_responses=("responses", "median"),
        open=("open", "sum"),
    )
    table.index = table.index.astype(int)
    table[["calls", "open"]] = table[["calls", "open"]].astype("int64")
    return table[columns]


def _survey_counts(survey: pd.DataFrame | None) -> tuple[dict, list]:
    """The survey's part of `_surveys`: responses per year and its distinct (year, wave) pairs, a few rows."""
    if survey is None or not len(survey) or not {"year", "wave"} <= set(survey.columns):
        return {}, []
    return {"responses": survey["year"].value_counts()}, [survey[["year", "wave"]].drop_duplicates()]


def _surveys(invitations: pd.DataFrame | None, responses: tuple[dict, list]) -> pd.DataFrame:
    """Per year: waves run (with invitations or responses), responses, invitations and their response rate.
    `responses`: the survey's counts (`_survey_counts`)."""
    columns = ["waves", "responses", "invited", "invitations_answered", "response_rate"]
    counts, pairs = dict(responses[0]), list(responses[1])
    # Counted per year over each frame as it is, and the waves named once per distinct (year, wave):
    # the invitations run to hundreds of thousands of rows, their distinct waves to a few.
    if invitations is not None and len(invitations) and {"year", "wave"} <= set(invitations.columns):
        year = invitations["year"]
        counts["invited"] = year.value_counts()
        counts["invitations_answered"] = responded_flags(invitations["responded"]).groupby(year.to_numpy()).sum()
        pairs.append(invitations[["year", "wave"]].drop_duplicates())
    if not counts:
        return pd.DataFrame(columns=columns).rename_axis("year")
    named = pd.concat(
        [pd.DataFrame({"year": p["year"].to_numpy(), "wave": p["wave"].astype(str).to_numpy()}) for p in pairs],
        ignore_index=True,
    ).dropna(subset=["year"])
    waves = named.drop_duplicates().groupby("year").size()
    table = pd.DataFrame({"waves": waves})
    for name in ("responses", "invited", "invitations_answered"):
        part = counts.get(name, pd.Series(dtype="int64"))
        table[name] = part.reindex(table.index, fill_value=0).astype("int64").to_numpy()
    invited = table["invited"].where(table["invited"] > 0)
    table["response_rate"] = (table["invitations_answered"] / invited).astype("float64")
    table.index = table.index.astype(int)
    table.index.name = "year"
    return table[columns]


def _answered(concerns: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """When each concern was answered (NaT until it is), and whether it was (a date or an answered status)."""
    answered_on = as_date(
        concerns["answered_on"] if "answered_on" in concerns else pd.Series(pd.NaT, index=concerns.index)
    )
    status = (
        concerns["status"].astype("string").str.lower()
        if "status" in concerns
        else pd.Series(pd.NA, index=concerns.index, dtype="string")
    )
    return answered_on, answered_on.notna() | status.isin(ANSWERED).fillna(False)


def _days(concerns: pd.DataFrame, today: pd.Timestamp):
    raised = as_date(concerns["raised_on"])
    answered_on, answered = _answered(concerns)
    days = (answered_on - raised).dt.days.astype("float64")
    age = (today - raised).dt.days.astype("float64").where(~answered)
    return raised, answered, days, age


def _concerns(concerns: pd.DataFrame | None, today: pd.Timestamp):
    year_columns = ["raised", "addressed", "share", "low", "high", "n", "small", "median_days", "p75_days"]
    channel_columns = ["raised", "addressed", "share", "low", "high", "n", "small", "median_days"]
    if concerns is None or concerns.empty:
        return (
            pd.DataFrame(columns=year_columns).rename_axis("year"),
            pd.DataFrame(columns=channel_columns).rename_axis("channel"),
            pd.DataFrame(columns=["concerns", "share"]).rename_axis("band"),
            math.nan,
            math.nan,
        )
    raised, answered, days, age = _days(concerns, today)
    frame = pd.DataFrame(
        {
            "year": raised.dt.year,
            "answered": answered.astype(int).to_numpy(),
            "days": days,
            "channel": concerns["channel"].astype("object").fillna("unknown") if "channel" in concerns else "unknown",
        }
    )
    by_year = _concern_table(frame, "year")
    by_year["p75_days"] = frame.groupby("year")["days"].quantile(0.75).reindex(by_year.index)
    by_year.index = by_year.index.astype(int)
    by_channel = _concern_table(frame, "channel")
    answered_days = days[answered & days.notna()]
    counts = {label: int(((answered_days >= low) & (answered_days <= high)).sum()) for low, high, label in DAY_BANDS}
    counts["open"] = int((~answered).sum())
    bands = pd.DataFrame({"concerns": pd.Series(counts)})
    bands["share"] = bands["concerns"] / bands["concerns"].sum()
    bands.index.name = "band"
    median = float(answered_days.median()) if len(answered_days) else math.nan
    open_age = float(age.dropna().median()) if age.notna().any() else math.nan
    return by_year[year_columns], by_channel[channel_columns], bands, median, open_age


def _concern_shares(concerns: pd.DataFrame | None) -> pd.DataFrame:
    """year raised -> raised, addressed, share: the first columns of `_concerns`' table by year, counted
    over the codes of the year."""
    columns = ["raised", "addressed", "share"]
    if concerns is None or concerns.empty:
        return pd.DataFrame(columns=columns).rename_axis("year")
    year = as_date(concerns["raised_on"]).dt.year.to_numpy(dtype="float64")
    answered = _answered(concerns)[1].to_numpy(dtype=bool)
    known = ~np.isnan(year)
    years, at = np.unique(year[known], return_inverse=True)
    raised = np.bincount(at, minlength=len(years))
    addressed = np.bincount(at[answered[known]], minlength=len(years))
    return pd.DataFrame(
        {"raised": raised.astype("int64"), "addressed": addressed.astype("int64"), "share": addressed / raised},
        index=pd.Index(years.astype("int64"), name="year"),
    )


def _concern_table(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    grouped = frame.groupby(key)
    table = pd.DataFrame({"raised": grouped.size(), "addressed": grouped["answered"].sum()})
    table = pd.concat([table, count_share(table["addressed"], table["raised"])], axis=1)
    table["median_days"] = grouped["days"].median()
    return table


def _concern_addressed(survey: pd.DataFrame | None, weights: Weights) -> pd.DataFrame:
    """Among respondents who say they raised a concern, the share saying it was (fully or partly) addressed."""
    columns = ["estimate", "low", "high", "n", "small"]
    if survey is None or survey.empty or "concern_addressed" not in survey or "year" not in survey:
        return pd.DataFrame(columns=columns).rename_axis("year")
    answer = survey["concern_addressed"].astype("object")
    value = pd.Series(np.where(answer.isna(), np.nan, answer.isin(ADDRESSED).astype(float)), index=survey.index)
    if "raised_concern" in survey:
        value = value.where(survey["raised_concern"].astype("object") == "yes")
    rows = {}
    for year in sorted(survey["year"].dropna().unique()):
        mask = (survey["year"] == year).to_numpy()
        estimate = proportion(value[mask], weights_for(survey[mask], weights))
        rows[int(year)] = {key: getattr(estimate, key) for key in columns}
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("year")


def headline(result: Communication, year: int | None = None) -> Headline:
    """Share of concerns answered (by year raised); with no concern records, the survey response rate."""
    if result.headline_series.dropna().empty and len(result.surveys):
        return trend("communication", "survey_response_rate", result.surveys["response_rate"], unit="share", year=year)
    return trend("communication", "concerns_addressed_share", result.headline_series, unit="share", year=year)
