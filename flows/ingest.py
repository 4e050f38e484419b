"""The ingest flow, top to bottom: discover → read → clean → enrich → dedup → index → report.

One raw file becomes one Article (transforms.clean), and each later stage gives a new Article
rather than changing the one it got: enrich (flows.ner finds the mentions,
transforms.enrichment.enrich sets canonical entities, a MinHash signature and its LSH band
keys), then dedup (transforms.enrichment.dedup.assign_groups) groups it with earlier articles
found in Elasticsearch (flows.es.candidates); the grouped article is bulk-indexed with its
paragraphs (flows.es.bulk). Tasks work on batches of files; CPU-heavy preparation runs on the
task runner while indexing proceeds in submission order, so story ids are deterministic.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from elasticsearch import (
    ApiError,
    ConnectionError,
    ConnectionTimeout,
    Elasticsearch,
    TransportError,
)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import deployment
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from flows.config import Settings, run_settings
from flows.es.bulk import index_articles, load_window
from flows.es.candidates import fetch_candidates
from flows.es.client import describe_error, make_client, redact_url
from flows.es.dead_letter import DeadLetter
from flows.es.indices import IndexPair, aliases, open_indices
from flows.es.lease import writer_lease
from flows.es.run_log import record_flow_run
from flows.ner import enrich_each
from flows.preflight import preflight
from flows.prepare import clean_raw
from flows.report import RunAbortedError, RunReport
from flows.runtime import progress
from flows.runtime.console_logs import CONSOLE
from flows.runtime.runner_errors import TaskRunnerError
from flows.runtime.task_runner import RunnerOfRunSettings, share_api_with_workers
from flows.sources import (
    DEFAULT_INCLUDE,
    Location,
    NamePattern,
    SourceFile,
    discover,
    printable,
    read_file,
    source_root_for,
)
from transforms.clean import document_id
from transforms.enrichment.dedup import assign_groups
from transforms.record import UNUSABLE_INPUT, Article

PIPELINE_VERSION = "5"  # bump when cleaning or enrichment changes what documents contain


class IngestOptions(BaseModel):
    """Parameters of an ingest run (rendered as the form of the Prefect UI's custom run)."""

    source: Location = Field(
        "data/samples", description="Folder, file or fsspec URL (e.g. s3://bucket/news/) to read"
    )
    include: list[NamePattern] = Field(
        default_factory=lambda: list(DEFAULT_INCLUDE),
        max_length=100,
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
    it is left out and the file is processed again (flows.es.bulk rewrites it all).
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
    unusable = article.has_warning(*UNUSABLE_INPUT)
    return "; ".join(article.warnings) if unusable and not article.paragraphs else None


def _fail(report: RunReport, uri: str, stage: str, reason: str) -> None:
    """Count one file as failed at `stage`, with what the dead-letter needs to retry it."""
    report.failed += 1
    report.failures.append(
        {"id": document_id(uri), "source": printable(uri), "stage": stage, "reason": reason}
    )


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _enrich(articles: list[Article], models: Mapping[str, str], report: RunReport) -> list[Article]:
    """Each article through the enrich stage (entities, MinHash, LSH band keys); one that breaks
    NER fails alone (stage `ner`)."""
    enriched = []
    for article, result in zip(articles, enrich_each(articles, models), strict=True):
        if isinstance(result, Exception):
            _fail(report, article.source, "ner", _reason(result))
        else:
            enriched.append(result)
    return enriched


@task(name="prepare-batch", **_TASK_OPTIONS)
def prepare_batch(
    files: list[SourceFile], options: IngestOptions, settings: Settings, alias: str
) -> PreparedBatch:
    """Read, skip unchanged, clean, extract entities and sign one batch of files.

    A problem with one file (unreadable, undecodable, empty, binary, breaking the cleaner or
    the NER model) fails that file only: it is counted and listed with its stage and reason.
    """
    batch = PreparedBatch()
    batch.report.files_seen = len(files)
    raws = [read_file(file, settings.max_file_bytes, settings.source_root) for file in files]
    known: dict[str, str] = {}
    if not options.full_refresh:
        known = _indexed_hashes(make_client(settings), alias, [document_id(r.uri) for r in raws])
    articles = []
    for raw in raws:
        if raw.error:
            _fail(batch.report, raw.uri, "read", raw.error)
            continue
        try:
            article = clean_raw(raw, settings.max_file_bytes)
        except Exception as exc:
            _fail(batch.report, raw.uri, "clean", _reason(exc))
            continue
        if unusable := _nothing_to_index(article):  # binary or empty: never an empty document
            _fail(batch.report, raw.uri, "clean", unusable)
            continue
        if known.get(article.id) == article.content_hash:
            batch.report.skipped += 1
            continue
        articles.append(article)
    batch.articles = _enrich(articles, settings.spacy_models, batch.report)
    return batch


def _dead_letter_prepared(report: RunReport, settings: Settings, targets: IndexPair) -> None:
    """Write the files that failed before Elasticsearch (read, clean, ner) to the dead-letter."""
    if not report.failures:
        return
    with DeadLetter(settings.dead_letter_path) as dead_letter:
        for failure in report.failures:
            dead_letter.write(
                doc_id=failure["id"],
                index=targets.articles,
                status=None,
                error={"type": f"{failure['stage']}_error", "reason": failure["reason"]},
                source=failure["source"],
                stage=failure["stage"],
            )


@task(name="index-batch", **_TASK_OPTIONS)
def index_batch(batch: PreparedBatch, settings: Settings, targets: IndexPair) -> RunReport:
    """Group with earlier articles, bulk-index, and account for every file of the batch.

    A file is indexed only when its article and every paragraph were written; otherwise it
    counts as failed (its documents are in the dead-letter). Runs inside the load window of
    ``run_batches`` (refresh off): only the articles index is refreshed here, so that the next
    batch's candidate search sees this one.
    """
    es = make_client(settings)
    report = copy.deepcopy(batch.report)  # a retry of this task starts from the same counts
    articles = assign_groups(batch.articles, fetch_candidates(es, targets.articles, batch.articles))
    bulk = index_articles(
        es,
        settings,
        articles,
        targets=targets,
        pipeline_version=PIPELINE_VERSION,
        tune_refresh=False,
    )
    es.indices.refresh(index=targets.articles)
    _dead_letter_prepared(report, settings, targets)
    first_failure: dict[str, dict] = {}
    for failure in bulk.failures:
        first_failure.setdefault(failure["id"], failure)
    paragraph_only = len(first_failure) - bulk.articles_failed  # article stored, a paragraph not
    report.indexed += bulk.articles_ok - paragraph_only
    report.failed += len(first_failure)
    for article_id, failure in first_failure.items():
        report.systemic_failures += _is_systemic(failure)
        report.failures.append(
            {
                "id": article_id,
                "source": failure.get("source") or article_id,
                "stage": "index",
                "reason": f"{failure['_index']}: {failure.get('reason', '')}",
            }
        )
    report.paragraphs_indexed += bulk.paragraphs_indexed
    report.paragraphs_deleted += bulk.paragraphs_deleted
    report.count_articles([a for a in articles if a.id not in first_failure])
    return report


def _is_systemic(failure: dict) -> bool:
    """A write refused for the cluster's reasons (unreachable, overloaded), not the document's."""
    status = failure.get("status")
    return status is None or status == 429 or status >= 500


def _batches(files: list[SourceFile], size: int) -> list[list[SourceFile]]:
    return [files[i : i + size] for i in range(0, len(files), size)]


@flow(name="ingest", task_runner=RunnerOfRunSettings(), log_prints=False)
def ingest(options: IngestOptions = DEFAULT_OPTIONS) -> dict:
    """Index every new or changed raw file under `options.source`; returns the run summary."""
    settings = run_settings()
    logger = get_run_logger()
    es = make_client(settings)
    version = preflight(es, settings, writes=not options.dry_run)
    logger.info("Elasticsearch %s at %s", version, redact_url(settings.es_url))
    with contextlib.nullcontext() if options.dry_run else writer_lease(es, settings):
        targets = aliases(settings) if options.dry_run else open_indices(es, settings)
        report = run_batches(options, settings, targets)
    return publish_report(report, settings)


def run_batches(options: IngestOptions, settings: Settings, targets: IndexPair) -> RunReport:
    """Discover the files, prepare batches on the task runner, index them in order.

    Writes happen in one load window (flows.es.bulk.load_window): refresh is off on both indices
    for the run, and restored and refreshed when it ends, however it ends. Paragraphs become
    searchable then; articles after each batch (``index_batch``).
    """
    logger = get_run_logger()
    started = time.perf_counter()
    share_api_with_workers(settings)
    deployed = deployment.id is not None  # parameters from the Prefect UI: untrusted
    root = source_root_for(options.source, settings.source_root, settings.inbox, deployed)
    settings = settings.model_copy(update={"source_root": root})  # checked again by workers
    files = list(discover(options.source, options.include, settings.source_root))
    batch_size = options.batch_size or settings.batch_size
    logger.info("%d files under %s, in batches of %d", len(files), options.source, batch_size)

    report = RunReport()
    tracker = progress.current(logger)
    tracker.start(len(files))
    in_flight: deque[tuple[int, list[SourceFile], PrefectFuture[PreparedBatch]]] = deque()
    max_in_flight = settings.task_workers * 2  # bounded memory: never the whole corpus at once
    writes = (
        contextlib.nullcontext()
        if options.dry_run
        else load_window(make_client(settings), targets.names())
    )

    def finish_oldest() -> None:
        batch = _prepared(*in_flight.popleft())
        done = _write_batch(batch, options, settings, targets)
        report.merge(done)
        tracker.batch_done(done)

    try:
        with writes:
            for number, batch_files in enumerate(_batches(files, batch_size), start=1):
                future = prepare_batch.submit(
                    quote(batch_files), options, settings, targets.articles
                )
                in_flight.append((number, batch_files, future))
                if len(in_flight) >= max_in_flight:
                    finish_oldest()
                logger.debug("batch %d submitted (%d files)", number, len(batch_files))
            while in_flight:
                finish_oldest()
    except (ApiError, TransportError) as exc:  # systemic: the cluster, not a file
        report.seconds = time.perf_counter() - started
        message = f"run stopped: {describe_error(exc, settings.es_url)}"
        logger.error("%s; of %d files: %s", message, len(files), _counts(report))
        raise RunAbortedError(message, report.summary()) from exc
    except TaskRunnerError as exc:  # the cluster running the batches, not a file
        logger.error("run stopped: %s; of %d files: %s", exc, len(files), _counts(report))
        raise RunAbortedError(f"run stopped: {exc}", report.summary()) from exc
    report.seconds = time.perf_counter() - started
    return report


def _counts(report: RunReport) -> str:
    s = report.summary()
    return ", ".join(f"{k} {s[k]}" for k in ("files_seen", "indexed", "skipped", "failed"))


def _prepared(
    number: int, files: list[SourceFile], future: PrefectFuture[PreparedBatch]
) -> PreparedBatch:
    """The prepared batch; a task that failed on its own (not on Elasticsearch) fails its files.

    The failure is one log line (the console shows it without --verbose; Prefect's traceback
    stays in the UI), and each file is counted and dead-lettered with the stage `prepare`.
    """
    try:
        return future.result()
    except (ApiError, TransportError):  # systemic: the run stops (run_batches)
        raise
    except Exception as exc:
        batch = PreparedBatch()
        batch.report.files_seen = len(files)
        for file in files:
            _fail(batch.report, file.uri, "prepare", _reason(exc))
        get_run_logger().warning(
            "batch %d failed, its %d files dead-lettered: %s",
            number,
            len(files),
            _reason(exc),
            extra=CONSOLE,
        )
        return batch


def _write_batch(
    batch: PreparedBatch, options: IngestOptions, settings: Settings, targets: IndexPair
) -> RunReport:
    """Index a prepared batch (a dry run only counts it); returns the batch's report."""
    if options.dry_run:
        batch.report.count_articles(batch.articles)
        batch.report.skipped += len(batch.articles)  # nothing written: accounted as skipped
        return batch.report
    # quote(): Prefect would otherwise walk every article and paragraph looking for futures
    return index_batch(quote(batch), settings, targets)


def publish_report(report: RunReport, settings: Settings) -> dict:
    """Log the run summary and publish it as the run's Markdown artifact."""
    summary = report.summary()
    get_run_logger().info("run summary: %s", {k: v for k, v in summary.items() if k != "failures"})
    create_markdown_artifact(
        key="ingest-report", markdown=report.to_markdown(), description="newsindex ingest run"
    )
    record_flow_run(settings, summary, PIPELINE_VERSION)  # for `newsindex status`
    return summary
