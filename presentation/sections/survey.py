"""The survey-results section: response rates, who answered, and the key questions with intervals.

Estimates come from `analysis.survey_results.wave_results`, one wave at a time, in the raked
design the builder made (calibrated variances; a filtered view is a domain of the whole wave);
with several waves each figure compares them side by side.
Free-text answers are never shown.
"""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from analysis.response_rates import response_rates
from analysis.survey_results import base_of, wave_results
from presentation.builder import Builder, as_count, numerator
from presentation.model import Figure, Row, Section, Table
from presentation.sections.survey_change import change as wave_over_wave
from presentation.weights import raked_domain

RESPONDENT_BREAKDOWNS = ("regional_group", "category", "gender", "language")
KEY_TYPES = ("select_one", "select_multiple")


def survey_section(builder: Builder) -> Section:
    section = Section("survey", _("Survey results"))
    _response_rates(section, builder)
    _who_answered(section, builder)
    _key_questions(section, builder)
    section.notes.append(
        _(
            "Shares are weighted; n is the number of respondents who answered. Rows in grey rest on "
            "fewer than 10 respondents."
        )
    )
    return section


# --- response rates of invited respondents -------------------------------------------------------


def _response_rates(section: Section, builder: Builder) -> None:
    lab, data = builder.lab, builder.data
    names = [w.name for w in data.waves]
    invitations = data.invitations
    if len(invitations):
        invitations = invitations[invitations["wave"].astype(str).isin(names)]
    rates = response_rates(invitations if len(invitations) else None)
    respondents = data.survey
    counts = respondents.groupby("wave", observed=True).size() if len(respondents) else pd.Series(dtype="int64")
    overall_rows = []
    for wave in data.waves:
        rate = rates.overall.loc[wave.name] if wave.name in rates.overall.index else None
        overall_rows.append(
            Row(
                [
                    wave.name,
                    lab.number(int(counts.get(wave.name, 0))),
                    lab.number(rate["invited"]) if rate is not None else "–",
                    lab.number(rate["responded"]) if rate is not None else "–",
                    lab.share_with_interval(rate["share"], rate["low"], rate["high"]) if rate is not None else "–",
                ],
                counts={
                    1: int(counts.get(wave.name, 0)),
                    **(
                        {2: as_count(rate["invited"]) or 0, 3: as_count(rate["responded"]) or 0}
                        if rate is not None
                        else {}
                    ),
                },
            )
        )
    section.tables.append(
        Table(
            _("Responses and response rates"),
            [
                _("Wave"),
                _("Responses"),
                _("Invited"),
                _("Invitations answered"),
                _("Response rate (%(level)s interval)", level=lab.level),
            ],
            overall_rows,
            _("Open-link respondents count in responses but not in response rates."),
            rests_on={4: (2, 3)},
        )
    )
    by_region = rates.by_group[rates.by_group["breakdown"] == "regional_group"] if len(rates.by_group) else None
    if by_region is not None and len(by_region):
        section.figures.append(_rates_by_region(builder, by_region))


def _rates_by_region(builder: Builder, by_region: pd.DataFrame) -> Figure:
    lab = builder.lab
    rows = [
        {
            "label": lab.code("regional_group", r["group"]),
            "series": str(r["wave"]),
            "estimate": r["share"],
            "low": r["low"],
            "high": r["high"],
            "n": r["n"],
            "small": bool(r["small"]),
        }
        for _i, r in by_region.iterrows()
    ]
    title = _("Response rate by regional group")
    table = Table(
        title,
        [
            _("Wave"),
            lab.dimension("regional_group"),
            _("Invited"),
            _("Share (%(level)s interval)", level=lab.level),
        ],
        [
            Row(
                [
                    str(r["wave"]),
                    lab.code("regional_group", r["group"]),
                    lab.number(r["invited"]),
                    lab.share_with_interval(r["share"], r["low"], r["high"]),
                ],
                small=bool(r["small"]),
                counts={2: as_count(r["invited"]) or 0},
            )
            for _i, r in by_region.iterrows()
        ],
        text_columns=2,
        rests_on={3: (2,)},
    )
    return Figure(title, builder.charts.shares(title, rows, series_key="series"), table)


# --- who answered ------------------------------------------------------------------------------------


def _who_answered(section: Section, builder: Builder) -> None:
    lab, respondents = builder.lab, builder.data.survey
    names = [w.name for w in builder.data.waves]
    for dimension in RESPONDENT_BREAKDOWNS:
        if dimension not in respondents or not len(respondents):
            continue
        values = respondents[dimension].astype(object).where(respondents[dimension].notna(), "unknown")
        table = pd.crosstab(values, respondents["wave"].astype(str))
        table = table.reindex(columns=[n for n in names if n in table.columns])
        shares = table / table.sum()
        title = _("Respondents by %(dimension)s", dimension=lab.dimension_in_sentence(dimension))
        columns = [lab.dimension(dimension)]
        for name in table.columns:
            columns += [_("%(wave)s: respondents", wave=name), _("%(wave)s: share", wave=name)]
        rows = [
            Row(
                [lab.code(dimension, code)]
                + [
                    cell
                    for name in table.columns
                    for cell in (lab.number(table.loc[code, name]), lab.percent(shares.loc[code, name]))
                ],
                counts={1 + 2 * i: int(table.loc[code, name]) for i, name in enumerate(table.columns)},
            )
            for code in table.index
        ]
        data_table = Table(title, columns, rows, rests_on={2 + 2 * i: (1 + 2 * i,) for i in range(len(table.columns))})
        if dimension == "regional_group":
            series = {name: [int(v) for v in table[name]] for name in table.columns}
            figure = builder.charts.counts(title, [lab.code(dimension, c) for c in table.index], series, stacked=False)
            section.figures.append(Figure(title, figure, data_table))
        else:
            section.tables.append(data_table)


# --- key questions, weighted, wave by wave ---------------------------------------------------------


class _Questions:
    """The key questions of the catalog and their labels in the builder's language."""

    def __init__(self, builder: Builder):
        self.lab = builder.lab
        catalog = builder.data.catalog
        self.catalog = catalog.set_index("name") if len(catalog) else catalog
        # Missing catalog values come back as NaN, which is truthy: test for strings.
        askable = [
            name
            for name, row in self.catalog.iterrows()
            if row["type"] in KEY_TYPES
            and not (pd.notna(row["pii"]) and bool(row["pii"]))
            and not isinstance(row["profile"], str)
        ]
        self.keyed = [name for name in askable if isinstance(self.catalog.loc[name, "indicator"], str)] or askable
        self.label = {name: self.lab.text(self.catalog.loc[name, "labels"], name) for name in self.keyed}

    def choice_label(self, question, choice):
        if question not in self.catalog.index:
            return choice
        return self.lab.text(self.catalog.loc[question, "choices"].get(choice), choice)


def _design(builder: Builder, wave, frame: pd.DataFrame) -> tuple[pd.DataFrame, object]:
    """`frame` and what weighs it: the wave's raked design (`frame` reindexed as a domain of it,
    the builder's history being possibly filtered), so that intervals and tests are calibrated;
    the weight column as fixed weights when no design is at hand; None when unweighted."""
    if not frame["weight"].notna().any():
        return frame, None
    domain, design = raked_domain(frame, builder.weighting.get(wave.id))
    return (domain, design) if design is not None else (frame, "weight")


def _key_questions(section: Section, builder: Builder) -> None:
    results, inputs = {}, {}
    for wave in builder.data.waves:
        frame = builder.survey[builder.survey["wave_id"] == wave.id].reset_index(drop=True)
        frame, weights = _design(builder, wave, frame)
        inputs[wave.name] = (frame, weights)
        results[wave.name] = wave_results(frame, builder.data.catalog, weights=weights)
    questions = _Questions(builder)
    compare = len(builder.data.waves) > 1
    _likert(section, builder, results, questions, compare)
    for question in questions.keyed:
        _question(section, builder, results, question, questions)
    if compare:
        wave_over_wave(section, builder, results, inputs, questions)


def _likert(section: Section, builder: Builder, results: dict, questions: _Questions, compare: bool) -> None:
    likert_questions = []
    for result in results.values():
        for question in result.likert["question"].unique() if len(result.likert) else ():
            if question in questions.keyed and question not in likert_questions:
                likert_questions.append(question)
    if not likert_questions:
        return
    table = _likert_table(builder, results, likert_questions, questions, compare)
    latest_name, latest = list(results.items())[-1]
    levels = latest.likert_levels
    levels = levels[(levels["by"] == "all") & levels["question"].isin(likert_questions)] if len(levels) else levels
    if not len(levels):
        section.tables.append(table)
        return
    by_list: dict[tuple, list[str]] = {}
    for question in likert_questions:
        own = levels[levels["question"] == question].sort_values("position")
        if len(own):
            by_list.setdefault(tuple(own["level"]), []).append(question)
    first = True
    for scale, members in by_list.items():
        shares = []
        ns = []
        for question in members:
            own = levels[levels["question"] == question].sort_values("position")
            shares.append([float(v) for v in own["share"]])
            ns.append(int(own["count"].sum()))
        chart_title = _("Distribution of answers (%(wave)s)", wave=latest_name)
        figure = builder.charts.likert(
            chart_title,
            [questions.label[q] for q in members],
            [questions.choice_label(members[0], level) for level in scale],
            shares,
            ns,
        )
        section.figures.append(Figure(chart_title, figure, table if first else None, bases=tuple(ns)))
        first = False


def _likert_table(builder: Builder, results: dict, likert_questions: list, questions: _Questions, compare) -> Table:
    lab = builder.lab
    columns = [_("Question")]
    for name in results:
        columns += [
            _("%(wave)s: agree (%(level)s interval)", wave=name, level=lab.level)
            if compare
            else _("Top two (%(level)s interval)", level=lab.level),
            _("n"),
        ]
    rows = []
    for question in likert_questions:
        cells, small, counts = [questions.label[question]], False, {}
        for result in results.values():
            match = result.likert[(result.likert["question"] == question) & (result.likert["by"] == "all")]
            if len(match):
                r = match.iloc[0]
                cells += [
                    lab.share_with_interval(r["top_two"], r["top_two_low"], r["top_two_high"]),
                    lab.number(r["n"]),
                ]
                counts[len(cells) - 1] = as_count(r["n"]) or 0
                small = small or bool(r["small"])
            else:
                cells += ["–", "–"]
        rows.append(Row(cells, small=small, counts=counts))
    title = _("Agreement items: share in the two most favourable levels")
    return Table(
        title,
        columns,
        rows,
        _("Answers such as “don't know” are kept outside the scale."),
        rests_on={1 + 2 * i: (2 + 2 * i,) for i in range(len(results))},
    )


def _question(section: Section, builder: Builder, results: dict, question: str, questions: _Questions) -> None:
    """A non-Likert key question: each choice's share, per wave, with its interval."""
    lab, label = builder.lab, questions.label[question]
    rows = []
    for name, result in results.items():
        if question in set(result.likert["question"]) if len(result.likert) else False:
            return
        shares = result.shares
        own = shares[(shares["question"] == question) & (shares["by"] == "all")] if len(shares) else shares
        for _i, r in own.iterrows():
            rows.append(
                {
                    "label": questions.choice_label(question, r["choice"]),
                    "series": name,
                    "estimate": r["estimate"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "count": r.get("count"),
                    "small": bool(r["small"]),
                }
            )
    if not rows:
        return
    bases = [base_of(result, question) for result in results.values()]
    table = Table(
        label,
        [_("Wave"), _("Answer"), _("Share (%(level)s interval)", level=lab.level), _("n")],
        [
            Row(
                [
                    r["series"],
                    r["label"],
                    lab.share_with_interval(r["estimate"], r["low"], r["high"]),
                    lab.number(r["n"]),
                ],
                small=r["small"],
                base=as_count(r["n"]),
                counts=numerator(r["estimate"], r["n"], r["count"], column=2),
            )
            for r in rows
        ],
        lab.bases(bases),
        text_columns=2,
    )
    series_key = "series" if len(results) > 1 else None
    section.figures.append(Figure(label, builder.charts.shares(label, rows, series_key=series_key), table))
