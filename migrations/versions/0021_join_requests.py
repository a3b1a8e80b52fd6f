"""organisations: join requests (a directory structure asks for its own space)

Revision ID: 0021_join_requests
Revises: 0020_receivers_without_account
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0021_join_requests'
down_revision = '0020_receivers_without_account'
branch_labels = None
depends_on = None

ORGANISATION_TYPES = (
    'edes', 'cpam', 'mediation_numerique', 'france_services', 'centre_sante', 'msp', 'cpts', 'dac',
    'atelier_sante_ville', 'ccas', 'plateforme_mobilite', 'association', 'departement', 'prefecture', 'other',
)


def upgrade():
    op.create_table('join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_type', sa.Enum(*ORGANISATION_TYPES, name='join_request_type', native_enum=False,
                                           create_constraint=True, length=19), nullable=False),
    sa.Column('status', sa.Enum('unconfirmed', 'pending', 'accepted', 'refused', name='join_request_status',
                                native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_join_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_join_requests_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_join_requests_structure_id_structures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_join_requests_token_hash'))
    )
    op.create_index('ix_join_requests_structure_email', 'join_requests', ['structure_id', 'email'], unique=False)
    op.create_index(op.f('ix_join_requests_structure_id'), 'join_requests', ['structure_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_join_requests_structure_id'), table_name='join_requests')
    op.drop_index('ix_join_requests_structure_email', table_name='join_requests')
    op.drop_table('join_requests')
