"""Frames in, indicator results and headline cards out, all in one language.

Pure apart from translation: no session, no request. Call inside `flask_babel.force_locale(lang)`.
Indicator groups are computed twice where it matters: over every wave up to the latest year (for
the headline trend) and over the waves asked for (for the tables). `presentation.sections` turns
each group's results into its section.
"""

from __future__ import annotations

import math

import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis import indicators
from analysis.catalog import ANSWERED, with_shown_bases
from analysis.harmonise import aligned, top_two_trends
from analysis.indicators import capacity, commitment, communication, diversity, impact, participation
from analysis.weighting import RAKING_VARIABLES
from presentation.charts import Charts
from presentation.data import ReportData
from presentation.disclosure import chosen
from presentation.headline import MIN_BASE
from presentation.headline import base as headline_base
from presentation.labels import Labeller
from presentation.model import Card, Row, Section, Table
from presentation.weights import current_registry, raking_targets, wave_designs, weigh_waves

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


class Builder:
    """The indicator groups over one set of frames, with what their sections share.

    `weighted` is the history already weighted (a `weight` column per wave) with each wave's
    raking result; the dashboard passes the one it keeps cached, so a filter change does not
    rake again (a filtered view is then a domain estimate with the full sample's weights).

    `results` keeps the groups' results, `registry_results` the parts that read only the registry
    and the participation records (participation, the registry's diversity counts): the dashboard
    passes a store per selection and one per registry and filters, shared by every wave;
    `records_results` likewise the parts read from the engagement records alone: impact's counts of
    its records and commitment's of the evidence register (the dashboard keeps one store per records
    generation and the filters on the impact records; the evidence register has no filter).
    """

    def __init__(
        self,
        data: ReportData,
        lang: str,
        *,
        as_figures: bool = False,
        weighted: tuple[pd.DataFrame, dict] | None = None,
        results: dict | None = None,
        registry_results: dict | None = None,
        records_results: dict | None = None,
    ):
        self.data = data
        self.lab = Labeller(lang)
        self.charts = Charts(self.lab, as_figures=as_figures)
        self.year = max(w.year for w in data.waves)
        latest = data.waves[-1].id
        self.current = data.survey[data.survey["wave_id"] == latest].reset_index(drop=True)
        self.registry = current_registry(data.registry)
        # Each wave's raked design, for the indicator groups: on the raking variables the registry has.
        self.designs = wave_designs(dict.fromkeys(v for v in RAKING_VARIABLES if v in self.registry))
        self.weighting: dict[int, object] = {}
        self._results = results if results is not None else {}
        self._registry_results = registry_results if registry_results is not None else {}
        self._records_results = records_results if records_results is not None else {}
        if weighted is None:
            self.history, self.weighting = weigh_waves(data.history, raking_targets(self.registry))
        else:
            self.history, self.weighting = weighted
        # Multiple-choice shares on the base the instrument sets (of those shown the question, or who answered).
        self.history, self.bases = with_shown_bases(self.history, data.catalog)
        self.survey = self.history[self.history["wave_id"].isin([w.id for w in data.waves])].reset_index(drop=True)
        self.current_weighted = self.history[self.history["wave_id"] == latest].reset_index(drop=True)
        # Indicator trends read earlier waves in the latest wave's terms, through the concordance.
        self.trends = aligned(self.history, data.comparisons, latest)
        # Questions whose earlier waves enter a trend on their own scale's top-two box only.
        self.top_two_trends = top_two_trends(self.history, data.comparisons, latest)

    # --- indicator results -----------------------------------------------------------------
    def results(self, group: str, *, current: bool = False):
        """A group's result over the history (its trend) or over the latest wave only, computed once.

        The store may be shared (the dashboard keeps one per selection, whatever the language)."""
        key = (group, current)
        if key not in self._results:
            self._results[key] = self._compute(group, current)
        return self._results[key]

    def _of_registry(self, part: str, compute):
        """A part that reads only the registry and the participation records, computed once per store."""
        if part not in self._registry_results:
            self._registry_results[part] = compute()
        return self._registry_results[part]

    def _of_records(self, part: str, compute):
        """A part that reads only the engagement records, computed once per store."""
        if part not in self._records_results:
            self._records_results[part] = compute()
        return self._records_results[part]

    def _compute(self, group: str, current: bool):
        data = self.data
        frame = self.current_weighted if current else self.trends
        if group == "commitment":
            register = self._of_records("commitment", lambda: commitment.register_part(data.evidence))
            return commitment.commitment(data.evidence, frame, weights=self.designs, register=register)
        if group == "capacity":
            return capacity.capacity(frame, data.actions, weights=self.designs)
        if group == "participation":
            return self._of_registry(
                "participation", lambda: participation.participation(data.participation, self.registry)
            )
        if group == "diversity":
            counts = self._of_registry(
                "diversity",
                lambda: diversity.registry_counts(self.registry, data.participation, member_states=data.member_states),
            )
            return diversity.diversity(
                survey=self.current if current else self.trends, member_states=data.member_states, counts=counts
            )
        if group == "impact":
            counted = self._of_records("impact", lambda: impact.records_part(data.impact))
            return impact.impact(data.impact, frame, weights=self.designs, counted=counted)
        if group == "communication":
            return communication.communication(
                data.calls, data.invitations, self.trends, data.concerns, weights=self.designs
            )
        raise KeyError(group)

    # --- cards -----------------------------------------------------------------------------
    def card(self, group: str, result) -> Card:
        lab = self.lab
        head = indicators.headline(result, self.year)
        status_label, symbol = STATUSES.get(head.status, (head.status, ""))
        value = self._value(head.value, head.unit)
        n = headline_base(result, head.measure, head.year)
        previous = headline_base(result, head.measure, head.previous_year)
        small = any(b is not None and b < MIN_BASE for b in (n, previous if head.previous_year else None))
        if small and not math.isnan(head.change):
            # A direction read from a few dozen people is noise: the card says so instead.
            change = _("No trend shown: fewer than %(minimum)s behind this figure.", minimum=MIN_BASE)
            status, (status_label, symbol) = "small_base", (_("Small base"), "○")
            return self._card(group, head, value, change, status, status_label, symbol, n, small)
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
        return self._card(group, head, value, change, head.status, status_label, symbol, n, small)

    def _card(self, group, head, value, change, status, status_label, symbol, n, small) -> Card:
        if n is None:
            base = ""
        elif small:
            base = _("n = %(n)s: a small base (under %(minimum)s)", n=self.lab.number(n), minimum=MIN_BASE)
        else:
            base = _("n = %(n)s", n=self.lab.number(n))
        return Card(
            group,
            str(GROUP_TITLES[group]),
            str(MEASURES.get(head.measure, head.measure)),
            value,
            str(head.year) if head.year else "",
            change,
            status,
            str(status_label),
            symbol,
            base=base,
            small=small,
            n=n,
            code=head.measure,
            number=_finite(head.value),
            unit=head.unit or "",
            change_number=None if small else _finite(head.change),
        )

    def _value(self, value, unit) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if unit == "share":
            return self.lab.percent(value)
        if unit == "count":
            return self.lab.number(value)
        return self.lab.number(value, 2)

    # --- what the sections share -----------------------------------------------------------
    def section(self, group: str, result) -> Section:
        """A group's section with its headline card and caveats, ready for its figures and tables."""
        return Section(
            group, str(GROUP_TITLES[group]), self.card(group, result), caveats=[str(c) for c in CAVEATS[group]]
        )

    def share_table(self, title: str, rows: list[dict], first: str) -> Table:
        lab = self.lab
        return Table(
            title,
            [first, _("Share (%(level)s interval)", level=lab.level), _("n")],
            [
                Row(
                    [r["label"], lab.share_with_interval(r["estimate"], r["low"], r["high"]), lab.number(r["n"])],
                    small=r["small"],
                    base=as_count(r["n"]),
                    counts=numerator(r["estimate"], r["n"], r.get("count")),
                )
                for r in rows
            ],
        )

    def top_two_note(self, question: str) -> str | None:
        """The note of a trend whose earlier waves asked `question` on another scale, if any did."""
        waves = self.top_two_trends.get(question)
        if not waves:
            return None
        names = ", ".join(w.name for w in self.data.waves if w.id in waves) or ", ".join(map(str, waves))
        return _(
            "%(waves)s asked this on another scale: there, the share is of the two most favourable levels "
            "of that wave's own scale (top-two box), as the concordance maps it.",
            waves=names,
        )

    def by_year_share(self, title: str, table: pd.DataFrame, estimate: str = "estimate", note=None) -> Table:
        lab = self.lab
        return Table(
            title,
            [_("Year"), _("Share (%(level)s interval)", level=lab.level), _("n")],
            [
                Row(
                    [str(year), lab.share_with_interval(r[estimate], r["low"], r["high"]), lab.number(r["n"])],
                    small=bool(r["small"]),
                    base=as_count(r["n"]),
                    counts=numerator(r[estimate], r["n"], r.get("count")),
                )
                for year, r in table.iterrows()
                if r["n"]
            ],
            note or "",
        )

    def base_note(self, question: str) -> str:
        """The phrase saying what a multiple-choice question's shares in the indicator groups are of."""
        return self.lab.base(self.bases.get(question, ANSWERED))

    def choice_labels(self, question: str) -> dict[str, str]:
        """The choices of a survey question, code -> label in the builder's language."""
        catalog = self.data.catalog
        rows = catalog[catalog["name"] == question]
        if not len(rows):
            return {}
        return {name: self.lab.text(labels, name) for name, labels in rows.iloc[0]["choices"].items()}


def share_rows(frame: pd.DataFrame, label, estimate: str = "estimate") -> list[dict]:
    """A frame of shares (`estimate`, `low`, `high`, `n`, `small`) as the rows `Charts.shares` and
    `Builder.share_table` take, each labelled by `label(row)`."""
    return [
        {
            "label": label(r),
            "estimate": r[estimate],
            "low": r["low"],
            "high": r["high"],
            "n": r["n"],
            "small": bool(r["small"]),
            "count": r.get("count"),  # the unweighted numerator, where the result has it
        }
        for _i, r in frame.iterrows()
    ]


def numerator(estimate, n, count=None, *, column: int = 1) -> dict[int, int]:
    """The people a share (in `column` of a share table) counts, for the disclosure rule: a share of
    1 to 4 people out of a larger base gives them away as a count would, and so does one leaving
    out 1 to 4 of its base (`disclosure.chosen`, `disclosure.left_out`)."""
    people = chosen(estimate, n, count)
    return {} if people is None else {column: people}


def as_count(value) -> int | None:
    """A count of people as an int for the disclosure rule (None when missing)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else int(round(number))


def _signed(text: str, value: float) -> str:
    return ("+" + text) if value > 0 else text


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
