"""How much of a headline the article's first paragraphs repeat.

A news headline names what the lead paragraphs tell: most of its content words come back in
the first sentences. A teaser of another story, a caption demo or a site slogan standing where
a headline would stand shares almost none of them. The share is measured on word tokens of
three letters or more (shorter ones are mostly function words in the European languages), and
on character pairs for text written without spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LEAD_WORDS = 250  # the first words of the body a headline is compared with
_TOKEN = re.compile(r"[^\W\d_]{3,}|\d{2,}")
_WIDE = re.compile(r"[\u2e80-\U0002ffff]+")


def content_tokens(text: str) -> set[str]:
    """Case-folded words of three letters or more, numbers, and pairs of wide characters."""
    folded = text.casefold()
    tokens = set(_TOKEN.findall(_WIDE.sub(" ", folded)))
    for run in _WIDE.findall(folded):
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def lead_tokens(texts: Iterable[str], limit: int = LEAD_WORDS) -> set[str]:
    """The content tokens of the first ``limit`` words of ``texts``."""
    found: set[str] = set()
    words = 0
    for text in texts:
        found |= content_tokens(text)
        words += len(text.split())
        if words >= limit:
            break
    return found


def lead_share(headline: str, lead: set[str]) -> tuple[float, int]:
    """Share and number of the headline's content tokens that the lead repeats."""
    tokens = content_tokens(headline)
    shared = len(tokens & lead)
    return (shared / len(tokens) if tokens else 0.0), shared
