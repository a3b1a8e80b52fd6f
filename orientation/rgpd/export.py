"""Everything held on a person, table by table (RGPD right of access, art. 15).

Every table of the personal-data map (`orientation.personal_data`) is exported, its rows found
the way the map says they reach the person; the map's test fails when a table with a foreign-key
path to `people` is not declared, so a new table of personal data cannot be forgotten. Two tables
without a foreign key are declared too: the audit log (which keeps its rows after an erasure) and
the outbox (messages about the person, by subject). Every column is exported as stored; ids of
accounts, structures, services and communes are also given by name (`references`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from orientation.extensions import db
from orientation.personal_data import personal_data_map

# The sections in the order shown (a table of the map missing here comes last, under its own name).
SECTION_TITLES = {
    "people": "Fiche de la personne",
    "consents": "Consentements",
    "needs": "Besoins",
    "orientations": "Orientations",
    "orientation_needs": "Besoins concernés par chaque orientation",
    "orientation_events": "Historique des orientations",
    "orientation_outcome_details": "Détail du résultat des orientations",
    "orientation_comments": "Échanges entre les structures",
    "appointments": "Rendez-vous",
    "appointment_events": "Suite donnée aux rendez-vous",
    "receiver_links": "Liens envoyés aux structures sans compte",
    "orientation_attachments": "Documents joints aux orientations (le contenu est remis à part)",
    "mas_cases": "Dossiers de la Mission d'Accompagnement en Santé (CPAM)",
    "mas_case_care_kinds": "Soins auxquels la personne a renoncé",
    "mas_case_reasons": "Raisons du renoncement",
    "mas_contact_attempts": "Tentatives de contact (CPAM)",
    "mas_right_reviews": "Bilan des droits (CPAM)",
    "mas_notes": "Notes internes de la CPAM",
    "mas_case_events": "Étapes des dossiers CPAM",
    "medecin_traitant_declarations": "Médecin traitant déclaré",
    "person_access_logs": "Journal des consultations et des modifications",
    "outbox_messages": "Messages envoyés (e-mails, SMS)",
    "user_notifications": "Notifications des agents dans l'application",
}
# Foreign keys shown by name as well as by id.
_REFERENCED = {"users": "Compte", "organisations": "Structure", "services": "Service", "communes": "Commune"}


def export_sources() -> dict[str, tuple[str, str | None]]:
    """table -> (column to match, table whose ids it holds: None for the person's own id), parents first.

    The outbox is not here: its rows are found by subject, once the rows they are about are known.
    """
    data_map = personal_data_map()
    sources = {}
    for name, declaration in data_map.tables.items():
        if declaration.person:
            sources[name] = (declaration.person, None)
        elif declaration.parent:
            sources[name] = (declaration.parent, data_map.parent_table(name))
    return sources


def _subject_tables() -> list[str]:
    data_map = personal_data_map()
    return [name for name, declaration in data_map.tables.items() if declaration.subject]


@dataclass
class PersonExport:
    person_id: int
    sections: dict[str, list[dict]] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)

    def as_json(self, exported_at: datetime) -> dict:
        return {
            "person_id": self.person_id,
            "exported_at": exported_at.isoformat(),
            "tables": self.sections,
            "references": self.references,
        }

    def label(self, table_name: str, column: str, value):
        """The name of a referenced account, structure, service or commune, or None."""
        key = _foreign_table(table_name, column)
        return self.references.get(key, {}).get(str(value)) if key and value is not None else None


def _json_value(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _foreign_table(table_name: str, column: str) -> str | None:
    table = db.metadata.tables.get(table_name)
    if table is None or column not in table.c:
        return None
    for key in table.c[column].foreign_keys:
        if key.column.table.name in _REFERENCED:
            return key.column.table.name
    return None


def _rows(table: sa.Table, condition) -> list[dict]:
    order = list(table.primary_key.columns) or list(table.c)[:1]
    result = db.session.execute(sa.select(table).where(condition).order_by(*order)).mappings()
    return [{key: _json_value(value) for key, value in row.items()} for row in result]


def collect(person_id: int) -> PersonExport:
    """Read every row held on the person (one query per table, none per row)."""
    sections: dict[str, list[dict]] = {}
    tables = db.metadata.tables
    for name, (column, parent) in export_sources().items():
        table = tables[name]
        if parent is None:
            sections[name] = _rows(table, table.c[column] == person_id)
        else:
            ids = [row["id"] for row in sections[parent]]
            sections[name] = _rows(table, table.c[column].in_(ids)) if ids else []
    for name in _subject_tables():
        sections[name] = _message_rows(name, sections)
    order = list(SECTION_TITLES)
    export = PersonExport(person_id)
    export.sections = dict(sorted(sections.items(), key=lambda item: _position(order, item[0])))
    export.references = _references(export)
    return export


def _position(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


def _message_rows(name: str, sections: dict[str, list[dict]]) -> list[dict]:
    """The outbox's messages (never one that carried a credential) and the agents' in-app notifications
    about the rows exported above."""
    table = db.metadata.tables[name]
    type_column, id_column = personal_data_map().tables[name].subject
    conditions = []
    for subject, source in personal_data_map().subjects().items():
        ids = [row["id"] for row in sections[source]]
        if ids:
            conditions.append(sa.and_(table.c[type_column] == subject, table.c[id_column].in_(ids)))
    if not conditions:
        return []
    about = sa.or_(*conditions)
    if "contains_credentials" in table.c:  # the outbox: never a message that carried a credential
        about = sa.and_(about, table.c.contains_credentials.is_(False))
    rows = _rows(table, about)
    for row in rows:
        row.pop("context", None)  # references to rows exported above, nothing more
    return rows


def _references(export: PersonExport) -> dict[str, dict]:
    wanted: dict[str, set] = {name: set() for name in _REFERENCED}
    for table_name, rows in export.sections.items():
        for row in rows:
            for column, value in row.items():
                key = _foreign_table(table_name, column)
                if key and value is not None:
                    wanted[key].add(value)
    tables = db.metadata.tables
    found = {}
    if wanted["users"]:
        users = tables["users"]
        found["users"] = {
            str(row.id): f"{row.first_name} {row.last_name}"
            for row in db.session.execute(
                sa.select(users.c.id, users.c.first_name, users.c.last_name).where(users.c.id.in_(wanted["users"]))
            )
        }
    for name, key in (("organisations", "id"), ("services", "id"), ("communes", "code_insee")):
        if wanted[name]:
            table = tables[name]
            found[name] = {
                str(row[0]): row[1]
                for row in db.session.execute(
                    sa.select(table.c[key], table.c.name).where(table.c[key].in_(wanted[name]))
                )
            }
    return found
