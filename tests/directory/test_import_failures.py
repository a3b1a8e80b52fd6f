"""Imports that explain instead of crashing: every failure mode of issues #16 and #19 (forgiving fields,
over-long values, encodings, duplicates, file shapes), the exit status, and no partial write."""

import json

import pytest

from orientation.directory.importers import import_data_inclusion, import_mediation_numerique
from orientation.directory.models import Service, Structure
from orientation.extensions import db
from tests.directory.conftest import shared_dir

MEDIATION_EXAMPLE = shared_dir() / "reference/fr/standard-mediation-num/exemple-valide.csv"


def structure(id="s-1", **fields):
    return {"source": "dora", "id": id, "nom": f"Structure {id}", "date_maj": "2025-03-01", **fields}


def service(id="svc-1", structure_id="s-1", **fields):
    return {
        "source": "dora",
        "id": id,
        "structure_id": structure_id,
        "nom": f"Service {id}",
        "description": "Un service pour tester l'import.",
        "date_maj": "2025-03-01",
        **fields,
    }


def write(tmp_path, data, name="data.json", encoding="utf-8"):
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_bytes(text.encode(encoding))
    return path


def run(app, *args):
    return app.test_cli_runner().invoke(args=["directory", "import", *map(str, args)])


def issues(report, record_id):
    return {issue.field: (issue.reason, issue.refused) for issue in report.issues if issue.record_id == record_id}


def get(model, source_id):
    return db.session.scalar(db.select(model).where(model.source_id == source_id))


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_empty_strings_are_nulls_and_invalid_optional_fields_are_dropped_with_a_warning(app, tmp_path):
    data = {
        "structures": [
            structure(courriel="", siret="1234567890123", latitude=200, longitude=5.0),
        ],
        "services": [
            service(
                courriel="sans-arobase",
                type="inconnu",
                publics=["jeunes", "martiens", "seniors"],
                thematiques=["numerique--inventee"],
                frais="",
            )
        ],
    }
    report = import_data_inclusion([write(tmp_path, data)])
    assert report.counts["structure"]["new"] == 1 and report.counts["service"]["new"] == 1
    found = issues(report, "s-1")
    assert "courriel" not in found  # an empty string is a null, nothing to say
    assert found["siret"][0].startswith('valeur non conforme : "1234567890123"') and not found["siret"][1]
    assert "position impossible" in found["latitude"][0]
    entry = get(Structure, "s-1")
    assert entry.courriel is None and entry.siret is None and entry.latitude is None
    found = issues(report, "svc-1")
    assert "valeur non reconnue" in found["type"][0] and "martiens" in found["publics"][0]
    assert found["courriel"] == ('format incorrect (email) : "sans-arobase" — champ ignoré', False)
    entry = get(Service, "svc-1")
    assert entry.publics == ["jeunes", "seniors"] and entry.type is None and entry.frais is None
    assert entry.thematiques == [] and entry.courriel is None


def test_values_longer_than_their_column_never_crash(app, tmp_path):
    limits = {c.name: c.type.length for c in Structure.__table__.columns if getattr(c.type, "length", None)}
    data = [
        structure(telephone="0" * 60, horaires_accueil="Mo-Fr 09:00-12:00; " * 32, adresse="rue " * 100),
        service(telephone="+33 " * 20, contact_nom_prenom="Nom " * 100),
    ]
    report = import_data_inclusion([write(tmp_path, data)])
    assert report.counts["structure"]["new"] == 1 and report.counts["service"]["new"] == 1
    found = issues(report, "s-1")
    assert found["telephone"] == (f"trop long (60 caractères, {limits['telephone']} au plus) — champ ignoré", False)
    assert found["horaires_accueil"][0].startswith("trop long (")
    assert found["adresse"][0] == f"tronqué à {limits['adresse']} caractères (il en avait 399)"
    entry = get(Structure, "s-1")
    assert entry.telephone is None and entry.horaires_accueil is None
    assert len(entry.adresse) == limits["adresse"] and entry.adresse.endswith("…")
    assert len(get(Service, "svc-1").contact_nom_prenom) <= 200


def test_a_missing_or_invalid_required_field_refuses_the_record(app, tmp_path):
    data = [
        structure("s-ok"),
        structure("s-no-name", nom=""),
        structure("s-bad-date", date_maj="01/03/2025"),
        service("svc-of-refused", structure_id="s-no-name"),
    ]
    report = import_data_inclusion([write(tmp_path, data)])
    assert report.counts["structure"] == {"new": 1, "updated": 0, "unchanged": 0, "withdrawn": 0, "refused": 2}
    assert issues(report, "s-no-name") == {"nom": ("champ obligatoire manquant", True)}
    assert issues(report, "s-bad-date")["date_maj"][0].startswith("format incorrect (date)")
    assert issues(report, "svc-of-refused") == {"structure_id": ("sa structure s-no-name a été refusée", True)}


def test_two_records_with_the_same_id_in_one_file_the_second_is_refused(app, tmp_path):
    path = write(tmp_path, "[\n" + ",\n".join(json.dumps(s) for s in [structure("s-1"), structure("s-1")]) + "\n]")
    report = import_data_inclusion([path])
    assert report.counts["structure"]["new"] == 1 and report.counts["structure"]["refused"] == 1
    [duplicate] = report.errors
    assert duplicate == (
        "data.json n°2, ligne 3 (id s-1)",
        "id : identifiant en double dans le fichier (déjà vu : data.json n°1, ligne 2)",
    )


@pytest.mark.parametrize(
    ("encoding", "prefix", "named"),
    [("latin-1", b"", "Windows-1252 (Latin-1)"), ("utf-8", b"\xef\xbb\xbf", "UTF-8 avec BOM"), ("utf-8", b"", "UTF-8")],
)
def test_the_encoding_is_detected_and_named(app, tmp_path, encoding, prefix, named):
    path = tmp_path / "data.json"
    path.write_bytes(prefix + json.dumps([structure(nom="Maison départementale")], ensure_ascii=False).encode(encoding))
    report = import_data_inclusion([path])
    assert get(Structure, "s-1").name == "Maison départementale"
    assert f"data.json en {named}" in report.summary()


def test_api_pages_and_ndjson_are_read_like_lists(app, tmp_path):
    page = {"items": [structure("s-1"), structure("s-2")], "total": 2, "page": 1, "size": 100}
    ndjson = "\n".join(json.dumps(record) for record in [service("svc-1"), service("svc-2", "s-2")]) + "\n"
    report = import_data_inclusion([write(tmp_path, page, "page.json"), write(tmp_path, ndjson, "svc.ndjson")])
    assert report.counts["structure"]["new"] == 2 and report.counts["service"]["new"] == 2
    assert get(Service, "svc-2").structure.source_id == "s-2"


def test_a_mediation_csv_in_latin_1_with_semicolons_is_read(app, tmp_path):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(MEDIATION_EXAMPLE.read_text(encoding="utf-8"))))
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    path = write(tmp_path, text.getvalue().replace("\r\n", "\n"), "lieux.csv", encoding="cp1252")
    report = import_mediation_numerique(path)
    assert report.errors == [] and report.counts["service"]["new"] == 3
    assert "Windows-1252" in report.summary()


def test_mediation_labels_are_kept(app, tmp_path):
    lines = MEDIATION_EXAMPLE.read_text(encoding="utf-8").splitlines()
    header = next(__import__("csv").reader([lines[0]]))
    assert "dispositif_programmes_nationaux" in header
    report = import_mediation_numerique(MEDIATION_EXAMPLE)
    assert report.errors == []
    entry = get(Structure, "structure-1")
    assert entry.labels_nationaux  # the example place carries national programmes


# -- the command: exit status and nothing written on failure


def test_every_record_refused_exits_non_zero_and_writes_nothing(app, tmp_path):
    result = run(app, "data-inclusion", write(tmp_path, [structure("s-1", nom=""), service("svc", "s-x")]))
    assert result.exit_code == 1
    assert "Aucun enregistrement importé : rien n'a été modifié." in result.output
    assert "Refusé — data.json n°1, ligne 1 (id s-1) — nom : champ obligatoire manquant" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.json", "", "le fichier est vide"),
        ("vide.csv", "", "le fichier est vide"),
        ("blancs.json", "  \n", "le fichier est vide"),
        ("autre.json", '{"foo": [1, 2]}', "ce n'est pas un fichier data·inclusion"),
        ("nombre.json", "42", "ce n'est pas un JSON data·inclusion"),
        ("colonnes.csv", "id,nom\n1,Lieu\n", "colonnes obligatoires absentes : pivot"),
        ("entete.csv", None, "aucun enregistrement"),
    ],
)
def test_unreadable_files_exit_non_zero_with_a_french_message(app, tmp_path, name, content, message):
    if content is None:  # the standard's header, no row
        content = MEDIATION_EXAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n"
    path = write(tmp_path, content, name)
    command = "mediation-numerique" if name.endswith(".csv") else "data-inclusion"
    result = run(app, command, path)
    assert result.exit_code == 1, result.output
    if message == "aucun enregistrement":
        assert "Aucun enregistrement importé" in result.output
    else:
        assert message in result.output and "Rien n'a été modifié." in result.output


def test_a_truncated_file_changes_nothing(app, tmp_path):
    first = write(tmp_path, [structure("s-1"), structure("s-2")], "first.json")
    assert run(app, "data-inclusion", first).exit_code == 0
    changed = json.dumps([structure("s-1", nom="Nom changé"), structure("s-3"), structure("s-4")])
    truncated = write(tmp_path, changed[: len(changed) - 30], "truncated.json")
    result = run(app, "data-inclusion", truncated)
    assert result.exit_code == 1 and "tronqué" in result.output and "Rien n'a été modifié." in result.output
    db.session.expire_all()
    assert get(Structure, "s-1").name == "Structure s-1" and get(Structure, "s-3") is None


# -- withdrawn, restored, idempotent


def test_a_record_gone_from_its_source_is_withdrawn_and_restored_when_it_returns(app, tmp_path):
    full = [structure("s-1"), structure("s-2"), service("svc-1"), service("svc-2", "s-2")]
    assert run(app, "data-inclusion", write(tmp_path, full, "full.json")).exit_code == 0
    db.session.expire_all()
    before = get(Service, "svc-1").updated_at
    smaller = write(tmp_path, [structure("s-1"), service("svc-1")], "smaller.json")
    report = import_data_inclusion([smaller])
    assert report.counts["structure"]["withdrawn"] == 1 and report.counts["service"]["withdrawn"] == 1
    assert report.counts["service"]["unchanged"] == 1
    db.session.expire_all()
    assert get(Service, "svc-2").withdrawn_at is not None and get(Structure, "s-2").withdrawn_at is not None
    assert get(Service, "svc-1").withdrawn_at is None and get(Service, "svc-1").updated_at == before
    again = import_data_inclusion([write(tmp_path, full, "full.json")])
    assert again.counts["service"] == {"new": 0, "updated": 1, "unchanged": 1, "withdrawn": 0, "refused": 0}
    db.session.expire_all()
    assert get(Service, "svc-2").withdrawn_at is None


def test_a_partial_file_withdraws_nothing(app, tmp_path):
    import_data_inclusion([write(tmp_path, [structure("s-1"), structure("s-2")])])
    result = run(app, "data-inclusion", "--partial", write(tmp_path, [structure("s-1")], "part.json"))
    assert result.exit_code == 0 and "0 retirés" in result.output
    db.session.expire_all()
    assert get(Structure, "s-2").withdrawn_at is None


def test_reimporting_unchanged_data_writes_nothing(app, tmp_path):
    path = write(tmp_path, [structure("s-1", labels_nationaux=["France Services"]), service("svc-1")])
    import_data_inclusion([path])
    db.session.flush()
    stamps = db.session.execute(db.text("SELECT updated_at FROM services UNION ALL SELECT updated_at FROM structures"))
    stamps = sorted(stamps.scalars())
    report = import_data_inclusion([path])
    assert report.counts["structure"]["unchanged"] == 1 and report.counts["service"]["unchanged"] == 1
    again = db.session.execute(db.text("SELECT updated_at FROM services UNION ALL SELECT updated_at FROM structures"))
    assert sorted(again.scalars()) == stamps
    assert get(Structure, "s-1").labels_nationaux == ["france-service"]


def test_a_csv_row_cut_short_is_refused_and_named(app, tmp_path):
    lines = MEDIATION_EXAMPLE.read_text(encoding="utf-8").splitlines()
    cut = lines[1].replace('"structure-1"', '"structure-2"')
    path = write(tmp_path, "\n".join([lines[0], lines[1], cut[: len(cut) // 2]]), "lieux.csv")
    report = import_mediation_numerique(path)
    assert report.counts["structure"]["new"] == 1 and report.counts["structure"]["refused"] == 1
    reason = "ligne incomplète : il manque des colonnes (fichier tronqué ?)"
    assert report.errors == [("ligne 3 (id structure-2)", reason)]


def test_records_are_placed_from_postcode_and_name_and_the_unplaced_are_counted(app, tmp_path):
    data = {
        "structures": [
            structure("s-1", code_postal="84450", commune="St Saturnin les Avignon"),
            structure("s-2", code_postal="84301", commune="CAVAILLON CEDEX"),
            structure("s-3", code_postal="13013", commune="Marseille 13e"),
            structure("s-4", code_postal="99999", commune="Nulle-Part"),
        ],
        "services": [service("svc-1", "s-1", code_postal="84450", commune="Saint-Saturnin-lès-Avignon")],
    }
    report = import_data_inclusion([write(tmp_path, data)])
    saturnin, cavaillon, marseille, nowhere = (get(Structure, f"s-{n}") for n in range(1, 5))
    assert saturnin.code_insee == saturnin.commune_code == "84119" and saturnin.position_is_approximate
    assert saturnin.latitude is not None  # the commune's centre: visible to a search by distance
    assert cavaillon.commune_code == "84035" and cavaillon.commune_name == "Cavaillon"
    assert marseille.code_insee == "13055" and marseille.commune_code is None  # placed, outside the territory
    assert nowhere.code_insee is None and nowhere.latitude is None
    assert get(Service, "svc-1").commune_code == "84119"
    assert report.unplaced == 1 and "Sans commune trouvée" in report.summary() and ": 1." in report.summary()
    assert "commune" in issues(report, "s-4") and not issues(report, "s-4")["commune"][1]  # a warning, not refused
