"""`newsindex retry`, `status` and `extract --enrich` against the real Elasticsearch, with runs
of the real ingest flow (Prefect test harness) making what they read."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from flows.cli.main import app
from flows.config import Settings
from flows.es.dead_letter import read_entries
from flows.es.templates import apply_templates
from flows.ingest import PIPELINE_VERSION, IngestOptions, ingest
from flows.retry import GONE_NOTE, retry_dead_letter
from flows.status import collect_status
from transforms.clean import clean_document
from transforms.enrichment.entities import ENTITY_TYPES

pytestmark = [pytest.mark.prefect, pytest.mark.elasticsearch, pytest.mark.slow]
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def _broken_layout(es: Elasticsearch, settings: Settings) -> dict[str, str]:
    """Indices behind the aliases whose strict mappings lack one field each: `byline_location`
    (articles: one sample's article is refused) and `section` (paragraphs: three samples'
    subheaded paragraphs are refused, their articles stored incomplete)."""
    templates, _ = apply_templates(es, settings.index_prefix)
    missing = {"articles": "byline_location", "paragraphs": "section"}
    made = {}
    for kind, field in missing.items():
        mappings = copy.deepcopy(templates.indices[kind]["template"]["mappings"])
        del mappings["properties"][field], mappings["_meta"]
        name = f"{settings.index_prefix}-{kind}-broken"  # outside the templates' pattern
        alias = f"{settings.index_prefix}-{kind}"
        es.indices.create(index=name, mappings=mappings, aliases={alias: {"is_write_index": True}})
        made[kind] = name
    return made


def _sources(path: Path) -> dict[str, set[str]]:
    """Dead-letter sources (file names) by stage."""
    found: dict[str, set[str]] = {}
    for entry in read_entries(path):
        found.setdefault(entry.record["stage"], set()).add(Path(entry.source).name)
    return found


def test_retry_after_mapping_fixes_then_status(
    flow_settings: Settings, es: Elasticsearch, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder)
    (folder / "empty.txt").write_bytes(b"")
    broken = _broken_layout(es, flow_settings)
    dead_letter = flow_settings.dead_letter_path

    first = ingest(IngestOptions(source=str(folder)))
    assert (first["files_seen"], first["indexed"], first["failed"]) == (6, 1, 5)
    refused = _sources(dead_letter)
    assert refused["clean"] == {"empty.txt"}
    with_sections = {"regional-courier-budget.html", "regional_port_strike.txt"}
    assert refused["index"] == {"guardian_port_strike.md", "wordpress_port_strike.txt"} | (
        with_sections
    )

    # fix the article mapping only: that article is indexed, the others keep new reasons
    es.indices.put_mapping(
        index=broken["articles"], properties={"byline_location": {"type": "keyword"}}
    )
    code, output = _cli("retry")
    assert code == 3, output
    assert "1 now indexed, 4 still failing" in output
    assert _sources(dead_letter) == {
        "clean": {"empty.txt"},
        "index": {"wordpress_port_strike.txt"} | with_sections,
    }
    reasons = [
        e.record["reason"] for e in read_entries(dead_letter) if e.record["stage"] == "index"
    ]
    assert reasons and all("section" in reason for reason in reasons)
    guardian = clean_document(
        (folder / "guardian_port_strike.md").read_bytes(), str(folder / "guardian_port_strike.md")
    )
    stored = es.get(index=f"{flow_settings.index_prefix}-articles", id=guardian.id)["_source"]
    assert stored["fingerprint"] and stored["byline_location"]

    # fix the paragraphs; one refused file is gone (re-done from its stored article), and so
    # is the empty file, which has nothing stored: it stays, marked
    wordpress = clean_document(
        (folder / "wordpress_port_strike.txt").read_bytes(),
        str(folder / "wordpress_port_strike.txt"),
    )
    (folder / "wordpress_port_strike.txt").unlink()
    (folder / "empty.txt").unlink()
    es.indices.put_mapping(index=broken["paragraphs"], properties={"section": {"type": "keyword"}})
    second = retry_dead_letter(flow_settings)
    assert second.still_failing == []
    assert [Path(s).name for s in second.from_stored] == ["wordpress_port_strike.txt"]
    assert [Path(s).name for s in second.not_retried] == ["empty.txt"]
    assert len(second.succeeded) == 3
    [left] = read_entries(dead_letter)
    assert left.record["stage"] == "clean" and left.record["retry_note"] == GONE_NOTE
    es.indices.refresh(index=f"{flow_settings.index_prefix}-*")
    paragraphs = es.search(
        index=f"{flow_settings.index_prefix}-paragraphs",
        query={"term": {"article_id": wordpress.id}},
        size=100,
    )["hits"]["hits"]
    assert sorted(h["_source"]["position"] for h in paragraphs) == list(
        range(len(wordpress.paragraphs))
    )
    by_position = {h["_source"]["position"]: h["_source"] for h in paragraphs}
    assert [by_position[n]["text"] for n in sorted(by_position)] == [
        p.text for p in wordpress.paragraphs
    ]
    # a subheading is known only where the index took its paragraph: here the first only
    assert by_position[0].get("section") == wordpress.paragraphs[0].section is None
    stored = es.get(index=f"{flow_settings.index_prefix}-articles", id=wordpress.id)["_source"]
    assert stored["fingerprint"]
    articles_before = es.count(index=f"{flow_settings.index_prefix}-articles")["count"]

    # twice is safe: nothing indexed again, the same entry left
    third = retry_dead_letter(flow_settings)
    assert (third.entries_before, third.entries_after, third.succeeded) == (1, 1, [])
    assert third.run.indexed == 0
    assert [e.record["_id"] for e in read_entries(dead_letter)] == [left.record["_id"]]
    assert es.count(index=f"{flow_settings.index_prefix}-articles")["count"] == articles_before == 5

    # status of the populated prefix: the broken layout is named, runs and dead-letter counted
    status = collect_status(es, flow_settings, PIPELINE_VERSION)
    articles_alias = f"{flow_settings.index_prefix}-articles"
    [behind] = status["indices"][articles_alias]
    assert (behind["index"], behind["documents"]) == (broken["articles"], 5)
    assert behind["mapping"] == "differs from the repo"
    assert any(broken["articles"] in reason for reason in status["rebuild_due"])
    assert status["articles"]["total"] == 5 and status["articles"]["undated"] == 1
    assert status["articles"]["per_outlet"]["The Guardian"] == 1
    assert status["articles"]["per_language"] == {"en": 5}
    assert status["articles"]["per_pipeline_version"] == {PIPELINE_VERSION: 5}
    assert [run["flow"] for run in status["last_runs"]] == ["retry", "retry", "retry", "ingest"]
    assert status["last_runs"][-1]["balanced"] and status["last_runs"][-1]["failed"] == 5
    assert status["dead_letter"]["entries"] == 1
    assert {t["state"] for t in status["templates"].values()} == {"current"}
    code, output = _cli("status")
    assert code == 0, output
    assert f"{articles_alias} -> {broken['articles']} (write index): 5 documents" in output
    assert "rebuild due: " in output and "rebuild due: no" not in output
    assert "dead-letter" in output and "1 entry, 1 file" in output


def test_status_on_a_fresh_prefix(flow_settings: Settings, es: Elasticsearch) -> None:
    status = collect_status(es, flow_settings, PIPELINE_VERSION)
    assert all(indices == [] for indices in status["indices"].values())
    assert status["articles"] == status["paragraphs"] == {}
    assert {t["state"] for t in status["templates"].values()} == {"missing"}
    assert status["last_runs"] == [] and status["rebuild_due"] == []
    assert status["dead_letter"]["entries"] == 0
    code, output = _cli("status", "--json")
    assert code == 0, output
    assert json.loads(output)["prefix"] == flow_settings.index_prefix
    code, output = _cli("status")
    assert "no index yet" in output and "last runs: none recorded" in output
    code, output = _cli("retry")
    assert code == 0 and "nothing to retry" in output


def _facets(record: dict) -> dict[str, list[str]]:
    return {kind: sorted(record.get("entities", {}).get(kind) or []) for kind in ENTITY_TYPES}


def test_extract_enrich_gives_the_entity_facets_of_the_indexed_seeds(
    flow_settings: Settings, es: Elasticsearch, seeds_dir: Path
) -> None:
    summary = ingest(IngestOptions(source=str(seeds_dir)))
    assert summary["failed"] == 0 and summary["indexed"] == len(list(seeds_dir.iterdir()))
    es.indices.refresh(index=f"{flow_settings.index_prefix}-articles")
    hits = es.search(index=f"{flow_settings.index_prefix}-articles", size=100)["hits"]["hits"]
    indexed = {hit["_id"]: hit["_source"] for hit in hits}

    code, output = _cli("extract", "--enrich", str(seeds_dir))
    assert code == 0
    records = {r["id"]: r for r in map(json.loads, output.splitlines())}
    assert set(records) == set(indexed)
    for article_id, record in records.items():
        assert _facets(record) == _facets(indexed[article_id]), record["source"]
        assert record["language"] == indexed[article_id]["language"]
        paragraph_facets = [_facets(p) for p in record["paragraphs"]]
        assert any(any(f.values()) for f in paragraph_facets)
        for absent in ("duplicate_of", "story_id", "minhash", "lsh_bands"):
            assert absent not in record
    assert any(any(_facets(r).values()) for r in records.values())
