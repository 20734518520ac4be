"""approvals, print batches, claims

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The four-eyes approvals and the letters each covers (models/approval.py), print batches
(models/print_batch.py), the outbox's ``held`` state, its claim count and key generation
(models/delivery.py), and the dossier's calendar revision (the ICS SEQUENCE).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES_BEFORE = "state IN ('pending', 'rendered', 'sent', 'non_digital', 'rejected', 'failed')"
STATES_WITH_HELD = ("state IN ('pending', 'rendered', 'sent', 'non_digital', 'rejected', "
                    "'failed', 'held')")


def upgrade() -> None:
    op.create_table('mailing_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('flow_run_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('approver', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'approved', 'refused')", name='ck_mailing_approval_status'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mailing_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailing_approval_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailing_approval_flow_run_id'), ['flow_run_id'], unique=False)

    op.create_table('print_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.Column('holds_credentials', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('print_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_batch_edition_id'), ['edition_id'], unique=False)

    op.create_table('approval_delivery',
    sa.Column('approval_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['approval_id'], ['mailing_approval.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('approval_id', 'delivery_id')
    )
    with op.batch_alter_table('approval_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_delivery_delivery_id'), ['delivery_id'], unique=False)

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('key_generation', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('print_batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_delivery_print_batch_id'), ['print_batch_id'], unique=False)
        batch_op.create_foreign_key('fk_delivery_print_batch_id_print_batch', 'print_batch',
                                    ['print_batch_id'], ['id'], ondelete='RESTRICT')
        batch_op.drop_constraint('ck_delivery_state', type_='check')
        batch_op.create_check_constraint('ck_delivery_state', STATES_WITH_HELD)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_revision', sa.Integer(), nullable=False,
                                      server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('calendar_revision')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint('ck_delivery_state', type_='check')
        batch_op.create_check_constraint('ck_delivery_state', STATES_BEFORE)
        batch_op.drop_constraint('fk_delivery_print_batch_id_print_batch', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_delivery_print_batch_id'))
        batch_op.drop_column('print_batch_id')
        batch_op.drop_column('key_generation')
        batch_op.drop_column('claims')

    with op.batch_alter_table('approval_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_delivery_delivery_id'))

    op.drop_table('approval_delivery')
    with op.batch_alter_table('print_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_batch_edition_id'))

    op.drop_table('print_batch')
    with op.batch_alter_table('mailing_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailing_approval_flow_run_id'))
        batch_op.drop_index(batch_op.f('ix_mailing_approval_edition_id'))

    op.drop_table('mailing_approval')
