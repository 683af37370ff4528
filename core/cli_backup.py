"""`flask backup` and `flask restore`: thin commands over `core.backup`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from core import backup as backups


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


def _shown(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=True)


def _size(size: float) -> str:
    unit = "bytes"
    for larger in ("KB", "MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{size} bytes" if unit == "bytes" else f"{size:.1f} {unit}"


@click.command("backup", help="Back up the database (safe while the app runs).")
@with_appcontext
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: instance/backups/<UTC time>.sqlite or .dump). It must not exist.",
)
def backup_command(out):
    database_url = _database_url()
    try:
        backend = backups.backend_of(database_url)
        out = out or backups.default_path(Path(current_app.instance_path) / "backups", backend)
        info = backups.backup(database_url, out)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{info.path}  {_size(info.size)}")
    click.echo(
        f"Backed up {_shown(database_url)} at migration {info.revision}; checksum and details in {info.sidecar}."
    )


@click.command("restore", help="Replace the whole database with a backup. Stop the app first.")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the database is to be replaced by the backup.")
def restore_command(path, yes):
    database_url = _database_url()
    if not yes:
        raise click.ClickException(
            f"restore replaces the whole database {_shown(database_url)} with {path}: everything stored "
            "since that backup is lost. Stop the app (web server, workers and scheduled commands), "
            "then run it again with --yes."
        )
    try:
        restored = backups.restore(database_url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path} into {_shown(database_url)} (backup at migration {restored.revision}).")
    if restored.migrated:
        click.echo(f"Migrated the database from {restored.revision} to {restored.head}.")
    click.echo("Start the app again.")
