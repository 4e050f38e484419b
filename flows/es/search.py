"""Full-text search over articles or paragraphs, with filters, highlights and facet counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.indices import aliases

ARTICLE_FIELDS = ["title^3", "standfirst^2", "body"]
PARAGRAPH_FIELDS = ["text"]
FACETS = {
    "outlet": "outlet.name",
    "person": "entities.person",
    "org": "entities.org",
    "place": "entities.place",
    "author": "authors",
}
FACET_SIZE = 10
_SOURCE = ["article_id", "title", "outlet", "published_at", "authors", "position", "section", "url"]


@dataclass(frozen=True)
class SearchHit:
    """One matching article or paragraph; snippets mark matches with <em>…</em>."""

    id: str
    article_id: str | None
    title: str | None
    outlet: str | None
    published_at: str | None
    authors: list[str]
    position: int | None  # paragraph hits only
    snippets: list[str]


@dataclass(frozen=True)
class SearchResult:
    """Hits in rank order, the total match count and facet counts over all matches."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _term(field_name: str, value: str) -> dict[str, Any]:
    return {"term": {field_name: {"value": value, "case_insensitive": True}}}


@dataclass(frozen=True)
class SearchFilters:
    """Exact-value filters (case-insensitive) and an inclusive day range on published_at."""

    outlet: str | None = None  # outlet name or id
    person: str | None = None
    org: str | None = None
    place: str | None = None
    author: str | None = None
    since: date | None = None
    until: date | None = None


NO_FILTERS = SearchFilters()


def build_query(
    query: str, filters: SearchFilters = NO_FILTERS, *, paragraphs: bool = False
) -> dict[str, Any]:
    """The bool query: multi_match on the text fields (match_all when blank) plus filters."""
    clauses: list[dict[str, Any]] = []
    if filters.outlet:
        either = [_term("outlet.name", filters.outlet), _term("outlet.id", filters.outlet)]
        clauses.append({"bool": {"should": either, "minimum_should_match": 1}})
    for field_name, value in (
        ("entities.person", filters.person),
        ("entities.org", filters.org),
        ("entities.place", filters.place),
        ("authors", filters.author),
    ):
        if value:
            clauses.append(_term(field_name, value))
    if filters.since or filters.until:
        bounds: dict[str, str] = {}
        if filters.since:
            bounds["gte"] = f"{filters.since.isoformat()}||/d"
        if filters.until:  # rounds up: the whole day is included
            bounds["lte"] = f"{filters.until.isoformat()}||/d"
        clauses.append({"range": {"published_at": bounds}})
    if query.strip():
        must: dict[str, Any] = {
            "multi_match": {
                "query": query,
                "fields": PARAGRAPH_FIELDS if paragraphs else ARTICLE_FIELDS,
                "type": "cross_fields",
                "operator": "and",
            }
        }
    else:
        must = {"match_all": {}}
    return {"bool": {"must": [must], "filter": clauses}}


def _hit(hit: dict[str, Any], paragraphs: bool) -> SearchHit:
    source = hit.get("_source", {})
    highlight = hit.get("highlight", {})
    fields = PARAGRAPH_FIELDS if paragraphs else ["title", "standfirst", "body"]
    snippets = [snippet for name in fields for snippet in highlight.get(name, [])]
    return SearchHit(
        id=hit["_id"],
        article_id=source.get("article_id"),
        title=source.get("title"),
        outlet=(source.get("outlet") or {}).get("name"),
        published_at=source.get("published_at"),
        authors=source.get("authors", []),
        position=source.get("position"),
        snippets=snippets,
    )


def search(
    es: Elasticsearch,
    settings: Settings,
    query: str,
    filters: SearchFilters = NO_FILTERS,
    *,
    paragraphs: bool = False,
    size: int = 10,
) -> SearchResult:
    """Search the articles alias (or the paragraphs alias); filters are case-insensitive exact
    matches, `since`/`until` whole days (inclusive) on published_at."""
    names = aliases(settings)
    highlight_fields = PARAGRAPH_FIELDS if paragraphs else ["title", "standfirst", "body"]
    response = es.search(
        index=names.paragraphs if paragraphs else names.articles,
        query=build_query(query, filters, paragraphs=paragraphs),
        size=size,
        source_includes=_SOURCE,
        track_total_hits=True,
        sort=None if query.strip() else [{"published_at": {"order": "desc"}}, "_score"],
        highlight={
            "fields": {
                name: {"number_of_fragments": 0 if name == "title" else 2, "fragment_size": 160}
                for name in highlight_fields
            }
        },
        aggs={
            name: {"terms": {"field": path, "size": FACET_SIZE}} for name, path in FACETS.items()
        },
    )
    facets = {
        name: [(bucket["key"], bucket["doc_count"]) for bucket in agg["buckets"]]
        for name, agg in response["aggregations"].items()
    }
    return SearchResult(
        total=response["hits"]["total"]["value"],
        hits=[_hit(hit, paragraphs) for hit in response["hits"]["hits"]],
        facets=facets,
    )
