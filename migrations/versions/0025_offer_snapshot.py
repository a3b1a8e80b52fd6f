"""pilotage: the offer as last computed by the worker (services per EPCI, distances to the nearest service)

Revision ID: 0025_offer_snapshot
Revises: 0024a_directory_freshness
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0025_offer_snapshot'
down_revision = '0024a_directory_freshness'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pilotage_offer_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pilotage_offer_snapshots')),
    )


def downgrade():
    op.drop_table('pilotage_offer_snapshots')
