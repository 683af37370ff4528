"""A migrated template database per backend, and a fresh copy of it for every test."""

from __future__ import annotations

import gc
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import migrate


class SqliteDatabases:
    def __init__(self, workdir: Path):
        self.template = workdir / "template.db"
        migrate.upgrade(f"sqlite:///{self.template}")

    def fresh(self, directory: Path) -> str:
        path = directory / f"test-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        pass  # lives in the test's tmp_path

    def close(self) -> None:
        pass


class PostgresDatabases:
    def __init__(self, server_url: str):
        self.server_url = server_url
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.template = f"template_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.template}"'))
        migrate.upgrade(self._url(self.template))

    def _url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def fresh(self, directory: Path) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            if self._in_a_transaction(connection, name):
                # A session the test left in a reference cycle, still holding its connection: the
                # forced drop ended it, and when collected later its rollback failed and the pool logged the
                # traceback inside whatever ran then. Python 3.11 formats tracebacks with ast.parse, and one
                # nested in another fails it ("AST constructor recursion depth mismatch"): a test failed for
                # another's leak. Collected now, it rolls back while its database exists. (Collecting after
                # every test doubled the suite's time.)
                gc.collect()
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    @staticmethod
    def _in_a_transaction(connection, name: str) -> bool:
        """Idle connections are pooled ones, harmless to end; one in a transaction is checked out."""
        query = text("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = :name AND state <> 'idle')")
        return connection.execute(query, {"name": name}).scalar()

    def close(self) -> None:
        self.admin.dispose()
