"""Boilerplate rules (generic and per outlet) compiled from the data files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.data_files import compile_pattern, load_json, profiles


@dataclass(frozen=True, slots=True)
class LineRule:
    """One line pattern and the removal kind it gives."""

    kind: str
    pattern: re.Pattern[str]
    outlet: str | None = None  # set for rules from an outlet profile


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


def _line_rules(entries: list[dict], outlet: str | None = None) -> list[LineRule]:
    return [
        LineRule(e["kind"], compile_pattern(e["pattern"], e.get("flags", "")), outlet)
        for e in entries
    ]


@cache
def line_rules() -> tuple[LineRule, ...]:
    """Generic rules first, then every profile's rules."""
    rules = _line_rules(load_json("boilerplate.json")["line_rules"])
    for profile in profiles():
        rules += _line_rules(profile.get("line_rules", []), profile["outlet"])
    return tuple(rules)


@cache
def block_rules() -> tuple[BlockRule, ...]:
    """Block rules in data-file order."""
    return tuple(
        BlockRule(
            kind=e["kind"],
            start=compile_pattern(e["start"], e.get("flags", "")),
            end=compile_pattern(e["end"], e.get("flags", "")) if "end" in e else None,
            until=e.get("until"),
            max_lines=e.get("max_lines", 40),
        )
        for e in load_json("boilerplate.json")["block_rules"]
    )


@lru_cache(maxsize=1 << 16)  # header and page-region checks ask about the same lines again
def match_line(text: str) -> LineRule | None:
    """The first line rule whose pattern matches ``text``, or None."""
    for rule in line_rules():
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
