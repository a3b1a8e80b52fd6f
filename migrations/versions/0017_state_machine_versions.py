"""state machines: a version on MAS cases and appointments (optimistic concurrency), appointment events

Revision ID: 0017_state_machine_versions
Revises: 0016_follow_up_settings
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0017_state_machine_versions'
down_revision = '0016_follow_up_settings'
branch_labels = None
depends_on = None

_STATUSES = ('planned', 'done', 'missed', 'cancelled')


def upgrade():
    for table in ('mas_cases', 'appointments'):
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        op.create_check_constraint(op.f(f'ck_{table}_version_positive'), table, 'version > 0')

    op.create_table('appointment_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.Enum(*_STATUSES, name='appointment_event_from_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('to_status', sa.Enum(*_STATUSES, name='appointment_event_to_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_appointment_events_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_appointment_events_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_appointment_events_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_events'))
    )
    op.create_index('ix_appointment_events_appointment_at', 'appointment_events', ['appointment_id', 'at'], unique=False)
    op.create_index(op.f('ix_appointment_events_orientation_id'), 'appointment_events', ['orientation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_appointment_events_orientation_id'), table_name='appointment_events')
    op.drop_index('ix_appointment_events_appointment_at', table_name='appointment_events')
    op.drop_table('appointment_events')
    for table in ('appointments', 'mas_cases'):
        op.drop_constraint(op.f(f'ck_{table}_version_positive'), table, type_='check')
        op.drop_column(table, 'version')
