"""The explorer's chart of means: horizontal bars with their intervals, one colour per wave."""

from __future__ import annotations

import plotly.graph_objects as go
from flask_babel import gettext as _

from presentation.charts import OKABE_ITO, Charts, esc


def means_figure(charts: Charts, title: str, rows: list[dict]):
    """Horizontal bars of means with their intervals, one colour per wave; the look of `Charts.shares`
    on a free axis (a mean is not a share)."""
    lab = charts.lab
    figure = go.Figure()
    series = list(dict.fromkeys(r["series"] for r in rows))
    for index, name in enumerate(series):
        members = [r for r in rows if r["series"] == name]
        figure.add_trace(
            go.Bar(
                orientation="h",
                name=esc(name),
                y=[esc(r["label"]) for r in members],
                x=[r["estimate"] for r in members],
                marker={
                    "color": OKABE_ITO[index % len(OKABE_ITO)],
                    "pattern": {"shape": ["/" if r["small"] else "" for r in members]},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "color": "#444",
                    "thickness": 1.2,
                    "array": [r["high"] - r["estimate"] for r in members],
                    "arrayminus": [r["estimate"] - r["low"] for r in members],
                },
                customdata=[
                    "<br>".join(
                        esc(line)
                        for line in (
                            r["label"],
                            name,
                            lab.number_with_interval(r["estimate"], r["low"], r["high"], 1),
                            _("n = %(n)s", n=lab.number(r["n"])),
                        )
                    )
                    for r in members
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    labels = list(dict.fromkeys(r["label"] for r in rows))
    figure.update_layout(
        barmode="group",
        xaxis={"rangemode": "tozero", "gridcolor": "#ddd"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": [esc(label) for label in labels]},
    )
    return charts.styled(figure, title, int(max(220, 90 + 28 * len(labels) * len(series))))
