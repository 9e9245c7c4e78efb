"""search words: the distinct words of organisations' names, for typo-tolerant search

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 15:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL only (SQLite's FTS5 trigram table already matches parts of words). A typed word
# is looked up among a few thousand distinct words, not in 30 000 whole names: the nearest
# words by trigram distance, then the organisations holding them through the full-text index.
# The words are the full-text index's own (to_tsvector 'simple'), so a word found here is
# always one that index holds. A trigger keeps the table in step with every insert and
# rename, bulk ones (demo, restore, import) included; a word nobody uses any more finds
# nothing, so words are never removed.
WORDS = ("unnest(tsvector_to_array(to_tsvector('simple'::regconfig, "
         "{row}name || ' ' || {row}former_names)))")
PG_DOCUMENT = "lower(name || ' ' || former_names)"

UP = [
    "CREATE TABLE organisation_search_words (word text PRIMARY KEY)",
    "CREATE INDEX ix_organisation_search_words_trgm ON organisation_search_words "
    "USING gist (word gist_trgm_ops)",
    "CREATE FUNCTION organisation_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN INSERT INTO organisation_search_words (word) SELECT " + WORDS.format(row="NEW.")
    + " ON CONFLICT DO NOTHING; RETURN NULL; END $$",
    "CREATE TRIGGER organisation_search_words_add AFTER INSERT OR UPDATE OF name, "
    "former_names ON organisation FOR EACH ROW EXECUTE FUNCTION organisation_search_words_add()",
    "INSERT INTO organisation_search_words (word) SELECT DISTINCT " + WORDS.format(row="")
    + " FROM organisation ON CONFLICT DO NOTHING",
    # Full-text queries built up word by word: any of them, every one of them.
    "CREATE AGGREGATE search_any (tsquery) (SFUNC = tsquery_or, STYPE = tsquery)",
    "CREATE AGGREGATE search_every (tsquery) (SFUNC = tsquery_and, STYPE = tsquery)",
    # Whole names are no longer searched by trigram (the words are): no index to keep up.
    "DROP INDEX IF EXISTS ix_organisation_search_trgm",
]
DOWN = [
    f"CREATE INDEX ix_organisation_search_trgm ON organisation "
    f"USING gist (({PG_DOCUMENT}) gist_trgm_ops)",
    "DROP AGGREGATE IF EXISTS search_every (tsquery)",
    "DROP AGGREGATE IF EXISTS search_any (tsquery)",
    "DROP TRIGGER IF EXISTS organisation_search_words_add ON organisation",
    "DROP FUNCTION IF EXISTS organisation_search_words_add()",
    "DROP TABLE IF EXISTS organisation_search_words",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in DOWN:
            op.execute(statement)
