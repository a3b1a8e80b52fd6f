"""directory: indexes on services.updated_at and services.confirmed_at (the API's modified_after pulls)

Revision ID: 0015_service_change_indexes
Revises: 0014_security_events
Create Date: 2026-12-03
"""
from alembic import op

revision = '0015_service_change_indexes'
down_revision = '0014_security_events'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_services_updated_at', 'services', ['updated_at'], unique=False)
    op.create_index('ix_services_confirmed_at', 'services', ['confirmed_at'], unique=False)


def downgrade():
    op.drop_index('ix_services_confirmed_at', table_name='services')
    op.drop_index('ix_services_updated_at', table_name='services')
