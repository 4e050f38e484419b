"""Idempotent bulk loads of articles and their paragraphs, with retries and a dead-letter file.

Re-running the same input leaves exactly the same documents: ids are deterministic, and an
article whose content is unchanged keeps its previous `ingested_at`. An article whose stored
`fingerprint` (a hash of everything written for it except `ingested_at`) matches is skipped.
A changed article is rewritten and its paragraphs beyond the new count are deleted (the
minimal distribution has no `_delete_by_query`, so the previous `paragraph_count` is read with
one `mget` per chunk).
Per chunk, paragraphs are written first and the article last; an article is stored without a
fingerprint when one of its paragraph writes failed, so the next run writes it all again.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk

from flows.config import Settings
from flows.es.dead_letter import DeadLetter
from flows.es.indices import IndexPair, aliases
from transforms.es_documents import (
    article_document,
    document_fingerprint,
    paragraph_documents,
    paragraph_id,
)
from transforms.record import Article

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
INITIAL_BACKOFF = 1.0  # seconds; doubled on each retry of a chunk
MAX_BACKOFF = 30.0
_PREVIOUS_FIELDS = ["content_hash", "ingested_at", "paragraph_count", "fingerprint"]


@dataclass
class BulkReport:
    """What one load did. Every failed document is also a line in the dead-letter file."""

    articles_indexed: int = 0  # new articles
    articles_updated: int = 0  # existing articles whose documents changed
    articles_unchanged: int = 0  # identical to what is stored: nothing sent
    articles_failed: int = 0
    paragraphs_indexed: int = 0
    paragraphs_deleted: int = 0  # paragraphs past the end of a shortened article
    paragraphs_failed: int = 0
    bytes_sent: int = 0  # bulk payload, each action counted once
    seconds: float = 0.0
    # One entry per dead-lettered document: its dead-letter record plus "id", the article id.
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def articles_ok(self) -> int:
        """Articles whose document is in the index as given (new, updated or unchanged)."""
        return self.articles_indexed + self.articles_updated + self.articles_unchanged


@dataclass(frozen=True)
class Operation:
    """One bulk action: `index` with a pre-serialised JSON body, or `delete`."""

    op: str
    index: str
    doc_id: str
    body: bytes | None = None  # the JSON source, serialised once
    source: str | None = None  # the raw file it came from, for the dead-letter
    article_id: str | None = None

    def action(self) -> dict[str, Any]:
        action = {"_op_type": self.op, "_index": self.index, "_id": self.doc_id}
        if self.body is not None:
            action["_source"] = self.body
        return action

    def payload_bytes(self) -> int:
        header = f'{{"{self.op}":{{"_index":"{self.index}","_id":"{self.doc_id}"}}}}\n'
        body = len(self.body) + 1 if self.body is not None else 0
        return len(header.encode("utf-8")) + body


def _dumps(doc: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON (the bytes of ``json.dumps(doc, ensure_ascii=False)`` without spaces)."""
    return orjson.dumps(doc)


def write_operations(
    es: Elasticsearch,
    settings: Settings,
    operations: Sequence[Operation],
    dead_letter: DeadLetter,
    *,
    initial_backoff: float = INITIAL_BACKOFF,
) -> tuple[dict[str, dict[str, Any] | None], int]:
    """Send operations with streaming_bulk; return (doc id -> failure, payload bytes).

    A failure is the dead-letter record written for the document; None means it succeeded.

    Ids must be unique within one call. Items refused with 429/5xx, and whole chunks failing
    with those statuses, are retried by the helper with exponential backoff; connection errors
    are retried here (same bound, `settings.bulk_max_retries`). What still fails is written to
    the dead-letter. Deleting a document that is already gone counts as success.
    """
    by_id = {operation.doc_id: operation for operation in operations}
    outcome: dict[str, dict[str, Any] | None] = {}
    payload = sum(operation.payload_bytes() for operation in operations)
    attempt = 0
    while True:
        pending = [op.action() for op in operations if op.doc_id not in outcome]
        try:
            for ok, item in streaming_bulk(
                es,
                pending,
                chunk_size=settings.bulk_chunk_docs,
                max_chunk_bytes=settings.bulk_chunk_bytes,
                max_retries=settings.bulk_max_retries,
                initial_backoff=initial_backoff,
                max_backoff=MAX_BACKOFF,
                retry_on_status=RETRY_STATUSES,
                raise_on_error=False,
                raise_on_exception=False,
            ):
                op_type, info = item.popitem()
                doc_id = info["_id"]
                status = info.get("status")
                outcome[doc_id] = None
                if not ok and not (op_type == "delete" and status == 404):
                    outcome[doc_id] = dead_letter.write(
                        doc_id=doc_id,
                        index=info.get("_index", by_id[doc_id].index),
                        status=status,
                        error=info.get("error"),
                        source=by_id[doc_id].source,
                    )
            return outcome, payload
        except TransportError as exc:  # connection refused, reset, timed out
            if attempt >= settings.bulk_max_retries:
                for operation in operations:
                    if operation.doc_id not in outcome:
                        outcome[operation.doc_id] = dead_letter.write(
                            doc_id=operation.doc_id,
                            index=operation.index,
                            status=None,
                            error={"type": type(exc).__name__, "reason": str(exc)},
                            source=operation.source,
                        )
                return outcome, payload
            delay = min(MAX_BACKOFF, initial_backoff * 2**attempt)
            log.warning("bulk request failed (%s); retrying in %.1fs", type(exc).__name__, delay)
            time.sleep(delay)
            attempt += 1


_window_lock = threading.Lock()
_window_users: dict[str, int] = {}
_window_saved: dict[str, str | None] = {}


@contextlib.contextmanager
def load_window(es: Elasticsearch, names: Sequence[str]) -> Iterator[None]:
    """Turn refresh off on the indices behind `names`; restore the old value and refresh after.

    Concurrent loads in one process share the window: the first in saves the value, the last
    out restores it.
    """
    found = es.indices.get_settings(
        index=list(names), name="index.refresh_interval", include_defaults=True
    )
    physical = sorted(found)
    entered: list[str] = []  # only these are counted, so a failure half-way leaks nothing
    try:
        with _window_lock:
            for index in physical:
                if not _window_users.get(index):
                    current = found[index]["settings"].get("index", {}).get("refresh_interval")
                    if current == "-1":  # another process is loading, or a load died
                        log.warning(
                            "%s: refresh is off (another run is loading it, or one was "
                            "interrupted); it is turned back on when this run ends",
                            index,
                        )
                        current = None
                    _window_saved[index] = current
                    es.indices.put_settings(index=index, settings={"refresh_interval": "-1"})
                _window_users[index] = _window_users.get(index, 0) + 1
                entered.append(index)
        yield
    except BaseException:  # the load's own error is the one to see: restoring is best effort
        try:
            _leave_window(es, entered)
        except Exception as exc:
            log.warning("could not restore refresh on %s: %s", entered, one_line(exc))
        raise
    _leave_window(es, entered)


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _leave_window(es: Elasticsearch, entered: list[str]) -> None:
    """Count this load out of every index it entered, then restore (all of them, even when one
    restore fails: the first error is raised after) and refresh."""
    failure: Exception | None = None
    with _window_lock:
        restore: dict[str, str | None] = {}
        for index in entered:
            _window_users[index] -= 1
            if not _window_users[index]:
                del _window_users[index]
                restore[index] = _window_saved.pop(index)
        for index, previous in restore.items():
            try:
                es.indices.put_settings(index=index, settings={"refresh_interval": previous})
            except Exception as exc:  # raised below, after the other indices are restored
                failure = failure or exc
    if failure is not None:
        raise failure
    if entered:
        es.indices.refresh(index=entered)


@dataclass
class _Plan:
    article: Article
    document: dict[str, Any]
    paragraphs: list[dict[str, Any]]
    existed: bool
    stale_positions: range
    paragraph_ids: list[str] = field(default_factory=list)


def _previous(es: Elasticsearch, index: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    found = es.mget(index=index, ids=ids, source_includes=_PREVIOUS_FIELDS)["docs"]
    return {doc["_id"]: doc["_source"] for doc in found if doc.get("found")}


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def index_articles(
    es: Elasticsearch,
    settings: Settings,
    articles: Iterable[Article],
    *,
    targets: IndexPair | None = None,
    pipeline_version: str | None = None,
    tune_refresh: bool = True,
) -> BulkReport:
    """Load articles and their paragraphs into `targets` (default: the aliases).

    Failed documents go to `settings.dead_letter_path` and are counted; a dead-letter that
    cannot be written raises DeadLetterError before anything is sent. With `tune_refresh`,
    refresh is off during the load and restored (then refreshed) after.
    """
    targets = targets or aliases(settings)
    report = BulkReport()
    started = time.perf_counter()
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    window = load_window(es, targets.names()) if tune_refresh else contextlib.nullcontext()
    with DeadLetter(settings.dead_letter_path) as dead_letter, window:
        for chunk in _chunks(articles, settings.bulk_chunk_docs):
            latest = {article.id: article for article in chunk}  # a repeated id: last one wins
            previous = _previous(es, targets.articles, list(latest))
            plans: list[_Plan] = []
            for article in latest.values():
                before = previous.get(article.id)
                same_content = before is not None and before.get("content_hash") == (
                    article.content_hash
                )
                ingested_at = before["ingested_at"] if same_content else now
                document = article_document(
                    article, ingested_at=ingested_at, pipeline_version=pipeline_version
                )
                paragraphs = paragraph_documents(article, ingested_at=ingested_at)
                document["fingerprint"] = document_fingerprint(document, paragraphs)
                if before is not None and before.get("fingerprint") == document["fingerprint"]:
                    report.articles_unchanged += 1
                    continue
                old_count = before.get("paragraph_count", 0) if before else 0
                plans.append(
                    _Plan(
                        article,
                        document,
                        paragraphs,
                        existed=before is not None,
                        stale_positions=range(len(paragraphs), old_count),
                    )
                )
            if plans:
                _write_plans(es, settings, plans, targets, dead_letter, report)
    report.seconds = time.perf_counter() - started
    log.info("bulk load: %s", report)
    return report


def _write_plans(
    es: Elasticsearch,
    settings: Settings,
    plans: list[_Plan],
    targets: IndexPair,
    dead_letter: DeadLetter,
    report: BulkReport,
) -> None:
    """Paragraph writes and stale deletes first, then the articles."""
    operations: list[Operation] = []
    deletes: set[str] = set()
    for plan in plans:
        article_id, source = plan.article.id, plan.article.source
        for position, paragraph in enumerate(plan.paragraphs):
            doc_id = paragraph_id(article_id, position)
            plan.paragraph_ids.append(doc_id)
            operations.append(
                Operation(
                    "index", targets.paragraphs, doc_id, _dumps(paragraph), source, article_id
                )
            )
        for position in plan.stale_positions:
            doc_id = paragraph_id(article_id, position)
            plan.paragraph_ids.append(doc_id)
            deletes.add(doc_id)
            operations.append(
                Operation("delete", targets.paragraphs, doc_id, None, source, article_id)
            )
    paragraph_outcome, sent = write_operations(es, settings, operations, dead_letter)
    report.bytes_sent += sent
    for operation in operations:
        failure = paragraph_outcome[operation.doc_id]
        if failure is not None:
            report.paragraphs_failed += 1
            report.failures.append({**failure, "id": operation.article_id})
        elif operation.doc_id in deletes:
            report.paragraphs_deleted += 1
        else:
            report.paragraphs_indexed += 1

    articles: list[Operation] = []
    for plan in plans:
        if any(paragraph_outcome[doc_id] is not None for doc_id in plan.paragraph_ids):
            del plan.document["fingerprint"]  # incomplete: the next run rewrites everything
        article_id = plan.article.id
        body = _dumps(plan.document)
        articles.append(
            Operation("index", targets.articles, article_id, body, plan.article.source, article_id)
        )
    article_outcome, sent = write_operations(es, settings, articles, dead_letter)
    report.bytes_sent += sent
    for plan in plans:
        failure = article_outcome[plan.article.id]
        if failure is not None:
            report.articles_failed += 1
            report.failures.append({**failure, "id": plan.article.id})
        elif plan.existed:
            report.articles_updated += 1
        else:
            report.articles_indexed += 1
