"""A read file to its record: cleaned (`clean_raw`), then enriched (`enrich_articles`), as the
ingest's prepare stage and `newsindex retry` do; `record_lines` gives `newsindex extract` its
JSON lines, without Elasticsearch.

Enriched, records also get their entity facets from the same NER models and entity rules as
the ingest (the language is always there). The near-duplicate and story fields need the index,
so they are left out of enriched records, as are the MinHash and band keys it is searched by.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from itertools import islice
from typing import Any

from flows.sources import RawFile, SourceFile, printable, read_file
from transforms.clean import clean_document
from transforms.enrichment.dedup import with_signature
from transforms.record import Article, RecordWarning, WarningCode

ENRICH_BATCH = 32  # files cleaned, then read by the NER model together
INDEX_ONLY_FIELDS = ("minhash", "lsh_bands", "duplicate_of", "story_id")  # dedup: never extracted


def clean_raw(raw: RawFile, max_bytes: int) -> Article:
    """Clean one read file; read errors and truncation become warnings on the record."""
    article = clean_document(raw.data, raw.uri)
    article.source = printable(raw.uri)  # the id keeps the real bytes of an undecodable name
    if raw.error:
        article.warnings.append(RecordWarning(WarningCode.UNREADABLE, raw.error))
    elif raw.truncated:
        article.warnings.append(
            RecordWarning(WarningCode.TRUNCATED, f"file larger than {max_bytes} bytes")
        )
    return article


def enrich_articles(articles: list[Article], models: Mapping[str, str]) -> list[Article]:
    """The articles through the enrich stage (entity facets, MinHash, band keys), in order, as
    the ingest's gives them; one that breaks the model gets a warning instead of entities."""
    from flows.ner import enrich_each  # spaCy loads only when enriching

    enriched = []
    for article, result in zip(articles, enrich_each(articles, models), strict=True):
        if isinstance(result, Exception):
            failed = RecordWarning(WarningCode.NER_FAILED, f"{type(result).__name__}: {result}")
            result = with_signature(replace(article, warnings=[*article.warnings, failed]))
        enriched.append(result)
    return enriched


def enriched_record(article: Article) -> dict[str, Any]:
    """The record with its entity facets, without the fields only the index can fill."""
    record = article.to_dict()
    for name in INDEX_ONLY_FIELDS:
        record.pop(name, None)
    return record


def record_lines(
    files: Iterable[SourceFile], max_bytes: int, models: Mapping[str, str] | None = None
) -> Iterator[str]:
    """One JSON line per file: the cleaned record, or a record holding the read error.

    With `models` (language -> spaCy pipeline), records are enriched with entity facets."""
    if models is None:
        for file in files:
            article = clean_raw(read_file(file, max_bytes), max_bytes)
            yield json.dumps(article.to_dict(), ensure_ascii=False)
        return
    remaining = iter(files)
    while chunk := list(islice(remaining, ENRICH_BATCH)):
        articles = [clean_raw(read_file(file, max_bytes), max_bytes) for file in chunk]
        enriched = iter(enrich_articles([a for a in articles if a.paragraphs], models))
        for article in articles:
            record = enriched_record(next(enriched) if article.paragraphs else article)
            yield json.dumps(record, ensure_ascii=False)
