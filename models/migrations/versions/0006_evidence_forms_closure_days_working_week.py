"""evidence, statistical forms, closure days, the working week

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

What shows that a dossier did a step (models/evidence.py: uploaded notices and PVs, the three
statistical forms), the closure days an officer declares, and each technical unit's usual
working week (the registry's optional ``working_days`` column).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('closure_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technical_unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declared_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['technical_unit_id'], ['technical_unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('technical_unit_id', 'day', name='uq_closure_day')
    )
    with op.batch_alter_table('closure_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_day_technical_unit_id'), ['technical_unit_id'], unique=False)

    op.create_table('statistical_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('saved_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.CheckConstraint("form IN ('basic', 'pre_electoral', 'election')", name='ck_statistical_form_kind'),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name='ck_statistical_form_status'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'form', 'version', name='uq_statistical_form_version')
    )
    with op.batch_alter_table('statistical_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistical_form_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('step_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('step_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('variant', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('stored_as', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint("variant IN ('original', 'after_complaint', 'after_ruling')", name='ck_step_document_variant'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'step_code', 'version', name='uq_step_document_version')
    )
    with op.batch_alter_table('step_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_document_dossier_id'), ['dossier_id'], unique=False)

    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_days', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      nullable=False, server_default='mon-fri'))
        batch_op.create_check_constraint('ck_technical_unit_working_days',
                                         "working_days IN ('mon-fri', 'mon-sat')")



def downgrade() -> None:
    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.drop_constraint('ck_technical_unit_working_days', type_='check')
        batch_op.drop_column('working_days')

    with op.batch_alter_table('step_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_document_dossier_id'))

    op.drop_table('step_document')
    with op.batch_alter_table('statistical_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistical_form_dossier_id'))

    op.drop_table('statistical_form')
    with op.batch_alter_table('closure_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_day_technical_unit_id'))

    op.drop_table('closure_day')
