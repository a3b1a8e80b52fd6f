"""notifications: the outbox of e-mails and SMS

Revision ID: 0003_notifications
Revises: 0002_directory
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003_notifications'
down_revision = '0002_directory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='outbox_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'cancelled', 'held', 'digested', name='outbox_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('contains_credentials', sa.Boolean(), nullable=False),
    sa.Column('subject_type', sa.String(length=50), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('digest_key', sa.String(length=100), nullable=True),
    sa.Column('deliver_as_digest', sa.Boolean(), nullable=False),
    sa.Column('digest_message_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status <> 'digested' OR digest_message_id IS NOT NULL", name=op.f('ck_outbox_messages_digested_has_digest')),
    sa.CheckConstraint("status <> 'held' OR digest_key IS NOT NULL", name=op.f('ck_outbox_messages_held_has_digest_key')),
    sa.CheckConstraint("status <> 'sending' OR claimed_at IS NOT NULL", name=op.f('ck_outbox_messages_sending_has_claim')),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_outbox_messages_sent_has_sent_at')),
    sa.CheckConstraint('NOT deliver_as_digest OR digest_key IS NOT NULL', name=op.f('ck_outbox_messages_digest_needs_key')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
    sa.ForeignKeyConstraint(['digest_message_id'], ['outbox_messages.id'], name=op.f('fk_outbox_messages_digest_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_outbox_messages_recipient_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key'))
    )
    op.create_index('ix_outbox_messages_held_digest_key', 'outbox_messages', ['digest_key'], unique=False, postgresql_where=sa.text("status = 'held'"))
    op.create_index(op.f('ix_outbox_messages_recipient_user_id'), 'outbox_messages', ['recipient_user_id'], unique=False)
    op.create_index('ix_outbox_messages_status_not_before', 'outbox_messages', ['status', 'not_before'], unique=False)
    op.create_index('ix_outbox_messages_subject', 'outbox_messages', ['subject_type', 'subject_id'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_messages_subject', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_status_not_before', table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_recipient_user_id'), table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_held_digest_key', table_name='outbox_messages', postgresql_where=sa.text("status = 'held'"))

    op.drop_table('outbox_messages')
