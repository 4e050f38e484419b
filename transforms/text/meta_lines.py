"""Meta lines of an article header: the byline and the date a line of a text export holds.

"By Jane Roe | 7 March 2024", "Jane Roe - Apr 16, 2015 8:02 pm UTC", "Published: 7 March 2024",
a bold name, a line of links to author pages: each gives a byline, a date or both. A date
inside other words (a sentence, a label) makes no meta line, nor does a bare list of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.fields.bylines import is_by_word, looks_like_byline, opens_with_by_word
from transforms.fields.dates import (
    ParsedDate,
    find_date_in_line,
    is_relative_stamp,
    parse_date_line,
    without_reading_time,
)
from transforms.text.lines import Unit, undoubled, without_buttons, word_count
from transforms.text.rules import match_line

META_MAX_WORDS = 30
AUTHOR_LINE_MAX_WORDS = 60  # "By <linked name>, a reporter who covers ..." is still a byline
# "By Jane Roe, a deputy editor who covers ...": the author note after the name.
_AUTHOR_NOTE = re.compile(r",\s+(?:a|an|the|who|is|was|our)\s.*$", re.IGNORECASE)
# Parts of a meta line: never "/" or a dash, which dates and names hold ("04/05/2015").
_PARTS = re.compile(r"\s*[|•·]\s*")
CREDIT_MAX_WORDS = 4
# A text browser's image label before the name ("[6eef5bc5-c] Jane Roe • 8h": w3m, lynx).
_IMAGE_LABEL = re.compile(r"^\[[^\]\s]{1,40}\]\s+(?=\w)")
_SEPARATORS = re.compile(r"\s*(?:\||·|•|/|—|–)\s*|\s{2,}")


@dataclass(frozen=True, slots=True)
class Meta:
    """What one header line says: the byline it holds and the date printed in it."""

    byline: str | None = None
    date: ParsedDate | None = None


NOT_META = Meta()
NAME_BESIDE_DATE_WORDS = 4  # "Jane Roe - 7 March 2024": a bare name beside a date is a byline
STAMP_MAX_WORDS = 4  # "Updated 5 hours ago"
JOINER_MAX_CHARS = 3  # "on", "le", "am": the word joining a name to the date after it


@lru_cache(maxsize=4096)
def _read_meta(text: str, strong: bool, linked: bool) -> Meta:
    """The byline and the date of a header line (its reading time and buttons aside), or
    ``NOT_META``."""
    signed = strong or linked
    text = _IMAGE_LABEL.sub("", without_buttons(text))
    if not (text := without_reading_time(text)):
        return NOT_META
    if (parsed := parse_date_line(text)) is not None:
        return Meta(date=parsed)
    words = word_count(text)
    if linked and words <= AUTHOR_LINE_MAX_WORDS:
        return Meta(byline=text, date=_date_in(text, words))
    if looks_like_byline(text, emphasised=signed):
        return Meta(byline=text, date=_date_in(text, words))
    if opens_with_by_word(text) and _AUTHOR_NOTE.search(text):
        credit = _AUTHOR_NOTE.sub("", text)
        if looks_like_byline(credit, emphasised=True):
            return Meta(byline=credit)
    if (stamped := _before_relative_stamp(text)) and _named_beside(stamped, signed=signed):
        return Meta(byline=stamped)  # "Jane Roe 1 day ago": the stamp gives no date
    if words > META_MAX_WORDS or (found := find_date_in_line(text)) is None:
        return NOT_META
    date, printed = found
    before, _, after = (_clean_part(part) for part in text.partition(printed))
    after = "" if after.isdigit() else after  # a count after the date ("March 9, 2017 13")
    by_after = opens_with_by_word(after) and not opens_with_by_word(before)
    name = after if by_after else before or after
    name = _from_inner_by_word(name) if name and not opens_with_by_word(name) else name
    if name and _signed_byline(name, signed=signed):
        return Meta(byline=name, date=date)
    beside = not (before and after) and word_count(name) <= NAME_BESIDE_DATE_WORDS
    if beside and looks_like_byline(name, emphasised=True):
        return Meta(byline=name, date=date)
    if name and not opens_with_by_word(name):
        # a date inside other words: a sentence or a label, not a meta line, unless each
        # separated part is a date, a signed byline or a credit
        return _by_parts(text, signed=signed) or NOT_META
    return Meta(date=date)


def _by_parts(text: str, *, signed: bool) -> Meta | None:
    """The byline and the published date of a line of parts that are each a date stamp, a
    signed byline or a short credit ("Le Monde | 04.05.2015 à 13h36 • Mis à jour le 05.05.2015
    à 20h13 | Par Jane Roe"), else None."""
    parts = [part for part in map(_clean_part, _PARTS.split(text)) if part]
    byline: str | None = None
    stamps: list[str] = []
    for part in parts:
        if parse_date_line(part) is not None:
            stamps.append(part)
        elif _signed_byline(part, signed=signed):
            byline = byline or part
        elif not _credit(part):
            return None
    date = parse_date_line(" | ".join(stamps)) if stamps and len(parts) > 1 else None
    return Meta(byline=byline, date=date) if date else None


def _credit(part: str) -> bool:
    """An outlet's or a desk's name beside the date: a few capitalised words."""
    words = part.split()
    return len(words) <= CREDIT_MAX_WORDS and all(w[:1].isupper() for w in words)


def _before_relative_stamp(text: str) -> str | None:
    """The words before a relative stamp that ends the line ("Jane Roe · 1 day ago", "Jane Roe
    • 8h"), else None."""
    words = text.split()
    for cut in range(max(1, len(words) - STAMP_MAX_WORDS), len(words)):
        last_only = cut == len(words) - 1  # a compact age ("8h"), not "Today" ("Florida Today")
        if last_only and not any(c.isdigit() for c in words[cut]):
            continue
        if is_relative_stamp(" ".join(words[cut:])):
            return _clean_part(" ".join(words[:cut])) or None
    return None


def _named_beside(name: str, *, signed: bool) -> bool:
    """A credit beside a stamp: a signed byline, or a bare name of a few words."""
    bare = word_count(name) <= NAME_BESIDE_DATE_WORDS and looks_like_byline(name, emphasised=True)
    return bare or _signed_byline(name, signed=signed)


def _from_inner_by_word(text: str) -> str:
    """The credit from a capitalised by-word inside the text on ("Jane Roe By Jane Roe on":
    an author picture's name flattened before the byline), else the text."""
    words = text.split()
    for i in range(1, len(words)):
        if words[i][:1].isupper() and is_by_word(words[i]):
            return " ".join(words[i:])
    return text


def _signed_byline(text: str, *, signed: bool) -> bool:
    """A byline that says so: a "by" word or bold type or an author link; not a bare name."""
    prefixed = opens_with_by_word(text)
    return (signed or prefixed) and looks_like_byline(text, emphasised=signed or prefixed)


def _clean_part(text: str) -> str:
    """A part beside the printed date, without separators and the short lower-case word that
    joined it to the date ("By Jane Roe on", "Par Jean Dupont le"), a name printed twice
    (an avatar's alt text beside it) once."""
    text = _SEPARATORS.sub(" ", text).strip(" |·•,-–—")
    head, _, last = text.rpartition(" ")
    joined = head and last.islower() and len(last) <= JOINER_MAX_CHARS
    return undoubled(head.rstrip(" ,") if joined else text)


def _date_in(text: str, words: int) -> ParsedDate | None:
    found = find_date_in_line(text) if words <= META_MAX_WORDS else None
    return found[0] if found else None


def read_meta(unit: Unit) -> Meta:
    """What a header line says: its byline and its date, or ``NOT_META``."""
    return _read_meta(unit.text, unit.strong, bool(unit.authors))


def says_meta(unit: Unit) -> bool:
    """A meta line that says it is one: a date alone, a "by" word or an author link."""
    meta = read_meta(unit)
    return meta.byline is None or bool(unit.authors) or opens_with_by_word(unit.text)


def is_meta_line(unit: Unit) -> bool:
    """A date line, or a byline that says so (a "by" word, bold, an author link, a date beside
    it): never a bare list of names."""
    return read_meta(unit) is not NOT_META


def name_beside_date(units: list[Unit], k: int) -> str | None:
    """The bare name on a line next to a date line ("* Jane Roe" over "* 7 March 2024"), or
    over a relative stamp ("Jane Roe" over "1 day ago"), printed once (an avatar's alt text
    beside it aside); None for other lines. A social button ("Follow") and a second copy of the
    name may stand between the name and the date under it."""
    name = undoubled(units[k].text)
    if word_count(name) > NAME_BESIDE_DATE_WORDS or not looks_like_byline(name, emphasised=True):
        return None
    below = k + 1
    while below < len(units) and _between_name_and_date(units[below], name):
        below += 1
    beside = [units[j] for j in (k - 1, below) if 0 <= j < len(units)]
    if any((meta := read_meta(other)).date and meta.byline is None for other in beside):
        return name
    return name if below < len(units) and is_relative_stamp(units[below].text) else None


def _between_name_and_date(unit: Unit, name: str) -> bool:
    """An empty line, a copy of the name or a social button under a bare name."""
    text = without_buttons(unit.text)
    if not text or undoubled(text) == name:
        return True
    rule = match_line(text)
    return rule is not None and rule.kind == "share"
