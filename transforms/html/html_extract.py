"""Main text and metadata of an HTML news page: trafilatura for the body, lxml for the clutter.

The page is parsed once; trafilatura works on its own copy of the tree, so the untouched tree
also serves the metadata reader and the boilerplate scan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import trafilatura
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from transforms.html.html_boilerplate import classify_line, page_blocks
from transforms.html.html_meta import PageMeta, read_meta
from transforms.html.html_recover import key, split_body_paragraphs
from transforms.record import Paragraph, RecordWarning, Removal, WarningCode
from transforms.text.markdown import normalise_space

LOG = logging.getLogger(__name__)

Line = tuple[str, str | None, bool, str]  # text, section, is_heading, comparison key
# Page blocks whose text, met again as a body paragraph, is dropped from the body.
BODY_DROP_KINDS = frozenset({"caption", "credit", "related", "newsletter", "share", "ad"})
MIN_DROP_CHARS = 4


@dataclass(slots=True)
class HtmlResult:
    """What one HTML page yields before outlet, byline and date normalisation: what the page
    says about itself, and its body."""

    meta: PageMeta
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)


def _empty(warning: RecordWarning, url: str | None) -> HtmlResult:
    return HtmlResult(PageMeta(url=url), warnings=[warning])


def _body_lines(body: _Element) -> list[Line]:
    """(text, section, is_heading, key) for each line of trafilatura's body tree, in order."""
    lines: list[Line] = []
    section: str | None = None
    for child in body:
        text = xmltotxt(child, False)
        if child.tag == "head":
            heading = normalise_space(text)
            if heading:
                section = heading
                lines.append((heading, section, True, key(heading)))
            continue
        texts = filter(None, map(normalise_space, text.splitlines()))
        lines.extend((line, section, False, key(line)) for line in texts)
    return lines


def _recovered(tree: HtmlElement, lines: list[Line]) -> list[Line]:
    """Body lines plus the parts of a split body the extractor skipped."""
    before, after = split_body_paragraphs(tree, {text: text_key for text, _, _, text_key in lines})
    last_section = lines[-1][1] if lines else None
    return (
        [(t, None, False, key(t)) for t in before]
        + lines
        + [(t, last_section, False, key(t)) for t in after]
    )


def extract_html(html: str, *, url: str | None = None) -> HtmlResult:
    """Body paragraphs, metadata and audited removals of one HTML page. Never raises on bad HTML."""
    if not html or not html.strip():
        return _empty(RecordWarning(WarningCode.EMPTY_HTML), url)
    try:
        tree = load_html(html)
    except Exception as err:  # lxml rejects some inputs outright
        LOG.debug("unparseable HTML: %s", err)
        tree = None
    if tree is None:
        return _empty(RecordWarning(WarningCode.UNPARSABLE_HTML), url)

    meta = read_meta(tree, url)
    result = HtmlResult(meta)
    if meta.published_at is None:
        result.warnings.append(RecordWarning(WarningCode.NO_PAGE_DATE))
    blocks = page_blocks(tree)
    result.removed.extend(blocks)
    try:
        # Comments are not part of the record; "txt" skips the unused text rendering of the tree.
        doc = trafilatura.bare_extraction(
            tree,
            url=meta.url or url,
            favor_precision=True,
            include_comments=False,
            output_format="txt",
            with_metadata=False,
        )
    except Exception as err:  # trafilatura bugs on odd markup must not stop a batch
        LOG.warning("trafilatura failed on %s: %s", url, err)
        doc = None
    if doc is None or doc.body is None or not len(doc.body):
        result.warnings.append(RecordWarning(WarningCode.NO_MAIN_TEXT))
        return result

    lines = _recovered(tree, _body_lines(doc.body))
    titles = {key(t) for t in (meta.title, meta.h1) if t}
    dropped = {key(b.text): b.kind for b in blocks if b.kind in BODY_DROP_KINDS}
    for text, section, is_heading, text_key in lines:
        if is_heading:
            continue
        if text_key in titles:
            continue  # the headline repeated in the body; it is the title field already
        kind = dropped.get(text_key) if len(text_key) >= MIN_DROP_CHARS else None
        kind = kind or classify_line(text)
        if kind:
            result.removed.append(Removal(kind, text))
        else:
            result.paragraphs.append(Paragraph(text, section))
    if not result.paragraphs:
        result.warnings.append(RecordWarning(WarningCode.NO_MAIN_TEXT))
    return result
