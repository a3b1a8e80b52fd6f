"""RGPD: the person audit log records changes (action, fields, IP, user agent) and is append-only; people.anonymised_at; orientation_attachments

Revision ID: 0010_rgpd
Revises: 0009_api
Create Date: 2026-11-25

The append-only triggers are frozen here from orientation/audit/append_only_ddl.py.
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_rgpd'
down_revision = '0009_api'
branch_labels = None
depends_on = None

POSTGRESQL_DDL = [
    """
    CREATE OR REPLACE FUNCTION person_access_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
         AND (NEW.user_id IS NULL OR NEW.user_id IS NOT DISTINCT FROM OLD.user_id)
         AND (NEW.organisation_id IS NULL OR NEW.organisation_id IS NOT DISTINCT FROM OLD.organisation_id)
         AND (to_jsonb(NEW) - 'user_id' - 'organisation_id') = (to_jsonb(OLD) - 'user_id' - 'organisation_id')
      THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING MESSAGE = 'person_access_logs is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER person_access_logs_append_only_rows
      BEFORE UPDATE OR DELETE ON person_access_logs
      FOR EACH ROW EXECUTE FUNCTION person_access_logs_append_only()
    """,
    """
    CREATE TRIGGER person_access_logs_append_only_truncate
      BEFORE TRUNCATE ON person_access_logs
      FOR EACH STATEMENT EXECUTE FUNCTION person_access_logs_append_only()
    """,
]

POSTGRESQL_DROP = [
    'DROP TRIGGER IF EXISTS person_access_logs_append_only_truncate ON person_access_logs',
    'DROP TRIGGER IF EXISTS person_access_logs_append_only_rows ON person_access_logs',
    'DROP FUNCTION IF EXISTS person_access_logs_append_only()',
]

def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    op.add_column('person_access_logs', sa.Column('action', sa.Enum('read', 'create', 'update', 'delete', 'export', 'erase', 'anonymise', name='audit_action', native_enum=False, create_constraint=True, length=9), nullable=False, server_default='read'))
    op.add_column('person_access_logs', sa.Column('target', sa.String(length=50), nullable=True))
    op.add_column('person_access_logs', sa.Column('target_id', sa.BigInteger(), nullable=True))
    op.add_column('person_access_logs', sa.Column('fields', sa.JSON(), nullable=True))
    op.add_column('person_access_logs', sa.Column('ip_address', sa.String(length=45), nullable=True))
    op.add_column('person_access_logs', sa.Column('user_agent', sa.String(length=300), nullable=True))
    op.add_column('people', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('orientation_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_attachments_orientation_id_orientations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_orientation_attachments_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_orientation_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientation_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_orientation_attachments_storage_key'))
    )
    op.create_index('ix_orientation_attachments_orientation_created', 'orientation_attachments', ['orientation_id', 'created_at'], unique=False)

    _run(POSTGRESQL_DDL)


def downgrade():
    _run(POSTGRESQL_DROP)
    op.drop_index('ix_orientation_attachments_orientation_created', table_name='orientation_attachments')
    op.drop_table('orientation_attachments')
    op.drop_column('people', 'anonymised_at')
    op.drop_column('person_access_logs', 'user_agent')
    op.drop_column('person_access_logs', 'ip_address')
    op.drop_column('person_access_logs', 'fields')
    op.drop_column('person_access_logs', 'target_id')
    op.drop_column('person_access_logs', 'target')
    op.drop_constraint(op.f('ck_person_access_logs_audit_action'), 'person_access_logs', type_='check')
    op.drop_column('person_access_logs', 'action')
