"""Triggers that make `person_access_logs` append-only in the database itself.

Attached to the table's `after_create` event, so `db.create_all()` (tests, benchmarks) builds
them; migration 0010_rgpd runs the same statements (`POSTGRESQL_DDL`, `POSTGRESQL_DROP`).
The one UPDATE allowed is the foreign keys' `ON DELETE SET NULL` (an account or a structure
deleted): every other column must stay as it was, and the two may only become NULL.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

POSTGRESQL_DDL = [
    """
    CREATE OR REPLACE FUNCTION person_access_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
         AND (NEW.user_id IS NULL OR NEW.user_id IS NOT DISTINCT FROM OLD.user_id)
         AND (NEW.organisation_id IS NULL OR NEW.organisation_id IS NOT DISTINCT FROM OLD.organisation_id)
         AND (to_jsonb(NEW) - 'user_id' - 'organisation_id') = (to_jsonb(OLD) - 'user_id' - 'organisation_id')
      THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING MESSAGE = 'person_access_logs is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER person_access_logs_append_only_rows
      BEFORE UPDATE OR DELETE ON person_access_logs
      FOR EACH ROW EXECUTE FUNCTION person_access_logs_append_only()
    """,
    """
    CREATE TRIGGER person_access_logs_append_only_truncate
      BEFORE TRUNCATE ON person_access_logs
      FOR EACH STATEMENT EXECUTE FUNCTION person_access_logs_append_only()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS person_access_logs_append_only_truncate ON person_access_logs",
    "DROP TRIGGER IF EXISTS person_access_logs_append_only_rows ON person_access_logs",
    "DROP FUNCTION IF EXISTS person_access_logs_append_only()",
]


def _attach() -> None:
    from orientation.audit.models import PersonAccessLog

    table = PersonAccessLog.__table__
    for statement in POSTGRESQL_DDL:
        event.listen(table, "after_create", DDL(statement))
    for statement in POSTGRESQL_DROP:
        event.listen(table, "before_drop", DDL(statement))


_attach()
