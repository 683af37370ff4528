"""The survey explorer: one question over one or several waves side by side, broken down by a
profile dimension, weighted or not; each choice's share (or the mean of a number) with its
95 % interval and the n behind it.

Each wave is summarised on its own by `analysis.survey_results.wave_results`, on that wave's
respondents narrowed to the filters, as a domain of the whole wave's raked design (domain
estimates with calibrated variances, as in the report). The selection's history holds the waves up to the chosen wave's
year; a later wave compared with it is selected with the same filters, so a focal point's
country stays pinned whichever wave is asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd
from dash import dcc, html
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.harmonise import NO_EQUIVALENT
from analysis.survey_results import WaveResults, share_base, wave_results
from core.db import get_session
from dashboards import data, layout
from dashboards.filters import BREAKDOWNS
from dashboards.pages.explorer_chart import means_figure
from dashboards.pages.explorer_compare import through_concordance
from dashboards.selection import select
from dashboards.view import Page, PageContent, View
from presentation import disclosure
from presentation.charts import Charts
from presentation.disclosure import SUPPRESSED_MARK, chosen, hidden_keys, hidden_share_keys
from presentation.model import Figure, Row, Section, Table
from presentation.weights import raked_domain
from surveys.catalogue import WaveInfo

SHARES = ("select_one", "select_multiple")
EXPLORABLE = (*SHARES, "integer", "decimal")
NUMBERS = ("integer", "decimal")


@dataclass(frozen=True)
class WaveInput:
    info: WaveInfo
    frame: pd.DataFrame  # the wave's respondents within the filters, with the whole wave's weights
    catalog: pd.DataFrame
    raking: object = None  # the whole wave's `RakedWeights` (its raked design), None if it could not be raked


@dataclass(frozen=True)
class Estimate:
    wave: WaveInfo
    group: str  # breakdown code, or "all"
    item: str  # choice code (shares) or question name (means)
    estimate: float
    low: float
    high: float
    n: int
    small: bool
    hidden: bool = False  # too few respondents for a focal point to see (`confidential`)
    count: int | None = None  # the respondents who chose the item (shares), unweighted


# --- what is asked -------------------------------------------------------------------------


def chosen_waves(view: View) -> list[WaveInfo]:
    """The waves to compare, oldest first; the filter bar's wave when none (known) is asked for."""
    wanted = set(view.filters.waves)
    return [w for w in view.selection.waves if w.id in wanted] or [view.selection.wave]


def breakdowns(view: View) -> tuple[str, ...]:
    # A focal point's view is pinned to one country: a breakdown by country would show that one.
    return tuple(b for b in BREAKDOWNS if not (view.scope.is_country and b == "country"))


def chosen_breakdown(view: View) -> str | None:
    return view.filters.breakdown if view.filters.breakdown in breakdowns(view) else None


def _set(value) -> bool:
    """A catalog flag that is set (missing values come back as NaN, which is truthy)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and bool(value)


def questions(catalogs: list[pd.DataFrame]) -> dict[str, dict]:
    """Name -> catalog row of every question the waves can be summarised on, in form order.

    Personal data and profile questions (the breakdowns themselves) are left out, and so are
    free text and dates, which `wave_results` does not summarise."""
    found: dict[str, dict] = {}
    for catalog in catalogs:
        for row in catalog.to_dict("records"):
            if (
                row["name"] not in found
                and row["type"] in EXPLORABLE
                and not _set(row.get("pii"))
                and not _set(row.get("profile"))
            ):
                found[row["name"]] = row
    return found


def chosen_question(view: View, found: dict[str, dict]) -> str | None:
    """The question asked for, else the first single-choice question of the filter bar's wave."""
    if view.filters.question in found:
        return view.filters.question
    catalog = view.selection.data.catalog
    current = [name for name in catalog["name"] if name in found] if len(catalog) else []
    for name in [*current, *found]:
        if found[name]["type"] == "select_one":
            return name
    return next(iter(found), None)


# --- each wave's respondents -------------------------------------------------------------------


def _catalog(session, view: View, info: WaveInfo) -> pd.DataFrame:
    if info.id == view.selection.wave.id:
        return view.selection.data.catalog
    return data.wave_data(session, info, data.shared(session)).catalog


def wave_inputs(session, view: View, waves: list[WaveInfo]) -> list[WaveInput]:
    selection = view.selection
    found = []
    for info in waves:
        if info.id == selection.wave.id:
            found.append(
                WaveInput(info, selection.data.survey, selection.data.catalog, selection.weighting.get(info.id))
            )
        elif len(selection.data.history) and (selection.data.history["wave_id"].to_numpy() == info.id).any():
            history = selection.data.history
            rows = history[history["wave_id"].to_numpy() == info.id].reset_index(drop=True)
            found.append(WaveInput(info, rows, _catalog(session, view, info), selection.weighting.get(info.id)))
        else:  # outside the selection's history (later, or two years or more before): its own selection
            later = select(session, replace(view.filters, wave=info.id))
            found.append(WaveInput(info, later.data.survey, later.data.catalog, later.weighting.get(info.id)))
    return found


def is_weighted(wave: WaveInput, weighted: bool) -> bool:
    """Whether the wave's estimates can be weighted: it may have been impossible to rake."""
    return weighted and "weight" in wave.frame and bool(wave.frame["weight"].notna().any())


def results(wave: WaveInput, question: str, breakdown: str | None, weighted: bool) -> WaveResults | None:
    """`wave_results` of the one question (None when the wave did not ask it)."""
    catalog = wave.catalog[wave.catalog["name"] == question] if len(wave.catalog) else wave.catalog
    if not len(catalog):
        return None
    frame, weights = wave.frame, None
    if is_weighted(wave, weighted):  # the filtered rows as a domain of the whole wave's raked design
        frame, weights = raked_domain(wave.frame, wave.raking)
        weights = "weight" if weights is None else weights
    return wave_results(frame, catalog, weights=weights, by=(breakdown,) if breakdown else ())


def estimates(wave: WaveInput, result: WaveResults, question: str, breakdown: str | None) -> list[Estimate]:
    table = result.means if len(result.means) else result.shares
    if not len(table):
        return []
    by = breakdown or "all"
    rows = table[(table["question"] == question) & (table["by"] == by)]
    item = "choice" if "choice" in rows else "question"
    return [
        Estimate(
            wave.info,
            str(r["group"]),
            str(r[item]),
            r["estimate"],
            r["low"],
            r["high"],
            int(r["n"]),
            bool(r["small"]),
            count=chosen(r["estimate"], r["n"], r.get("count")) if item == "choice" else None,
        )
        for r in rows.to_dict("records")
    ]


def confidential(cells: list[Estimate], threshold: int, kind: str | None = None) -> list[Estimate]:
    """The cells with their estimates hidden by the rule every focal-point output uses
    (`presentation.disclosure`), so that a focal point cannot single out the answers of a few people
    in their country: a group in which fewer than `threshold` answered, and any group from which
    such a count could be worked out with the total; and for the shares of a question of `kind`
    select_one or select_multiple, a share that fewer than `threshold` people chose, or did not
    choose, with enough others that none follows from the rest (`hidden_share_keys`)."""
    hidden = set()
    for wave in dict.fromkeys(c.wave for c in cells):
        own = [c for c in cells if c.wave == wave]
        answered: dict[str, int] = {}
        for c in own:
            answered[c.group] = max(answered.get(c.group, 0), c.n)
        few = hidden_keys(answered, threshold)
        hidden |= {(wave, c.group, c.item) for c in own if c.group in few}
        if kind in SHARES:
            counts = {(c.group, c.item): c.count or 0 for c in own}
            shares = hidden_share_keys(counts, answered, threshold, exclusive=kind == "select_one", hidden_groups=few)
            hidden |= {(wave, group, item) for group, item in shares}
    return [
        replace(c, estimate=math.nan, low=math.nan, high=math.nan, n=0, count=None, hidden=True)
        if (c.wave, c.group, c.item) in hidden
        else c
        for c in cells
    ]


# --- the page ------------------------------------------------------------------------------------


def build(view: View) -> PageContent:
    lab = view.lab
    session = get_session()
    waves = wave_inputs(session, view, chosen_waves(view))
    found = questions([w.catalog for w in waves])
    question = chosen_question(view, found)
    title = str(PAGE.title)
    if question is None:
        return PageContent(title, [], [_("The chosen waves have no question to summarise.")])
    breakdown, weighted = chosen_breakdown(view), view.filters.weighted
    row = found[question]
    label = lab.text(row["labels"], question)
    section = Section("explorer", label)
    waves, section.caveats, harmonised = through_concordance(session, waves, question)
    row = row if harmonised is None else {**row, "choices": harmonised}
    cells: list[Estimate] = []
    for wave in waves:
        result = results(wave, question, breakdown, weighted)
        if result is None:
            section.caveats.append(_("%(wave)s did not ask this question.", wave=wave.info.name))
            continue
        if weighted and not is_weighted(wave, weighted):
            section.caveats.append(
                _("%(wave)s could not be weighted: its estimates are unweighted.", wave=wave.info.name)
            )
        own = estimates(wave, result, question, breakdown)
        if not any(e.n for e in own):
            section.caveats.append(
                _("Nobody within these filters answered this question in %(wave)s.", wave=wave.info.name)
            )
        cells += [e for e in own if e.item != NO_EQUIVALENT]
    if view.scope.is_country:
        threshold = disclosure.threshold()
        cells = confidential(cells, threshold, row["type"])
        if any(c.hidden for c in cells):
            section.notes.append(disclosure.suppression_note(threshold))
    if row["type"] in NUMBERS:
        _means(section, view, label, cells, breakdown)
    else:
        _shares(section, view, label, row.get("choices"), cells, breakdown)
        lab.note_base(section, share_base(row))
    section.notes += [
        _("Estimates are weighted to the registry's profile by regional group, category and gender.")
        if weighted
        else _("Estimates are unweighted: every respondent counts once."),
        _(
            "Error bars and the ranges in brackets are %(level)s confidence intervals; n is the number of "
            "respondents who answered. Rows in grey rest on fewer than 10 respondents.",
            level=lab.level,
        ),
    ]
    return PageContent(title, [section])


def _group_label(view: View, breakdown: str | None, group: str) -> str:
    return view.lab.code(breakdown, group) if breakdown else _("All respondents")


def _keys(cells: list[Estimate]) -> list[tuple[WaveInfo, str]]:
    """(wave, group) pairs in the order of the cells: waves oldest first, groups sorted by code."""
    return list(dict.fromkeys((c.wave, c.group) for c in cells))


def _heads(view: View, breakdown: str | None) -> list[str]:
    return [_("Wave")] + ([view.lab.dimension(breakdown)] if breakdown else [])


def _lead(view: View, breakdown: str | None, wave: WaveInfo, group: str) -> list[str]:
    return [wave.name] + ([_group_label(view, breakdown, group)] if breakdown else [])


def _chart_rows(cells: list[Estimate], label_of) -> list[dict]:
    """Bars for the estimates there are; a bound that could not be computed draws no error bar."""
    rows = []
    for c in cells:
        if _missing(c.estimate):
            continue
        low = c.estimate if _missing(c.low) else c.low
        high = c.estimate if _missing(c.high) else c.high
        rows.append(
            {
                "label": label_of(c),
                "series": c.wave.name,
                "estimate": float(c.estimate),
                "low": float(low),
                "high": float(high),
                "n": c.n,
                "small": c.small,
            }
        )
    return rows


def _shares(section: Section, view: View, label: str, choices, cells: list[Estimate], breakdown: str | None) -> None:
    lab = view.lab
    items = list(dict.fromkeys(c.item for c in cells))

    def answer(code: str) -> str:
        return lab.text(choices.get(code), code) if isinstance(choices, dict) else code

    def share(lab, c: Estimate) -> str:
        return lab.share_with_interval(c.estimate, c.low, c.high)

    charts = Charts(lab, as_figures=True)
    head = _("Share (%(level)s interval)", level=lab.level)
    if breakdown is None:
        rows = _chart_rows(cells, lambda c: answer(c.item))
        if rows:
            table = _long_table(view, label, cells, breakdown, head, share, answer=answer)
            section.figures.append(Figure(label, charts.shares(label, rows, series_key="series"), table))
    else:
        dimension = lab.dimension_in_sentence(breakdown)
        for item in items:
            own = [c for c in cells if c.item == item]
            rows = _chart_rows(own, lambda c: _group_label(view, breakdown, c.group))
            if rows:
                title = _(
                    "%(question)s: %(answer)s, by %(dimension)s",
                    question=label,
                    answer=answer(item),
                    dimension=dimension,
                )
                table = _long_table(view, title, own, breakdown, head, share)
                section.figures.append(Figure(title, charts.shares(title, rows, series_key="series"), table))
    # The whole question at a glance: a row per wave (and group), a column per answer.
    by_key = {(c.wave, c.group, c.item): c for c in cells}
    table_rows = []
    for wave, group in _keys(cells):
        own = [by_key.get((wave, group, item)) for item in items]
        table_rows.append(
            Row(
                _lead(view, breakdown, wave, group)
                + [_with_n(lab, share(lab, c), c.n) if c and not c.hidden else SUPPRESSED_MARK for c in own],
                small=any(c.small for c in own if c is not None),
            )
        )
    heads = _heads(view, breakdown)
    section.tables.append(
        Table(
            _("%(question)s: every answer", question=label),
            heads + [answer(item) for item in items],
            table_rows,
            _("Each cell: the share (%(level)s interval); n = respondents who answered.", level=lab.level),
            text_columns=len(heads),
            data=_data(view, breakdown, cells, _("Share (0–1)"), answer=answer),  # a row per answer
        )
    )


def _means(section: Section, view: View, label: str, cells: list[Estimate], breakdown: str | None) -> None:
    lab = view.lab
    title = (
        _("%(question)s: mean", question=label)
        if breakdown is None
        else _("%(question)s: mean, by %(dimension)s", question=label, dimension=lab.dimension_in_sentence(breakdown))
    )
    table = _long_table(
        view,
        title,
        cells,
        breakdown,
        _("Mean (%(level)s interval)", level=lab.level),
        lambda lab, c: lab.number_with_interval(c.estimate, c.low, c.high, 1),
        measure=_("Mean"),
    )
    rows = _chart_rows(cells, lambda c: _group_label(view, breakdown, c.group))
    if rows:
        section.figures.append(Figure(title, means_figure(Charts(lab, as_figures=True), title, rows), table))
    else:
        section.tables.append(table)


def _long_table(
    view: View,
    title: str,
    cells: list[Estimate],
    breakdown: str | None,
    head: str,
    value,
    *,
    answer=None,
    measure: str | None = None,
) -> Table:
    """A row per estimate: wave, group (with a breakdown), answer (when asked), estimate, n. Its download has
    the estimate, its bounds and n in numeric columns of their own (`measure` names the estimate's)."""
    lab = view.lab
    heads = _heads(view, breakdown) + ([_("Answer")] if answer else [])
    rows = [
        Row(
            _lead(view, breakdown, c.wave, c.group)
            + ([answer(c.item)] if answer else [])
            + ([SUPPRESSED_MARK] * 2 if c.hidden else [value(lab, c), lab.number(c.n)]),
            small=c.small,
        )
        for c in cells
    ]
    data = _data(view, breakdown, cells, measure or _("Share (0–1)"), answer=answer)
    return Table(title, heads + [head, _("n")], rows, text_columns=len(heads), data=data)


def _data(view: View, breakdown: str | None, cells: list[Estimate], measure: str, *, answer=None) -> tuple:
    """(columns, rows) for a download: the words of each row, then estimate, lower and upper bound and n as
    numbers (shares from 0 to 1). A cell hidden from a focal point stays empty."""
    columns = (
        _heads(view, breakdown) + ([_("Answer")] if answer else []) + [measure, _("Lower bound"), _("Upper bound")]
    )
    rows = []
    for c in cells:
        figures = [None] * 4 if c.hidden else [_number(c.estimate), _number(c.low), _number(c.high), int(c.n)]
        rows.append(_lead(view, breakdown, c.wave, c.group) + ([answer(c.item)] if answer else []) + figures)
    return columns + [_("n")], rows


def _number(value) -> float | None:
    return None if _missing(value) else round(float(value), 6)


def _with_n(lab, text: str, n: int) -> str:
    return _("%(estimate)s; n = %(n)s", estimate=text, n=lab.number(n))


def _missing(value) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


# --- the controls ----------------------------------------------------------------------------------


def _radio(name: str, label: str, options: list[tuple[str, str]], value: str) -> html.Fieldset:
    return html.Fieldset(
        className="control control-radio",
        children=[
            html.Legend(label),
            dcc.RadioItems(
                id=layout.control_id(name),
                options=[{"label": text, "value": code} for code, text in options],
                value=value,
                inline=True,
                className="control-radio-items",
            ),
        ],
    )


def controls(view: View) -> list:
    lab = view.lab
    session = get_session()
    waves = chosen_waves(view)
    found = questions([_catalog(session, view, w) for w in waves])
    breakdown = chosen_breakdown(view)
    return [
        layout.dropdown(
            "waves",
            _("Waves to compare"),
            [(w.id, f"{w.name} ({w.year})") for w in reversed(view.selection.waves)],
            [w.id for w in waves],
            multi=True,
            placeholder=_("The survey wave chosen"),
        ),
        layout.dropdown(
            "question",
            _("Question"),
            [(name, lab.text(row["labels"], name)) for name, row in found.items()],
            chosen_question(view, found),
            clearable=False,
        ),
        _radio(
            "breakdown",
            _("Break down by"),
            [("", _("No breakdown"))] + [(name, lab.dimension(name)) for name in breakdowns(view)],
            breakdown or "",
        ),
        _radio(
            "weighted",
            _("Estimates"),
            [("1", _("Weighted")), ("0", _("Unweighted"))],
            "1" if view.filters.weighted else "0",
        ),
    ]


PAGE = Page("explorer", _l("Survey explorer"), build, controls)
