"""A page's content (the report's cards, figures and tables) as Dash components.

Text always goes in as component children or plotly labels the charts module escaped, never as
HTML, so nothing a person typed (a wave name, a label) can become markup. Tables and figures are
numbered in page order; the download callbacks find them again by that number.
"""

from __future__ import annotations

import textwrap
import threading

import plotly.graph_objects as go
from dash import dcc, html
from flask_babel import gettext as _

from dashboards import geometry
from dashboards.view import PageContent
from presentation.model import Card, Figure, Section, Table

# Map geometry is served by the app (plotly.js would fetch it from a CDN, which the CSP forbids), at a
# fingerprinted address the browser keeps for a year.
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "topojsonURL": geometry.URL,
    "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
}


LABEL_WIDTH = 22  # characters on a line of a category label before it wraps


def wrapped(label: str) -> str:
    """A category label on lines of at most LABEL_WIDTH characters (plotly breaks lines at `<br>` only)."""
    if len(label) <= LABEL_WIDTH:
        return label
    return "<br>".join(textwrap.wrap(label, LABEL_WIDTH, break_on_hyphens=False)) or label


# plotly copies a figure by taking each trace's "type" out of the source's properties and putting it back
# (`BaseDataValidator.validate_coerce`): a copy made meanwhile in another thread reads a bar as a scatter
# and fails. The cached figure is shared by the threads of a worker, so its copies take turns.
_COPYING = threading.Lock()


def for_screen(figure: go.Figure) -> go.Figure:
    """The report's figure laid out for any screen down to a phone's: the title goes (the figure's caption above
    it wraps; plotly's title does not and was cut off), and long category labels wrap instead of squeezing the
    plot or being cut off. A copy: the cached figure is left as it is."""
    with _COPYING:
        shown = go.Figure(figure)
    if shown.layout.title.text:
        shown.update_layout(title=None, margin={"t": 30})
    labels = set()
    for trace in shown.data:
        values = getattr(trace, "y", None)
        if values is not None and all(isinstance(value, str) for value in values):
            trace.y = [wrapped(value) for value in values]
            labels.update(trace.y)
    if shown.layout.yaxis.categoryarray:
        shown.layout.yaxis.categoryarray = [wrapped(str(label)) for label in shown.layout.yaxis.categoryarray]
    extra_lines = sum(label.count("<br>") for label in labels)
    if extra_lines and shown.layout.height:
        shown.layout.height += 14 * extra_lines
    return shown


def tables_of(content: PageContent) -> list[Table]:
    """Every table of the page in the order it is shown (a figure's table where its figure is)."""
    found = []
    for section in content.sections:
        found += [figure.table for figure in section.figures if figure.table is not None]
        found += list(section.tables)
    return found


class _Renderer:
    def __init__(self):
        self.tables = 0
        self.figures = 0

    def page(self, content: PageContent) -> list:
        children = [html.H2(content.title, className="page-title")]
        children += [html.P(text, className="intro") for text in content.intro]
        cards = [s.card for s in content.sections if s.card is not None and not s.figures and not s.tables]
        if cards:
            children.append(html.Div([self.card(card) for card in cards], className="cards"))
        for section in content.sections:
            if section.figures or section.tables or section.caveats or section.notes:
                children.append(self.section(section, with_card=section.card not in cards))
        return children

    def card(self, card: Card) -> html.Article:
        return html.Article(
            className=f"card status-{card.status}",
            children=[
                html.H3(card.title),
                html.P(card.measure, className="card-measure"),
                html.P(
                    [
                        html.Span(card.value, className="card-value"),
                        html.Span(f" {card.year}", className="card-year") if card.year else None,
                    ]
                ),
                html.P(card.change, className="card-change"),
                html.P(
                    [html.Span(card.symbol, **{"aria-hidden": "true"}), " ", card.status_label], className="card-status"
                ),
                html.P(card.base, className="card-base") if card.base else None,
            ],
        )

    def section(self, section: Section, *, with_card: bool) -> html.Section:
        children = [html.H3(section.title, id=f"section-{section.id}")] if not with_card else []
        if with_card and section.card is not None:
            children.append(html.Div([self.card(section.card)], className="cards"))
        children += [self.figure(figure) for figure in section.figures]
        children += [self.table(table) for table in section.tables]
        if section.caveats or section.notes:
            children.append(
                html.Ul(
                    [html.Li(text) for text in [*section.notes, *section.caveats]],
                    className="caveats",
                    **{"aria-label": _("Notes and caveats")},
                )
            )
        return html.Section(
            children,
            className="dashboard-section",
            **{"aria-labelledby": f"section-{section.id}"} if not with_card else {},
        )

    def figure(self, figure: Figure) -> html.Figure:
        index = self.figures
        self.figures += 1
        graph_id = f"graph-{index}"
        children = [
            html.Figcaption(figure.title, className="figure-title"),
            # No role="img" around the chart: its download controls are focusable (nested-interactive). The
            # figure is named by its caption, and the table under it holds the figures for assistive technology.
            dcc.Graph(id=graph_id, figure=for_screen(figure.html), config=GRAPH_CONFIG, className="chart"),
            html.Div(
                className="figure-actions",
                children=[
                    html.Button(
                        _("Download PNG"),
                        id={"type": "image", "index": f"{graph_id}:png"},
                        className="link-button",
                        n_clicks=0,
                    ),
                    html.Button(
                        _("Download SVG"),
                        id={"type": "image", "index": f"{graph_id}:svg"},
                        className="link-button",
                        n_clicks=0,
                    ),
                ],
            ),
        ]
        if figure.table is not None:
            children.append(
                html.Details(
                    [html.Summary(_("Show the table")), self.table(figure.table, caption=False)],
                    className="figure-table",
                )
            )
        return html.Figure(children, className="dashboard-figure")

    def table(self, table: Table, *, caption: bool = True) -> html.Div:
        index = self.tables
        self.tables += 1
        head = html.Thead(html.Tr([html.Th(c, scope="col") for c in table.columns]))
        body = html.Tbody(
            [
                html.Tr(
                    [
                        html.Th(cell, scope="row")
                        if i == 0
                        else html.Td(cell, className="num" if i >= table.text_columns else None)
                        for i, cell in enumerate(row.cells)
                    ],
                    className=" ".join(c for c, on in (("small", row.small), ("flagged", row.flagged)) if on) or None,
                )
                for row in table.rows
            ]
        )
        parts = [html.Caption(table.title, id=f"table-{index}")] if caption else []
        # A wide table scrolls in its own box rather than widen the page; the box can take focus so that the
        # keyboard scrolls it too, and is named by the table's caption.
        scroller = {"role": "region", "tabIndex": "0", "className": "table-scroll"}
        scroller["aria-labelledby" if caption else "aria-label"] = f"table-{index}" if caption else table.title
        children = [html.Div(html.Table(parts + [head, body], className="data-table"), **scroller)]
        if table.note:
            children.append(html.P(table.note, className="table-note"))
        children.append(
            html.Div(
                className="table-actions",
                children=[
                    html.Button(
                        _("Download CSV"),
                        id={"type": "download", "index": f"{index}:csv"},
                        className="link-button",
                        n_clicks=0,
                    ),
                    html.Button(
                        _("Download XLSX"),
                        id={"type": "download", "index": f"{index}:xlsx"},
                        className="link-button",
                        n_clicks=0,
                    ),
                ],
            )
        )
        return html.Div(children, className="table-block")


def render(content: PageContent) -> list:
    return _Renderer().page(content)
