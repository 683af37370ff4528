"""`flask --app app export-anonymised`: build (or fetch) an anonymised release and write it to a folder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.config import LANGUAGES
from core.db import get_session
from exports.params import DEFAULT_K, FORMATS, ReleaseParams
from exports.service import ExportError, export_release


@click.command(
    "export-anonymised",
    help="Export survey responses of closed waves as an anonymised release: "
    "k-anonymous data, codebook and disclosure report, as a zip and unpacked.",
)
@with_appcontext
@click.option("--wave", "waves", type=int, multiple=True, required=True, help="Wave id; repeat for several waves.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Format of the data file.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the codebook, labels and report.",
)
@click.option(
    "--k",
    type=int,
    default=DEFAULT_K,
    show_default=True,
    help="Every quasi-identifier combination appears at least k times (k >= 3).",
)
@click.option("--free-text", is_flag=True, help="Include free-text answers, scrubbed of personal data.")
@click.option("--link-waves", is_flag=True, help="Give a respondent one pseudonym across the release's waves.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the zip and its files into (created if needed).",
)
def export_anonymised(waves, fmt, lang, k, free_text, link_waves, out):
    params = ReleaseParams(
        wave_ids=tuple(waves), format=fmt, lang=lang, k=k, free_text=free_text, link_waves=link_waves
    )
    try:
        release = export_release(get_session(), params, actor_id=None, via="cli")
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    out.mkdir(parents=True, exist_ok=True)
    written = [out / release.filename]
    written[0].write_bytes(release.content)
    with zipfile.ZipFile(io.BytesIO(release.content)) as archive:
        for name in archive.namelist():
            target = out / Path(name).name  # entries are flat; never follow a path out of `out`
            target.write_bytes(archive.read(name))
            written.append(target)
    click.echo(f"Release {release.id}: {release.rows} rows from wave(s) {', '.join(map(str, params.wave_ids))}.")
    for path in written:
        click.echo(f"Wrote {path} ({path.stat().st_size:,} bytes)")
