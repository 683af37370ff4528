"""`flask --app app surveys ...`: import and export instruments as XLSForm workbooks."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from core.db import get_session
from surveys import instruments
from surveys.definition import Definition
from surveys.translation_status import missing_totals
from surveys.xlsform.problems import XLSFormError


@click.group("surveys", cls=AppGroup, help="Survey instruments, waves and mailings.")
def surveys_group():
    pass


@surveys_group.command(
    "import-instrument",
    help="Store FILE (an XLSForm .xlsx) as the next version of the "
    "instrument CODE; the same content again stores nothing.",
)
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--name",
    default=None,
    help="The instrument's name for the secretariat (new instruments only; default: the form's English title).",
)
def import_instrument(code, file, name):
    try:
        version, created = instruments.store_version(
            get_session(), code=code, name=name, data=file.read_bytes(), filename=file.name
        )
    except XLSFormError as error:
        for line in error.summary_lines():
            click.echo(line, err=True)
        for line, problems in error.groups():
            click.echo(f"\n{line}", err=True)
            for problem in problems:
                click.echo(f"  {problem}", err=True)
        raise click.ClickException(f"{file.name} was not imported: {len(error.problems)} problem(s).") from error
    if created:
        click.echo(f"Stored {code} version {version.number} ({version.content_hash[:12]}).")
    else:
        click.echo(f"Unchanged: {code} version {version.number} has the same content ({version.content_hash[:12]}).")
    missing = missing_totals(Definition.from_dict(version.definition))
    if missing:  # stored in fewer than six languages: translated on the platform before a wave is published
        counts = ", ".join(f"{language} {count}" for language, count in sorted(missing.items()))
        click.echo(f"Awaiting translations (texts missing: {counts}); a wave of it cannot be published until then.")


@surveys_group.command(
    "export-instrument",
    help="Write version N (default: the latest) of the instrument CODE to OUT as an XLSForm workbook.",
)
@click.argument("code")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--version", "number", type=int, default=None, help="Version number (default: the latest).")
@click.option("--original", is_flag=True, help="The workbook exactly as it was uploaded.")
def export_instrument(code, out, number, original):
    version = instruments.get_version(get_session(), code, number)
    if version is None:
        raise click.ClickException(f"No instrument {code}" + (f" version {number}." if number else "."))
    out.write_bytes(instruments.xlsform_of(version, original=original))
    click.echo(f"Wrote {code} version {version.number} to {out}.")


@surveys_group.command(
    "install-instruments",
    help="Store the needs analysis and the annual survey shipped with the platform (nothing if already stored).",
)
def install_instruments():
    try:
        versions = instruments.install_shipped(get_session())
    except XLSFormError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("A shipped instrument was refused.") from error
    for code, version in zip(instruments.SHIPPED, versions):
        click.echo(f"{code}: version {version.number} ({version.content_hash[:12]}).")
