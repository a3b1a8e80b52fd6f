"""pilotage: the person's situation flags (publics fragiles) as a dimension of the rolled-up tables

Revision ID: 0025e_pilotage_publics
Revises: 0025_offer_snapshot
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025e_pilotage_publics"
down_revision = "0025_offer_snapshot"
branch_labels = None
depends_on = None

TABLES = ("pilotage_orientation_facts", "pilotage_decline_facts", "pilotage_delay_facts")
OLD_LEVELS = ("territory", "sender", "service", "detail")
NEW_LEVELS = ("territory", "public", "sender", "service", "detail")


def _levels(table, levels):
    name = f"ck_{table}_pilotage_level"
    op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    values = ", ".join(f"'{level}'" for level in levels)
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK (level IN ({values}))")


def upgrade():
    # Empty (NULL) until the next refresh (every night a full one) fills the new level and the detail's flags.
    for table in TABLES:
        op.add_column(table, sa.Column("public", sa.SmallInteger(), nullable=True))
        _levels(table, NEW_LEVELS)


def downgrade():
    for table in TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE level = 'public'"))  # noqa: S608 (a constant table name)
        _levels(table, OLD_LEVELS)
        op.drop_column(table, "public")
