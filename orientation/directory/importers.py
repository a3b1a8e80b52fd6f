"""Imports of real open data into the directory (flush, never commit; the CLI commits).

Idempotent: every record keeps its source and source id, and a re-import updates the entry
found by (source, source id) instead of adding one. Invalid records are reported one by one with
the reason (in French) and skipped; the valid ones are imported. Local settings that the open
data does not carry (accepts_orientations, capacity, confirmations, receiving organisation,
reminder delays) are never overwritten by a re-import.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import jsonschema

from orientation.directory.models import Frais, Service, ServiceThematique, ServiceType, ServiceZone, Structure
from orientation.directory.text import normalise
from orientation.directory.thematiques import DATA_DIR
from orientation.extensions import db
from orientation.territory.models import Commune

MEDIATION_NUMERIQUE_SOURCE = "mediation-numerique"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: {"structures": 0, "services": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"structures": 0, "services": 0})
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)

    def error(self, where: str, reason: str) -> None:
        self.errors.append((where, reason))

    def summary(self) -> str:
        return (
            f"Structures : {self.created['structures']} créées, {self.updated['structures']} mises à jour. "
            f"Services : {self.created['services']} créés, {self.updated['services']} mis à jour. "
            f"Enregistrements refusés : {len(self.errors)}."
        )


class ImportFileError(Exception):
    """The file cannot be read at all (the message is for the user, in French)."""


# ---------------------------------------------------------------------------------------------
# data·inclusion v1 (JSON)


@cache
def data_inclusion_validator(kind: str) -> jsonschema.Draft202012Validator:
    with open(DATA_DIR / "schema" / f"{kind}.json", encoding="utf-8") as handle:
        schema = json.load(handle)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_problems(kind: str, record) -> list[str]:
    """French reasons why a record does not follow the data·inclusion v1 schema."""
    if not isinstance(record, dict):
        return ["l'enregistrement n'est pas un objet JSON"]
    problems = []
    for error in sorted(data_inclusion_validator(kind).iter_errors(record), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or None
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append(f"champ obligatoire manquant : {missing}")
        elif error.validator in ("enum", "anyOf") and where:
            problems.append(f"valeur non reconnue pour {where} : {_short(error.instance)}")
        elif error.validator in ("minLength", "maxLength") and where:
            problems.append(f"longueur incorrecte pour {where} ({len(str(error.instance))} caractères)")
        else:
            problems.append(f"{where or 'enregistrement'} : {error.message[:200]}")
    return problems


def import_data_inclusion(paths: list[Path]) -> ImportReport:
    """Structures first (from every file), then services: a service names its structure's id."""
    report = ImportReport()
    structures, services = [], []
    for path in paths:
        data = _read_json(path)
        for label, records in _split_data_inclusion(data, path):
            target = services if label == "services" else structures
            target += [(f"{path.name} n°{number}", record) for number, record in enumerate(records, 1)]
    for where, record in structures:
        problems = schema_problems("structure", record)
        if problems:
            report.error(_where(where, record), " ; ".join(problems))
            continue
        _upsert_structure(record, report)
    db.session.flush()
    for where, record in services:
        problems = schema_problems("service", record)
        structure = None
        if not problems:
            structure = _find(Structure, record["source"], record["structure_id"])
            if structure is None:
                problems.append(f"structure inconnue : {record['structure_id']} (source {record['source']})")
        if problems:
            report.error(_where(where, record), " ; ".join(problems))
            continue
        _upsert_service(structure, record, report)
    db.session.flush()
    return report


def _read_json(path: Path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(f"{path} : fichier JSON illisible ({error}).") from error


def _split_data_inclusion(data, path: Path):
    """Accept {"structures": [...], "services": [...]} or a list of either (told apart by structure_id)."""
    if isinstance(data, dict) and ("structures" in data or "services" in data):
        return [("structures", data.get("structures") or []), ("services", data.get("services") or [])]
    if isinstance(data, list):
        is_service = bool(data) and isinstance(data[0], dict) and "structure_id" in data[0]
        return [("services" if is_service else "structures", data)]
    raise ImportFileError(f"{path} : une liste de structures ou de services data·inclusion est attendue.")


def _where(where: str, record) -> str:
    identifier = record.get("id") if isinstance(record, dict) else None
    return f"{where} (id {identifier})" if identifier else where


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


def _find(model, source: str, source_id: str):
    return db.session.scalar(db.select(model).where(model.source == source, model.source_id == source_id))


def _upsert_structure(record: dict, report: ImportReport) -> Structure:
    structure = _find(Structure, record["source"], record["id"])
    report_key = report.updated if structure else report.created
    structure = structure or Structure(source=record["source"], source_id=record["id"])
    structure.name = record["nom"]
    structure.siret = record.get("siret")
    structure.description = record.get("description")
    structure.telephone = record.get("telephone")
    structure.courriel = record.get("courriel")
    structure.site_web = record.get("site_web")
    structure.lien_source = record.get("lien_source")
    structure.horaires_accueil = record.get("horaires_accueil")
    structure.accessibilite_lieu = record.get("accessibilite_lieu")
    structure.reseaux_porteurs = record.get("reseaux_porteurs")
    structure.date_maj = date.fromisoformat(record["date_maj"])
    _set_location(structure, record)
    db.session.add(structure)
    report_key["structures"] += 1
    return structure


def _upsert_service(structure: Structure, record: dict, report: ImportReport) -> Service:
    service = _find(Service, record["source"], record["id"])
    report_key = report.updated if service else report.created
    if service is None:
        service = Service(source=record["source"], source_id=record["id"])
        db.session.add(service)
    service.structure = structure
    service.name = record["nom"]
    service.description = record["description"]
    service.type = ServiceType(record["type"]) if record.get("type") else None
    service.frais = Frais(record["frais"]) if record.get("frais") else None
    for name in ("publics", "modes_accueil", "modes_mobilisation", "mobilisable_par"):
        setattr(service, name, record.get(name))
    for name in (
        "publics_precisions",
        "frais_precisions",
        "conditions_acces",
        "mobilisation_precisions",
        "lien_mobilisation",
        "contact_nom_prenom",
        "telephone",
        "courriel",
        "horaires_accueil",
        "lien_source",
        "nombre_semaines",
        "volume_horaire_hebdomadaire",
    ):
        setattr(service, name, record.get(name))
    service.date_maj = date.fromisoformat(record["date_maj"])
    _set_location(service, record)
    set_links(service, "thematique_links", ServiceThematique, "thematique", record.get("thematiques") or [])
    set_links(service, "zone_links", ServiceZone, "code", record.get("zone_eligibilite") or [])
    service.refresh_search_text()
    db.session.add(service)
    report_key["services"] += 1
    return service


def set_links(service: Service, relationship: str, model, attribute: str, codes) -> None:
    """Make a link collection hold exactly `codes`, touching only what changed."""
    links = getattr(service, relationship)
    wanted = list(dict.fromkeys(codes))
    for link in [link for link in links if getattr(link, attribute) not in wanted]:
        links.remove(link)
    present = {getattr(link, attribute) for link in links}
    links.extend(model(**{attribute: code}) for code in wanted if code not in present)


def _set_location(entry, record: dict) -> None:
    entry.adresse = record.get("adresse")
    entry.complement_adresse = record.get("complement_adresse")
    entry.code_postal = record.get("code_postal")
    entry.commune_name = record.get("commune")
    entry.code_insee = record.get("code_insee")
    commune = db.session.get(Commune, entry.code_insee) if entry.code_insee else None
    entry.commune_code = commune.code_insee if commune else None
    entry.latitude, entry.longitude = record.get("latitude"), record.get("longitude")
    entry.position_is_approximate = False
    if (entry.latitude is None or entry.longitude is None) and commune and commune.latitude is not None:
        entry.latitude, entry.longitude = commune.latitude, commune.longitude
        entry.position_is_approximate = True
    if commune and not entry.commune_name:
        entry.commune_name = commune.name


# ---------------------------------------------------------------------------------------------
# Lieux de médiation numérique (CSV, standard-mediation-num)

# Each service of the standard → data·inclusion thématiques (the first one names the service).
MEDIATION_SERVICE_THEMATIQUES = {
    "Aide aux démarches administratives": [
        "numerique--acceder-a-des-services-en-ligne",
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    ],
    "Maîtrise des outils numériques du quotidien": ["numerique--maitriser-les-fondamentaux-du-numerique"],
    "Insertion professionnelle via le numérique": [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
    ],
    "Utilisation sécurisée du numérique": ["numerique--maitriser-les-fondamentaux-du-numerique"],
    "Parentalité et éducation avec le numérique": [
        "numerique--maitriser-les-fondamentaux-du-numerique",
        "famille--soutien-a-la-parentalite-et-a-leducation",
    ],
    "Loisirs et créations numériques": ["numerique--maitriser-les-fondamentaux-du-numerique"],
    "Compréhension du monde numérique": ["numerique--maitriser-les-fondamentaux-du-numerique"],
    "Accès internet et matériel informatique": ["numerique--acceder-a-une-connexion-internet"],
    "Acquisition de matériel informatique à prix solidaire": ["numerique--acquerir-un-equipement"],
}
MEDIATION_PUBLICS = {
    "Jeunes": "jeunes",
    "Étudiants": "etudiants",
    "Familles et/ou enfants": "familles",
    "Seniors": "seniors",
    "Femmes": "femmes",
}
MEDIATION_MOBILISATION = {
    "Se présenter": "se-presenter",
    "Téléphoner": "telephoner",
    "Contacter par mail": "envoyer-un-courriel",
    "Envoyer un mail avec une fiche de prescription": "envoyer-un-courriel",
    "Prendre un RDV en ligne": "utiliser-lien-mobilisation",
}


@cache
def _mediation_schema_fields() -> list[dict]:
    with open(DATA_DIR / "standard-mediation-num-schema.json", encoding="utf-8") as handle:
        return json.load(handle)["fields"]


def mediation_row_problems(row: dict) -> list[str]:
    """Checks of the standard's Table Schema (required, patterns, lengths, numbers, dates)."""
    problems = []
    for spec in _mediation_schema_fields():
        name, constraints = spec["name"], spec.get("constraints", {})
        value = (row.get(name) or "").strip()
        if not value:
            if constraints.get("required") or name == "services":
                problems.append(f"champ obligatoire manquant : {name}")
            continue
        pattern = constraints.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            problems.append(f"valeur non conforme pour {name} : {_short(value)}")
        if constraints.get("maxLength") and len(value) > constraints["maxLength"]:
            problems.append(f"{name} dépasse {constraints['maxLength']} caractères")
        if spec.get("type") == "number" and _float(value) is None:
            problems.append(f"{name} n'est pas un nombre : {_short(value)}")
        if spec.get("type") == "date" and _date(value) is None:
            problems.append(f"{name} n'est pas une date AAAA-MM-JJ : {_short(value)}")
    return problems


def import_mediation_numerique(path: Path) -> ImportReport:
    report = ImportReport()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError(f"{path} : fichier CSV illisible ({error}).") from error
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        where = f"ligne {line}" + (f" (id {row.get('id')})" if row.get("id") else "")
        if None in row:
            report.error(where, "trop de colonnes sur cette ligne")
            continue
        problems = mediation_row_problems(row)
        if problems:
            report.error(where, " ; ".join(problems))
            continue
        _import_mediation_row(row, report)
    db.session.flush()
    return report


def _import_mediation_row(row: dict, report: ImportReport) -> None:
    location = {
        "adresse": row["adresse"].strip(),
        "complement_adresse": row.get("complement_adresse") or None,
        "code_postal": row["code_postal"].strip(),
        "commune": row["commune"].strip(),
        "code_insee": (row.get("code_insee") or "").strip() or None,
        "latitude": _float(row.get("latitude")),
        "longitude": _float(row.get("longitude")),
    }
    emails = [e.strip() for e in (row.get("courriels") or "").split("|") if e.strip()]
    websites = [w.strip() for w in (row.get("site_web") or "").split("|") if w.strip()]
    description = (row.get("presentation_detail") or row.get("presentation_resume") or "").strip()
    record = {
        "source": MEDIATION_NUMERIQUE_SOURCE,
        "id": row["id"].strip(),
        "nom": row["nom"].strip(),
        "siret": row["pivot"] if re.fullmatch(r"\d{14}", row["pivot"]) else None,
        "description": description or None,
        "telephone": row.get("telephone") or None,
        "courriel": emails[0] if emails else None,
        "site_web": websites[0] if websites else None,
        "horaires_accueil": row.get("horaires") or None,
        "accessibilite_lieu": row.get("fiche_acces_libre") or None,
        "date_maj": row["date_maj"].strip(),
        **location,
    }
    structure = _upsert_structure(record, report)
    db.session.flush()
    fees = _split(row.get("frais_a_charge"))
    publics = [MEDIATION_PUBLICS[p] for p in _split(row.get("publics_specifiquement_adresses"))] or ["tous-publics"]
    mobilisation = sorted(
        {MEDIATION_MOBILISATION[m] for m in _split(row.get("modalites_acces")) if m in MEDIATION_MOBILISATION}
    )
    accompaniment = _split(row.get("modalites_accompagnement"))
    modes_accueil = (["a-distance"] if "À distance" in accompaniment else []) + (
        ["en-presentiel"] if any(m != "À distance" for m in accompaniment) or not accompaniment else []
    )
    for label in _split(row.get("services")):
        service_record = {
            "source": MEDIATION_NUMERIQUE_SOURCE,
            "id": f"{record['id']}--{_slug(label)}",
            "nom": label,
            "description": _mediation_description(label, row),
            "type": "atelier" if accompaniment == ["Dans un atelier collectif"] else "accompagnement",
            "thematiques": MEDIATION_SERVICE_THEMATIQUES[label],
            "frais": "payant" if "Payant" in fees else ("gratuit" if fees else None),
            "frais_precisions": ", ".join(fees) or None,
            "publics": publics,
            "modes_accueil": modes_accueil,
            "modes_mobilisation": mobilisation or None,
            "lien_mobilisation": row.get("prise_rdv") or None,
            "telephone": record["telephone"],
            "courriel": record["courriel"],
            "horaires_accueil": record["horaires_accueil"],
            "date_maj": record["date_maj"],
            **location,
        }
        service = _upsert_service(structure, service_record, report)
        service.accessibilite_lieu = record["accessibilite_lieu"]


def _mediation_description(label: str, row: dict) -> str:
    summary = (row.get("presentation_resume") or "").strip()
    return f"{label} — {summary}" if summary else f"{label} au lieu de médiation numérique {row['nom'].strip()}."


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _slug(label: str) -> str:

    return re.sub(r"[^a-z0-9]+", "-", normalise(label)).strip("-")[:80]


def _float(value) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
