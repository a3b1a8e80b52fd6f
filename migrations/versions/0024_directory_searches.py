"""pilotage: directory searches kept without personal data (what was searched, how many results)

Revision ID: 0024_directory_searches
Revises: 0023_pilotage_sender_followed
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0024_directory_searches'
down_revision = '0023_pilotage_sender_followed'
branch_labels = None
depends_on = None

VOLETS = ('numerique', 'sante', 'mobilite')


def upgrade():
    op.create_table(
        'pilotage_directory_searches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('searched_on', sa.Date(), nullable=False),
        sa.Column('volet', sa.Enum(*VOLETS, name='pilotage_search_volet', native_enum=False, create_constraint=True, length=9), nullable=True),
        sa.Column('thematique', sa.String(length=120), nullable=True),
        sa.Column('commune_code', sa.String(length=5), nullable=True),
        sa.Column('label', sa.String(length=80), nullable=True),
        sa.Column('filters', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('with_text', sa.Boolean(), nullable=False),
        sa.Column('results', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_directory_searches')),
    )
    op.create_index('ix_pilotage_directory_searches_searched_on', 'pilotage_directory_searches', ['searched_on'])


def downgrade():
    op.drop_index('ix_pilotage_directory_searches_searched_on', table_name='pilotage_directory_searches')
    op.drop_table('pilotage_directory_searches')
