"""The report context into one HTML page, with the app's Jinja settings (autoescape, gettext)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import FileSystemLoader

from reports.charts import plotly_script

TEMPLATES = Path(__file__).parent / "templates"


def render_report(app: Flask, context: dict) -> str:
    # An overlay keeps the app's autoescaping, filters and Flask-Babel's gettext callables.
    environment = app.jinja_env.overlay(loader=FileSystemLoader(str(TEMPLATES)))
    return environment.get_template("report.html").render(plotly_js=plotly_script(), **context)
