"""`newsindex status` with the reader role only, on the session's secured Elasticsearch: the
run log a writer recorded, the aliases, counts and templates, all read-only."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from flows.es.client import make_client
from flows.es.run_log import record_run
from flows.ingest import PIPELINE_VERSION
from flows.ops.setup import setup_elasticsearch
from flows.status import collect_status
from tests.secure_es import PREFIX, SecuredServer

pytestmark = pytest.mark.elasticsearch


def test_the_reader_role_is_enough_for_status(secured_es: SecuredServer, tmp_path: Path) -> None:
    setup_elasticsearch(secured_es.settings("admin"))
    source = f"status-check-{uuid.uuid4().hex[:8]}"
    summary = {"files_seen": 2, "indexed": 1, "skipped": 0, "failed": 1, "balanced": True}
    writer = secured_es.settings("writer")
    record_run(writer, summary, flow="ingest", source=source, pipeline_version=PIPELINE_VERSION)

    reader = secured_es.settings("reader", dead_letter_path=tmp_path / "dead-letter.jsonl")
    status = collect_status(make_client(reader), reader, PIPELINE_VERSION)
    assert source in {run.get("source") for run in status["last_runs"]}
    for kind in ("articles", "paragraphs"):
        [behind] = status["indices"][f"{PREFIX}-{kind}"]
        assert behind["write_index"] and behind["mapping"].startswith("current")
        assert status["templates"][kind]["state"] == "current"
    assert status["articles"]["total"] >= 0 and status["dead_letter"]["entries"] == 0
