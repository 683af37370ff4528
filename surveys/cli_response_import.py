"""`flask --app app surveys import-responses WAVE FILE`: bring a file of past responses into a wave."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import select

from core.db import get_session
from core.imports.tables import TableError
from surveys.models import Wave
from surveys.response_import import dates, pipeline, storing
from surveys.response_import.plan import Mapping, SourceFile, Target


def _wave(session, wanted: str) -> Wave:
    wave = session.get(Wave, int(wanted)) if wanted.isdigit() else None
    wave = wave or session.exec(select(Wave).where(Wave.name == wanted)).first()
    if wave is None:
        raise click.ClickException(f"No wave {wanted!r} (give its id or its name).")
    return wave


def _target_text(target: Target) -> str:
    if target.kind == "choice":
        return f"choice {target.choice} of {target.question}"
    if target.kind in ("question", "other_text"):
        return f"{target.kind.replace('_', ' ')} {target.question}"
    if target.kind == "profile":
        return f"profile {target.field}"
    return target.kind


def _describe(source: SourceFile, chosen: Mapping, *, saved: bool, given: bool) -> None:
    if source.encoding:
        click.echo(f"Read {source.file_name}: CSV, {source.encoding}, delimiter {source.delimiter!r}.")
    else:
        click.echo(f"Read {source.file_name}: XLSX.")
    click.echo(f"Shape: {source.shape}; {source.rows} rows, {len(source.columns)} columns; sha256 {source.sha256}.")
    origin = "from the mapping file" if given else "kept for files of this shape" if saved else "proposed"
    click.echo(f"Column mapping ({origin}):")
    for key, header in zip(source.columns, source.headers):
        target = chosen.columns.get(key, Target("ignore"))
        mapped = len(chosen.values.get(key, {}))
        values = f" ({mapped} values mapped)" if mapped else ""
        click.echo(f"  {header!r} -> {_target_text(target)}{values}")


def _report(preview) -> None:
    found = pipeline.summary(preview)
    for header, text in found["date_formats"]:
        click.echo(f"Dates in {header!r}: {text}.")
    click.echo(f"Rows accepted: {found['accepted']}; rows refused: {found['refused']}.")
    for kind, count in sorted(found["counts"].items()):
        click.echo(f"  {kind}: {count}")
    for problem in pipeline.problem_dicts(preview.source, preview.problems, limit=len(preview.problems)):
        click.echo(f"Row {problem['row']}, column {problem['header']!r}: {problem['message']}", err=True)


@click.command(
    "import-responses",
    help="Import FILE (a CSV or XLSX export of past responses) into WAVE (its id or name). "
    "Nothing is stored if a row is refused, unless --leave-out-refused.",
)
@click.argument("wave")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A mapping saved with --save-mapping (or from the import page) instead of the proposed one.",
)
@click.option(
    "--save-mapping",
    "save_to",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the mapping used to this JSON file, to edit it and give it back with --mapping.",
)
@click.option("--leave-out-refused", is_flag=True, help="Store the accepted rows and leave the refused ones out.")
@click.option("--dry-run", is_flag=True, help="Read and check the file; store nothing.")
@click.option(
    "--date-order",
    type=click.Choice(["day-first", "month-first"]),
    help="How to read dates such as 07/12/2026 in a column whose values do not tell (the mapping's own choice wins).",
)
@with_appcontext
def import_responses(wave, file, mapping_file, save_to, leave_out_refused, dry_run, date_order):
    session = get_session()
    target_wave = _wave(session, wave)
    try:
        source, rows = pipeline.read(file.read_bytes(), file.name)
    except TableError as error:
        raise click.ClickException(f"{file.name} cannot be read: {error.message}") from error
    if mapping_file:
        chosen, saved = Mapping.from_dict(json.loads(mapping_file.read_text(encoding="utf-8"))), False
    else:
        chosen, saved = pipeline.propose(session, target_wave, source, rows)
    if date_order:
        order = "dmy" if date_order == "day-first" else "mdy"
        definition = pipeline.definition_of(session, target_wave)
        for key in dates.date_columns(chosen, definition):
            chosen.dates.setdefault(key, order)
    _describe(source, chosen, saved=saved, given=bool(mapping_file))
    if save_to:
        save_to.write_text(json.dumps(chosen.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"Wrote the mapping to {save_to}.")
    preview = pipeline.check(session, target_wave, source, rows, chosen)
    _report(preview)
    refused = bool(preview.problems)
    if dry_run:
        click.echo("Dry run: nothing was stored.")
        raise SystemExit(1 if refused else 0)
    _store(session, target_wave, preview, leave_out_refused)


def _store(session, wave: Wave, preview, leave_out_refused: bool) -> None:
    try:
        stored = storing.store(session, wave=wave, preview=preview, by=None, leave_out_refused=leave_out_refused)
    except storing.ImportRefused as error:
        rows = len({problem.row for problem in error.problems})
        raise click.ClickException(
            f"{rows} rows are refused: nothing was stored. Fix the mapping or use --leave-out-refused."
        ) from error
    except storing.NothingToStore as error:
        raise click.ClickException("No row is left to store: nothing was stored.") from error
    left_out = len({problem.row for problem in stored.left_out})
    click.echo(
        f"Stored {stored.stored} responses in {wave.name} (import {stored.import_id}; "
        f"{stored.linked} linked to registered stakeholders; {left_out} refused rows left out)."
    )
