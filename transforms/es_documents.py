"""Article records as Elasticsearch documents: one article document and one per paragraph.

Field names here are the index contract (mappings/articles.json, mappings/paragraphs.json);
Kibana saved objects rely on them. Fields whose value is None are left out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from transforms.enrichment.entities import ENTITY_TYPES
from transforms.record import Article, Outlet, Paragraph, RecordWarning, Removal

# `timeline_at` is the date every document has: published_at, else the ingest time;
# `timeline_basis` says which ("published" or "ingested"). Kibana's data views filter on it.
PUBLISHED, INGESTED = "published", "ingested"


_PARAGRAPH_ID = re.compile(r"^(?P<article>.+)-\d{4,}$")


def paragraph_id(article_id: str, position: int) -> str:
    """The deterministic `_id` of the paragraph at `position` (0-based) of an article."""
    return f"{article_id}-{position:04d}"


def article_id_of(doc_id: str) -> str:
    """The article id of an article `_id` or of a paragraph `_id` (see `paragraph_id`)."""
    match = _PARAGRAPH_ID.match(doc_id)
    return match.group("article") if match else doc_id


def _entities(entities: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: list(entities[kind]) for kind in ENTITY_TYPES if entities.get(kind)}


def _outlet(outlet: Outlet | None) -> dict[str, str] | None:
    if outlet is None:
        return None
    return _without_none({"id": outlet.id, "name": outlet.name, "domain": outlet.domain})


def _without_none(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value is not None}


def timeline(article: Article, ingested_at: str) -> dict[str, str]:
    """`timeline_at` (published_at, else the ingest time) and `timeline_basis` saying which."""
    if article.published_at is not None:
        return {"timeline_at": article.published_at, "timeline_basis": PUBLISHED}
    return {"timeline_at": ingested_at, "timeline_basis": INGESTED}


def article_document(
    article: Article,
    *,
    ingested_at: str,
    pipeline_version: str | None = None,
) -> dict[str, Any]:
    """The article document (its `_id` is `article.id`)."""
    return _without_none(
        {
            "article_id": article.id,
            "source": article.source,
            "url": article.url,
            "format": article.format,
            "content_hash": article.content_hash,
            "pipeline_version": pipeline_version,
            "title": article.title,
            "standfirst": article.standfirst,
            "body": article.body,
            "section": article.section,
            "authors": list(article.authors),
            "byline_org": article.byline_org,
            "byline_location": article.byline_location,
            "outlet": _outlet(article.outlet),
            "published_at": article.published_at,
            "published_precision": article.published_precision,
            "date_source": article.date_source,
            "ingested_at": ingested_at,
            **timeline(article, ingested_at),
            "language": article.language,
            "word_count": article.word_count,
            "paragraph_count": len(article.paragraphs),
            "removed": [{"kind": r.kind, "text": r.text} for r in article.removed],
            "removed_kinds": sorted({r.kind for r in article.removed}),
            "warnings": [str(w) for w in article.warnings],
            "entities": _entities(article.entities),
            "entity_mentions": list(article.entity_mentions),
            "minhash": list(article.minhash),
            "lsh_bands": list(article.lsh_bands),
            "duplicate_of": article.duplicate_of,
            "story_id": article.story_id,
        }
    )


def paragraph_documents(article: Article, *, ingested_at: str) -> list[dict[str, Any]]:
    """One document per body paragraph, in order; `_id` is `paragraph_id(article.id, position)`.

    Each carries the article's facets (outlet, title, date, authors, story...) so paragraphs can
    be faceted without joins.
    """
    shared = _without_none(
        {
            "article_id": article.id,
            "outlet": _outlet(article.outlet),
            "title": article.title,
            "published_at": article.published_at,
            "authors": list(article.authors),
            "story_id": article.story_id,
            "source": article.source,
            "language": article.language,
            "duplicate_of": article.duplicate_of,
            "ingested_at": ingested_at,
            **timeline(article, ingested_at),
        }
    )
    return [
        _without_none(
            {
                **shared,
                "position": position,
                "section": paragraph.section,
                "text": paragraph.text,
                "entities": _entities(paragraph.entities),
            }
        )
        for position, paragraph in enumerate(article.paragraphs)
    ]


def document_fingerprint(article_doc: dict[str, Any], paragraph_docs: list[dict[str, Any]]) -> str:
    """A hash of everything written for one article except `ingested_at` and the fingerprint."""
    skip = {"ingested_at", "fingerprint"}
    payload = [
        {key: value for key, value in doc.items() if key not in skip}
        for doc in [article_doc, *paragraph_docs]
    ]
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_from_document(
    doc: Mapping[str, Any], sections: Mapping[int, str | None] | None = None
) -> Article:
    """The Article an article document was written from, before enrichment: what the index
    keeps of it (paragraphs from the body; their subheadings from `sections`, by position)."""
    sections = sections or {}
    body = str(doc.get("body") or "")
    texts = body.split("\n\n") if body else []
    outlet = doc.get("outlet")
    return Article(
        id=doc["article_id"],
        source=doc["source"],
        format=doc["format"],
        content_hash=doc["content_hash"],
        title=doc.get("title"),
        standfirst=doc.get("standfirst"),
        section=doc.get("section"),
        url=doc.get("url"),
        authors=list(doc.get("authors") or []),
        byline_org=doc.get("byline_org"),
        byline_location=doc.get("byline_location"),
        outlet=Outlet(**outlet) if outlet else None,
        published_at=doc.get("published_at"),
        published_precision=doc.get("published_precision"),
        date_source=doc.get("date_source"),
        language=doc.get("language"),
        paragraphs=[Paragraph(text, sections.get(i)) for i, text in enumerate(texts)],
        body=body,
        word_count=int(doc.get("word_count") or 0),
        removed=[Removal(r["kind"], r["text"]) for r in doc.get("removed") or []],
        warnings=[RecordWarning.read(w) for w in doc.get("warnings") or []],
    )
