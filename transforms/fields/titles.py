"""The headline of a page from its title candidates, and the site name cut off a title.

Pure string logic, shared by the HTML path (og:title, JSON-LD headline, h1, ``<title>``) and the
text path (a ``# h1`` or a front-matter title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transforms.folding import match_key

# A site segment is set off by a spaced separator, or by "_" (common on Chinese portals).
_SEPARATOR = re.compile(r"\s+(?:[|\-–—:·/»«~•]|::)\s+|_|\s+\[(?=[^\]]+\]$)")
_MAX_SITE_WORDS = 6
_MIN_SITE_KEY = 3
_TRAILING_MARKS = " \t¶#§"


def _names_site(segment: str, site_keys: Sequence[str], *, head: bool = False) -> bool:
    """Whether a title segment is one of the site names, holds one ("BBC News" for "bbc"), or is
    most of one ("Courier" for "The Courier"). A segment opening the title must open with the
    name ("BBC Mundo - ..."): "How we built Example's app - ..." is a headline naming its site."""
    if len(segment.split()) > _MAX_SITE_WORDS:
        return False
    seg = match_key(segment)
    if len(seg) < _MIN_SITE_KEY:
        return False
    return any(
        (seg.startswith(name) if head else name in seg)
        or (seg in name and 2 * len(seg) >= len(name))
        for name in site_keys
    )


def _site_keys(site_names: Iterable[str | None]) -> list[str]:
    return [key for key in (match_key(n) for n in site_names if n) if len(key) >= _MIN_SITE_KEY]


def split_site_suffix(title: str, site_names: Iterable[str | None] = ()) -> tuple[str, str | None]:
    """``(headline, site segment)``: "Headline | Site" or "Site - Headline" cut when the segment
    names one of ``site_names`` (og:site_name, a domain label, ...); else ``(title, None)``."""
    title = " ".join(title.split())
    keys = _site_keys(site_names)
    if not keys:
        return title, None
    marks = list(_SEPARATOR.finditer(title))
    if not marks:
        return title, None
    last, first = marks[-1], marks[0]
    tail = title[last.end() :].rstrip("]").strip()
    if last.start() > 0 and _names_site(tail, keys):
        return title[: last.start()].strip(), tail
    head = title[: first.start()].strip()
    if first.end() < len(title) and _names_site(head, keys, head=True):
        return title[first.end() :].strip(), head
    return title, None


def _split_known_head(title: str, headline: str) -> str | None:
    """The segment after ``headline`` when ``title`` is "<headline><separator><segment>"."""
    if not title.startswith(headline) or len(title) == len(headline):
        return None
    rest = title[len(headline) :]
    mark = _SEPARATOR.match(rest)
    segment = rest[mark.end() :].rstrip("]").strip() if mark else ""
    return segment or None


def _cut_lone_title(title: str) -> tuple[str, str | None]:
    """A <title> with nothing to compare against: "Long headline – Short site" is cut."""
    marks = list(_SEPARATOR.finditer(title))
    if not marks or marks[-1].group().strip() == "_":
        return title, None
    head, tail = title[: marks[-1].start()].strip(), title[marks[-1].end() :].strip(" ]")
    tail_words = len(tail.split())
    if tail_words <= _LONE_TAIL_WORDS and len(head.split()) > max(tail_words, _LONE_HEAD_WORDS):
        return head, tail
    return title, None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One title candidate: where it comes from (og, ld, dc, twitter, h1, article_h1, title)."""

    source: str
    text: str


@dataclass(frozen=True, slots=True)
class Headline:
    """The chosen headline, the site segment cut off any candidate, and where it came from."""

    text: str | None
    site: str | None = None
    source: str | None = None


# Between equally backed candidates: the metadata the page declares for its headline (JSON-LD,
# og, Dublin Core, twitter, <title>), then an h1 in the article region, last a stray h1.
_PRIORITY = ("ld", "og", "dc", "twitter", "title", "article_h1", "h1")
# The headline fields a page declares for its article; one of them, when given, is the headline
# even against an h1 and <title> that agree on other words (they often print one CMS field).
_DECLARED = frozenset({"ld", "og", "dc"})
# A lone <title> loses a short last segment ("Headline – My website") when the rest is longer.
_LONE_TAIL_WORDS = 3
_LONE_HEAD_WORDS = 3


def pick_headline(
    candidates: Iterable[Candidate], site_names: Iterable[str | None] = ()
) -> Headline:
    """The headline the candidates agree on, with site suffixes cut (see ``split_site_suffix``).

    A candidate is backed by each other source that says the same, or that reads
    "<candidate> | <segment>" (the segment is then a site name: the <title> suffix that og:title
    or the h1 lacks). The most backed declared headline (JSON-LD, og, Dublin Core) wins, else
    the most backed candidate; ties go by ``_PRIORITY``. A ``<title>`` that wins with no other
    source behind it and no known site name loses a short last segment (``_cut_lone_title``).
    """
    names = [n for n in site_names if n]
    site_keys = set(_site_keys(names))
    cleaned: list[tuple[str, str]] = []
    site: str | None = None
    for cand in candidates:
        text = " ".join(cand.text.split()).rstrip(_TRAILING_MARKS)
        if not text or cand.source not in _PRIORITY or match_key(text) in site_keys:
            continue  # empty, unknown, or the bare site name ("<title>Example News</title>")
        headline, segment = split_site_suffix(text, names)
        site = site or segment
        cleaned.append((cand.source, headline))
    if not cleaned:
        return Headline(None, site)
    backing: dict[int, set[str]] = {i: set() for i in range(len(cleaned))}
    for i, (source, text) in enumerate(cleaned):
        for j, (other_source, other) in enumerate(cleaned):
            if j != i and other_source == source:
                continue  # a second h1 does not back the first
            if match_key(other) == match_key(text):
                backing[i].add(other_source)
                continue
            segment = _split_known_head(other, text)
            if segment:
                backing[i].add(other_source)
                if other_source == "title" and len(segment.split()) <= _MAX_SITE_WORDS:
                    site = site or segment
    declared = [i for i, (source, _) in enumerate(cleaned) if source in _DECLARED]
    best = max(
        declared or range(len(cleaned)),
        key=lambda i: (len(backing[i]), -_PRIORITY.index(cleaned[i][0]), -i),
    )
    source, text = cleaned[best]
    if source == "title" and site is None and backing[best] == {"title"}:
        text, site = _cut_lone_title(text)  # a <title> nothing repeats: as good as alone
    return Headline(text, site, source)
