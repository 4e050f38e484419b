"""A light language guess from the share of each language's function words."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from transforms.data_files import load_json

_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 20
MIN_SHARE = 0.15
SAMPLE_CHARS = 20_000


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    return {
        code: frozenset(words)
        for code, words in load_json("languages.json").items()
        if not code.startswith("_")
    }


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the likeliest language, or None when the text is short or unclear."""
    words = _WORD.findall(text[:SAMPLE_CHARS].lower())
    if len(words) < MIN_WORDS:
        return None
    counts = Counter(words)
    scores = {
        code: sum(counts[w] for w in stop if w in counts) for code, stop in _stopwords().items()
    }
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top / len(words) < MIN_SHARE or top < second * 1.3:
        return None
    return best
