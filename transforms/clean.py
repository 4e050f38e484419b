"""One raw file in, one clean Article out: the single entry point of the cleaning stage."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from transforms.decode import decode_bytes, strip_controls
from transforms.fields.bylines import names_only, parse_byline
from transforms.fields.dates import Dateline, ParsedDate, parse_date_line, parse_iso, split_dateline
from transforms.fields.language import guess_language, language_code
from transforms.fields.outlets import (
    OutletSignals,
    domain_label,
    registrable_domain,
    resolve_outlet,
)
from transforms.fields.titles import Candidate, pick_headline
from transforms.record import Article, Paragraph, RecordWarning, Removal, WarningCode
from transforms.text.boilerplate import remove_boilerplate, remove_outlet_lines
from transforms.text.brand_lines import named_brand
from transforms.text.front_matter import FrontMatter, split_front_matter
from transforms.text.header import read_header
from transforms.text.inline_html import strip_inline_html
from transforms.text.lines import Unit, split_lines
from transforms.text.markdown import looks_like_markdown, normalise_space
from transforms.text.site_links import site_of_links
from transforms.text.structure import build_paragraphs

MAX_TEXT_CHARS = 2_000_000
LANGUAGE_SAMPLE_PARAGRAPHS = 12
NO_DATE = RecordWarning(WarningCode.NO_DATE)
_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}
_HTML_HINT = re.compile(r"<(?:!doctype html|html|head|body|article|div|p)\b", re.IGNORECASE)
_FOOTER_DOMAIN = re.compile(r"^Source:", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\(c\) ?\d{4}|\bcopyright\b", re.IGNORECASE)


def document_id(source: str) -> str:
    """Stable id: sha1 hex of the normalised source.

    URLs lose their fragment and get a lower-case scheme and host; paths use forward slashes
    and are normalised (``a/./b`` = ``a/b``). The same source string always gives the same id;
    a file name's undecodable bytes (surrogate escapes) hash as the bytes they stand for.
    """
    if "://" in source:
        parts = urlsplit(source.strip())
        normal = urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, "")
        )
    else:
        normal = posixpath.normpath(source.strip().replace("\\", "/"))
    return hashlib.sha1(normal.encode("utf-8", "surrogateescape")).hexdigest()


def _format_from_name(source: str) -> str | None:
    name = source.lower().split("?", 1)[0].removesuffix(".gz")
    return _EXTENSIONS.get(posixpath.splitext(name)[1])


def detect_format(text: str, source: str) -> str:
    """html, markdown or text: from the file extension when it says, else from the content."""
    named = _format_from_name(source)
    if named:
        return named
    head = text[:5000]
    if head.lstrip().startswith("<") and _HTML_HINT.search(head):
        return "html"
    return "markdown" if looks_like_markdown(text) else "text"


def clean_document(raw: bytes, source: str, *, url: str | None = None) -> Article:
    """Clean one raw file (bytes, possibly gzipped) into an Article; never raises on bad input.

    ``source`` is the path or URL the bytes came from (it fixes the id); ``url`` is the page
    URL when known. Problems (binary, empty, undecodable, oversized) end up in ``warnings``.
    """
    article = Article(
        id=document_id(source),
        source=source,
        format=_format_from_name(source) or "text",
        content_hash=hashlib.sha256(raw).hexdigest(),
        url=url or (source if "://" in source else None),
    )
    decoded = decode_bytes(raw)
    article.warnings += decoded.warnings
    if not decoded.text.strip():
        if not article.has_warning(WarningCode.EMPTY_INPUT, WarningCode.BINARY_INPUT):
            article.warnings.append(RecordWarning(WarningCode.EMPTY_INPUT))
        return article
    text, controls = strip_controls(decoded.text)
    if controls:
        article.warnings.append(RecordWarning(WarningCode.CONTROL_CHARACTERS, str(controls)))
    if len(text) > MAX_TEXT_CHARS:
        cut = text.rfind("\n", MAX_TEXT_CHARS // 2, MAX_TEXT_CHARS)
        text = text[: cut if cut > 0 else MAX_TEXT_CHARS]
        article.warnings.append(
            RecordWarning(
                WarningCode.TRUNCATED,
                f"processed the first {len(text)} of {len(decoded.text)} characters",
            )
        )
    article.format = detect_format(text, source)
    if article.format == "html":
        claims = _clean_html(text, article)
    else:
        claims = _clean_lines(text, article, markdown=article.format == "markdown")
    _finish(article, claims)
    return article


def _apply_byline(
    article: Article, byline: str | None, outlet_names: Iterable[str | None] = ()
) -> None:
    """Parse a credit in the article's language; the outlet's own names never become authors."""
    if not byline:
        return
    article.byline = normalise_space(byline)
    names = tuple(n for n in outlet_names if n)
    parsed = parse_byline(byline, language=article.language, outlet_names=names)
    article.authors = parsed.authors
    article.byline_org = parsed.org
    article.byline_location = parsed.location


def _set_date(article: Article, date: ParsedDate | None, source: str) -> None:
    if date and article.published_at is None:
        article.published_at, article.published_precision = date.iso, date.precision
        article.date_source = source


def _take_dateline(article: Article) -> Dateline | None:
    """Move a dateline off the first paragraph into ``dateline``; the agency it names
    ("LONDON (Reuters) -") is the byline organisation when the byline gave none."""
    if not article.paragraphs:
        return None
    first = article.paragraphs[0]
    dateline = split_dateline(first.text)
    if dateline is None:
        return None
    article.dateline, first.text = dateline.text, dateline.rest
    if dateline.org and not article.byline_org:
        article.byline_org = dateline.org
    return dateline


def _language(article: Article, hint: str | None) -> str | None:
    """The body's language, the page's claim (``hint``) weighed against the text."""
    sample = "\n".join(p.text for p in article.paragraphs[:LANGUAGE_SAMPLE_PARAGRAPHS])
    return guess_language(sample or (article.title or ""), hint=language_code(hint))


def _copyright(article: Article) -> str | None:
    """The first removed line carrying a copyright notice."""
    return next(
        (r.text for r in article.removed if _COPYRIGHT.search(r.text) and len(r.text) < 200),
        None,
    )


def _domain_label(url: str | None) -> str | None:
    domain = registrable_domain(url) if url else None
    return domain_label(domain) if domain else None


def _clean_lines(text: str, article: Article, *, markdown: bool) -> OutletSignals:
    """Clean a text or Markdown file into ``article``; returns what the page says of its
    publisher (``_finish`` adds the signals both formats share)."""
    front, text = split_front_matter(text)
    text, inline_removed = strip_inline_html(text, markdown=markdown)
    units, blank = split_lines(text, markdown=markdown)
    header, body_units, tail_start = read_header(units, markdown=markdown)
    body, boilerplate = remove_boilerplate(body_units)
    tail, tail_boilerplate = remove_boilerplate(units[tail_start:])
    article.paragraphs, stray = build_paragraphs(body, plain_headings=not markdown)
    article.removed = [Removal("front_matter", front.raw)] if front else []
    article.removed += [*inline_removed, *header.removed, *blank, *boilerplate, *stray]
    article.removed += [*tail_boilerplate, *(Removal("footer", u.text) for u in tail)]
    article.title, article.standfirst, article.section = (
        header.title,
        header.standfirst,
        header.section,
    )
    article.date_line = header.date_line
    article.language = _language(article, front.language if front else None)
    if front:
        _apply_front_matter(article, front)
    site_names = [front.site_name if front else None, header.masthead, _domain_label(article.url)]
    candidates = [Candidate("title", front.title)] if front and front.title else []
    candidates += [Candidate("h1", header.title)] if header.title else []
    headline = pick_headline(candidates, site_names)
    article.title = headline.text
    if not article.authors and not article.byline_org and header.byline:
        # Names linked to author pages are the authors, whatever words surround them, unless
        # the line names them among others ("By Jane Roe and [John Doe](/author/john-doe)").
        outlets = [*site_names, headline.site]
        _apply_byline(article, header.byline, outlets)
        named = {name.casefold() for name in article.authors}
        links = {link.casefold() for link in header.author_links}
        if links and not (links <= named and names_only(header.byline, article.authors)):
            _apply_byline(article, ", ".join(header.author_links), outlets)
        article.byline = normalise_space(header.byline)
    _set_date(article, header.date, "date_line")
    footer = next(
        (r.text for r in article.removed if r.kind == "footer" and _FOOTER_DOMAIN.match(r.text)),
        None,
    )
    linked_domain, linked_name = site_of_links(text) or (None, None)
    brand = None if linked_domain else named_brand(r.text for r in article.removed)
    return OutletSignals(
        footer=footer,
        site_name=front.site_name if front else None,
        title_site=headline.site,
        masthead=header.masthead,
        linked_domain=linked_domain,
        linked_name=linked_name,
        brand=brand,
    )


def _apply_front_matter(article: Article, front: FrontMatter) -> None:
    """Front matter wins over what the text suggests: standfirst, authors, date, URL, language.

    Its title is weighed against the file's own headline by ``pick_headline``."""
    article.standfirst = front.description or article.standfirst
    article.url = front.url or article.url
    if front.authors:
        _apply_byline(article, ", ".join(front.authors))
        article.byline = "; ".join(front.authors)
    date = parse_iso(front.published) if front.published else None
    date = date or (parse_date_line(front.published) if front.published else None)
    _set_date(article, date, "front_matter")


def _clean_html(text: str, article: Article) -> OutletSignals:
    """Clean an HTML page into ``article``; returns what the page says of its publisher."""
    # Imported here so that text and Markdown runs never pay for loading trafilatura.
    from transforms.html.html_extract import extract_html

    result = extract_html(text, url=article.url)
    meta = result.meta
    units = [Unit(normalise_space(p.text), section=p.section) for p in result.paragraphs]
    kept, boilerplate = remove_boilerplate(units)
    article.paragraphs = [Paragraph(u.text, u.section) for u in kept]
    article.removed = [*result.removed, *boilerplate]
    article.warnings += result.warnings
    article.title, article.standfirst, article.section = meta.title, meta.description, meta.section
    article.url = meta.url or article.url
    article.language = _language(article, meta.language)
    outlet_names = [meta.site_name, meta.publisher, meta.title_site, _domain_label(article.url)]
    _apply_byline(article, meta.byline, outlet_names)
    meta_date = parse_iso(meta.published_at) if meta.published_at else None
    if meta_date and meta.published_precision in ("day", "month"):
        meta_date = ParsedDate(meta_date.iso, meta.published_precision)
    _set_date(article, meta_date, meta.date_source or "html_meta")
    article.byline_org = article.byline_org or meta.byline_org
    return OutletSignals(
        site_name=meta.site_name, publisher=meta.publisher, title_site=meta.title_site
    )


def _finish(article: Article, claims: OutletSignals) -> None:
    """Dateline, outlet (``claims`` completed with what every format shows), the outlet's own
    line rules, body and word count."""
    byline_org = article.byline_org  # before a dateline agency may fill it: that one is a wire
    dateline = _take_dateline(article)
    if dateline is not None:
        _set_date(article, dateline.date, "dateline")
    signals = replace(
        claims,
        url=article.url,
        copyright=_copyright(article),
        byline_org=byline_org,
        newsletter=" ".join(r.text for r in article.removed if r.kind == "newsletter") or None,
        wire=dateline.org if dateline else None,
    )
    if article.published_at is None:
        article.warnings.append(NO_DATE)
    article.outlet = resolve_outlet(signals)
    if article.outlet is not None:
        article.paragraphs, removed = remove_outlet_lines(article.paragraphs, article.outlet.id)
        article.removed += removed
    article.body = "\n\n".join(p.text for p in article.paragraphs)
    article.word_count = len(article.body.split())
    if not article.paragraphs:
        article.warnings.append(RecordWarning(WarningCode.NO_BODY))
