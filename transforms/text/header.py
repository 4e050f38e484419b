"""The header of a text or Markdown article: kicker, title, standfirst, byline and date line.

``page_region.locate_article`` finds where the title and the body are; the lines in between
(and the first lines of the body) are read here. Lines before the article are page chrome and
are audited as ``navigation`` (or ``masthead``); a repeat of the title is ``title_repeat``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transforms.fields.bylines import opens_with_by_word
from transforms.fields.dates import (
    ParsedDate,
    parse_date_line,
    trailing_stamp,
    without_reading_time,
)
from transforms.fields.outlets import by_masthead
from transforms.record import Removal
from transforms.text.lines import Unit, undoubled, word_count
from transforms.text.meta_lines import (
    META_MAX_WORDS,
    is_meta_line,
    name_beside_date,
    read_meta,
    says_meta,
)
from transforms.text.page_region import in_menu, is_headline, is_prose, locate_article
from transforms.text.rules import match_line

MASTHEAD_SPAN = 2
STANDFIRST_MIN_WORDS = 5
STANDFIRST_MAX_WORDS = 80
BODY_LOOKAHEAD = 8  # body lines that may still hold the byline or the date line
ABOVE_TITLE = 6  # lines above the headline that may hold the byline or date
UNDER_DISTANT_TITLE = 8  # lines under a headline far above the body that may hold them
STANDFIRST_PROSE_MAX_WORDS = 50
TITLE_MIN_WORDS = 3  # a headline cut shorter than this keeps its stamp


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
    byline_line: str | None = None  # the line the byline was read from
    removed: list[Removal] = field(default_factory=list)


def _chrome_kind(unit: Unit, index: int, header: Header) -> str:
    rule = match_line(unit.text)
    if index < MASTHEAD_SPAN and (by_masthead(unit.text) or (rule and rule.kind == "masthead")):
        header.masthead = header.masthead or unit.text
        return "masthead"
    return rule.kind if rule else "navigation"


def _take_meta_line(unit: Unit, header: Header) -> bool:
    """Take a byline, a date line or a line holding both into the header; False for others.

    A byline line holding more than the byline and no date (a relative stamp, a reading time,
    the name's second copy) is audited whole as a ``stamp``. A signed byline ("Par [Jane
    Roe](/journaliste/jane-roe)") displaces a bare credit taken before it ("Le Monde |"),
    which is audited as a ``credit``."""
    meta = read_meta(unit)
    took = False
    if meta.byline is not None and (header.byline is None or _displaces(unit, header)):
        if header.byline_line is not None and header.byline_line != header.date_line:
            header.removed.append(Removal("credit", header.byline_line))
        header.byline, header.byline_line, took = meta.byline, unit.text, True
        header.author_links = list(unit.authors)
        if meta.date is None and meta.byline != unit.text:  # "Jane Roe 2 hours ago"
            header.removed.append(Removal("stamp", unit.text))
    if meta.date is not None and header.date is None:
        header.date_line, header.date, took = unit.text, meta.date, True
    return took


def _signed(text: str, links: bool) -> bool:
    return links or opens_with_by_word(text)


def _displaces(unit: Unit, header: Header) -> bool:
    """A signed byline line (a "by" word or an author link) over a bare credit taken before."""
    taken = _signed(header.byline_line or "", bool(header.author_links))
    return not taken and _signed(unit.text, bool(unit.authors))


def _reading_time_only(unit: Unit) -> bool:
    """A line that only says how long the article takes to read ("8 min read")."""
    return unit.words <= META_MAX_WORDS and not without_reading_time(unit.text)


def _read_between(units: list[Unit], lo: int, hi: int, header: Header) -> list[Unit]:
    """Header lines between the title and the body; returns the lines left for the body."""
    kept: list[Unit] = []
    for k in range(lo, hi):
        unit = units[k]
        rule = match_line(unit.text)
        if rule:
            header.removed.append(Removal(rule.kind, unit.text))
        elif unit.image:
            header.removed.append(Removal("caption", unit.text))
        elif _reading_time_only(unit):
            header.removed.append(Removal("stamp", unit.text))
        elif _take_meta_line(unit, header):
            continue
        elif header.byline is None and (name := name_beside_date(units, k)):
            header.byline, header.byline_line = name, unit.text
            if name != unit.text:  # "Jane Roe Jane Roe": the avatar's alt text beside it
                header.removed.append(Removal("credit", unit.text))
        elif header.byline_line is not None and undoubled(unit.text) == header.byline:
            header.removed.append(Removal("credit", unit.text))  # the name's second copy
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


def _take_title(text: str, header: Header) -> None:
    """The headline, without a date stamp a flattened export glued to it ("... Published on:
    June 25, 2024"); the stamp is the header's date line unless one comes first."""
    cut = trailing_stamp(text)
    if cut is None or word_count(cut[0]) < TITLE_MIN_WORDS:
        header.title = text
        return
    header.title, stamp = cut
    if header.date is None:
        header.date_line, header.date = stamp, parse_date_line(stamp)
    else:
        header.removed.append(Removal("stamp", stamp))  # nothing lost: audited


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


def _lookahead(units: list[Unit], body: int, end: int) -> list[int]:
    """The first ``BODY_LOOKAHEAD`` lines of the body that hold words (icon bullets, "*",
    of a share bar do not count)."""
    found: list[int] = []
    for k in range(body, end):
        if len(found) == BODY_LOOKAHEAD:
            break
        if units[k].words:
            found.append(k)
    return found


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
        above = region.start - i <= ABOVE_TITLE and not in_menu(units, i)
        if not (above and unit.words <= META_MAX_WORDS and is_meta_line(unit)):
            header.removed.append(Removal(_chrome_kind(unit, i, header), unit.text))
        elif not _take_meta_line(unit, header):
            header.removed.append(Removal("navigation", unit.text))
    under_title: list[Unit] = []
    if region.kicker is not None:
        header.section = units[region.kicker].text
    if region.title is not None:
        _take_title(units[region.title].text, header)
        lo = region.header
        # A distant headline: page chrome between it and the body, but for the byline and
        # date lines standing right under it (read last: those over the body come first).
        for k in range(region.title + 1, lo):
            unit = units[k]
            under = k - region.title <= UNDER_DISTANT_TITLE and unit.words <= META_MAX_WORDS
            if under and is_meta_line(unit):
                under_title.append(unit)
            else:
                header.removed.append(Removal(_chrome_kind(unit, lo, header), unit.text))
    else:
        lo = region.start
    # A standfirst that reads as prose opens the body run; the byline or date line under it
    # closes the header.
    # Past a second prose line (a photo caption under the standfirst) only a line that says
    # it is one is taken: a "by" word, an author link or a date alone.
    meta: list[int] = []
    prose_seen = 0
    for k in _lookahead(units, region.body, region.end):
        unit = units[k]
        if unit.words <= META_MAX_WORDS and is_meta_line(unit):
            if prose_seen < 2 or says_meta(unit):
                meta.append(k)
        elif _reading_time_only(unit) and prose_seen < 2:
            meta.append(k)
        elif is_prose(unit):
            prose_seen += 1
            if unit.words > STANDFIRST_PROSE_MAX_WORDS:
                break
    body_start = meta[-1] + 1 if meta else region.body
    body = _read_between(units, lo, body_start, header)
    for unit in under_title:
        if not _take_meta_line(unit, header):
            header.removed.append(Removal("navigation", unit.text))
    return header, body + units[body_start : region.end], region.end
