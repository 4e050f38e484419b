"""The site's name as an export's own page chrome prints it, for exports without links.

Plain-text exports (inscriptis, w3m) drop the links that ``site_links`` counts, and the
copyright line often names the parent company ("Vox Media", "NBCUniversal Media") rather
than the site. The menus and sign-up boxes still name the site itself: "Follow NBC News",
"The Verge homepage", "Get the most out of Medical News Today". The name that most such lines
give (``brand_lines`` in ``outlets.json``) is the site's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from transforms.data_files import load
from transforms.data_models import OutletsFile

NAME_MAX_WORDS = 4
LINE_MAX_CHARS = 80  # a longer line is a sentence, not a menu label or a sign-up box
_POSSESSIVE = re.compile(r"['’]s$")  # "GitLab’s": the name is "GitLab"
_PARTICLES = frozenset({"of", "the", "and", "&", "de", "du", "des", "la", "le", "der", "di"})


@cache
def _brand_lines() -> tuple[tuple[re.Pattern[str], ...], frozenset[str]]:
    data = load(OutletsFile)
    patterns = tuple(re.compile(p, re.IGNORECASE) for p in data.brand_lines)
    return patterns, frozenset(w.casefold() for w in data.brand_stopwords)


def _name_shaped(name: str, stopwords: frozenset[str]) -> bool:
    """A few words, each capitalised ("The Verge"), or holding a capital ("eHow"), but for
    the particles of names ("Fandom of the Opera"); "Blog via Email" is a widget's label."""
    words = name.split()
    if not 0 < len(words) <= NAME_MAX_WORDS or name.casefold() in stopwords:
        return False
    if len(words) > 1 and words[0].casefold() in stopwords and words[0].casefold() != "the":
        return False  # "Us On Facebook"
    if any(mark in name for mark in ":|/") or (len(words) > 1 and name.isupper()):
        return False  # "Backchannel: Twitter | Facebook", a shouted "FROM THE"
    inner = words[1:-1] if len(words) > 2 else []
    return all(
        any(c.isupper() for c in word) or word.isdigit() or (word in inner and word in _PARTICLES)
        for word in words
    )


def _merged(counts: Counter[str]) -> Counter[str]:
    """A name that opens a longer one ("NBC", "NBC News") counts for the longer."""
    merged = Counter(counts)
    for short in counts:
        longer = [n for n in counts if n != short and n.startswith(f"{short} ")]
        if longer:
            merged[max(longer, key=counts.__getitem__)] += merged.pop(short)
    return merged


def named_brand(lines: Iterable[str]) -> str | None:
    """The name the most brand lines among ``lines`` give the site, or None."""
    patterns, stopwords = _brand_lines()
    counts: Counter[str] = Counter()
    for line in lines:
        text = line.strip(" *•·+-")
        if len(text) > LINE_MAX_CHARS:
            continue
        for pattern in patterns:
            found = pattern.match(text)
            name = _POSSESSIVE.sub("", found.group("name").strip()) if found else ""
            if name and _name_shaped(name, stopwords):
                counts[name] += 1
                break
    return _merged(counts).most_common(1)[0][0] if counts else None
