"""one assessment model: independent views become assessments of another organisation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 05:50:00.000000

A view's draft moves from `independent_view` (and `view_rating`, `view_evidence`,
`view_co_production`) into `assessment` (and `rating`, `evidence`, `co_production`): the
author is `organisation_id`, the organisation viewed is `subject_organisation_id`, and a
view rating's reasons are the rating's `working`. Evidence files stay where they are on
disk: only the rows that name them move. The downgrade moves them back.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVIDENCE_COLUMNS = ('kind', 'text', 'url', 'file_name', 'stored_name', 'content_type', 'size',
                     'source_kind', 'consent_to_publish', 'attributed_name', 'publishable',
                     'created_by_id', 'created_at')
_CO_PRODUCTION_COLUMNS = ('people_using_support', 'family_carers', 'staff',
                          'partner_organisations', 'methods', 'other_method',
                          'what_people_said', 'version', 'updated_by_id', 'updated_at')


def _tables() -> dict[str, sa.Table]:
    """Light descriptions of the tables the data moves between (as at this revision)."""
    meta = sa.MetaData()
    time = sqlmodel.sql.sqltypes.UTCDateTime()

    def columns(*names: str, **types: Any) -> list[sa.Column[Any]]:
        return [sa.Column(name, types.get(name, sa.Integer())) for name in names]

    evidence_types = {'kind': sa.String(), 'text': sa.Text(), 'url': sa.String(),
                      'file_name': sa.String(), 'stored_name': sa.String(),
                      'content_type': sa.String(), 'source_kind': sa.String(),
                      'consent_to_publish': sa.Boolean(), 'attributed_name': sa.String(),
                      'publishable': sa.Boolean(), 'created_at': time}
    co_types = {'methods': sa.JSON(), 'other_method': sa.String(),
                'what_people_said': sa.Text(), 'updated_at': time}
    return {
        'assessment': sa.Table('assessment', meta, *columns(
            'id', 'organisation_id', 'subject_organisation_id', 'framework_id',
            'framework_version', 'name', 'previous_id', 'about_publication_id',
            'created_by_id', 'created_at', framework_id=sa.String(),
            framework_version=sa.String(), name=sa.String(), created_at=time)),
        'rating': sa.Table('rating', meta, *columns(
            'id', 'assessment_id', 'marker_code', 'level', 'not_applicable_reason', 'working',
            'needs_change', 'red_flags', 'carried_over', 'version', 'updated_by_id',
            'updated_at', marker_code=sa.String(), level=sa.String(),
            not_applicable_reason=sa.Text(), working=sa.Text(), needs_change=sa.Text(),
            red_flags=sa.JSON(), carried_over=sa.Boolean(), updated_at=time)),
        'evidence': sa.Table('evidence', meta, *columns('id', 'rating_id', *_EVIDENCE_COLUMNS,
                                                          **evidence_types)),
        'co_production': sa.Table('co_production', meta, *columns(
            'id', 'assessment_id', *_CO_PRODUCTION_COLUMNS, **co_types)),
        'publication': sa.Table('publication', meta, *columns('id', 'snapshot',
                                                                snapshot=sa.JSON())),
        'independent_view': sa.Table('independent_view', meta, *columns(
            'id', 'organisation_id', 'about_organisation_id', 'framework_id',
            'about_publication_id', 'created_by_id', 'created_at', framework_id=sa.String(),
            created_at=time)),
        'view_rating': sa.Table('view_rating', meta, *columns(
            'id', 'view_id', 'marker_code', 'level', 'reasons', 'version', 'updated_by_id',
            'updated_at', marker_code=sa.String(), level=sa.String(), reasons=sa.Text(),
            updated_at=time)),
        'view_evidence': sa.Table('view_evidence', meta, *columns(
            'id', 'view_rating_id', *_EVIDENCE_COLUMNS, **evidence_types)),
        'view_co_production': sa.Table('view_co_production', meta, *columns(
            'id', 'view_id', *_CO_PRODUCTION_COLUMNS, **co_types)),
    }


def _insert(connection: sa.Connection, table: sa.Table, values: dict[str, Any]) -> int:
    return int(connection.execute(sa.insert(table).values(**values)
                                  .returning(table.c.id)).scalar_one())


def _create_view_tables() -> None:
    op.create_table('independent_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('about_organisation_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('about_publication_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['about_organisation_id'], ['organisation.id'], name=op.f('fk_independent_view_about_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['about_publication_id'], ['publication.id'], name=op.f('fk_independent_view_about_publication_id_publication'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_independent_view_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_independent_view_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_independent_view'))
    )
    with op.batch_alter_table('independent_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_independent_view_about_organisation_id'), ['about_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_independent_view_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('view_co_production',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('view_id', sa.Integer(), nullable=False),
    sa.Column('people_using_support', sa.Integer(), nullable=False),
    sa.Column('family_carers', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('partner_organisations', sa.Integer(), nullable=False),
    sa.Column('methods', sa.JSON(), nullable=False),
    sa.Column('other_method', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('what_people_said', sa.Text(), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_view_co_production_updated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['view_id'], ['independent_view.id'], name=op.f('fk_view_co_production_view_id_independent_view'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_co_production')),
    sa.UniqueConstraint('view_id', name=op.f('uq_view_co_production_view_id'))
    )
    op.create_table('view_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('view_id', sa.Integer(), nullable=False),
    sa.Column('marker_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('reasons', sa.Text(), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_view_rating_updated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['view_id'], ['independent_view.id'], name=op.f('fk_view_rating_view_id_independent_view'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_rating')),
    sa.UniqueConstraint('view_id', 'marker_code', name=op.f('uq_view_rating_view_id'))
    )
    with op.batch_alter_table('view_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_view_rating_view_id'), ['view_id'], unique=False)

    op.create_table('view_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('view_rating_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sa.Text(), server_default='', nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('source_kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('attributed_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('publishable', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_view_evidence_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['view_rating_id'], ['view_rating.id'], name=op.f('fk_view_evidence_view_rating_id_view_rating'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_view_evidence'))
    )
    with op.batch_alter_table('view_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_view_evidence_view_rating_id'), ['view_rating_id'], unique=False)


def _drop_view_tables() -> None:
    with op.batch_alter_table('view_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_view_evidence_view_rating_id'))
    op.drop_table('view_evidence')
    with op.batch_alter_table('view_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_view_rating_view_id'))
    op.drop_table('view_rating')
    op.drop_table('view_co_production')
    with op.batch_alter_table('independent_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_independent_view_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_independent_view_about_organisation_id'))
    op.drop_table('independent_view')


def _framework_version(connection: sa.Connection, t: dict[str, sa.Table],
                       publication_id: int | None) -> str:
    """The framework version of the publication a view looks at (what it was rated on)."""
    if publication_id is None:
        return ''
    snapshot = connection.execute(sa.select(t['publication'].c.snapshot).where(
        t['publication'].c.id == publication_id)).scalar_one_or_none() or {}
    return str((snapshot.get('framework') or {}).get('version', ''))[:40]


def _move_views_in(connection: sa.Connection) -> None:
    t = _tables()
    views = connection.execute(sa.select(t['independent_view'])
                               .order_by(t['independent_view'].c.id)).mappings().all()
    for view in views:
        assessment_id = _insert(connection, t['assessment'], {
            'organisation_id': view['organisation_id'],
            'subject_organisation_id': view['about_organisation_id'],
            'framework_id': view['framework_id'],
            'framework_version': _framework_version(connection, t,
                                                    view['about_publication_id']),
            'name': '', 'previous_id': None,
            'about_publication_id': view['about_publication_id'],
            'created_by_id': view['created_by_id'], 'created_at': view['created_at']})
        ratings = connection.execute(sa.select(t['view_rating']).where(
            t['view_rating'].c.view_id == view['id']).order_by(t['view_rating'].c.id)
        ).mappings().all()
        for rating in ratings:
            rating_id = _insert(connection, t['rating'], {
                'assessment_id': assessment_id, 'marker_code': rating['marker_code'],
                'level': rating['level'], 'not_applicable_reason': '',
                'working': rating['reasons'], 'needs_change': '', 'red_flags': [],
                'carried_over': False, 'version': rating['version'],
                'updated_by_id': rating['updated_by_id'], 'updated_at': rating['updated_at']})
            for item in connection.execute(sa.select(t['view_evidence']).where(
                    t['view_evidence'].c.view_rating_id == rating['id'])
                    .order_by(t['view_evidence'].c.id)).mappings():
                _insert(connection, t['evidence'], {
                    'rating_id': rating_id, **{c: item[c] for c in _EVIDENCE_COLUMNS}})
        for record in connection.execute(sa.select(t['view_co_production']).where(
                t['view_co_production'].c.view_id == view['id'])).mappings():
            _insert(connection, t['co_production'], {
                'assessment_id': assessment_id,
                **{c: record[c] for c in _CO_PRODUCTION_COLUMNS}})


def _move_views_out(connection: sa.Connection) -> None:
    t = _tables()
    a = t['assessment']
    views = connection.execute(sa.select(a).where(
        a.c.subject_organisation_id != a.c.organisation_id).order_by(a.c.id)).mappings().all()
    for view in views:
        view_id = _insert(connection, t['independent_view'], {
            'organisation_id': view['organisation_id'],
            'about_organisation_id': view['subject_organisation_id'],
            'framework_id': view['framework_id'],
            'about_publication_id': view['about_publication_id'],
            'created_by_id': view['created_by_id'], 'created_at': view['created_at']})
        ratings = connection.execute(sa.select(t['rating']).where(
            t['rating'].c.assessment_id == view['id']).order_by(t['rating'].c.id)
        ).mappings().all()
        for rating in ratings:
            view_rating_id = _insert(connection, t['view_rating'], {
                'view_id': view_id, 'marker_code': rating['marker_code'],
                'level': rating['level'], 'reasons': rating['working'],
                'version': rating['version'], 'updated_by_id': rating['updated_by_id'],
                'updated_at': rating['updated_at']})
            for item in connection.execute(sa.select(t['evidence']).where(
                    t['evidence'].c.rating_id == rating['id'])
                    .order_by(t['evidence'].c.id)).mappings():
                _insert(connection, t['view_evidence'], {
                    'view_rating_id': view_rating_id,
                    **{c: item[c] for c in _EVIDENCE_COLUMNS}})
        for record in connection.execute(sa.select(t['co_production']).where(
                t['co_production'].c.assessment_id == view['id'])).mappings():
            _insert(connection, t['view_co_production'], {
                'view_id': view_id, **{c: record[c] for c in _CO_PRODUCTION_COLUMNS}})
    # Children first: SQLite does not cascade unless foreign keys are switched on.
    ids = [view['id'] for view in views]
    if ids:
        rating_ids = sa.select(t['rating'].c.id).where(t['rating'].c.assessment_id.in_(ids))
        connection.execute(sa.delete(t['evidence']).where(
            t['evidence'].c.rating_id.in_(rating_ids)))
        connection.execute(sa.delete(t['rating']).where(t['rating'].c.assessment_id.in_(ids)))
        connection.execute(sa.delete(t['co_production']).where(
            t['co_production'].c.assessment_id.in_(ids)))
        connection.execute(sa.delete(a).where(a.c.id.in_(ids)))


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('about_publication_id', sa.Integer(), nullable=True))
    op.execute('UPDATE assessment SET subject_organisation_id = organisation_id')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.alter_column('subject_organisation_id', existing_type=sa.Integer(),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_assessment_subject_organisation_id'),
                              ['subject_organisation_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_assessment_subject_organisation_id_organisation'), 'organisation',
            ['subject_organisation_id'], ['id'], ondelete='CASCADE')
    _move_views_in(op.get_bind())
    _drop_view_tables()


def downgrade() -> None:
    _create_view_tables()
    _move_views_out(op.get_bind())
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_assessment_subject_organisation_id_organisation'),
            type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessment_subject_organisation_id'))
        batch_op.drop_column('about_publication_id')
        batch_op.drop_column('subject_organisation_id')
