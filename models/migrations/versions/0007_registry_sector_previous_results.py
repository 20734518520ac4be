"""the registry's joint committee and sector, the previous edition's national figures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Each technical unit's joint committee and sector (the registry's optional ``joint_committee``
and ``sector`` columns, docs/procedure.md#joint-committees-and-sectors), for the national
results' breakdowns; and the previous edition's national figures staff load from a CSV
(models/previous_results.py, docs/procedure.md#national-results-of-2024).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('previous_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.CheckConstraint("body IN ('CE', 'CPPT', 'all')", name='ck_previous_result_body'),
    sa.CheckConstraint("measure IN ('vote_share', 'seat_share')", name='ck_previous_result_measure'),
    sa.CheckConstraint("organisation IN ('abvv_fgtb', 'acv_csc', 'aclvb_cgslb', 'nck_cnc', 'other')",
                       name='ck_previous_result_organisation'),
    sa.CheckConstraint('value >= 0 AND value <= 100', name='ck_previous_result_value'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition', 'body', 'organisation', 'measure', name='uq_previous_result_figure')
    )
    with op.batch_alter_table('previous_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_previous_result_edition'), ['edition'], unique=False)

    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joint_committee', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=True))
        batch_op.create_check_constraint('ck_technical_unit_sector',
                                         "sector IS NULL OR sector IN ('commercial', 'non_commercial')")


def downgrade() -> None:
    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.drop_constraint('ck_technical_unit_sector', type_='check')
        batch_op.drop_column('sector')
        batch_op.drop_column('joint_committee')

    with op.batch_alter_table('previous_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_previous_result_edition'))

    op.drop_table('previous_result')
