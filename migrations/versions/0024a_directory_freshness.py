"""directory: the freshness loop (each service's update frequency, when its managers were last asked)
and « Signaler une erreur » (service_error_reports); outbox messages may be about a structure

Revision ID: 0024a_directory_freshness
Revises: 0024c_user_notifications
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

revision = "0024a_directory_freshness"
down_revision = "0024c_user_notifications"
branch_labels = None
depends_on = None

SUBJECT_TYPES = ("orientation", "orientation-reminder", "appointment", "mas_case", "user", "webhook", "digest", "service")


def _subject_types_check(values):
    # The outbox's subject types, and the in-app notifications' (one per e-mail: the same types).
    for table in ("outbox_messages", "user_notifications"):
        op.drop_constraint(op.f(f"ck_{table}_outbox_subject_type"), table, type_="check")
        op.create_check_constraint(
            op.f(f"ck_{table}_outbox_subject_type"),
            table,
            "subject_type IN (" + ", ".join(f"'{value}'" for value in values) + ")",
        )


def upgrade():
    op.add_column("services", sa.Column("freshness_months", sa.Integer(), nullable=True))
    op.add_column("services", sa.Column("freshness_asked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(
        op.f("ck_services_freshness_months_range"), "services", "freshness_months BETWEEN 1 AND 36"
    )
    op.create_index("ix_services_freshness_asked_at", "services", ["freshness_asked_at"])
    op.create_table(
        "service_error_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("done_at IS NOT NULL OR done_by_id IS NULL", name=op.f("ck_service_error_reports_done_consistent")),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], name=op.f("fk_service_error_reports_service_id_services"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reported_by_id"], ["users.id"], name=op.f("fk_service_error_reports_reported_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"], name=op.f("fk_service_error_reports_done_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_error_reports")),
    )
    op.create_index(op.f("ix_service_error_reports_service_id"), "service_error_reports", ["service_id"])
    op.create_index(
        "ix_service_error_reports_open", "service_error_reports", ["service_id"], postgresql_where=sa.text("done_at IS NULL")
    )
    _subject_types_check((*SUBJECT_TYPES, "structure"))


def downgrade():
    op.execute("UPDATE outbox_messages SET subject_type = NULL WHERE subject_type = 'structure'")
    op.execute("DELETE FROM user_notifications WHERE subject_type = 'structure'")
    _subject_types_check(SUBJECT_TYPES)
    op.drop_index("ix_service_error_reports_open", table_name="service_error_reports")
    op.drop_index(op.f("ix_service_error_reports_service_id"), table_name="service_error_reports")
    op.drop_table("service_error_reports")
    op.drop_index("ix_services_freshness_asked_at", table_name="services")
    op.drop_constraint(op.f("ck_services_freshness_months_range"), "services", type_="check")
    op.drop_column("services", "freshness_asked_at")
    op.drop_column("services", "freshness_months")
