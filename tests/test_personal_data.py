"""The personal-data map covers every table that reaches a person, and every column of those tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from orientation.extensions import db
from orientation.personal_data import (
    Personal,
    PersonalData,
    PersonalDataMap,
    blank,
    column_class,
    erase,
    keep,
    personal_data_map,
    tables_reaching_people,
)


def test_every_column_of_every_table_reaching_a_person_has_a_class():
    data_map = personal_data_map()
    problems = data_map.problems()
    assert problems == [], "the personal-data map is incomplete:\n" + "\n".join(problems)
    # The walk really follows the paths: directly, via orientations, needs and MAS cases.
    reaching = tables_reaching_people(db.metadata)
    assert {"consents", "orientation_events", "orientation_needs", "mas_notes", "medecin_traitant_declarations"} <= (
        reaching
    )
    assert reaching <= set(data_map.tables)
    # Tables reached without a foreign key are declared as well.
    assert {"person_access_logs", "outbox_messages"} <= set(data_map.tables)
    assert (
        data_map.path_to_person("orientation_comments")
        == "orientation_comments.orientation_id → orientations.person_id → people"
    )
    assert data_map.path_to_person("mas_notes") == "mas_notes.case_id → mas_cases.person_id → people"
    assert data_map.path_to_person("people") == "people"


def test_the_free_texts_of_a_file_are_erased():
    """A few columns whose class matters most: a mistake here would leak or lose data."""
    tables = db.metadata.tables
    expected = {
        ("people", "first_name"): Personal.BLANK,
        ("people", "email"): Personal.ERASE,
        ("people", "commune_code"): Personal.KEEP,
        ("orientations", "message"): Personal.BLANK,
        ("orientations", "status"): Personal.KEEP,
        ("orientations", "version"): Personal.EXPORT_ONLY,
        ("orientation_comments", "body"): Personal.ERASE,
        ("mas_notes", "body"): Personal.ERASE,
        ("mas_cases", "follow_up_note"): Personal.ERASE,
        ("outbox_messages", "body"): Personal.ERASE,
    }
    assert {key: column_class(tables[key[0]].c[key[1]]) for key in expected} == expected


def _toy_base(*, with_class: bool):
    """A person and their visits, the visit's new free-text column classified or not."""

    class Base(DeclarativeBase):
        pass

    class Person(Base):
        __tablename__ = "people"
        __personal_data__ = PersonalData(person="id")
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(info=blank("Personne"))

    class Visit(Base):
        __tablename__ = "visits"
        __personal_data__ = PersonalData(person="person_id")
        id: Mapped[int] = mapped_column(primary_key=True)
        person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
        at: Mapped[str] = mapped_column(info=keep())
        remark: Mapped[str | None] = mapped_column(sa.Text, info=erase() if with_class else {})

    class VisitFile(Base):  # reaches the person through its visit, and declares nothing
        __tablename__ = "visit_files"
        id: Mapped[int] = mapped_column(primary_key=True)
        visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id"))

    return Base


def test_a_new_column_or_table_without_a_class_fails_with_the_choices():
    problems = PersonalDataMap(_toy_base(with_class=False)).problems()
    assert len(problems) == 2, problems
    assert problems[0].startswith("table visit_files reaches a person")
    assert "visits.remark has no personal-data class" in problems[1]
    assert "erase(), blank(value), keep() or export_only()" in problems[1]
    assert PersonalDataMap(_toy_base(with_class=True)).problems() == [problems[0]]


def test_an_erased_column_that_cannot_be_null_asks_for_a_blank():
    class Base(DeclarativeBase):
        pass

    class Person(Base):
        __tablename__ = "people"
        __personal_data__ = PersonalData(person="id")
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(info=erase())

    (problem,) = PersonalDataMap(Base).problems()
    assert "people.name is `erase` but NOT NULL: use blank(value)" in problem
