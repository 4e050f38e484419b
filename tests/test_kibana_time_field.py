"""Every article is inside the Kibana time window: the data views' time field, queried on the
real Elasticsearch as Discover and the dashboard panels filter on it (a range on the field)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.bulk import index_articles
from flows.es.indices import ensure_indices
from flows.ops.kibana import load_saved_objects
from transforms.clean import clean_document

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _window(es: Elasticsearch, alias: str, field: str, start: str, end: str) -> set[str]:
    """Article ids of the documents Kibana's time filter keeps: a range on the time field."""
    found = es.search(
        index=alias,
        query={"range": {field: {"gte": start, "lte": end}}},
        source=["article_id"],
        size=1000,
    )
    return {hit["_source"]["article_id"] for hit in found["hits"]["hits"]}


def _objects(kind: str, prefix: str) -> list[dict[str, Any]]:
    return [obj for obj in load_saved_objects(prefix) if obj["type"] == kind]


def test_an_undated_article_is_in_every_kibana_window(
    es: Elasticsearch, settings: Settings
) -> None:
    articles = [clean_document(p.read_bytes(), str(p)) for p in sorted(SAMPLES.iterdir())]
    undated = {a.id for a in articles if a.published_at is None}
    assert undated, "the samples hold an article without a date"
    state = ensure_indices(es, settings)
    report = index_articles(es, settings, articles)
    assert report.articles_failed == report.paragraphs_failed == 0
    every = {a.id for a in articles}

    views = {
        dv["attributes"]["title"]: dv["attributes"]
        for dv in _objects("index-pattern", settings.index_prefix)
    }
    windows = [
        (s["attributes"]["timeRange"]["from"], s["attributes"]["timeRange"]["to"])
        for s in _objects("search", settings.index_prefix)
    ]
    [dashboard] = _objects("dashboard", settings.index_prefix)
    windows.append((dashboard["attributes"]["timeFrom"], dashboard["attributes"]["timeTo"]))
    for alias in state.aliases.names():
        field = views[alias]["timeFieldName"]
        for start, end in windows:
            assert _window(es, alias, field, start, end) == every, (alias, start, end)
        # what the old time field did: the undated article fell out of every window
        assert undated.isdisjoint(_window(es, alias, "published_at", "now-50y", "now"))

    found = es.search(
        index=state.aliases.articles,
        query={"ids": {"values": sorted(undated)}},
        source=["timeline_at", "timeline_basis", "ingested_at", "published_at"],
    )["hits"]["hits"]
    for hit in found:
        doc = hit["_source"]
        assert doc["timeline_basis"] == "ingested" and doc["timeline_at"] == doc["ingested_at"]
        assert "published_at" not in doc
    dated = es.search(
        index=state.aliases.paragraphs,
        query={"term": {"timeline_basis": "published"}},
        source=["timeline_at", "published_at"],
        size=1000,
    )["hits"]["hits"]
    assert dated and all(h["_source"]["timeline_at"] == h["_source"]["published_at"] for h in dated)
