"""`flask backup` and `flask restore` on both backends: nothing acknowledged is lost, nothing wrong is restored."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from core import backup as backups
from core import migrate
from core.accounts.models import User
from core.backup import postgres
from core.db import make_engine
from core.ratelimit import Throttle
from surveys import respondents, submission
from surveys.models import Answer, Response
from tests.conftest import make_app
from tests.factories import make_definition, make_open_link, make_user, make_wave

ANSWERS = {"roles": ["author"], "years": "7", "engaged": "yes", "clear_how": "4", "transparent": "2"}
WAIT_S = 120


class Submitter(threading.Thread):
    """Submits survey responses through the services in a loop, one commit each, and records
    the id of each one whose submission has returned (acknowledged to the respondent)."""

    def __init__(self, engine, token: str):
        super().__init__(daemon=True)
        self.engine, self.token = engine, token
        self.acknowledged: list[int] = []
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.changed = threading.Condition()

    def run(self):
        throttle, definition = Throttle("memory://"), make_definition()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                number = 0
                while not self.stopping.is_set():
                    number += 1
                    client = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"  # under the per-client limit
                    respondent, _ = respondents.start_from_open_link(
                        session, throttle=throttle, token=self.token, client=client
                    )
                    key = respondent.response.submission_key
                    outcome = submission.submit(session, respondent, definition, key=key, raw=ANSWERS)
                    with self.changed:
                        self.acknowledged.append(outcome.response_id)
                        self.changed.notify_all()
        except BaseException as error:  # reported by wait_for and the test, not lost in the thread
            self.error = error
            with self.changed:
                self.changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self.changed:
            reached = self.changed.wait_for(lambda: len(self.acknowledged) >= count or self.error, WAIT_S)
        assert self.error is None, self.error
        assert reached, f"{len(self.acknowledged)} of {count} submissions in {WAIT_S} s"

    def snapshot(self) -> list[int]:
        with self.changed:
            return list(self.acknowledged)

    def finish(self) -> None:
        self.stopping.set()
        self.join(WAIT_S)
        assert not self.is_alive()


def _submitted(engine) -> tuple[set[int], set[int]]:
    """Ids of submitted responses, and of responses with stored answers."""
    with Session(engine) as session:
        submitted = set(session.exec(select(Response.id).where(Response.status == "submitted")))
        answered = set(session.exec(select(Answer.response_id).distinct()))
    return submitted, answered


def test_a_backup_under_write_load_restores_every_acknowledged_submission(app, runner, session, tmp_path):
    token = make_open_link(session, wave=make_wave(session)).token
    session.close()
    engine = app.extensions["db_engine"]
    out = tmp_path / "backups" / "under-load.bak"
    writer = Submitter(engine, token)
    writer.start()
    try:
        writer.wait_for(10)
        acknowledged = writer.snapshot()  # every submission whose commit returned before the backup started
        result = runner.invoke(args=["backup", "--out", str(out)])
        assert result.exit_code == 0, result.output
        finished = len(writer.snapshot())
        writer.wait_for(finished + 2)  # the last one started after the backup had finished
    finally:
        writer.finish()
    assert writer.error is None, writer.error
    too_late = writer.snapshot()[-1]
    assert str(out) in result.output and "KB" in result.output

    engine.dispose()  # the app is stopped before a restore
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    submitted, answered = _submitted(engine)
    assert set(acknowledged) <= submitted
    assert set(acknowledged) <= answered
    assert too_late not in submitted  # the database really is the backup's


def test_restore_refuses_without_yes_and_changes_nothing(app, runner, session, tmp_path):
    out = tmp_path / "before.bak"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    make_user(session, email="after@example.org")
    session.close()
    app.extensions["db_engine"].dispose()

    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 1
    assert "--yes" in result.output and "replaces the whole database" in result.output
    with Session(app.extensions["db_engine"]) as check:
        assert check.exec(select(User).where(User.email == "after@example.org")).first() is not None


def test_restore_refuses_a_backup_of_the_other_backend(database_url, backend, tmp_path):
    info = backups.backup(database_url, tmp_path / "one.bak")
    # Never reached: the backend is checked before any connection.
    other_url = f"sqlite:///{tmp_path / 'other.db'}" if backend == "postgresql" else "postgresql://x@127.0.0.1:9/x"
    other = make_app(other_url)
    result = other.test_cli_runner().invoke(args=["restore", str(info.path), "--yes"])
    assert result.exit_code == 1
    made_from, used = ("SQLite", "PostgreSQL") if backend == "sqlite" else ("PostgreSQL", "SQLite")
    assert f"was made from {made_from}, but this app's database is {used}" in result.output


def test_the_sidecar_records_backend_revision_time_and_checksum(database_url, backend, tmp_path):
    info = backups.backup(database_url, tmp_path / "nightly.bak")
    content = json.loads(info.sidecar.read_text())
    data = info.path.read_bytes()
    assert content["sha256"] == hashlib.sha256(data).hexdigest()
    assert content["size"] == len(data)
    assert content["backend"] == backend
    assert content["alembic_revision"] == backups.code_head(database_url)
    assert abs(datetime.fromisoformat(content["created_at"]) - datetime.now(UTC)).total_seconds() < 600
    assert info.sidecar.stat().st_mode & 0o077 == 0 and info.path.stat().st_mode & 0o077 == 0

    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    info.path.write_bytes(bytes(damaged))
    with pytest.raises(backups.BackupError, match="does not match the checksum"):
        backups.restore(database_url, info.path)
    info.sidecar.unlink()
    with pytest.raises(backups.BackupError, match="is missing"):
        backups.restore(database_url, info.path)


def test_restore_refuses_a_backup_from_newer_code(database_url, tmp_path):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    info = backups.backup(database_url, tmp_path / "future.bak")
    assert info.revision == "9999_future"
    with pytest.raises(backups.BackupError, match="9999_future, which is newer than this code"):
        backups.restore(database_url, info.path)


def test_an_older_backup_is_migrated_to_head_after_the_restore(app, runner, database_url, tmp_path):
    head = backups.code_head(database_url)
    previous = ScriptDirectory.from_config(migrate.alembic_config(database_url)).get_revision(head).down_revision
    migrate.downgrade(database_url, previous)
    out = tmp_path / "older.bak"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    migrate.upgrade(database_url)  # the code moved on; its tables exist when the old backup returns
    app.extensions["db_engine"].dispose()

    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Migrated the database from {previous} to {head}" in result.output
    engine = make_engine(database_url)
    assert migrate.schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    engine.dispose()


def test_restore_refuses_while_the_database_is_in_use(app, session, database_url, tmp_path):
    info = backups.backup(database_url, tmp_path / "busy.bak")
    make_user(session, email="kept@example.org")
    session.exec(select(User)).all()  # the app holds its connection
    with pytest.raises(backups.BackupError, match="is in use"):
        backups.restore(database_url, info.path)
    session.close()
    app.extensions["db_engine"].dispose()
    with Session(app.extensions["db_engine"]) as check:
        assert check.exec(select(User).where(User.email == "kept@example.org")).first() is not None
    assert "user_account" in inspect(app.extensions["db_engine"]).get_table_names()


def test_an_interrupted_backup_leaves_no_file_that_looks_complete(database_url, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    real_write_sidecar = backups.service.write_sidecar

    def interrupted(info):
        real_write_sidecar(info)
        raise KeyboardInterrupt  # e.g. Ctrl-C just before the file gets its name

    monkeypatch.setattr(backups.service, "write_sidecar", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backups.backup(database_url, folder / "cut.bak")
    assert list(folder.iterdir()) == []


def test_the_default_file_is_named_by_the_utc_time_in_instance_backups(app, runner, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = Path(result.output.split()[0])
    assert written.parent == tmp_path / "backups" and written.is_file()
    moment = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert backups.default_path(Path("b"), "sqlite", moment) == Path("b/20261121T093000Z.sqlite")
    assert backups.default_path(Path("b"), "postgresql", moment) == Path("b/20261121T093000Z.dump")


def test_a_missing_postgresql_program_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(backups.BackupError, match="pg_dump was not found"):
        postgres.tool("pg_dump", library_root=tmp_path)
    for version in ("9.6", "15", "13"):
        program = tmp_path / version / "bin" / "pg_restore"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    assert postgres.tool("pg_restore", library_root=tmp_path) == str(tmp_path / "15" / "bin" / "pg_restore")
