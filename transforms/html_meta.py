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

# Byline candidates in document order; _byline tries only the first one among siblings. (That
# is `//*[...][1]`, whose per-parent position test makes libxml2 several times slower.)
_BYLINE_XPATH = XPath(
    "//*[@rel='author' or @itemprop='author'"
    " or @class[contains(., 'byline') or contains(., 'author-name')]]"
)
# The elements _scan reads, found in one pass (an XPath scan per kind costs several times more).
_SCANNED_TAGS = ("meta", "script", "link", "time", "h1", "title")


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


@dataclass(slots=True)
class _PageTags:
    """The page's meta, JSON-LD, canonical link, publication <time>, first h1 and title."""

    meta: dict[str, str] = field(default_factory=dict)  # first non-empty content of each key
    ld_json: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # datetime of <time> marked as publication
    h1: HtmlElement | None = None
    title: HtmlElement | None = None


def clean_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) and strip."""
    return " ".join(text.split()) if text else ""


def _scan(tree: HtmlElement) -> _PageTags:
    """One pass over the page's meta, script, link, time, h1 and title elements."""
    page = _PageTags()
    for element in tree.iter(*_SCANNED_TAGS):
        tag, get = element.tag, element.get
        if tag == "meta":
            _read_meta_tag(element, page.meta)
        elif tag == "script":
            if get("type") == "application/ld+json":
                page.ld_json.append(element.text or "")
        elif tag == "link":
            href = get("href")
            if href is not None and get("rel") == "canonical":
                page.canonical.append(href)
        elif tag == "time":
            stamp = get("datetime")
            if stamp is not None and (
                get("itemprop") == "datePublished" or "pub" in (get("class") or "")
            ):
                page.times.append(stamp)
        elif tag == "h1":
            if page.h1 is None:
                page.h1 = element
        elif page.title is None and element is not tree:  # a <title>; as in .//title
            page.title = element
    return page


def _read_meta_tag(meta: HtmlElement, found: dict[str, str]) -> None:
    """Record the content of a meta tag under each of its keys (property, name, ...)."""
    content = clean_space(meta.get("content"))
    if not content:
        return
    for attr in ("property", "name", "itemprop", "http-equiv"):
        key = (meta.get(attr) or "").strip().lower()
        if key:
            found.setdefault(key, content)


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((found[k] for k in keys if k in found), None)


def _json_ld(scripts: list[str]) -> dict[str, str]:
    """datePublished, headline, author and articleSection from JSON-LD article objects."""
    out: dict[str, str] = {}
    for script in scripts:
        try:
            data = json.loads(script)
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
    tags: _PageTags, ld: dict[str, str], tree: HtmlElement, url: str | None
) -> tuple[str, Precision, str] | None:
    """The publication date from meta tags, JSON-LD or <time>, else htmldate (no free-text scan)."""
    candidates = [tags.meta.get(k) for k in DATE_KEYS] + [ld.get("datepublished"), *tags.times]
    for value in candidates:
        parsed = parse_iso(value) if value else None
        if parsed:
            return parsed.iso, parsed.precision, "html_meta"
    try:
        found = find_date(
            tree,
            url=url,
            extensive_search=False,
            original_date=True,
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


def _canonical(tags: _PageTags, url: str | None) -> str | None:
    for value in [*tags.canonical, tags.meta.get("og:url"), url]:
        if value and value.strip().startswith(("http://", "https://")):
            return value.strip()
    return None


def read_meta(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Title, description, byline, canonical URL, site name, language and date of a page."""
    tags = _scan(tree)
    meta = tags.meta
    ld = _json_ld(tags.ld_json)
    h1 = clean_space(tags.h1.text_content()) if tags.h1 is not None else None
    title = _first(meta, TITLE_KEYS) or ld.get("headline")
    page = PageMeta(
        title=title
        or h1
        or (clean_space(tags.title.text_content()) if tags.title is not None else None)
        or None,
        h1=h1,
        description=_first(meta, DESCRIPTION_KEYS),
        section=_first(meta, SECTION_KEYS) or ld.get("articlesection"),
        byline=_byline(meta, ld, tree),
        site_name=_site_name(meta),
        language=_language(tree, meta),
    )
    page.url = _canonical(tags, url)
    date = _page_date(tags, ld, tree, page.url or url)
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
