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

SQLITE_DDL = [
    """
    CREATE TRIGGER IF NOT EXISTS person_access_logs_no_delete BEFORE DELETE ON person_access_logs
    BEGIN SELECT RAISE(ABORT, 'person_access_logs is append-only: DELETE refused'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS person_access_logs_no_update BEFORE UPDATE ON person_access_logs
    WHEN NOT ((new.user_id IS NULL OR new.user_id IS old.user_id)
              AND (new.organisation_id IS NULL OR new.organisation_id IS old.organisation_id)
              AND new.id IS old.id AND new.at IS old.at AND new.person_id IS old.person_id AND new.orientation_id IS old.orientation_id AND new.purpose IS old.purpose AND new.action IS old.action AND new.target IS old.target AND new.target_id IS old.target_id AND new.fields IS old.fields AND new.ip_address IS old.ip_address AND new.user_agent IS old.user_agent)
    BEGIN SELECT RAISE(ABORT, 'person_access_logs is append-only: UPDATE refused'); END
    """,
]

SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS person_access_logs_no_update',
    'DROP TRIGGER IF EXISTS person_access_logs_no_delete',
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    with op.batch_alter_table('person_access_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.Enum('read', 'create', 'update', 'delete', 'export', 'erase', 'anonymise', name='audit_action', native_enum=False, create_constraint=True, length=9), nullable=False, server_default='read'))
        batch_op.add_column(sa.Column('target', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('target_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ip_address', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=300), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
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
    with op.batch_alter_table('orientation_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_orientation_attachments_orientation_created', ['orientation_id', 'created_at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        _run(POSTGRESQL_DDL)
    else:
        _run(SQLITE_DDL)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _run(POSTGRESQL_DROP)
    else:
        _run(SQLITE_DROP)
    with op.batch_alter_table('orientation_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_orientation_attachments_orientation_created')
    op.drop_table('orientation_attachments')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('person_access_logs', schema=None) as batch_op:
        batch_op.drop_column('user_agent')
        batch_op.drop_column('ip_address')
        batch_op.drop_column('fields')
        batch_op.drop_column('target_id')
        batch_op.drop_column('target')
        batch_op.drop_constraint(batch_op.f('ck_person_access_logs_audit_action'), type_='check')
        batch_op.drop_column('action')
