"""HTML boilerplate: page blocks (captions, credits, related lists, ...) and paragraph line rules.

The rules are data in ``transforms/data/html_rules.json``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from lxml.etree import iterwalk
from lxml.html import HtmlElement

from transforms.data_files import load
from transforms.data_models import HtmlRulesFile
from transforms.record import Removal
from transforms.text.rules import LineRule

_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_SKIP_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "button", "select"})
_NOT_BLOCKS = _SKIP_TEXT | {"main", "article"}
_SPACED = frozenset({"p", "li", "div", "br", "h2", "h3", "figcaption"})  # end with a space
_LISTS = frozenset({"ul", "ol"})
MAX_BLOCK_CHARS = 3000  # a longer "related" or "share" element is a layout wrapper, not a widget
MAX_LINK_ITEM_WORDS = 20
MIN_LINK_ITEMS = 2  # a single linked item is a call to action more often than a teaser list


@cache
def line_rules() -> tuple[LineRule, ...]:
    """Paragraph rules, in file order (each with its ``max_words``)."""
    return tuple(LineRule.of(entry) for entry in load(HtmlRulesFile).line_rules)


@cache
def _block_index() -> tuple[dict[str, str], dict[str, str]]:
    """Tag -> kind and class/id token -> kind."""
    tags: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for block in load(HtmlRulesFile).blocks:
        tags.update(dict.fromkeys(block.tags, block.kind))
        tokens.update(dict.fromkeys(block.class_tokens, block.kind))
    return tags, tokens


@cache
def _max_rule_words() -> int:
    return max((rule.max_words or 0 for rule in line_rules()), default=0)


def classify_line(text: str) -> str | None:
    """The removal kind of a boilerplate paragraph, or None for article text."""
    words = len(text.split())
    if words > _max_rule_words():
        return None
    for rule in line_rules():
        if words <= (rule.max_words or 0) and rule.pattern.search(text):
            return rule.kind
    return None


def element_text(element: HtmlElement) -> str:
    """Visible text of an element, whitespace collapsed (scripts, styles and buttons skipped).

    Elements in ``_SPACED`` end with a space so that list items or paragraphs do not run
    together. One ``iterwalk`` pass (no Python recursion) over the subtree.
    """
    if not isinstance(element.tag, str) or element.tag in _SKIP_TEXT:
        return ""
    parts = [element.text or ""]
    walker = iterwalk(element, events=("start", "end", "comment", "pi"))
    next(walker)  # the element's own start
    for event, node in walker:
        if event == "start":
            if node.tag in _SKIP_TEXT:
                walker.skip_subtree()
            else:
                parts.append(node.text or "")
        elif node is element:
            break
        else:  # end of a child, or a comment / processing instruction: its text is not shown
            if event == "end" and node.tag in _SPACED:
                parts.append(" ")
            parts.append(node.tail or "")
    return " ".join("".join(parts).split())


def _kind_of(element: HtmlElement, tags: dict[str, str]) -> str | None:
    """The block kind of an element: by its tag, else by its attributes."""
    return tags.get(element.tag) or _attribute_kind(element)


def _attribute_kind(element: HtmlElement) -> str | None:
    """The block kind given by the role, class or id attribute (class before id), if any."""
    get = element.get
    if get("role") == "navigation":
        return "nav"
    cls, id_ = get("class"), get("id")
    return (cls and _names_kind(cls)) or (id_ and _names_kind(id_)) or None


@lru_cache(maxsize=1 << 16)  # class values repeat across a site's pages; bounded for long batches
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
    """Outermost caption, credit, related, newsletter, share, ad and nav blocks of the page.

    One walk over the body: a block, once taken, is skipped whole, so nothing inside it is
    visited again; lists met outside taken blocks are then checked for teaser link lists.
    """
    tags = _block_index()[0]
    found: list[Removal] = []
    lists: list[HtmlElement] = []
    body = tree.find(".//body")
    root = body if body is not None else tree
    # Elements a tag alone may make blocks or teaser lists; any other goes by its attributes,
    # which spares reading the tag name of every element.
    by_tag = set(root.iter(*tags, *_LISTS))
    walker = iterwalk(root, events=("start",))
    next(walker)  # the walk's root is not a block
    for _, element in walker:
        if element in by_tag:
            tag = element.tag
            kind = tags.get(tag) or _attribute_kind(element)
        else:
            kind = _attribute_kind(element)
            if kind is None:
                continue
            tag = element.tag
        if tag in _NOT_BLOCKS:
            continue
        if kind is None:
            if tag in _LISTS and element.find("li") is not None:
                lists.append(element)
            continue
        text = element_text(element)
        if not text or (len(text) > MAX_BLOCK_CHARS and kind != "nav"):
            if tag in _LISTS and element.find("li") is not None:
                lists.append(element)
            continue
        walker.skip_subtree()
        if kind == "caption":
            text = _split_credits(element, text, tags, found)
        if text:
            found.append(Removal(kind, text))
    found.extend(_link_lists(lists))
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
    return " ".join(text.split())


def _link_lists(lists: list[HtmlElement]) -> list[Removal]:
    """Lists whose every item is one short link: related-story or teaser lists."""
    found: list[Removal] = []
    for lst in lists:
        items = lst.findall("li")
        if len(items) < MIN_LINK_ITEMS:
            continue
        texts = []
        for item in items:
            text = _link_item_text(item)
            if text is None:
                break
            texts.append(text)
        else:
            found.extend(Removal("related", text) for text in texts)
    return found


def _link_item_text(item: HtmlElement) -> str | None:
    """The text of a list item that is one short link and nothing else, else None."""
    links = item.findall(".//a")
    if len(links) != 1:
        return None
    text = element_text(item)
    if not text or len(text.split()) > MAX_LINK_ITEM_WORDS or element_text(links[0]) != text:
        return None
    return text
