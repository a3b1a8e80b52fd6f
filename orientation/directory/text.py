"""Text helpers shared by the search paths: accents and case removed, French stems."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import snowballstemmer

MAX_QUERY_LENGTH = 200  # longer queries are cut: nobody types more, and it bounds the work
MAX_QUERY_WORDS = 8
WORD_RE = re.compile(r"\w+", re.UNICODE)


def normalise(text: str | None) -> str:
    """Lower-case, without accents: "Démarches" → "demarches"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _stemmer():
    return snowballstemmer.stemmer("french")


# Words that carry no meaning in a search ("aide aux démarches" must not require "aux").
_STOP_WORDS_TEXT = """
    a au aux avec ce ces d dans de des du en et est il la le les l leur lui ma mais me mes moi mon ne nos
    notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def query_words(query: str | None) -> list[str]:
    """The normalised words of a user's query, bounded, without stop words or operator characters."""
    words = WORD_RE.findall(normalise((query or "")[:MAX_QUERY_LENGTH]))
    words = [w.replace("_", "")[:40] for w in words]
    return [w for w in words if w and w not in STOP_WORDS][:MAX_QUERY_WORDS]


def stem(word: str) -> str:
    return _stemmer().stemWord(word)
