"""Page metadata from an HTML tree: meta tags, JSON-LD, canonical link, and htmldate for dates."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement

from transforms.dates import parse_iso
from transforms.record import Precision

LOG = logging.getLogger(__name__)

_URLISH = re.compile(r"^(?:https?:)?//|^www\.")

# Meta keys (property, name or itemprop, lower-cased) in order of trust.
DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
)
TITLE_KEYS = ("og:title", "twitter:title", "headline", "dc.title")
DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")
SITE_KEYS = ("og:site_name", "application-name", "publisher", "twitter:site")
AUTHOR_KEYS = ("author", "article:author", "sailthru.author", "parsely-author", "dc.creator")
SECTION_KEYS = ("article:section", "section", "parsely-section", "category")
LANGUAGE_KEYS = ("og:locale", "content-language", "language", "dc.language")

_TIME_XPATH = XPath("//time[@itemprop='datePublished' or contains(@class,'pub')]/@datetime")
# Byline candidates in document order; _byline tries only the first one among siblings. (That
# is `//*[...][1]`, whose per-parent position test makes libxml2 several times slower.)
_BYLINE_XPATH = XPath(
    "//*[@rel='author' or @itemprop='author'"
    " or @class[contains(., 'byline') or contains(., 'author-name')]]"
)
_LD_JSON_XPATH = XPath("//script[@type='application/ld+json']")
_CANONICAL_XPATH = XPath("//link[@rel='canonical']/@href")
_H1_XPATH = XPath("//h1")


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself, before the body is read."""

    title: str | None = None
    h1: str | None = None
    description: str | None = None
    section: str | None = None
    byline: str | None = None
    url: str | None = None
    site_name: str | None = None
    language: str | None = None
    published_at: str | None = None
    published_precision: Precision | None = None
    date_source: str | None = None
    warnings: list[str] = field(default_factory=list)


def clean_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) and strip."""
    return " ".join(text.split()) if text else ""


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each meta key (property, name, itemprop or http-equiv)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = clean_space(meta.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((found[k] for k in keys if k in found), None)


def _json_ld(tree: HtmlElement) -> dict[str, str]:
    """datePublished, headline, author and articleSection from JSON-LD article objects."""
    out: dict[str, str] = {}
    for script in _LD_JSON_XPATH(tree):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.get("@graph") or [])
                _read_ld_object(item, out)
    return out


def _read_ld_object(item: dict, out: dict[str, str]) -> None:
    for key in ("datePublished", "headline", "articleSection"):
        value = item.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            out.setdefault(key.lower(), clean_space(value))
    authors = item.get("author")
    if isinstance(authors, dict):
        authors = [authors]
    if isinstance(authors, list):
        names = [a.get("name") for a in authors if isinstance(a, dict)]
        names = [clean_space(n) for n in names if isinstance(n, str) and n.strip()]
        if names and "datePublished" in item:
            out.setdefault("author", ", ".join(names))


def _page_date(
    meta: dict[str, str], ld: dict[str, str], tree: HtmlElement, url: str | None
) -> tuple[str, Precision, str] | None:
    """The publication date from meta tags, JSON-LD or <time>, else htmldate (no free-text scan)."""
    candidates = [meta.get(k) for k in DATE_KEYS] + [ld.get("datepublished")]
    candidates += _TIME_XPATH(tree)
    for value in candidates:
        parsed = parse_iso(value) if value else None
        if parsed:
            return parsed.iso, parsed.precision, "html_meta"
    try:
        found = find_date(
            tree, url=url, extensive_search=False, original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
        )
    except Exception as err:  # htmldate raises assorted errors on odd trees
        LOG.debug("htmldate failed: %s", err)
        return None
    if not found:
        return None
    day_only = found.endswith("T00:00:00")  # htmldate had no time of day
    parsed = parse_iso(found[:10] if day_only else found)
    return (parsed.iso, parsed.precision, "htmldate") if parsed else None


def _byline(meta: dict[str, str], ld: dict[str, str], tree: HtmlElement) -> str | None:
    for value in [meta.get(k) for k in AUTHOR_KEYS] + [ld.get("author")]:
        if value and not _URLISH.match(value):
            return value
    siblings_seen: set[HtmlElement | None] = set()
    for node in _BYLINE_XPATH(tree):
        parent = node.getparent()
        if parent in siblings_seen:
            continue
        siblings_seen.add(parent)
        text = clean_space(node.text_content())
        if 2 < len(text) <= 120:
            return text
    return None


def _canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    links = _CANONICAL_XPATH(tree)
    for value in [*links, meta.get("og:url"), url]:
        if value and value.strip().startswith(("http://", "https://")):
            return value.strip()
    return None


def read_meta(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Title, description, byline, canonical URL, site name, language and date of a page."""
    meta = _meta_tags(tree)
    ld = _json_ld(tree)
    h1 = _H1_XPATH(tree)
    title_tag = tree.find(".//title")
    title = _first(meta, TITLE_KEYS) or ld.get("headline")
    page = PageMeta(
        title=title or (clean_space(h1[0].text_content()) if h1 else None)
        or (clean_space(title_tag.text_content()) if title_tag is not None else None) or None,
        h1=clean_space(h1[0].text_content()) if h1 else None,
        description=_first(meta, DESCRIPTION_KEYS),
        section=_first(meta, SECTION_KEYS) or ld.get("articlesection"),
        byline=_byline(meta, ld, tree),
        site_name=_site_name(meta),
        language=_language(tree, meta),
    )
    page.url = _canonical(tree, meta, url)
    date = _page_date(meta, ld, tree, page.url or url)
    if date:
        page.published_at, page.published_precision, page.date_source = date
    else:
        page.warnings.append("no publication date found in the page")
    return page


def _site_name(meta: dict[str, str]) -> str | None:
    for value in (meta.get(k) for k in SITE_KEYS):
        name = (value or "").lstrip("@/").strip()
        if name and not _URLISH.match(value or ""):
            return name
    return None


def _language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    root = tree.getroottree().getroot()
    value = root.get("lang") or root.get("xml:lang") or _first(meta, LANGUAGE_KEYS)
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None
