"""Every commune of France: postcode + name (as people and files write them) → INSEE code, and a position.

The table is data/communes-france.csv.gz, generated from the npm package @etalab/decoupage-administratif
by scripts/build_communes_fr.py (no node at run time). It has no positions: a commune's centre is known
for the Vaucluse communes only (the territory table); elsewhere a placed record keeps its commune's code
and no position.

A municipal arrondissement (Paris, Lyon, Marseille) resolves to its commune (13013 « Marseille 13e »
→ 13055): the commune is what zones, searches and EPCI figures count. A commune déléguée or associée
(a former commune whose name still appears in addresses) resolves to the commune it belongs to.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orientation.extensions import db
from orientation.territory.models import Commune

DATA_DIR = Path(__file__).parent / "data"
ARTICLES = {"le", "la", "les", "l"}
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
CITIES_WITH_ARRONDISSEMENTS = {"paris", "lyon", "marseille"}
_ORDINAL = re.compile(r"^\d{1,2}(e|er|eme|ieme|em|me)?$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
FUZZY_CUTOFF = 0.85


@dataclass(frozen=True)
class Placement:
    """Where a record is: its commune (None when it could not be placed) and a position.

    `approximate`: the position is the commune's centre, not the place's own.
    `unplaced_reason`: why no commune was found, in French (None when placed).
    """

    code_insee: str | None
    latitude: float | None
    longitude: float | None
    approximate: bool
    unplaced_reason: str | None = None
    commune_name: str | None = None

    @property
    def placed(self) -> bool:
        return self.code_insee is not None


@dataclass(frozen=True)
class _Commune:
    code: str
    name: str
    departement: str
    postcodes: tuple[str, ...]


class _Table:
    """The indexes, built once per process from the generated file (about 1 s of CPU, 45 MB)."""

    def __init__(self, path: Path):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            columns = {name: index for index, name in enumerate(next(reader))}
            code, name, departement, parent, postcodes_of, former = (
                columns[column]
                for column in ("code", "nom", "departement", "commune", "codes_postaux", "anciens_codes")
            )
            rows = [
                (row[code], row[name], row[departement], row[parent], tuple(row[postcodes_of].split()), row[former])
                for row in reader
            ]
        self.communes: dict[str, _Commune] = {}
        self.current_code: dict[str, str] = {}  # any code (arrondissement, déléguée, former) → commune
        for code, name, departement, parent, postcodes, former_codes in rows:
            if not parent:
                self.communes[code] = _Commune(code, name, departement, postcodes)
                for former in former_codes.split():
                    self.current_code.setdefault(former, code)
        for code, _name, _departement, parent, _postcodes, _former in rows:
            if (parent or code) in self.communes:
                self.current_code.setdefault(code, parent or code)
        # Lists while building, tuples once built: most keys name one commune, and the 300,000 sets this
        # used to keep weighed ~60 MB in every process that imports (a tuple of one is a quarter of a set).
        self.by_postcode: dict[str, tuple[str, ...]] = {}
        self.by_postcode_key: dict[tuple[str, str], tuple[str, ...]] = {}
        self.by_departement_key: dict[tuple[str, str], tuple[str, ...]] = {}
        self.by_key: dict[str, tuple[str, ...]] = {}

        def add(index: dict, key, value: str) -> None:
            codes = index.setdefault(key, [])
            if value not in codes:
                codes.append(value)

        for code, name, _departement, _parent, postcodes, _former in rows:
            commune = self.communes.get(self.current_code.get(code, ""))
            if commune is None:
                continue
            postcodes = postcodes or commune.postcodes
            for key in _keys(name):
                add(self.by_key, key, commune.code)
                add(self.by_departement_key, (commune.departement, key), commune.code)
                for postcode in postcodes:
                    add(self.by_postcode_key, (postcode, key), commune.code)
            for postcode in postcodes:
                add(self.by_postcode, postcode, commune.code)
        for index in (self.by_postcode, self.by_postcode_key, self.by_departement_key, self.by_key):
            for key, codes in index.items():
                index[key] = tuple(sorted(codes))


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table(DATA_DIR / "communes-france.csv.gz")


def _repair_encoding(text: str) -> str:
    """UTF-8 read as Latin-1 or Windows-1252 (« BÃ©darrides ») back to what was meant."""
    if not any(marker in text for marker in ("Ã", "Â", "â\u20ac")):
        return text
    for encoding in ("cp1252", "latin-1"):
        try:
            return text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return text


def name_key(name: str | None) -> str:
    """A commune name as a comparable key: no accents, case, punctuation, « St », Cedex or arrondissement."""
    text = _repair_encoding(name or "")
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"\bs/", "sur ", text)
    text = re.sub(r"\bcedex\b.*$", "", text)
    tokens = [ABBREVIATIONS.get(token, token) for token in _NOT_WORD.sub(" ", text).split()]
    if tokens and tokens[0] in CITIES_WITH_ARRONDISSEMENTS:
        tokens = [tokens[0]] + [t for t in tokens[1:] if not _ORDINAL.match(t) and t not in ("arrondissement", "arr")]
    return " ".join(tokens)


def _without_articles(key: str) -> str:
    """« Le Pontet », « Pontet (Le) », « L Isle sur la Sorgue » → « pontet », « isle sur la sorgue »."""
    tokens = key.split()
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    elif len(tokens) > 1 and tokens[-1] in ARTICLES:
        tokens = tokens[:-1]
    return " ".join(tokens)


def _keys(name: str) -> set[str]:
    key = name_key(name)
    return {key, "~" + _without_articles(key)} if key else set()


def _clean_digits(value: str | None, length: int) -> str:
    """« 84 300 », « 4000 » (a spreadsheet dropped the leading 0) → « 84300 », « 04000 »."""
    text = re.sub(r"\s+", "", value or "").upper()
    if text.isdigit() and len(text) == length - 1:
        text = "0" + text
    return text


def departement_of_postcode(postcode: str) -> str | None:
    if not re.fullmatch(r"\d{5}", postcode):
        return None
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    return postcode[:2]


def _matches(table: _Table, index: dict, prefix: tuple, key: str) -> tuple[str, ...]:
    return index.get((*prefix, key)) or index.get((*prefix, "~" + _without_articles(key))) or ()


def resolve(
    code_postal: str | None, commune_name: str | None, code_insee: str | None = None
) -> tuple[str | None, str | None]:
    """(INSEE code of the current commune, None) or (None, why not in French)."""
    table = _table()
    given_code = _clean_digits(code_insee, 5)
    if given_code in table.current_code:
        return table.current_code[given_code], None
    postcode = _clean_digits(code_postal, 5)
    key = name_key(commune_name)
    shown = (commune_name or "").strip()
    if not key and not postcode:
        return None, "ni code postal ni commune"
    in_postcode = table.by_postcode.get(postcode, ())
    if in_postcode:
        if not key:
            if len(in_postcode) == 1:
                return next(iter(in_postcode)), None
            return None, f"le code postal {postcode} couvre plusieurs communes et la commune n'est pas indiquée"
        found = _matches(table, table.by_postcode_key, (postcode,), key)
        if len(found) > 1:
            return None, _ambiguous(table, shown, found, f"du code postal {postcode}")
        if found:
            return next(iter(found)), None
    departement = departement_of_postcode(postcode)
    if key:
        if departement:
            found = _matches(table, table.by_departement_key, (departement,), key)
        else:
            found = table.by_key.get(key) or table.by_key.get("~" + _without_articles(key)) or ()
        if len(found) > 1:
            where = f"du département {departement}" if departement else "de France"
            return None, _ambiguous(table, shown, found, where)
        if found:
            return next(iter(found)), None
    if in_postcode:
        close = _close_matches(table, key, in_postcode)
        if len(close) > 1:
            return None, _ambiguous(table, shown, close, f"du code postal {postcode}")
        if close:
            return next(iter(close)), None
        if len(in_postcode) == 1:  # a lieu-dit or a district written as the commune
            return next(iter(in_postcode)), None
        return None, f"« {shown} » n'est pas une commune du code postal {postcode}"
    if postcode and not key:
        return None, f"code postal {postcode} inconnu et commune non indiquée"
    if postcode:
        return None, f"commune « {shown} » introuvable (code postal {postcode} inconnu)"
    return None, f"commune « {shown} » introuvable sans code postal"


def _close_matches(table: _Table, key: str, codes) -> set[str]:
    """A typo (« Cavailon ») among the communes of the postcode; two close names are not guessed between."""
    names = {name_key(table.communes[code].name): code for code in codes}
    return {names[name] for name in difflib.get_close_matches(key, list(names), n=3, cutoff=FUZZY_CUTOFF)}


def _ambiguous(table: _Table, shown: str, codes, where: str) -> str:
    names = sorted(f"{table.communes[code].name} ({code})" for code in codes)
    return f"« {shown} » correspond à plusieurs communes {where} : {', '.join(names)}"


def official_name(code: str | None) -> str | None:
    """The official name of a commune (or of the commune an arrondissement belongs to)."""
    table = _table()
    current = table.current_code.get(code or "")
    return table.communes[current].name if current else None


def departement_names() -> dict[str, str]:
    return dict(_small_table("departements-france.csv", "code"))


def epci_names() -> dict[str, str]:
    return dict(_small_table("epci-france.csv.gz", "siren"))


@lru_cache(maxsize=4)
def _small_table(filename: str, key: str) -> tuple[tuple[str, str], ...]:
    path = DATA_DIR / filename
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return tuple((row[key], row["nom"]) for row in csv.DictReader(handle))


def commune_centre(code: str | None) -> tuple[float, float] | None:
    """A position for the commune: the territory table's centre (Vaucluse); None elsewhere (no data)."""
    current = _table().current_code.get(code or "")
    with db.session.no_autoflush:  # reference data: never flush the caller's half-built rows
        commune = db.session.get(Commune, current) if current else None
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return commune.latitude, commune.longitude


def _valid_position(latitude, longitude) -> bool:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    plausible = math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
    return plausible and (lat, lon) != (0, 0)


def place(
    code_postal: str | None,
    commune_name: str | None,
    code_insee: str | None = None,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Placement:
    """The commune of a record from what its source gives, and a position.

    A valid INSEE code wins; else postcode + name decide. The record's own coordinates, when given and
    plausible, are kept (approximate=False); else the commune's centre where it is known (approximate).
    """
    code, reason = resolve(code_postal, commune_name, code_insee)
    official = official_name(code) if code else None
    if _valid_position(latitude, longitude):
        return Placement(code, float(latitude), float(longitude), False, reason, official)
    centre = commune_centre(code) if code else None
    if centre is None:
        return Placement(code, None, None, False, reason, official)
    return Placement(code, centre[0], centre[1], True, reason, official)
