"""worker rules for orientations: reminder claims, "service really obtained" answer, daily digest choice

Revision ID: 0005_referral_reminders
Revises: 0004_referrals
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_referral_reminders'
down_revision = '0004_referrals'
branch_labels = None
depends_on = None

SERVICE_OBTAINED = ('yes', 'partly', 'no', 'unknown')


def upgrade():
    op.create_table('orientation_reminders',
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_reminders_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('orientation_id', 'key', name=op.f('pk_orientation_reminders'))
    )
    op.add_column('organisations', sa.Column('notification_digest', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.add_column('orientations', sa.Column('service_obtained', sa.String(length=7), nullable=True))
    op.add_column('orientations', sa.Column('service_obtained_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('orientations', sa.Column('service_obtained_by_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_orientations_service_obtained_by_id_users'), 'orientations', 'users', ['service_obtained_by_id'], ['id'], ondelete='SET NULL')
    op.create_check_constraint(
            'orientation_service_obtained', 'orientations',
            sa.column('service_obtained').in_(SERVICE_OBTAINED) | sa.column('service_obtained').is_(None))


def downgrade():
    op.drop_constraint(op.f('ck_orientations_orientation_service_obtained'), 'orientations', type_='check')
    op.drop_constraint(op.f('fk_orientations_service_obtained_by_id_users'), 'orientations', type_='foreignkey')
    op.drop_column('orientations', 'service_obtained_by_id')
    op.drop_column('orientations', 'service_obtained_at')
    op.drop_column('orientations', 'service_obtained')

    op.drop_column('organisations', 'notification_digest')

    op.drop_table('orientation_reminders')
