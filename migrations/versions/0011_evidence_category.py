"""evidence category (CQC's evidence categories for councils)

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-04 05:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same defaults as app.assessments.models.default_category, frozen here: a quote counts
# by who said it, everything else starts as processes.
QUOTE_CATEGORIES = {
    'person_using_support': 'people_experience',
    'family_carer': 'people_experience',
    'staff': 'staff_leaders',
    'partner': 'partners',
}


def upgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=False,
                                      server_default='processes'))
    evidence = sa.table('evidence', sa.column('kind', sa.String), sa.column('source_kind', sa.String),
                        sa.column('category', sa.String))
    for source_kind, category in QUOTE_CATEGORIES.items():
        op.execute(evidence.update()
                   .where(evidence.c.kind == 'quote', evidence.c.source_kind == source_kind)
                   .values(category=category))


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('category')
