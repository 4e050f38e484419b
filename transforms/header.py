"""The header of a text or Markdown article: masthead, kicker, title, standfirst, byline, date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.bylines import looks_like_byline
from transforms.dates import ParsedDate, parse_date_line
from transforms.lines import Unit
from transforms.outlets import by_masthead
from transforms.record import Removal
from transforms.rules import match_line

_WORD = re.compile(r"\S+")
HEADER_SPAN = 8  # lines after the title that may still be header
MASTHEAD_SPAN = 2
KICKER_MAX_WORDS = 6
HEADLINE_MAX_WORDS = 30
STANDFIRST_MAX_WORDS = 60
STANDFIRST_LOOKAHEAD = 3


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
    removed: list[Removal] = field(default_factory=list)


def looks_like_headline(text: str) -> bool:
    """A first line that reads as a headline rather than a lede sentence."""
    words = len(_WORD.findall(text))
    if text.endswith((".", ";", ",", ":")):
        return False
    if text.endswith(("?", "!")):
        return 2 <= words <= 15
    return 2 <= words <= HEADLINE_MAX_WORDS


def _take_masthead(units: list[Unit], header: Header) -> int:
    i = 0
    while i < min(len(units), MASTHEAD_SPAN):
        text = units[i].text
        rule = match_line(text)
        if by_masthead(text) or (rule and rule.kind == "masthead"):
            header.masthead = header.masthead or text
            header.removed.append(Removal("masthead", text))
            i += 1
        else:
            break
    return i


def _take_title(units: list[Unit], i: int, header: Header, *, markdown: bool) -> int:
    """Set kicker and title; returns the index after the title (``i`` when there is none)."""
    if markdown:
        for j in range(i, min(len(units), i + 4)):
            if units[j].heading:
                before = units[i:j]
                if before and len(_WORD.findall(before[-1].text)) <= KICKER_MAX_WORDS:
                    header.section = before[-1].text
                    before = before[:-1]
                header.removed += [Removal("navigation", u.text) for u in before]
                header.title = units[j].text
                return j + 1
    if i < len(units) - 1 and not units[i].heading and looks_like_headline(units[i].text):
        if match_line(units[i].text):
            return i
        header.title = units[i].text
        return i + 1
    return i


def _is_standfirst(units: list[Unit], i: int) -> bool:
    """A short non-heading line that reads as a summary or has byline/date lines after it."""
    unit = units[i]
    if unit.heading or len(_WORD.findall(unit.text)) > STANDFIRST_MAX_WORDS:
        return False
    if not unit.text.endswith("."):
        return True
    return any(
        looks_like_byline(u.text, emphasised=u.strong) or parse_date_line(u.text)
        for u in units[i + 1 : i + 1 + STANDFIRST_LOOKAHEAD]
    )


def read_header(units: list[Unit], *, markdown: bool) -> tuple[Header, int]:
    """Read the header; returns it and the index of the first body unit.

    Plain text has no standfirst: the line after its title is the lede. In Markdown the line
    right after the ``# title`` is the standfirst when it is short and either does not end a
    sentence or is followed by the byline or date (otherwise it is the lede).
    """
    header = Header()
    i = _take_masthead(units, header)
    i = _take_title(units, i, header, markdown=markdown)
    if header.title is None:
        return header, i
    after_title = i
    while i < len(units) and i < after_title + HEADER_SPAN:
        unit = units[i]
        rule = match_line(unit.text)
        if rule:
            header.removed.append(Removal(rule.kind, unit.text))
        elif header.byline is None and looks_like_byline(unit.text, emphasised=unit.strong):
            header.byline = unit.text
        elif header.date is None and (parsed := parse_date_line(unit.text)):
            header.date_line, header.date = unit.text, parsed
        elif markdown and i == after_title and _is_standfirst(units, i):
            header.standfirst = unit.text
        else:
            break
        i += 1
    return header, i
