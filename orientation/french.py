"""French for pages: numbers, dates and durations (Babel), elision and articles, collation of names.

One place for every word the pages build around a value: templates reach these through the Jinja
filters registered in `orientation.templating`, Python code (tables, CSV, e-mails) imports them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from babel.dates import get_month_names
from babel.numbers import format_decimal, format_percent

from orientation.clock import PARIS

LOCALE = "fr_FR"
NBSP = "\u00a0"  # between a number and its unit
MONTHS = [get_month_names("wide", locale=LOCALE)[number] for number in range(1, 13)]
MONTH_ABBREVIATIONS = [get_month_names("abbreviated", locale=LOCALE)[number] for number in range(1, 13)]


# ---------------------------------------------------------------------------------------------
# Numbers, distances, durations, shares


def number(value: float | int | None, decimals: int = 1) -> str:
    """« 12 345,6 »: a decimal comma, narrow no-break spaces between thousands, no trailing zero."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def plural(count: int, singular: str, plural_form: str) -> str:
    """French agreement: 0 and 1 take the singular (« 0 orientation reçue », « 2 orientations reçues »)."""
    return singular if abs(count) < 2 else plural_form


def distance(km: float | None) -> str:
    """« 300 m » under a kilometre, « 2,4 km » under ten, « 12 km » beyond."""
    if km is None:
        return "—"
    if km < 1:
        return f"{number(max(10, round(km * 100) * 10), 0)}{NBSP}m"
    return f"{number(km, 1 if km < 10 else 0)}{NBSP}km"


def days(value: float | None) -> str:
    """« 1 jour », « 2,9 jours »: a delay in days, to a tenth (singular below two, as in French)."""
    if value is None:
        return "—"
    rounded = round(value, 1)
    return f"{number(rounded, 1)}{NBSP}{'jour' if rounded < 2 else 'jours'}"


def percent(share: float | None) -> str:
    """« 12 % » for 0.12."""
    if share is None:
        return "—"
    return format_percent(share, format="#,##0\u00a0%", locale=LOCALE)


# ---------------------------------------------------------------------------------------------
# Dates


def _local_date(value: date | datetime) -> date:
    return value.astimezone(PARIS).date() if isinstance(value, datetime) else value


def day_month(value: date | datetime | None) -> str:
    """« 1er décembre », « 14 juillet »."""
    if value is None:
        return "—"
    local = _local_date(value)
    return f"{'1er' if local.day == 1 else local.day} {MONTHS[local.month - 1]}"


def date_fr(value: date | datetime | None) -> str:
    """« 1er décembre 2026 »."""
    if value is None:
        return "—"
    return f"{day_month(value)} {_local_date(value).year}"


def datetime_fr(value: datetime | None) -> str:
    """« 1er décembre 2026 à 09:30 », in Paris time."""
    if value is None:
        return "—"
    local = value.astimezone(PARIS)
    return f"{date_fr(local)} à {local:%H:%M}"


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def month_abbreviation(month: int) -> str:
    """« janv. », « juin », « juil. » (the CLDR abbreviations: June and July never meet)."""
    return MONTH_ABBREVIATIONS[month - 1]


def month_label(month: str) -> str:
    """« juin 2026 » for "2026-06"."""
    year, number_ = month.split("-")
    return f"{month_name(int(number_))} {year}"


def short_month_label(label: str) -> str:
    """« juil. 26 » for « juillet 2026 » (a chart's axis)."""
    name, _, year = label.rpartition(" ")
    if name not in MONTHS:
        return label
    return f"{month_abbreviation(MONTHS.index(name) + 1)} {year[-2:]}"


# ---------------------------------------------------------------------------------------------
# Elision and articles

# Words whose h is mute (« l'hôpital », « d'hébergement »); any other h is aspirated (« de Hollande »).
MUTE_H = ("hab", "héb", "heb", "hôp", "hop", "hôt", "hom", "hum", "heur", "hist", "hyg", "hél", "hugo")
VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"

# The article a head word takes (the first word of an organisation's name, or an acronym).
FEMININE = {
    "cpam", "caf", "carsat", "msa", "msp", "mdph", "pmi", "cpts", "maison", "mission", "mairie", "mutualité",
    "plateforme", "préfecture", "permanence", "commune", "ville", "fédération", "direction", "structure",
    "résidence", "boutique", "croix-rouge", "communauté", "régie", "banque", "ligue", "halte",
}  # fmt: skip
MASCULINE = {
    "ccas", "cias", "centre", "département", "conseil", "service", "pôle", "point", "relais", "secours",
    "dac", "foyer", "chrs", "csapa", "caarud", "groupement", "comité", "collectif", "restaurant", "cabinet",
    "gip", "clic", "cmp", "siao", "tiers-lieu", "bureau",
}  # fmt: skip
ELIDED = {
    "edes", "espace", "association", "atelier", "udaf", "épicerie", "antenne", "agence", "office", "établissement",
    "unité", "hôpital", "institut", "ehpad", "ea", "esat", "apf", "adil", "armée",
}  # fmt: skip

_LEADING_ARTICLE = re.compile(r"^(?:(les|le|la)\s+|l['’])", re.IGNORECASE)


def starts_with_vowel_sound(word: str) -> bool:
    lowered = word.strip().lower()
    return bool(lowered) and (lowered[0] in VOWELS or lowered.startswith(MUTE_H))


def _head(name: str) -> str:
    return re.split(r"[\s'’]", name.strip(), maxsplit=1)[0].lower()


def article_of(name: str) -> str | None:
    """« le », « la », « l' » for a name whose head word takes an article (« CPAM de Vaucluse »), else None."""
    head = _head(name)
    if head in ELIDED:
        return "l'"
    if head in FEMININE:
        return "la"
    if head in MASCULINE:
        return "le"
    return None


def _with(article: str, name: str) -> str:
    return f"{article}{name}" if article.endswith("'") else f"{article} {name}"


# A preposition's contractions with « le » and « les », and its elided form before a vowel (« à »: none).
_PREPOSITIONS = {"de": ("du", "des", "d'"), "à": ("au", "aux", None)}


def _preposition(word: str, name: str | None) -> str:
    with_le, with_les, elided = _PREPOSITIONS[word]
    if not name:
        return f"{word} —"
    name = str(name).strip()
    article = article_of(name)
    if article == "le":
        return f"{with_le} {name}"
    if article:
        return f"{word} {_with(article, name)}"
    leading = _LEADING_ARTICLE.match(name)
    if leading:  # a commune's own article: « Le Pontet », « Les Taillades »
        own = (leading.group(1) or "l'").lower()
        rest = name[leading.end() :]
        if own in ("le", "les"):
            return f"{with_le if own == 'le' else with_les} {rest}"
        return f"{word} {name}"
    if elided and starts_with_vowel_sound(name):
        return f"{elided}{name}"
    return f"{word} {name}"


def de(name: str | None) -> str:
    """« de la CPAM », « du CCAS », « de l'EDeS d'Orange », « d'Orange », « du Pontet », « de Jean »."""
    return _preposition("de", name)


def au(name: str | None) -> str:
    """« à la CPAM », « au CCAS », « à l'EDeS », « à Avignon », « au Pontet », « aux Taillades »."""
    return _preposition("à", name)


def que(word: str | None) -> str:
    """« qu'agent », « que responsable »."""
    word = (word or "").strip()
    return f"qu'{word}" if starts_with_vowel_sound(word) else f"que {word}"


def le(name: str | None) -> str:
    """« la CPAM », « le CCAS », « l'EDeS », « l'agent »; a name without a known article is left alone."""
    name = (name or "").strip()
    article = article_of(name)
    if article is None:
        return f"l'{name}" if starts_with_vowel_sound(name) and name[:1].islower() else name
    return _with(article, name)


# ---------------------------------------------------------------------------------------------
# Collation


def unaccented(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


_SEPARATORS = str.maketrans({"-": " ", "'": " ", "’": " "})


def collation_key(text: str | None) -> tuple[str, str]:
    """Sort names as a French reader does: accents, case, hyphens and apostrophes ignored first
    (Bédarrides before Buoux, Saint-Didier beside Saint Didier), the exact form as tie-breaker."""
    text = text or ""
    return (" ".join(unaccented(text).casefold().translate(_SEPARATORS).split()), text)


def sorted_names(items, key=lambda item: item):
    """`items` sorted by the French collation of `key(item)`."""
    return sorted(items, key=lambda item: collation_key(key(item)))


def sql_collation(column):
    """The SQL twin of `collation_key` for ORDER BY: lower(unaccent(name)) with hyphens and
    apostrophes as spaces (the `unaccent` extension is installed by directory.search_ddl)."""
    import sqlalchemy as sa

    folded = sa.func.lower(sa.func.public.unaccent(sa.cast(column, sa.Text)))
    return sa.func.translate(folded, "-'’", "   ")


def by_name(*columns) -> list:
    """ORDER BY clauses that sort on names in French: each column's folded form, then the columns
    themselves as tie-breakers (`.order_by(*by_name(Person.last_name, Person.first_name), Person.id)`)."""
    return [*(sql_collation(column) for column in columns), *columns]
