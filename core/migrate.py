"""Alembic, driven from the app so it always uses the app's DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    command.current(alembic_config(database_url), verbose=True)


def revision(database_url: str, message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=autogenerate)


# Full-text indexes that migrations create and triggers keep (SQLite FTS5 tables and their shadow
# tables), not models: the comparison with the models leaves them out.
FULL_TEXT_PREFIX = "fts_"


def compared_name(name, type_, _parent_names) -> bool:
    """Alembic's `include_name`: everything but the full-text indexes."""
    return not (type_ == "table" and name and name.startswith(FULL_TEXT_PREFIX))


def schema_differences(engine: Engine) -> list:
    """What autogenerate would change to make the database match the models (empty when in step)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True, "include_name": compared_name}
        )
        return compare_metadata(context, SQLModel.metadata)
