"""Database objects for full-text search that SQLAlchemy's metadata cannot describe.

They are attached to the `services` table's `after_create` event, so `db.create_all()` (tests,
benchmark) builds them; the Alembic migration must run the same statements (`POSTGRESQL_DDL`, and
`POSTGRESQL_DROP` in the downgrade).

A `french_unaccent` text search configuration (french stems, accents removed),
a trigger keeping `services.search_vector` (name weighted A, the rest B) and a GIN index on it;
a second trigger adds every lexeme to `search_words`, whose trigram index corrects typos (the
query's unknown words are replaced by the closest known lexemes, then a normal full-text search).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

POSTGRESQL_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION public.french_unaccent (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION public.french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;
      END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION services_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('public.french_unaccent', coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('public.french_unaccent', coalesce(NEW.search_text, '')), 'B');
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER services_search_vector_trigger
      BEFORE INSERT OR UPDATE OF name, search_text ON services
      FOR EACH ROW EXECUTE FUNCTION services_search_vector_update()
    """,
    """
    CREATE OR REPLACE FUNCTION services_search_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO search_words (word) SELECT unnest(tsvector_to_array(NEW.search_vector))
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER services_search_words_trigger
      AFTER INSERT OR UPDATE OF name, search_text ON services
      FOR EACH ROW EXECUTE FUNCTION services_search_words_update()
    """,
    "CREATE INDEX ix_services_search_vector ON services USING gin (search_vector)",
]

# On the search_words table (created by the metadata): trigram index for typo correction.
POSTGRESQL_WORDS_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)",
]

POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS ix_search_words_word_trgm",
    "DROP INDEX IF EXISTS ix_services_search_vector",
    "DROP TRIGGER IF EXISTS services_search_words_trigger ON services",
    "DROP FUNCTION IF EXISTS services_search_words_update()",
    "DROP TRIGGER IF EXISTS services_search_vector_trigger ON services",
    "DROP FUNCTION IF EXISTS services_search_vector_update()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.french_unaccent",
]


def _attach() -> None:
    from orientation.directory.models import SearchWord, Service

    for statement in POSTGRESQL_WORDS_DDL:
        event.listen(SearchWord.__table__, "after_create", DDL(statement))
    table = Service.__table__
    for statement in POSTGRESQL_DDL:
        event.listen(table, "after_create", DDL(statement))


_attach()
