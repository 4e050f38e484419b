"""Versioned indices behind aliases: naming, drift detection, rebuild, atomic swap under load."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from flows.config import Settings
from flows.es.bulk import index_articles
from flows.es.indices import (
    IndexPair,
    ensure_indices,
    indices_behind,
    physical_name,
    rebuild,
)
from tests.article_samples import corpus


def _copy_all(es: Elasticsearch, settings: Settings) -> Callable[[IndexPair], None]:
    live = ensure_indices(es, settings).write_indices

    def fill(targets: IndexPair) -> None:
        _copy_documents(es, live.articles, targets.articles)
        _copy_documents(es, live.paragraphs, targets.paragraphs)

    return fill


def _copy_documents(
    es: Elasticsearch, source_index: str, target_index: str, *, batch_size: int = 1000
) -> int:
    """Copy every document (same `_id`, same `_source`) with point-in-time paging and bulk.

    The python-side stand-in for `_reindex`, which the minimal distribution lacks. Returns the
    number copied; fails the test if any document was refused by the target.
    """
    pit = es.open_point_in_time(index=source_index, keep_alive="2m")["id"]

    def documents():
        nonlocal pit
        after = None
        while True:
            page = es.search(
                pit={"id": pit, "keep_alive": "2m"},
                size=batch_size,
                sort=["_shard_doc"],
                search_after=after,
                track_total_hits=False,
            )
            pit = page["pit_id"]
            hits = page["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield {"_index": target_index, "_id": hit["_id"], "_source": hit["_source"]}
            after = hits[-1]["sort"]

    copied, failures = 0, []
    try:
        for ok, item in streaming_bulk(
            es, documents(), chunk_size=batch_size, raise_on_error=False, max_retries=3
        ):
            if ok:
                copied += 1
            else:
                failures.append(item)
    finally:
        es.close_point_in_time(id=pit)
    if failures:
        first = next(iter(failures[0].values()))
        pytest.fail(
            f"{len(failures)} document(s) not copied from {source_index} to {target_index}; "
            f"first: {first.get('_id')}: {first.get('error')}"
        )
    return copied


def test_physical_names_are_versioned_and_lowercase() -> None:
    name = physical_name("news", "articles", 3)
    assert re.fullmatch(r"news-articles-v3-\d{8}t\d{9}z", name)


def test_first_setup_creates_write_aliases(es: Elasticsearch, settings: Settings) -> None:
    state = ensure_indices(es, settings)
    assert state.aliases == IndexPair(
        f"{settings.index_prefix}-articles", f"{settings.index_prefix}-paragraphs"
    )
    for kind in ("articles", "paragraphs"):
        behind = indices_behind(es, state.aliases.get(kind))
        assert behind == {state.write_indices.get(kind): True}
        assert state.write_indices.get(kind).startswith(f"{settings.index_prefix}-{kind}-v2-")


def test_mapping_drift_is_detected_and_fixed_by_rebuild(
    es: Elasticsearch, settings: Settings
) -> None:
    state = ensure_indices(es, settings)
    index_articles(es, settings, corpus())
    es.indices.put_mapping(  # as if the index had been made from an older template
        index=state.write_indices.articles, meta={"version": 0, "mapping_hash": "old"}
    )
    drifted = ensure_indices(es, settings)
    assert drifted.rebuild_needed and "old" in drifted.rebuild_reasons[0]

    rebuilt = rebuild(es, settings, _copy_all(es, settings), keep_old=1)
    assert rebuilt.write_indices != state.write_indices
    assert not ensure_indices(es, settings).rebuild_needed
    assert es.count(index=rebuilt.aliases.articles)["count"] == 5
    assert es.count(index=rebuilt.aliases.paragraphs)["count"] == 14
    old_source = es.get(index=state.write_indices.articles, id="a2")["_source"]
    assert es.get(index=rebuilt.aliases.articles, id="a2")["_source"] == old_source
    assert es.indices.exists(index=state.write_indices.articles)  # kept: keep_old=1

    again = rebuild(es, settings, _copy_all(es, settings), keep_old=0)
    remaining = set(es.indices.get(index=f"{settings.index_prefix}-*"))
    assert remaining == set(again.write_indices.names())


def test_failed_fill_leaves_the_aliases_alone(es: Elasticsearch, settings: Settings) -> None:
    state = ensure_indices(es, settings)

    def broken(targets: IndexPair) -> None:
        raise RuntimeError("source folder vanished")

    with pytest.raises(RuntimeError, match="vanished"):
        rebuild(es, settings, broken)
    assert set(es.indices.get(index=f"{settings.index_prefix}-*")) == set(
        state.write_indices.names()
    )
    assert ensure_indices(es, settings).write_indices == state.write_indices


def test_searches_keep_answering_through_a_rebuild(es_url: str, settings: Settings) -> None:
    es = Elasticsearch(es_url, request_timeout=30)
    state = ensure_indices(es, settings)
    index_articles(es, settings, corpus())
    seen: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def search_loop() -> None:
        reader = Elasticsearch(es_url, request_timeout=30)
        while not stop.is_set():
            try:
                found = reader.search(
                    index=state.aliases.articles, query={"match": {"title": "bridge"}}
                )
            except Exception as exc:  # any failure at all counts
                failures.append(repr(exc))
                continue
            hits = found["hits"]["hits"]
            if found["_shards"]["failed"] or len(hits) != 1:
                failures.append(f"shards {found['_shards']}, {len(hits)} hits")
            else:
                seen.append(hits[0]["_index"])

    def fill(targets: IndexPair) -> None:  # re-ingest, slowly, while searches run
        time.sleep(0.5)
        index_articles(es, settings, corpus(), targets=targets)
        time.sleep(0.5)

    reader_thread = threading.Thread(target=search_loop)
    reader_thread.start()
    try:
        rebuilt = rebuild(es, settings, fill, keep_old=0)
        time.sleep(0.5)
    finally:
        stop.set()
        reader_thread.join()
    assert failures == []
    old, new = state.write_indices.articles, rebuilt.write_indices.articles
    assert seen[0] == old and seen[-1] == new
    assert seen.count(old) > 5 and seen.count(new) > 5  # the loop ran on both sides
    switch = seen.index(new)
    assert set(seen[:switch]) == {old} and set(seen[switch:]) == {new}
    assert not es.indices.exists(index=old)
