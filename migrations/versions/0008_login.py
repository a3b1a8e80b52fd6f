"""Login security: TOTP second factor and one-time recovery codes

Revision ID: 0008_login
Revises: 0007_pilotage
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_login'
down_revision = '0007_pilotage'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_recovery_codes'))
    )
    op.create_index(op.f('ix_user_recovery_codes_user_id'), 'user_recovery_codes', ['user_id'], unique=False)

    op.add_column('users', sa.Column('totp_secret_encrypted', sa.String(length=255), nullable=True))
    op.add_column('users', sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_enabled_at')
    op.drop_column('users', 'totp_secret_encrypted')

    op.drop_index(op.f('ix_user_recovery_codes_user_id'), table_name='user_recovery_codes')

    op.drop_table('user_recovery_codes')
