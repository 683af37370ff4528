"""PostgreSQL: `pg_dump --format=custom` to back up, `pg_restore` to restore.

pg_dump reads one snapshot while the app keeps writing. The tools take a libpq URL; the
password, if any, goes to them in `PGPASSWORD`, never on the command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from core.backup.files import BackupError

LIBRARY_ROOT = Path("/usr/lib/postgresql")
APPLICATION_NAME = "ipbes-backup"
_TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")


def tool(name: str, library_root: Path = LIBRARY_ROOT) -> str:
    """The PostgreSQL client program `name`: from the PATH, else the newest in `library_root`."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [path for path in library_root.glob(f"*/bin/{name}") if os.access(path, os.X_OK)]
    if candidates:
        return str(max(candidates, key=lambda path: _version_key(path.parent.parent.name)))
    raise BackupError(
        f"{name} was not found on the PATH nor in {library_root}/*/bin. Install the PostgreSQL client "
        f"programs of the server's version or newer (e.g. apt-get install postgresql-client), or put {name} "
        "on the PATH."
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in name.split("."))


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A URL libpq understands (no `+psycopg`, no password) and the environment with the password."""
    url = make_url(database_url)
    environment = {**os.environ, "PGAPPNAME": APPLICATION_NAME}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, environment


def _run(args: list[str], environment: dict[str, str]) -> str:
    result = subprocess.run(args, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        name = Path(args[0]).name
        raise BackupError(f"{name} failed (exit code {result.returncode}): {result.stderr.strip()}")
    return result.stdout


def _engine(database_url: str) -> Engine:
    return create_engine(database_url, poolclass=NullPool, connect_args={"application_name": APPLICATION_NAME})


def revision(database_url: str) -> str | None:
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def dump(database_url: str, target: Path) -> str | None:
    """Dump the database into `target` and return its revision (read just before the dump)."""
    current = revision(database_url)
    url, environment = _libpq(database_url)
    _run([tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={url}"], environment)
    return current


def restore(database_url: str, path: Path) -> None:
    """Replace the database's tables with the dump's, in one transaction.

    Tables the dump does not have (made by migrations newer than the backup) are dropped first,
    or they would block `--clean` and the migrations that recreate them.
    """
    url, environment = _libpq(database_url)
    pg_restore = tool("pg_restore")
    dumped = _dumped_tables(_run([pg_restore, "--list", str(path)], environment))
    engine = _engine(database_url)
    try:
        with engine.begin() as connection:
            _refuse_if_in_use(connection)
            _drop_tables_not_in(connection, dumped)
    finally:
        engine.dispose()
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",  # all or nothing; implies --exit-on-error
            f"--dbname={url}",
            str(path),
        ],
        environment,
    )


def _dumped_tables(listing: str) -> set[tuple[str, str]]:
    """(schema, table) of every table in a `pg_restore --list` table of contents."""
    return {match.groups() for line in listing.splitlines() if (match := _TOC_TABLE.match(line))}


def _refuse_if_in_use(connection) -> None:
    others = connection.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
    ).scalar()
    if others:
        raise BackupError(
            f"The database is in use ({others} other connection{'s' if others != 1 else ''}). Stop the app "
            "(web server, workers and scheduled commands), then run restore again."
        )


def _drop_tables_not_in(connection, dumped: set[tuple[str, str]]) -> None:
    schemas = {schema for schema, _table in dumped} or {inspect(connection).default_schema_name}
    quote = connection.dialect.identifier_preparer.quote
    for schema in sorted(schemas):
        for table in inspect(connection).get_table_names(schema=schema):
            if (schema, table) not in dumped:
                connection.execute(text(f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)} CASCADE"))
