"""directory: import runs (the coordination's import screen: preview, progress, history); the hash of
the source record last imported, on structures and services (a re-sync skips unchanged records)

Revision ID: 0024b_import_runs
Revises: 0024_directory_searches
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '0024b_import_runs'
down_revision = '0024_directory_searches'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('data_inclusion_file', 'mediation_numerique_file', 'data_inclusion_sync',
                                name='import_source', native_enum=False, create_constraint=True, length=24),
              nullable=False),
    sa.Column('origin', sa.Enum('screen', 'command', 'schedule', name='import_origin', native_enum=False,
                                create_constraint=True, length=8), nullable=False),
    sa.Column('status', sa.Enum('previewing', 'previewed', 'queued', 'applying', 'applied', 'failed',
                                name='import_status', native_enum=False, create_constraint=True, length=10),
              nullable=False),
    sa.Column('partial', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('departements', sa.JSON(), nullable=True),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('preview', sa.JSON(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_import_runs_progress_percent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_runs_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    op.create_index('ix_import_runs_created_at', 'import_runs', ['created_at'], unique=False)
    for table in ('structures', 'services'):
        op.add_column(table, sa.Column('import_hash', sa.String(length=32), nullable=True))


def downgrade():
    for table in ('services', 'structures'):
        op.drop_column(table, 'import_hash')
    op.drop_index('ix_import_runs_created_at', table_name='import_runs')
    op.drop_table('import_runs')
