"""What an import keeps and hides: withdrawn entries (out of search, suggestions and the feed, still
readable, restored when they come back) and labels / networks (filterable, exported)."""

import json

from orientation.directory.export import export_data_inclusion
from orientation.directory.importers import import_data_inclusion
from orientation.directory.models import Service
from orientation.directory.queries import SearchParams, list_services_accepting_orientations, search_services
from orientation.extensions import db
from tests.directory.conftest import FIXTURES

SAMPLE = FIXTURES / "data-inclusion-sample.json"


def _service(source_id):
    return db.session.scalar(db.select(Service).where(Service.source_id == source_id))


def _without(tmp_path, service_id):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["services"] = [s for s in data["services"] if s["id"] != service_id]
    path = tmp_path / "smaller.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _found(**params):
    return {hit.service.source_id for hit in search_services(SearchParams(per_page=100, **params)).items}


def test_a_withdrawn_service_leaves_search_suggestions_and_feed_and_comes_back(app, tmp_path, logged_in, make):
    import_data_inclusion([SAMPLE])
    _service("svc-permis").accepts_orientations = True
    assert "svc-permis" in _found()
    report = import_data_inclusion([_without(tmp_path, "svc-permis")])
    assert report.counts["service"]["withdrawn"] == 1
    db.session.expire_all()
    withdrawn = _service("svc-permis")
    assert withdrawn.withdrawn_at is not None
    assert "svc-permis" not in _found() and "svc-permis" not in _found(text="permis")
    assert withdrawn not in list_services_accepting_orientations()
    assert "svc-permis" not in {record["id"] for record in export_data_inclusion()[1]}
    page = logged_in(make.agent()).get(f"/annuaire/services/{withdrawn.id}")
    assert page.status_code == 200 and "Retiré de l'annuaire" in page.get_data(as_text=True)
    import_data_inclusion([SAMPLE])
    db.session.expire_all()
    assert _service("svc-permis").withdrawn_at is None and "svc-permis" in _found()


def test_labels_and_networks_are_kept_filterable_and_exported(app, tmp_path, logged_in, make):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["structures"][1]["labels_nationaux"] = ["Conseiller numérique", "aidants-connect"]
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_data_inclusion([path])
    # s-apt-1 is in the France Services network (réseaux porteurs), s-carpentras-2 has labels
    assert _found(label="france-service") == {"svc-apt-demarches", "svc-bad-thematique"}
    assert _found(label="aidants-connect") == {"svc-permis"}
    assert _found(label="conseiller-numerique") == {"svc-permis"}
    assert _found(label="inconnu") == set()
    page = logged_in(make.agent()).get("/annuaire/?label=aidants-connect").get_data(as_text=True)
    assert "Préparer son permis B" in page and "Aide aux démarches administratives en ligne" not in page
    structures = {record["id"]: record for record in export_data_inclusion()[0]}
    assert structures["s-carpentras-2"]["labels_nationaux"] == ["conseiller-numerique", "aidants-connect"]
    assert structures["s-apt-1"]["reseaux_porteurs"] == ["france-service"]
    assert structures["s-apt-1"]["source"] == "dora"
