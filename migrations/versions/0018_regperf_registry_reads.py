"""registry reads: a covering index for the focal points' rosters (one country's active stakeholders
by consent to share, in name order, with the columns the roster filters on), and on SQLite a
trigram index of stakeholder names kept by triggers (PostgreSQL has had one since 0005)

Revision ID: 0018_regperf
Revises: 0017_repans
"""

from typing import Sequence, Union

from alembic import op

revision = "0018_regperf"
down_revision: Union[str, None] = "0017_repans"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = [
    "country",
    "is_active",
    "share_with_focal_point",
    "erased_at",
    "search_name",
    "id",
    "category",
    "gender",
    "stakeholder_type",
    "created_at",
]
# An external-content FTS5 table: it stores the trigrams, not the names, and the triggers keep it
# in step with every write to `stakeholder.search_name`, through the app or not. A migration that
# recreates the stakeholder table (a batch ALTER on SQLite) must create the triggers again.
NAME_INDEX = "fts_stakeholder_name"
NAME_INDEX_UP = (
    f"CREATE VIRTUAL TABLE {NAME_INDEX} USING fts5(search_name, content='stakeholder', content_rowid='id', "
    "tokenize='trigram')",
    f"INSERT INTO {NAME_INDEX}({NAME_INDEX}) VALUES ('rebuild')",
    f"CREATE TRIGGER {NAME_INDEX}_insert AFTER INSERT ON stakeholder BEGIN "
    f"INSERT INTO {NAME_INDEX}(rowid, search_name) VALUES (new.id, new.search_name); END",
    f"CREATE TRIGGER {NAME_INDEX}_delete AFTER DELETE ON stakeholder BEGIN "
    f"INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, search_name) VALUES ('delete', old.id, old.search_name); END",
    f"CREATE TRIGGER {NAME_INDEX}_update AFTER UPDATE OF id, search_name ON stakeholder BEGIN "
    f"INSERT INTO {NAME_INDEX}({NAME_INDEX}, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    f"INSERT INTO {NAME_INDEX}(rowid, search_name) VALUES (new.id, new.search_name); END",
)
NAME_INDEX_DOWN = (
    f"DROP TRIGGER {NAME_INDEX}_update",
    f"DROP TRIGGER {NAME_INDEX}_delete",
    f"DROP TRIGGER {NAME_INDEX}_insert",
    f"DROP TABLE {NAME_INDEX}",
)


def upgrade() -> None:
    op.create_index("ix_stakeholder_roster", "stakeholder", COLUMNS)
    if op.get_bind().dialect.name == "sqlite":
        for statement in NAME_INDEX_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in NAME_INDEX_DOWN:
            op.execute(statement)
    op.drop_index("ix_stakeholder_roster", table_name="stakeholder")
