"""an organisation's public contact email and contact page

Revision ID: 0013
Revises: 0007
Create Date: 2026-12-04 05:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email',
                                      sqlmodel.sql.sqltypes.AutoString(length=254),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_url',
                                      sqlmodel.sql.sqltypes.AutoString(length=500),
                                      server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('contact_url')
        batch_op.drop_column('contact_email')
