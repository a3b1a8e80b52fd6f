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
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_changed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appointments_status_changed_by_id_users'), 'users',
                                    ['status_changed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointments_status_changed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('status_changed_by_id')
        batch_op.drop_column('status_changed_at')
