"""The report context into one HTML page, with the app's Jinja settings (autoescape, gettext)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from jinja2 import FileSystemLoader

from presentation.charts import plotly_script
from presentation.data import ReportData
from presentation.disclosure import Disclosure
from presentation.headline import RegionalShare
from reports.build import build_report

TEMPLATES = Path(__file__).parent / "templates"


def render_report(app: Flask, context: dict) -> str:
    # An overlay keeps the app's autoescaping, filters and Flask-Babel's gettext callables.
    environment = app.jinja_env.overlay(loader=FileSystemLoader(str(TEMPLATES)))
    return environment.get_template("report.html").render(plotly_js=plotly_script(), **context)


def plenary_report(
    data: ReportData,
    lang: str,
    *,
    disclosure: Disclosure | None = None,
    caveats: dict[str, list[str]] | None = None,
    regional_share: RegionalShare | None = None,
) -> str:
    """The whole report of `data` in `lang`, as one HTML page (inside an app context): what
    `flask report` writes and the dashboard's report job hands out (`dashboards.mount.init_app(report=...)`),
    with `disclosure`'s suppression applied when given (a focal point's) and `caveats` (section id ->
    texts) added to their sections; a country's report has its `regional_share` as its diversity card."""
    with force_locale(lang):
        context = build_report(data, lang, disclosure=disclosure, caveats=caveats, regional_share=regional_share)
        return render_report(current_app, context)
