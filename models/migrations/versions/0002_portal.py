"""portal sessions and step confirmations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

The officer portal's server-side sessions (revocable on logout, password change and lockout,
across portal processes) and the officer's confirmations of done steps (models/portal.py).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('portal_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_session_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_session_token_hash'), ['token_hash'], unique=True)

    op.create_table('step_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('step_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'step_code', name='uq_step_confirmation')
    )
    with op.batch_alter_table('step_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_confirmation_dossier_id'), ['dossier_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('step_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_confirmation_dossier_id'))

    op.drop_table('step_confirmation')
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_session_token_hash'))
        batch_op.drop_index(batch_op.f('ix_portal_session_dossier_id'))

    op.drop_table('portal_session')
