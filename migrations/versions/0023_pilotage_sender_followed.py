"""pilotage: orientations followed by their sender (« Contact direct ») counted apart

Revision ID: 0023_pilotage_sender_followed
Revises: 0022_directory_provenance
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = '0023_pilotage_sender_followed'
down_revision = '0022_directory_provenance'
branch_labels = None
depends_on = None

MEASURES = (
    'sender_followed',
    'sender_followed_received',
    'sender_followed_not_received',
    'sender_followed_completed',
    'sender_followed_met',
)


def upgrade():
    # Zero until the next refresh (every night a full one) recomputes the months with the new rule.
    for name in MEASURES:
        op.add_column('pilotage_orientation_facts', sa.Column(name, sa.Integer(), server_default='0', nullable=False))


def downgrade():
    for name in reversed(MEASURES):
        op.drop_column('pilotage_orientation_facts', name)
