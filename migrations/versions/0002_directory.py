"""directory: structures, services, thématiques, zones, full-text search

Revision ID: 0002_directory
Revises: 0001_foundation
Create Date: 2026-11-25

The search objects SQLAlchemy cannot describe (text search configuration, triggers, GIN
indexes) are frozen here from orientation/directory/search_ddl.py.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002_directory'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

POSTGRESQL_DDL = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    'CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)',
    'CREATE EXTENSION IF NOT EXISTS unaccent',
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    "DO $$ BEGIN\n      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN\n        CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);\n        ALTER TEXT SEARCH CONFIGURATION public.french_unaccent\n          ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;\n      END IF;\n    END $$",
    "CREATE OR REPLACE FUNCTION services_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$\n    BEGIN\n      NEW.search_vector :=\n        setweight(to_tsvector('public.french_unaccent', coalesce(NEW.name, '')), 'A') ||\n        setweight(to_tsvector('public.french_unaccent', coalesce(NEW.search_text, '')), 'B');\n      RETURN NEW;\n    END $$",
    'CREATE TRIGGER services_search_vector_trigger\n      BEFORE INSERT OR UPDATE OF name, search_text ON services\n      FOR EACH ROW EXECUTE FUNCTION services_search_vector_update()',
    'CREATE OR REPLACE FUNCTION services_search_words_update() RETURNS trigger LANGUAGE plpgsql AS $$\n    BEGIN\n      INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(NEW.search_vector))\n        ON CONFLICT DO NOTHING;\n      RETURN NULL;\n    END $$',
    'CREATE TRIGGER services_search_words_trigger\n      AFTER INSERT OR UPDATE OF name, search_text ON services\n      FOR EACH ROW EXECUTE FUNCTION services_search_words_update()',
    'CREATE INDEX ix_services_search_vector ON services USING gin (search_vector)',
]

POSTGRESQL_DROP = [
    'DROP INDEX IF EXISTS ix_search_words_word_trgm',
    'DROP INDEX IF EXISTS ix_services_search_vector',
    'DROP TRIGGER IF EXISTS services_search_words_trigger ON services',
    'DROP FUNCTION IF EXISTS services_search_words_update()',
    'DROP TRIGGER IF EXISTS services_search_vector_trigger ON services',
    'DROP FUNCTION IF EXISTS services_search_vector_update()',
    'DROP TEXT SEARCH CONFIGURATION IF EXISTS public.french_unaccent',
]

def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    op.create_table('search_words',
    sa.Column('word', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    op.create_table('structures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('telephone', sa.String(length=50), nullable=True),
    sa.Column('courriel', sa.String(length=254), nullable=True),
    sa.Column('site_web', sa.String(length=2083), nullable=True),
    sa.Column('lien_source', sa.String(length=2083), nullable=True),
    sa.Column('horaires_accueil', sa.String(length=500), nullable=True),
    sa.Column('accessibilite_lieu', sa.String(length=2083), nullable=True),
    sa.Column('reseaux_porteurs', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('date_maj', sa.Date(), nullable=True),
    sa.Column('adresse', sa.String(length=300), nullable=True),
    sa.Column('complement_adresse', sa.String(length=300), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('commune_name', sa.String(length=200), nullable=True),
    sa.Column('code_insee', sa.String(length=5), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('position_is_approximate', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code_insee'], name=op.f('fk_structures_commune_code_communes')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_structures_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structures')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_structures_source_source_id'))
    )
    op.create_index(op.f('ix_structures_commune_code'), 'structures', ['commune_code'], unique=False)
    op.create_index(op.f('ix_structures_organisation_id'), 'structures', ['organisation_id'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('type', sa.Enum('accompagnement', 'aide-financiere', 'aide-materielle', 'atelier', 'formation', 'information', name='service_type', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('publics', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('publics_precisions', sa.Text(), nullable=True),
    sa.Column('frais', sa.Enum('gratuit', 'payant', name='service_frais', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('frais_precisions', sa.Text(), nullable=True),
    sa.Column('conditions_acces', sa.Text(), nullable=True),
    sa.Column('modes_accueil', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('modes_mobilisation', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('mobilisable_par', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('mobilisation_precisions', sa.Text(), nullable=True),
    sa.Column('lien_mobilisation', sa.String(length=2083), nullable=True),
    sa.Column('contact_nom_prenom', sa.String(length=200), nullable=True),
    sa.Column('telephone', sa.String(length=50), nullable=True),
    sa.Column('courriel', sa.String(length=254), nullable=True),
    sa.Column('horaires_accueil', sa.String(length=500), nullable=True),
    sa.Column('accessibilite_lieu', sa.String(length=2083), nullable=True),
    sa.Column('lien_source', sa.String(length=2083), nullable=True),
    sa.Column('nombre_semaines', sa.Integer(), nullable=True),
    sa.Column('volume_horaire_hebdomadaire', sa.Float(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('date_maj', sa.Date(), nullable=True),
    sa.Column('accepts_orientations', sa.Boolean(), nullable=False),
    sa.Column('receiving_organisation_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Enum('open', 'waiting_list', 'full', name='service_capacity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('capacity_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder_unopened_days', sa.Integer(), nullable=True),
    sa.Column('reminder_undecided_days', sa.Integer(), nullable=True),
    sa.Column('expiry_days', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('search_title', sa.String(length=500), nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR(), nullable=True),
    sa.Column('adresse', sa.String(length=300), nullable=True),
    sa.Column('complement_adresse', sa.String(length=300), nullable=True),
    sa.Column('code_postal', sa.String(length=5), nullable=True),
    sa.Column('commune_name', sa.String(length=200), nullable=True),
    sa.Column('code_insee', sa.String(length=5), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('position_is_approximate', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expiry_days IS NULL OR expiry_days > 0', name=op.f('ck_services_expiry_days_positive')),
    sa.CheckConstraint('reminder_undecided_days IS NULL OR reminder_undecided_days > 0', name=op.f('ck_services_reminder_undecided_days_positive')),
    sa.CheckConstraint('reminder_unopened_days IS NULL OR reminder_unopened_days > 0', name=op.f('ck_services_reminder_unopened_days_positive')),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code_insee'], name=op.f('fk_services_commune_code_communes')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_services_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['receiving_organisation_id'], ['organisations.id'], name=op.f('fk_services_receiving_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_services_structure_id_structures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_services_source_source_id'))
    )
    op.create_index(op.f('ix_services_commune_code'), 'services', ['commune_code'], unique=False)
    op.create_index('ix_services_latitude_longitude', 'services', ['latitude', 'longitude'], unique=False)
    op.create_index(op.f('ix_services_receiving_organisation_id'), 'services', ['receiving_organisation_id'], unique=False)
    op.create_index(op.f('ix_services_structure_id'), 'services', ['structure_id'], unique=False)

    op.create_table('service_thematiques',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('thematique', sa.String(length=150), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_thematiques_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'thematique', name=op.f('pk_service_thematiques'))
    )
    op.create_index('ix_service_thematiques_thematique_service', 'service_thematiques', ['thematique', 'service_id'], unique=False)

    op.create_table('service_zones',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_zones_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'code', name=op.f('pk_service_zones'))
    )
    op.create_index('ix_service_zones_code_service', 'service_zones', ['code', 'service_id'], unique=False)

    _run(POSTGRESQL_DDL)


def downgrade():
    _run(POSTGRESQL_DROP)
    op.drop_index('ix_service_zones_code_service', table_name='service_zones')

    op.drop_table('service_zones')
    op.drop_index('ix_service_thematiques_thematique_service', table_name='service_thematiques')

    op.drop_table('service_thematiques')
    op.drop_index(op.f('ix_services_structure_id'), table_name='services')
    op.drop_index(op.f('ix_services_receiving_organisation_id'), table_name='services')
    op.drop_index('ix_services_latitude_longitude', table_name='services')
    op.drop_index(op.f('ix_services_commune_code'), table_name='services')

    op.drop_table('services')
    op.drop_index(op.f('ix_structures_organisation_id'), table_name='structures')
    op.drop_index(op.f('ix_structures_commune_code'), table_name='structures')

    op.drop_table('structures')
    op.drop_table('search_words')
