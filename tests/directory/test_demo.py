"""The demo directory: loaded through the importer, linked to the demo organisations, idempotent."""

import pytest

from orientation.demo import load_demo_data
from orientation.demo.directory import DATA_DIR
from orientation.directory.models import Service, Structure
from orientation.directory.queries import SearchParams, search_services
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from orientation.organisations.models import Organisation


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _receiving(name, volet):
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
    return [
        s
        for s in db.session.scalars(db.select(Service).where(Service.accepts_orientations.is_(True)))
        if s.receiving_organisation is organisation and volet in s.volets
    ]


def test_demo_directory_is_idempotent_and_serves_the_demo_logins(app):
    load_demo_data()
    counts = (_count(Structure), _count(Service))
    load_demo_data()
    assert (_count(Structure), _count(Service)) == counts
    assert _receiving("La Fabrique numérique d'Orange", Volet.NUMERIQUE)
    assert _receiving("CPAM de Vaucluse", Volet.SANTE)
    assert _receiving("Plateforme Mobilité Solidaire Vaucluse", Volet.MOBILITE)
    result = search_services(SearchParams(volet=Volet.NUMERIQUE, commune_code="84087", accepts_orientations=True))
    assert result.total >= 1


@pytest.mark.skipif(not (DATA_DIR / "demo-services.json").exists(), reason="demo dataset not there yet")
def test_demo_dataset_is_a_realistic_vaucluse_directory(app):
    load_demo_data()
    services = list(db.session.scalars(db.select(Service)))
    assert len(services) >= 60
    assert all(s.latitude is not None for s in services)
    for volet in Volet:
        assert sum(volet in s.volets for s in services) >= 10
