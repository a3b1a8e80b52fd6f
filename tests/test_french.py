"""The French of the pages: numbers, dates, durations, elision and articles, collation (orientation.french)."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

import pytest

from orientation import french

NNBSP = "\u202f"  # narrow no-break space, between thousands
NBSP = "\u00a0"


def test_numbers_have_a_decimal_comma_and_narrow_spaces_between_thousands():
    assert french.number(2.94) == "2,9"
    assert french.number(12345.6) == f"12{NNBSP}345,6"
    assert french.number(3.0) == "3"
    assert french.number(1234, 0) == f"1{NNBSP}234"
    assert french.number(None) == "—"


@pytest.mark.parametrize(
    ("km", "text"),
    [(0.3, f"300{NBSP}m"), (0.004, f"10{NBSP}m"), (2.44, f"2,4{NBSP}km"), (1.0, f"1{NBSP}km"), (12.6, f"13{NBSP}km")],
)
def test_distances_in_metres_then_kilometres(km, text):
    assert french.distance(km) == text


def test_durations_and_shares():
    assert french.days(2.94) == f"2,9{NBSP}jours"
    assert french.days(1.0) == f"1{NBSP}jour"
    assert french.days(1.5) == f"1,5{NBSP}jour"  # plural from two, in French
    assert french.days(None) == "—"
    assert french.percent(0.666) == f"67{NBSP}%"
    assert french.percent(None) == "—"


def test_dates_say_premier_and_are_in_paris_time():
    assert french.date_fr(date(2026, 12, 1)) == "1er décembre 2026"
    assert french.date_fr(date(2026, 12, 2)) == "2 décembre 2026"
    assert french.day_month(date(2026, 7, 14)) == "14 juillet"
    # 23:30 UTC on 30 November is 1 December in Paris.
    assert french.datetime_fr(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "1er décembre 2026 à 00:30"
    assert french.date_fr(None) == "—"


def test_months_june_and_july_never_meet():
    assert french.month_label("2026-06") == "juin 2026"
    assert french.month_abbreviation(6) == "juin"
    assert french.month_abbreviation(7) == "juil."
    assert french.short_month_label("juin 2026") == "juin 26"
    assert french.short_month_label("juillet 2026") == "juil. 26"
    assert french.short_month_label("février 2027") == "févr. 27"


@pytest.mark.parametrize(
    ("name", "of", "to"),
    [
        ("EDeS d'Orange", "de l'EDeS d'Orange", "à l'EDeS d'Orange"),
        ("CPAM de Vaucluse", "de la CPAM de Vaucluse", "à la CPAM de Vaucluse"),
        ("CCAS d'Avignon", "du CCAS d'Avignon", "au CCAS d'Avignon"),
        ("MSP de Piolenc", "de la MSP de Piolenc", "à la MSP de Piolenc"),
        ("Département de Vaucluse — Pôle Solidarités", "du Département de Vaucluse — Pôle Solidarités", None),
        ("Maison de santé du Mont Ventoux", "de la Maison de santé du Mont Ventoux", None),
        ("Espace numérique du Thor", "de l'Espace numérique du Thor", None),
        ("France Travail", "de France Travail", "à France Travail"),
        ("Orange", "d'Orange", "à Orange"),
        ("Avignon", "d'Avignon", "à Avignon"),
        ("Le Pontet", "du Pontet", "au Pontet"),
        ("Les Taillades", "des Taillades", "aux Taillades"),
        ("La Tour-d'Aigues", "de La Tour-d'Aigues", "à La Tour-d'Aigues"),
        ("L'Isle-sur-la-Sorgue", "de L'Isle-sur-la-Sorgue", "à L'Isle-sur-la-Sorgue"),
        ("Ahmed Benali", "d'Ahmed Benali", None),
        ("Jeanne Martin", "de Jeanne Martin", None),
        ("Hélène Roux", "d'Hélène Roux", None),
    ],
)
def test_de_and_au_elide_and_know_the_article_of_organisation_names(name, of, to):
    assert french.de(name) == of
    if to:
        assert french.au(name) == to


def test_que_and_le_elide():
    assert french.que("agent") == "qu'agent"
    assert french.que("responsable") == "que responsable"
    assert french.que("habitant") == "qu'habitant"
    assert french.le("CPAM") == "la CPAM"
    assert french.le("CCAS") == "le CCAS"
    assert french.le("EDeS") == "l'EDeS"
    assert french.le("agent") == "l'agent"


def test_collation_puts_accents_with_their_letter():
    communes = ["Buoux", "Bédarrides", "Bollène", "Avignon", "Éguilles", "Entraigues-sur-la-Sorgue", "beaumes"]
    assert french.sorted_names(communes) == [
        "Avignon",
        "beaumes",
        "Bédarrides",
        "Bollène",
        "Buoux",
        "Éguilles",
        "Entraigues-sur-la-Sorgue",
    ]
    assert french.sorted_names(["Saint-Saturnin", "Sainte-Cécile", "Saint Didier"]) == [
        "Saint Didier",
        "Saint-Saturnin",
        "Sainte-Cécile",
    ]
    # Same letters: the exact form breaks the tie, the same way every time.
    assert french.sorted_names(["élan", "Elan", "elan"]) == ["Elan", "elan", "élan"]


def test_filters_are_registered_and_the_kept_names_still_work(app):
    env = app.jinja_env
    rendered = env.from_string(
        "{{ d|date_fr }} / {{ 2.44|distance }} / {{ 'agent'|que }} / {{ 'CCAS de Cavaillon'|de }} / "
        "{{ names|sort_fr('name')|map(attribute='name')|join(',') }}"
    ).render(d=date(2026, 12, 1), names=[{"name": "Buoux"}, {"name": "Bédarrides"}])
    expected = f"1er décembre 2026 / 2,4{NBSP}km / qu'agent / du CCAS de Cavaillon / Bédarrides,Buoux"
    assert html.unescape(rendered) == expected


def test_communes_and_epcis_come_out_of_the_database_in_french_order(app):
    from orientation.extensions import db
    from orientation.territory.models import Commune
    from orientation.territory.queries import list_communes, list_epcis

    db.session.add_all(
        [
            Commune(code_insee=code, name=name, postal_codes="84000")
            for code, name in (("99901", "Buoux-Test"), ("99902", "Bédarrides-Test"), ("99903", "Éguilles-Test"))
        ]
    )
    db.session.flush()
    names = [commune.name for commune in list_communes()]
    assert names.index("Bédarrides-Test") < names.index("Buoux-Test") < names.index("Éguilles-Test")
    assert names == french.sorted_names(names)
    epcis = [epci.name for epci in list_epcis()]
    assert epcis == french.sorted_names(epcis)


def test_journal_words_for_pages_and_fields_never_show_code():
    from orientation.audit import wording

    assert wording.purpose_label("referrals.show") == "Consultation d'une orientation"
    assert wording.purpose_label("referrals.some_new_page") == "Orientations (autre page)"
    assert wording.purpose_label("unknown.page") == "Autre page de l'application"
    assert wording.purpose_label("Orientation vers la médiation numérique") == "Orientation vers la médiation numérique"
    assert wording.fields_label(["closed_at", "status"]) == "date de clôture, statut"
    assert wording.fields_label(["a_new_column"]) == "une autre information"


def test_every_column_of_a_persons_file_has_a_french_name(app):
    from orientation.audit import wording
    from orientation.extensions import db
    from orientation.rgpd.export import SECTION_TITLES

    unnamed = sorted(
        f"{table}.{column.name}"
        for table in SECTION_TITLES
        if table in db.metadata.tables and table not in ("person_access_logs", "outbox_messages")
        for column in db.metadata.tables[table].columns
        if column.name not in wording.FIELDS
    )
    assert not unnamed, f"name these columns in orientation/audit/wording.py FIELDS: {unnamed}"
