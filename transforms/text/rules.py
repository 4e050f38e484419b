"""Boilerplate rules compiled from the data files: generic ones, and each outlet's own.

An outlet profile's line rules fire only on that outlet's articles, once the outlet is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.data_files import compile_pattern, load, profiles
from transforms.data_models import BoilerplateFile, LineRuleEntry
from transforms.text.lines import without_buttons


@dataclass(frozen=True, slots=True)
class LineRule:
    """One line (text) or paragraph (HTML) pattern and the removal kind it gives."""

    kind: str
    pattern: re.Pattern[str]
    max_words: int | None = None  # HTML paragraph rules: longer paragraphs never match

    @classmethod
    def of(cls, entry: LineRuleEntry) -> LineRule:
        """The compiled rule of a data-file entry."""
        return cls(entry.kind, compile_pattern(entry.pattern, entry.flags), entry.max_words)


@dataclass(frozen=True, slots=True)
class BlockRule:
    """A block opened by a heading-like line.

    With ``end`` the block runs to the first line matching it (inclusive, within ``max_lines``);
    with ``until == "teasers"`` it runs over teaser material up to a real heading or paragraph.
    """

    kind: str
    start: re.Pattern[str]
    end: re.Pattern[str] | None
    until: str | None
    max_lines: int


@cache
def line_rules() -> tuple[LineRule, ...]:
    """The generic line rules, for every article."""
    return tuple(LineRule.of(e) for e in load(BoilerplateFile).line_rules)


@cache
def outlet_line_rules() -> dict[str, tuple[LineRule, ...]]:
    """Outlet id -> the line rules of its profile."""
    return {p.outlet: tuple(LineRule.of(e) for e in p.line_rules) for p in profiles()}


@cache
def block_rules() -> tuple[BlockRule, ...]:
    """Block rules in data-file order."""
    return tuple(
        BlockRule(
            kind=e.kind,
            start=compile_pattern(e.start, e.flags),
            end=compile_pattern(e.end, e.flags) if e.end is not None else None,
            until=e.until,
            max_lines=e.max_lines,
        )
        for e in load(BoilerplateFile).block_rules
    )


@lru_cache(maxsize=1 << 16)  # header and page-region checks ask about the same lines again
def match_line(text: str) -> LineRule | None:
    """The first line rule whose pattern matches ``text`` (a text browser's button labels
    aside), or None."""
    text = without_buttons(text)
    for rule in line_rules():
        if rule.pattern.search(text):
            return rule
    return None


def match_outlet_line(text: str, outlet: str) -> LineRule | None:
    """The first line rule of ``outlet``'s profile that matches ``text``, or None."""
    for rule in outlet_line_rules().get(outlet, ()):
        if rule.pattern.search(text):
            return rule
    return None


@lru_cache(maxsize=1 << 16)
def match_block_start(text: str) -> BlockRule | None:
    """The block rule that ``text`` opens, or None."""
    for rule in block_rules():
        if rule.start.search(text):
            return rule
    return None
