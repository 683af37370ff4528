"""Frames in, report context out: sections of headline cards, tables and figures, all in one language.

Pure apart from translation: no session, no request. Call inside `flask_babel.force_locale(lang)`.
Indicator groups are computed twice where it matters: over every wave up to the report's latest
year (for the headline trend) and over the waves the report is about (for the tables).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis import indicators
from analysis.indicators import capacity, commitment, communication, diversity, impact, participation
from analysis.weighting import RakingError
from reports.charts import Charts
from reports.data import ReportData
from reports.labels import Labeller

GROUP_TITLES = {
    "commitment": _l("Stakeholder commitment"),
    "capacity": _l("Capacity to address challenges"),
    "participation": _l("Level of participation"),
    "diversity": _l("Diversity"),
    "impact": _l("Evidence of outputs and impact"),
    "communication": _l("Two-way communication"),
}
MEASURES = {
    "clarity_top_two": _l("Respondents who find it clear how to engage"),
    "evidence_completeness": _l("Completeness of the evidence register"),
    "any_barrier_share": _l("Respondents naming at least one barrier"),
    "people_taking_part": _l("Stakeholders taking part"),
    "regional_evenness": _l("Evenness across the five regional groups"),
    "impact_records_published": _l("Impact records published"),
    "concerns_addressed_share": _l("Concerns raised that were answered"),
    "survey_response_rate": _l("Survey response rate"),
}
STATUSES = {
    "improving": (_l("Improving"), "▲"),
    "stable": (_l("Stable"), "●"),
    "worsening": (_l("Worsening"), "▼"),
    "new": (_l("First year"), "○"),
    "no_data": (_l("No data"), "–"),
}
CAVEATS = {
    "commitment": (
        _l("The register records that a document exists, not its quality."),
        _l("Group figures use only that group's respondents."),
    ),
    "capacity": (_l("The survey reaches people who already engage; the hardest to reach are under-counted."),),
    "participation": (
        _l("Profiles are as the registry holds them today, not as they were at the time."),
        _l("Organisations count in the records but not among people."),
        _l("Review comments are only as complete as their entry."),
    ),
    "diversity": (
        _l("The reference for regional groups is their share of UN member states, a stated reference, not a target."),
        _l("Respondents are counted unweighted: weights raked to the registry would hide the difference by design."),
    ),
    "impact": (
        _l(
            "Impact records are self-reported and moderated, not verified: counts reflect reporting "
            "effort as much as impact."
        ),
    ),
    "communication": (
        _l("The latest year's share of concerns answered is provisional: recent concerns have had less time."),
        _l("Open-link respondents have no invitation and are not in response rates."),
    ),
}
RAKE_ON = ("regional_group", "category", "gender")
BREAKDOWNS = ("regional_group", "category", "gender", "language")


@dataclass
class Row:
    cells: list[str]
    small: bool = False  # fewer than 10 respondents behind the figure: printed in grey
    flagged: bool = False  # e.g. an under-represented group


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[Row]
    note: str = ""
    text_columns: int = 1  # leading columns of words; the rest are numbers, aligned to the end


@dataclass
class Figure:
    title: str
    html: object
    table: Table | None = None


@dataclass
class Card:
    group: str
    title: str
    measure: str
    value: str
    year: str
    change: str
    status: str
    status_label: str
    symbol: str


@dataclass
class Section:
    id: str
    title: str
    card: Card | None = None
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Builder:
    """The report's sections, one method per indicator group.

    `weighted` is the history already weighted (a `weight` column per wave) with each wave's
    raking result; the dashboard passes the one it keeps cached, so a filter change does not
    rake again (a filtered view is then a domain estimate with the full sample's weights).
    """

    def __init__(
        self,
        data: ReportData,
        lang: str,
        *,
        as_figures: bool = False,
        weighted: tuple[pd.DataFrame, dict] | None = None,
        results: dict | None = None,
    ):
        self.data = data
        self.lab = Labeller(lang)
        self.charts = Charts(self.lab, as_figures=as_figures)
        self.year = max(w.year for w in data.waves)
        latest = data.waves[-1].id
        self.current = data.survey[data.survey["wave_id"] == latest].reset_index(drop=True)
        self.registry = current_registry(data.registry)
        self.margins = registry_margins(self.registry)
        self.weighting: dict[int, object] = {}
        self._results = results if results is not None else {}
        if weighted is None:
            self.history = self._weighted(data.history)
        else:
            self.history, self.weighting = weighted
        self.survey = self.history[self.history["wave_id"].isin([w.id for w in data.waves])].reset_index(drop=True)
        self.current_weighted = self.history[self.history["wave_id"] == latest].reset_index(drop=True)

    # --- indicator results -----------------------------------------------------------------
    def results(self, group: str, *, current: bool = False):
        """A group's result over the history (its trend) or over the latest wave only, computed once.

        The store may be shared (the dashboard keeps one per selection, whatever the language)."""
        key = (group, current)
        if key not in self._results:
            self._results[key] = self._compute(group, current)
        return self._results[key]

    def _compute(self, group: str, current: bool):
        data = self.data
        frame = self.current_weighted if current else self.history
        if group == "commitment":
            return commitment.commitment(data.evidence, frame, weights="weight")
        if group == "capacity":
            return capacity.capacity(frame, data.actions, weights="weight")
        if group == "participation":
            return participation.participation(data.participation, self.registry)
        if group == "diversity":
            return diversity.diversity(
                self.registry,
                data.participation,
                self.current if current else self.history,
                member_states=data.member_states,
            )
        if group == "impact":
            return impact.impact(data.impact, frame, weights="weight")
        if group == "communication":
            return communication.communication(
                data.calls, data.invitations, self.history, data.concerns, weights="weight"
            )
        raise KeyError(group)

    # --- weights ---------------------------------------------------------------------------
    def _weighted(self, frame: pd.DataFrame) -> pd.DataFrame:
        weighted, self.weighting = weigh_waves(frame, self.margins)
        return weighted

    # --- cards -----------------------------------------------------------------------------
    def card(self, group: str, result) -> Card:
        lab = self.lab
        head = indicators.headline(result, self.year)
        status_label, symbol = STATUSES.get(head.status, (head.status, ""))
        value = self._value(head.value, head.unit)
        if math.isnan(head.change):
            change = _("No earlier figure")
        elif head.unit == "share":
            change = _(
                "%(change)s percentage points since %(year)s",
                change=_signed(lab.number(head.change * 100, 1), head.change),
                year=head.previous_year,
            )
        else:
            change = _(
                "%(change)s since %(year)s",
                change=_signed(self._value(head.change, head.unit), head.change),
                year=head.previous_year,
            )
        return Card(
            group,
            str(GROUP_TITLES[group]),
            str(MEASURES.get(head.measure, head.measure)),
            value,
            str(head.year) if head.year else "",
            change,
            head.status,
            str(status_label),
            symbol,
        )

    def _value(self, value, unit) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if unit == "share":
            return self.lab.percent(value)
        if unit == "count":
            return self.lab.number(value)
        return self.lab.number(value, 2)

    # --- helpers ---------------------------------------------------------------------------
    def share_rows(
        self, table: pd.DataFrame, dimension: str, label_column: str = "group", estimate: str = "estimate"
    ) -> list[dict]:
        rows = []
        for _index, row in table.iterrows():
            rows.append(
                {
                    "label": self.lab.code(dimension, row[label_column]),
                    "estimate": row[estimate],
                    "low": row["low"],
                    "high": row["high"],
                    "n": row["n"],
                    "small": bool(row.get("small")),
                }
            )
        return rows

    def share_table(self, title: str, rows: list[dict], first: str) -> Table:
        lab = self.lab
        return Table(
            title,
            [first, _("Share (%(level)s interval)", level=lab.level), _("n")],
            [
                Row(
                    [r["label"], lab.share_with_interval(r["estimate"], r["low"], r["high"]), lab.number(r["n"])],
                    small=r["small"],
                )
                for r in rows
            ],
        )

    def section(self, group: str, result) -> Section:
        return Section(
            group, str(GROUP_TITLES[group]), self.card(group, result), caveats=[str(c) for c in CAVEATS[group]]
        )

    # --- the six groups --------------------------------------------------------------------
    def commitment(self) -> Section:
        lab = self.lab
        trend, now = self.results("commitment"), self.results("commitment", current=True)
        section = self.section("commitment", trend)
        kinds = [
            Row(
                [
                    lab.code("kind", kind),
                    lab.number(row["documents"]),
                    lab.date(row["latest_date"].date()) if pd.notna(row["latest_date"]) else "–",
                    lab.number(row["all_languages"]),
                ],
                flagged=bool(row["required"] and row["documents"] == 0),
            )
            for kind, row in now.kinds.iterrows()
        ]
        section.tables.append(
            Table(
                _("Evidence register"),
                [_("Kind of document"), _("Documents"), _("Latest"), _("In all six languages")],
                kinds,
                _("Register completeness: %(share)s.", share=lab.percent(now.completeness)),
            )
        )
        clarity = now.clarity.reset_index()
        if len(clarity):
            rows = [
                {
                    "label": lab.code("regional_group", r["group"]),
                    "estimate": r["top_two"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "small": bool(r["small"]),
                }
                for _i, r in clarity.iterrows()
            ]
            title = _(
                "Agree that it is clear how to engage, by regional group (%(wave)s)", wave=self.data.waves[-1].name
            )
            section.figures.append(
                Figure(
                    title,
                    self.charts.shares(title, rows),
                    self.share_table(title, rows, lab.dimension("regional_group")),
                )
            )
        if len(trend.clarity_by_year):
            section.tables.append(
                self._by_year_share(
                    _("Agree that it is clear how to engage, by year"), trend.clarity_by_year, "top_two"
                )
            )
        return section

    def _by_year_share(self, title: str, table: pd.DataFrame, estimate: str = "estimate") -> Table:
        lab = self.lab
        return Table(
            title,
            [_("Year"), _("Share (%(level)s interval)", level=lab.level), _("n")],
            [
                Row(
                    [str(year), lab.share_with_interval(r[estimate], r["low"], r["high"]), lab.number(r["n"])],
                    small=bool(r["small"]),
                )
                for year, r in table.iterrows()
                if r["n"]
            ],
        )

    def capacity(self) -> Section:
        lab = self.lab
        trend, now = self.results("capacity"), self.results("capacity", current=True)
        section = self.section("capacity", trend)
        labels = self._choice_labels("barriers")
        if len(now.barriers):
            rows = [
                {
                    "label": labels.get(r["choice"]) or lab.code("barrier", r["choice"]),
                    "estimate": r["estimate"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "small": bool(r["small"]),
                }
                for _i, r in now.barriers.iterrows()
            ]
            title = _("Barriers to engaging named by respondents (%(wave)s)", wave=self.data.waves[-1].name)
            section.figures.append(
                Figure(title, self.charts.shares(title, rows), self.share_table(title, rows, _("Barrier")))
            )
        if len(now.top):
            section.tables.append(
                Table(
                    _("The most-cited barriers and the steps planned"),
                    [_("Barrier"), _("Share"), _("Planned steps"), _("Open"), _("Overdue"), _("Has a step")],
                    [
                        Row(
                            [
                                labels.get(r["choice"]) or lab.code("barrier", r["choice"]),
                                lab.percent(r["estimate"]),
                                lab.number(r["actions"]),
                                lab.number(r["open"]),
                                lab.number(r["overdue"]),
                                _("Yes") if r["has_action"] else _("No"),
                            ],
                            flagged=not r["has_action"],
                        )
                        for _i, r in now.top.iterrows()
                    ],
                    _(
                        "Covered: %(share)s of the most-cited barriers have a planned step.",
                        share=lab.percent(now.top_covered_share),
                    ),
                )
            )
        if len(trend.any_barrier):
            section.tables.append(
                self._by_year_share(_("Respondents naming at least one barrier, by year"), trend.any_barrier)
            )
        return section

    def participation(self) -> Section:
        lab = self.lab
        result = self.results("participation")
        section = self.section("participation", result)
        names = {
            "nominations": _("Nominations"),
            "selected_experts": _("Selected experts"),
            "fellows": _("Fellows"),
            "reviewers": _("Reviewers"),
            "review_comments": _("Review comments"),
            "participants": _("Participants"),
            "inputs": _("Inputs submitted"),
            "people": _("People"),
        }
        by_year = result.by_year
        if len(by_year):
            columns = [c for c in names if c in by_year.columns]
            section.tables.append(
                Table(
                    _("Participation by year"),
                    [_("Year")] + [names[c] for c in columns],
                    [Row([str(year)] + [lab.number(row[c]) for c in columns]) for year, row in by_year.iterrows()],
                )
            )
        summary = result.summary
        if len(summary):
            pivot = summary.groupby(["year", "activity_type"])["records"].sum().unstack(fill_value=0).sort_index()
            series = {lab.code("activity_type", a): [int(v) for v in pivot[a]] for a in pivot.columns}
            title = _("Participation records by year and type of activity")
            table = Table(
                title,
                [_("Year")] + list(series),
                [Row([str(y)] + [lab.number(v) for v in pivot.loc[y]]) for y in pivot.index],
            )
            section.figures.append(
                Figure(title, self.charts.counts(title, [str(y) for y in pivot.index], series), table)
            )
        per = result.per_registered.reset_index()
        if len(per):
            rows = [
                {
                    "label": lab.code("regional_group", r["regional_group"]),
                    "estimate": r["share"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "small": bool(r["small"]),
                }
                for _i, r in per.iterrows()
            ]
            title = _("Registered stakeholders who took part, by regional group")
            section.figures.append(
                Figure(
                    title,
                    self.charts.shares(title, rows),
                    self.share_table(title, rows, lab.dimension("regional_group")),
                )
            )
        selection = result.selection_by_group
        if len(selection):
            section.tables.append(
                Table(
                    _("Selection rates from nominations"),
                    [
                        _("Breakdown"),
                        _("Group"),
                        _("Nominated"),
                        _("Selected"),
                        _("Share (%(level)s interval)", level=lab.level),
                    ],
                    [
                        Row(
                            [
                                lab.dimension(r["breakdown"]),
                                lab.code(r["breakdown"], r["group"]),
                                lab.number(r["nominated"]),
                                lab.number(r["selected"]),
                                lab.share_with_interval(r["share"], r["low"], r["high"]),
                            ],
                            small=bool(r["small"]),
                        )
                        for _i, r in selection.iterrows()
                    ],
                    text_columns=2,
                )
            )
        return section

    def diversity(self) -> Section:
        lab = self.lab
        trend, now = self.results("diversity"), self.results("diversity", current=True)
        section = self.section("diversity", trend)
        table = now.representation
        for dimension in ("regional_group", "gender"):
            rows_frame = table[table["dimension"] == dimension]
            if not len(rows_frame):
                continue
            rows = [
                {
                    "label": lab.code(dimension, r["group"]),
                    "series": lab.population(r["population"]),
                    "ratio": r["ratio"],
                    "ratio_low": r["ratio_low"],
                    "ratio_high": r["ratio_high"],
                    "n": r["n"],
                }
                for _i, r in rows_frame.iterrows()
            ]
            reference = _("member-state share") if dimension == "regional_group" else _("parity")
            title = _(
                "Representation ratio by %(dimension)s (1 = %(reference)s)",
                dimension=lab.dimension_in_sentence(dimension),
                reference=reference,
            )
            data_table = Table(
                title,
                [
                    _("Population"),
                    lab.dimension(dimension),
                    _("n"),
                    _("Share"),
                    _("Reference"),
                    _("Ratio (%(level)s interval)", level=lab.level),
                    _("Under-represented"),
                ],
                [
                    Row(
                        [
                            lab.population(r["population"]),
                            lab.code(dimension, r["group"]),
                            lab.number(r["n"]),
                            lab.percent(r["share"]),
                            lab.percent(r["reference"]),
                            lab.ratio_with_interval(r["ratio"], r["ratio_low"], r["ratio_high"]),
                            _("Yes") if r["under_represented"] else "",
                        ],
                        small=bool(r["small"]),
                        flagged=bool(r["under_represented"]),
                    )
                    for _i, r in rows_frame.iterrows()
                ],
                text_columns=2,
            )
            section.figures.append(Figure(title, self.charts.ratios(title, rows, reference), data_table))
        indices = now.indices[now.indices["dimension"].isin(["regional_group", "gender", "category", "country"])]
        if len(indices):
            section.tables.append(
                Table(
                    _("Diversity indices"),
                    [_("Population"), _("Dimension"), _("Shannon index"), _("Evenness"), _("Gini-Simpson index")],
                    [
                        Row(
                            [
                                lab.population(r["population"]),
                                lab.dimension(r["dimension"]),
                                lab.number(r["shannon"], 2),
                                lab.number(r["evenness"], 2),
                                lab.number(r["simpson"], 2),
                            ]
                        )
                        for _i, r in indices.iterrows()
                    ],
                    text_columns=2,
                )
            )
        section.notes.append(
            _("A group is flagged under-represented when its ratio is below 0.8 and the whole interval lies below 1.")
        )
        return section

    def impact(self) -> Section:
        lab = self.lab
        trend, now = self.results("impact"), self.results("impact", current=True)
        section = self.section("impact", trend)
        counts = trend.counts[trend.counts["dimension"] == "type"].dropna(subset=["year"])
        if len(counts):
            pivot = counts.pivot_table(index="year", columns="group", values="records", aggfunc="sum", fill_value=0)
            pivot = pivot.sort_index()
            series = {lab.code("type", c): [int(v) for v in pivot[c]] for c in pivot.columns}
            title = _("Impact records published, by year and type")
            table = Table(
                title,
                [_("Year")] + list(series),
                [Row([str(int(y))] + [lab.number(v) for v in pivot.loc[y]]) for y in pivot.index],
            )
            section.figures.append(
                Figure(title, self.charts.counts(title, [str(int(y)) for y in pivot.index], series), table)
            )
        totals = trend.totals[trend.totals["dimension"].isin(["scale", "regional_group"])]
        if len(totals):
            section.tables.append(
                Table(
                    _("Published impact records by scale and region"),
                    [_("Dimension"), _("Group"), _("Records")],
                    [
                        Row(
                            [
                                lab.dimension(r["dimension"]),
                                lab.code(r["dimension"], r["group"]),
                                lab.number(r["records"]),
                            ]
                        )
                        for _i, r in totals.iterrows()
                    ],
                    _(
                        "%(published)s published, %(pending)s awaiting moderation.",
                        published=lab.number(trend.published),
                        pending=lab.number(trend.pending),
                    ),
                    text_columns=2,
                )
            )
        uses = now.uses[now.uses["question"] == "products_used"]
        if len(uses):
            labels = self._choice_labels("products_used")
            rows = [
                {
                    "label": labels.get(r["choice"], r["choice"]),
                    "estimate": r["estimate"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "small": bool(r["small"]),
                }
                for _i, r in uses.iterrows()
            ]
            title = _("IPBES products respondents used (%(wave)s)", wave=self.data.waves[-1].name)
            section.figures.append(
                Figure(title, self.charts.shares(title, rows), self.share_table(title, rows, _("Product")))
            )
        return section

    def communication(self) -> Section:
        lab = self.lab
        result = self.results("communication")
        section = self.section("communication", result)
        if len(result.surveys):
            section.tables.append(
                Table(
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
                            ]
                        )
                        for y, r in result.surveys.iterrows()
                    ],
                )
            )
        if len(result.concerns):
            rows = [
                {
                    "label": str(y),
                    "estimate": r["share"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                    "small": bool(r["small"]),
                }
                for y, r in result.concerns.iterrows()
            ]
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
                    )
                    for y, r in result.concerns.iterrows()
                ],
            )
            section.figures.append(Figure(title, self.charts.shares(title, rows), table))
        if len(result.time_to_answer):
            bands = {
                "0-7": _("0–7 days"),
                "8-30": _("8–30 days"),
                "31-90": _("31–90 days"),
                "over_90": _("More than 90 days"),
                "open": _("Still open"),
            }
            section.tables.append(
                Table(
                    _("Time to answer concerns"),
                    [_("Time"), _("Concerns"), _("Share")],
                    [
                        Row([str(bands.get(b, b)), lab.number(r["concerns"]), lab.percent(r["share"])])
                        for b, r in result.time_to_answer.iterrows()
                    ],
                )
            )
        if len(result.calls):
            section.tables.append(
                Table(
                    _("Calls for input by year opened"),
                    [_("Year"), _("Calls"), _("Responses"), _("Median responses per call")],
                    [
                        Row(
                            [
                                str(y),
                                lab.number(r["calls"]),
                                lab.number(r["responses"]),
                                lab.number(r["median_responses"]),
                            ]
                        )
                        for y, r in result.calls.iterrows()
                    ],
                )
            )
        return section

    def _choice_labels(self, question: str) -> dict[str, str]:
        catalog = self.data.catalog
        rows = catalog[catalog["name"] == question]
        if not len(rows):
            return {}
        return {name: self.lab.text(labels, name) for name, labels in rows.iloc[0]["choices"].items()}


def current_registry(registry: pd.DataFrame) -> pd.DataFrame:
    """Active records that were not erased: who the weights and ratios are measured against."""
    if len(registry) and {"is_active", "erased"} <= set(registry.columns):
        return registry[registry["is_active"] & ~registry["erased"]].reset_index(drop=True)
    return registry


def registry_margins(registry: pd.DataFrame) -> dict[str, pd.Series]:
    return {v: registry[v].astype(object).dropna().value_counts() for v in RAKE_ON if v in registry}


def weigh_waves(frame: pd.DataFrame, margins: dict) -> tuple[pd.DataFrame, dict]:
    """Each wave raked on its own to the registry's margins; unraked respondents weigh NaN.

    Returns the frame with a `weight` column and each wave's raking result (None when raking failed).
    """
    from analysis.survey_results import raking_weights

    frame = frame.copy()
    frame["weight"] = np.nan
    weighting: dict[int, object] = {}
    for wave_id, rows in frame.groupby("wave_id", observed=True):
        try:
            raked = raking_weights(rows, margins)
        except (RakingError, ValueError):
            raked = None
        weighting[int(wave_id)] = raked
        if raked is not None:
            frame.loc[rows.index, "weight"] = raked.weights.to_numpy()
    return frame, weighting


def _signed(text: str, value: float) -> str:
    return ("+" + text) if value > 0 else text


def build_report(data: ReportData, lang: str, *, today: date | None = None) -> dict:
    """The template context of the whole report."""
    from reports.survey_section import survey_section

    builder = Builder(data, lang)
    sections = [getattr(builder, group)() for group in indicators.GROUPS]
    lab = builder.lab
    return {
        "lang": lang,
        "dir": Locale.parse(lang).text_direction,
        "language_name": lab.code("language", lang),
        "title": _("Stakeholder engagement: report to the Plenary"),
        "waves": [{"name": w.name, "year": w.year, "instrument": w.instrument} for w in data.waves],
        "generated": lab.date(today or date.today()),
        "cards": [s.card for s in sections],
        "sections": sections,
        "survey": survey_section(builder),
        "methods": methods(builder),
    }


def methods(builder: Builder) -> list[str]:
    lab = builder.lab
    paragraphs = [
        _(
            "Survey estimates are design-based: each respondent is a unit, variances are linearised with the "
            "n/(n-1) factor, intervals for shares are logit intervals on n-1 degrees of freedom and intervals for "
            "means are t intervals, as R's survey package computes them (svymean, svyciprop)."
        ),
        _(
            "Weights rake each wave's respondents to the registry's counts by UN regional group, category and "
            "gender, with weights trimmed to 0.3–3 times the mean. Respondents with a missing profile value are "
            "left out of weighted estimates."
        ),
        _(
            "Shares of counts that are not samples (response rates, selection rates, concerns answered, "
            "representation) have Wilson score intervals."
        ),
        _(
            "Figures resting on fewer than 10 respondents are printed in grey and hatched in charts: read them "
            "with care."
        ),
        _(
            "A headline is improving or worsening when a share moves by more than 2 percentage points, or a count "
            "or index by more than 5%, since the previous year; otherwise it is stable. This is a display rule, "
            "not a significance test."
        ),
        _("The estimation code is checked against R's survey package on fixed datasets to 1e-6."),
    ]
    for wave in builder.data.waves:
        raked = builder.weighting.get(wave.id)
        if raked is None or raked.raking is None:
            paragraphs.append(_("%(wave)s: no weights could be computed; estimates are unweighted.", wave=wave.name))
            continue
        d = raked.raking.diagnostics
        paragraphs.append(
            _(
                "%(wave)s: %(n)s respondents weighted (%(dropped)s left out); design effect "
                "%(deff)s, effective sample size %(neff)s, weighting efficiency %(eff)s; raking "
                "%(converged)s.",
                wave=wave.name,
                n=lab.number(d.n),
                dropped=lab.number(raked.dropped),
                deff=lab.number(d.design_effect, 2),
                neff=lab.number(d.effective_n),
                eff=lab.percent(d.efficiency),
                converged=_("converged") if raked.raking.converged else _("did not converge"),
            )
        )
    return paragraphs
