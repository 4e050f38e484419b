"""HTML boilerplate: page blocks (captions, credits, related lists, ...) and paragraph line rules.

The rules are data in ``transforms/data/html_rules.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lxml.html import HtmlElement

from transforms.data_files import compile_pattern, load_json
from transforms.record import Removal

_SPACE = re.compile(r"\s+")
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_SKIP_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "button", "select"})
_NOT_BLOCKS = _SKIP_TEXT | {"main", "article"}
MAX_BLOCK_CHARS = 3000  # a longer "related" or "share" element is a layout wrapper, not a widget
MAX_LINK_ITEM_WORDS = 20
MIN_LINK_ITEMS = 2  # a single linked item is a call to action more often than a teaser list


@dataclass(frozen=True, slots=True)
class LineRule:
    """A paragraph pattern and the removal kind it gives."""

    kind: str
    pattern: re.Pattern[str]
    max_words: int


@cache
def _rules() -> dict:
    return load_json("html_rules.json")


@cache
def line_rules() -> tuple[LineRule, ...]:
    """Paragraph rules, in file order."""
    return tuple(
        LineRule(r["kind"], compile_pattern(r["pattern"], r.get("flags", "")), r["max_words"])
        for r in _rules()["line_rules"]
    )


@cache
def _block_index() -> tuple[dict[str, str], dict[str, str]]:
    """Tag -> kind and class/id token -> kind."""
    tags: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for block in _rules()["blocks"]:
        tags.update(dict.fromkeys(block["tags"], block["kind"]))
        tokens.update(dict.fromkeys(block["class_tokens"], block["kind"]))
    return tags, tokens


def classify_line(text: str) -> str | None:
    """The removal kind of a boilerplate paragraph, or None for article text."""
    words = len(text.split())
    for rule in line_rules():
        if words <= rule.max_words and rule.pattern.search(text):
            return rule.kind
    return None


def element_text(element: HtmlElement) -> str:
    """Visible text of an element, whitespace collapsed (scripts, styles and buttons skipped)."""
    parts: list[str] = []
    _collect(element, parts)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _collect(element: HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag and tag not in _SKIP_TEXT:
        parts.append(element.text or "")
        for child in element:
            _collect(child, parts)
            parts.append(child.tail or "")
    if tag in ("p", "li", "div", "br", "h2", "h3", "figcaption"):
        parts.append(" ")


def _kind_of(element: HtmlElement, tags: dict[str, str]) -> str | None:
    kind = tags.get(element.tag)
    if kind:
        return kind
    if element.get("role") == "navigation":
        return "nav"
    names = element.get("class"), element.get("id")
    return _names_kind(f"{names[0] or ''} {names[1] or ''}") if names != (None, None) else None


@cache
def _names_kind(names: str) -> str | None:
    """The block kind named by a class or id value, if any of its words or word parts is a token."""
    tokens = _block_index()[1]
    for name in names.lower().split():
        kind = tokens.get(name)
        if kind:
            return kind
        for part in _TOKEN_SPLIT.split(name):
            if part in tokens:
                return tokens[part]
    return None


def page_blocks(tree: HtmlElement) -> list[Removal]:
    """Outermost caption, credit, related, newsletter, share, ad and nav blocks of the page."""
    tags = _block_index()[0]
    found: list[Removal] = []
    taken: set[HtmlElement] = set()
    body = tree.find(".//body")
    for element in (body if body is not None else tree).iterdescendants():
        if not isinstance(element.tag, str) or element.tag in _NOT_BLOCKS:
            continue
        kind = _kind_of(element, tags)
        if kind is None or any(a in taken for a in element.iterancestors()):
            continue
        text = element_text(element)
        if not text or (len(text) > MAX_BLOCK_CHARS and kind != "nav"):
            continue
        taken.add(element)
        if kind == "caption":
            text = _split_credits(element, text, tags, found)
        if text:
            found.append(Removal(kind, text))
    found.extend(_link_lists(tree, taken))
    return found


def _split_credits(
    caption: HtmlElement, text: str, tags: dict[str, str], found: list[Removal]
) -> str:
    """Record photo credits nested in a caption as credits; the caption text without them."""
    for node in caption.iterdescendants():
        if isinstance(node.tag, str) and _kind_of(node, tags) == "credit":
            credit = element_text(node)
            if credit:
                found.append(Removal("credit", credit))
                text = text.replace(credit, "")
    return _SPACE.sub(" ", text).strip()


def _link_lists(tree: HtmlElement, taken: set[HtmlElement]) -> list[Removal]:
    """Lists whose every item is one short link: related-story or teaser lists."""
    found: list[Removal] = []
    for lst in tree.xpath("//ul[li] | //ol[li]"):
        if any(a in taken for a in lst.iterancestors()) or lst in taken:
            continue
        items = lst.findall("li")
        if len(items) < MIN_LINK_ITEMS or not all(_is_link_item(li) for li in items):
            continue
        found.extend(Removal("related", element_text(li)) for li in items)
    return [r for r in found if r.text]


def _is_link_item(item: HtmlElement) -> bool:
    links = item.findall(".//a")
    if len(links) != 1:
        return False
    text = element_text(item)
    short = len(text.split()) <= MAX_LINK_ITEM_WORDS
    return bool(text) and short and element_text(links[0]) == text
