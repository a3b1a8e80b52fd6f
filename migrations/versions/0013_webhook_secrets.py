"""webhooks: the signing secrets stored encrypted instead of in clear

Revision ID: 0013_webhook_secrets
Revises: 0011_appointment_follow_up
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

from orientation.secret_box import decrypt, encrypt

revision = '0013_webhook_secrets'
down_revision = '0011_appointment_follow_up'
branch_labels = None
depends_on = None

endpoints = sa.table('webhook_endpoints', sa.column('id', sa.Integer), sa.column('secret', sa.String),
                     sa.column('secret_encrypted', sa.String))


def _convert(source: str, target: str, convert) -> None:
    connection = op.get_bind()
    for endpoint_id, value in connection.execute(sa.select(endpoints.c.id, endpoints.c[source])).all():
        connection.execute(endpoints.update().where(endpoints.c.id == endpoint_id)
                           .values({target: convert(value) if value else ''}))


def upgrade():
    # Flask-Migrate runs migrations inside the app: the key comes from its configuration.
    op.add_column('webhook_endpoints', sa.Column('secret_encrypted', sa.String(length=255), nullable=True))
    _convert('secret', 'secret_encrypted', lambda value: encrypt(value, 'webhook'))
    op.alter_column('webhook_endpoints', 'secret_encrypted', existing_type=sa.String(length=255), nullable=False)
    op.drop_column('webhook_endpoints', 'secret')


def downgrade():
    op.add_column('webhook_endpoints', sa.Column('secret', sa.String(length=100), nullable=True))
    _convert('secret_encrypted', 'secret', lambda value: decrypt(value, 'webhook'))
    op.alter_column('webhook_endpoints', 'secret', existing_type=sa.String(length=100), nullable=False)
    op.drop_column('webhook_endpoints', 'secret_encrypted')
