"""Partner API: per-organisation API tokens, webhook endpoints, webhook channel in the outbox

Revision ID: 0009_api
Revises: 0008_login
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa

revision = "0009_api"
down_revision = '0008_login'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_api_tokens_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_api_tokens_revoked_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_organisation_id"), 'api_tokens', ["organisation_id"], unique=False)

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_webhook_endpoints_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_webhook_endpoints_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_index(op.f("ix_webhook_endpoints_organisation_id"), 'webhook_endpoints', ["organisation_id"], unique=False)

    # The outbox learns a third channel: the CHECK constraint of its enum is replaced.
    op.drop_constraint(op.f("ck_outbox_messages_outbox_channel"), 'outbox_messages', type_="check")
    op.alter_column(
        "outbox_messages", "channel", existing_type=sa.String(length=5), type_=sa.String(length=7), existing_nullable=False
    )
    op.create_check_constraint("outbox_channel", 'outbox_messages', "channel IN ('email', 'sms', 'webhook')")


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE channel = 'webhook'")
    op.drop_constraint(op.f("ck_outbox_messages_outbox_channel"), 'outbox_messages', type_="check")
    op.alter_column(
        "outbox_messages", "channel", existing_type=sa.String(length=7), type_=sa.String(length=5), existing_nullable=False
    )
    op.create_check_constraint("outbox_channel", 'outbox_messages', "channel IN ('email', 'sms')")

    op.drop_index(op.f("ix_webhook_endpoints_organisation_id"), table_name='webhook_endpoints')

    op.drop_table("webhook_endpoints")
    op.drop_index(op.f("ix_api_tokens_organisation_id"), table_name='api_tokens')

    op.drop_table("api_tokens")
