"""Files the dashboard hands out: a table as CSV or XLSX (formula-safe, via `core.tabular`) and the
current view as the plenary HTML report (built in a background job, dashboards.report_job). A table is one of
the page's, already suppressed for a focal point (`scope.disclosed`); the report is suppressed by the same rule."""

from __future__ import annotations

import re
from collections.abc import Callable

from dash import dcc, no_update

from core.tabular import export
from dashboards.components import tables_of
from dashboards.pages.groups import regional_share_of
from dashboards.scope import disclosure_for, scope_caveats
from dashboards.view import PageContent, View


def _filename(title: str, extension: str) -> str:
    stem = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-").lower()[:80] or "table"
    return f"{stem}.{extension}"


def table_file(content: PageContent | None, index: int, fmt: str):
    tables = tables_of(content) if content is not None else []
    if fmt not in ("csv", "xlsx") or not 0 <= index < len(tables):
        return no_update
    table = tables[index]
    columns, rows = table.data or (table.columns, [row.cells for row in table.rows])
    if table.note:  # what the figures are of (the base of shares, say) travels with them
        rows = [*rows, [], [table.note]]
    body, _mimetype = export(fmt, columns, rows, sheet_title="table")
    return dcc.send_bytes(body, _filename(table.title, fmt))


def report_file(view: View, report: Callable) -> tuple[str, str]:
    """The view's frames as the plenary report, rendered by `report(data, lang, disclosure=..., caveats=...,
    regional_share=...)`: (file name, HTML); a focal point's has its small counts suppressed and its diversity
    card is the country's regional share, as on the dashboard."""
    page = report(
        view.selection.data,
        view.lang,
        disclosure=disclosure_for(view.scope),
        caveats=scope_caveats(view.scope),
        regional_share=regional_share_of(view),
    )
    return _filename(f"ipbes-engagement-report-{view.selection.wave.name}", "html"), page
