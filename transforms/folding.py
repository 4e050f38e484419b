"""Case- and accent-blind forms of words and names, for comparing them."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Lower case without accents ("Décembre" -> "decembre"), as dateparser normalises."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """The letters and digits of a name, case- and accent-blind ("Aktuálně.cz" -> "aktualnecz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())
