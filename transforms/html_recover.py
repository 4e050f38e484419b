"""Recover article text the main extractor missed when a layout splits the body in parts."""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

from transforms.html_boilerplate import element_text

_NORM = re.compile(r"\W+")
MAX_CONTAINER_DISTANCE = 3  # levels up to the ancestor shared by the parts of one split body


def key(text: str) -> str:
    """Comparison key: lower-case words only."""
    return _NORM.sub(" ", text.lower()).strip()


def split_body_paragraphs(tree: HtmlElement, known: set[str]) -> tuple[list[str], list[str]]:
    """Paragraphs of sibling body containers the extractor skipped, before and after its own.

    The container holding most extracted <p> is found in the page; other elements with the
    same tag and class close to it in the tree are parts of the same body (layouts that cut the
    body around ads). Their <p> texts not already extracted are returned in document order.
    """
    parents: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        text = key(p.text_content())
        if text and text in known:
            parents[p.getparent()] += 1
    if not parents:
        return [], []
    main = parents.most_common(1)[0][0]
    cls = main.get("class")
    if not cls or main.tag != "div":
        return [], []
    blob = "\n".join(known)
    before: list[str] = []
    after: list[str] = []
    seen_main = False
    for part in tree.xpath("//div[@class=$c]", c=cls):
        if part is main:
            seen_main = True
            continue
        if not _near(main, part):
            continue
        texts = [element_text(p) for p in part.iterchildren("p")]
        texts = [t for t in texts if t and key(t) not in blob]
        (after if seen_main else before).extend(texts)
    return before, after


def _near(a: HtmlElement, b: HtmlElement) -> bool:
    """Whether a and b share an ancestor at most MAX_CONTAINER_DISTANCE levels above a."""
    ancestors = set()
    node = a.getparent()
    for _ in range(MAX_CONTAINER_DISTANCE):
        if node is None:
            break
        ancestors.add(node)
        node = node.getparent()
    node = b.getparent()
    for _ in range(MAX_CONTAINER_DISTANCE):
        if node is None:
            return False
        if node in ancestors:
            return True
        node = node.getparent()
    return False
