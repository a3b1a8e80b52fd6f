"""directory: withdrawn entries (gone from their source) and national labels of structures

Revision ID: 0022_directory_provenance
Revises: 0021_join_requests
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0022_directory_provenance"
down_revision = "0021_join_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("structures", sa.Column("labels_nationaux", postgresql.JSONB(none_as_null=True), nullable=True))
    op.add_column("structures", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("services", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("services", "withdrawn_at")
    op.drop_column("structures", "withdrawn_at")
    op.drop_column("structures", "labels_nationaux")
