"""HTML fragments inside text and Markdown exports, parsed with BeautifulSoup (its lxml tree
builder: the pure-Python ``html.parser`` took most of a whole-page pandoc export's time).

Exporters leave ``<figure>``, ``<figcaption>``, ``<iframe>``, ``<div class=...>`` blocks and
``<br>`` in Markdown. Captions, credits and embeds go to the audit list; every other text is
kept where it stood, and block elements (and byline or time stamp spans) end their line.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from transforms.record import Removal

_HINT = re.compile(
    r"<(?:/?(?:figure|figcaption|iframe|div|section|aside|picture|source|img|br|p|span|video"
    r"|audio|script|style|noscript|table|tr|td|th|ul|ol|li|h[1-6]|blockquote|a|em|strong|b|i"
    r"|sup|sub|small|center|font|embed|object|svg|button|form|input|label)\b[^<>]{0,2000}>"
    r"|!--)",
    re.IGNORECASE,
)
_BLOCKS = frozenset(
    {"div", "section", "figure", "p", "table", "tr", "ul", "ol", "li", "blockquote", "aside"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "center", "form"}
)
_INLINE = frozenset({"a", "span", "em", "strong", "b", "i", "small", "font", "label", "sup", "sub"})
_WRAPPED = re.compile(r"(?<=\S)[ \t]*\n[ \t]*(?=\S)")  # one line break inside a run of text
_UNSAFE_HREF = re.compile(r"[\s()\[\]]|^javascript:", re.IGNORECASE)
_EMBEDS = frozenset({"iframe", "video", "audio", "embed", "object", "svg", "button", "form"})
_DROPPED = frozenset({"script", "style", "noscript", "template"})
_CREDIT = re.compile(r"credit|copyright|source", re.IGNORECASE)
_CREDIT_TAGS = frozenset({"span", "div", "p"})
# Bylines and time stamps in inline spans are header lines of their own for the header reader.
_META_CLASS = re.compile(r"byline|author|timestamp|date|time", re.IGNORECASE)


def has_inline_html(text: str) -> bool:
    """True when the text holds HTML tags worth parsing."""
    return _HINT.search(text, 0, 500_000) is not None


def _class_text(tag: Tag) -> str:
    value = tag.get("class") or ""
    return " ".join(value) if isinstance(value, list) else str(value)


def strip_inline_html(text: str, *, markdown: bool = False) -> tuple[str, list[Removal]]:
    """Text with HTML tags resolved, and the captions, credits and embeds taken out; in
    Markdown, a link on one line stays a link (``[text](href)``): link density tells menus
    from text."""
    if not has_inline_html(text):
        return text, []
    soup = BeautifulSoup(text, "lxml")
    removed: list[Removal] = []
    # Tags inside a removed one are skipped. (Not through ``Tag.decomposed``: on a tag that
    # was never decomposed it searches the tag's subtree, which made parsing quadratic.)
    gone: set[int] = set()
    links: list[Tag] = []

    def drop(tag: Tag) -> None:
        gone.update(map(id, tag.find_all(True)))
        tag.decompose()

    for tag in soup.find_all(True):
        if id(tag) in gone:
            continue
        name = tag.name.lower()
        if name in _DROPPED:
            drop(tag)
        elif name in _EMBEDS:
            label = " ".join(tag.get_text(" ").split()) or str(tag.get("src") or name)
            removed.append(Removal("embed", label))
            drop(tag)
        elif name == "figcaption" or (name in _CREDIT_TAGS and _CREDIT.search(_class_text(tag))):
            caption = " ".join(tag.get_text(" ").split())
            if caption:
                removed.append(Removal("credit" if name != "figcaption" else "caption", caption))
            drop(tag)
        elif name == "img":
            alt = " ".join(str(tag.get("alt") or "").split())
            if alt:
                removed.append(Removal("image", alt))
            drop(tag)
        elif name == "br":
            tag.replace_with(NavigableString("\n"))
        elif name in _BLOCKS or (name in _CREDIT_TAGS and _META_CLASS.search(_class_text(tag))):
            tag.insert_before(NavigableString("\n"))
            tag.insert_after(NavigableString("\n"))
        elif name in _INLINE:
            _unwrap_lines(tag)
            if markdown and name == "a" and tag.has_attr("href"):
                links.append(tag)
    for tag in links:  # last: the tags inside a link are resolved by now
        if id(tag) not in gone:
            _as_markdown_link(tag)
    return soup.get_text(), removed


def _as_markdown_link(tag: Tag) -> None:
    """A link whose text is on one line as ``[text](href)``; other links as their text."""
    href = str(tag["href"])
    text = tag.get_text()
    if text.strip() and "\n" not in text and not _UNSAFE_HREF.search(href):
        tag.replace_with(NavigableString(f"[{text.strip()}]({href})"))


def _unwrap_lines(tag: Tag) -> None:
    """An inline element's text on one line: an exporter that wraps its source at 72 columns
    (pandoc) breaks a link's words over two lines ("Think You\n    Have a Food Allergy?")."""
    for child in list(tag.contents):
        if type(child) is NavigableString and "\n" in child.strip():
            child.replace_with(NavigableString(_WRAPPED.sub(" ", child)))
