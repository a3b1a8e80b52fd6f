"""Labels and networks of structures in the directory: a selector of the labels actually present, by their
French names (never a slug), filtering the search; shown as tags on cards, service and structure pages."""

from __future__ import annotations

import html
import re

import pytest

from orientation.directory.labels import label_name, present_label_choices, same_label
from tests.directory import builders

NUMERIQUE = "numerique--acceder-a-des-services-en-ligne"


@pytest.fixture
def labelled():
    france_services = builders.structure("Maison France Services d'Apt", reseaux_porteurs=["france-service"])
    conseiller = builders.structure("Médiathèque de Pertuis", labels_nationaux=["conseiller-numerique"])
    other_spelling = builders.structure("Espace numérique de Sorgues", reseaux_porteurs=["conseillers-numeriques"])
    plain = builders.structure("Association sans label")
    withdrawn = builders.structure("Ancien lieu", labels_nationaux=["aidants-connect"], withdrawn_at=builders_now())
    return {
        "apt": builders.service("Démarches en ligne à Apt", structure_=france_services, thematiques=[NUMERIQUE]),
        "pertuis": builders.service("Atelier numérique", structure_=conseiller, thematiques=[NUMERIQUE]),
        "sorgues": builders.service("Initiation à l'ordinateur", structure_=other_spelling, thematiques=[NUMERIQUE]),
        "plain": builders.service("Écrivain public", structure_=plain, thematiques=[NUMERIQUE]),
        "withdrawn": builders.service("Ancien service", structure_=withdrawn),
    }


def builders_now():
    from orientation import clock

    return clock.now()


def test_names_are_french_and_spellings_of_one_label_are_one_choice(labelled):
    assert label_name("france-service") == "France Services"
    assert label_name("conseillers-numeriques") == label_name("conseiller-numerique") == "Conseiller numérique"
    assert label_name("action-logement") == "Action Logement"  # the data·inclusion name
    assert label_name("un-label-inconnu") == "Un label inconnu"  # never the slug
    assert set(same_label("conseiller-numerique")) >= {"conseiller-numerique", "conseillers-numeriques"}
    names = [name for _slug, name in present_label_choices()]
    assert names == ["Conseiller numérique", "France Services"]  # present only (not the withdrawn one), sorted


def test_the_search_form_offers_the_labels_present_and_filters_on_them(logged_in, make, labelled):
    client = logged_in(make.agent())
    page = html.unescape(client.get("/annuaire/").get_data(as_text=True))
    select = re.search(r'<select[^>]*name="label".*?</select>', page, re.S).group(0)
    assert "Tous les labels et réseaux" in select and ">France Services<" in select
    assert ">Conseiller numérique<" in select and "Aidants Connect" not in select and "france-service<" not in select
    found = html.unescape(client.get("/annuaire/?label=conseiller-numerique").get_data(as_text=True))
    assert "Atelier numérique" in found and "Initiation à l'ordinateur" in found  # both spellings
    assert "Démarches en ligne à Apt" not in found and "Écrivain public" not in found
    unknown = html.unescape(client.get("/annuaire/?label=inexistant").get_data(as_text=True))
    assert "Aucun service de l'annuaire ne porte ce label : le filtre est ignoré." in unknown
    assert "Écrivain public" in unknown


def test_cards_and_pages_show_the_labels_as_tags(logged_in, make, labelled):
    client = logged_in(make.agent())
    search = client.get("/annuaire/?q=ligne").get_data(as_text=True)
    assert 'class="fr-tag fr-tag--sm" data-label="france-service">France Services</p>' in search
    service = labelled["sorgues"]
    page = client.get(f"/annuaire/services/{service.id}").get_data(as_text=True)
    assert 'data-label="conseillers-numeriques">Conseiller numérique</p>' in page
    structure = client.get(f"/annuaire/structures/{service.structure_id}").get_data(as_text=True)
    assert ">Conseiller numérique</p>" in structure
    plain = client.get(f"/annuaire/services/{labelled['plain'].id}").get_data(as_text=True)
    assert "fr-tags-group" not in plain
