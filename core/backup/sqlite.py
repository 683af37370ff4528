"""SQLite: copy through the online backup API; restore by renaming a checked copy over the file.

A plain copy of the database file while the app runs is not a backup: with WAL, recent commits
live in `<db>-wal` until a checkpoint. The backup API reads the database as SQLite does,
WAL included, from one read snapshot, while writers carry on.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from core.backup.files import BackupError, BackupInfo, fsync_directory, verify

BUSY_TIMEOUT_S = 30


def database_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"Backups need an SQLite database in a file, not {database_url!r}.")
    return Path(database)


def companions(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps beside a database while it is open or after a crash."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _connect_existing(path: Path, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection to the database at `path` that never creates one there."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=timeout, isolation_level=None)


def copy(source_path: Path, target_path: Path) -> str | None:
    """Copy the database into `target_path` (an empty file) and return the copy's revision."""
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}.")
    source = _connect_existing(source_path)
    try:
        target = sqlite3.connect(target_path, isolation_level=None)
        try:
            source.backup(target)  # pages=-1: every page in one step, from one read snapshot
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, not WAL
            return _revision(target)
        finally:
            target.close()
    finally:
        source.close()


def _revision(connection: sqlite3.Connection) -> str | None:
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
    if not found.fetchone():
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def restore(info: BackupInfo, target: Path) -> None:
    """Check a copy of the backup beside the database, then rename it over the database."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".restoring")
    staged = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream, open(info.path, "rb") as backup_file:
            while chunk := backup_file.read(1 << 20):
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        verify(info, staged)  # the very bytes that will be put in place
        _check_integrity(staged)
        _take_permissions(staged, target)
        _refuse_if_in_use(target)
        for stale in companions(target):  # they belong to the old database
            stale.unlink(missing_ok=True)
        os.replace(staged, target)
        fsync_directory(target.parent)
    finally:
        for leftover in (staged, *companions(staged)):
            leftover.unlink(missing_ok=True)


def _take_permissions(staged: Path, target: Path) -> None:
    """Give the restored file the old one's mode and owner, so the app can still write it."""
    if not target.exists():
        return  # a new database stays private to its owner (mode 0600)
    old = target.stat()
    staged.chmod(stat.S_IMODE(old.st_mode))
    if (staged.stat().st_uid, staged.stat().st_gid) != (old.st_uid, old.st_gid):
        try:
            os.chown(staged, old.st_uid, old.st_gid)
        except PermissionError as error:
            raise BackupError(
                f"The restored database could not be given the owner of {target}: run restore as its owner."
            ) from error


def _check_integrity(path: Path) -> None:
    connection = _connect_existing(path)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"The backup is not a sound SQLite database: {result}.")


def _refuse_if_in_use(target: Path) -> None:
    """Refuse while another connection, in any process, has the database open.

    In WAL mode every connection that has read or written the database holds a shared lock on
    its shared memory, and an exclusive lock in exclusive locking mode is refused until they close.
    """
    if not target.exists():
        return
    probe = _connect_existing(target, timeout=0)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise BackupError(f"The database at {target} cannot be opened: {error}.") from error
        raise BackupError(
            f"The database at {target} is in use. Stop the app (web server, workers and scheduled "
            "commands), then run restore again."
        ) from error
    except sqlite3.DatabaseError:
        pass  # not a database at all: nothing can be using it, and it is about to be replaced
    finally:
        probe.close()
