"""Body lines into paragraphs under their subheadings; stray captions and empty headings out."""

from __future__ import annotations

import re

from transforms.record import Paragraph, Removal
from transforms.text.lines import TERMINAL, Unit

_WORD = re.compile(r"[\w’'-]+")
_QUOTES = "\"'‘’“”"
MINOR_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "over", "per", "the", "to", "up", "via", "vs", "with"}
)
SUBHEADING_MAX_CHARS = 120
SUBHEADING_WORDS = (3, 16)
CAPTION_WORD_MAX = 2


def looks_like_subheading(text: str) -> bool:
    """A short title-case line without final punctuation ("Kremlin Signals a Shift")."""
    core = text.strip(_QUOTES)
    words = _WORD.findall(core)
    low, high = SUBHEADING_WORDS
    if not (low <= len(words) <= high) or len(text) > SUBHEADING_MAX_CHARS:
        return False
    if core.endswith(TERMINAL) or not core[:1].isupper():
        return False
    major = [w for w in words if w.lower() not in MINOR_WORDS]
    capitalised = sum(w[:1].isupper() or w[:1].isdigit() for w in major)
    return bool(major) and capitalised / len(major) >= 0.75


def _is_caption_word(text: str) -> bool:
    """A name standing alone between paragraphs (a photo caption left behind)."""
    words = text.split()
    return (
        0 < len(words) <= CAPTION_WORD_MAX
        and len(text) <= 30
        and not text.endswith(TERMINAL)
        and all(w[:1].isupper() for w in words)
    )


def _is_heading(unit: Unit, *, plain_headings: bool) -> bool:
    return bool(unit.heading or unit.strong) or (
        plain_headings and looks_like_subheading(unit.text)
    )


def build_paragraphs(
    units: list[Unit], *, plain_headings: bool
) -> tuple[list[Paragraph], list[Removal]]:
    """Paragraphs with their sections.

    Headings (Markdown headings, bold lines and, when ``plain_headings``, title-case lines) name
    the section of the paragraphs under them; one with no paragraph under it is removed as
    "empty_heading". A one- or two-word capitalised line between paragraphs is a "caption".
    """
    headings = [_is_heading(u, plain_headings=plain_headings) for u in units]
    paragraphs: list[Paragraph] = []
    removed: list[Removal] = []
    section: str | None = None
    for k, unit in enumerate(units):
        if headings[k]:
            has_body = k + 1 < len(units) and not headings[k + 1]
            if has_body:
                section = unit.text
            else:
                removed.append(Removal("empty_heading", unit.text))
            continue
        between_paragraphs = 0 < k < len(units) - 1 and not headings[k - 1] and not headings[k + 1]
        if between_paragraphs and _is_caption_word(unit.text):
            removed.append(Removal("caption", unit.text))
            continue
        paragraphs.append(Paragraph(unit.text, unit.section or section))
    return paragraphs, removed
