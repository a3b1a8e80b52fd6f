"""people: the person's agreement to short messages about their orientations, and its channel

Revision ID: 0025b_person_messages
Revises: 0025f_outcome_details
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0025b_person_messages"
down_revision = "0025f_outcome_details"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "people",
        sa.Column(
            "messages_channel",
            sa.Enum("none", "sms", "email", name="person_messages_channel", native_enum=False, create_constraint=True),
            server_default="none",
            nullable=False,
        ),
    )


def downgrade():
    op.drop_column("people", "messages_channel")
