"""state machines: a version on MAS cases and appointments (optimistic concurrency), appointment events

Revision ID: 0016_state_machine_versions
Revises: 0015_service_change_indexes
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0016_state_machine_versions'
down_revision = '0015_service_change_indexes'
branch_labels = None
depends_on = None

_STATUSES = ('planned', 'done', 'missed', 'cancelled')


def upgrade():
    for table in ('mas_cases', 'appointments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_version_positive'), 'version > 0')

    op.create_table('appointment_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
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
    with op.batch_alter_table('appointment_events', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_events_appointment_at', ['appointment_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_events_orientation_id'), ['orientation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appointment_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_events_orientation_id'))
        batch_op.drop_index('ix_appointment_events_appointment_at')
    op.drop_table('appointment_events')
    for table in ('appointments', 'mas_cases'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_version_positive'), type_='check')
            batch_op.drop_column('version')
