"""appointments: who marked them honoured, missed or cancelled, and when

Revision ID: 0011_appointment_follow_up
Revises: 0010_rgpd
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0011_appointment_follow_up'
down_revision = '0010_rgpd'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('appointments', sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('appointments', sa.Column('status_changed_by_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_appointments_status_changed_by_id_users'), 'appointments', 'users',
                                    ['status_changed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    op.drop_constraint(op.f('fk_appointments_status_changed_by_id_users'), 'appointments', type_='foreignkey')
    op.drop_column('appointments', 'status_changed_by_id')
    op.drop_column('appointments', 'status_changed_at')
