"""ops: heartbeats of the periodic jobs and workers; index of the outbox's deliveries by time (metrics)

Revision ID: 0019_ops_heartbeats
Revises: 0018_outbox_subject_type
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0019_ops_heartbeats'
down_revision = '0018_outbox_subject_type'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ops_heartbeats',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_duration_seconds', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_ops_heartbeats')),
    )
    op.create_index('ix_outbox_messages_sent_at', 'outbox_messages', ['sent_at'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_messages_sent_at', table_name='outbox_messages')
    op.drop_table('ops_heartbeats')
