"""Two-way communication: surveys and response rates, concerns answered and how fast, calls for input."""

from __future__ import annotations

from flask_babel import gettext as _

from presentation.builder import Builder, as_count, share_rows
from presentation.model import Figure, Row, Section, Table


def section(builder: Builder) -> Section:
    result = builder.results("communication")
    section = builder.section("communication", result)
    if len(result.surveys):
        section.tables.append(_surveys(builder, result.surveys))
    if len(result.concerns):
        section.figures.append(_concerns(builder, result.concerns))
    if len(result.time_to_answer):
        section.tables.append(_time_to_answer(builder, result.time_to_answer))
    if len(result.calls):
        section.tables.append(_calls(builder, result.calls))
    return section


def _surveys(builder: Builder, surveys) -> Table:
    lab = builder.lab
    return Table(
        _("Surveys and response rates by year"),
        [
            _("Year"),
            _("Waves"),
            _("Responses"),
            _("Invited"),
            _("Invitations answered"),
            _("Response rate"),
        ],
        [
            Row(
                [
                    str(y),
                    lab.number(r["waves"]),
                    lab.number(r["responses"]),
                    lab.number(r["invited"]),
                    lab.number(r["invitations_answered"]),
                    lab.percent(r["response_rate"]),
                ],
                counts=_counts({2: r["responses"], 3: r["invited"], 4: r["invitations_answered"]}),
            )
            for y, r in surveys.iterrows()
        ],
        rests_on={5: (3, 4)},
    )


def _concerns(builder: Builder, concerns) -> Figure:
    lab = builder.lab
    rows = share_rows(concerns, lambda r: str(r.name), "share")  # indexed by the year raised
    title = _("Concerns answered, by year raised")
    table = Table(
        title,
        [
            _("Year"),
            _("Raised"),
            _("Answered"),
            _("Share (%(level)s interval)", level=lab.level),
            _("Median days to answer"),
        ],
        [
            Row(
                [
                    str(y),
                    lab.number(r["raised"]),
                    lab.number(r["addressed"]),
                    lab.share_with_interval(r["share"], r["low"], r["high"]),
                    lab.number(r["median_days"]),
                ],
                small=bool(r["small"]),
                counts=_counts({1: r["raised"], 2: r["addressed"]}),
            )
            for y, r in concerns.iterrows()
        ],
        rests_on={3: (1, 2), 4: (2,)},
    )
    return Figure(title, builder.charts.shares(title, rows), table)


def _time_to_answer(builder: Builder, time_to_answer) -> Table:
    bands = {
        "0-7": _("0–7 days"),
        "8-30": _("8–30 days"),
        "31-90": _("31–90 days"),
        "over_90": _("More than 90 days"),
        "open": _("Still open"),
    }
    return Table(
        _("Time to answer concerns"),
        [_("Time"), _("Concerns"), _("Share")],
        [
            Row(
                [str(bands.get(b, b)), builder.lab.number(r["concerns"]), builder.lab.percent(r["share"])],
                counts=_counts({1: r["concerns"]}),
            )
            for b, r in time_to_answer.iterrows()
        ],
        rests_on={2: (1,)},
    )


def _calls(builder: Builder, calls) -> Table:
    lab = builder.lab
    return Table(
        _("Calls for input by year opened"),
        [_("Year"), _("Calls"), _("Responses"), _("Median responses per call")],
        [
            Row(
                [
                    str(y),
                    lab.number(r["calls"]),
                    lab.number(r["responses"]),
                    lab.number(r["median_responses"]),
                ],
                counts=_counts({2: r["responses"]}),
            )
            for y, r in calls.iterrows()
        ],
        rests_on={3: (2,)},
    )


def _counts(cells: dict) -> dict[int, int]:
    return {column: value for column, value in ((c, as_count(v)) for c, v in cells.items()) if value is not None}
