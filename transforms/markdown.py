"""Markdown syntax removal: what is left is the text a reader sees."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# Span contents exclude their own delimiters, so a stray opener on a huge line only scans to
# the next delimiter: matching stays linear.
_IMAGE = re.compile(r"!\[([^\][]{0,500})\]\([^()]{0,2000}\)")
_LINK = re.compile(r"\[([^\][]{1,500})\]\((?:[^()]|\([^()]{0,200}\)){0,2000}\)")
_REF_LINK = re.compile(r"\[([^\][]{1,500})\]\[[^\][]{0,100}\]")
_BOLD = re.compile(r"\*\*(?=\S)([^*]{1,1000}?)(?<=\S)\*\*|__(?=\S)([^_]{1,1000}?)(?<=\S)__")
_EMPH = re.compile(
    r"(?<![\w*])\*(?=\S)([^*]{1,500}?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)([^_]{1,500}?)(?<=\S)_(?![\w_])"
)
_CODE = re.compile(r"`([^`]{1,1000})`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_BLOCK_PREFIX = re.compile(r"^\s{0,3}(?:>\s?)+|^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_RULE_STARTS = frozenset("-*_")
_BLOCK_STARTS = frozenset(">-*+0123456789")
_MARKDOWN_HINT = re.compile(
    r"^\s{0,3}#{1,6}\s+\S|\*\*[^*\n]{1,200}\*\*|\[[^\][\n]{1,200}\]\([^()\n]{0,500}\)", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class MarkdownLine:
    """One source line without its syntax."""

    text: str
    heading: int = 0  # ATX heading level, 0 when not a heading
    strong: bool = False  # the whole line is bold (a kicker or a pseudo-heading)
    rule: bool = False  # a thematic break (---)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return " ".join(text.split())


def _inner(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) is not None else match.group(2)


def strip_inline(text: str) -> str:
    """Remove inline syntax (emphasis, links, images, code, escapes) and collapse whitespace."""
    if "![" in text:
        text = _IMAGE.sub(r"\1", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "][" in text:
        text = _REF_LINK.sub(r"\1", text)
    if "`" in text:
        text = _CODE.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _BOLD.sub(_inner, text)
    if "*" in text or "_" in text:
        text = _EMPH.sub(_inner, text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return normalise_space(text)


def parse_line(line: str) -> MarkdownLine:
    """Strip block and inline syntax from one line, keeping what the syntax meant."""
    first = line.lstrip()[:1]
    if first in _RULE_STARTS and _RULE.match(line):
        return MarkdownLine("", rule=True)
    if first == "#" and (heading := _HEADING.match(line)):
        return MarkdownLine(strip_inline(heading.group(2)), heading=len(heading.group(1)))
    body = _BLOCK_PREFIX.sub("", line) if first in _BLOCK_STARTS else line
    stripped = body.strip()
    strong = (
        len(stripped) > 4
        and stripped[:2] in ("**", "__")
        and stripped.endswith(stripped[:2])
        and stripped[:2] not in stripped[2:-2]
    )
    return MarkdownLine(strip_inline(body), strong=strong)


def looks_like_markdown(text: str) -> bool:
    """True when the text uses headings, bold lines or inline links."""
    return len(_MARKDOWN_HINT.findall(text, 0, 200_000)) >= 2
