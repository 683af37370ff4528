"""Plotly figures as HTML fragments for the report (no plotly.js in them: the page embeds it once),
or as figures for the dashboard's `dcc.Graph`.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); every text
a figure shows is escaped, since plotly reads a subset of HTML in labels and wave names are
typed by people; numbers in ticks and hover text are Babel-formatted in the report's language.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
from flask_babel import gettext as _
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from presentation.labels import Labeller

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Least to most favourable; orange against blue, grey in the middle.
DIVERGING = {
    4: ("#D55E00", "#E69F00", "#56B4E9", "#0072B2"),
    5: ("#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"),
    3: ("#D55E00", "#BBBBBB", "#0072B2"),
}
SHARE_TICKS = (0, 0.2, 0.4, 0.6, 0.8, 1.0)
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
}


def plotly_script() -> Markup:
    """plotly.js itself, to inline once per page."""
    return Markup(get_plotlyjs().replace("</script", "<\\/script"))


def esc(text) -> str:
    return html.escape(str(text), quote=False)


def _hover(lines: list[str]) -> str:
    return "<br>".join(esc(line) for line in lines)


class Charts:
    """Draws the figures of one report; numbers their divs so the page is stable from run to run.

    `as_figures=True` returns the styled `plotly.graph_objects.Figure` instead of its HTML
    fragment: the dashboard hands figures to `dcc.Graph`, the report embeds HTML.
    """

    def __init__(self, lab: Labeller, *, as_figures: bool = False):
        self.lab = lab
        self.count = 0
        self.as_figures = as_figures

    def styled(self, figure: go.Figure, title: str, height: int) -> Markup | go.Figure:
        """The house style on `figure`: its HTML fragment, or the figure itself in figure mode."""
        self.count += 1
        figure.update_layout(
            title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
            template="none",
            separators=self.lab.separators(),
            height=height,
            font={"family": "Noto Sans, DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#222"},
            margin={"l": 10, "r": 20, "t": 50, "b": 40},
            paper_bgcolor="white",
            plot_bgcolor="white",
            legend={"orientation": "h", "y": -0.15},
            hoverlabel={"align": "auto"},
        )
        figure.update_yaxes(automargin=True)
        figure.update_xaxes(automargin=True)
        if self.as_figures:
            return figure
        return Markup(
            figure.to_html(
                full_html=False,
                include_plotlyjs=False,
                config=CONFIG,
                div_id=f"figure-{self.count}",
                default_width="100%",
                default_height=f"{height}px",
            )
        )

    def _share_axis(self) -> dict:
        return {
            "range": [0, 1.02],
            "tickvals": list(SHARE_TICKS),
            "ticktext": [esc(self.lab.percent(v)) for v in SHARE_TICKS],
            "gridcolor": "#ddd",
        }

    def shares(self, title: str, rows: list[dict], *, series_key: str | None = None) -> Markup:
        """Horizontal bars of shares with their 95 % intervals.

        rows: label, estimate, low, high, n[, series]. With `series_key`, one colour per series
        (waves, populations) side by side.
        """
        figure = go.Figure()
        series = _series(rows, series_key)
        for index, (name, members) in enumerate(series.items()):
            figure.add_trace(
                go.Bar(
                    orientation="h",
                    name=esc(name) if name else "",
                    showlegend=bool(name),
                    y=[esc(r["label"]) for r in members],
                    x=[_num(r["estimate"]) for r in members],
                    marker={
                        "color": OKABE_ITO[index % len(OKABE_ITO)],
                        "pattern": {"shape": ["/" if r.get("small") else "" for r in members]},
                    },
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "color": "#444",
                        "thickness": 1.2,
                        "array": [_gap(r["high"], r["estimate"]) for r in members],
                        "arrayminus": [_gap(r["estimate"], r["low"]) for r in members],
                    },
                    customdata=[self._share_hover(r, name) for r in members],
                    hovertemplate="%{customdata}<extra></extra>",
                )
            )
        labels = list(dict.fromkeys(r["label"] for r in rows))
        figure.update_layout(
            barmode="group",
            xaxis=self._share_axis(),
            yaxis={
                "autorange": "reversed",
                "categoryorder": "array",
                "categoryarray": [esc(label) for label in labels],
            },
        )
        return self.styled(figure, title, _height(len(labels) * max(1, len(series))))

    def _share_hover(self, row: dict, series: str) -> str:
        lab = self.lab
        lines = [row["label"]] + ([series] if series else [])
        lines.append(lab.share_with_interval(row["estimate"], row["low"], row["high"]))
        lines.append(_hover_n(lab, row.get("n")))
        return _hover(lines)

    def ratios(self, title: str, rows: list[dict], reference_label: str) -> Markup:
        """Representation ratios with intervals by group and population; 1 is the reference."""
        figure = go.Figure()
        series = _series(rows, "series")
        for index, (name, members) in enumerate(series.items()):
            figure.add_trace(
                go.Scatter(
                    mode="markers",
                    name=esc(name),
                    y=[esc(r["label"]) for r in members],
                    x=[_num(r["ratio"]) for r in members],
                    marker={
                        "color": OKABE_ITO[index % len(OKABE_ITO)],
                        "size": 9,
                        "symbol": ("circle", "square", "diamond", "triangle-up")[index % 4],
                    },
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "color": OKABE_ITO[index % len(OKABE_ITO)],
                        "array": [_gap(r["ratio_high"], r["ratio"]) for r in members],
                        "arrayminus": [_gap(r["ratio"], r["ratio_low"]) for r in members],
                    },
                    customdata=[
                        _hover(
                            [
                                r["label"],
                                name,
                                self.lab.ratio_with_interval(r["ratio"], r["ratio_low"], r["ratio_high"]),
                                _hover_n(self.lab, r.get("n")),
                            ]
                        )
                        for r in members
                    ],
                    hovertemplate="%{customdata}<extra></extra>",
                )
            )
        figure.add_vline(
            x=1, line={"color": "#444", "dash": "dash"}, annotation_text=esc(reference_label), annotation_position="top"
        )
        figure.update_layout(xaxis={"rangemode": "tozero", "gridcolor": "#ddd"}, yaxis={"autorange": "reversed"})
        groups = len({r["label"] for r in rows})
        return self.styled(figure, title, _height(groups * max(1, len(series)) * 0.8))

    def counts(self, title: str, x: list, series: dict[str, list], *, stacked: bool = True) -> Markup:
        """Bars of counts by year (or any category), one colour per series."""
        figure = go.Figure()
        for index, (name, values) in enumerate(series.items()):
            figure.add_trace(
                go.Bar(
                    name=esc(name),
                    x=[esc(v) for v in x],
                    y=values,
                    marker={"color": OKABE_ITO[index % len(OKABE_ITO)]},
                    customdata=[_hover([str(xv), name, self.lab.number(v)]) for xv, v in zip(x, values)],
                    hovertemplate="%{customdata}<extra></extra>",
                )
            )
        bars = list(zip(*series.values())) if stacked else [(v,) for values in series.values() for v in values]
        top = max((sum(_num(v) or 0 for v in bar) for bar in bars), default=0)
        figure.update_layout(
            barmode="stack" if stacked else "group",
            xaxis={"type": "category"},
            # Whole numbers: a step of 1 on a short axis, or ",d" would round 0.5 steps to "0, 1, 1, 2".
            yaxis={"gridcolor": "#ddd", "rangemode": "tozero", "tickformat": ",d", **({"dtick": 1} if top < 6 else {})},
        )
        return self.styled(figure, title, 380)

    def likert(
        self, title: str, items: list[str], levels: list[str], shares: list[list[float]], counts: list[int]
    ) -> Markup:
        """Diverging bars: each item's distribution over the scale, least to most favourable, the
        unfavourable levels left of zero and a neutral middle level straddling it."""
        k = len(levels)
        colours = DIVERGING.get(k) or tuple(OKABE_ITO[:k])
        starts = []
        for row in shares:
            row = [v if _num(v) is not None else 0.0 for v in row]
            left = sum(row[: k // 2]) + (row[k // 2] / 2 if k % 2 else 0.0)
            starts.append(-left)
        figure = go.Figure()
        for position, level in enumerate(levels):
            values = [(_num(row[position]) or 0.0) for row in shares]
            bases = [start + sum((_num(v) or 0.0) for v in row[:position]) for start, row in zip(starts, shares)]
            figure.add_trace(
                go.Bar(
                    orientation="h",
                    name=esc(level),
                    y=[esc(i) for i in items],
                    x=values,
                    base=bases,
                    marker={"color": colours[position]},
                    customdata=[
                        _hover([item, level, self.lab.percent(v), _hover_n(self.lab, n)])
                        for item, v, n in zip(items, values, counts)
                    ],
                    hovertemplate="%{customdata}<extra></extra>",
                )
            )
        ticks = (-1, -0.5, 0, 0.5, 1)
        figure.update_layout(
            barmode="overlay",
            legend={"traceorder": "normal"},
            xaxis={
                "range": [-1, 1],
                "tickvals": list(ticks),
                "ticktext": [esc(self.lab.percent(abs(t))) for t in ticks],
                "zeroline": True,
                "zerolinecolor": "#444",
                "gridcolor": "#ddd",
            },
            yaxis={"autorange": "reversed"},
        )
        return self.styled(figure, title, _height(len(items)) + 40)


def _series(rows: list[dict], key: str | None) -> dict[str, list[dict]]:
    if key is None:
        return {"": rows}
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _gap(upper, lower) -> float | None:
    """An error bar's length; none when either end is missing (no interval, no bar)."""
    upper, lower = _num(upper), _num(lower)
    return None if upper is None or lower is None else upper - lower


def _hover_n(lab: Labeller, n) -> str:
    return _("n = %(n)s", n=lab.number(n)) if n is not None and _num(n) is not None else ""


def _height(rows: float) -> int:
    return int(max(220, 90 + 28 * rows))
