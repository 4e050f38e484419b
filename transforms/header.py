"""The header of a text or Markdown article: kicker, title, standfirst, byline and date line.

``page_region.locate_article`` finds where the title and the body are; the lines in between
(and the first lines of the body) are read here. Lines before the article are page chrome and
are audited as ``navigation`` (or ``masthead``); a repeat of the title is ``title_repeat``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from transforms.bylines import looks_like_byline, opens_with_by_word
from transforms.dates import ParsedDate, find_date_in_line, parse_date_line
from transforms.lines import Unit, word_count
from transforms.outlets import by_masthead
from transforms.page_region import is_headline, is_prose, locate_article
from transforms.record import Removal
from transforms.rules import match_line

MASTHEAD_SPAN = 2
STANDFIRST_MIN_WORDS = 5
STANDFIRST_MAX_WORDS = 80
BODY_LOOKAHEAD = 8  # body lines that may still hold the byline or the date line
META_MAX_WORDS = 30
ABOVE_TITLE = 6  # lines above the headline that may hold the byline or date
AUTHOR_LINE_MAX_WORDS = 60  # "By <linked name>, a reporter who covers ..." is still a byline
STANDFIRST_PROSE_MAX_WORDS = 50
# "By Jane Roe, a deputy editor who covers ...": the author note after the name.
_AUTHOR_NOTE = re.compile(r",\s+(?:a|an|the|who|is|was|our)\s.*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:\||·|•|/|—|–)\s*|\s{2,}")


@dataclass(slots=True)
class Header:
    """What the top of the article said about itself."""

    title: str | None = None
    standfirst: str | None = None
    section: str | None = None
    byline: str | None = None
    date_line: str | None = None
    date: ParsedDate | None = None
    masthead: str | None = None
    author_links: list[str] = field(default_factory=list)  # names linked to author pages
    removed: list[Removal] = field(default_factory=list)


def _chrome_kind(unit: Unit, index: int, header: Header) -> str:
    rule = match_line(unit.text)
    if index < MASTHEAD_SPAN and (by_masthead(unit.text) or (rule and rule.kind == "masthead")):
        header.masthead = header.masthead or unit.text
        return "masthead"
    return rule.kind if rule else "navigation"


@dataclass(frozen=True, slots=True)
class _Meta:
    """What one header line says: the byline it holds and the date printed in it."""

    byline: str | None = None
    date: ParsedDate | None = None


_NOT_META = _Meta()
NAME_BESIDE_DATE_WORDS = 4  # "Jane Roe - 7 March 2024": a bare name beside a date is a byline


@lru_cache(maxsize=4096)
def _read_meta(text: str, strong: bool, linked: bool) -> _Meta:
    """The byline and the date of a header line, or ``_NOT_META`` for any other line."""
    signed = strong or linked
    if (parsed := parse_date_line(text)) is not None:
        return _Meta(date=parsed)
    words = word_count(text)
    if linked and words <= AUTHOR_LINE_MAX_WORDS:
        return _Meta(byline=text, date=_date_in(text, words))
    if looks_like_byline(text, emphasised=signed):
        return _Meta(byline=text, date=_date_in(text, words))
    if opens_with_by_word(text) and _AUTHOR_NOTE.search(text):
        credit = _AUTHOR_NOTE.sub("", text)
        if looks_like_byline(credit, emphasised=True):
            return _Meta(byline=credit)
    if words > META_MAX_WORDS or (found := find_date_in_line(text)) is None:
        return _NOT_META
    date, printed = found
    before, _, after = (_clean_part(part) for part in text.partition(printed))
    by_after = opens_with_by_word(after) and not opens_with_by_word(before)
    name = after if by_after else before or after
    if name and _signed_byline(name, signed=signed):
        return _Meta(byline=name, date=date)
    beside = not (before and after) and word_count(name) <= NAME_BESIDE_DATE_WORDS
    if beside and looks_like_byline(name, emphasised=True):
        return _Meta(byline=name, date=date)
    if name and not opens_with_by_word(name):
        return _NOT_META  # a date inside other words: a sentence or a label, not a meta line
    return _Meta(date=date)


def _signed_byline(text: str, *, signed: bool) -> bool:
    """A byline that says so: a "by" word or bold type or an author link; not a bare name."""
    prefixed = opens_with_by_word(text)
    return (signed or prefixed) and looks_like_byline(text, emphasised=signed or prefixed)


def _clean_part(text: str) -> str:
    return _SEPARATORS.sub(" ", text).strip(" |·•,-–—")


def _date_in(text: str, words: int) -> ParsedDate | None:
    found = find_date_in_line(text) if words <= META_MAX_WORDS else None
    return found[0] if found else None


def _meta(unit: Unit) -> _Meta:
    return _read_meta(unit.text, unit.strong, bool(unit.authors))


def _take_meta_line(unit: Unit, header: Header) -> bool:
    """Take a byline, a date line or a line holding both into the header; False for others."""
    meta = _meta(unit)
    took = False
    if meta.byline is not None and header.byline is None:
        header.byline, took = meta.byline, True
        header.author_links = list(unit.authors)
    if meta.date is not None and header.date is None:
        header.date_line, header.date, took = unit.text, meta.date, True
    return took


def _read_between(units: list[Unit], lo: int, hi: int, header: Header) -> list[Unit]:
    """Header lines between the title and the body; returns the lines left for the body."""
    kept: list[Unit] = []
    for unit in units[lo:hi]:
        rule = match_line(unit.text)
        if rule:
            header.removed.append(Removal(rule.kind, unit.text))
        elif unit.image:
            header.removed.append(Removal("caption", unit.text))
        elif _take_meta_line(unit, header):
            continue
        elif header.title is not None and unit.text == header.title:
            header.removed.append(Removal("title_repeat", unit.text))
        elif (
            header.standfirst is None
            and not kept
            and not unit.heading
            and STANDFIRST_MIN_WORDS <= unit.words <= STANDFIRST_MAX_WORDS
        ):
            header.standfirst = unit.text
        else:
            kept.append(unit)
    return kept


def _fallback_title(units: list[Unit], header: Header, *, markdown: bool) -> int:
    """Title at the very top when no body run was found; returns the next index."""
    i = 0
    while i < min(len(units), MASTHEAD_SPAN) and _chrome_kind(units[i], i, header) == "masthead":
        header.removed.append(Removal("masthead", units[i].text))
        i += 1
    if i < len(units) and (units[i].heading if markdown else is_headline(units[i])):
        header.title = units[i].text
        return i + 1
    return i


def read_header(units: list[Unit], *, markdown: bool) -> tuple[Header, list[Unit], int]:
    """Read the header; returns it, the body units and the index where the page footer starts.

    The body units are the lines between the header and the footer, in order, with any
    byline or date line found among the first ``BODY_LOOKAHEAD`` of them taken out.
    """
    header = Header()
    region = locate_article(units, markdown=markdown)
    if region is None:
        start = _fallback_title(units, header, markdown=markdown)
        return header, units[start:], len(units)
    # A byline or date line may sit above the headline (author boxes over the title).
    for i, unit in enumerate(units[: region.start]):
        above = region.start - i <= ABOVE_TITLE
        if not (above and unit.words <= META_MAX_WORDS and _is_meta_line(unit)):
            header.removed.append(Removal(_chrome_kind(unit, i, header), unit.text))
        elif not _take_meta_line(unit, header):
            header.removed.append(Removal("navigation", unit.text))
    if region.kicker is not None:
        header.section = units[region.kicker].text
    if region.title is not None:
        header.title = units[region.title].text
        lo = region.header
        for unit in units[region.title + 1 : lo]:  # a distant headline: page chrome between
            header.removed.append(Removal(_chrome_kind(unit, lo, header), unit.text))
    else:
        lo = region.start
    # A standfirst that reads as prose opens the body run; the byline or date line under it
    # closes the header.
    # Past a second prose line (a photo caption under the standfirst) only a line that says
    # it is one is taken: a "by" word, an author link or a date alone.
    meta: list[int] = []
    prose_seen = 0
    for k in range(region.body, min(region.end, region.body + BODY_LOOKAHEAD)):
        unit = units[k]
        if unit.words <= META_MAX_WORDS and _is_meta_line(unit):
            if prose_seen < 2 or _says_meta(unit):
                meta.append(k)
        elif is_prose(unit):
            prose_seen += 1
            if unit.words > STANDFIRST_PROSE_MAX_WORDS:
                break
    body_start = meta[-1] + 1 if meta else region.body
    body = _read_between(units, lo, body_start, header)
    return header, body + units[body_start : region.end], region.end


def _says_meta(unit: Unit) -> bool:
    meta = _meta(unit)
    return meta.byline is None or bool(unit.authors) or opens_with_by_word(unit.text)


def _is_meta_line(unit: Unit) -> bool:
    """A date line, or a byline that says so (a "by" word, bold, an author link, a date beside
    it): never a bare list of names."""
    return _meta(unit) is not _NOT_META
