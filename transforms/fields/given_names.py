"""Given names: whether a word is a person's first name.

The list is gender-guesser's (Jörg Michael's dictionary: 61,000 first names from 54 countries,
Europe, the Americas, the Middle East and East Asia; West African names are thin). It is
consulted only where the shape of a line cannot tell a byline from a headline: "Jane Roe in
Paris" and "Drake Assaulted in Dubai Nightclub" read alike to every other rule.
"""

from __future__ import annotations

from functools import lru_cache

from gender_guesser.detector import Detector

_UNKNOWN = "unknown"


@lru_cache(maxsize=1)
def _detector() -> Detector:
    return Detector(case_sensitive=False)


_CERTAIN = frozenset({"male", "female"})


@lru_cache(maxsize=8192)
def is_given_name(word: str, *, certain: bool = False) -> bool:
    """True when ``word`` is a first name the list holds ("Jane", "Søren", "Jean-Pierre");
    with ``certain``, only one the list gives a single gender in every country it knows (not
    "The", "My" or "San", which are names somewhere and words elsewhere)."""
    gender = _detector().get_gender(word)
    return gender in _CERTAIN if certain else gender != _UNKNOWN
