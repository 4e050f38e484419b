"""Recover article text the main extractor missed when a layout splits the body in parts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from lxml.html import HtmlElement

from transforms.html.html_boilerplate import element_text

_WORD = re.compile(r"\w+")
MAX_CONTAINER_DISTANCE = 3  # levels up to the ancestor shared by the parts of one split body


def key(text: str) -> str:
    """Comparison key: lower-case words only, one space apart."""
    return " ".join(_WORD.findall(text.lower()))


def split_body_paragraphs(
    tree: HtmlElement, line_keys: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """Paragraphs of sibling body containers the extractor skipped, before and after its own.

    ``line_keys`` maps each extracted line (whitespace collapsed) to its key; a paragraph found
    verbatim among the lines needs no key of its own. The container holding most extracted <p>
    is found in the page; other elements with the same tag and class close to it in the tree
    are parts of the same body (layouts that cut the body around ads). Their <p> texts not
    already extracted are returned in document order.
    """
    known = set(line_keys.values())
    parents: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        text_key = line_keys.get(text)
        if text_key is None:
            text_key = key(text)
        if text_key and text_key in known:
            parents[p.getparent()] += 1
    if not parents:
        return [], []
    main = parents.most_common(1)[0][0]
    cls = main.get("class")
    if not cls or main.tag != "div":
        return [], []
    # A part shares an ancestor at most MAX_CONTAINER_DISTANCE levels above main, so it lies
    # inside the highest of those ancestors: only that subtree is searched.
    ancestors = _ancestors(main)
    if not ancestors:
        return [], []
    near = set(ancestors)
    blob = "\n".join(known)
    before: list[str] = []
    after: list[str] = []
    seen_main = False
    for part in ancestors[-1].xpath("descendant::div[@class=$c]", c=cls):
        if part is main:
            seen_main = True
            continue
        if near.isdisjoint(_ancestors(part)):
            continue
        texts = [element_text(p) for p in part.iterchildren("p")]
        texts = [t for t in texts if t and key(t) not in blob]
        (after if seen_main else before).extend(texts)
    return before, after


def _ancestors(element: HtmlElement) -> list[HtmlElement]:
    """The element's ancestors up to MAX_CONTAINER_DISTANCE levels above it, nearest first."""
    found: list[HtmlElement] = []
    node = element.getparent()
    while node is not None and len(found) < MAX_CONTAINER_DISTANCE:
        found.append(node)
        node = node.getparent()
    return found
