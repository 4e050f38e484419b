"""Cross-run dedup state in Elasticsearch: indexed articles' signatures, band keys and groups.

Each article document carries ``minhash`` (long, not indexed), ``lsh_bands`` (keyword),
``story_id``/``duplicate_of`` (keyword) and ``entities.*`` (keyword). ``fetch_candidates`` finds
the indexed records a new batch may duplicate or join a story with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from transforms.enrichment.dedup import (
    DAY_PRECISE,
    LSH_MIN_SHARED_BANDS,
    STORY_MIN_SHARED_ENTITIES,
    STORY_WINDOW_DAYS,
    publication_span,
)
from transforms.record import Article

CANDIDATE_FIELDS = [
    "minhash",
    "entities",
    "entity_mentions",
    "story_id",
    "duplicate_of",
    "published_at",
    "published_precision",
]
CANDIDATES_PER_ARTICLE = 50  # best-scoring matches kept per new article
STORY_QUERY_ENTITIES = 5  # an article's top entities used to look for its story


def fetch_candidates(
    es: Elasticsearch, index_or_alias: str, articles: Sequence[Article]
) -> list[dict[str, Any]]:
    """Indexed records sharing LSH bands, or enough top entities, with any of ``articles``.

    Entity matches must also fall within the story window of the article's date (or lack a
    date): the only ones ``assign_groups`` can join, and far fewer in a corpus of many years.

    One multi-search, one query per article; earlier versions of the batch's own articles (a
    re-run) are left out. Records come back as their ``_source`` restricted to CANDIDATE_FIELDS,
    each once, sorted by id.
    """
    exclude = _searchable_ids(es, index_or_alias, [a.id for a in articles])
    searches: list[dict[str, Any]] = []
    for article in articles:
        should = _candidate_clauses(article)
        if not should:
            continue
        query: dict[str, Any] = {"should": should, "minimum_should_match": 1}
        if exclude:
            query["must_not"] = [{"ids": {"values": exclude}}]
        searches.append({"index": index_or_alias})
        searches.append(
            {"size": CANDIDATES_PER_ARTICLE, "_source": CANDIDATE_FIELDS, "query": {"bool": query}}
        )
    if not searches:
        return []
    found: dict[str, dict[str, Any]] = {}
    for response in es.msearch(searches=searches)["responses"]:
        if "error" in response:
            raise RuntimeError(f"candidate search failed: {response['error']}")
        for hit in response["hits"]["hits"]:
            found.setdefault(hit["_id"], {"id": hit["_id"], **hit["_source"]})
    return [found[key] for key in sorted(found)]


def _searchable_ids(es: Elasticsearch, index_or_alias: str, ids: list[str]) -> list[str]:
    """Those of ``ids`` the candidate searches would find; none on a first load.

    Excluding only these keeps the candidate queries small: all 200 ids of a batch in each of
    its 200 queries cost Elasticsearch about 30% more CPU (10k-article index).
    """
    if not ids:
        return []
    response = es.search(
        index=index_or_alias, query={"ids": {"values": ids}}, size=len(ids), source=False
    )
    return [hit["_id"] for hit in response["hits"]["hits"]]


def _candidate_clauses(article: Article) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if article.lsh_bands:
        clauses.append(
            {
                "bool": {
                    "should": [{"term": {"lsh_bands": band}} for band in article.lsh_bands],
                    "minimum_should_match": LSH_MIN_SHARED_BANDS,
                }
            }
        )
    top = article.entity_mentions[:STORY_QUERY_ENTITIES]
    if len(top) >= STORY_MIN_SHARED_ENTITIES:
        entity_clause: dict[str, Any] = {
            "should": [{"term": {f"entities.{m['type']}": m["name"]}} for m in top],
            "minimum_should_match": STORY_MIN_SHARED_ENTITIES,
        }
        if window := _story_window(article):
            entity_clause["filter"] = [window]
        clauses.append({"bool": entity_clause})
    return clauses


def _story_window(article: Article) -> dict[str, Any] | None:
    """Records dated within STORY_WINDOW_DAYS of the article's date span, or undated."""
    span = publication_span(article.published_at, article.published_precision)
    if span is None:
        return None
    window = timedelta(days=STORY_WINDOW_DAYS)
    # a date within a week of year 1 or 9999 (a page's junk date) clamps to the calendar's edge
    first = (span[0] - window if span[0] > date.min + window else date.min).isoformat()
    last = (span[1] + window if span[1] < date.max - window else date.max).isoformat()

    def dated(precisions: list[str], since: str) -> dict[str, Any]:
        return {
            "bool": {
                "filter": [
                    {"terms": {"published_precision": precisions}},
                    {"range": {"published_at": {"gte": since, "lte": f"{last}||/d"}}},
                ]
            }
        }

    return {
        "bool": {
            "should": [
                dated(list(DAY_PRECISE), first),
                dated(["month"], f"{first}||/M"),  # stored as the month's first day
                {"bool": {"must_not": {"terms": {"published_precision": [*DAY_PRECISE, "month"]}}}},
            ]
        }
    }
