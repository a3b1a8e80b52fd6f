"""The personal-data map: how each table's rows reach a person, and what each of its columns is.

Declared once, on the models; the audit (`audit/changes.py`), the export (`rgpd/export.py`),
anonymisation (`rgpd/anonymise.py`) and erasure (`rgpd/erasure.py`) read it, and a test
(`tests/test_personal_data.py`) fails when a table that reaches a person, or one of its columns, is
not declared — so a new free text cannot slip past anonymisation unnoticed.

**How a table reaches the person** — a class attribute (`info={"personal_data": ...}` on a plain
`sa.Table`):

    class Person(db.Model):
        __personal_data__ = PersonalData(person="id")                 # the person's own row
    class Need(db.Model):
        __personal_data__ = PersonalData(person="person_id")          # holds the person's id
    class OrientationComment(db.Model):
        __personal_data__ = PersonalData(parent="orientation_id", erase_rows=True)  # Orientation.person

`parent` is a foreign key to a table that itself holds the person's id (an orientation, a MAS case);
the outbox, which has no foreign key to what it is about, uses `subject=(type column, id column)`
and the tables it may be about list the subject types that name them (`outbox_subjects`).

**What each column is** — `info=` on the column, one of the four classes, named by what the
anonymisation of a file does to it:

- `erase()` — identity, contact details and free text about the person (names aside: see blank).
  Anonymisation sets it to NULL; the column must be nullable, unless the table declares
  `erase_rows=True` (its rows — a thread of messages, internal notes — are then deleted whole).
- `blank(value)` — the same kind of data where the schema needs a value, or where NULL would say
  something: anonymisation overwrites it with `value` (a constant such as `""` or `"Personne"`, or a
  function of the column returning an SQL expression, e.g. `blank_if_set(ERASED_TEXT)`).
- `keep()` — what the steering figures are made of, or what points to them: statuses, dates,
  volets, need codes, commune, outcomes, flags, references to accounts, structures and services.
  Anonymisation keeps it.
- `export_only()` — the row's bookkeeping (version counters, `updated_at`, activity stamps): kept,
  given in the export like every column, but never named as a change in the audit log (it moves
  with every other change and says nothing of its own).

Every class is exported (right of access) and, but for `export_only`, named in the audit log when
it changes. Primary-key and foreign-key columns are `keep` unless they say otherwise: an id reveals
nothing by itself, and the export gives the names of the accounts and structures it points to.

This module imports no area: the areas import it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

ERASED_TEXT = "Texte effacé (RGPD)"  # the blank of a required text (e.g. a MAS case's closure reason)

COLUMN_KEY = "personal"  # Column.info key of the class
BLANK_KEY = "blank"  # Column.info key of a blank column's value
TABLE_KEY = "personal_data"  # Table.info key of a plain table's declaration
PEOPLE = "people"


class Personal(enum.StrEnum):
    ERASE = "erase"
    BLANK = "blank"
    KEEP = "keep"
    EXPORT_ONLY = "export_only"


def erase() -> dict:
    return {COLUMN_KEY: Personal.ERASE}


def blank(value) -> dict:
    """`value`: what the column holds once anonymised, or a function(column) -> SQL expression."""
    return {COLUMN_KEY: Personal.BLANK, BLANK_KEY: value}


def blank_if_set(value) -> dict:
    """Blanked with `value` where the column holds something; NULL stays NULL."""
    return blank(lambda column: sa.case((column.is_(None), None), else_=sa.literal(value)))


def keep() -> dict:
    return {COLUMN_KEY: Personal.KEEP}


def export_only() -> dict:
    return {COLUMN_KEY: Personal.EXPORT_ONLY}


CHOICES = "erase(), blank(value), keep() or export_only() (see orientation/personal_data.py)"


def column_class(column: sa.Column) -> Personal | None:
    declared = column.info.get(COLUMN_KEY)
    if declared is None and (column.primary_key or column.foreign_keys):
        return Personal.KEEP
    return declared


def blank_value(column: sa.Column):
    value = column.info[BLANK_KEY]
    return value(column) if callable(value) else value


@dataclass(frozen=True)
class PersonalData:
    """How a table's rows reach the person, and what anonymisation, audit and erasure do with them."""

    person: str | None = None  # the column holding the person's id ("id" for the people table)
    parent: str | None = None  # a foreign key to a table that holds the person's id
    subject: tuple[str, str] | None = None  # (type, id) columns naming the row a message is about
    outbox_subjects: tuple[str, ...] = ()  # outbox subject types whose subject_id is a row of this table
    erase_rows: bool = False  # anonymisation deletes the rows instead of erasing their columns
    not_audited: str | None = None  # why changes to its rows are not logged one by one
    # Its rows feed the steering figures: erasure anonymises a file that has one, instead of deleting it.
    # True, or a function(table) -> condition when only some rows count.
    in_figures: bool | Callable[[sa.Table], sa.ColumnElement] = False


class PersonalDataMap:
    """The declarations of one declarative base, in the metadata's dependency order (parents first)."""

    def __init__(self, base):
        self.metadata: sa.MetaData = base.metadata
        declared = {
            mapper.local_table.name: getattr(mapper.class_, "__personal_data__", None)
            for mapper in base.registry.mappers
        }
        self.tables: dict[str, PersonalData] = {}
        for table in self.metadata.sorted_tables:
            declaration = table.info.get(TABLE_KEY) or declared.get(table.name)
            if declaration is not None:
                self.tables[table.name] = declaration

    def table(self, name: str) -> sa.Table:
        return self.metadata.tables[name]

    def parent_table(self, name: str) -> str:
        """The table a `parent` foreign key points to."""
        (key,) = self.table(name).c[self.tables[name].parent].foreign_keys
        return key.column.table.name

    def path_to_person(self, name: str) -> str:
        """In words, e.g. "orientation_comments.orientation_id → orientations.person_id → people"."""
        declaration = self.tables[name]
        if declaration.parent:
            return f"{name}.{declaration.parent} → {self.path_to_person(self.parent_table(name))}"
        if declaration.subject:
            return f"{name}.{'/'.join(declaration.subject)} → " + " | ".join(
                f"{subject}: {table}" for subject, table in self.subjects().items()
            )
        return PEOPLE if name == PEOPLE else f"{name}.{declaration.person} → {PEOPLE}"

    def columns(self, name: str, *classes: Personal) -> list[sa.Column]:
        return [column for column in self.table(name).c if column_class(column) in classes]

    def audited(self) -> dict[str, PersonalData]:
        return {
            name: declaration
            for name, declaration in self.tables.items()
            if declaration.not_audited is None and (declaration.person or declaration.parent)
        }

    def not_audited(self) -> dict[str, str]:
        return {name: declaration.not_audited for name, declaration in self.tables.items() if declaration.not_audited}

    def subjects(self) -> dict[str, str]:
        """Outbox subject type -> the table whose row it names."""
        return {subject: name for name, declaration in self.tables.items() for subject in declaration.outbox_subjects}

    def rows_of(self, name: str, person_ids) -> sa.ColumnElement:
        """The condition selecting this table's rows that belong to these people."""
        table, declaration = self.table(name), self.tables[name]
        if declaration.person:
            return table.c[declaration.person].in_(person_ids)
        if declaration.parent:
            parent = self.parent_table(name)
            parents = sa.select(self.table(parent).c.id).where(self.rows_of(parent, person_ids))
            return table.c[declaration.parent].in_(parents.scalar_subquery())
        type_column, id_column = declaration.subject
        by_table: dict[str, list[str]] = {}
        for subject, subject_table in self.subjects().items():
            by_table.setdefault(subject_table, []).append(subject)
        return sa.or_(
            *(
                sa.and_(
                    table.c[type_column].in_(subjects),
                    table.c[id_column].in_(
                        sa.select(self.table(about).c.id).where(self.rows_of(about, person_ids)).scalar_subquery()
                    ),
                )
                for about, subjects in by_table.items()
            )
        )

    def anonymised_values(self, name: str) -> dict[str, object]:
        """column name -> what anonymisation writes there (NULL for `erase`, the blank for `blank`)."""
        values: dict[str, object] = {column.name: None for column in self.columns(name, Personal.ERASE)}
        values.update({column.name: blank_value(column) for column in self.columns(name, Personal.BLANK)})
        return values

    def problems(self) -> list[str]:
        """What the map misses or gets wrong, in words (the guard test prints them)."""
        found = []
        for name in sorted(tables_reaching_people(self.metadata, self.tables) - set(self.tables)):
            found.append(
                f"table {name} reaches a person by its foreign keys but declares no `__personal_data__` "
                "(PersonalData(person=...) or PersonalData(parent=...), see orientation/personal_data.py)"
            )
        for name, declaration in self.tables.items():
            table = self.table(name)
            ways = [way for way in (declaration.person, declaration.parent, declaration.subject) if way]
            if len(ways) != 1:
                found.append(f"table {name}: declare exactly one of person=, parent= or subject=")
            elif declaration.person and declaration.person not in table.c:
                found.append(f"table {name}: person={declaration.person!r} is not one of its columns")
            elif declaration.parent and not self._parent_holds_person(name):
                found.append(
                    f"table {name}: parent={declaration.parent!r} must be a foreign key to a table with person="
                )
            for column in table.c:
                kind = column_class(column)
                if kind is None:
                    found.append(f"column {name}.{column.name} has no personal-data class: give it info={CHOICES}")
                elif kind is Personal.ERASE and not column.nullable and not declaration.erase_rows:
                    found.append(
                        f"column {name}.{column.name} is `erase` but NOT NULL: use blank(value) "
                        "(or erase_rows=True on the table)"
                    )
                elif kind is Personal.BLANK and BLANK_KEY not in column.info:
                    found.append(f"column {name}.{column.name} is `blank` without a value: use blank(value)")
        return found

    def _parent_holds_person(self, name: str) -> bool:
        table = self.table(name)
        column = table.c.get(self.tables[name].parent)
        if column is None or len(column.foreign_keys) != 1:
            return False
        parent = self.tables.get(self.parent_table(name))
        return parent is not None and parent.person is not None


def tables_reaching_people(metadata: sa.MetaData, declared=()) -> set[str]:
    """`people`, the declared tables and every table with a foreign-key path to one of them."""
    reaching = {PEOPLE, *declared}
    changed = True
    while changed:
        changed = False
        for table in metadata.tables.values():
            if table.name not in reaching and any(key.column.table.name in reaching for key in table.foreign_keys):
                reaching.add(table.name)
                changed = True
    return reaching & set(metadata.tables)


@cache
def _map(mapper_count: int) -> PersonalDataMap:
    from orientation.db import Base

    return PersonalDataMap(Base)


def personal_data_map() -> PersonalDataMap:
    """The application's map (rebuilt should a model be mapped after the first call)."""
    from orientation.db import Base

    return _map(len(Base.registry.mappers))
