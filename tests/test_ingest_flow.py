"""The ingest flow under a real Prefect (test harness) against the real Elasticsearch."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.search import search
from flows.ingest import IngestOptions, ingest
from transforms.clean import clean_document

pytestmark = [pytest.mark.prefect, pytest.mark.elasticsearch]
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _copy_samples(target: Path) -> list[Path]:
    shutil.copytree(SAMPLES, target)
    return sorted(target.iterdir())


def _stored(es: Elasticsearch, prefix: str) -> dict[str, dict]:
    es.indices.refresh(index=f"{prefix}-articles")
    hits = es.search(index=f"{prefix}-articles", size=1000, query={"match_all": {}})
    return {hit["_id"]: hit["_source"] for hit in hits["hits"]["hits"]}


def test_vertical_slice_indexes_then_finds(
    flow_settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    files = _copy_samples(tmp_path / "in")
    summary = ingest(IngestOptions(source=str(tmp_path / "in")))
    assert summary["files_seen"] == len(files) == summary["indexed"]
    assert summary["balanced"] and summary["failed"] == 0

    result = search(es, flow_settings, "strike")
    assert result.total >= 1
    assert any("strike" in " ".join(hit.snippets).lower() for hit in result.hits)
    paragraphs = sum(len(clean_document(f.read_bytes(), str(f)).paragraphs) for f in files)
    # refresh was off during the run; its end made the paragraphs searchable and restored it
    assert es.count(index=f"{flow_settings.index_prefix}-paragraphs")["count"] == paragraphs
    assert _refresh_intervals(es, flow_settings.index_prefix) == {None}


def _refresh_intervals(es: Elasticsearch, prefix: str) -> set[str | None]:
    """The refresh_interval set on the indices behind both aliases (None: the default)."""
    found = es.indices.get_settings(
        index=f"{prefix}-articles,{prefix}-paragraphs",
        name="index.refresh_interval",
        include_defaults=True,
        flat_settings=True,
    )
    assert len(found) == 2
    return {entry["settings"].get("index.refresh_interval") for entry in found.values()}


def test_incremental_runs_skip_unchanged_and_redo_changed(
    flow_settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    source = tmp_path / "in"
    files = _copy_samples(source)
    ingest(IngestOptions(source=str(source)))
    first = _stored(es, flow_settings.index_prefix)

    again = ingest(IngestOptions(source=str(source)))
    assert (again["skipped"], again["indexed"]) == (len(files), 0)
    assert _stored(es, flow_settings.index_prefix) == first

    changed = next(f for f in files if f.suffix == ".txt")
    changed.write_text(changed.read_text() + "\n\nA closing paragraph added by the newsroom.\n")
    third = ingest(IngestOptions(source=str(source)))
    assert (third["indexed"], third["skipped"]) == (1, len(files) - 1)
    stored = _stored(es, flow_settings.index_prefix)
    article_id = clean_document(changed.read_bytes(), str(changed)).id
    assert "closing paragraph added" in stored[article_id]["body"]

    full = ingest(IngestOptions(source=str(source), full_refresh=True))
    assert (full["indexed"], full["skipped"]) == (len(files), 0)
    assert set(_stored(es, flow_settings.index_prefix)) == set(stored)


def test_dry_run_writes_nothing(flow_settings: Settings, es: Elasticsearch, tmp_path: Path) -> None:
    _copy_samples(tmp_path / "in")
    summary = ingest(IngestOptions(source=str(tmp_path / "in"), dry_run=True))
    assert summary["indexed"] == 0 and summary["balanced"]
    assert es.indices.get(index=f"{flow_settings.index_prefix}-*") == {}


def _write_corpus(folder: Path, copies: int) -> list[Path]:
    """Distinct files: the samples, each with a numbered closing paragraph per copy."""
    folder.mkdir()
    written = []
    for n in range(copies):
        for sample in sorted(SAMPLES.iterdir()):
            if sample.suffix == ".html":
                continue
            target = folder / f"{n:03d}-{sample.name}"
            target.write_text(sample.read_text() + f"\n\nEditor's note number {n} for this copy.\n")
            written.append(target)
    return written


def _cli_env(settings: Settings, prefect_home: Path) -> dict[str, str]:
    """The CLI's environment: this test's index and dead-letter, Prefect without a server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return env | {
        "NEWSINDEX_ES_URL": settings.es_url,
        "NEWSINDEX_INDEX_PREFIX": settings.index_prefix,
        "NEWSINDEX_DEAD_LETTER_PATH": str(settings.dead_letter_path),
        "PREFECT_HOME": str(prefect_home),
    }


def _cli(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "newsindex"), *args]


def test_cli_run_without_prefect_server_starts_one_temporary_api(
    flow_settings: Settings, tmp_path: Path
) -> None:
    """Worker processes report to the flow's temporary API instead of each starting their own."""
    files = _copy_samples(tmp_path / "in")
    done = subprocess.run(  # -v: Prefect's own lines (the server's start) are shown
        _cli("-v", "run", str(tmp_path / "in"), "--batch-size", "2", "--json"),
        env=_cli_env(flow_settings, tmp_path / "prefect-home"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["indexed"] == len(files)
    assert done.stderr.count("Starting temporary server") == 1


def test_killed_run_then_rerun_loses_and_duplicates_nothing(
    flow_settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    files = _write_corpus(tmp_path / "in", copies=8)
    process = subprocess.Popen(
        _cli("run", str(tmp_path / "in"), "--batch-size", "2"),
        env=_cli_env(flow_settings, tmp_path / "prefect-home"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    alias = f"{flow_settings.index_prefix}-articles"
    deadline = time.monotonic() + 300
    indexed = 0
    while time.monotonic() < deadline and process.poll() is None:
        if es.indices.exists(index=alias):
            # 503 while the new index's shards start
            indexed = es.options(ignore_status=503).count(index=alias).get("count", 0)
            if indexed:
                break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < indexed < len(files), f"the kill came too late or too early ({indexed} indexed)"
    assert _refresh_intervals(es, flow_settings.index_prefix) == {"-1"}  # the run's load window

    summary = ingest(IngestOptions(source=str(tmp_path / "in")))
    assert summary["balanced"] and summary["failed"] == 0
    assert summary["skipped"] >= indexed
    stored = _stored(es, flow_settings.index_prefix)
    expected = {clean_document(f.read_bytes(), str(f)).id: f for f in files}
    assert set(stored) == set(expected)
    assert _refresh_intervals(es, flow_settings.index_prefix) == {None}  # reset by the rerun
    paragraphs = sum(len(clean_document(f.read_bytes(), str(f)).paragraphs) for f in files)
    es.indices.refresh(index=f"{flow_settings.index_prefix}-paragraphs")
    assert es.count(index=f"{flow_settings.index_prefix}-paragraphs")["count"] == paragraphs
