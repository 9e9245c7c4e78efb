"""sign-up tallies per area and for England, and each organisation's share of them

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0014'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The shares as app.organisations.tallies.shares() works them out, written out here so the
# migration stays as it is when the code moves on.
BACKFILL = """
WITH listed AS (
    SELECT id, kind FROM organisation
    WHERE confirmed AND public AND hidden_reason IS NULL AND merged_into_id IS NULL
), signed AS (
    SELECT c.organisation_id AS id, c.framework_id FROM commitment c
    WHERE c.withdrawn_on IS NULL
      AND NOT EXISTS (SELECT 1 FROM commitment l WHERE l.organisation_id = c.organisation_id
                      AND l.framework_id = c.framework_id AND l.id > c.id)
      AND c.organisation_id IN (SELECT id FROM listed)
), places AS (
    SELECT id, '' AS area_code FROM listed
    UNION ALL
    SELECT organisation_id, area_code FROM organisation_area
    WHERE organisation_id IN (SELECT id FROM listed)
), frameworks AS (
    SELECT id, '*' AS framework_id FROM listed
    UNION ALL
    SELECT DISTINCT id, '' FROM signed
    UNION ALL
    SELECT id, framework_id FROM signed
)
INSERT INTO tally_share (organisation_id, area_code, framework_id, kind)
SELECT p.id, p.area_code, f.framework_id, l.kind
FROM places p JOIN frameworks f ON f.id = p.id JOIN listed l ON l.id = p.id
"""
TOTALS = """
INSERT INTO signup_tally (area_code, framework_id, kind, total)
SELECT area_code, framework_id, kind, count(*) FROM tally_share
GROUP BY area_code, framework_id, kind
"""


def upgrade() -> None:
    op.create_table('signup_tally',
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('framework_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('area_code', 'framework_id', 'kind', name=op.f('pk_signup_tally'))
    )
    op.create_table('tally_share',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('framework_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'area_code', 'framework_id',
                            name=op.f('pk_tally_share'))
    )
    with op.batch_alter_table('tally_share', schema=None) as batch_op:
        batch_op.create_index('ix_tally_share_area', ['area_code', 'framework_id'], unique=False)
    op.execute(BACKFILL)
    op.execute(TOTALS)


def downgrade() -> None:
    op.drop_table('tally_share')
    op.drop_table('signup_tally')
