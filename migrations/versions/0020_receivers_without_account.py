"""referrals: receivers without an account (reception, receiver e-mail, personal links) and who acted by link

Revision ID: 0020_receivers_without_account
Revises: 0019_ops_heartbeats
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0020_receivers_without_account'
down_revision = '0019_ops_heartbeats'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('orientations', sa.Column(
        'reception',
        sa.Enum('members', 'link', 'sender', name='orientation_reception', native_enum=False, create_constraint=True),
        server_default='members', nullable=False))
    op.add_column('orientations', sa.Column('receiver_email', sa.String(length=254), nullable=True))
    op.alter_column('orientations', 'receiver_organisation_id', existing_type=sa.Integer(), nullable=True)
    op.create_check_constraint(
        op.f('ck_orientations_members_have_organisation'), 'orientations',
        "reception <> 'members' OR receiver_organisation_id IS NOT NULL")
    op.create_check_constraint(
        op.f('ck_orientations_link_has_email'), 'orientations', "reception <> 'link' OR receiver_email IS NOT NULL")
    op.create_check_constraint(
        op.f('ck_orientations_sender_followed_has_no_receiver'), 'orientations',
        "reception <> 'sender' OR receiver_organisation_id IS NULL")

    op.add_column('orientation_events', sa.Column('actor_email', sa.String(length=254), nullable=True))
    op.add_column('appointment_events', sa.Column('actor_email', sa.String(length=254), nullable=True))
    op.add_column('appointments', sa.Column('created_by_email', sa.String(length=254), nullable=True))
    op.add_column('orientation_comments', sa.Column('author_email', sa.String(length=254), nullable=True))
    op.alter_column('orientation_comments', 'organisation_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('receiver_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('last_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_receiver_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_receiver_links_orientation_id_orientations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_receiver_links_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receiver_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_receiver_links_token_hash'))
    )
    op.create_index('ix_receiver_links_email', 'receiver_links', ['email'], unique=False)
    op.create_index(op.f('ix_receiver_links_orientation_id'), 'receiver_links', ['orientation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_receiver_links_orientation_id'), table_name='receiver_links')
    op.drop_index('ix_receiver_links_email', table_name='receiver_links')
    op.drop_table('receiver_links')
    op.execute("DELETE FROM orientation_comments WHERE organisation_id IS NULL")
    op.alter_column('orientation_comments', 'organisation_id', existing_type=sa.Integer(), nullable=False)
    op.drop_column('orientation_comments', 'author_email')
    op.drop_column('appointments', 'created_by_email')
    op.drop_column('appointment_events', 'actor_email')
    op.drop_column('orientation_events', 'actor_email')
    op.drop_constraint(op.f('ck_orientations_sender_followed_has_no_receiver'), 'orientations', type_='check')
    op.drop_constraint(op.f('ck_orientations_link_has_email'), 'orientations', type_='check')
    op.drop_constraint(op.f('ck_orientations_members_have_organisation'), 'orientations', type_='check')
    op.execute("DELETE FROM orientations WHERE receiver_organisation_id IS NULL")
    op.alter_column('orientations', 'receiver_organisation_id', existing_type=sa.Integer(), nullable=False)
    op.drop_column('orientations', 'receiver_email')
    op.drop_column('orientations', 'reception')
