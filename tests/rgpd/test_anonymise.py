"""Anonymisation erases every `erase` column and blanks every `blank` one of every table of the map."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from orientation.extensions import db
from orientation.personal_data import Personal, blank_value, personal_data_map
from orientation.rgpd.anonymise import anonymise_people
from orientation.rgpd.export import collect
from tests.rgpd.builders import SECRETS

ERASED = (Personal.ERASE, Personal.BLANK)


def _secret(column: sa.Column):
    """A value of the column's type that anonymisation must not leave behind."""
    if isinstance(column.type, sa.Enum):
        return next(value for value in column.type.enums if value != column.info.get("blank"))
    python_type = column.type.python_type
    if python_type is date:
        return date(1958, 4, 2)
    if python_type is dict:
        return {"secret": "Mme Pereira"}
    return f"Secret {column.name}"[: getattr(column.type, "length", None) or 100]


def _fill_every_erased_column(person_id: int) -> None:
    data_map = personal_data_map()
    for name in data_map.tables:
        columns = data_map.columns(name, *ERASED)
        if columns:
            values = {column.name: _secret(column) for column in columns}
            db.session.execute(
                sa.update(data_map.table(name)).where(data_map.rows_of(name, [person_id])).values(values)
            )
    db.session.expire_all()


def _rows_not_anonymised(name: str, person_id: int) -> tuple[int, int]:
    """(rows of the person, rows with a column still not erased or blanked)."""
    data_map = personal_data_map()
    table, rows = data_map.table(name), data_map.rows_of(name, [person_id])
    checks = [column.is_not_distinct_from(None) for column in data_map.columns(name, Personal.ERASE)]
    checks += [column.is_not_distinct_from(blank_value(column)) for column in data_map.columns(name, Personal.BLANK)]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(rows))
    left = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(rows, sa.not_(sa.and_(*checks))))
    return total, left


def test_anonymisation_erases_every_erase_column_of_every_table(full):
    person_id = full.person.id
    data_map = personal_data_map()
    with_personal_columns = [name for name in data_map.tables if data_map.columns(name, *ERASED)]
    exported = collect(person_id).sections
    assert all(exported[name] for name in with_personal_columns), "the full file should fill every such table"
    _fill_every_erased_column(person_id)
    assert all(_rows_not_anonymised(name, person_id)[1] for name in with_personal_columns)  # the secrets are in

    anonymise_people([person_id], purpose="test")

    for name in with_personal_columns:
        total, left = _rows_not_anonymised(name, person_id)
        if data_map.tables[name].erase_rows:
            assert total == 0, f"{name}: rows should be deleted"
        else:
            assert total and left == 0, f"{name}: {left} of {total} rows keep an erase or blank column"
    # Nothing written above survives anywhere in the export (an agent's own address aside).
    dump = str(collect(person_id).sections)
    for secret in (*SECRETS.values(), "Mme Pereira", "1958-04-02", "Rosa", "Pereira"):
        assert secret not in dump, secret
    survivors = {part for part in dump.split("'") if part.startswith("Secret ")}
    assert survivors <= {"Secret recipient"}, survivors
