"""Imports of open data into the directory (flush, never commit: the caller commits once, or rolls back).

Forgiving and explained: an empty string is a null; an optional field that is invalid (unknown value,
bad format, longer than its column) is dropped, or shortened for names and addresses, with a warning
on that record; only a missing or invalid required field refuses the record. A second record with an
id already seen in the run is refused as a duplicate. The report counts, for structures and services,
what was new, updated, unchanged, withdrawn and refused, and says why, in French, per record and field.

Idempotent: a record is found again by (source, source id); only what differs is written (`updated_at`
does not move for unchanged data). On a full import, an entry of a source present in the run that the
run no longer carries is marked withdrawn (`withdrawn_at`), and restored when it comes back. Local
settings the open data does not carry (accepts_orientations, capacity, receiving organisation…) are
never touched.

Files are read in a stream (orientation.directory.reading) and written in batches, so a national file
does not sit in memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import jsonschema
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload, undefer

from orientation.db import utcnow
from orientation.directory.models import (
    Frais,
    Service,
    ServiceThematique,
    ServiceType,
    ServiceZone,
    Structure,
    search_texts,
)
from orientation.directory.reading import (
    ENCODING_NAMES,
    ImportFileError,
    detect_encoding,
    iter_json_records,
    open_csv,
)
from orientation.directory.text import normalise
from orientation.directory.thematiques import DATA_DIR
from orientation.extensions import db
from orientation.territory.communes_fr import place
from orientation.territory.models import Commune

__all__ = ["ImportFileError", "ImportReport", "Importer", "import_data_inclusion", "import_mediation_numerique"]

MEDIATION_NUMERIQUE_SOURCE = "mediation-numerique"
BATCH_SIZE = 500
MAX_ISSUES = 5000  # kept in the report; the counts stay exact beyond
SAMPLE = 50  # records named per kind and outcome (the preview lists them, « et N autres » beyond)
ISSUES_KEPT = 500  # remarks kept in a stored report (import_runs)
PROGRESS_EVERY = BATCH_SIZE  # records between two progress calls
ANALYSE_EVERY = 10_000  # new rows of a table between two ANALYZE during an import
CATEGORIES = ("new", "updated", "unchanged", "withdrawn", "refused")
KINDS = ("structure", "service")
PLURAL = {"structure": "structures", "service": "services"}
MODELS = {"structure": Structure, "service": Service}
# data·inclusion field → column, where the names differ
COLUMN_OF = {"nom": "name", "commune": "commune_name"}
# Over-long values of these fields are shortened (still useful); any other over-long value is dropped
# (a cut telephone number, e-mail, link or opening-hours rule would be wrong).
SHORTENED_FIELDS = frozenset({"nom", "adresse", "complement_adresse", "commune", "contact_nom_prenom"})
INTEGER_MAX = 2**31 - 1


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class Issue:
    where: str
    record_id: str | None
    field: str | None
    reason: str
    refused: bool

    def line(self) -> str:
        label = "Refusé" if self.refused else "Avertissement"
        who = self.where + (f" (id {self.record_id})" if self.record_id else "")
        return f"{label} — {who}" + (f" — {self.field}" if self.field else "") + f" : {self.reason}"


def _counts() -> dict[str, int]:
    return {"new": 0, "updated": 0, "unchanged": 0, "withdrawn": 0, "refused": 0}


@dataclass
class ImportReport:
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {kind: _counts() for kind in KINDS})
    issues: list[Issue] = field(default_factory=list)
    issues_left_off: int = 0
    unplaced: int = 0  # records whose commune could not be found (not in a commune search nor an EPCI figure)
    encodings: dict[str, str] = field(default_factory=dict)  # file name → encoding read
    processed: int = 0  # records read (accepted or refused)
    # kind → outcome → [(source id, name)], the first SAMPLE of each (refusals are in `issues`)
    records: dict[str, dict[str, list]] = field(
        default_factory=lambda: {kind: {category: [] for category in CATEGORIES} for kind in KINDS}
    )

    def count(self, kind: str, category: str, source_id: str, name: str | None) -> None:
        self.counts[kind][category] += 1
        named = self.records[kind][category]
        if len(named) < SAMPLE:
            named.append((source_id, name))

    def as_json(self) -> dict:
        """What an import run keeps (JSON-safe): counts, the records behind them, the remarks in French."""
        return {
            "summary": self.summary(),
            "counts": self.counts,
            "records": {
                kind: {c: [list(r) for r in named] for c, named in by.items()} for kind, by in self.records.items()
            },
            "refusals": [issue.line() for issue in self.issues if issue.refused][:ISSUES_KEPT],
            "warnings": [issue.line() for issue in self.issues if not issue.refused][:ISSUES_KEPT],
            "issues_total": len(self.issues) + self.issues_left_off,
            "unplaced": self.unplaced,
            "processed": self.processed,
        }

    def _add(self, issue: Issue) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)
        else:
            self.issues_left_off += 1

    def refuse(self, kind: str, where: str, record_id, field_name: str | None, reason: str) -> None:
        self.counts[kind]["refused"] += 1
        if len(self.records[kind]["refused"]) < SAMPLE:
            self.records[kind]["refused"].append((record_id, reason))
        self._add(Issue(where, record_id, field_name, reason, refused=True))

    def warn(self, where: str, record_id, field_name: str | None, reason: str) -> None:
        self._add(Issue(where, record_id, field_name, reason, refused=False))

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(where, reasons) of each refused record."""
        return [(_who(i), i.reason if i.field is None else f"{i.field} : {i.reason}") for i in self.issues if i.refused]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if not issue.refused]

    @property
    def accepted(self) -> int:
        return sum(c["new"] + c["updated"] + c["unchanged"] for c in self.counts.values())

    @property
    def refused(self) -> int:
        return sum(c["refused"] for c in self.counts.values())

    @property
    def failed(self) -> bool:
        """Nothing could be imported (every record refused, or none at all): a scheduled run must tell."""
        return self.accepted == 0

    def summary(self) -> str:
        parts = []
        for kind in KINDS:
            c = self.counts[kind]
            parts.append(
                f"{PLURAL[kind].capitalize()} : {c['new']} nouveaux, {c['updated']} mis à jour, "
                f"{c['unchanged']} inchangés, {c['withdrawn']} retirés, {c['refused']} refusés."
            )
        if self.encodings:
            parts.append(
                "Encodage : " + ", ".join(f"{n} en {ENCODING_NAMES.get(e, e)}" for n, e in self.encodings.items()) + "."
            )
        if self.unplaced:
            parts.append(f"Sans commune trouvée (ni code INSEE, ni code postal et nom reconnus) : {self.unplaced}.")
        warned = len({(i.where, i.record_id) for i in self.warnings})
        if warned:
            parts.append(f"Enregistrements importés avec avertissement : {warned}.")
        if self.issues_left_off:
            parts.append(f"({self.issues_left_off} remarques de plus non détaillées.)")
        return " ".join(parts)


def _who(issue: Issue) -> str:
    return issue.where + (f" (id {issue.record_id})" if issue.record_id else "")


# ---------------------------------------------------------------------------------------------
# Cleaning a record: nulls, schema, column limits


@cache
def data_inclusion_validator(kind: str) -> jsonschema.Draft202012Validator:
    with open(DATA_DIR / "schema" / f"{kind}.json", encoding="utf-8") as handle:
        schema = json.load(handle)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _required(kind: str) -> frozenset[str]:
    return frozenset(data_inclusion_validator(kind).schema.get("required", ()))


@cache
def _field_validators(kind: str) -> dict[str, jsonschema.Draft202012Validator]:
    """One validator per property: a value seen before (an enumeration, a date, a commune) is checked once."""
    schema = data_inclusion_validator(kind).schema
    definitions = {"$defs": schema["$defs"]} if "$defs" in schema else {}
    return {
        name: jsonschema.Draft202012Validator({**definitions, **spec}, format_checker=jsonschema.FormatChecker())
        for name, spec in schema["properties"].items()
    }


class _Missing:
    """A required field that is absent (or null, or an empty string)."""

    validator = "required"
    context = None


MISSING = _Missing()


@lru_cache(maxsize=20_000)
def _value_errors(kind: str, name: str, frozen: tuple) -> tuple:
    value = frozen[1] if frozen[0] != "json" else json.loads(frozen[1])
    return tuple(_field_validators(kind)[name].iter_errors(value))


SCALARS = (str, int, float, bool)


def _errors_by_field(kind: str, record: dict) -> dict[str, list]:
    found: dict[str, list] = {name: [MISSING] for name in sorted(_required(kind)) if name not in record}
    validators = _field_validators(kind)
    for name, value in record.items():
        if name in validators:
            # a scalar is its own cache key (with its type: True == 1); lists and objects as JSON text
            frozen = (type(value).__name__, value) if type(value) in SCALARS else ("json", json.dumps(value))
            errors = _value_errors(kind, name, frozen)
            if errors:
                found[name] = list(errors)
    return found


@cache
def column_limits(kind: str) -> dict[str, int]:
    """data·inclusion field → the length of its column (read from the model, never written twice)."""
    table = MODELS[kind].__table__
    properties = data_inclusion_validator(kind).schema["properties"]
    limits = {}
    for name in [*properties, "labels_nationaux", "accessibilite_lieu"]:
        column = table.columns.get(COLUMN_OF.get(name, name))
        length = getattr(column.type, "length", None) if column is not None else None
        if length:
            limits[name] = length
    return limits


def schema_problems(kind: str, record) -> list[str]:
    """French reasons why a record does not follow the data·inclusion v1 schema (the export checks with it)."""
    if not isinstance(record, dict):
        return ["l'enregistrement n'est pas un objet JSON"]
    return [
        f"{_field_of(error) or 'enregistrement'} : {_reason(error)}"
        for error in sorted(data_inclusion_validator(kind).iter_errors(record), key=lambda e: list(e.path))
    ]


def _blank(value):
    """Empty strings (and lists of them) are nulls; strings lose surrounding spaces and NUL characters."""
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    if isinstance(value, list):
        items = [item for item in (_blank(v) for v in value) if item is not None]
        if all(isinstance(item, str | int | float) for item in items):
            items = list(dict.fromkeys(items))
        return items or None
    return value


def _field_of(error) -> str | None:
    if error.validator == "required":
        return error.message.split("'")[1] if "'" in error.message else None
    return str(error.path[0]) if error.path else None


def _specific(error):
    """The error of the branch that matters in an `anyOf: [something, null]`."""
    if error.validator == "anyOf" and error.context:
        relevant = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        if relevant:
            return _specific(min(relevant, key=lambda e: REASON_PRIORITY.get(e.validator, 9)))
    return error


# When a value fails several checks, the most telling one is given.
REASON_PRIORITY = {"enum": 0, "const": 0, "anyOf": 0, "pattern": 1, "format": 2, "type": 3}


def _reason(error) -> str:
    if error is MISSING:
        return "champ obligatoire manquant"
    error = _specific(error)
    value, expected, kind = _short(error.instance), error.validator_value, error.validator
    if kind == "required":
        return "champ obligatoire manquant"
    if kind in ("enum", "const", "anyOf"):
        return f"valeur non reconnue : {value}"
    if kind == "format":
        return f"format incorrect ({expected}) : {value}"
    if kind == "pattern":
        return f"valeur non conforme : {value}"
    if kind in ("minLength", "maxLength"):
        bound = "au moins" if kind == "minLength" else "au plus"
        return f"longueur incorrecte ({len(str(error.instance))} caractères, {expected} {bound})"
    if kind == "type":
        return f"type incorrect ({_type_name(expected)} attendu) : {value}"
    if kind == "minimum":
        return f"valeur trop petite ({expected} au moins) : {value}"
    if kind == "minItems":
        return "liste vide"
    return f"valeur incorrecte : {value}"


def _type_name(expected) -> str:
    names = {"string": "texte", "number": "nombre", "integer": "nombre entier", "array": "liste", "object": "objet"}
    return names.get(expected, str(expected)) if isinstance(expected, str) else "autre type"


def _bad_items(error) -> set[int]:
    """Indexes of the items at fault when a list field has some bad items."""
    return {
        e.relative_path[0]
        for e in (error.context or [])
        if e.relative_path and isinstance(e.relative_path[0], int) and e.validator != "uniqueItems"
    }


def clean_record(kind: str, record, where: str, report: ImportReport) -> dict | None:
    """The record made importable (fields dropped or shortened with a warning), or None when refused."""
    if not isinstance(record, dict):
        report.refuse(kind, where, None, None, "l'enregistrement n'est pas un objet JSON")
        return None
    # a null is an absent field: a required one is then « manquant », an optional one is simply empty
    record = {key: value for key, value in ((k, _blank(v)) for k, v in record.items()) if value is not None}
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    required = _required(kind)
    for _attempt in range(3):  # dropping an item can reveal nothing new; bounded anyway
        by_field = _errors_by_field(kind, record)
        if not by_field:
            break
        refusals = [(name, _reason(errors[0])) for name, errors in by_field.items() if name in required]
        if refusals:
            reason = " ; ".join((f"{n} : {r}" if n else r) for n, r in refusals[1:])
            report.refuse(kind, where, record_id, refusals[0][0], refusals[0][1] + (f" ; {reason}" if reason else ""))
            return None
        for name, errors in by_field.items():
            value = record.get(name)
            bad = set().union(*(_bad_items(error) for error in errors))
            if bad and isinstance(value, list) and len(bad) < len(value):
                dropped = ", ".join(_short(value[i]) for i in sorted(bad))
                record[name] = [item for i, item in enumerate(value) if i not in bad]
                report.warn(where, record_id, name, f"valeur(s) non reconnue(s) ignorée(s) : {dropped}")
            else:
                record[name] = None
                report.warn(where, record_id, name, f"{_reason(errors[0])} — champ ignoré")
    return _fit_columns(kind, record, where, report, record_id)


def _fit_columns(kind: str, record: dict, where: str, report: ImportReport, record_id) -> dict | None:
    required = _required(kind)
    for name, limit in column_limits(kind).items():
        value = record.get(name)
        if isinstance(value, list):
            kept = [item for item in value if not isinstance(item, str) or len(item) <= limit]
            if len(kept) < len(value):
                record[name] = kept or None
                report.warn(where, record_id, name, f"valeur de plus de {limit} caractères ignorée")
            continue
        if not isinstance(value, str) or len(value) <= limit:
            continue
        if name in SHORTENED_FIELDS:
            record[name] = value[: limit - 1].rstrip() + "…"
            report.warn(where, record_id, name, f"tronqué à {limit} caractères (il en avait {len(value)})")
        elif name in required:
            report.refuse(kind, where, record_id, name, f"trop long ({len(value)} caractères, {limit} au plus)")
            return None
        else:
            record[name] = None
            report.warn(where, record_id, name, f"trop long ({len(value)} caractères, {limit} au plus) — champ ignoré")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = record.get(name)
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
            report.warn(where, record_id, name, f"position impossible : {_short(value)} — position ignorée")
            record["latitude"] = record["longitude"] = None
    if isinstance(record.get("nombre_semaines"), int) and record["nombre_semaines"] > INTEGER_MAX:
        report.warn(where, record_id, "nombre_semaines", "nombre trop grand — champ ignoré")
        record["nombre_semaines"] = None
    hours = record.get("volume_horaire_hebdomadaire")
    if isinstance(hours, float) and not math.isfinite(hours):
        report.warn(where, record_id, "volume_horaire_hebdomadaire", "nombre invalide — champ ignoré")
        record["volume_horaire_hebdomadaire"] = None
    labels = record.get("labels_nationaux")
    labels = [labels] if isinstance(labels, str) else labels if isinstance(labels, list) else []
    record["labels_nationaux"] = list(dict.fromkeys(label_slug(x) for x in labels if isinstance(x, str))) or None
    return record


def label_slug(label: str) -> str:
    return MEDIATION_LABELS.get(label) or _slug(label)


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(label)).strip("-")[:80]


# ---------------------------------------------------------------------------------------------
# Writing: batches of records, compared before writing


# Part of every record's hash: change it when the importer maps records differently, so that the next
# import writes every record again instead of skipping those whose source did not change.
IMPORT_FORMAT = "2026-12-1"


def record_hash(kind: str, raw) -> str:
    """The hash of a source record as read (before cleaning): equal hashes, nothing to write."""
    text = json.dumps([IMPORT_FORMAT, kind, raw], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass
class _Pending:
    where: str
    key: tuple[str, str]
    record: dict
    digest: str | None = None


class Importer:
    """Feed it records with `add(kind, where, record)` (structures before the services naming them),
    then call `finish()`. Writes go to the session in batches (flushed, never committed)."""

    def __init__(self, report: ImportReport | None = None, *, withdraw: bool = True, progress=None):
        self.report = report or ImportReport()
        self.withdraw = withdraw
        self.progress = progress  # called with the number of records read, every PROGRESS_EVERY
        # kind → source → source id → where: per source, so that a national file does not keep a tuple and
        # a copy of the source's name for each of its records
        self.seen: dict[str, dict[str, dict[str, str]]] = {kind: {} for kind in KINDS}
        self.structure_ids: dict[tuple[str, str], int] = {}
        self.refused_structures: set[tuple[str, str]] = set()
        self.pending: dict[str, list[_Pending]] = {kind: [] for kind in KINDS}  # read, not yet cleaned
        self.communes = set(db.session.scalars(sa.select(Commune.code_insee)))  # the territory's (Vaucluse)
        self.now = utcnow()
        self.inserted = {kind: 0 for kind in KINDS}  # rows inserted since the table was last analysed
        for kind in KINDS:
            _analyse(kind)

    def add(self, kind: str, where: str, raw) -> None:
        self.report.processed += 1
        if self.progress is not None and self.report.processed % PROGRESS_EVERY == 0:
            self.progress(self.report.processed)
        key = _key(raw)
        record_id = key[1] if key else None
        if key is not None:
            of_source = self.seen[kind].setdefault(key[0], {})
            first = of_source.get(key[1])
            if first is not None:
                reason = f"identifiant en double dans le fichier (déjà vu : {first})"
                self.report.refuse(kind, where, record_id, "id", reason)
                return
            of_source[key[1]] = where
        else:  # no usable source and id: cleaning refuses it and says why
            clean_record(kind, raw, where, self.report)
            return
        self.pending[kind].append(_Pending(where, key, raw, record_hash(kind, raw)))
        if len(self.pending[kind]) >= BATCH_SIZE:
            self.flush(kind)

    def flush(self, kind: str) -> None:
        if kind == "service":
            self.flush("structure")
        read, self.pending[kind] = self.pending[kind], []
        batch = self._changed(kind, read) if read else []
        if batch:
            (self._write_structures if kind == "structure" else self._write_services)(batch)

    def _changed(self, kind: str, read: list[_Pending]) -> list[_Pending]:
        """The records to write, cleaned; those imported before with the same hash are only counted.

        One light query a batch (ids, hashes), no entity loaded: a re-sync of unchanged data reads
        the file and the hashes, and writes nothing."""
        model = MODELS[kind]
        known = {}
        for source, ids in _by_source(item.key for item in read).items():
            statement = sa.select(model.source_id, model.id, model.import_hash, model.withdrawn_at).where(
                _keyed(model, source, ids)
            )
            known.update({(source, row[0]): row[1:] for row in db.session.execute(statement)})
        batch = []
        for item in read:
            entry_id, digest, withdrawn_at = known.get(item.key, (None, None, None))
            if digest == item.digest and withdrawn_at is None and not self._structure_refused(kind, item.record):
                if kind == "structure":
                    self.structure_ids[item.key] = entry_id
                self.report.count(kind, "unchanged", item.key[1], _blank(item.record.get("nom")))
                continue
            record = clean_record(kind, item.record, item.where, self.report)
            if record is None:
                if kind == "structure":
                    self.refused_structures.add(item.key)
                continue
            batch.append(_Pending(item.where, item.key, record, item.digest))
        return batch

    def _structure_refused(self, kind: str, raw: dict) -> bool:
        return (
            kind == "service"
            and (_blank(raw.get("source")), _blank(raw.get("structure_id"))) in self.refused_structures
        )

    def finish(self) -> ImportReport:
        self.flush("service")
        if self.withdraw and not self.report.failed:
            for kind in KINDS:
                self._withdraw_missing(kind)
        db.session.flush()
        return self.report

    # -- structures

    def _write_structures(self, batch: list[_Pending]) -> None:
        existing = self._existing(Structure, [item.key for item in batch])
        fresh = [item for item in batch if item.key not in existing]
        rows = []
        for item, structure_id in zip(fresh, _new_ids(Structure, len(fresh)), strict=True):
            values = self._structure_values(item)
            rows.append({"id": structure_id, "source": item.key[0], "source_id": item.key[1], **values})
            rows[-1]["import_hash"] = item.digest
            self.structure_ids[item.key] = structure_id
            self.report.count("structure", "new", item.key[1], values["name"])
        self._insert("structure", rows)
        for item in batch:
            structure = existing.get(item.key)
            if structure is not None:
                self._count("structure", _assign(structure, self._structure_values(item)), item)
                structure.import_hash = item.digest  # not a change of its own: counted by the values only
                self.structure_ids[item.key] = structure.id
        db.session.flush()
        # (no expunge: the session holds clean objects weakly, a batch is freed once it is dropped)

    def _structure_values(self, item: _Pending) -> dict:
        record = item.record
        return {
            "name": record["nom"],
            "siret": record.get("siret"),
            "description": record.get("description"),
            "telephone": record.get("telephone"),
            "courriel": record.get("courriel"),
            "site_web": record.get("site_web"),
            "lien_source": record.get("lien_source"),
            "horaires_accueil": record.get("horaires_accueil"),
            "accessibilite_lieu": record.get("accessibilite_lieu"),
            "reseaux_porteurs": record.get("reseaux_porteurs"),
            "labels_nationaux": record.get("labels_nationaux"),
            "date_maj": date.fromisoformat(record["date_maj"]),
            "withdrawn_at": None,
            **self._location(item),
        }

    # -- services

    def _write_services(self, batch: list[_Pending]) -> None:
        batch = self._with_structures(batch)
        existing = self._existing(
            Service,
            [item.key for item in batch],
            selectinload(Service.thematique_links),
            selectinload(Service.zone_links),
            undefer(Service.search_text),
            undefer(Service.search_title),
        )
        self._insert_services([item for item in batch if item.key not in existing])
        batch = [item for item in batch if item.key in existing]
        structures = {
            s.id: s
            for s in db.session.scalars(
                sa.select(Structure).where(Structure.id.in_({self._structure_id(item) for item in batch}))
            )
        }
        for item in batch:
            record = item.record
            service = existing[item.key]
            values = self._service_values(item)
            changed = _assign(service, values)
            service.import_hash = item.digest
            structure = structures[self._structure_id(item)]
            if service.structure is not structure:
                service.structure = structure
                changed = True
            thematiques = record.get("thematiques")
            changed |= _set_codes(service, "thematique_links", ServiceThematique, "thematique", thematiques)
            changed |= _set_codes(service, "zone_links", ServiceZone, "code", record.get("zone_eligibilite"))
            if changed:
                before = (service.search_text, service.search_title)
                service.refresh_search_text()
                changed |= before != (service.search_text, service.search_title)
            self._count("service", changed, item)
        db.session.flush()

    def _insert_services(self, fresh: list[_Pending]) -> None:
        """New services as plain rows (no entity: the ORM's bookkeeping was most of an import's time)."""
        if not fresh:
            return
        structure_ids = {self._structure_id(item) for item in fresh}
        statement = sa.select(Structure.id, Structure.name).where(Structure.id.in_(structure_ids))
        names = dict(db.session.execute(statement).tuples().all())
        rows, thematiques, zones = [], [], []
        for item, service_id in zip(fresh, _new_ids(Service, len(fresh)), strict=True):
            record = item.record
            values = {"accessibilite_lieu": None, **self._service_values(item)}
            structure_id = self._structure_id(item)
            codes = list(dict.fromkeys(record.get("thematiques") or ()))
            search_text, search_title = search_texts(
                name=values["name"],
                structure_name=names[structure_id],
                description=values["description"],
                thematiques=codes,
                publics=values["publics"],
                commune_name=values["commune_name"],
                conditions_acces=values["conditions_acces"],
            )
            rows.append(
                {
                    "id": service_id,
                    "structure_id": structure_id,
                    "source": item.key[0],
                    "source_id": item.key[1],
                    **values,
                    "search_text": search_text,
                    "search_title": search_title,
                    "import_hash": item.digest,
                }
            )
            thematiques.extend({"service_id": service_id, "thematique": code} for code in codes)
            zones.extend(
                {"service_id": service_id, "code": code} for code in dict.fromkeys(record.get("zone_eligibilite") or ())
            )
            self.report.count("service", "new", item.key[1], values["name"])
        self._insert("service", rows)
        _insert(ServiceThematique, thematiques)
        _insert(ServiceZone, zones)

    def _with_structures(self, batch: list[_Pending]) -> list[_Pending]:
        """The services whose structure is known (imported now or before); the others are refused."""
        missing = {_structure_key(item.record) for item in batch} - self.structure_ids.keys()
        if missing:
            for source, ids in _by_source(missing).items():
                statement = sa.select(Structure.id, Structure.source_id).where(_keyed(Structure, source, ids))
                for structure_id, source_id in db.session.execute(statement):
                    self.structure_ids[(source, source_id)] = structure_id
        kept = []
        for item in batch:
            key = _structure_key(item.record)
            if key in self.structure_ids:
                kept.append(item)
                continue
            reason = (
                f"sa structure {key[1]} a été refusée"
                if key in self.refused_structures
                else f"structure inconnue : {key[1]} (source {key[0]})"
            )
            self.report.refuse("service", item.where, item.key[1], "structure_id", reason)
        return kept

    def _insert(self, kind: str, rows: list[dict]) -> None:
        _insert(MODELS[kind], rows)
        self.inserted[kind] += len(rows)
        if self.inserted[kind] >= ANALYSE_EVERY:
            _analyse(kind)
            self.inserted[kind] = 0

    def _structure_id(self, item: _Pending) -> int:
        return self.structure_ids[_structure_key(item.record)]

    def _service_values(self, item: _Pending) -> dict:
        record = item.record
        values = {
            "name": record["nom"],
            "description": record["description"],
            "type": ServiceType(record["type"]) if record.get("type") else None,
            "frais": Frais(record["frais"]) if record.get("frais") else None,
            "date_maj": date.fromisoformat(record["date_maj"]),
            "withdrawn_at": None,
            **{name: record.get(name) for name in SERVICE_PLAIN_FIELDS},
            **self._location(item),
        }
        if "accessibilite_lieu" in record:  # the médiation standard carries it per place
            values["accessibilite_lieu"] = record["accessibilite_lieu"]
        return values

    # -- shared

    def _location(self, item: _Pending) -> dict:
        """The commune (anywhere in France, from the INSEE code or postcode + name) and a position."""
        record = item.record
        found = place(
            record.get("code_postal"),
            record.get("commune"),
            record.get("code_insee"),
            latitude=record.get("latitude"),
            longitude=record.get("longitude"),
        )
        if not found.placed:
            self.report.unplaced += 1
            self.report.warn(item.where, item.key[1], "commune", f"commune non trouvée : {found.unplaced_reason}")
        return {
            "adresse": record.get("adresse"),
            "complement_adresse": record.get("complement_adresse"),
            "code_postal": record.get("code_postal"),
            "commune_name": found.commune_name or record.get("commune"),
            "code_insee": found.code_insee,
            "commune_code": found.code_insee if found.code_insee in self.communes else None,
            "latitude": found.latitude,
            "longitude": found.longitude,
            "position_is_approximate": found.approximate,
        }

    def _existing(self, model, keys: list[tuple[str, str]], *options) -> dict:
        found = {}
        for source, ids in _by_source(keys).items():
            statement = sa.select(model).where(_keyed(model, source, ids)).options(*options)
            found.update({(entry.source, entry.source_id): entry for entry in db.session.scalars(statement)})
        return found

    def _count(self, kind: str, changed: bool, item: _Pending) -> None:
        self.report.count(kind, "updated" if changed else "unchanged", item.key[1], item.record.get("nom"))

    def _withdraw_missing(self, kind: str) -> None:
        """Entries of the sources this run carried that it no longer carries are withdrawn."""
        seen = self.seen[kind]
        if not seen:
            return
        model = MODELS[kind]
        statement = sa.select(model.id, model.source, model.source_id, model.name).where(
            model.source.in_(sorted(seen)), model.withdrawn_at.is_(None)
        )
        gone = []
        # streamed (a server-side cursor): a national source's rows are not all held at once
        for entry_id, source, source_id, name in db.session.execute(statement, execution_options={"yield_per": 5000}):
            if source_id not in seen[source]:
                gone.append(entry_id)
                named = self.report.records[kind]["withdrawn"]
                if len(named) < SAMPLE:
                    named.append((source_id, name))
        for start in range(0, len(gone), 5000):
            db.session.execute(
                sa.update(model).where(model.id.in_(gone[start : start + 5000])).values(withdrawn_at=self.now),
                execution_options={"synchronize_session": False},
            )
        self.report.counts[kind]["withdrawn"] += len(gone)


SERVICE_PLAIN_FIELDS = (
    "publics",
    "modes_accueil",
    "modes_mobilisation",
    "mobilisable_par",
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
)


def _key(record) -> tuple[str, str] | None:
    if not isinstance(record, dict):
        return None
    source, identifier = _blank(record.get("source")), _blank(record.get("id"))
    return (source, identifier) if isinstance(source, str) and isinstance(identifier, str) else None


def _by_source(keys) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for source, source_id in keys:
        grouped.setdefault(source, []).append(source_id)
    return grouped


def _keyed(model, source: str, ids: list[str]):
    """One array parameter rather than one placeholder per id (the driver parses every placeholder)."""
    return sa.and_(model.source == source, model.source_id == sa.any_(sa.literal(ids, postgresql.ARRAY(sa.String))))


def _analyse(kind: str) -> None:
    """Fresh statistics for the table (in the import's transaction, which sees its own rows).

    Without them, after a large import the planner believes a source has a handful of rows: the
    lookups by (source, source id) then use the index for the source only and compare every row of
    the source with the batch's ids — each batch costs as much as the table, the import grows with
    its square (measured: 0.25 s a batch at 20,000 services)."""
    db.session.execute(sa.text(f"ANALYZE {MODELS[kind].__tablename__}"))


def _insert(model, rows: list[dict]) -> None:
    """New rows with one COPY (the keys are given): a quarter less time than an executemany of the same
    rows, whose statements psycopg still sends one by one. What the ORM would do on the way is done here:
    the columns' Python defaults fill what a row lacks, and each value goes through its type's bind
    processing (enums to their names, JSON to text); server defaults apply to the columns left out."""
    if not rows:
        return
    table = model.__table__
    session_connection = db.session.connection()
    dialect = session_connection.dialect
    given = {name for row in rows for name in row}
    columns = [
        column
        for column in table.columns
        if column.key in given or (column.default is not None and not column.default.is_sequence)
    ]
    fill = []
    for column in columns:
        default = column.default
        if default is None:
            fill.append(None)
        elif default.is_callable:
            fill.append(lambda default=default: default.arg(None))
        else:
            fill.append(lambda default=default: default.arg)
    processors = [column.type.bind_processor(dialect) for column in columns]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    cursor = session_connection.connection.driver_connection.cursor()
    with cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for column, default, process in zip(columns, fill, processors, strict=True):
                value = row[column.key] if column.key in row else default() if default else None
                values.append(process(value) if process and value is not None else value)
            copy.write_row(values)


def _new_ids(model, count: int) -> Iterator[int]:
    """Primary keys taken from the table's sequence in one query: the inserts then go as one executemany
    (with keys left to the database, every batch is one huge INSERT … RETURNING the driver parses)."""
    if not count:
        return iter(())
    sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
    statement = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
    return iter(db.session.scalars(statement).all())


def _structure_key(record: dict) -> tuple[str, str]:
    return record["source"], record["structure_id"]


def _assign(entry, values: dict) -> bool:
    """Set what differs; True when something did (unchanged data writes nothing)."""
    changed = False
    for name, value in values.items():
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed = True
    return changed


def _set_codes(service: Service, relationship: str, model, attribute: str, codes) -> bool:
    wanted = list(dict.fromkeys(codes or []))
    if sorted(getattr(link, attribute) for link in getattr(service, relationship)) == sorted(wanted):
        return False
    set_links(service, relationship, model, attribute, wanted)
    return True


def set_links(service: Service, relationship: str, model, attribute: str, codes) -> None:
    """Make a link collection hold exactly `codes`, touching only what changed."""
    links = getattr(service, relationship)
    wanted = list(dict.fromkeys(codes))
    for link in [link for link in links if getattr(link, attribute) not in wanted]:
        links.remove(link)
    present = {getattr(link, attribute) for link in links}
    links.extend(model(**{attribute: code}) for code in wanted if code not in present)


# ---------------------------------------------------------------------------------------------
# data·inclusion v1 files (JSON list, NDJSON, {"structures", "services"}, API pages {"items", …})


def import_data_inclusion(paths: Iterable[Path], *, withdraw: bool = True, progress=None) -> ImportReport:
    """Structures first (from every file), then services: a service names its structure's id.

    Two passes over the files, each streamed; raises ImportFileError when a file cannot be read
    (the caller rolls back: nothing of the run is kept)."""
    paths = list(paths)
    importer = Importer(withdraw=withdraw, progress=progress)
    encodings = {path: detect_encoding(path) for path in paths}
    importer.report.encodings = {path.name: encoding for path, encoding in encodings.items()}
    for wanted in KINDS:
        for path in paths:
            for kind, where, record in _data_inclusion_records(path, encodings[path]):
                if kind == wanted:
                    importer.add(kind, where, record)
        importer.flush(wanted)
    return importer.finish()


def _data_inclusion_records(path: Path, encoding: str) -> Iterator[tuple[str, str, object]]:
    for number, (declared, line, record) in enumerate(iter_json_records(path, encoding), 1):
        kind = declared or ("service" if isinstance(record, dict) and "structure_id" in record else "structure")
        yield kind, f"{path.name} n°{number}, ligne {line}", record


def import_records(records: Iterable[tuple[str, str, object]], *, withdraw: bool = True) -> ImportReport:
    """(kind, where, record) in any order of kinds as long as a service comes after its structure."""
    importer = Importer(withdraw=withdraw)
    for kind, where, record in records:
        importer.add(kind, where, record)
    return importer.finish()


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


# The médiation standard's `dispositif_programmes_nationaux` → data·inclusion labels nationaux (v0 slugs).
MEDIATION_LABELS = {
    "Aidants Connect": "aidants-connect",
    "Conseillers numériques": "conseiller-numerique",
    "Conseiller numérique": "conseiller-numerique",
    "France Services": "france-service",
    "France services": "france-service",
    "Grande école du numérique": "grandes-ecoles-du-numerique",
    "La Croix Rouge": "croix-rouge",
    "Emmaüs Connect": "emmaus",
}


@cache
def _mediation_schema_fields() -> list[dict]:
    with open(DATA_DIR / "standard-mediation-num-schema.json", encoding="utf-8") as handle:
        return json.load(handle)["fields"]


def _mediation_required() -> list[str]:
    fields = _mediation_schema_fields()
    return [f["name"] for f in fields if f.get("constraints", {}).get("required") or f["name"] == "services"]


def mediation_row_problems(row: dict) -> list[tuple[str, str, bool]]:
    """(field, reason, required) for each check of the standard's Table Schema the row fails."""
    problems = []
    for spec in _mediation_schema_fields():
        name, constraints = spec["name"], spec.get("constraints", {})
        required = bool(constraints.get("required")) or name == "services"
        value = (row.get(name) or "").strip()
        if not value:
            if required:
                problems.append((name, "champ obligatoire manquant", True))
            continue
        pattern = constraints.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            problems.append((name, f"valeur non conforme : {_short(value)}", required))
        elif constraints.get("maxLength") and len(value) > constraints["maxLength"]:
            limit = constraints["maxLength"]
            problems.append((name, f"trop long ({len(value)} caractères, {limit} au plus)", required))
        elif spec.get("type") == "number" and _float(value) is None:
            problems.append((name, f"n'est pas un nombre : {_short(value)}", required))
        elif spec.get("type") == "date" and _date(value) is None:
            problems.append((name, f"n'est pas une date AAAA-MM-JJ : {_short(value)}", required))
    return problems


def import_mediation_numerique(path: Path, *, withdraw: bool = True, progress=None) -> ImportReport:
    """Lieux de médiation numérique, one CSV row a place (a structure) and its services, streamed."""
    importer = Importer(withdraw=withdraw, progress=progress)
    encoding = detect_encoding(path)
    importer.report.encodings = {path.name: encoding}
    handle, reader = open_csv(path, encoding, _mediation_required())
    with handle:
        try:
            for row in reader:
                line = reader.line_num + 1  # the header was read before the reader started
                _add_mediation_row(importer, row, f"ligne {line}")
        except csv.Error as error:
            raise ImportFileError(f"{path.name}, ligne {reader.line_num + 1} : CSV illisible ({error}).") from error
    return importer.finish()


def _add_mediation_row(importer: Importer, row: dict, where: str) -> None:
    report = importer.report
    row_id = (row.get("id") or "").strip() or None
    if None in row:
        report.refuse("structure", where, row_id, None, "trop de colonnes sur cette ligne (séparateur ou guillemets ?)")
        return
    if any(value is None for value in row.values()):
        report.refuse("structure", where, row_id, None, "ligne incomplète : il manque des colonnes (fichier tronqué ?)")
        return
    row = {name: value.strip() for name, value in row.items()}
    problems = mediation_row_problems(row)
    refusals = [(name, reason) for name, reason, required in problems if required]
    if refusals:
        report.refuse("structure", where, row_id, refusals[0][0], " ; ".join(f"{n} : {r}" for n, r in refusals))
        return
    for name, reason, _required_field in problems:
        report.warn(where, row_id, name, f"{reason} — champ ignoré")
        row[name] = ""
    structure, services = _mediation_records(row)
    importer.add("structure", where, structure)
    for service in services:
        importer.add("service", where, service)


def _mediation_records(row: dict) -> tuple[dict, list[dict]]:
    location = {
        "adresse": row["adresse"],
        "complement_adresse": row.get("complement_adresse"),
        "code_postal": row["code_postal"],
        "commune": row["commune"],
        "code_insee": row.get("code_insee"),
        "latitude": _float(row.get("latitude")),
        "longitude": _float(row.get("longitude")),
    }
    emails = _split(row.get("courriels"))
    websites = _split(row.get("site_web"))
    record = {
        "source": MEDIATION_NUMERIQUE_SOURCE,
        "id": row["id"],
        "nom": row["nom"],
        "siret": row["pivot"] if re.fullmatch(r"\d{14}", row["pivot"]) else None,
        "description": row.get("presentation_detail") or row.get("presentation_resume"),
        "telephone": row.get("telephone"),
        "courriel": emails[0] if emails else None,
        "site_web": websites[0] if websites else None,
        "horaires_accueil": row.get("horaires"),
        "accessibilite_lieu": row.get("fiche_acces_libre"),
        "labels_nationaux": _split(row.get("dispositif_programmes_nationaux")) or None,
        "date_maj": row["date_maj"],
        **location,
    }
    fees = _split(row.get("frais_a_charge"))
    publics = [MEDIATION_PUBLICS[p] for p in _split(row.get("publics_specifiquement_adresses"))] or ["tous-publics"]
    mobilisation = sorted(
        {MEDIATION_MOBILISATION[m] for m in _split(row.get("modalites_acces")) if m in MEDIATION_MOBILISATION}
    )
    accompaniment = _split(row.get("modalites_accompagnement"))
    modes_accueil = (["a-distance"] if "À distance" in accompaniment else []) + (
        ["en-presentiel"] if any(m != "À distance" for m in accompaniment) or not accompaniment else []
    )
    services = [
        {
            "source": MEDIATION_NUMERIQUE_SOURCE,
            "id": f"{record['id']}--{_slug(label)}",
            "structure_id": record["id"],
            "nom": label,
            "description": _mediation_description(label, row),
            "type": "atelier" if accompaniment == ["Dans un atelier collectif"] else "accompagnement",
            "thematiques": MEDIATION_SERVICE_THEMATIQUES[label],
            "frais": "payant" if "Payant" in fees else ("gratuit" if fees else None),
            "frais_precisions": ", ".join(fees) or None,
            "publics": publics,
            "modes_accueil": modes_accueil,
            "modes_mobilisation": mobilisation or None,
            "lien_mobilisation": row.get("prise_rdv"),
            "telephone": record["telephone"],
            "courriel": record["courriel"],
            "horaires_accueil": record["horaires_accueil"],
            "accessibilite_lieu": record["accessibilite_lieu"],
            "date_maj": record["date_maj"],
            **location,
        }
        for label in _split(row.get("services"))
    ]
    return record, services


def _mediation_description(label: str, row: dict) -> str:
    summary = (row.get("presentation_resume") or "").strip()
    return f"{label} — {summary}" if summary else f"{label} au lieu de médiation numérique {row['nom'].strip()}."


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _float(value) -> float | None:
    try:
        number = float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
