"""Bulk loads against the real Elasticsearch: counts, idempotence, edits, dead-letter."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.bulk import Operation, _dumps, index_articles, write_operations
from flows.es.dead_letter import DeadLetter, DeadLetterError
from flows.es.indices import IndexState, ensure_indices
from tests.article_samples import corpus, shortened
from transforms.es_documents import article_document, paragraph_documents
from transforms.record import Article, Paragraph


@pytest.fixture
def state(es: Elasticsearch, settings: Settings) -> IndexState:
    return ensure_indices(es, settings)


def _all_docs(es: Elasticsearch, index: str) -> dict[str, dict[str, Any]]:
    found = es.search(index=index, size=1000, query={"match_all": {}}, version=True)
    return {hit["_id"]: {"v": hit["_version"], **hit["_source"]} for hit in found["hits"]["hits"]}


def _dead_letters(settings: Settings) -> list[dict[str, Any]]:
    return [json.loads(line) for line in settings.dead_letter_path.read_text().splitlines()]


def test_load_indexes_articles_and_paragraphs(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    report = index_articles(es, settings, corpus())
    assert (report.articles_indexed, report.articles_updated, report.articles_failed) == (5, 0, 0)
    assert (report.paragraphs_indexed, report.paragraphs_failed) == (14, 0)
    assert report.bytes_sent > 0 and report.failures == []
    assert es.count(index=state.aliases.articles)["count"] == 5
    assert es.count(index=state.aliases.paragraphs)["count"] == 14
    paragraph = es.get(index=state.aliases.paragraphs, id="a3-0001")["_source"]
    assert paragraph["position"] == 1 and paragraph["article_id"] == "a3"
    assert paragraph["outlet"]["name"] == "Daily Lantern"
    assert paragraph["entities"] == {"person": ["Tobin Ashgrove"], "org": ["Growers Union"]}
    article = es.get(index=state.aliases.articles, id="a3")["_source"]
    assert article["paragraph_count"] == 4 and article["removed_kinds"] == ["caption", "newsletter"]


def test_refresh_interval_is_restored(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    index = state.write_indices.articles
    es.indices.put_settings(index=index, settings={"refresh_interval": "7s"})
    during: list[str] = []

    def articles() -> Iterator[Article]:  # drawn mid-load: look at the live setting
        for article in corpus():
            found = es.indices.get_settings(index=index, name="index.refresh_interval")
            during.append(found[index]["settings"]["index"]["refresh_interval"])
            yield article

    index_articles(es, settings, articles())
    assert set(during) == {"-1"}
    found = es.indices.get_settings(index=index, name="index.refresh_interval")
    assert found[index]["settings"]["index"]["refresh_interval"] == "7s"
    other = state.write_indices.paragraphs
    assert es.indices.get_settings(index=other, name="index.refresh_interval") == {}  # unset
    assert es.count(index=other)["count"] == 14  # refreshed at the end


def test_second_run_leaves_identical_documents(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    index_articles(es, settings, corpus())
    before = {name: _all_docs(es, name) for name in state.aliases.names()}
    report = index_articles(es, settings, corpus())
    after = {name: _all_docs(es, name) for name in state.aliases.names()}
    assert after == before  # same _source and same _version: nothing was rewritten
    assert report.articles_unchanged == 5
    assert report.articles_indexed + report.articles_updated + report.paragraphs_indexed == 0


def test_edited_article_replaces_its_paragraphs(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    index_articles(es, settings, corpus())
    before = _all_docs(es, state.aliases.articles)
    edited = [shortened(a, 2, "Late frost again.") if a.id == "a3" else a for a in corpus()]
    report = index_articles(es, settings, edited)
    assert (report.articles_updated, report.articles_unchanged) == (1, 4)
    assert (report.paragraphs_indexed, report.paragraphs_deleted) == (2, 2)
    paragraphs = _all_docs(es, state.aliases.paragraphs)
    assert sorted(i for i in paragraphs if i.startswith("a3-")) == ["a3-0000", "a3-0001"]
    assert paragraphs["a3-0000"]["text"].endswith("Late frost again.")
    assert len(paragraphs) == 12
    after = _all_docs(es, state.aliases.articles)
    assert after["a3"]["paragraph_count"] == 2
    assert after["a3"]["ingested_at"] != before["a3"]["ingested_at"]  # new content
    assert after["a1"] == before["a1"]


def test_same_content_keeps_ingested_at_when_other_fields_change(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    index_articles(es, settings, corpus())
    before = _all_docs(es, state.aliases.articles)["a1"]
    report = index_articles(es, settings, corpus()[:1], pipeline_version="2")
    after = _all_docs(es, state.aliases.articles)["a1"]
    assert report.articles_updated == 1
    assert after["pipeline_version"] == "2" and after["ingested_at"] == before["ingested_at"]


def test_mapping_failure_goes_to_dead_letter(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    articles = corpus()
    articles[1] = replace(articles[1], word_count="many")  # type: ignore[arg-type]
    report = index_articles(es, settings, articles)
    assert (report.articles_indexed, report.articles_failed) == (4, 1)
    assert report.paragraphs_indexed == 14
    assert es.count(index=state.aliases.articles)["count"] == 4
    [letter] = _dead_letters(settings)
    assert letter["_id"] == "a2" and letter["status"] == 400
    assert letter["_index"] == state.write_indices.articles
    assert letter["source"] == "inbox/a2.txt"
    assert "word_count" in letter["reason"] and "many" not in letter["reason"]
    assert letter["error_type"] in {"document_parsing_exception", "mapper_parsing_exception"}
    assert set(letter) == {
        "_id",
        "_index",
        "status",
        "error_type",
        "reason",
        "stage",
        "source",
        "at",
    }
    assert report.failures == [{**letter, "id": "a2"}]

    fixed = index_articles(es, settings, corpus())  # the corrected file goes in next time
    assert (fixed.articles_indexed, fixed.articles_unchanged) == (1, 4)


def test_failed_paragraph_makes_the_next_run_rewrite_the_article(
    es: Elasticsearch, settings: Settings, state: IndexState
) -> None:
    articles = corpus()
    bad = Paragraph("A paragraph with a broken entity list.", None, {"person": [{"x": 1}]})  # type: ignore[list-item]
    articles[4].paragraphs.append(bad)
    report = index_articles(es, settings, articles)
    assert (report.paragraphs_failed, report.articles_indexed) == (1, 5)
    assert report.failures[0]["_id"] == "a5-0003" and report.failures[0]["id"] == "a5"
    stored = es.get(index=state.aliases.articles, id="a5")["_source"]
    assert "fingerprint" not in stored  # incomplete, so not taken as unchanged next time
    again = index_articles(es, settings, corpus())
    assert (again.articles_updated, again.articles_unchanged) == (1, 4)
    assert again.paragraphs_deleted == 1  # the failed position is past the new end
    assert len(_dead_letters(settings)) == 1


def test_unwritable_dead_letter_is_a_clear_error(
    es: Elasticsearch, settings: Settings, state: IndexState, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    unwritable = settings.model_copy(update={"dead_letter_path": blocker / "dead.jsonl"})
    with pytest.raises(DeadLetterError, match="not writable"):
        index_articles(es, unwritable, corpus())
    assert es.count(index=state.aliases.articles)["count"] == 0


def test_connection_failures_are_retried_then_dead_lettered(settings: Settings) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = Elasticsearch(f"http://127.0.0.1:{port}", max_retries=0, request_timeout=2)
    retrying = settings.model_copy(update={"bulk_max_retries": 2})
    operations = [
        Operation("index", "x-articles", "a1", b'{"title":"t"}', "inbox/a1.txt", "a1"),
        Operation("delete", "x-paragraphs", "a1-0003", None, "inbox/a1.txt", "a1"),
    ]
    with DeadLetter(settings.dead_letter_path) as dead_letter:
        outcome, sent = write_operations(
            offline, retrying, operations, dead_letter, initial_backoff=0.01
        )
    assert set(outcome) == {"a1", "a1-0003"} and all(outcome.values())
    letters = _dead_letters(settings)
    assert [letter["_id"] for letter in letters] == ["a1", "a1-0003"]
    assert {letter["error_type"] for letter in letters} == {"ConnectionError"}
    assert sent > 0


def test_bulk_bodies_are_the_bytes_json_dumps_wrote() -> None:
    """orjson bodies: the same documents byte for byte (non-ASCII kept, no spaces)."""
    for article in corpus():
        article.title = f"{article.title} — Zürich “quoted” \u2028 tab\t"
        article.lsh_bands = ["00-ab"]
        docs = [
            article_document(article, ingested_at="2024-03-08T00:00:00Z"),
            *paragraph_documents(article, ingested_at="2024-03-08T00:00:00Z"),
        ]
        for doc in docs:
            expected = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
            assert _dumps(doc) == expected.encode("utf-8")
