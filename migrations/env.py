"""Alembic environment: the schema is SQLModel's metadata, the URL comes from the app config."""

from logging.config import fileConfig

from alembic import context

from app import load_models
from core.db import make_engine
from core.migrate import compared_name

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = load_models()  # every table, from the model modules app.py imports


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite changes columns by copying the table
            compare_type=True,
            include_name=compared_name,  # autogenerate leaves the full-text indexes alone
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
