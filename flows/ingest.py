"""The ingest flow, top to bottom: discover → read → clean → enrich → dedup → index → report.

One raw file becomes one Article (transforms.clean), gains canonical entities (flows.ner +
transforms.entities) and a MinHash signature (transforms.dedup), is grouped with earlier
articles found in Elasticsearch (flows.dedup_store), and is bulk-indexed with its paragraphs
(flows.bulk). Tasks work on batches of files; CPU-heavy preparation runs on the task runner
while indexing proceeds in submission order, so story ids are deterministic.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from dataclasses import dataclass, field

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, Elasticsearch
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from flows.bulk import index_articles, load_window
from flows.config import Settings, get_settings
from flows.dead_letter import DeadLetter
from flows.dedup_store import dedup_fields, fetch_candidates
from flows.es_client import check_connection, make_client, redact_url
from flows.extract import clean_raw
from flows.indices import IndexPair, aliases, ensure_indices
from flows.ner import extract_mentions
from flows.report import RunReport
from flows.sources import DEFAULT_INCLUDE, SourceFile, discover, read_file
from flows.task_runner import build_task_runner, share_api_with_workers
from transforms.clean import document_id
from transforms.dedup import assign_groups, signature
from transforms.entities import enrich_entities
from transforms.record import Article

PIPELINE_VERSION = "2"  # bump when cleaning or enrichment changes what documents contain


class IngestOptions(BaseModel):
    """Parameters of an ingest run (rendered as the form of the Prefect UI's custom run)."""

    source: str = Field(
        "data/samples", description="Folder, file or fsspec URL (e.g. s3://bucket/news/) to read"
    )
    include: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INCLUDE),
        description="File name patterns to read (glob)",
    )
    batch_size: int | None = Field(
        None, ge=1, le=5000, description="Files per task (empty: NEWSINDEX_BATCH_SIZE)"
    )
    full_refresh: bool = Field(
        False, description="Re-process files even when their content is already indexed"
    )
    dry_run: bool = Field(False, description="Parse, clean and enrich, but write nothing")


DEFAULT_OPTIONS = IngestOptions()


@dataclass
class PreparedBatch:
    """A batch after parsing and enrichment: articles to index plus the files set aside."""

    articles: list[Article] = field(default_factory=list)
    report: RunReport = field(default_factory=RunReport)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    return isinstance(exc, ApiError) and (exc.meta.status == 429 or exc.meta.status >= 500)


def _retry_transient(task, task_run, state) -> bool:
    """Retry a task only when it failed on a transient Elasticsearch error."""
    try:
        state.result()
    except Exception as exc:
        return _is_transient(exc)
    return False


_TASK_OPTIONS = {
    "retries": 4,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _retry_transient,
    "cache_policy": NO_CACHE,  # inputs are large article batches: never hash them
}


def _indexed_hashes(es: Elasticsearch, alias: str, ids: list[str]) -> dict[str, str]:
    """content_hash of the articles already indexed completely under these ids.

    An article stored without a `fingerprint` lost a paragraph write: it is not complete, so
    it is left out and the file is processed again (flows.bulk rewrites it all).
    """
    if not ids:
        return {}
    response = es.options(ignore_status=404).mget(
        index=alias, ids=ids, source=["content_hash", "fingerprint"]
    )
    return {
        doc["_id"]: doc["_source"]["content_hash"]
        for doc in response.get("docs", [])
        if doc.get("found") and doc["_source"].get("fingerprint")
    }


def _nothing_to_index(article: Article) -> str | None:
    """The reason a cleaned file holds nothing to index (binary, empty), else None."""
    unusable = [w for w in article.warnings if w.startswith("skipped:") or w == "empty input"]
    return "; ".join(article.warnings) if unusable and not article.paragraphs else None


@task(name="prepare-batch", **_TASK_OPTIONS)
def prepare_batch(
    files: list[SourceFile], options: IngestOptions, settings: Settings, alias: str
) -> PreparedBatch:
    """Read, skip unchanged, clean, extract entities and sign one batch of files."""
    batch = PreparedBatch()
    batch.report.files_seen = len(files)
    raws = [read_file(file, settings.max_file_bytes) for file in files]
    known: dict[str, str] = {}
    if not options.full_refresh:
        known = _indexed_hashes(make_client(settings), alias, [document_id(r.uri) for r in raws])
    for raw in raws:
        if raw.error:
            batch.report.failed += 1
            batch.report.failures.append({"source": raw.uri, "reason": raw.error})
            continue
        article = clean_raw(raw, settings.max_file_bytes)
        if unusable := _nothing_to_index(article):  # binary or empty: never an empty document
            batch.report.failed += 1
            batch.report.failures.append({"source": raw.uri, "reason": unusable})
            continue
        if known.get(article.id) == article.content_hash:
            batch.report.skipped += 1
            continue
        batch.articles.append(article)
    for article, mentions in zip(
        batch.articles, extract_mentions(batch.articles, models=settings.spacy_models), strict=True
    ):
        enrich_entities(article, mentions)
        article.minhash = signature(article.body)
    return batch


@task(name="index-batch", **_TASK_OPTIONS)
def index_batch(batch: PreparedBatch, settings: Settings, targets: IndexPair) -> RunReport:
    """Group with earlier articles, bulk-index, and account for every file of the batch.

    Runs inside the load window of ``run_batches`` (refresh off): only the articles index is
    refreshed here, so that the next batch's candidate search sees this one.
    """
    es = make_client(settings)
    assign_groups(batch.articles, fetch_candidates(es, targets.articles, batch.articles))
    bulk = index_articles(
        es,
        settings,
        batch.articles,
        targets=targets,
        lsh_bands=lambda article: dedup_fields(article)["lsh_bands"],
        pipeline_version=PIPELINE_VERSION,
        tune_refresh=False,
    )
    es.indices.refresh(index=targets.articles)
    report = batch.report
    report.indexed += bulk.articles_ok
    report.failed += bulk.articles_failed
    report.failures.extend(
        {"source": f.get("source", f["id"]), "reason": f.get("reason", "")} for f in bulk.failures
    )
    report.paragraphs_indexed += bulk.paragraphs_indexed
    report.paragraphs_deleted += bulk.paragraphs_deleted
    failed_ids = {f["id"] for f in bulk.failures}
    report.count_articles([a for a in batch.articles if a.id not in failed_ids])
    return report


def _batches(files: list[SourceFile], size: int) -> list[list[SourceFile]]:
    return [files[i : i + size] for i in range(0, len(files), size)]


@flow(name="ingest", task_runner=build_task_runner(get_settings()), log_prints=False)
def ingest(options: IngestOptions = DEFAULT_OPTIONS) -> dict:
    """Index every new or changed raw file under `options.source`; returns the run summary."""
    settings = get_settings()
    logger = get_run_logger()
    es = make_client(settings)
    version = check_connection(es, settings)
    logger.info("Elasticsearch %s at %s", version, redact_url(settings.es_url))
    if not options.dry_run:  # fail before any work when failures could not be recorded
        DeadLetter(settings.dead_letter_path).close()
    targets = aliases(settings) if options.dry_run else ensure_indices(es, settings).aliases
    report = run_batches(options, settings, targets)
    return publish_report(report)


def run_batches(options: IngestOptions, settings: Settings, targets: IndexPair) -> RunReport:
    """Discover the files, prepare batches on the task runner, index them in order.

    Writes happen in one load window (flows.bulk.load_window): refresh is off on both indices
    for the run, and restored and refreshed when it ends, however it ends. Paragraphs become
    searchable then; articles after each batch (``index_batch``).
    """
    logger = get_run_logger()
    started = time.perf_counter()
    share_api_with_workers()
    files = list(discover(options.source, options.include, settings.source_root))
    batch_size = options.batch_size or settings.batch_size
    logger.info("%d files under %s, in batches of %d", len(files), options.source, batch_size)

    report = RunReport()
    in_flight: deque[PrefectFuture[PreparedBatch]] = deque()
    max_in_flight = settings.task_workers * 2  # bounded memory: never the whole corpus at once
    writes = (
        contextlib.nullcontext()
        if options.dry_run
        else load_window(make_client(settings), targets.names())
    )
    with writes:
        for done, batch_files in enumerate(_batches(files, batch_size), start=1):
            in_flight.append(
                prepare_batch.submit(quote(batch_files), options, settings, targets.articles)
            )
            if len(in_flight) >= max_in_flight:
                report.merge(_finish(in_flight.popleft().result(), options, settings, targets))
            submitted = min(done * batch_size, len(files))
            logger.info("batch %d submitted (%d of %d files)", done, submitted, len(files))
        while in_flight:
            report.merge(_finish(in_flight.popleft().result(), options, settings, targets))
    report.seconds = time.perf_counter() - started
    return report


def _finish(
    batch: PreparedBatch, options: IngestOptions, settings: Settings, targets: IndexPair
) -> RunReport:
    if options.dry_run:
        batch.report.count_articles(batch.articles)
        batch.report.skipped += len(batch.articles)  # nothing written: accounted as skipped
        return batch.report
    # quote(): Prefect would otherwise walk every article and paragraph looking for futures
    return index_batch(quote(batch), settings, targets)


def publish_report(report: RunReport) -> dict:
    """Log the run summary and publish it as the run's Markdown artifact."""
    summary = report.summary()
    get_run_logger().info("run summary: %s", {k: v for k, v in summary.items() if k != "failures"})
    create_markdown_artifact(
        key="ingest-report", markdown=report.to_markdown(), description="newsindex ingest run"
    )
    return summary
