"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23

The first schema (2028 edition onwards). The audit trail is made append-only in the database
itself, so no code path, bug or hand-typed SQL can rewrite history.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('flow_run_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('window_first', sa.Date(), nullable=False),
    sa.Column('window_last', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('original_window_first', sa.Date(), nullable=True),
    sa.Column('original_window_last', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('provisional', 'official')", name='ck_edition_status'),
    sa.CheckConstraint('window_first <= window_last', name='ck_edition_window_order'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_year'), ['year'], unique=True)

    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_number', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('officer_ssin', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True),
    sa.Column('ebox_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ebox_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("ebox_status IN ('unknown', 'digital', 'non_digital', 'not_found')", name='ck_enterprise_ebox_status'),
    sa.CheckConstraint("language IN ('fr', 'nl', 'de')", name='ck_enterprise_language'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_enterprise_number'), ['enterprise_number'], unique=True)

    op.create_table('edition_suspension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.CheckConstraint('start <= "end"', name='ck_suspension_order'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'start', name='uq_suspension_edition_start')
    )
    with op.batch_alter_table('edition_suspension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_suspension_edition_id'), ['edition_id'], unique=False)

    op.create_table('technical_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('workers_blue_collar', sa.Integer(), nullable=False),
    sa.Column('workers_white_collar', sa.Integer(), nullable=False),
    sa.Column('workers_young', sa.Integer(), nullable=False),
    sa.Column('workers_cadre', sa.Integer(), nullable=False),
    sa.Column('has_cppt', sa.Boolean(), nullable=False),
    sa.Column('has_ce', sa.Boolean(), nullable=False),
    sa.Column('ce_exists', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('workers_blue_collar >= 0 AND workers_white_collar >= 0 AND workers_young >= 0 AND workers_cadre >= 0', name='ck_technical_unit_workforce'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'code', name='uq_technical_unit_code')
    )
    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technical_unit_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('technical_unit_id', sa.Integer(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('dossier_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('election_day', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('stop_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('stopped_categories', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("body IN ('CPPT', 'CE')", name='ck_dossier_body'),
    sa.CheckConstraint("status IN ('open', 'stopped', 'closed')", name='ck_dossier_status'),
    sa.CheckConstraint("stop_kind IS NULL OR stop_kind IN ('complete', 'partial')", name='ck_dossier_stop'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['technical_unit_id'], ['technical_unit.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'technical_unit_id', 'body', name='uq_dossier_body')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_dossier_number'), ['dossier_number'], unique=True)
        batch_op.create_index(batch_op.f('ix_dossier_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_technical_unit_id'), ['technical_unit_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('document_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('step_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_encrypted', sa.Boolean(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('error_message', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'rendered', 'sent', 'non_digital', 'rejected', 'failed')", name='ck_delivery_state'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'document_kind', 'step_code', name='uq_delivery_once'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_state'), ['state'], unique=False)

    _make_audit_append_only()


APPEND_ONLY_MESSAGE = "audit_event is append-only"


def _make_audit_append_only() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_state'))
        batch_op.drop_index(batch_op.f('ix_delivery_dossier_id'))

    op.drop_table('delivery')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_technical_unit_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_edition_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_dossier_number'))

    op.drop_table('dossier')
    with op.batch_alter_table('technical_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technical_unit_enterprise_id'))

    op.drop_table('technical_unit')
    with op.batch_alter_table('edition_suspension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_suspension_edition_id'))

    op.drop_table('edition_suspension')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_enterprise_number'))

    op.drop_table('enterprise')
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_year'))

    op.drop_table('edition')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
