"""The test databases themselves: one test's leak never fails another."""

import gc
import logging

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


def test_a_session_left_in_a_reference_cycle_is_rolled_back_before_its_database_is_dropped(
    backend, databases, tmp_path, caplog
):
    if backend == "sqlite":
        pytest.skip("a SQLite test database is a file, never dropped under its connections")
    url = databases.fresh(tmp_path)
    engine = create_engine(url)
    leaked = Session(engine)
    leaked.execute(text("SELECT 1"))  # checked out, in a transaction
    leaked.info["cycle"] = leaked  # only the garbage collector frees it
    del leaked
    with caplog.at_level(logging.ERROR, logger="sqlalchemy.pool"):
        databases.drop(url)
        gc.collect()  # what would have happened at some moment inside a later test
    assert [record.getMessage() for record in caplog.records] == []
    engine.dispose()
