"""Source text into lines ("units") with Markdown syntax removed and soft wraps re-joined."""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.markdown import normalise_space, parse_line
from transforms.record import Removal

TERMINAL = (".", "!", "?", ":", ";", ",", '"', "”", "’", "'", ")", "…")
_LOWER_START = re.compile(r"^[a-z]")


@dataclass(slots=True)
class Unit:
    """One line (or re-joined paragraph) of the source, as plain text."""

    text: str
    heading: int = 0  # Markdown heading level
    strong: bool = False  # a whole bold Markdown line
    section: str | None = None  # subheading already known (HTML paragraphs)
    hard_break: bool = False  # the source line ended in a Markdown hard break


def split_lines(text: str, *, markdown: bool) -> tuple[list[Unit], list[Removal]]:
    """Split text into units; lines holding only odd whitespace (nbsp) are returned as removals.

    A line that does not end a sentence is joined with the next when that one starts in lower
    case (a hard-wrapped paragraph), unless a Markdown hard break (two trailing spaces) ends it.
    """
    units: list[Unit] = []
    removed: list[Removal] = []
    previous_blank = True
    for line in text.splitlines():
        if not line.strip():
            if line:
                removed.append(Removal("blank", line))
            previous_blank = True
            continue
        if markdown:
            parsed = parse_line(line)
            if parsed.rule:
                previous_blank = True
                continue
            unit = Unit(parsed.text, parsed.heading, parsed.strong)
        else:
            unit = Unit(normalise_space(line))
        unit.hard_break = markdown and line.endswith("  ")
        last = units[-1] if units else None
        if (
            last is not None
            and not previous_blank
            and not (last.heading or last.strong or unit.heading or unit.strong or last.hard_break)
            and not last.text.endswith(TERMINAL)
            and _LOWER_START.match(unit.text)
        ):
            last.text = f"{last.text} {unit.text}"
            last.hard_break = unit.hard_break
        else:
            units.append(unit)
        previous_blank = False
    return units, removed
