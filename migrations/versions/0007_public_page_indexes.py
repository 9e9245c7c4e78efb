"""indexes for the public pages at scale

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 18:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Finding each organisation's latest commitment per framework (every status query), and
    # the newest publications on the home page, without scanning whole tables.
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_latest', ['organisation_id', 'framework_id', 'id'],
                              unique=False)
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_published_at'), ['published_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_published_at'))
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_latest')
