import json

import jsonschema
import pytest

from orientation.directory.export import export_data_inclusion
from orientation.directory.importers import import_data_inclusion, import_mediation_numerique
from orientation.directory.models import Service, Structure
from orientation.directory.thematiques import Volet
from orientation.extensions import db
from tests.directory.conftest import FIXTURES, shared_dir

SAMPLE = FIXTURES / "data-inclusion-sample.json"
MEDIATION_EXAMPLE = shared_dir() / "reference/fr/standard-mediation-num/exemple-valide.csv"


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _service(source_id):
    return db.session.scalar(db.select(Service).where(Service.source_id == source_id))


def _issues(report, record_id):
    return [(issue.field, issue.reason, issue.refused) for issue in report.issues if issue.record_id == record_id]


def test_data_inclusion_import_loads_valid_records_and_reports_the_others(app):
    report = import_data_inclusion([SAMPLE])
    assert report.counts["structure"] == {"new": 2, "updated": 0, "unchanged": 0, "withdrawn": 0, "refused": 1}
    assert report.counts["service"] == {"new": 3, "updated": 0, "unchanged": 0, "withdrawn": 0, "refused": 1}
    assert _issues(report, "s-invalid") == [("nom", "champ obligatoire manquant", True)]
    # an unknown thématique is dropped with a warning, the service is kept
    [(field, reason, refused)] = [i for i in _issues(report, "svc-bad-thematique") if i[0] == "thematiques"]
    assert "numerique--inventee" in reason and not refused
    assert _service("svc-bad-thematique").thematiques == []
    [(field, reason, refused)] = _issues(report, "svc-orphan")
    assert field == "structure_id" and "structure inconnue" in reason and refused
    service = _service("svc-apt-demarches")
    assert service.source == "dora" and service.structure.source_id == "s-apt-1"
    assert service.commune_code == "84003" and service.volets == {Volet.NUMERIQUE}
    assert list(service.zone_eligibilite) == ["200040624"]
    assert service.accepts_orientations is False


def test_data_inclusion_reimport_updates_and_never_duplicates(app):
    import_data_inclusion([SAMPLE])
    service = _service("svc-apt-demarches")
    service.accepts_orientations = True  # a local setting the open data does not carry
    counts = (_count(Structure), _count(Service))
    report = import_data_inclusion([SAMPLE])
    assert report.counts["structure"]["new"] == report.counts["service"]["new"] == 0
    assert report.counts["structure"]["unchanged"] == 2 and report.counts["service"]["unchanged"] == 3
    assert report.counts["service"]["updated"] == 0
    assert (_count(Structure), _count(Service)) == counts
    assert _service("svc-apt-demarches").accepts_orientations is True


def test_service_without_coordinates_gets_its_commune_centre(app):
    import_data_inclusion([SAMPLE])
    service = _service("svc-permis")
    assert service.position_is_approximate and service.latitude is not None


def test_mediation_numerique_reference_example_is_imported_with_thematiques(app):
    report = import_mediation_numerique(MEDIATION_EXAMPLE)
    assert report.errors == [] and report.counts["service"]["new"] == 3
    structure = db.session.scalar(db.select(Structure).where(Structure.source_id == "structure-1"))
    assert structure.name == "Anonymal" and structure.code_insee == "51454" and structure.commune_code is None
    names = {s.name: s for s in structure.services}
    assert set(names) == {
        "Maîtrise des outils numériques du quotidien",
        "Insertion professionnelle via le numérique",
        "Loisirs et créations numériques",
    }
    service = names["Maîtrise des outils numériques du quotidien"]
    assert service.thematiques == ["numerique--maitriser-les-fondamentaux-du-numerique"]
    assert service.publics == ["jeunes", "femmes"] and service.frais.value == "payant"
    assert service.horaires_accueil == "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"
    again = import_mediation_numerique(MEDIATION_EXAMPLE)
    assert again.counts["service"]["unchanged"] == 3 and again.counts["structure"]["unchanged"] == 1


def test_mediation_numerique_invalid_rows_are_reported_line_by_line(app, tmp_path):
    lines = MEDIATION_EXAMPLE.read_text(encoding="utf-8").splitlines()
    bad_postcode = lines[1].replace('"51100"', '"5110"').replace('"structure-1"', '"structure-2"')
    bad_service = (
        lines[1].replace("Loisirs et créations numériques", "Jardinage").replace('"structure-1"', '"structure-3"')
    )
    path = tmp_path / "lieux.csv"
    path.write_text("\n".join([lines[0], lines[1], bad_postcode, bad_service]) + "\n", encoding="utf-8")
    report = import_mediation_numerique(path)
    assert report.counts["structure"]["new"] == 1 and report.counts["structure"]["refused"] == 2
    reasons = dict(report.errors)
    assert "code_postal" in reasons["ligne 3 (id structure-2)"]
    assert "services" in reasons["ligne 4 (id structure-3)"]


def test_import_commands_print_errors_and_a_summary(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "import", "data-inclusion", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "(id svc-orphan) — structure_id : structure inconnue" in result.output
    assert "Services : 3 nouveaux" in result.output
    result = runner.invoke(args=["directory", "import", "mediation-numerique", str(MEDIATION_EXAMPLE)])
    assert result.exit_code == 0 and "Services : 3 nouveaux" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["directory", "import", "data-inclusion", str(broken)])
    assert result.exit_code != 0 and "illisible" in result.output


@pytest.fixture
def official_schemas():
    base = shared_dir() / "reference/fr/data-inclusion-schema/v1"
    return {kind: json.loads((base / f"{kind}.json").read_text(encoding="utf-8")) for kind in ("structure", "service")}


def test_export_validates_against_the_official_schema(app, tmp_path, official_schemas, make):
    import_data_inclusion([SAMPLE])
    import_mediation_numerique(MEDIATION_EXAMPLE)
    result = app.test_cli_runner().invoke(args=["directory", "export", "data-inclusion", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert len(structures) == 3 and len(services) == 6
    checker = jsonschema.FormatChecker()
    for record in structures:
        jsonschema.validate(record, official_schemas["structure"], format_checker=checker)
    for record in services:
        jsonschema.validate(record, official_schemas["service"], format_checker=checker)
    assert {s["id"] for s in services} >= {"svc-apt-demarches", "svc-permis"}


def test_export_round_trips_through_the_importer(app, tmp_path):
    import_data_inclusion([SAMPLE])
    structures, services, problems = export_data_inclusion()
    assert problems == []
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"structures": structures, "services": services}), encoding="utf-8")
    report = import_data_inclusion([path])
    assert report.errors == [] and report.counts["structure"]["new"] == report.counts["service"]["new"] == 0


def test_a_reimport_writes_only_the_records_whose_source_changed(app, tmp_path):
    import_data_inclusion([SAMPLE])
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["services"][0]["nom"] = "Aide aux démarches (nouveau nom)"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    untouched = _service("svc-apt-demarches"), data["services"][1]["id"]
    report = import_data_inclusion([changed])
    assert report.counts["service"]["updated"] == 1 and report.counts["service"]["unchanged"] == 2
    assert untouched[0].name == "Aide aux démarches (nouveau nom)"
    assert report.records["service"]["updated"] == [("svc-apt-demarches", "Aide aux démarches (nouveau nom)")]


def test_a_local_edit_is_replaced_by_the_source_at_the_next_import(app, make):
    from orientation.directory.operations import save_service

    import_data_inclusion([SAMPLE])
    service = _service("svc-apt-demarches")
    assert service.import_hash is not None
    save_service(
        service,
        service.structure,
        make.user(coordinator=True),
        thematiques=list(service.thematiques),
        zone_eligibilite=list(service.zone_eligibilite),
        name="Nom changé à la main",
    )
    assert service.import_hash is None  # the next import compares the values
    report = import_data_inclusion([SAMPLE])
    assert report.counts["service"]["updated"] == 1
    assert _service("svc-apt-demarches").name == "Aide aux démarches administratives en ligne"
