"""notifications: in-app notifications per user, per-kind e-mail choices, last visit of the sent list

Revision ID: 0024c_user_notifications
Revises: 0024b_import_runs
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0024c_user_notifications'
down_revision = '0024b_import_runs'
branch_labels = None
depends_on = None

KINDS = ('orientation_received', 'orientation_changed', 'reminder', 'mas_case')
SUBJECTS = (
    'orientation', 'orientation-reminder', 'appointment', 'mas_case', 'user', 'webhook', 'digest', 'service'
)


def _in(column, values):
    return column + ' IN (' + ', '.join(f"'{value}'" for value in values) + ')'


def upgrade():
    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('mode', sa.String(length=9), nullable=False),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_notification_preferences_notification_event_kind')),
        sa.CheckConstraint(
            _in('mode', ('immediate', 'digest')), name=op.f('ck_notification_preferences_notification_delivery_mode')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences')),
    )
    op.create_table(
        'user_notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_user_notifications_notification_event_kind')),
        sa.CheckConstraint(_in('subject_type', SUBJECTS), name=op.f('ck_user_notifications_outbox_subject_type')),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_user_notifications_user_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['outbox_messages.id'],
            name=op.f('fk_user_notifications_message_id_outbox_messages'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_notifications')),
    )
    op.create_index('ix_user_notifications_user_unread', 'user_notifications', ['user_id', 'read_at', 'created_at'])
    op.create_index('ix_user_notifications_subject', 'user_notifications', ['subject_type', 'subject_id'])
    op.create_table(
        'sent_list_visits',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_sent_list_visits_user_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['organisations.id'],
            name=op.f('fk_sent_list_visits_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'organisation_id', name=op.f('pk_sent_list_visits')),
    )


def downgrade():
    op.drop_table('sent_list_visits')
    op.drop_index('ix_user_notifications_subject', table_name='user_notifications')
    op.drop_index('ix_user_notifications_user_unread', table_name='user_notifications')
    op.drop_table('user_notifications')
    op.drop_table('notification_preferences')
