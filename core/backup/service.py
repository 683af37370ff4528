"""Back up and restore the database named by a URL, whichever backend it is."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from core import migrate
from core.backup import postgres, sqlite
from core.backup.files import (
    LABELS,
    BackupError,
    BackupInfo,
    fsync,
    fsync_directory,
    read_info,
    sha256,
    sidecar_path,
    verify,
    write_sidecar,
)

EXTENSIONS = {"sqlite": "sqlite", "postgresql": "dump"}


@dataclass(frozen=True)
class Restored:
    backend: str
    revision: str | None  # the backup's
    head: str  # the code's, where the database is after the restore

    @property
    def migrated(self) -> bool:
        return self.revision != self.head


def backend_of(database_url: str) -> str:
    name = make_url(database_url).get_backend_name()
    if name not in LABELS:
        raise BackupError(f"Backups support SQLite and PostgreSQL databases, not {name!r}.")
    return name


def default_path(directory: Path, backend: str, now: datetime | None = None) -> Path:
    """`<directory>/<UTC time>.sqlite` or `.dump`, e.g. `20261121T080000Z.sqlite`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return directory / f"{moment:%Y%m%dT%H%M%SZ}.{EXTENSIONS[backend]}"


def backup(database_url: str, out: Path, *, now: datetime | None = None) -> BackupInfo:
    """Write a backup of the database to `out`, which must not exist yet, and its sidecar."""
    backend = backend_of(database_url)
    out = Path(out)
    if out.exists() or sidecar_path(out).exists():
        raise BackupError(f"{out} already exists: choose another --out, or move the old backup away.")
    if backend == "sqlite":
        source = sqlite.database_path(database_url)
        return _write_atomically(out, backend, lambda partial: sqlite.copy(source, partial), now)
    return _write_atomically(out, backend, lambda partial: postgres.dump(database_url, partial), now)


def _write_atomically(out: Path, backend: str, write: Callable[[Path], str | None], now: datetime | None) -> BackupInfo:
    """Run `write(partial)`, which returns the revision; then publish the sidecar, then the file.

    The file gets its final name last, so an interrupted backup leaves at most a hidden
    `.partial` file, never one that looks complete.
    """
    if not out.parent.exists():
        out.parent.mkdir(mode=0o700, parents=True)  # backups hold personal data
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")  # mode 0600
    os.close(handle)
    partial = Path(name)
    info = None
    try:
        revision = write(partial)
        fsync(partial)
        info = BackupInfo(out, backend, revision, now or datetime.now(UTC), sha256(partial), partial.stat().st_size)
        write_sidecar(info)
        os.replace(partial, out)
        fsync_directory(out.parent)
        return info
    except BaseException:
        for leftover in (partial, *sqlite.companions(partial)):
            leftover.unlink(missing_ok=True)
        if info is not None and not out.exists():
            info.sidecar.unlink(missing_ok=True)
        raise


def code_head(database_url: str) -> str:
    return ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_current_head()


def _known_revisions(database_url: str) -> set[str]:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    return {script.revision for script in scripts.walk_revisions()}


def restore(database_url: str, path: Path) -> Restored:
    """Replace the database with the backup at `path`, then migrate it up to the code's head.

    Refused before anything changes for a backup of the other backend, one made by newer code,
    one whose checksum does not match, and while the database is in use.
    """
    backend = backend_of(database_url)
    info = read_info(Path(path))
    if info.backend != backend:
        raise BackupError(
            f"{info.path} was made from {LABELS[info.backend]}, but this app's database is {LABELS[backend]}: "
            "a backup can only be restored into the same kind of database."
        )
    head = code_head(database_url)
    if info.revision is not None and info.revision not in _known_revisions(database_url):
        raise BackupError(
            f"{info.path} was made at migration {info.revision}, which is newer than this code (its newest "
            f"migration is {head}). Restore it with the version of the code that made it."
        )
    if backend == "sqlite":
        sqlite.restore(info, sqlite.database_path(database_url))  # checks the copy it puts in place
    else:
        verify(info, info.path)
        postgres.restore(database_url, info.path)
    restored = Restored(backend, info.revision, head)
    if restored.migrated:
        migrate.upgrade(database_url)
    return restored
