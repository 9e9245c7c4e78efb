"""one rate-limit table for every limit; sessions ended by logging out

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 05:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counts_table(name: str, key_length: int) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=key_length), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{name}_key'), ['key'], unique=False)


def _drop_counts_table(name: str) -> None:
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{name}_key'))
        batch_op.drop_index(batch_op.f(f'ix_{name}_at'))
    op.drop_table(name)


def upgrade() -> None:
    # Counts of recent failed logins are not worth keeping across the rename: a fresh
    # table, with keys that hash the address they count (no email address in plain text).
    _drop_counts_table('login_attempt')
    _counts_table('rate_limit_hit', 100)
    op.create_table('ended_session',
    sa.Column('sid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_ended_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_ended_session'))
    )
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_session_ended_at'), ['ended_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_ended_session_user_id'), ['user_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_ended_session_ended_at'))
    op.drop_table('ended_session')
    _drop_counts_table('rate_limit_hit')
    _counts_table('login_attempt', 300)
