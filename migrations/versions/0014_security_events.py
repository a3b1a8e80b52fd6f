"""security journal: logins, failures, changes of credentials and of rights

Revision ID: 0014_security_events
Revises: 0013_webhook_secrets
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = '0014_security_events'
down_revision = '0013_webhook_secrets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('security_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_security_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_security_events_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_security_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events'))
    )
    op.create_index('ix_security_events_at', 'security_events', ['at'], unique=False)
    op.create_index('ix_security_events_user_at', 'security_events', ['user_id', 'at'], unique=False)
    op.create_index('ix_security_events_kind_at', 'security_events', ['kind', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_security_events_kind_at', table_name='security_events')
    op.drop_index('ix_security_events_user_at', table_name='security_events')
    op.drop_index('ix_security_events_at', table_name='security_events')
    op.drop_table('security_events')
