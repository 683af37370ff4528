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


def _without_foreign_keys(connection):
    if connection.dialect.name == "sqlite":
        connection.execute(text("PRAGMA foreign_keys = OFF"))
    else:
        connection.execute(text("SET session_replication_role = replica"))


def test_answers_stored_before_repeats_become_instance_zero_and_repeat_instances_fit_beside_them(database_url):
    migrate.downgrade(database_url, "0015")
    engine = make_engine(database_url)
    assert "instance" not in {c["name"] for c in inspect(engine).get_columns("answer")}
    with engine.begin() as connection:
        _without_foreign_keys(connection)  # a response without its wave and version: only the answer matters
        connection.execute(
            text(
                "INSERT INTO response (id, wave_id, version_id, submission_key, status, language, draft,"
                " last_page, started_at, updated_at) VALUES (1, 1, 1, 'k', 'submitted', 'en', '{}', 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(text("INSERT INTO answer (response_id, question, value_text) VALUES (1, 'q', 'kept')"))
    engine.dispose()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        _without_foreign_keys(connection)
        row = connection.execute(text("SELECT instance, value_text FROM answer WHERE question = 'q'")).one()
        assert tuple(row) == (0, "kept")
        connection.execute(
            text("INSERT INTO answer (response_id, question, instance, value_text) VALUES (1, 'q', 2, 'second')")
        )
        assert connection.execute(text("SELECT count(*) FROM answer WHERE response_id = 1")).scalar() == 2
        connection.execute(text("DELETE FROM answer WHERE response_id = 1"))
        connection.execute(text("DELETE FROM response WHERE id = 1"))
    engine.dispose()


def test_answers_stored_before_nested_repeats_keep_their_key_and_nested_instances_fit_beside_them(database_url):
    migrate.downgrade(database_url, "0016_rep")
    engine = make_engine(database_url)
    assert "parent_instances" not in {c["name"] for c in inspect(engine).get_columns("answer")}
    with engine.begin() as connection:
        _without_foreign_keys(connection)  # a response without its wave and version: only the answer matters
        connection.execute(
            text(
                "INSERT INTO response (id, wave_id, version_id, submission_key, status, language, draft,"
                " last_page, started_at, updated_at) VALUES (1, 1, 1, 'k', 'submitted', 'en', '{}', 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text("INSERT INTO answer (response_id, question, instance, value_text) VALUES (1, 'q', 1, 'kept')")
        )
    engine.dispose()
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        _without_foreign_keys(connection)
        row = connection.execute(text("SELECT parent_instances, value_text FROM answer WHERE question = 'q'")).one()
        assert tuple(row) == ("", "kept")
        # instance 1 of `q` within instance 2 of its parent, beside instance 1 of the top-level repeat
        connection.execute(
            text(
                "INSERT INTO answer (response_id, question, instance, parent_instances, value_text)"
                " VALUES (1, 'q', 1, '2', 'nested')"
            )
        )
        assert connection.execute(text("SELECT count(*) FROM answer WHERE response_id = 1")).scalar() == 2
        connection.execute(text("DELETE FROM answer WHERE response_id = 1"))
        connection.execute(text("DELETE FROM response WHERE id = 1"))
    engine.dispose()
