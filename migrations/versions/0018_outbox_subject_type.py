"""outbox: what a message is about is one of the known subject types (CHECK constraint, no data change)

Every value the code ever wrote is in the enum (notifications.models.SubjectType), so existing rows
pass the constraint as they are; the longest value has 20 characters.

Revision ID: 0018_outbox_subject_type
Revises: 0017_state_machine_versions
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0018_outbox_subject_type'
down_revision = '0017_state_machine_versions'
branch_labels = None
depends_on = None

SUBJECT_TYPES = ('orientation', 'orientation-reminder', 'appointment', 'mas_case', 'user', 'webhook', 'digest',
                 'service')


def upgrade():
    op.alter_column(
        'outbox_messages', 'subject_type',
        existing_type=sa.String(length=50), type_=sa.String(length=20), existing_nullable=True,
    )
    op.create_check_constraint(
        op.f('ck_outbox_messages_outbox_subject_type'), 'outbox_messages',
        'subject_type IN (' + ', '.join(f"'{value}'" for value in SUBJECT_TYPES) + ')',
    )


def downgrade():
    op.drop_constraint(op.f('ck_outbox_messages_outbox_subject_type'), 'outbox_messages', type_='check')
    op.alter_column(
        'outbox_messages', 'subject_type',
        existing_type=sa.String(length=20), type_=sa.String(length=50), existing_nullable=True,
    )
