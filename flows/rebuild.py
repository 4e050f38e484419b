"""The rebuild flow: re-process every source file into new index versions, then swap aliases.

Used after a mapping or pipeline change. Searches keep answering from the old indices until
the single atomic alias swap. Files that fail on their own (unreadable, empty, refused by the
mapping) do not stop the swap: they are in the summary and the dead-letter. A systemic failure
(Elasticsearch down or refusing writes, or no file indexed at all) drops the new indices and
the aliases never move; so does any failed file with `strict`.

Catching up: the rebuild holds the writer lease (flows.es.lease) from before it creates the new
indices until after the swap, so an ingest started meanwhile waits and then writes through the
moved aliases into the new indices; nothing is written into the old indices while the new ones
fill, so the swap drops nothing. That was chosen over re-scanning the source before the swap:
a re-scan reads and cleans every file a second time and still leaves a window between the
re-scan and the swap, and it would not see an ingest of another folder (the inbox) at all.
Files added to the rebuild's source after it listed them are indexed by the next ingest.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows.config import run_settings
from flows.es.client import make_client, redact_url
from flows.es.indices import IndexPair, rebuild
from flows.es.lease import writer_lease
from flows.ingest import DEFAULT_OPTIONS, IngestOptions, publish_report, run_batches
from flows.preflight import preflight
from flows.report import RunAbortedError, RunReport
from flows.runtime.task_runner import RunnerOfRunSettings


@flow(name="rebuild", task_runner=RunnerOfRunSettings(), log_prints=False)
def rebuild_indices(
    options: IngestOptions = DEFAULT_OPTIONS, keep_old: int = 1, strict: bool = False
) -> dict:
    """Re-ingest `options.source` into fresh indices and swap both aliases to them at once."""
    options = options.model_copy(update={"full_refresh": True})
    settings = run_settings()
    logger = get_run_logger()
    es = make_client(settings)
    version = preflight(es, settings)
    logger.info("rebuilding on Elasticsearch %s at %s", version, redact_url(settings.es_url))
    report = RunReport()

    def fill(targets: IndexPair) -> None:
        report.merge(run_batches(options, settings, targets))
        if refusal := _refusal(report, strict):
            raise RunAbortedError(f"{refusal}: the aliases were not moved", report.summary())

    with writer_lease(es, settings):
        state = rebuild(es, settings, fill, keep_old=keep_old)
    logger.info("aliases now point at %s", state.write_indices.names())
    return publish_report(report, settings)


def _refusal(report: RunReport, strict: bool) -> str | None:
    """Why the new indices must not replace the live ones, or None."""
    if report.systemic_failures:
        return f"{report.systemic_failures} files failed for the cluster's reasons (5xx, 429, down)"
    if report.failed and not report.indexed:
        return f"all {report.failed} files failed"
    if report.failed and strict:
        return f"{report.failed} files failed (--strict)"
    return None
