"""`flask --app app report`: write the plenary report as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from core.config import LANGUAGES
from core.db import get_session
from reports.data import ReportError, load
from reports.render import plenary_report


@click.command(
    "report",
    help="Write the plenary report (six indicator groups and survey results) as a "
    "self-contained HTML file, printable to PDF.",
)
@with_appcontext
@click.option(
    "--wave", "waves", multiple=True, required=True, help="Survey wave, by id or exact name; repeat to compare waves."
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Language of the report.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
def report(waves, lang, out):
    try:
        data = load(get_session(), waves)
    except ReportError as error:
        raise click.ClickException(str(error)) from error
    page = plenary_report(data, lang)
    out.write_text(page, encoding="utf-8")
    click.echo(f"Wrote {out} ({len(page) // 1024} KiB, {lang}).")
