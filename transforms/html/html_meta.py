"""Page metadata from an HTML tree: meta tags, JSON-LD, canonical link, and htmldate for dates."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement

from transforms.fields.dates import parse_iso
from transforms.fields.outlets import domain_label, registrable_domain
from transforms.fields.titles import Candidate, pick_headline, split_site_suffix
from transforms.folding import match_key
from transforms.record import Precision
from transforms.text.markdown import normalise_space

LOG = logging.getLogger(__name__)

_URLISH = re.compile(r"^(?:https?:)?//|^www\.")
# A CDATA wrapper (often behind // or /* */ comment marks) around a JSON-LD script.
_CDATA = re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?|(?://|/\*)?\s*\]\]>\s*(?:\*/)?\s*$")
# Dublin Core keys spelled with a colon ("dc:creator", "dcterms:title") read as "dc.creator".
_DC_COLON = re.compile(r"^(dc|dcterms):")
_URL_IN_NAME = re.compile(r"\s*[(<\[]?\s*(?:https?://|www\.)\S*\s*[)>\]]?")

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
# Dublin Core title keys (og:title, the JSON-LD headline, h1 and <title> are read apart).
DC_TITLE_KEYS = ("dc.title", "dcterms.title")
DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc.description")
SITE_KEYS = ("og:site_name", "application-name", "publisher")
AUTHOR_KEYS = (
    "author",
    "article:author",
    "og:article:author",
    "sailthru.author",
    "parsely-author",
    "dc.creator",
    "dcterms.creator",
)
# JSON-LD @type values of the article object itself (not its WebPage, site or related items).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)
ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "website"})
_MAX_H1 = 8
SECTION_KEYS = ("article:section", "section", "parsely-section", "category")
LANGUAGE_KEYS = ("og:locale", "content-language", "language", "dc.language")

# Byline candidates in document order; _byline tries only the first one among siblings. (That
# is `//*[...][1]`, whose per-parent position test makes libxml2 several times slower.)
_BYLINE_XPATH = XPath(
    "//*[@rel='author' or @itemprop='author'"
    " or @class[contains(., 'byline') or contains(., 'author-name')]]"
)
# Inside a byline element, the element holding just the name.
_NAME_HOLDER = XPath(
    ".//*[@itemprop='name' or @rel='author' or contains(concat(' ', @class, ' '), ' fn ')"
    " or @class[contains(., 'author')]]"
)
# A class or id token of a readers' comments region ("comments", "comment-list", "disqus_thread";
# not "comments-open" or "comment-count", which mark an article that takes comments).
_COMMENTS = re.compile(
    r"(?:comments?|commentlist|disqus)(?:[-_]?(?:list|area|section|container|wrapper|thread|item))?",
    re.IGNORECASE,
)
# The elements _scan reads, found in one pass (an XPath scan per kind costs several times more).
_SCANNED_TAGS = ("meta", "script", "link", "time", "h1", "title")
# An h1 that is the site's logo or name, not a headline.
_LOGO = re.compile(r"logo|brand|site-?(?:title|name|header)|masthead|navbar", re.IGNORECASE)
# An h1 in the article's own header.
_ARTICLE_REGION = re.compile(
    r"article|post|entry|headline|story|news|content-?title|page-?title", re.IGNORECASE
)


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself, before the body is read."""

    title: str | None = None
    h1: str | None = None
    description: str | None = None
    section: str | None = None
    byline: str | None = None  # person names joined with ", " (or one organisation)
    byline_org: str | None = None  # JSON-LD author that is an Organization
    url: str | None = None
    site_name: str | None = None  # og:site_name, JSON-LD publisher, application-name, title cut
    publisher: str | None = None  # JSON-LD publisher.name
    title_site: str | None = None  # the site segment cut off a title ("Headline | Site")
    language: str | None = None
    published_at: str | None = None
    published_precision: Precision | None = None
    date_source: str | None = None


@dataclass(slots=True)
class _PageTags:
    """The page's meta, JSON-LD, canonical link, publication <time>, first h1 and title."""

    meta: dict[str, str] = field(default_factory=dict)  # first non-empty content of each key
    authors: list[str] = field(default_factory=list)  # every author-like meta tag, in order
    ld_json: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)  # datetime of <time> marked as publication
    h1s: list[HtmlElement] = field(default_factory=list)
    title: HtmlElement | None = None


def _scan(tree: HtmlElement) -> _PageTags:
    """One pass over the page's meta, script, link, time, h1 and title elements."""
    page = _PageTags()
    for element in tree.iter(*_SCANNED_TAGS):
        tag, get = element.tag, element.get
        if tag == "meta":
            _read_meta_tag(element, page)
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
            if len(page.h1s) < _MAX_H1:
                page.h1s.append(element)
        elif page.title is None and element is not tree:  # a <title>; as in .//title
            page.title = element
    return page


def _read_meta_tag(meta: HtmlElement, page: _PageTags) -> None:
    """Record a meta tag's content under each of its keys (property, name, ...; a property may
    list several keys, space-separated)."""
    content = normalise_space(meta.get("content"))
    if not content:
        return
    keys = {
        _DC_COLON.sub(r"\1.", key)
        for attr in ("property", "name", "itemprop", "http-equiv")
        for key in (meta.get(attr) or "").lower().split()
    }
    for key in keys:
        page.meta.setdefault(key, content)
    if keys.intersection(AUTHOR_KEYS):
        page.authors.append(content)


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((found[k] for k in keys if k in found), None)


@dataclass(slots=True)
class _LinkedData:
    """What the page's JSON-LD says about its article object."""

    headline: str | None = None
    name: str | None = None  # the article's "name", which some sites fill instead of headline
    published: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)  # Person names
    author_orgs: list[str] = field(default_factory=list)  # Organization authors
    publisher: str | None = None
    site: str | None = None  # WebSite / Organization name seen at the top level


def _ld_types(item: dict) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _ld_text(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return normalise_space(value) or None if isinstance(value, str) else None


def _ld_objects(scripts: list[str]) -> list[dict]:
    """The top-level JSON-LD objects, with @graph members and a mainEntity article unpacked."""
    objects: list[dict] = []
    for script in scripts:
        try:
            data = json.loads(_CDATA.sub("", script).strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(item.get("@graph") or [])
                main = item.get("mainEntity")
                if isinstance(main, dict) and _ld_types(main) & ARTICLE_TYPES:
                    stack.append(main)
    return objects


def _json_ld(scripts: list[str]) -> _LinkedData:
    """Headline, date, authors, section and publisher of the JSON-LD article object (the first
    object of an article type, else the first one with a headline)."""
    objects = _ld_objects(scripts)
    out = _LinkedData()
    article = next((o for o in objects if _ld_types(o) & ARTICLE_TYPES), None)
    article = article or next((o for o in objects if o.get("headline")), None)
    for item in objects:
        if out.site is None and _ld_types(item) & ORG_TYPES:
            out.site = _ld_text(item.get("name"))
    if article is None:
        return out
    out.headline = _ld_text(article.get("headline"))
    out.name = _ld_text(article.get("name"))
    out.published = _ld_text(article.get("datePublished"))
    out.section = _ld_text(article.get("articleSection"))
    out.publisher = _ld_text(article.get("publisher"))
    authors = article.get("author") or article.get("creator")
    for author in authors if isinstance(authors, list) else [authors]:
        name = _ld_text(author)
        if not name or _URLISH.match(name):
            continue
        is_org = isinstance(author, dict) and bool(_ld_types(author) & ORG_TYPES)
        (out.author_orgs if is_org else out.authors).append(name)
    return out


def _page_date(
    tags: _PageTags, ld: _LinkedData, tree: HtmlElement, url: str | None
) -> tuple[str, Precision, str] | None:
    """The publication date: the JSON-LD article's datePublished, meta tags, a <time> marked as
    publication, else htmldate (no free-text scan)."""
    candidates = [ld.published] + [tags.meta.get(k) for k in DATE_KEYS] + tags.times
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


def _person_name(value: str) -> str | None:
    """An author name from a meta tag or markup: no profile URLs, no "(https://...)" tails, no
    account handle ("@jroe", "jr7567": one word with a digit), which is a login, not a name."""
    if _URLISH.match(value):
        return None
    name = normalise_space(_URL_IN_NAME.sub(" ", value)).strip(" ,;|")
    if name.startswith("@") or (" " not in name and any(c.isdigit() for c in name)):
        return None
    return name if 2 < len(name) <= 120 else None


def _dedup(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(match_key(name), name)
    return [n for k, n in seen.items() if k]


def _markup_byline(tree: HtmlElement) -> str | None:
    """The first author element (rel=author, itemprop=author, class byline/author-name), read
    from its innermost name holder so that dates and counts beside the name stay out."""
    siblings_seen: set[HtmlElement | None] = set()
    for node in _BYLINE_XPATH(tree):
        parent = node.getparent()
        if parent in siblings_seen or _in_comments(node):
            continue
        siblings_seen.add(parent)
        for holder in [*_NAME_HOLDER(node), node]:
            text = normalise_space(holder.get("content") or holder.text_content())
            name = _person_name(text) if text else None
            if name:
                return name
    return None


def _in_comments(node: HtmlElement) -> bool:
    """A node in the readers' comments, whose bylines name commenters, not the article's author."""
    return any(
        _COMMENTS.fullmatch(token)
        for a in node.iterancestors()
        for token in f"{a.get('class') or ''} {a.get('id') or ''}".split()
    )


def _byline(tags: _PageTags, ld: _LinkedData, tree: HtmlElement) -> str | None:
    """Person names joined with ", ": JSON-LD Person authors, else author meta tags, else the
    page's author markup; an organisation only when no person is named."""
    for names in (ld.authors, tags.authors):
        people = _dedup([n for n in map(_person_name, names) if n])
        if people:
            return ", ".join(people)
    return _markup_byline(tree) or (ld.author_orgs[0] if ld.author_orgs else None)


def _is_logo(h1: HtmlElement, site_keys: set[str]) -> bool:
    """An h1 that holds the site's name or logo rather than a headline."""
    if match_key(h1.text_content()) in site_keys:
        return True
    for node in (h1, *list(h1.iterancestors())[:3]):
        if _LOGO.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def _in_article(h1: HtmlElement) -> bool:
    """An h1 inside the article's markup (<article>, itemprop=headline, article-ish classes)."""
    if h1.get("itemprop") in ("headline", "name"):
        return True
    for node in (h1, *list(h1.iterancestors())[:6]):
        if node.tag == "article" or node.get("itemprop") == "articleBody":
            return True
        if _ARTICLE_REGION.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def _ld_title(ld: _LinkedData, title: str) -> str | None:
    """The JSON-LD headline, or its name when only the name is in the <title> (an encyclopedia
    puts the subject in name and a description in headline)."""
    if ld.headline and ld.name and match_key(ld.name) in title:
        return ld.name if match_key(ld.headline) not in title else ld.headline
    return ld.headline or ld.name


def _title_candidates(
    tags: _PageTags, ld: _LinkedData, site_keys: set[str]
) -> tuple[list[Candidate], str | None]:
    """Title candidates in trust order, and the headline h1 (None when there is none)."""
    meta = tags.meta
    title = normalise_space(tags.title.text_content()) if tags.title is not None else ""
    found = [
        Candidate("og", meta.get("og:title") or ""),
        Candidate("ld", _ld_title(ld, match_key(title)) or ""),
        Candidate("dc", _first(meta, DC_TITLE_KEYS) or ""),
        Candidate("twitter", meta.get("twitter:title") or ""),
    ]
    headline_h1: str | None = None
    for h1 in tags.h1s:
        text = normalise_space(h1.text_content())
        if not text or len(text) > 300 or _is_logo(h1, site_keys):
            continue
        source = "article_h1" if _in_article(h1) else "h1"
        headline_h1 = headline_h1 or text
        found.append(Candidate(source, text))
    found.append(Candidate("title", title))
    return [c for c in found if c.text], headline_h1


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
    canonical = _canonical(tags, url)
    domain = registrable_domain(canonical) if canonical else None
    label = domain_label(domain) if domain else None
    declared = _declared_site(_site_name(meta, SITE_KEYS), [ld.publisher, label])
    declared = declared or ld.publisher or ld.site
    site_names = [declared, ld.publisher, ld.site, label]
    site_keys = {match_key(n) for n in site_names if n}
    candidates, h1 = _title_candidates(tags, ld, site_keys)
    headline = pick_headline(candidates, site_names)
    page = PageMeta(
        title=headline.text,
        h1=h1,
        description=_first(meta, DESCRIPTION_KEYS),
        section=_first(meta, SECTION_KEYS) or ld.section,
        byline=_byline(tags, ld, tree),
        byline_org=ld.author_orgs[0] if ld.author_orgs else None,
        url=canonical,
        site_name=declared or headline.site or _site_name(meta, ("twitter:site",)),
        publisher=ld.publisher,
        title_site=headline.site,
        language=_language(tree, meta),
    )
    date = _page_date(tags, ld, tree, page.url or url)
    if date:
        page.published_at, page.published_precision, page.date_source = date
    return page


def _declared_site(site_name: str | None, names: list[str | None]) -> str | None:
    """og:site_name without a tagline: "Example.cz - News as it happens" -> "Example.cz" when
    the first segment is the publisher or the domain's name."""
    if not site_name:
        return None
    _, segment = split_site_suffix(site_name, names)
    return segment or site_name


def _site_name(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for value in (meta.get(k) for k in keys):
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
