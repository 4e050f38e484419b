"""Markdown syntax removal: what is left is the text a reader sees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from transforms.data_files import load
from transforms.data_models import BoilerplateFile
from transforms.fields.dates import continues_a_day
from transforms.fields.given_names import is_given_name
from transforms.fields.outlets import registrable_domain
from transforms.folding import match_key

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
_QUOTE_PREFIX = re.compile(r"^\s*(?:>\s?)+")
_LIST_PREFIX = re.compile(r"^\s*(?:[-*+•·▪►]|\d{1,3}[.)])\s+")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_RULE_STARTS = frozenset("-*_")
_BLOCK_STARTS = frozenset(">-*+•·▪►0123456789")
_LINK_TEXT = re.compile(r"(?<!!)\[([^\][]{0,500})\]\((?:[^()]|\([^()]{0,200}\)){0,2000}\)")
_HOST = re.compile(r"(?:https?:)?//([^/?#:\s]+)", re.IGNORECASE)  # a link target's host
_LINK_TARGET = re.compile(r"(?<!!)\[([^\][]{1,500})\]\(([^()]{0,2000})\)")
_IMAGE_ONLY = re.compile(
    r"^\s*(?:\[?!\[[^\][]{0,500}\]\([^()]{0,2000}\)\]?(?:\([^()]{0,2000}\))?\s*)+$"
)
# A heading, a bold span or a link whose target looks like an address (a path, a domain, an
# anchor: lynx's "[13](BUTTON)" is a reference number beside a button label, not a link).
_MARKDOWN_HINT = re.compile(
    r"^\s{0,3}#{1,6}\s+\S|\*\*[^*\n]{1,200}\*\*"
    r"|\[[^\][\n]{1,200}\]\((?=[^()\s]*[/.#:?])[^()\n]{0,500}\)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class MarkdownLine:
    """One source line without its syntax."""

    text: str
    heading: int = 0  # ATX heading level, 0 when not a heading
    strong: bool = False  # the whole line is bold (a kicker or a pseudo-heading)
    rule: bool = False  # a thematic break (---)
    list_item: bool = False  # a bullet or numbered list item
    link_chars: int = 0  # characters of the text that are link text
    image: bool = False  # the line holds only images
    authors: tuple[str, ...] = ()  # texts of links to author or profile pages


def normalise_space(text: str | None) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space, and strip;
    no text gives ``""``."""
    return " ".join(text.split()) if text else ""


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
        inner = _reopened(heading.group(2))
        text = strip_inline(inner)
        return MarkdownLine(text, heading=len(heading.group(1)), link_chars=_link_chars(inner))
    body, list_item = line, False
    if first in _BLOCK_STARTS:
        body = _QUOTE_PREFIX.sub("", body)
        listed = _LIST_PREFIX.sub("", body, count=1)
        if listed != body and not (first.isdigit() and continues_a_day(listed)):
            list_item, body = True, listed
    body = _reopened(body)
    stripped = body.strip()
    strong = (
        len(stripped) > 4
        and stripped[:2] in ("**", "__")
        and stripped.endswith(stripped[:2])
        and stripped[:2] not in stripped[2:-2]
    )
    image = "![" in stripped and bool(_IMAGE_ONLY.match(stripped))
    return MarkdownLine(
        strip_inline(body),
        strong=strong,
        list_item=list_item,
        link_chars=_link_chars(body) if "](" in body else 0,
        image=image,
        authors=author_links(body) if "](" in body else (),
    )


def _reopened(text: str) -> str:
    """A link's text and target on this line, its opening bracket on an earlier one (a card
    link wrapped around an image and a headline: "Jane Roe](/author/jane-roe)"), as one link."""
    close = text.find("](")
    if close <= 0 or "[" in text[:close]:
        return text
    stripped = text.lstrip()
    return f"{text[: len(text) - len(stripped)]}[{stripped}"


@cache
def _author_target() -> re.Pattern[str]:
    """Link targets of one author's page ("/author/jane-roe", "/profiles/jroe"), from the rule
    data; an index ("/authors", "/profiles/") or an account page ("/user/login",
    "/users/password/new") names nobody."""
    parts = load(BoilerplateFile).author_url_parts
    handles = "|".join(p for p in parts if p.startswith("@"))  # "/@jroe": the whole target
    sections = "|".join(p for p in parts if not p.startswith("@"))
    account = (
        "log-?in|log-?out|sign-?in|sign-?up|sign-?out|register|registration|settings|join|password"
    )
    section = rf"(?:{sections})[/?#=~:](?!(?:{account})\b)\w"
    return re.compile(rf"/(?:(?:{handles})(?![\w.-])|{section})", re.IGNORECASE)


def _own_site(name: str, target: str) -> bool:
    """A link from a person's name to a subdomain spelt as that name ("[Jane Roe](https://
    janeroe.blog.example)"): the author's own page on a blog platform."""
    found = _HOST.match(target) if " " in name else None
    if found is None or found[1][:1].casefold() != name[:1].casefold():
        return False
    host = found[1].casefold()
    if match_key(host.split(".", 1)[0]) != match_key(name):
        return False
    return host != registrable_domain(host) and is_given_name(name.split()[0], certain=True)


def author_links(text: str) -> tuple[str, ...]:
    """Distinct texts of the links in a Markdown line that point at author or profile pages
    (social handles, "@jroe", are not names)."""
    names: dict[str, None] = {}
    for match in _LINK_TARGET.finditer(text):
        target = match.group(2).split()[0] if match.group(2).split() else ""
        name = strip_inline(match.group(1))
        if not name or name.startswith("@"):
            continue
        if _author_target().search(target) or _own_site(name, target):
            names[name] = None
    return tuple(names)


def _link_chars(text: str) -> int:
    """Characters of visible link text in a Markdown line."""
    if "](" not in text:
        return 0
    return sum(len(strip_inline(m.group(1))) for m in _LINK_TEXT.finditer(text))


def looks_like_markdown(text: str) -> bool:
    """True when the text uses headings, bold lines or inline links."""
    return len(_MARKDOWN_HINT.findall(text, 0, 200_000)) >= 2
