"""Source text into lines ("units") with Markdown syntax removed and soft wraps re-joined."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.fields.bylines import is_by_word
from transforms.fields.dates import continues_a_day
from transforms.record import Removal
from transforms.text.markdown import normalise_space, parse_line

TERMINAL = (".", "!", "?", ":", ";", ",", '"', "”", "’", "'", ")", "…", "。", "！", "？", "」", "»")
_LOWER_START = re.compile(r"^[a-z]")
_ALNUM = re.compile(r"[^\W_]")
# Bullets of plain-text exports (inscriptis, w3m, lynx, copy-paste): the text is the item.
_TEXT_BULLET = re.compile(r"^(?:[*•·▪►◦‣○●■□▸▹➤→+-]|\d{1,3}[.)])\s+(?=\S)")
# lynx -dump link references: "[12]Home" in the text, "  12. https://..." in its list.
_LYNX_REF = re.compile(r"\[(\d{1,4})\]")
# lynx -dump prints a form's button as its label: "Jun 7, 2023 | (BUTTON)".
LYNX_BUTTON = r"\(BUTTON\)"
_BUTTON_LABEL = re.compile(rf"\s*{LYNX_BUTTON}\s*")


def without_buttons(text: str) -> str:
    """The text without a text browser's button labels ("(BUTTON) Follow": lynx)."""
    return _BUTTON_LABEL.sub(" ", text).strip() if "(BUTTON)" in text else text


def undoubled(text: str) -> str:
    """A label printed twice on one line ("Jane Roe Jane Roe": an avatar's alt text beside the
    name, a logo's beside its text) once; other text as it is."""
    words = text.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return text


@dataclass(slots=True)
class Unit:
    """One line (or re-joined paragraph) of the source, as plain text."""

    text: str
    heading: int = 0  # Markdown heading level
    strong: bool = False  # a whole bold Markdown line
    section: str | None = None  # subheading already known (HTML paragraphs)
    hard_break: bool = False  # the source line ended in a Markdown hard break
    list_item: bool = False  # a bullet or numbered item of the source
    link_share: float = 0.0  # share of the text that is link text (Markdown, lynx references)
    image: bool = False  # a line holding only images
    indent: int = 0  # leading spaces of the source line
    authors: tuple[str, ...] = ()  # texts of links to author or profile pages (Markdown)

    @property
    def words(self) -> int:
        """Word count; CJK text, written without spaces, counts one word per two characters."""
        return word_count(self.text)


@lru_cache(maxsize=1 << 16)
def word_count(text: str) -> int:
    """Tokens holding a letter or digit; unspaced scripts count one word per two characters."""
    count = sum(1 for token in text.split() if _ALNUM.search(token))
    if text.isascii():
        return count
    wide = sum(1 for c in text if c >= "\u2e80")
    return max(count, wide // 2)


def split_lines(text: str, *, markdown: bool) -> tuple[list[Unit], list[Removal]]:
    """Split text into units; lines holding only odd whitespace (nbsp) are returned as removals.

    A line that does not end a sentence is joined with the next when that one starts in lower
    case (a hard-wrapped paragraph), unless a Markdown hard break (two trailing spaces) ends it.
    A line holding only a by-word ("By", "Von") is joined with the names on the next line.
    """
    units: list[Unit] = []
    removed: list[Removal] = []
    previous_blank = True
    for line in logical_lines(text, markdown=markdown):
        if not line.strip():
            if line:
                removed.append(Removal("blank", line))
            previous_blank = True
            continue
        unit = _markdown_unit(line) if markdown else _text_unit(line)
        if unit is None:
            previous_blank = True
            continue
        unit.hard_break = markdown and line.endswith("  ")
        unit.indent = len(line) - len(line.lstrip())
        last = units[-1] if units else None
        if last is not None and is_by_word(last.text) and not unit.heading:
            unit.text = f"{last.text} {unit.text}"  # "By" on a line of its own, the names below
            units[-1] = unit
        elif (
            last is not None
            and not previous_blank
            and not (last.heading or last.strong or unit.heading or unit.strong or last.hard_break)
            and not (unit.list_item or unit.image or last.image)
            and not last.text.endswith(TERMINAL)
            and _LOWER_START.match(unit.text)
        ):
            last.text = f"{last.text} {unit.text}"
            last.hard_break = unit.hard_break
        else:
            units.append(unit)
        previous_blank = False
    return units, removed


_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+•]\s|\d{1,3}[.)]\s|>|\||```|~~~|!\[|<\w)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
WRAP_MIN_WIDTH = 60
WRAP_MAX_WIDTH = 120
WRAP_MARGIN = 25  # a line this close to the wrap width was cut by the exporter
WRAP_MIN_SHARE = 0.3
WRAP_OUTLIER_SHARE = 0.05  # long words and unbroken strings that overflow the wrap width
_UNBREAKABLE = re.compile(r"\]\(|https?:|<\w")
SETEXT_MAX_CHARS = 200  # a longer paragraph above "----" is text over a rule, not a heading
LINK_TEXT_MAX = 200  # an unclosed "[" further back is a stray bracket, not a cut link


def _wrap_width(lines: list[str]) -> int | None:
    """The column an exporter wrapped the text at (html2text 78, lynx 79), or None.

    Lines with a link, URL or tag (exporters do not break those) and lines that start a block
    (html2text leaves list items whole) are ignored. The width is the length that all but
    ``WRAP_OUTLIER_SHARE`` of the other long lines keep within (a word longer than the margin
    overflows it), and the text is wrapped when that width is at most ``WRAP_MAX_WIDTH`` and a
    good share of the long lines end close to it. Text whose paragraphs are one line each has
    many lines past any such width.
    """
    prose = (
        line.rstrip()
        for line in lines
        if not (_UNBREAKABLE.search(line) or _BLOCK_START.match(line))
    )
    long = sorted(len(line) for line in prose if len(line) > 40)
    if len(long) < 10:
        return None
    width = long[int((1 - WRAP_OUTLIER_SHARE) * (len(long) - 1))]
    near = sum(1 for n in long if width - WRAP_MARGIN <= n <= width)
    wrapped = WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH and near >= WRAP_MIN_SHARE * len(long)
    return width if wrapped else None


def logical_lines(text: str, *, markdown: bool) -> list[str]:
    """Source lines with exporter line wrapping undone and setext headings made ATX.

    In a hard-wrapped file a line that reached the wrap margin, a headline too, continues on
    the next one when that one's first word would not have fitted on it (a short date line
    over a caption stays a line), unless the next starts a block: a heading, list item, quote,
    table row, image or tag; in Markdown a line ending inside a link's text ("By [Jane") or
    target always does.
    """
    lines = text.splitlines()
    width = _wrap_width(lines)
    out: list[str] = []
    previous = ""
    for line in lines:
        stripped = line.strip()
        setext = markdown and stripped and out and previous.strip() and _SETEXT.match(line)
        if setext and not _BLOCK_START.match(out[-1]):
            start = _setext_start(out)
            heading = " ".join(line.strip() for line in out[start:])
            out[start:] = [f"{'#' if stripped.startswith('=') else '##'} {heading}"]
            previous = ""
            continue
        joins = (
            width is not None
            and stripped
            and previous.strip()
            and len(previous.rstrip()) >= width - WRAP_MARGIN
            and len(previous.rstrip()) + 1 + len(stripped.split()[0]) > width
            and not previous.endswith("  ")
            and not _BLOCK_START.match(line)
        ) or (markdown and stripped and out and _inside_link(out[-1]))
        if markdown and stripped and out and _inside_target(out[-1]):
            out[-1] = f"{out[-1].rstrip()}{stripped}"  # a URL cut by the wrap: no space in it
        elif joins:
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(line)
        previous = line
    return out


def _setext_start(out: list[str]) -> int:
    """Where the setext heading underlined below ``out[-1]`` starts: all the lines of its
    paragraph ("List of films" / "featuring time loops" / "===="), when they are headline-sized;
    otherwise the last line alone."""
    start = len(out) - 1
    while start > 0 and _continues_paragraph(out[start - 1]):
        start -= 1
    size = sum(len(line.strip()) + 1 for line in out[start:])
    return start if size <= SETEXT_MAX_CHARS else len(out) - 1


def _continues_paragraph(line: str) -> bool:
    return bool(line.strip()) and not (_BLOCK_START.match(line) or parse_line(line).rule)


def _inside_link(line: str) -> bool:
    """A Markdown line cut inside a link's text: an opening bracket left unclosed."""
    opened = line.rfind("[")
    return opened >= 0 and line.find("]", opened) < 0 and len(line) - opened <= LINK_TEXT_MAX


def _inside_target(line: str) -> bool:
    """A Markdown line cut inside a link's target ("[Jane Roe](/author/jane-"): html2text
    wraps long URLs too."""
    opened = line.rfind("](")
    return opened >= 0 and line.find(")", opened) < 0 and len(line) - opened <= LINK_TEXT_MAX


def _markdown_unit(line: str) -> Unit | None:
    parsed = parse_line(line)
    if parsed.rule or not parsed.text:
        return None
    share = parsed.link_chars / len(parsed.text) if parsed.text else 0.0
    return Unit(
        parsed.text,
        parsed.heading,
        parsed.strong,
        list_item=parsed.list_item,
        link_share=min(1.0, share),
        image=parsed.image,
        authors=parsed.authors,
    )


def _text_unit(line: str) -> Unit:
    text = normalise_space(line)
    bullet = _TEXT_BULLET.match(text)
    if bullet and text[0].isdigit() and continues_a_day(text[bullet.end() :]):
        bullet = None  # "12. März 2024": a day, not a list number
    if bullet:
        text = text[bullet.end() :]
    share = 0.0
    if "[" in text and _LYNX_REF.search(text):
        refs = list(_LYNX_REF.finditer(text))
        text = normalise_space(_LYNX_REF.sub("", text))
        share = min(1.0, 0.5 * len(refs) * 12 / max(12, len(text)))
    return Unit(text, list_item=bool(bullet), link_share=share)
