"""A two-node Elasticsearch cluster (the local minimal distribution, two processes) loses a
node in the middle of a run: the run completes on the yellow cluster, or fails cleanly and the
re-run completes; every article and paragraph is there exactly once."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.ingest import IngestOptions, ingest
from flows.ops.local_es import LocalCluster, LocalEsError
from flows.report import RunAbortedError
from tests.test_faults import (
    assert_balanced,
    assert_indexed_exactly_once,
    use_flow_settings,
    write_articles,
)

pytestmark = [pytest.mark.elasticsearch, pytest.mark.prefect, pytest.mark.slow]
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two nodes, own HTTP and transport ports and data folders, one cluster."""
    nodes = LocalCluster(nodes=2)
    try:
        nodes.start()
    except LocalEsError as exc:
        pytest.skip(f"cannot start a two-node Elasticsearch: {exc}")
    yield nodes
    nodes.stop()


def test_a_node_killed_mid_run_loses_nothing(
    cluster: LocalCluster, harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    survivor = cluster.elected_master()  # with two nodes only the master's loss stops writes
    victim = next(node for node in cluster.members if node is not survivor)
    prefix = f"cl{uuid.uuid4().hex[:8]}"
    use_flow_settings(
        monkeypatch,
        survivor.url,
        prefix,
        tmp_path / "dead-letter.jsonl",
        index_shards="2",
        index_replicas="1",
        es_request_timeout="20",
    )
    files = write_articles(tmp_path / "in", 40)
    es = Elasticsearch(survivor.url, request_timeout=60)
    killed: dict[str, Any] = {}

    def kill_when_writing_starts() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                stats = es.options(ignore_status=404).indices.stats(
                    index=f"{prefix}-*", metric="indexing"
                )
                written = stats.get("_all", {}).get("primaries", {}).get("indexing", {})
                if written.get("index_total", 0) > 0:
                    health = es.cluster.health(
                        index=[f"{prefix}-articles", f"{prefix}-paragraphs"],
                        wait_for_status="green",
                    )
                    killed["replicas"] = health["active_shards"] - health["active_primary_shards"]
                    victim.kill()
                    killed["index_total"] = written["index_total"]
                    return
            except Exception:  # keep polling until the indices exist
                pass
            time.sleep(0.05)

    killer = threading.Thread(target=kill_when_writing_starts, daemon=True)
    killer.start()
    state = ingest(IngestOptions(source=str(tmp_path / "in"), batch_size=4), return_state=True)
    killer.join(timeout=60)
    assert "index_total" in killed, "the node was never killed: the run finished first"
    assert killed["replicas"] == 4, killed  # 2 shards x 2 indices, each with its replica
    health = es.cluster.health(wait_for_nodes="1", timeout="30s")
    assert (health["number_of_nodes"], health["status"]) == (1, "yellow"), health
    log.info("node killed after %d index ops; the run ended %s", killed["index_total"], state)

    if state.is_completed() and state.result()["failed"] == 0:
        summary = state.result()
    else:  # failed cleanly (a one-line cause and the counts so far), or files failed: re-run
        if state.is_failed():
            aborted = state.result(raise_on_failure=False)
            assert isinstance(aborted, RunAbortedError), repr(aborted)
            assert "\n" not in str(aborted)
        summary = ingest(IngestOptions(source=str(tmp_path / "in"), batch_size=4))
        assert summary["failed"] == 0, summary
    assert_balanced(summary)
    assert_indexed_exactly_once(es, prefix, files)
    settings = es.indices.get_settings(index=f"{prefix}-articles")
    index_settings = next(iter(settings.values()))["settings"]["index"]
    assert (index_settings["number_of_shards"], index_settings["number_of_replicas"]) == ("2", "1")
