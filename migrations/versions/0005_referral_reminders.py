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
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_digest', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('orientations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_obtained', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('service_obtained_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('service_obtained_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_orientations_service_obtained_by_id_users'), 'users', ['service_obtained_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            'orientation_service_obtained',
            sa.column('service_obtained').in_(SERVICE_OBTAINED) | sa.column('service_obtained').is_(None))


def downgrade():
    with op.batch_alter_table('orientations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_orientations_orientation_service_obtained'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_orientations_service_obtained_by_id_users'), type_='foreignkey')
        batch_op.drop_column('service_obtained_by_id')
        batch_op.drop_column('service_obtained_at')
        batch_op.drop_column('service_obtained')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('notification_digest')

    op.drop_table('orientation_reminders')
