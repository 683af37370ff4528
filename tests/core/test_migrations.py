from sqlalchemy import inspect, text

from core import migrate
from core.db import make_engine


def test_upgrade_to_head_matches_the_models(database_url):
    engine = make_engine(database_url)
    assert migrate.schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() is not None
    engine.dispose()


def test_downgrade_to_base_and_back(database_url):
    migrate.downgrade(database_url, "base")
    engine = make_engine(database_url)
    assert "user_account" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    assert migrate.schema_differences(engine) == []
    engine.dispose()


def test_db_check_command_reports_drift(runner, app):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1
    assert "stray" in result.output


def test_sqlite_connections_have_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    for _ in range(2):  # pool gives a new connection after dispose: each one is configured
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        engine.dispose()
