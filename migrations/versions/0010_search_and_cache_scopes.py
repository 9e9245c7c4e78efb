"""search indexes, former names, commitment kinds and public cache scopes

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04 05:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same expressions as app.search.engines: PostgreSQL uses these indexes only when the
# query repeats them exactly.
PG_DOCUMENT = "lower(name || ' ' || former_names)"
PG_TSVECTOR = "to_tsvector('simple'::regconfig, name || ' ' || former_names)"

# SQLite: an FTS5 index (trigram tokenizer) over the organisation table's own columns, kept
# in step by triggers, so bulk inserts (demo, restore) are indexed as well.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE organisation_fts USING fts5(name, former_names, "
    "content='organisation', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER organisation_fts_insert AFTER INSERT ON organisation BEGIN "
    "INSERT INTO organisation_fts(rowid, name, former_names) "
    "VALUES (new.id, new.name, new.former_names); END",
    "CREATE TRIGGER organisation_fts_delete AFTER DELETE ON organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name, former_names) "
    "VALUES ('delete', old.id, old.name, old.former_names); END",
    "CREATE TRIGGER organisation_fts_update AFTER UPDATE OF name, former_names "
    "ON organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name, former_names) "
    "VALUES ('delete', old.id, old.name, old.former_names); "
    "INSERT INTO organisation_fts(rowid, name, former_names) "
    "VALUES (new.id, new.name, new.former_names); END",
    "INSERT INTO organisation_fts(organisation_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS organisation_fts_update",
    "DROP TRIGGER IF EXISTS organisation_fts_delete",
    "DROP TRIGGER IF EXISTS organisation_fts_insert",
    "DROP TABLE IF EXISTS organisation_fts",
]


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_names', sqlmodel.sql.sqltypes.AutoString(
            length=1000), nullable=False, server_default=''))
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default='improve'))
    op.create_table(
        'public_scope_version',
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_public_scope_version')),
    )
    # The directory lists by name, 20 at a time: read them in order instead of sorting all.
    op.execute("CREATE INDEX ix_organisation_search_name ON organisation (lower(name), id)")
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # GiST, not GIN: it returns the nearest names first (ORDER BY ... <<-> ... LIMIT),
        # so a common word ("care") costs the same as a rare one.
        op.execute(f"CREATE INDEX ix_organisation_search_trgm ON organisation "
                   f"USING gist (({PG_DOCUMENT}) gist_trgm_ops)")
        op.execute(f"CREATE INDEX ix_organisation_search_fts ON organisation "
                   f"USING gin (({PG_TSVECTOR}))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_organisation_search_name")
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_organisation_search_fts")
        op.execute("DROP INDEX IF EXISTS ix_organisation_search_trgm")
    op.drop_table('public_scope_version')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('former_names')
