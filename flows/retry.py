"""`newsindex retry`: re-process the files the dead-letter holds, once their cause is fixed.

Entries are grouped by `source`. A source that still exists (a file, a folder whose listing
failed, a URL) goes through the ingest's own batch steps again (read, skip unchanged, clean,
NER, index); a source that is gone is re-processed from its stored article document when
Elasticsearch has one (an article stored while one of its paragraphs was refused; the
subheadings of paragraphs the index never took are unknown then). Then the
dead-letter is rewritten: the entries of every retried source are removed and the failures of
this retry added, so what succeeded disappears and what still fails stays with its new reason.
A source that is gone with nothing stored keeps its entries, marked with `retry_note`.
Running it twice is safe: a file indexed completely is skipped as unchanged, and counts as
succeeded.

It runs in this process without Prefect (a dead-letter is small; no server start-up).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.bulk import load_window
from flows.es.client import make_client
from flows.es.dead_letter import Entry, read_entries, replace_entries
from flows.es.indices import IndexPair, open_indices
from flows.es.lease import writer_lease
from flows.es.run_log import record_run
from flows.ingest import (
    PIPELINE_VERSION,
    IngestOptions,
    PreparedBatch,
    index_batch,
    prepare_batch,
)
from flows.prepare import enrich_articles
from flows.report import RunReport
from flows.sources import DEFAULT_INCLUDE, SourceError, SourceFile, discover
from transforms.es_documents import article_from_document, article_id_of
from transforms.record import Article

GONE_NOTE = "source not found and no stored document: not retried"


@dataclass
class RetryReport:
    """What one retry did, per source (a file, folder or URL of the dead-letter)."""

    entries_before: int = 0
    entries_after: int = 0
    succeeded: list[str] = field(default_factory=list)
    still_failing: list[dict[str, str]] = field(default_factory=list)  # source, stage, reason
    from_stored: list[str] = field(default_factory=list)  # re-processed from the index
    not_retried: list[str] = field(default_factory=list)  # gone, nothing stored
    run: RunReport = field(default_factory=RunReport)

    def summary(self) -> dict[str, Any]:
        """JSON-ready, with the run counts of the files re-processed."""
        return {
            "entries_before": self.entries_before,
            "entries_after": self.entries_after,
            "sources_retried": len(self.succeeded) + len(self.still_failing_sources()),
            "succeeded": self.succeeded,
            "still_failing": self.still_failing,
            "from_stored_document": self.from_stored,
            "not_retried": self.not_retried,
            "run": {k: v for k, v in self.run.summary().items() if k != "failures"},
        }

    def still_failing_sources(self) -> list[str]:
        return list(dict.fromkeys(f["source"] for f in self.still_failing))


def _groups(entries: list[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.source, []).append(entry)
    return groups


def _source_files(source: str, settings: Settings) -> list[SourceFile] | None:
    """The files to read for a dead-letter source now, or None when it is gone."""
    folder = "://" not in source and Path(source).is_dir()
    try:
        return list(discover(source, DEFAULT_INCLUDE if folder else ("*",), settings.source_root))
    except (SourceError, FileNotFoundError):
        return None


def _stored_article(es: Elasticsearch, targets: IndexPair, entries: list[Entry]) -> Article | None:
    """The article as the index keeps it, for the article id of these entries, or None."""
    article_id = article_id_of(str(entries[0].record.get("_id") or ""))
    found = es.options(ignore_status=404).get(index=targets.articles, id=article_id)
    if not found.get("found"):
        return None
    doc = found["_source"]
    paragraphs = es.search(
        index=targets.paragraphs,
        query={"term": {"article_id": article_id}},
        source=["position", "section"],
        size=max(int(doc.get("paragraph_count") or 0), 1),
    )["hits"]["hits"]
    sections = {hit["_source"]["position"]: hit["_source"].get("section") for hit in paragraphs}
    return article_from_document(doc, sections)


@contextmanager
def _scratch_dead_letter(path: Path) -> Iterator[Path]:
    """A temporary dead-letter beside the real one, for this retry's own failures."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.retry-")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _process(
    settings: Settings,
    targets: IndexPair,
    files: list[SourceFile],
    stored: list[Article],
) -> RunReport:
    """The ingest's batch steps on `files` and the stored articles, in one load window."""
    es = make_client(settings)
    report = RunReport()
    options = IngestOptions()
    with load_window(es, targets.names()):
        for start in range(0, len(files), settings.batch_size):
            batch = files[start : start + settings.batch_size]
            prepared = prepare_batch.fn(batch, options, settings, targets.articles)
            report.merge(index_batch.fn(prepared, settings, targets))
        if stored:
            enriched = enrich_articles(stored, settings.spacy_models)
            prepared = PreparedBatch(articles=enriched, report=RunReport(files_seen=len(stored)))
            report.merge(index_batch.fn(prepared, settings, targets))
    return report


def retry_dead_letter(settings: Settings) -> RetryReport:
    """Re-process every source of the dead-letter and rewrite it (see the module docstring)."""
    started = time.perf_counter()
    entries = read_entries(settings.dead_letter_path)
    result = RetryReport(entries_before=len(entries), entries_after=len(entries))
    if not entries:
        return result
    es = make_client(settings)
    targets = open_indices(es, settings)
    files: dict[str, SourceFile] = {}  # by uri: a file listed twice is read once
    stored: list[Article] = []
    retried: list[Entry] = []
    kept: list[dict[str, Any]] = []
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    for source, group in _groups(entries).items():
        found = _source_files(source, settings)
        article = _stored_article(es, targets, group) if found is None else None
        if found is None and article is None:
            result.not_retried.append(source)
            kept += [{**e.record, "retry_note": GONE_NOTE, "retried_at": now} for e in group]
        elif article is not None:
            result.from_stored.append(source)
            stored.append(article)
        else:
            files.update((file.uri, file) for file in found)
        retried += group
    # One writer per index set: a retry waits for a running ingest or rebuild like they do.
    with writer_lease(es, settings), _scratch_dead_letter(settings.dead_letter_path) as scratch:
        work = settings.model_copy(update={"dead_letter_path": scratch})
        result.run = _process(work, targets, list(files.values()), stored)
        added = [entry.record for entry in read_entries(scratch)]
    result.entries_after = replace_entries(settings.dead_letter_path, retried, kept + added)
    failing = {f["source"] for f in result.run.failures}
    result.still_failing = [
        {k: f[k] for k in ("source", "stage", "reason")} for f in result.run.failures
    ]
    result.succeeded = [
        source
        for source in _groups(retried)
        if source not in failing and source not in result.not_retried
    ]
    result.run.seconds = time.perf_counter() - started
    summary = result.run.summary()
    record_run(
        settings,
        summary,
        flow="retry",
        source=str(settings.dead_letter_path),
        pipeline_version=PIPELINE_VERSION,
    )
    return result
