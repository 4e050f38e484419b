"""Boilerplate removal over a sequence of units, driven by the rules in the data files."""

from __future__ import annotations

from transforms.record import Paragraph, Removal
from transforms.text.lines import TERMINAL, Unit
from transforms.text.rules import BlockRule, match_block_start, match_line, match_outlet_line

BODY_MIN_WORDS = 20
BLOCK_HEAD_MAX_WORDS = 10


def is_body_paragraph(text: str) -> bool:
    """A real paragraph: a long line ending a sentence (not a teaser headline)."""
    return text.endswith(TERMINAL) and len(text.split()) >= BODY_MIN_WORDS


def _block_start(unit: Unit) -> BlockRule | None:
    if unit.text.count(" ") >= BLOCK_HEAD_MAX_WORDS:
        return None
    return match_block_start(unit.text)


def _block_end(units: list[Unit], start: int, rule: BlockRule) -> int:
    """Index one past the last unit of the block opened at ``start``."""
    if rule.end is not None:
        for k in range(start + 1, min(len(units), start + 1 + rule.max_lines)):
            if rule.end.search(units[k].text):
                return k + 1
        return start + 1
    k = start + 1
    while k < len(units):
        unit = units[k]
        if unit.heading or unit.strong or _block_start(unit) or is_body_paragraph(unit.text):
            break
        k += 1
    return k


def remove_boilerplate(units: list[Unit]) -> tuple[list[Unit], list[Removal]]:
    """Drop block rules' spans (newsletter, related, most viewed) and line-rule matches."""
    kept: list[Unit] = []
    removed: list[Removal] = []
    i = 0
    while i < len(units):
        block = _block_start(units[i])
        if block:
            end = _block_end(units, i, block)
            removed += [Removal(block.kind, u.text) for u in units[i:end]]
            i = end
            continue
        rule = match_line(units[i].text)
        if rule:
            removed.append(Removal(rule.kind, units[i].text))
        else:
            kept.append(units[i])
        i += 1
    return kept, removed


def remove_outlet_lines(
    paragraphs: list[Paragraph], outlet: str
) -> tuple[list[Paragraph], list[Removal]]:
    """Drop the paragraphs a line rule of ``outlet``'s own profile matches."""
    kept: list[Paragraph] = []
    removed: list[Removal] = []
    for paragraph in paragraphs:
        rule = match_outlet_line(paragraph.text, outlet)
        if rule:
            removed.append(Removal(rule.kind, paragraph.text))
        else:
            kept.append(paragraph)
    return kept, removed
